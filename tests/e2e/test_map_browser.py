"""The marker layer's own script in Debian's chromium: what the browser builds from the
columns geo.app.mapview.layer_payload sends (tooltips, popups, icons) is what Python means.

A standalone page of geo.app.foliummap.build_map over the dashboard tests' events (a hostile
place among them), served from a loopback HTTP server; every other request is refused.
"""

from __future__ import annotations

import functools
import html
import http.server
import os
import sys
import threading
from pathlib import Path

import pytest

from geo.app import assets, foliummap, frame_index, mapview

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared fixtures
from test_dashboard_fixtures import HOSTILE, sample_frame  # noqa: E402

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
def drawn(tmp_path_factory):
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: tests/run.sh installs it; CI must not skip this test")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    www = tmp_path_factory.mktemp("map")
    index = frame_index.build_index(sample_frame(hostile=True))
    markers = mapview.place_markers(index)
    assets.install_static_assets(www / "static")
    urls = assets.asset_urls(f"static/{assets.ASSET_DIR_NAME}")
    foliummap.build_map(index, urls).save(str(www / "map.html"))
    handler = functools.partial(_Quiet, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1200, "height": 800})
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
            yield page, markers, page.evaluate(MARKERS_JS), dialogs, errors
            browser.close()
    finally:
        server.shutdown()


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
    through find_clicked_place, even from coordinates a cluster fanned out."""
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
