"""The map at many distinct places: its payload and the time until Chromium draws its markers.

    python bench/map_draw.py [--places 30000] [--events 100000] [--runs 5]

Issue 13's targets at 30,000 distinct places: map payload ≤ 2 MB, markers drawn ≤ 2 s.
Exits 1 when a target is missed.

The events are bench/dashboard.py's synthetic ones (real GeoNames places, Zipf-like
popularity), with every place given at least one event so the map really has `--places`
distinct places. Printed:
- payload: the st_folium component's arguments as the dashboard sends them on a page
  (geo.app.page.map_component_args around geo.app.mapview.place_layer_script, serialised as
  Streamlit serialises a component's arguments), and the marker layer's script alone;
- draw time: a standalone page of the same map (geo.app.foliummap.build_map: the same
  layer script, Leaflet and markercluster served from the installed packages by a local
  HTTP server, tile requests refused as offline, so the offline basemap shows; the layer
  clusters up to zoom 9, places sharing a point are fanned out by their icons)
  opened in headless Debian chromium through Playwright; the time from navigation start
  to the first animation frame after markercluster has clustered every marker and put the
  clusters in view on the map. The bench's own copy of leaflet.markercluster.js reports
  that (a `chunkProgress` default: the layer's chunked loading calls it after each chunk);
  the first icons on the map come sooner but are partial (a map move during chunked
  loading draws the markers clustered so far). Also printed: when the layer script starts
  and the CPU seconds chromium's processes spent on the page (Linux /proc). Median of
  `--runs` page loads, each in a new browser context.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = Path("/usr/bin/chromium")
TARGET_PAYLOAD_BYTES = 2_000_000
TARGET_DRAW_S = 2.0

CLUSTERED_HOOK = """
L.MarkerClusterGroup.prototype.options.chunkProgress = function (done, total) {
  if (done === total && total > 0) {
    // After this call the same task puts the clusters on the map.
    setTimeout(function () { window.nmBenchClustered = performance.now(); }, 0);
  }
};
"""
"""Appended to the bench's copy of markercluster: the layer sets no chunkProgress of its own."""

LAYER_START_HOOK = "window.nmBenchLayerStart = performance.now();"

DRAWN_JS = """() => {
  if (!window.nmBenchClustered) { return null; }
  const icons = document.querySelectorAll(".leaflet-marker-pane .leaflet-marker-icon");
  return {at: performance.now(), clustered: window.nmBenchClustered,
          layer: window.nmBenchLayerStart, icons: icons.length};
}"""
"""Resolves, polled once a frame, in the first frame after every marker is clustered."""


def bench_dashboard_module():
    """bench/dashboard.py (its name is the app's, dashboard.py at the root, so by path)."""
    spec = importlib.util.spec_from_file_location("bench_dashboard", ROOT / "bench/dashboard.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def component_payload_bytes(script: str, bounds) -> int:
    """Bytes of the st_folium component's arguments for this layer script, as the page sends
    them (streamlit: json.dumps of the arguments)."""
    import streamlit_folium

    from geo.app import page

    base = page.render_base_map_args(bounds, page.ASSET_BASE_URL, streamlit_folium)
    args = page.map_component_args(base, script, page.RETURNED_OBJECTS)
    return len(json.dumps(args).encode("utf-8"))


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


def chromium_cpu_seconds() -> float:
    """User + system CPU seconds of this process's chromium descendants so far (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0.0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if "chrom" in name:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def draw_times(url: str, runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError("Debian's chromium is not installed (apt-get install chromium)")
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                # Only the local server: tile requests fail as they do offline.
                context.route(
                    "**/*",
                    lambda route: (
                        route.continue_()
                        if route.request.url.startswith(url)
                        else route.abort("internetdisconnected")
                    ),
                )
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                cpu = chromium_cpu_seconds()
                page.goto(f"{url}/map.html", wait_until="commit")
                drawn = page.wait_for_function(DRAWN_JS, polling="raf", timeout=120_000)
                result = drawn.json_value()
                result["cpu"] = chromium_cpu_seconds() - cpu
                result["dom_loaded"] = page.evaluate(
                    "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
                )
                if errors:
                    raise RuntimeError(f"the map page raised: {errors[0]}")
                results.append(result)
                context.close()
        finally:
            browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=30_000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from geo.app import assets, foliummap, frame_index, mapview

    start = time.perf_counter()
    frame = bench_dashboard_module().synthetic_frame(args.events, args.places, every_place=True)
    index = frame_index.build_index(frame)
    print(
        f"synthetic events: {frame['event_id'].nunique():,} events, {len(frame):,} event×place "
        f"rows, {frame['place_key'].nunique():,} distinct places "
        f"({time.perf_counter() - start:.1f} s)"
    )
    start = time.perf_counter()
    markers = mapview.place_markers(index)
    script = mapview.place_layer_script(markers)
    layer_s = time.perf_counter() - start
    payload = component_payload_bytes(script, mapview.marker_bounds(markers))
    with_excerpts = sum(1 for m in markers if m.entries)
    per_point = Counter((round(m.lat, 5), round(m.lon, 5)) for m in markers)
    shared = [n for n in per_point.values() if n > 1]
    print(
        f"markers: {len(markers):,}, {with_excerpts:,} with popup excerpts "
        f"({sum(len(m.entries) for m in markers):,} excerpts); layer built in {layer_s:.2f} s; "
        f"{sum(shared):,} places share {len(shared):,} points (fanned out by their icons)"
    )
    print(
        f"layer script {len(script.encode('utf-8')) / 1e6:.2f} MB; "
        f"as the page sends it (component arguments) {payload / 1e6:.2f} MB"
    )

    with tempfile.TemporaryDirectory() as tmp:
        www = Path(tmp)
        installed = assets.install_static_assets(www / "static")
        with (installed / "leaflet.markercluster.js").open("a", encoding="utf-8") as library:
            library.write(CLUSTERED_HOOK)
        urls = assets.asset_urls(f"static/{assets.ASSET_DIR_NAME}")
        html = foliummap.build_map(index, urls).get_root().render()
        start_at = html.index("(function () {\n  var places")
        html = html[:start_at] + LAYER_START_HOOK + html[start_at:]
        (www / "map.html").write_text(html, encoding="utf-8")
        server, url = serve(www)
        try:
            results = draw_times(url, args.runs)
        finally:
            server.shutdown()
    drawn = [r["at"] / 1000 for r in results]
    median = statistics.median(drawn)

    def median_of(key: str, scale: float = 1000) -> str:
        return f"{statistics.median(r[key] for r in results) / scale:.2f}"

    print(
        f"markers drawn in headless chromium, from navigation start: "
        f"{', '.join(f'{t:.2f}' for t in drawn)} s (median {median:.2f} s); medians: layer "
        f"script starts at {median_of('layer')} s, DOMContentLoaded {median_of('dom_loaded')} s, "
        f"all clustered {median_of('clustered')} s; chromium CPU {median_of('cpu', 1)} s a load; "
        f"{results[-1]['icons']:,} icons (clusters and single markers) in view"
    )
    failed = 0
    for ok, text in (
        (payload <= TARGET_PAYLOAD_BYTES, f"map payload {payload / 1e6:.2f} MB (≤ 2 MB)"),
        (median <= TARGET_DRAW_S, f"markers drawn {median:.2f} s (≤ 2 s)"),
    ):
        print(("PASS " if ok else "FAIL ") + text)
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
