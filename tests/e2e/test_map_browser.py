"""The marker layer's own script in Debian's chromium: what the browser builds from the
columns geo.app.mapview.layer_payload sends (tooltips, popups, icons) is what Python means.

A standalone page of geo.app.foliummap.build_map over the dashboard tests' events (a hostile
place among them), served from a loopback HTTP server; every other request is refused.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import html
import http.server
import itertools
import os
import sys
import threading
from pathlib import Path

import pytest

from geo.app import assets, foliummap, frame_index, mapview
from geo.model import EventPlace, Place
from geo.store import events_to_geodataframe

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared fixtures
from test_dashboard_fixtures import HOSTILE, sample_events, sample_frame  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.browser

MARKERS_JS = """async () => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const cluster = Object.values(map._layers).find(l => l instanceof L.MarkerClusterGroup);
  map.options.zoomAnimation = false;
  window.nmCluster = cluster;
  const drawn = [];
  for (const m of cluster.getLayers()) {
    // Tooltips and popups are bound when a marker is first on the map: show each one.
    // markercluster may never call back (a spiderfied point): a test fails, it never hangs.
    await Promise.race([
      new Promise(resolve => cluster.zoomToShowLayer(m, resolve)),
      new Promise(resolve => setTimeout(resolve, 5000)),
    ]);
    // streamlit-folium's extractContent: how a click reports the marker's tooltip.
    const span = document.createElement("span");
    span.innerHTML = m.getTooltip().getContent();
    const icon = m.options.icon.options;
    drawn.push({
      lat: m.getLatLng().lat, lon: m.getLatLng().lng,
      tooltip: (span.textContent || span.innerText).trim(),
      size: icon.iconSize[0], className: icon.className,
      popup: m.getPopup().getContent()(m).textContent,
      tagged: m.getElement().getAttribute("data-place"),
    });
  }
  return drawn;
}"""

OPEN_JS = """(i) => new Promise(resolve => {
  const marker = window.nmCluster.getLayers()[i];
  const open = () => {
    marker.openTooltip();
    marker.openPopup();
    setTimeout(resolve, 300);
  };
  window.nmCluster.zoomToShowLayer(marker, open);
  setTimeout(open, 5000);  // as above: never hang
})"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: tests/run.sh installs it; CI must not skip this test")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@contextlib.contextmanager
def _map_page(browser, www: Path, frame):
    """A page on a standalone map of `frame`'s events (loopback only): (page, markers,
    dialogs, errors), once the first marker icon is on the map."""
    index = frame_index.build_index(frame)
    markers = mapview.place_markers(index)
    assets.install_static_assets(www / "static")
    urls = assets.asset_urls(f"static/{assets.ASSET_DIR_NAME}")
    foliummap.build_map(index, urls).save(str(www / "map.html"))
    handler = functools.partial(_Quiet, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    try:
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(base)
                else route.abort("internetdisconnected")
            ),
        )
        dialogs: list[str] = []
        errors: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{base}/map.html")
        page.wait_for_selector(".leaflet-marker-pane .leaflet-marker-icon")
        yield page, markers, dialogs, errors
    finally:
        page.close()
        server.shutdown()


@pytest.fixture(scope="module")
def drawn(browser, tmp_path_factory):
    with _map_page(browser, tmp_path_factory.mktemp("map"), sample_frame(hostile=True)) as opened:
        page, markers, dialogs, errors = opened
        yield page, markers, page.evaluate(MARKERS_JS), dialogs, errors


def _by_point(markers, drawn_markers):
    """Each drawn marker's Python marker (places in the sample stand on distinct points)."""
    python = {(round(m.lat, 5), round(m.lon, 5)): m for m in markers}
    assert len(python) == len(markers)
    return [(python[(d["lat"], d["lon"])], d) for d in drawn_markers]


def test_every_marker_is_drawn_as_python_describes_it(drawn):
    page, markers, drawn_markers, _, errors = drawn
    assert not errors
    assert len(drawn_markers) == len(markers)
    for marker, shown in _by_point(markers, drawn_markers):
        assert shown["tooltip"] == html.unescape(mapview.tooltip_text(marker.name, marker.events))
        assert shown["size"] == marker.size
        assert shown["tagged"] == marker.name
        kind_class = "nm-area" if mapview.is_area(marker.kind) else "nm-point"
        assert f"{kind_class} nm-kind-{marker.kind}" in shown["className"]
        assert shown["popup"].startswith(f"{marker.name} — {marker.events} event")
        for entry in marker.entries:
            assert "".join(entry[3:]) in shown["popup"]


def test_a_click_reports_a_tooltip_that_selects_its_place(drawn):
    """What streamlit-folium reports for a click (the tooltip, rendered) finds the marker
    through find_clicked_place, even from coordinates that are not the place's."""
    _, markers, drawn_markers, _, _ = drawn
    for marker, shown in _by_point(markers, drawn_markers):
        moved = (shown["lat"] + 0.01, shown["lon"] - 0.01)
        assert mapview.find_clicked_place(markers, *moved, shown["tooltip"]) == marker


def test_a_hostile_place_name_runs_nothing_and_shows_as_text(drawn):
    page, markers, drawn_markers, dialogs, errors = drawn
    hostile = next(i for i, d in enumerate(drawn_markers) if HOSTILE in d["tooltip"])
    page.evaluate(OPEN_JS, hostile)
    tooltip = page.locator(".leaflet-tooltip")
    popup = page.locator(".leaflet-popup-content")
    assert HOSTILE in tooltip.inner_text()
    assert HOSTILE in popup.inner_text()
    for opened in (tooltip, popup):
        assert opened.locator("img, script").count() == 0
    assert not dialogs and not errors


SHARED = (52.1, 20.1)
NEAR = ((52.3, 20.3), (52.3, 20.32))
"""Three places on one point (as a country's marker can sit on its capital's point), and two
places 1.4 km apart: 15 px at zoom 10, one cluster (40 px) up to zoom 11 if nothing stopped
clustering at zoom 10."""


def _shared_point_frame():
    first = sample_events()[0]
    places = [
        Place("Shared city", "city", "PL", *SHARED, "geonames", 9_000_001),
        Place("Shared region", "admin1", "PL", *SHARED, "geonames", 9_000_002),
        Place("Shared country", "country", "PL", *SHARED, "geonames", 9_000_003),
        Place("Near west", "village", "PL", *NEAR[0], "geonames", 9_000_004),
        Place("Near east", "village", "PL", *NEAR[1], "geonames", 9_000_005),
    ]
    events = []
    for n, place in enumerate(places + places[:1]):  # the city has two events: a larger icon
        excerpt = f"Talks were held in {place.name} on day {n}."
        begin = first.start + excerpt.index(place.name)
        at = EventPlace(place, place.name, begin, begin + len(place.name), "located")
        events.append(
            dataclasses.replace(first, id=f"s{n}", excerpt=excerpt, places=(at,), actors=())
        )
    return events_to_geodataframe(events)


CLICKS_JS = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  map.options.zoomAnimation = false;
  window.nmMap = map;
  window.nmClicks = [];
  // What streamlit-folium's onLayerClick reads from a marker's click: e.latlng, and the
  // tooltip as extractContent renders it.
  map.eachLayer(l => { if (l instanceof L.MarkerClusterGroup) { l.on("click", e => {
    const span = document.createElement("span");
    span.innerHTML = e.sourceTarget.getTooltip().getContent();
    window.nmClicks.push({lat: e.latlng.lat, lng: e.latlng.lng,
      tooltip: (span.textContent || span.innerText).trim()});
  }); } });
}"""

VIEW_JS = """([lat, lon, zoom]) => new Promise(resolve => {
  window.nmMap.once("moveend", () => setTimeout(resolve, 300));
  window.nmMap.setView([lat, lon], zoom, {animate: false});
})"""


@pytest.fixture(scope="module")
def shared(browser, tmp_path_factory):
    with _map_page(browser, tmp_path_factory.mktemp("shared"), _shared_point_frame()) as opened:
        page = opened[0]
        page.evaluate(CLICKS_JS)
        yield opened


def test_clustering_stops_at_zoom_10(shared):
    """Near places are separate markers from zoom 10 on, where 40 px clusters would still
    hold them: markercluster clusters only up to zoom 9 (its cost is per zoom level)."""
    page, _, _, errors = shared
    page.evaluate(VIEW_JS, [*NEAR[0], 10])
    for name in ("Near west", "Near east"):
        assert page.locator(f'[data-place="{name}"]').is_visible()
    assert page.locator(".marker-cluster").count() == 0
    page.evaluate(VIEW_JS, [*NEAR[0], 9])
    assert page.locator(".marker-cluster").count() >= 1  # still clustered below zoom 10
    assert not errors


def test_a_cluster_click_zooms_in_rather_than_spiderfying(shared):
    """At zoom 9, the last that clusters, a click on a cluster zooms in to where its places
    are separate markers: a spiderfied marker would report its leg's latlng when clicked."""
    page, _, _, errors = shared
    page.evaluate(VIEW_JS, [*NEAR[0], 9])
    box = page.locator(".marker-cluster").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => window.nmMap.getZoom() >= 10", timeout=10_000)
    page.wait_for_timeout(500)
    for name in ("Near west", "Near east"):
        assert page.locator(f'[data-place="{name}"]').is_visible()
    spider = ".leaflet-marker-icon._spiderfied, .leaflet-cluster-spider-leg"
    assert page.locator(spider).count() == 0
    assert not errors


def _overlap(a: dict, b: dict) -> bool:
    """Whether two bounding boxes (Playwright's x, y, width, height) overlap."""
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_places_sharing_a_point_are_fanned_out_and_a_click_reports_the_place(shared):
    """Each of the places on one point is drawn apart from the others and can be clicked; the
    click reports the place's own point and tooltip, so find_clicked_place selects that
    place (a spider leg would have moved the latlng), and its popup opens with its excerpt."""
    page, markers, dialogs, errors = shared
    page.evaluate(VIEW_JS, [*SHARED, 12])
    names = ("Shared city", "Shared region", "Shared country")
    boxes = {name: page.locator(f'[data-place="{name}"]').bounding_box() for name in names}
    for a, b in itertools.combinations(names, 2):
        assert not _overlap(boxes[a], boxes[b]), f"{a} and {b} overlap"
    for n, name in enumerate(names):
        box = boxes[name]
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(300)
        click = page.evaluate("() => window.nmClicks")[n]
        assert (round(click["lat"], 5), round(click["lng"], 5)) == SHARED
        found = mapview.find_clicked_place(markers, click["lat"], click["lng"], click["tooltip"])
        assert found is not None and found.name == name
        popup = page.locator(".leaflet-popup-content").inner_text()
        assert popup.startswith(f"{name} — ") and f"Talks were held in {name}" in popup
    assert not dialogs and not errors
