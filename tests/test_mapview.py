"""geo.app.mapview: one marker per place, popups, escaping, the folium map."""

from __future__ import annotations

import json
import re

import pytest
from test_dashboard_fixtures import HOSTILE, PLACES, hostile_event, sample_events, sample_frame

from geo.app import detail_panel, foliummap, frame_index, mapview
from geo.app.assets import asset_urls

ASSETS = asset_urls("../../app/static/newsmap")


@pytest.fixture(scope="module")
def frame():
    return sample_frame(hostile=True)


@pytest.fixture(scope="module")
def index(frame):
    return frame_index.build_index(frame)


def popup_text(marker: mapview.PlaceMarker) -> str:
    return " ".join(" ".join(entry) for entry in marker.entries)


def test_one_marker_per_place_sized_by_event_count(frame, index):
    events = sample_events() + [hostile_event()]
    markers = mapview.place_markers(index)
    keys = [m.key for m in markers]
    assert len(keys) == len(set(keys)) == frame["place_key"].nunique()
    by_key = {m.key: m for m in markers}
    kuznica = by_key[PLACES["kuznica"].key]
    assert kuznica.events == sum(
        1 for e in events if any(p.place.key == kuznica.key for p in e.places)
    )
    minsk = by_key[PLACES["minsk"].key]
    assert kuznica.events > minsk.events
    assert kuznica.size > minsk.size


def test_marker_size_grows_with_count_and_is_bounded():
    sizes = [mapview.marker_size(n, 100) for n in (0, 1, 10, 100, 500)]
    assert sizes == sorted(sizes)
    assert sizes[0] == mapview.MIN_MARKER_PX and sizes[-1] == mapview.MAX_MARKER_PX


def test_area_places_are_styled_differently(index):
    markers = mapview.place_markers(index)
    payload = mapview.layer_payload(markers)
    keys = [m.key for m in markers]

    def is_area(place: str) -> int:
        return payload["areas"][payload["kind"][keys.index(PLACES[place].key)]]

    assert is_area("poland") == is_area("bug") == 1
    assert is_area("kuznica") == 0


def test_layer_payload_is_columns_in_marker_order(index):
    markers = mapview.place_markers(index)
    payload = mapview.layer_payload(markers)
    assert payload["name"] == [m.name for m in markers]
    assert payload["events"] == [m.events for m in markers]
    assert payload["size"] == [m.size for m in markers]
    assert [payload["kinds"][k] for k in payload["kind"]] == [m.kind for m in markers]
    assert payload["lat"] == [round(m.lat, 5) for m in markers]
    assert payload["lon"] == [round(m.lon, 5) for m in markers]
    entries = payload["entries"] + [()] * (len(markers) - len(payload["entries"]))
    assert entries == [m.entries for m in markers]
    assert not payload["entries"] or payload["entries"][-1]  # no empty tail is sent


def test_tooltip_has_name_and_count():
    assert mapview.tooltip_text("Kuźnica", 3) == "Kuźnica · 3 events"
    assert mapview.tooltip_text("Minsk", 1) == "Minsk · 1 event"


def test_popup_lists_latest_events_with_highlighted_place(index):
    markers = {m.key: m for m in mapview.place_markers(index)}
    kuznica = markers[PLACES["kuznica"].key]
    dates = [entry[0] for entry in kuznica.entries]
    assert dates == sorted(dates, reverse=True)
    assert {entry[4] for entry in kuznica.entries} == {"Kuźnica"}
    text = popup_text(kuznica)
    assert "BBC" in text and "Reuters" in text and "2021-11-08" in text
    assert "Polish Border Guard, Alexander Lukashenko" in text


def test_popups_of_big_places_are_truncated(index):
    markers = mapview.place_markers(index, max_popup_events=1)
    kuznica = next(m for m in markers if m.key == PLACES["kuznica"].key)
    assert kuznica.events > 1
    assert len(kuznica.entries) == 1
    assert (
        kuznica.entries[0][0]
        == max(
            e.date for e in sample_events() if any(p.place.key == kuznica.key for p in e.places)
        ).isoformat()
    )


def test_payload_budget_shrinks_popups(index):
    generous = mapview.place_markers(index)
    tight = mapview.place_markers(index, payload_budget=2500)
    assert sum(len(m.entries) for m in tight) < sum(len(m.entries) for m in generous)
    assert mapview.layer_payload_bytes(tight) < mapview.layer_payload_bytes(generous)
    # Too tight for one excerpt each: the busiest places keep theirs, every marker its count.
    with_entries = [m.events for m in tight if m.entries]
    without = [m.events for m in tight if not m.entries]
    assert with_entries and (not without or min(with_entries) >= max(without))
    assert [m.events for m in tight] == [m.events for m in generous]


def test_payload_estimate_is_not_below_the_real_size(index):
    markers = mapview.place_markers(index)
    real = len(mapview.safe_json(mapview.layer_payload(markers)).encode("utf-8"))
    assert real <= mapview.layer_payload_bytes(markers) <= 1.5 * real


def test_escape_html_neutralises_html_and_template_literals():
    escaped = mapview.escape_html(HOSTILE)
    for bad in ("<", ">", "${", "`", "\\"):
        assert bad not in escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in escaped


def test_markdown_text_escapes_every_markdown_mark():
    """Streamlit alerts render Markdown: a file name must not become a link or LaTeX."""
    marks = "a*b_c[d](e)$f$:g`h"
    assert mapview.markdown_text(marks) == "a\\*b\\_c\\[d\\]\\(e\\)\\$f\\$\\:g\\`h"


def test_safe_json_cannot_close_a_script():
    text = mapview.safe_json(["</script><script>alert(1)</script>", "\u2028"])
    assert "</script" not in text.lower() and "<" not in text
    assert json.loads(text) == ["</script><script>alert(1)</script>", "\u2028"]


TEMPLATE_TEXT = "{{ lipsum.__globals__['os'].getpid() }} {{ 7 * 7 }} {% if 1 %}if{% endif %} {#c#}"


def test_article_text_is_not_a_jinja_template_in_the_folium_map():
    """folium renders a layer's script, then parses the result as a Jinja template again:
    text with {{ … }} in it would run (with os.getpid, anything) when the map renders."""
    marker = mapview.PlaceMarker(
        "k",
        TEMPLATE_TEXT,
        "city",
        53.5,
        23.6,
        1,
        14,
        mapview.tooltip_text(TEMPLATE_TEXT, 1),
        (("2021-11-16", TEMPLATE_TEXT, "", TEMPLATE_TEXT, "", ""),),
    )
    m = foliummap.build_base_map(((50.0, 20.0), (55.0, 25.0)), ASSETS)
    foliummap.build_place_layer([marker]).add_to(m)
    html = m.get_root().render()
    script = html[html.index("var places") :]
    payload = script[script.index("{") : script.index(";\n")]
    assert json.loads(payload)["name"][0] == TEMPLATE_TEXT
    assert json.loads(payload)["entries"][0][0][3] == TEMPLATE_TEXT
    assert "49" not in payload and "{{" not in payload and "{%" not in payload


def test_hostile_text_is_inert_everywhere_in_the_map(index):
    html = foliummap.build_map(index, ASSETS).get_root().render()
    script = html[html.index("var places") :]
    payload = script[script.index("{") : script.index(";\n")]
    for bad in ("<img", "<script>alert", "${alert", "`x`", "onerror=alert(1)>"):
        assert bad not in payload
    data = json.loads(payload)
    hostile = next(i for i, name in enumerate(data["name"]) if name.startswith("Kuźnica<img"))
    # Texts travel as JSON strings: popups set them with textContent, the tooltip (HTML)
    # escapes the name first (tests/e2e/test_map_browser.py runs it in chromium).
    assert "<script>alert(2)</script>" in data["name"][hostile]
    assert "${alert(3)}" in " ".join(" ".join(e) for e in data["entries"][hostile])
    assert "textContent" in script and "innerHTML" not in script
    assert "return escapeHtml(places.name[i])" in script


def test_detail_panel_escapes_and_links_only_http(index):
    events = mapview.events_at_place(index, None, hostile_event().places[0].place.key)
    panel = detail_panel.detail_html(hostile_event().places[0].place.name, events)
    assert "<img" not in panel and "<script>" not in panel and "${" not in panel
    assert 'href="https://example.org/?q=&lt;script&gt;' in panel
    warsaw = mapview.events_at_place(index, None, PLACES["warsaw"].key)
    assert "javascript:" not in detail_panel.detail_html("Warsaw", warsaw)


def test_detail_panel_lists_every_event_with_context(index):
    key = PLACES["kuznica"].key
    events = mapview.events_at_place(index, None, key)
    panel = detail_panel.detail_html("Kuźnica", events)
    expected = [e for e in sample_events() if any(p.place.key == key for p in e.places)]
    assert panel.count('class="nm-detail-event"') == len(expected)
    for event in expected:
        assert event.context_before in panel and event.context_after in panel
    assert 'href="https://www.bbc.co.uk/news/world-europe-1"' in panel


def test_highlight_falls_back_to_name_search():
    row = {
        "excerpt": "Troops massed near Grodno.",
        "start": 0,
        "mention_start": 999,
        "mention_end": 1005,
        "mention": "Grodno",
        "place_name": "Hrodna",
    }
    assert mapview.highlighted_excerpt(row) == "Troops massed near <mark>Grodno</mark>."


def test_excerpt_parts_are_plain_text():
    row = {
        "excerpt": "a <b> Kuźnica ${x}",
        "start": 0,
        "mention_start": 6,
        "mention_end": 13,
        "mention": "Kuźnica",
    }
    assert mapview.excerpt_parts(row) == ("a <b> ", "Kuźnica", " ${x}")


def test_highlight_window_trims_around_the_mention():
    text = "x" * 300 + " Kuźnica " + "y" * 300
    row = {
        "excerpt": text,
        "start": 0,
        "mention_start": 301,
        "mention_end": 308,
        "mention": "Kuźnica",
    }
    trimmed = mapview.highlighted_excerpt(row, window=60)
    assert trimmed.startswith("…") and trimmed.endswith("…")
    assert "<mark>Kuźnica</mark>" in trimmed
    assert len(trimmed) < 100


def test_find_clicked_place_uses_coordinates_then_tooltip(index):
    markers = mapview.place_markers(index)
    kuznica = PLACES["kuznica"]
    found = mapview.find_clicked_place(markers, kuznica.lat, kuznica.lon, "whatever")
    assert found is not None and found.key == kuznica.key
    assert mapview.find_clicked_place(markers, 0.0, 0.0) is None


def test_a_click_on_a_fanned_out_marker_finds_its_place_by_the_tooltip(index):
    """Two places on one point: the tooltip a click reports (as rendered, unescaped) names
    the place, from the shared point or from coordinates moved off it."""
    import dataclasses
    import html

    markers = mapview.place_markers(index)
    first, second = markers[0], markers[1]
    twin = dataclasses.replace(second, lat=first.lat, lon=first.lon)
    both = [first, twin]
    moved = (first.lat + 0.01, first.lon - 0.01)
    assert mapview.find_clicked_place(both, *moved, html.unescape(twin.tooltip)) == twin
    assert mapview.find_clicked_place(both, *moved, html.unescape(first.tooltip)) == first
    assert mapview.find_clicked_place(both, first.lat, first.lon, "gone · 1 event") == first
    assert mapview.find_clicked_place(both, *moved, "gone · 1 event") is None


def test_base_map_uses_local_assets_only(frame):
    m = foliummap.build_base_map(mapview.DEFAULT_BOUNDS, ASSETS)
    html = m.get_root().render()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, "the map must load Leaflet from somewhere"
    assert all(u.startswith("../../app/static/newsmap/") for u in urls), urls
    for cdn in ("cdn.jsdelivr", "cdnjs", "bootstrapcdn", "code.jquery"):
        assert cdn not in html
    assert "country_outlines.geojson" in html


def test_base_map_is_identical_across_builds():
    # streamlit-folium keeps the map mounted only while the base map's script is unchanged.
    from streamlit_folium import _get_map_string

    first = foliummap.build_base_map(mapview.DEFAULT_BOUNDS, ASSETS)
    second = foliummap.build_base_map(mapview.DEFAULT_BOUNDS, ASSETS)
    first.render()
    second.render()
    norm = re.compile(r"_[a-z0-9]{32}")
    assert norm.sub("", _get_map_string(first)) == norm.sub("", _get_map_string(second))


def test_marker_bounds_cover_every_marker(index):
    markers = mapview.place_markers(index)
    (south, west), (north, east) = mapview.marker_bounds(markers)
    assert all(south <= m.lat <= north and west <= m.lon <= east for m in markers)
    assert mapview.marker_bounds([]) == mapview.DEFAULT_BOUNDS


@pytest.mark.parametrize("window", [20, 60, 180, None])
def test_precomputed_popup_cuts_equal_excerpt_parts(frame, window):
    """The index's vectorised spans and window cuts give what excerpt_parts gives per row."""
    odd = frame.copy()
    odd.loc[odd.index[0], "mention_start"] += 3  # offsets off: found by searching
    odd.loc[odd.index[1], "mention"] = None  # no mention: the stored offsets stand
    odd.loc[odd.index[2], ["mention", "place_name"]] = "nowhere-to-be-found"
    odd.loc[odd.index[3], "excerpt"] = None
    index = frame_index.build_index(odd)
    rows = index.all_rows
    width = int(index.texts.length.max()) + 1 if window is None else window
    entries = mapview._popup_entries(index, rows, width)
    expected: dict[int, list] = {}
    for position, record in zip(rows, index.frame.to_dict("records"), strict=True):
        code = int(index.place.codes[position])
        date = record["date"].strftime("%Y-%m-%d") if record["date"] == record["date"] else ""
        parts = mapview.excerpt_parts(record, width)
        expected.setdefault(code, []).append((date or "undated", *parts))
    got = {code: [(e[0], *e[3:]) for e in es] for code, es in entries.items()}
    assert got == expected
    assert any(e[4] for es in entries.values() for e in es)  # some mentions were marked
