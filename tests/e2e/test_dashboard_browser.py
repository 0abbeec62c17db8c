"""Real-browser test of `streamlit run dashboard.py` (Playwright + Debian's chromium).

Runs with no internet: every request that leaves the loopback server is
answered from the locally installed asset packages (geo.app.assets.cdn_to_local)
or refused, tiles included, so the map must stand on its offline basemap.
The store is built by the real pipeline from seeds/ into a temporary data dir.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
BUILD_TIMEOUT_S = 300

pytestmark = pytest.mark.browser

HOSTILE_ARTICLE = (
    "Guards <img src=x onerror=\"window.__xss='title'\"> say ${window.__xss='t2'}\n"
    "\n"
    "Polish border guards <img src=x onerror=\"window.__xss='img';alert('img')\"> accused "
    "Belarus ${window.__xss='tpl';alert('tpl')} of pushing migrants towards Kuźnica "
    "<script>window.__xss='script';alert('script')</script> on Tuesday, and "
    "`${alert('backtick')}` officials in Warsaw condemned the attack.\n"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_health(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url}/_stcore/health did not answer in {timeout} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: tests/run.sh installs it; CI must not skip this test")
        pytest.skip(message)
    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    port = _free_port()
    env = dict(os.environ, NEWSMAP_DATA_DIR=str(data_dir))
    env.pop("NEWSMAP_STATIC_DIR", None)  # the app's ./static/ is what Streamlit serves
    log = (tmp_path_factory.getbasetemp() / "streamlit.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(url, process)
        yield url, data_dir
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _offline_routes(context) -> list[str]:
    """Serve known CDN files locally, refuse everything else that is not loopback."""
    from geo.app.assets import cdn_to_local

    local = cdn_to_local()
    refused: list[str] = []

    def handle(route):
        url = route.request.url
        host = urlparse(url).hostname or ""
        if host in ("127.0.0.1", "localhost") or url.startswith(("data:", "blob:")):
            route.continue_()
        elif url in local:
            route.fulfill(path=str(local[url]))
        else:
            refused.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", handle)
    return refused


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    url, _ = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1500, "height": 1200})
        refused = _offline_routes(context)
        page = context.new_page()
        page.dialogs = []  # type: ignore[attr-defined]
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.refused = refused  # type: ignore[attr-defined]
        # What the browser saw go wrong, for the message of a map that never renders.
        page.troubles = []  # type: ignore[attr-defined]
        page.on(
            "console",
            # A failed load is reported with its URL by "requestfailed" below.
            lambda m: (
                m.type == "error"
                and not m.text.startswith("Failed to load resource")
                and page.troubles.append(f"console: {m.text}")
            ),
        )
        page.on("pageerror", lambda e: page.troubles.append(f"page error: {e}"))
        page.on(
            "requestfailed",
            lambda r: page.troubles.append(f"request failed: {r.url} ({r.failure})"),
        )
        page.goto(url)
        page.get_by_test_id("stMetricValue").first.wait_for(timeout=BUILD_TIMEOUT_S * 1000)
        yield page
        browser.close()


def _map_frame(page):
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].some(f => f.src.includes('st_folium'))"
    )
    start = time.monotonic()
    seen: list[tuple[float, dict]] = []  # each change of a map frame's state, for the message
    while time.monotonic() < start + 90:
        for frame in _map_frames(page):
            state = frame.evaluate(MAP_STATE_JS)
            if state["map"] and state["groups"]:
                return frame
            if not seen or seen[-1][1] != state:
                seen.append((round(time.monotonic() - start, 1), state))
        time.sleep(0.3)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-e2e-no-map.png"), full_page=True)
    after = [frame.evaluate(MAP_STATE_JS) for frame in _map_frames(page)]
    troubles = [t for t in getattr(page, "troubles", []) if "tile.openstreetmap.org" not in t]
    raise TimeoutError(
        "the map did not render (see test-artifacts/dashboard-e2e-no-map.png); map frame "
        f"states (s, state) in the wait: {seen}; after the screenshot: {after}; "
        f"what went wrong in the browser: {troubles[-20:]}"
    )


def _map_frames(page) -> list:
    """The map's frames, found from their iframe elements: a busy machine can leave
    Playwright's `frame.url` at about:blank after the component's iframe has loaded (the
    map drawn, no frame in `page.frames` naming st_folium, for 90 s)."""
    frames = []
    for element in page.query_selector_all('iframe[src*="st_folium"]'):
        frame = element.content_frame()
        if frame is not None:
            frames.append(frame)
    return frames


MAP_STATE_JS = """() => ({
  leaflet: !!window.L, map: !!window.map,
  groups: (window.feature_group || []).length, scripts: document.scripts.length
})"""


MARKER_COUNT_JS = """() => {
  let n = 0;
  // streamlit-folium keeps replaced groups in window.feature_group; count those on the map.
  (window.feature_group || []).filter(g => window.map.hasLayer(g)).forEach(g => g.eachLayer(l => {
    if (l.getLayers) { n += l.getLayers().length; }
  }));
  return n;
}"""


def excerpt_parts(row):
    from geo.app.mapview import POPUP_EXCERPT_CHARS, excerpt_parts

    return excerpt_parts(row, POPUP_EXCERPT_CHARS)


def _store(data_dir: Path):
    from geo.store import load_event_places

    return load_event_places(data_dir)


def _wait_idle(page) -> None:
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
    )
    page.wait_for_timeout(500)


def _click_place(page, frame, name: str, lat: float, lon: float) -> None:
    # Zoom in so clustering releases the marker, then click it like a user. The
    # first render fits the view to the markers once the app settles: wait for
    # that, and zoom again if a late fit still undid the zoom.
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    _wait_idle(page)
    marker = frame.locator(f'[data-place="{name}"]').first
    for attempt in range(3):
        frame.evaluate(f"() => window.map.setView([{lat}, {lon}], 14, {{animate: false}})")
        try:
            marker.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    marker.click()


def test_marker_click_shows_excerpt(page, server):
    _, data_dir = server
    frame = _map_frame(page)
    events = _store(data_dir)
    at_kuznica = events[events["place_name"] == "Kuźnica"]
    assert len(at_kuznica), "the seeds mention Kuźnica"
    point = at_kuznica.geometry.iloc[0]
    _click_place(page, frame, "Kuźnica", point.y, point.x)  # (lat, lon) = (y, x)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    popup_text = popup.inner_text()
    assert "Kuźnica" in popup_text
    latest = at_kuznica.sort_values("date", ascending=False).iloc[0]
    # The popup shows a window of the excerpt around the place name.
    _, mention, after = excerpt_parts(latest.to_dict())
    assert mention and (mention + after)[:30] in popup_text.replace("\n", " ")
    # The click also selects the place in the detail panel beside the map.
    detail = page.locator(".nm-detail")
    detail.wait_for(timeout=30_000)
    assert "Kuźnica" in detail.inner_text()
    assert latest["excerpt"][:40] in detail.inner_text().replace("\n", " ")


def test_country_filter_changes_the_markers(page, server):
    _, data_dir = server
    frame = _map_frame(page)
    before = frame.evaluate(MARKER_COUNT_JS)
    events = _store(data_dir)
    belarus_places = events[events["place_country"] == "BY"]["place_key"].nunique()
    assert 0 < belarus_places < events["place_key"].nunique()
    select = page.get_by_test_id("stMultiSelect").filter(has_text="Place country")
    select.locator("input").click()
    select.locator("input").fill("Belarus")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).getAll('country').includes('BY')",
        timeout=30_000,
    )
    _wait_idle(page)
    frame = _map_frame(page)
    page.wait_for_timeout(1000)
    after = frame.evaluate(MARKER_COUNT_JS)
    assert before != after
    assert after == belarus_places


def test_hostile_upload_runs_no_script(page, server, tmp_path):
    _, data_dir = server
    article = tmp_path / "hostile.txt"
    article.write_text(HOSTILE_ARTICLE, encoding="utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(article))
    page.get_by_text("added 1 article").wait_for(timeout=BUILD_TIMEOUT_S * 1000)
    _wait_idle(page)
    assert (data_dir / "uploads").is_dir() and list((data_dir / "uploads").iterdir())
    # Reset filters so the new article's places are on the map, then open its popup.
    page.get_by_role("button", name="Reset filters").click()
    _wait_idle(page)
    events = _store(data_dir)
    hostile = events[events["excerpt"].str.contains("onerror", regex=False)]
    assert len(hostile), "the hostile article produced events"
    row = hostile.iloc[0]
    frame = _map_frame(page)
    _click_place(page, frame, row["place_name"], row.geometry.y, row.geometry.x)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    page.locator(".nm-detail").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    shown = page.locator(".nm-detail").inner_text() + popup.inner_text()
    assert "onerror" in shown  # the payload is displayed as text...
    assert page.dialogs == []  # ...and never runs
    assert page.evaluate("() => window.__xss") is None
    assert frame.evaluate("() => window.__xss") is None
    assert frame.locator(".leaflet-popup-content img, .leaflet-popup-content script").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-e2e.png"), full_page=True)
    (ARTIFACTS / "dashboard-e2e-refused.json").write_text(json.dumps(page.refused, indent=1))


SIDEBAR_SELECT = '[data-testid="stSidebar"] [data-testid="stMultiSelect"]'
FILTER_PARAMS_JS = "() => [...new URLSearchParams(location.search).keys()]"
"""The filters the page's link carries (dashboard.sync_query_params)."""


def _height(locator) -> float:
    return locator.bounding_box()["height"]


def test_reset_filters_takes_one_click_with_a_multiselect_focused(page):
    """A focused multiselect whose chosen values fill its line is a line taller than when
    blurred. The click's mousedown blurs it: Reset filters must not move away from under
    the mouseup (found by bench/load.py, where the button stood below the multiselects)."""
    select = page.locator(SIDEBAR_SELECT).first
    box = select.locator("input")
    taller = False
    for _ in range(12):  # add values until the focused widget wraps onto a new line
        box.click()
        options = page.get_by_role("option")
        options.first.wait_for(timeout=10_000)
        pick = next((o for o in options.all() if o.inner_text() != "Select all"), None)
        if pick is None:
            break
        pick.click()
        _wait_idle(page)
        box.click()
        page.keyboard.press("Escape")  # the list closes, the widget keeps the focus
        focused = _height(select)
        page.evaluate("() => document.activeElement.blur()")
        page.wait_for_timeout(300)
        if focused > _height(select) + 10:
            taller = True
            break
    assert taller, "no number of chosen values made the focused multiselect taller"
    assert page.evaluate(FILTER_PARAMS_JS), "the chosen values are in the page's link"
    box.click()
    page.keyboard.press("Escape")
    button = page.get_by_role("button", name="Reset filters").bounding_box()
    page.mouse.move(button["x"] + button["width"] / 2, button["y"] + button["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(300)  # the blur's relayout happens before the button is released
    page.mouse.up()
    _wait_idle(page)
    assert page.evaluate(FILTER_PARAMS_JS) == []


def test_no_cdn_or_tile_request_was_needed_for_the_map(page):
    # Tiles are refused (offline); nothing else outside loopback should have been asked for.
    outside = [u for u in page.refused if "tile.openstreetmap.org" not in u]
    assert outside == []
