"""Where a rerun's browser time goes: one Chromium page on bench/load.py's synthetic store,
each action sampled with the DevTools CPU profiler.

    python bench/page_profile.py [--events 100000] [--repeat 2]

bench/load.py measured that the browsers, not the server, use the machine (a rerun costs
the page about 0.7 core-s); this says which of the page's scripts spend it. For each action
(add an event type, Reset filters) it prints the page's busy milliseconds from the click
until the app is idle again, split by script bundle (vega, react-dom, leaflet.markercluster,
streamlit-folium's main.js …) and by function. "(program)" is the browser's own work
outside scripts (style, layout, paint, parsing), "(garbage collector)" V8's.
Busy time is CPU time of the page's main thread, so it is steadier than wall time on a
shared machine, but it still grows with the load: compare rows of one run.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import PAGE_PROBE_JS, e2e_helpers, load_module, start_dashboard  # noqa: E402

IDLE_WAIT_S = 1.3
"""What e2e's _wait_idle sleeps around the idle check (2 × 0.5 s) plus the pause after the
action (0.3 s): taken off the wall time printed."""


def profile_action(cdp, page, e2e, act) -> tuple[float, dict]:
    """The wall seconds of `act` until the app is idle, and its CPU profile."""
    e2e._wait_idle(page)
    cdp.send("Profiler.start")
    start = time.monotonic()
    act()
    page.wait_for_timeout(300)
    e2e._wait_idle(page)
    wall = time.monotonic() - start - IDLE_WAIT_S
    return wall, cdp.send("Profiler.stop")["profile"]


def busy_by(profile: dict) -> tuple[collections.Counter, collections.Counter]:
    """Sampled milliseconds per script bundle and per function (name, file, line)."""
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    by_script: collections.Counter = collections.Counter()
    by_function: collections.Counter = collections.Counter()
    for sample, delta_us in zip(profile["samples"], profile["timeDeltas"], strict=True):
        frame = nodes[sample]
        script = frame["url"].rsplit("/", 1)[-1][:48] or frame["functionName"]
        name = frame["functionName"] or "(anonymous)"
        by_script[script] += delta_us / 1000
        by_function[f"{name} {script}:{frame['lineNumber']}"] += delta_us / 1000
    return by_script, by_function


def report(label: str, wall: float, profile: dict, top: int) -> None:
    by_script, by_function = busy_by(profile)
    idle = by_script.pop("(idle)", 0.0)
    by_function.pop("(idle) (idle):-1", None)
    busy = sum(by_script.values())
    print(f"\n{label}: wall ~{wall:.2f} s, page busy {busy:.0f} ms (idle {idle:.0f} ms)")
    for script, ms in by_script.most_common(top):
        print(f"  {ms:7.0f} ms  {script}")
    print("  functions:")
    for function, ms in by_function.most_common(top):
        print(f"  {ms:7.0f} ms  {function}")


def pick_event_type(page) -> None:
    page.get_by_role("combobox", name="Event type", exact=True).click()
    options = page.get_by_role("option")
    options.first.wait_for()
    names = [t for t in options.all_inner_texts() if t != "Select all"]
    options.filter(has_text=names[1]).first.click()
    page.keyboard.press("Escape")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--places", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=2, help="rounds of filter + reset")
    parser.add_argument("--top", type=int, default=8, help="rows per breakdown")
    args = parser.parse_args(argv)
    e2e = e2e_helpers()
    if not e2e.CHROMIUM.exists():
        print(f"{e2e.CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    bench_dashboard = load_module("bench_dashboard", ROOT / "bench" / "dashboard.py")
    tmp = Path(tempfile.mkdtemp(prefix="newsmap-profile-"))
    frame, store_env = bench_dashboard.bench_store(tmp, args.events, args.places)
    del frame
    with (tmp / "streamlit.log").open("w") as log:
        server, url = start_dashboard(e2e, store_env, log)
        try:
            e2e._wait_for_health(url, server)
            run_page(url, e2e, args)
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(f"\nload average {os.getloadavg()[0]:.1f}")
    return 0


def run_page(url: str, e2e, args) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(e2e.CHROMIUM),
            # Offline: every host but the loopback server fails to resolve (tiles included).
            args=["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        )
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        context.add_init_script(PAGE_PROBE_JS)
        page = context.new_page()
        page.goto(url, timeout=300_000)
        page.get_by_test_id("stMetricValue").first.wait_for(timeout=300_000)
        e2e._map_frame(page)
        cdp = context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})  # µs
        reset = page.get_by_role("button", name="Reset filters")
        for round_ in range(1, args.repeat + 1):
            for label, act in (
                ("add an event type", lambda: pick_event_type(page)),
                ("Reset filters", reset.click),
            ):
                wall, profile = profile_action(cdp, page, e2e, act)
                report(f"{label} (round {round_})", wall, profile, args.top)
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
