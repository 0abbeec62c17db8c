"""Ingest speed as ratios measured in one run: the whole build (NLP, places, events, store)
in one process against raw spaCy `nlp.pipe` on the same articles, and on a 2-worker Dask
LocalCluster against one process.

    python bench/ingest_scale.py                # 200 articles (LGL texts, from ../shared/bench)
    python bench/ingest_scale.py --articles 600

A third build runs against a cluster already up, its workers' stages loaded, as a
long-running `--scheduler tcp://...` cluster is: the scaling without the fixed costs.

Targets (issue 13): one process >= 0.8x raw spaCy; 2 workers >= 1.7x one process (these
machines have 2 cores; the cluster's start and each worker's model load are counted in).
The articles are written to a temporary folder; nothing is kept. Both one-process sides
have their model loaded and one article analysed before they are timed (geo.pipeline.warm_up:
the stages' lazily loaded data); the cluster's workers load theirs inside the timing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH = next(
    (p / "shared" / "bench" for p in ROOT.parents if (p / "shared" / "bench").is_dir()),
    ROOT.parent / "shared" / "bench",
)


def texts(count: int) -> list[str]:
    """LGL and GeoVirus article texts, cycled to `count` (a digit appended keeps them apart)."""
    found: list[str] = []
    for name in ("lgl", "geovirus"):
        path = BENCH / f"{name}.jsonl"
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                found += [json.loads(line)["text"] for line in handle if line.strip()]
    if not found:
        found = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return [f"{found[i % len(found)]}\n\nCopy {i}." for i in range(count)]


def timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def cpu_timed(step) -> tuple[float, float]:
    """(wall, CPU) seconds of this process: on a shared machine the CPU seconds of a
    one-process step hardly move with other jobs' load, the wall seconds do."""
    wall, cpu = time.perf_counter(), time.process_time()
    step()
    return time.perf_counter() - wall, time.process_time() - cpu


def _on_running_cluster(corpus: Path, data_dir: Path, workers: int) -> float:
    """Seconds of a build against a cluster already up, each worker's stages loaded (as
    `--scheduler tcp://...` meets a long-running one): the scaling without fixed costs."""
    from distributed import Client, LocalCluster

    from geo.pipeline import _worker_stages, build_store

    def load_stages() -> None:
        _worker_stages()

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(load_stages)
        return timed(lambda: build_store([corpus], data_dir, scheduler=cluster.scheduler_address))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    import spacy

    from geo.nlp import load_nlp
    from geo.nlp.language import MODEL_PACKAGE
    from geo.pipeline import WARM_UP_TEXT, build_store, warm_up
    from geo.places import load_gazetteer

    corpus_texts = texts(args.articles)
    gazetteer = load_gazetteer()
    gazetteer.load_fallback()
    nlp = load_nlp(gazetteer)
    raw = spacy.load(MODEL_PACKAGE)
    # Per-process loads are outside both timings, as the models' are: the stages' lazy data
    # (coding dictionaries, word frequencies, actor registry) loads on the first article.
    warm_s = timed(lambda: warm_up(nlp, gazetteer))
    list(raw.pipe([WARM_UP_TEXT]))
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for i, text in enumerate(corpus_texts):
            (corpus / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        raw_s, raw_cpu = cpu_timed(lambda: list(raw.pipe(corpus_texts, batch_size=32)))
        one_s, one_cpu = cpu_timed(
            lambda: build_store([corpus], Path(tmp) / "one", nlp=nlp, gazetteer=gazetteer)
        )
        cluster_s = timed(
            lambda: build_store([corpus], Path(tmp) / "two", scheduler=f"local:{args.workers}")
        )
        warm_cluster_s = _on_running_cluster(corpus, Path(tmp) / "three", args.workers)
    cores = os.cpu_count()
    print(f"articles: {args.articles}, cores: {cores}")
    print(f"stages' lazy data, loaded once per process before timing: {warm_s:.1f} s")
    print(f"raw spaCy nlp.pipe:        {raw_s:7.1f} s  {args.articles / raw_s:6.1f} articles/s")
    print(f"build, one process:        {one_s:7.1f} s  {args.articles / one_s:6.1f} articles/s")
    print(f"build, {args.workers} Dask workers:    {cluster_s:7.1f} s  "
          f"{args.articles / cluster_s:6.1f} articles/s (start, model loads included)")  # fmt: skip
    print(f"build, {args.workers} running workers: {warm_cluster_s:6.1f} s  "
          f"{args.articles / warm_cluster_s:6.1f} articles/s (cluster up, loaded)")  # fmt: skip
    one_ratio, scale, cpu_ratio = raw_s / one_s, one_s / cluster_s, raw_cpu / one_cpu
    print(f"one process vs raw spaCy:  {one_ratio:.2f}x wall (target >= 0.8x) "
          f"{'met' if one_ratio >= 0.8 else 'MISSED'}")  # fmt: skip
    print(f"                           {cpu_ratio:.2f}x CPU seconds ({raw_cpu:.1f} / "
          f"{one_cpu:.1f} s) {'met' if cpu_ratio >= 0.8 else 'MISSED'}")  # fmt: skip
    print(f"{args.workers} workers vs one:        {scale:.2f}x (target >= 1.7x) "
          f"{'met' if scale >= 1.7 else 'MISSED'}")  # fmt: skip
    warm_scale = one_s / warm_cluster_s
    print(f"{args.workers} running workers vs one: {warm_scale:.2f}x "
          f"{'met' if warm_scale >= 1.7 else 'MISSED'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
