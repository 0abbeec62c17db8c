"""The dashboard under load: `streamlit run dashboard.py` on a synthetic store, driven by
several Chromium pages at once.

    python bench/load.py [--pages 10] [--seconds 60] [--events 100000] [--quick]
                         [--open-together 2] [--timeout 30] [--seed 7] [--keep]

The store is bench/dashboard.py's synthetic one (bench_store: real gazetteer places, a real
manifest over an empty corpus, so the dashboard's staleness check finds it current and
nothing is rebuilt). One `streamlit run` serves it; each page is its own Debian chromium
(Playwright's sync API, one per thread; tests/e2e's chromium path, port, health and map
helpers), offline: every host but 127.0.0.1 fails to resolve. Pages open --open-together at
a time; once every page shows its map, each one, for --seconds, changes filters (adds a
value to a multiselect, searches the excerpts, switches the place role, resets) and clicks
markers (a random marker on the map, zoomed to until its cluster lets it go), one action
after another.

Rerun time is taken in the page, per action: from the click or key press that changes a
widget until the app's `script_finished` message has reached the page over its websocket and
Streamlit's running indicator (stStatusWidget) is gone. Errors: uncaught page exceptions,
console errors (except failed requests outside loopback: map tiles, offline), Streamlit
exception elements, an action whose rerun does not finish in --timeout s, a marker click
the detail panel does not show, a rerun that ends other than successfully, and tracebacks in
the server's log. The server's memory is the VmRSS of the streamlit process and its children
from /proc, sampled each second.

Goals (issue 15, point 5), judged with exit status 1 when one is missed:
- no errors
- p95 rerun time ≤ 1 s
- server memory bounded: the peak RSS over the run's second half is at most 10% (and 50 MB)
  above the peak over its first half (caches fill, then hold)
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]

LOOPBACK = ("127.0.0.1", "localhost")
TARGET_P95_S = 1.0
MEMORY_GROWTH_SHARE = 0.10
MEMORY_GROWTH_SLACK_KB = 50 * 1024
QUICK = {"pages": 2, "seconds": 10, "events": 5_000}
DEFAULTS = {"pages": 10, "seconds": 60, "events": 100_000}

FILTERS = ("Place country", "Event type", "Source", "Actor country", "Actor")
SEARCH_WORDS = ("talks", "border", "aid convoys", "police", "ministry", "cold forest")
ACTIONS = (("filter", 40), ("click", 35), ("search", 10), ("role", 10), ("reset", 5))
MAX_FILTERS = 3
"""Values added since the last reset before the next filter action resets instead: each
view keeps a share of the events, rather than an ever narrower intersection."""

PICK_MARKER_JS = """async () => {
  const leaves = [];
  (window.feature_group || []).filter(g => window.map.hasLayer(g)).forEach(g => g.eachLayer(c => {
    if (c.getLayers && c.zoomToShowLayer) { c.getLayers().forEach(m => leaves.push([c, m])); }
  }));
  if (!leaves.length) { return null; }
  const [cluster, marker] = leaves[Math.floor(Math.random() * leaves.length)];
  await new Promise(resolve => {
    const timer = setTimeout(resolve, 5000);
    cluster.zoomToShowLayer(marker, () => { clearTimeout(timer); resolve(); });
  });
  if (!marker._icon) { return null; }
  document.querySelectorAll('[data-load-pick]').forEach(e => e.removeAttribute('data-load-pick'));
  marker._icon.setAttribute('data-load-pick', '1');
  // A marker sharing its point with others is shown on a spider leg, its latlng moved.
  return [marker._icon.getAttribute('data-place'), !!marker._preSpiderfyLatlng];
}"""
"""A random marker of those on the map, zoomed to until its cluster releases (or spiderfies)
it, tagged for Playwright to click: [its place name, spiderfied], or null when there is none."""


PAGE_PROBE_JS = """
for (const type of ["pointerdown", "keydown"]) {
  window.addEventListener(type, () => { window.__loadInputAt = Date.now(); }, true);
}
window.__loadFinished = 0;
window.__loadFinishedAt = 0;
window.__loadStatuses = [];
(() => {
  // The ScriptFinishedStatus of a ForwardMsg whose type is script_finished (field 6, an
  // enum), else -1: only the top-level fields are read, longer ones skipped, not decoded.
  function scriptFinished(buffer) {
    const b = new Uint8Array(buffer);
    let i = 0;
    const varint = () => {
      let value = 0, shift = 0, byte;
      do { byte = b[i++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; }
      while (byte & 0x80 && i < b.length);
      return value;
    };
    while (i < b.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag & 7;
      if (wire === 0) { const value = varint(); if (field === 6) { return value; } }
      else if (wire === 2) { const length = varint(); i += length; }  // not i += varint()
      else if (wire === 1) { i += 8; }
      else if (wire === 5) { i += 4; }
      else { return -1; }
    }
    return -1;
  }
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (!(event.data instanceof ArrayBuffer)) { return; }
        const status = scriptFinished(event.data);
        if (status >= 0) {
          window.__loadFinishedAt = Date.now();
          window.__loadStatuses.push(status);
          window.__loadFinished += 1;
        }
      });
    }
  };
})();
"""
"""In every frame: stamps the last user input, and counts the app's script_finished messages
as they reach the page (epoch ms, the clock of Python's time.time()). In the page, not
through Playwright's websocket events: those carry every frame (a 1 MB map payload per
rerun at 100k events) base64 through the driver to Python, which cost this script a quarter
of a core-second per action and delayed the very message being timed."""

RERUN_DONE_JS = """(before) => {
  if (window.__loadFinished > before &&
      !document.querySelector('[data-testid="stStatusWidget"]')) {
    return [Date.now(), window.__loadFinishedAt, window.__loadStatuses.slice(before)];
  }
  return false;
}"""


def load_module(name: str, path: Path) -> ModuleType:
    """A module by file path: bench/ and tests/e2e/ are folders, not packages."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def e2e_helpers() -> ModuleType:
    """tests/e2e's browser helpers: the chromium path, free port, health wait, map frame."""
    return load_module("e2e_browser", ROOT / "tests" / "e2e" / "test_dashboard_browser.py")


# --------------------------------------------------------------------------- server memory


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids.extend(int(k) for k in f.read().split())
    except OSError:
        return []
    return kids


def tree_rss_kb(pid: int) -> int:
    """VmRSS of `pid` and all its descendants, in kB (0 for a process that is gone)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
        todo.extend(_children(p))
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` (its threads included), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        if p not in found:
            found.add(p)
            todo.extend(_children(p))
    return found


def cpu_by_group(server_pid: int) -> Counter:
    """CPU seconds used so far, by who: the server (streamlit and its children), the
    browsers, the Playwright drivers, this script, and every other process on the machine
    (it is shared). Only processes alive now are counted: take differences."""
    server = _descendants(server_pid)
    ours = _descendants(os.getpid()) - server
    groups: Counter = Counter()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        try:
            with open(f"/proc/{pid}/stat") as f:
                head, tail = f.read().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()
        seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        comm = head.split("(", 1)[1]
        if pid in server:
            group = "server"
        elif pid == os.getpid():
            group = "bench"
        elif pid in ours:
            group = "browsers" if "chrom" in comm else "drivers" if comm == "node" else "bench"
        else:
            group = "other"
        groups[group] += seconds
    return groups


class MemorySampler(threading.Thread):
    def __init__(self, pid: int, every_s: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.pid, self.every_s = pid, every_s
        self.samples: list[tuple[float, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        start = time.monotonic()
        while not self.stop.is_set():
            self.samples.append((time.monotonic() - start, tree_rss_kb(self.pid)))
            self.stop.wait(self.every_s)


# --------------------------------------------------------------------------- one page


@dataclass
class Action:
    page: int
    kind: str
    what: str
    seconds: float | None  # to the page idle; None when it failed
    finished_s: float | None  # to script_finished's arrival
    at: float  # seconds from the start of the timed run to the action's end


@dataclass
class PageResult:
    actions: list[Action] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (kind, message)
    refused: list[str] = field(default_factory=list)
    ready_s: float | None = None


class LoadPage:
    """One user: its own chromium, context and page, driven from one thread."""

    def __init__(
        self,
        number: int,
        url: str,
        e2e: ModuleType,
        timeout_s: float,
        seed: int,
        shots: Path | None = None,
    ):
        self.shots = shots
        self.number, self.url, self.e2e, self.timeout_s = number, url, e2e, timeout_s
        self.rng = random.Random(seed * 1000 + number)
        self.result = PageResult()
        self.added = 0
        self.search = ""

    # -- events from the page
    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "") if message.location else ""
        host = urlparse(where).hostname or ""
        if message.text.startswith("Failed to load resource") and host not in LOOPBACK:
            self.result.refused.append(where)  # outside loopback (map tiles): offline
            return
        self._error("console error", f"{message.text} ({where})")

    def _error(self, kind: str, message: str) -> None:
        self.result.errors.append((kind, message[:300]))

    # -- setup
    def snapshot(self, kind: str) -> None:
        """A screenshot of the page as it was when an action failed, for --keep."""
        if self.shots is None:
            return
        self.shots.mkdir(exist_ok=True)
        name = f"page{self.number}-{len(self.result.errors)}-{kind}.png"
        self.page.screenshot(path=str(self.shots / name), full_page=True)

    def open(self, playwright) -> None:
        e2e = self.e2e
        # Offline like tests/e2e, but without its Python route handler: with ten pages on
        # two cores, a Python round trip per request made page opens pass Streamlit's 60 s
        # component timeout. Every host but the loopback server fails to resolve (tiles
        # included), as in bench/dashboard.py; the dashboard needs nothing from outside.
        self.browser = playwright.chromium.launch(
            executable_path=str(e2e.CHROMIUM),
            args=["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        )
        context = self.browser.new_context(viewport={"width": 1500, "height": 1100})
        context.add_init_script(PAGE_PROBE_JS)  # every frame, the map's included
        page = context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self._error("page exception", str(error)))
        self.page = page
        start = time.monotonic()
        page.goto(self.url, timeout=300_000)
        page.get_by_test_id("stMetricValue").first.wait_for(timeout=300_000)
        if page.get_by_text("Event store built").count():
            raise RuntimeError("the store was rebuilt: it should have been current")
        try:
            self.frame = e2e._map_frame(page)
        except TimeoutError as error:
            raise TimeoutError(f"{error}; {self.map_state()}") from None
        self.wait_rerun(0, time.time())  # the first run's
        self.result.ready_s = time.monotonic() - start

    def map_state(self) -> str:
        """What the map's frames hold, for a page whose map did not show."""
        states = []
        for frame in self.e2e._map_frames(self.page):
            try:
                state = frame.evaluate("() => [!!window.map, (window.feature_group || []).length]")
            except Exception as error:  # noqa: BLE001 - a detached frame, say so
                state = type(error).__name__
            states.append(f"st_folium frame (map, feature groups): {state}")
        components = self.page.get_by_test_id("stCustomComponentV1").count()
        return f"{components} component element(s); " + ("; ".join(states) or "no map frame")

    def close(self) -> None:
        browser = getattr(self, "browser", None)
        if browser is not None:
            browser.close()

    # -- measuring
    def wait_rerun(self, before: int, start: float) -> tuple[float, float, list[int]]:
        """Once the page has had a script_finished after its `before`-th and the running
        indicator is gone: the times (epoch s) at which it was idle and at which that message
        arrived, and the statuses of the reruns that finished. TimeoutError `timeout_s` after
        `start`."""
        left_ms = max(1.0, (start + self.timeout_s - time.time()) * 1000)
        try:
            done = self.page.wait_for_function(
                RERUN_DONE_JS, arg=before, polling=10, timeout=left_ms
            ).json_value()
        except Exception as error:  # noqa: BLE001 - Playwright's TimeoutError, said plainly
            if type(error).__name__ != "TimeoutError":
                raise
            raise TimeoutError(f"no finished rerun in {self.timeout_s:.0f} s") from None
        idle, finished_at, statuses = done
        return idle / 1000, finished_at / 1000, statuses

    def reruns(self) -> int:
        return self.page.evaluate("() => window.__loadFinished")

    def timed(self, kind: str, what: str, act, run_start: float, where=None, check=None):
        """Runs `act` (the widget change), then waits for the rerun it starts. Times count
        from the input event in the page (`where`, the page or the map's frame), as
        PAGE_PROBE_JS records it, so Playwright's own checks before a click are left out."""
        where = where or self.page
        start = time.time()
        seconds = finished = None
        try:
            before = self.reruns()
            where.evaluate("() => { window.__loadInputAt = null; }")
            act()
            idle, finished_at, statuses = self.wait_rerun(before, start)
            stamp = where.evaluate("() => window.__loadInputAt")
            began = stamp / 1000 if stamp else start
            seconds, finished = idle - began, finished_at - began
            for status in statuses:
                if status != 0:  # FINISHED_SUCCESSFULLY
                    self._error("rerun not finished", f"{kind} {what}: script_finished={status}")
            if self.page.get_by_test_id("stException").count():
                text = self.page.get_by_test_id("stException").first.inner_text()
                self._error("stException", f"{kind} {what}: {text}")
            if check is not None:
                check()
        except TimeoutError as error:
            self._error("timeout", f"{kind} {what}: {error}")
            self.snapshot(kind)
            seconds = finished = None
        except Exception as error:  # noqa: BLE001 - a Playwright error is a result here
            if type(error).__name__ == "TimeoutError":  # Playwright's own
                self._error("timeout", f"{kind} {what}: {str(error).splitlines()[0]}")
                self.snapshot(kind)
            else:
                self._error("driver", f"{kind} {what}: {type(error).__name__}: {error}")
            seconds = finished = None
        self.result.actions.append(
            Action(self.number, kind, what, seconds, finished, time.monotonic() - run_start)
        )

    # -- actions
    def add_filter(self, run_start: float) -> None:
        label = self.rng.choice(FILTERS)
        self.page.get_by_role("combobox", name=label, exact=True).click()
        options = self.page.get_by_role("option")
        options.first.wait_for(timeout=10_000)
        # "Select all" is Streamlit's own first option; a user picks values.
        names = [t for t in options.all_inner_texts() if t != "Select all"]
        if not names:
            self.close_dropdown()
            return self.reset(run_start)
        name = self.rng.choice(names[:8])
        option = options.filter(has_text=name).first
        self.timed("filter", f"{label} = {name}", option.click, run_start)
        self.close_dropdown()
        self.added += 1

    def close_dropdown(self) -> None:
        """Escape until the multiselect's list is closed (an Escape pressed as the rerun
        redraws the widget can be lost, and while the list is open the rest of the page is
        out of the accessibility tree), then blur the widget."""
        listbox = self.page.get_by_role("listbox")
        for _ in range(20):
            if not listbox.count():
                break
            self.page.keyboard.press("Escape")
            self.page.wait_for_timeout(100)
        else:
            raise RuntimeError("the multiselect's list stays open after 20 Escapes")
        # Then leave the widget, as a user's next click would: a focused multiselect whose
        # chosen values fill its line is a line taller, and on blur the widgets below it
        # move up, so a click's mousedown could blur it and its mouseup land below a widget
        # that moved away. (Reset filters stood below the multiselects and lost clicks so
        # until it moved above them: tests/e2e/test_dashboard_browser.py.)
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        self.page.wait_for_timeout(100)

    def reset(self, run_start: float) -> None:
        button = self.page.get_by_role("button", name="Reset filters")
        self.timed("reset", "Reset filters", button.click, run_start)
        self.added, self.search = 0, ""

    def switch_role(self, run_start: float) -> None:
        radio = self.page.get_by_test_id("stRadio").filter(has_text="Place role")
        other = radio.locator("label", has=self.page.locator("input:not(:checked)")).first
        label = other.inner_text().strip()
        self.timed("role", label, other.click, run_start)

    def search_text(self, run_start: float) -> None:
        words = "" if self.search else self.rng.choice(SEARCH_WORDS)
        box = self.page.get_by_test_id("stTextInput").filter(has_text="Search").locator("input")
        box.fill(words)
        self.timed("search", repr(words), lambda: box.press("Enter"), run_start)
        self.search = words

    def click_marker(self, run_start: float) -> None:
        self.frame = self.e2e._map_frame(self.page)
        picked = self.frame.evaluate(PICK_MARKER_JS)
        if picked is None:  # nothing on the map (or the cluster did not let it go)
            return self.reset(run_start)
        name, spiderfied = picked
        marker = self.frame.locator("[data-load-pick]").first

        def shown() -> None:
            detail = self.page.locator(".nm-detail")
            detail.wait_for(timeout=10_000)
            if name not in detail.inner_text():
                self._error("click not shown", f"{name!r} clicked, the panel shows another")

        click = lambda: marker.click(timeout=10_000)  # noqa: E731
        what = f"{name} (spiderfied)" if spiderfied else name
        self.timed("click", what, click, run_start, self.frame, shown)

    def step(self, run_start: float) -> None:
        kinds, weights = zip(*ACTIONS, strict=True)
        kind = self.rng.choices(kinds, weights)[0]
        if kind == "filter" and self.added >= MAX_FILTERS:
            kind = "reset"
        {
            "filter": self.add_filter,
            "click": self.click_marker,
            "search": self.search_text,
            "role": self.switch_role,
            "reset": self.reset,
        }[kind](run_start)


def drive(load_page: LoadPage, ready: threading.Barrier, go: dict, opening: threading.Semaphore):
    """A page's thread: open (a few pages at a time), wait for every page, act until the
    deadline."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            try:
                with opening:
                    load_page.open(playwright)
            except Exception as error:  # noqa: BLE001 - reported, the others go on
                load_page._error("setup", f"{type(error).__name__}: {error}")
                opened = False
            else:
                opened = True
            try:
                ready.wait()  # the run starts with the pages that opened
            except threading.BrokenBarrierError:
                return
            if not opened:
                return
            while time.monotonic() < go["deadline"]:
                try:
                    load_page.step(go["start"])
                except Exception as error:  # noqa: BLE001 - one failed step, then go on
                    load_page._error("driver", f"{type(error).__name__}: {error}")
                    load_page.page.wait_for_timeout(500)
            load_page.close()
    except Exception:  # noqa: BLE001 - a thread must report, not die silently
        load_page._error("driver", traceback.format_exc(limit=3))


# --------------------------------------------------------------------------- report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[rank]


def log_tracebacks(log: Path) -> list[str]:
    """Each traceback in the server's log, as its last line (the exception)."""
    lines = log.read_text(errors="replace").splitlines()
    found = []
    for i, line in enumerate(lines):
        if line.startswith("Traceback"):
            tail = next((x for x in lines[i + 1 :] if x and not x.startswith(" ")), "?")
            found.append(tail)
    return found


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, help=f"Chromium pages at once ({DEFAULTS['pages']})")
    parser.add_argument("--seconds", type=float, help=f"timed run ({DEFAULTS['seconds']})")
    parser.add_argument("--events", type=int, help=f"synthetic events ({DEFAULTS['events']:,})")
    parser.add_argument("--places", type=int, default=3_000, help="gazetteer places drawn")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 2 pages, 10 s, 5k events (each still overridable)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds for one rerun")
    parser.add_argument(
        "--open-together",
        type=int,
        default=2,
        help="pages opened at once before the timed run (all at once: --open-together PAGES)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the store and server log")
    args = parser.parse_args(argv)
    base = QUICK if args.quick else DEFAULTS
    for name, value in base.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if min(args.pages, args.events, args.open_together) < 1 or args.seconds <= 0:
        parser.error("--pages, --seconds, --events and --open-together must be positive")
    return args


def start_dashboard(
    e2e: ModuleType, store_env: dict[str, str], log
) -> tuple[subprocess.Popen, str]:
    """`streamlit run dashboard.py` on the synthetic store, on a free loopback port: the
    server and its URL (wait for its health before use)."""
    env = dict(os.environ, **store_env)
    env.pop("NEWSMAP_STATIC_DIR", None)  # the app's ./static/ is what Streamlit serves
    port = e2e._free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py")]
        + ["--server.port", str(port), "--server.address", "127.0.0.1"]
        + ["--server.headless", "true"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return server, f"http://127.0.0.1:{port}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    e2e = e2e_helpers()
    if not e2e.CHROMIUM.exists():
        print(f"{e2e.CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    bench_dashboard = load_module("bench_dashboard", ROOT / "bench" / "dashboard.py")
    tmp = Path(tempfile.mkdtemp(prefix="newsmap-load-"))
    t0 = time.monotonic()
    frame, store_env = bench_dashboard.bench_store(tmp, args.events, args.places)
    print(
        f"synthetic store: {frame['event_id'].nunique():,} events, {len(frame):,} event×place "
        f"rows, {frame['place_key'].nunique():,} places ({time.monotonic() - t0:.1f} s)"
    )
    del frame
    log_path = tmp / "streamlit.log"
    log = log_path.open("w")
    server, url = start_dashboard(e2e, store_env, log)
    sampler = MemorySampler(server.pid)
    shots = tmp / "screenshots" if args.keep else None
    pages = [LoadPage(i, url, e2e, args.timeout, args.seed, shots) for i in range(args.pages)]
    threads: list[threading.Thread] = []
    try:
        e2e._wait_for_health(url, server)
        sampler.start()
        go: dict[str, float] = {}

        def start_run() -> None:  # run by the barrier once every page is open
            go["start"] = time.monotonic()
            go["deadline"] = go["start"] + args.seconds

        ready = threading.Barrier(args.pages + 1, action=start_run)
        opening = threading.Semaphore(args.open_together)
        cpu_open = cpu_seconds(server.pid)
        for load_page in pages:
            thread = threading.Thread(target=drive, args=(load_page, ready, go, opening))
            thread.start()
            threads.append(thread)
        open_start = time.monotonic()
        try:
            ready.wait(timeout=600)
        except threading.BrokenBarrierError:
            print("a page did not open: see its setup error below")
            start_run()
        else:
            opened = time.monotonic() - open_start
            print(
                f"{args.pages} pages open with their maps ({args.open_together} at a time) in "
                f"{opened:.1f} s, server CPU {cpu_seconds(server.pid) - cpu_open:.1f} s; "
                "timed run starts"
            )
        cpu_before = cpu_by_group(server.pid)
        load_before = os.getloadavg()
        run_mark = sampler.samples[-1][0] if sampler.samples else 0.0
        # CPU over the timed run, taken at its deadline while the browsers are still open.
        time.sleep(max(0.0, go["deadline"] - time.monotonic()))
        cpu_wall = time.monotonic() - go["start"]
        cpu_used = cpu_by_group(server.pid)
        cpu_used.subtract(cpu_before)
        load_after = os.getloadavg()
        for thread in threads:
            thread.join(timeout=args.timeout * 3 + 120)
        wall = time.monotonic() - go["start"]
    finally:
        sampler.stop.set()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    loads = (load_before[0], load_after[0])
    cpu = (cpu_wall, cpu_used)
    return report(args, pages, sampler.samples, run_mark, wall, cpu, loads, log_path, tmp)


def report(args, pages, samples, run_mark, wall, cpu, loads, log_path: Path, tmp: Path) -> int:
    actions = [a for p in pages for a in p.result.actions]
    errors = [(p.number, kind, msg) for p in pages for kind, msg in p.result.errors]
    server_errors = log_tracebacks(log_path)
    errors += [(None, "server log", line) for line in server_errors]
    times = [a.seconds for a in actions if a.seconds is not None]
    refused = sum(len(p.result.refused) for p in pages)
    print(
        f"\n{args.pages} pages × {args.seconds:.0f} s on {args.events:,} events "
        f"({os.cpu_count()} cores, shared with the browsers): {len(actions)} actions "
        f"({len(actions) / max(wall, 1e-9):.1f}/s) in {wall:.0f} s"
    )
    groups = ("server", "browsers", "drivers", "bench", "other")
    cpu_wall, cpu = cpu
    print(
        f"CPU over the {cpu_wall:.0f} s run, core-s: "
        + ", ".join(f"{g} {max(0.0, cpu[g]):.1f}" for g in groups)
        + f" (of {cpu_wall * (os.cpu_count() or 1):.0f}); load average "
        f"{loads[0]:.1f} before, {loads[1]:.1f} after"
    )
    opened = [p.result.ready_s for p in pages if p.result.ready_s is not None]
    if opened:
        print(
            f"page open to map: median {statistics.median(opened):.1f} s, max {max(opened):.1f} s"
        )
    print(
        f"\n{'action':<8} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'failed':>7}"
        f"   {'script_finished p50':>19} {'p95':>6}"
    )
    kinds = ["filter", "click", "search", "role", "reset"]
    for kind in [*kinds, "all"]:
        rows = [a for a in actions if kind in ("all", a.kind)]
        ok = [a.seconds for a in rows if a.seconds is not None]
        server = [a.finished_s for a in rows if a.finished_s is not None]
        if not rows:
            continue
        p50, p95 = percentile(ok, 0.5) * 1000, percentile(ok, 0.95) * 1000
        top = max(ok) * 1000 if ok else float("nan")
        f50, f95 = percentile(server, 0.5) * 1000, percentile(server, 0.95) * 1000
        print(
            f"{kind:<8} {len(rows):>5} {p50:>8.0f} {p95:>8.0f} {top:>8.0f} {len(rows) - len(ok):>7}"
            f"   {f50:>19.0f} {f95:>6.0f}"
        )
    slow = sorted((a for a in actions if a.seconds is not None), key=lambda a: -a.seconds)[:5]
    if slow:
        print("slowest: " + "; ".join(f"{a.kind} {a.what} {a.seconds:.2f} s" for a in slow))

    print("\nserver RSS (streamlit and its children), MB over the run:")
    timed = [(t - run_mark, kb) for t, kb in samples if t >= run_mark]
    if timed:
        marks = [timed[round(i * (len(timed) - 1) / 6)] for i in range(7)]
        print("  " + "  ".join(f"{t:>4.0f}s {kb / 1024:>5.0f}" for t, kb in marks))
        before_run = [kb for t, kb in samples if t < run_mark]
        half = len(timed) // 2
        first = max(kb for _, kb in timed[: max(1, half)])
        second = max(kb for _, kb in timed[half:])
        peak = max(kb for _, kb in samples)
        print(
            f"  after the pages opened {before_run[-1] / 1024 if before_run else 0:.0f} MB; "
            f"peak first half {first / 1024:.0f} MB, second half {second / 1024:.0f} MB; "
            f"peak overall {peak / 1024:.0f} MB"
        )
        bounded = second <= max(first * (1 + MEMORY_GROWTH_SHARE), first + MEMORY_GROWTH_SLACK_KB)
    else:
        bounded = False
        print("  no samples")

    print(f"\nrefused requests outside loopback (map tiles, offline): {refused}")
    by_kind = Counter(kind for _, kind, _ in errors)
    print(
        f"errors: {len(errors)}"
        + (" (" + ", ".join(f"{k} {n}" for k, n in by_kind.most_common()) + ")" if errors else "")
    )
    for number, kind, message in errors[:20]:
        print(f"  page {number if number is not None else '-'}: {kind}: {message}")
    if len(errors) > 20:
        print(f"  … and {len(errors) - 20} more")

    p95 = percentile(times, 0.95)
    checks = [
        (not errors and bool(actions), f"no errors ({len(errors)})"),
        (p95 <= TARGET_P95_S, f"p95 rerun {p95 * 1000:.0f} ms ≤ {TARGET_P95_S * 1000:.0f} ms"),
        (bounded, "server memory bounded (second-half peak ≤ first-half peak + 10%, 50 MB)"),
    ]
    print()
    for ok, text in checks:
        print(("PASS " if ok else "FAIL ") + text)
    if args.keep:
        print(f"kept: {tmp} (store, streamlit.log)")
    else:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
