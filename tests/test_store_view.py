"""The page's views queried from the store (geo.app.store_view) answer as the in-memory index
(geo.app.filters, tables, mapview) does on the same events."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from test_dashboard_fixtures import PLACES, sample_frame, write_frame_store

from geo.app import (
    detail_panel,
    filters,
    frame_index,
    mapview,
    store_downloads,
    store_view,
    tables,
)

FILTERS = [
    filters.EventFilter(),
    filters.EventFilter(date_from=dt.date(2021, 11, 9), date_to=dt.date(2021, 11, 12)),
    filters.EventFilter(actors=("lukashenko",), actor_role="source"),
    filters.EventFilter(place_countries=("BY",), place_role="located"),
    filters.EventFilter(text="border"),
    filters.EventFilter(text="no such words"),
    # The word search (store_view.word_search): inside a word, across words, non-ASCII
    # case, markup, separators only.
    filters.EventFilter(text="orde"),
    filters.EventFilter(text="ŹNICA c"),
    filters.EventFilter(text="Belarus pushed"),
    filters.EventFilter(text="${alert(3"),
    filters.EventFilter(text=" . "),
    filters.EventFilter(event_types=("ACCUSE", "CONSULT"), text="belarus"),
    # Distinct events from lead rows (store_view.lead_column).
    filters.EventFilter(place_role="located"),
    filters.EventFilter(place_role="located", date_from=dt.date(2021, 11, 9)),
    # Types and sources as the query database's codes (store_view.store_where), values
    # the store lacks matching nothing.
    filters.EventFilter(sources=("Reuters", "BBC")),
    filters.EventFilter(sources=("Nobody",)),
    filters.EventFilter(event_types=("NOPE",)),
    filters.EventFilter(sources=("Reuters", "Nobody"), event_types=("ACCUSE", "NOPE"), text="kuź"),
]


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    frame = sample_frame(hostile=True)
    data_dir = tmp_path_factory.mktemp("view") / "data"
    write_frame_store(frame, data_dir)
    con = store_view.open_store(data_dir, cache_dir=data_dir.parent / "query")
    yield frame_index.build_index(frame), con
    con.close()


def test_options_are_the_index_options(stores):
    index, con = stores
    assert store_view.filter_options(con) == filters.filter_options(index)


@pytest.mark.parametrize("event_filter", FILTERS, ids=range(len(FILTERS)))
def test_a_filter_view_answers_as_the_index(stores, event_filter):
    index, con = stores
    rows = filters.filter_rows(index, event_filter)
    view = store_view.filter_view(con, event_filter, 3)
    assert view.counts == filters.metrics(index, rows)
    want = tables.events_per_day(index, rows)
    assert view.per_day.to_dict("list") == want.to_dict("list")
    assert view.without_a_day == tables.events_without_a_day(index, rows)
    expected = mapview.place_markers(index, rows)
    assert [(m.key, m.events, m.size, m.tooltip) for m in view.markers] == [
        (m.key, m.events, m.size, m.tooltip) for m in expected
    ]
    # Popups: the same number of entries per place, and the same excerpt cuts.
    assert {m.key: sorted(m.entries) for m in view.markers} == {
        m.key: sorted(m.entries) for m in expected
    }
    table = tables.events_table(index, rows)
    assert len(view.table) == min(3, len(table))
    assert list(view.table.columns) == list(table.columns)
    latest = table.head(3)
    assert sorted(view.table["excerpt"].dropna()) == sorted(latest["excerpt"].dropna())

    # The same places per event (in the order of the store's rows: by date, then hash).
    def places(names):
        return sorted(sorted(n.split(", ")) for n in names.dropna())

    assert places(view.table["place_names"]) == places(latest["place_names"])


def test_a_place_detail_lists_its_passing_events_with_context(stores):
    index, con = stores
    event_filter = filters.EventFilter(date_from=dt.date(2021, 11, 9))
    rows = filters.filter_rows(index, event_filter)
    for place in PLACES.values():
        events = store_view.events_at_place(con, event_filter, place.key)
        want = mapview.events_at_place(index, rows, place.key)
        assert sorted(events["event_id"]) == sorted(want["event_id"])
        if len(want):
            shared = [c for c in events.columns if c in want.columns]
            html = detail_panel.detail_html(place.name, events)
            assert html == detail_panel.detail_html(place.name, want.loc[:, shared])


def test_downloads_hold_the_passing_rows(stores):
    index, con = stores
    event_filter = filters.EventFilter(place_countries=("PL",))
    rows = filters.filter_rows(index, event_filter)
    text = store_downloads.csv_bytes(con, event_filter).decode("utf-8")
    records = list(csv.DictReader(io.StringIO(text)))
    assert len(records) == len(rows) and {r["place_country"] for r in records} == {"PL"}
    assert {"lat", "lon", "excerpt", "context_before"} <= set(records[0])
    expected = tables.to_csv_bytes(filters.rows_frame(index, rows)).decode("utf-8")
    assert sorted(r["event_id"] for r in records) == sorted(
        r["event_id"] for r in csv.DictReader(io.StringIO(expected))
    )
    geojson = json.loads(store_downloads.geojson_bytes(con, event_filter))
    assert len(geojson["features"]) == len(rows)
    feature = geojson["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert isinstance(feature["properties"]["date"], str)


def test_nothing_passing_gives_empty_views(stores):
    _, con = stores
    view = store_view.filter_view(con, filters.EventFilter(text="no such words"), 10)
    assert view.markers == () and view.table.empty and view.per_day.empty
    assert view.counts == filters.Metrics(0, 0, 0, 0)
    text = store_downloads.csv_bytes(con, filters.EventFilter(text="no such words")).decode()
    assert text.startswith("event_id,") and text.count("\r\n") == 1


def test_popups_say_how_near_as_the_index_does(tmp_path):
    """The precision code (1 exact, 2 near, 3 region) follows each popup entry's date, from
    the query database as from the index; a store without the column shows dates alone."""
    frame = sample_frame()
    frame["place_precision"] = [(1, 2, 3)[i % 3] for i in range(len(frame))]
    data_dir = tmp_path / "data"
    write_frame_store(frame, data_dir)
    con = store_view.open_store(data_dir, cache_dir=tmp_path / "query")
    try:
        view = store_view.filter_view(con, filters.EventFilter(), 3)
    finally:
        con.close()
    index = frame_index.build_index(frame)
    expected = {m.key: sorted(m.entries) for m in mapview.place_markers(index, None)}
    assert {m.key: sorted(m.entries) for m in view.markers} == expected
    dates = [entry[0] for m in view.markers for entry in m.entries]
    assert any(d.endswith(" · near") for d in dates) and any(d.endswith(" · region") for d in dates)


def test_a_one_word_search_reads_the_words_not_every_excerpt():
    """A text inside one word is found from the vocabulary and its postings; only a text
    spanning words also looks in the lowered excerpts (of the events holding its pieces)."""
    sql, params = store_view.search_sql("orde", ["orde"])
    assert "postings" in sql and "event_text" not in sql and params == ["orde"]
    sql, params = store_view.search_sql("border crossing", ["border", "crossing"])
    assert sql.count("postings") == 2 and "event_text" in sql
    assert params == ["border crossing", "border", "crossing"]
    sql, params = store_view.search_sql(" . ", [])
    assert "postings" not in sql and params == [" . "]


def test_one_lead_row_per_event(stores):
    """Distinct events under a filter on whole events (or on them and the located role)
    are counted from lead rows: one per event (and one per event among its located rows)."""
    _, con = stores
    (lead, events, rows, located, located_events) = con.execute(
        "SELECT count(*) FILTER (lead_row), count(DISTINCT event_hash), count(*),"
        " count(*) FILTER (lead_located), count(DISTINCT event_hash) FILTER (role = 'located')"
        " FROM event_places"
    ).fetchall()[0]
    assert lead == events < rows and located == located_events > 0
    assert store_view.lead_column(filters.EventFilter(place_role="located")) == "lead_located"
    assert store_view.lead_column(filters.EventFilter(place_countries=("PL",))) is None


def test_the_markers_columns_make_the_payload_markers_would(stores):
    """PlaceColumns writes the layer's payload and script from its columns: the same as
    mapview's from the PlaceMarker objects it stands for."""
    _, con = stores
    for event_filter in (FILTERS[0], FILTERS[1], FILTERS[3]):
        view = store_view.filter_view(con, event_filter, 3)
        markers = list(view.markers)
        assert view.markers.payload() == mapview.layer_payload(markers)
        assert view.markers.payload_bytes() == mapview.layer_payload_bytes(markers)
        assert view.script == mapview.place_layer_script(markers)
        assert view.markers.bounds() == mapview.marker_bounds(markers)
        assert view.markers.labels() == {m.key: f"{m.name} ({m.events})" for m in markers}
        assert len(markers) > 1
        assert view.markers[-1] == markers[-1] and view.markers[:2] == tuple(markers[:2])


def test_a_place_detail_is_a_page_with_the_count(stores):
    """The panel gets the latest `limit` events of a place and how many there are; the
    heading counts them all and says how many are shown."""
    index, con = stores
    key = PLACES["kuznica"].key
    every = store_view.events_at_place(con, filters.EventFilter(), key)
    assert len(every) > 1
    page = store_view.place_detail(con, filters.EventFilter(), key, limit=1)
    assert page.total == len(every) and list(page.events["event_id"]) == list(every["event_id"][:1])
    html = detail_panel.detail_html("Kuźnica", page.events, total=page.total)
    assert f"— {len(every)} events" in html and "The 1 latest are shown" in html
    assert "latest are shown" not in detail_panel.detail_html("Kuźnica", every)
