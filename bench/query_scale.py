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
  then a place's detail panel (the busiest place, unfiltered: its first page of events and
  their count), in a fresh process after "query db build" (geo.store.ensure_query_db in a
  fresh process: what `geo build` adds after its commit), so the page finds the database as
  every server start and session after a build does;
- peak RSS of a fresh process doing each (VmHWM, interpreter and imports included).
The store is generated a partition at a time (bench/dashboard.py's generator, a seed each).
Targets (issue 13): at 1M events first render <= 2 s, rerun <= 150 ms, peak RSS <= 1 GB; at
10M <= 5 s / 500 ms / 2 GB. Exits 1 when the page path (or the last of --modes)
misses one at the largest size. Stores live in a temporary
directory, never committed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
if mode == "querydb":  # what `geo build` adds after its commit
    from geo.store import ensure_query_db
    ensure_query_db(data_dir)
    print(json.dumps({"first": time.perf_counter() - t0, "rerun": 0.0, "rss_mb": hwm(),
                      "detail": 0.0}))
    raise SystemExit(0)
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
    store_view.place_detail(con, filters.EventFilter(), key)
    detail = time.perf_counter() - t
print(json.dumps({"first": first, "rerun": sum(times) / len(times), "rss_mb": hwm(),
                  "detail": detail}))
"""


def _write_store(n_events: int, n_places: int, partitions: int, data_dir: Path) -> float:
    """bench/dashboard.py's synthetic store in `partitions` partitions, each generated on
    its own (a seed and an id prefix each), so 10M events never sit in one pandas frame."""
    import json as json_

    import pyarrow.parquet as pq

    sys.path.insert(0, str(ROOT / "bench"))
    from dashboard import synthetic_frame, write_bench_store
    from geo.store import PART_COLUMN, TABLES, Partition, read_manifest, state

    t0 = time.perf_counter()
    bounds = [round(n_events * k / partitions) for k in range(partitions + 1)]
    entries = []
    for k in range(partitions):
        frame = synthetic_frame(bounds[k + 1] - bounds[k], n_places, seed=7 + k)
        for column in ("event_id", "article_id"):
            frame[column] = f"p{k}-" + frame[column]
        part = k + 1
        name = f"part-{part:06d}.parquet"
        if k == 0:  # the folders, the empty tables, the manifest
            write_bench_store(frame, data_dir)
            first = {t: data_dir / t / name for t in TABLES[1:]}
        else:
            frame[PART_COLUMN] = part
            frame[PART_COLUMN] = frame[PART_COLUMN].astype("int32")
            frame.to_parquet(data_dir / TABLES[0] / name, index=False)
            for table_name, path in first.items():
                (data_dir / table_name / name).write_bytes(path.read_bytes())
        articles = int(frame["article_id"].nunique())
        del frame
        files = {t: state.file_stamp(data_dir / t / name) for t in TABLES}
        entries.append(Partition(part, articles, articles, 0, files).to_manifest())
    manifest = read_manifest(data_dir)
    manifest["partitions"] = entries
    rows = sum(
        pq.ParquetFile(data_dir / TABLES[0] / f"part-{k + 1:06d}.parquet").metadata.num_rows
        for k in range(partitions)
    )
    manifest["counts"] = {"articles": sum(e["rows"] for e in entries), "events": n_events}
    (data_dir / "manifest.json").write_text(json_.dumps(manifest))
    print(
        f"# {n_events:,} events, {rows:,} event-place rows, {partitions} partitions:"
        f" written in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )
    return time.perf_counter() - t0


def _run(mode: str, data_dir: Path, changes: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), mode, str(data_dir), str(changes)],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"{mode} failed:\n{out.stderr[-3000:]}")
    # The last line that is the child's figures (DuckDB may draw a progress bar on stdout).
    return json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--places", type=int, default=30_000)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the stores (and their query databases) in KEEP/<events>, written when"
        " missing: a second run measures the views again without writing 10M events again",
    )
    args = parser.parse_args()
    print("| events | path | first view s | rerun ms | peak RSS MB | place detail ms |")
    print("|---|---|---|---|---|---|")
    last = {}
    for n in args.events:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) if args.keep is None else args.keep / str(n)
            data_dir = folder / "data"
            if not (data_dir / "manifest.json").exists():
                shutil.rmtree(data_dir, ignore_errors=True)
                _write_store(n, args.places, args.partitions, data_dir)
            os.environ["NEWSMAP_QUERY_CACHE"] = str(folder / "query")
            runs = [(m, m) for m in args.modes if m != "page"]
            if "page" in args.modes:  # `geo build` writes the query database after its commit
                from geo.store import query_db_path

                kept = " (kept: not built again)" if query_db_path(data_dir).exists() else ""
                runs += [("querydb", "query db build" + kept), ("page", "page")]
            for mode, label in runs:
                figures = _run(mode, data_dir, args.changes)
                last[mode] = figures
                detail = f"{figures['detail'] * 1000:.0f}" if mode == "page" else ""
                if mode == "querydb":
                    print(
                        f"| {n:,} | {label} | {figures['first']:.2f} |"
                        f" | {figures['rss_mb']:.0f} | |"
                    )
                    continue
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
