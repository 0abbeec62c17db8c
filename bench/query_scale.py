"""The dashboard's queries in DuckDB over the partitions, against the in-memory index the
page builds today, on synthetic stores of growing size.

    nice python bench/query_scale.py [--events 10000 100000 1000000] [--places 30000]
        [--partitions 4] [--changes 10] [--modes index duckdb page]

For each size: writing the store (bench/dashboard.py's generator, split into --partitions
partitions), then
- index: load_event_places + frame_index.build_index (what the page does on first render)
  and the mean of --changes filter changes (filter_rows, metrics, place counts, per day);
- duckdb: connect_store and the first view (metrics, place counts, events per day, the 200
  latest events) and the mean of the same --changes filter changes, each one query per view;
- page: what the dashboard does (geo.app.page.open_event_store, store_view.filter_options,
  page.filter_view: one filtered selection shared by metrics, markers with their popups,
  the timeline and the latest events), first view and the mean of the same filter changes,
  then a place's detail panel (the busiest place, unfiltered); run twice in fresh
  processes: "cold" builds the store's query database (geo.app.store_view.build_query_db,
  once per store version), "warm" finds it, as every later server start and session does;
- peak RSS of a fresh process doing each (VmHWM, interpreter and imports included).
Targets (issue 13): at 1M events first render <= 2 s, rerun <= 150 ms, peak RSS <= 1 GB; at
10M <= 5 s / 500 ms / 2 GB. Exits 1 when the page path (warm; or the last of --modes)
misses one at the largest size. Stores live in a temporary
directory, never committed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = ((1_000_000, 2.0, 0.150, 1024), (10_000_000, 5.0, 0.500, 2048))
"""(events up to, first render s, rerun s, peak RSS MB): issue 13's targets."""
MODES = ("index", "duckdb", "page")

CHILD = r"""
import json, random, sys, time, datetime as dt
sys.path.insert(0, sys.argv[1])
mode, data_dir, changes = sys.argv[2], sys.argv[3], int(sys.argv[4])
from geo.app import filters
from geo.store import LIST_SEP

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024

random.seed(3)
types = ["PROTEST", "ASSAULT", "COERCE", "ACCUSE", "CONSULT", "AID"]
def change(i):
    kind = i % 3
    if kind == 0:
        return filters.EventFilter(event_types=tuple(random.sample(types, 2)))
    if kind == 1:
        day = dt.date(2021, 11, 1) + dt.timedelta(days=random.randrange(20))
        return filters.EventFilter(date_from=day, date_to=day + dt.timedelta(days=3))
    return filters.EventFilter(place_role="located", text=random.choice(["police", "border", "x"]))

t0 = time.perf_counter()
if mode == "index":
    from geo.app import frame_index, mapview, tables
    from geo.store import load_event_places
    index = frame_index.build_index(load_event_places(data_dir))
    def view(f):
        rows = filters.filter_rows(index, f)
        filters.metrics(index, rows)
        tables.events_per_day(index, rows)
        filters.latest_events(index, rows, 200)
        return len(rows)
elif mode == "page":
    from geo.app import page, store_view
    con = page.open_event_store(data_dir)
    store_view.filter_options(con)
    def view(f):
        shown = page.filter_view(con, page.filter_key(f))
        return len(shown.layer.markers)
else:
    from geo.app import event_queries as q
    from geo.store import connect_store
    con = connect_store(data_dir, in_memory=True)
    def view(f):
        q.query_metrics(con, f)
        places = q.query_place_counts(con, f)
        q.query_events_per_day(con, f)
        q.query_latest_events(con, f, 200)
        return len(places)
view(filters.EventFilter())
first = time.perf_counter() - t0
times = []
for i in range(changes):
    t = time.perf_counter()
    view(change(i))
    times.append(time.perf_counter() - t)
detail = 0.0
if mode == "page":  # a place's panel: its passing events with their context, from the files
    key = page.filter_view(con, page.filter_key(filters.EventFilter())).layer.markers[0].key
    t = time.perf_counter()
    store_view.events_at_place(con, filters.EventFilter(), key)
    detail = time.perf_counter() - t
print(json.dumps({"first": first, "rerun": sum(times) / len(times), "rss_mb": hwm(),
                  "detail": detail}))
"""


def _write_store(n_events: int, n_places: int, partitions: int, data_dir: Path) -> float:
    """bench/dashboard.py's synthetic store, split into `partitions` partitions."""
    import numpy as np

    sys.path.insert(0, str(ROOT / "bench"))
    from dashboard import synthetic_frame, write_bench_store
    from geo.store import TABLES, Partition, read_manifest, state

    t0 = time.perf_counter()
    frame = synthetic_frame(n_events, n_places)
    write_bench_store(frame, data_dir)
    if partitions > 1:
        import json as json_

        import pyarrow.parquet as pq

        table = pq.read_table(data_dir / "events.geoparquet" / "part-000001.parquet")
        (data_dir / "events.geoparquet" / "part-000001.parquet").unlink()
        articles = np.asarray(table["article_id"].to_pylist())
        bounds = np.linspace(0, table.num_rows, partitions + 1).astype(int)
        manifest = read_manifest(data_dir)
        entries = []
        empty = {t: data_dir / t / "part-000001.parquet" for t in TABLES[1:]}
        for k in range(partitions):
            part = k + 1
            chunk = table.slice(bounds[k], bounds[k + 1] - bounds[k])
            chunk = chunk.set_column(
                chunk.schema.get_field_index("part"), "part", [[part] * chunk.num_rows]
            )
            name = f"part-{part:06d}.parquet"
            pq.write_table(chunk, data_dir / "events.geoparquet" / name)
            for table_name, path in empty.items():
                if part > 1:
                    (data_dir / table_name / name).write_bytes(path.read_bytes())
            n = len(set(articles[bounds[k] : bounds[k + 1]]))
            files = {t: state.file_stamp(data_dir / t / name) for t in TABLES}
            entries.append(Partition(part, n, n, 0, files).to_manifest())
        manifest["partitions"] = entries
        (data_dir / "manifest.json").write_text(json_.dumps(manifest))
    return time.perf_counter() - t0


def _run(mode: str, data_dir: Path, changes: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), mode, str(data_dir), str(changes)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--places", type=int, default=30_000)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    args = parser.parse_args()
    print("| events | path | first view s | rerun ms | peak RSS MB | place detail ms |")
    print("|---|---|---|---|---|---|")
    last = {}
    for n in args.events:
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp) / "data"
            _write_store(n, args.places, args.partitions, data_dir)
            os.environ["NEWSMAP_QUERY_CACHE"] = str(Path(tmp) / "query")
            runs = [(m, m) for m in args.modes if m != "page"]
            if "page" in args.modes:  # a new store's first view builds its query database
                runs += [("page", "page, cold"), ("page", "page, warm")]
            for mode, label in runs:
                figures = _run(mode, data_dir, args.changes)
                last[mode] = figures
                detail = f"{figures['detail'] * 1000:.0f}" if mode == "page" else ""
                print(
                    f"| {n:,} | {label} | {figures['first']:.2f} | {figures['rerun'] * 1000:.0f}"
                    f" | {figures['rss_mb']:.0f} | {detail} |",
                    flush=True,
                )
    checked = "page" if "page" in last else args.modes[-1]
    figures, n = last[checked], args.events[-1]
    _, first, rerun, rss = next((t for t in TARGETS if n <= t[0]), TARGETS[-1])
    ok = figures["first"] <= first and figures["rerun"] <= rerun and figures["rss_mb"] <= rss
    print(
        f"targets at {n:,} events ({checked}): first <= {first} s, rerun"
        f" <= {rerun * 1000:.0f} ms, RSS <= {rss} MB: {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
