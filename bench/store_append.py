"""Adding articles to a large store costs what the new articles cost, not what the store
holds (issue 13: add 100 articles to a 100k-article store, <= 2x analysing the same 100).

    nice python bench/store_append.py [--articles 100000] [--add 100]

Builds the seeds once (real model and gazetteer), then a store of --articles articles made
from their cached analyses (ids made distinct), and prints, measured in this one run:
- analysing --add articles alone (geo.pipeline.analyse_articles, model loaded);
- appending their analyses to the big store as a build does (its live articles read,
  one partition written and committed, the counts updated) and, for comparison, writing
  them as a store of their own;
- the ratio (analysis + append) / analysis, the target being <= 2;
- the dashboard's query database that `geo build` then writes (its previous version, written
  before the append, beside it: geo.store.query_db reuses its words), and the ratio with
  it; for comparison the same database written from nothing.
Not included: a build's pass over the corpus files to find what changed (file states are
compared first, so unchanged files are hashed again only when their size or mtime moved).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 2.0


def _copies(cached_articles, first: int, count: int):
    """`count` analyses cycled from `cached_articles`, with ids first, first + 1, …"""
    for n in range(first, first + count):
        cached = cached_articles[n % len(cached_articles)]
        article = dataclasses.replace(cached.analysed.article, id=f"bench-{n:07d}")
        analysed = dataclasses.replace(cached.analysed, article=article)
        yield dataclasses.replace(cached, analysed=analysed), f"hash-{n}", f"key-{n}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--add", type=int, default=100)
    args = parser.parse_args()

    from geo import pipeline, store
    from geo.ingest import iter_corpus
    from geo.model import Article
    from geo.nlp import load_nlp
    from geo.places import load_gazetteer

    with tempfile.TemporaryDirectory() as tmp:
        seeds_store = Path(tmp) / "seeds"
        gazetteer = load_gazetteer()
        nlp = load_nlp(gazetteer)
        pipeline.build_store([ROOT / "seeds"], seeds_store, nlp=nlp, gazetteer=gazetteer)
        cache = store.ArticleCache(seeds_store)
        cached = [cache.get(k) for k in store.load_articles(seeds_store)["cache_key"]]

        seeds = [a for a in iter_corpus([ROOT / "seeds"]) if isinstance(a, Article)]
        batch = [
            dataclasses.replace(seeds[n % len(seeds)], text=seeds[n % len(seeds)].text + f" {n}")
            for n in range(args.add)
        ]
        t0 = time.perf_counter()
        list(pipeline.analyse_articles(batch, nlp, gazetteer))
        analyse_s = time.perf_counter() - t0

        big = Path(tmp) / "big"
        t0 = time.perf_counter()
        store.update_store(big, _copies(cached, 0, args.articles), (), {}, replace_all=True)
        base_s = time.perf_counter() - t0

        query_cache = Path(tmp) / "query"  # the query database geo build wrote before
        store.ensure_query_db(big, query_cache)

        t0 = time.perf_counter()
        live = store.live_articles(big)
        store.update_store(big, _copies(cached, args.articles, args.add), (), {})
        append_s = time.perf_counter() - t0
        assert len(live) == args.articles
        with tempfile.TemporaryDirectory() as fresh_cache:
            t0 = time.perf_counter()  # the query database written from nothing
            store.ensure_query_db(big, Path(fresh_cache))
            whole_s = time.perf_counter() - t0
        t0 = time.perf_counter()  # geo build's, its previous version beside it
        store.ensure_query_db(big, query_cache)
        query_db_s = time.perf_counter() - t0
        assert store.store_info(big).articles == args.articles + args.add

        alone = Path(tmp) / "alone"
        t0 = time.perf_counter()
        store.update_store(
            alone, _copies(cached, args.articles, args.add), (), {}, replace_all=True
        )
        alone_s = time.perf_counter() - t0

    ratio = (analyse_s + append_s) / analyse_s
    print(f"store of {args.articles:,} articles written in {base_s:.1f} s")
    print("| step | seconds |\n|---|---|")
    print(f"| analysing {args.add} articles alone | {analyse_s:.2f} |")
    print(f"| appending them to the {args.articles:,}-article store | {append_s:.2f} |")
    print(f"| writing them as a store of their own | {alone_s:.2f} |")
    print(
        f"| the dashboard's query database, written from nothing after the append | {whole_s:.2f} |"
    )
    print(
        "| the dashboard's query database, written as geo build does (its previous version"
        f" lends the words) | {query_db_s:.2f} |"
    )
    with_db = (analyse_s + append_s + query_db_s) / analyse_s
    print(f"(analysis + append + query database) / analysis = {with_db:.2f}")
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(f"(analysis + append) / analysis = {ratio:.2f} (target <= {TARGET_RATIO}): {verdict}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
