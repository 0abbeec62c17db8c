#!/usr/bin/env python3
"""Build tests/data/events_dev.jsonl from the hand annotations in tests/data/events_dev_src/.

Annotators write sentences and triggers as quoted text, never offsets; this script finds
them in the article and computes the offsets, so a typo fails loudly instead of shifting a
span. The format written is ../shared/gold/EVENTS.md's.

    python tests/data/build_events_dev.py --select   # which bench articles to annotate
    python tests/data/build_events_dev.py            # write events_dev.jsonl
    python tests/data/build_events_dev.py --check    # fail if events_dev.jsonl is stale
    python tests/data/build_events_dev.py --src tests/data/events_dev_second_src \
        --out tests/data/events_dev_second.jsonl       # the seeds' independent second annotation

The ten LGL and GeoVirus articles are drawn with random.Random(SEED) from those of
MIN_CHARS..MAX_CHARS characters (whole articles a person can annotate in one sitting),
five from each corpus. The seeds are the five articles in seeds/.

Annotation file (one per article, events_dev_src/<corpus>_<id>.json):
    {"id": str, "corpus": "seeds" | "lgl" | "geovirus", "published": "YYYY-MM-DD" | null,
     "published_basis": str,
     "events": [{"sentence": str, "sentence_occurrence": int (1-based, default 1),
                 "trigger": str, "trigger_occurrence": int (1-based within the sentence),
                 "type": PLOVER type, "source": [str], "target": [str],
                 "located": [{"name", "lat", "lon", "geonameid", "kind", "precision"}],
                 "date": "YYYY-MM-DD" | "YYYY-MM" | "YYYY" | null, "note": str}]}
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
def _shared_bench() -> Path:
    """../shared/bench from the project root, or from the nearest parent that has one (a
    git worktree sits deeper than the checkout ../shared belongs to)."""
    for parent in ROOT.parents:
        if (parent / "shared" / "bench").is_dir():
            return parent / "shared" / "bench"
    return ROOT.parent / "shared" / "bench"


SHARED_BENCH = _shared_bench()
SOURCES = HERE / "events_dev_src"
OUT = HERE / "events_dev.jsonl"

SEED = 20261206
MIN_CHARS, MAX_CHARS = 300, 2500
PER_CORPUS = 5
CORPORA = ("lgl", "geovirus")
TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    "OTHER",
}
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class AnnotationError(ValueError):
    """An annotation that does not fit its article; the message names file and event."""


def bench_articles(corpus: str) -> dict[str, str]:
    path = SHARED_BENCH / f"{corpus}.jsonl"
    with path.open(encoding="utf-8") as fh:
        return {str(row["id"]): row["text"] for row in map(json.loads, fh)}


def select() -> dict[str, list[str]]:
    """The bench article ids to annotate, drawn reproducibly."""
    rng = random.Random(SEED)
    chosen = {}
    for corpus in CORPORA:
        texts = bench_articles(corpus)
        pool = sorted(i for i, t in texts.items() if MIN_CHARS <= len(t) <= MAX_CHARS)
        chosen[corpus] = sorted(rng.sample(pool, PER_CORPUS))
    return chosen


def article_text(corpus: str, article_id: str) -> str:
    if corpus == "seeds":
        return (ROOT / "seeds" / article_id).read_text(encoding="utf-8")
    return bench_articles(corpus)[article_id]


def _nth(haystack: str, needle: str, n: int, offset: int = 0) -> int:
    """Index of the n-th (1-based) occurrence of needle, or -1."""
    at = offset - 1
    for _ in range(n):
        at = haystack.find(needle, at + 1)
        if at < 0:
            return -1
    return at


def _event(text: str, ann: dict, where: str) -> dict:
    sentence = ann["sentence"]
    start = _nth(text, sentence, int(ann.get("sentence_occurrence", 1)))
    if start < 0:
        raise AnnotationError(f"{where}: sentence not in the text: {sentence[:80]!r}")
    end = start + len(sentence)
    trig = ann["trigger"]
    t_start = _nth(text[:end], trig, int(ann.get("trigger_occurrence", 1)), start)
    if t_start < 0:
        raise AnnotationError(f"{where}: trigger {trig!r} not in its sentence")
    if ann["type"] not in TYPES:
        raise AnnotationError(f"{where}: type {ann['type']!r} is not a PLOVER type")
    date = ann.get("date")
    if date is not None and not DATE.match(date):
        raise AnnotationError(f"{where}: date {date!r} is not YYYY[-MM[-DD]]")
    for place in ann.get("located", []):
        missing = {"name", "lat", "lon", "geonameid"} - set(place)
        if missing:
            raise AnnotationError(f"{where}: located place lacks {sorted(missing)}")
    return {
        "start": start, "end": end,
        "trigger_start": t_start, "trigger_end": t_start + len(trig),
        "type": ann["type"],
        "source": list(ann.get("source", [])), "target": list(ann.get("target", [])),
        "located": list(ann.get("located", [])),
        "date": date,
        "date_precision": _precision(date),
        "note": ann.get("note", ""),
    }


def _precision(date: str | None) -> str:
    if not date:
        return "unknown"
    return {4: "year", 7: "month", 10: "day"}[len(date)]


def build_row(path: Path) -> tuple[str, dict]:
    src = json.loads(path.read_text(encoding="utf-8"))
    corpus, article_id = src["corpus"], str(src["id"])
    text = article_text(corpus, article_id)
    events = [
        _event(text, ann, f"{path.name} event {i + 1}")
        for i, ann in enumerate(src.get("events", []))
    ]
    events.sort(key=lambda e: (e["start"], e["trigger_start"]))
    return corpus, {
        "id": article_id, "corpus": corpus, "text": text,
        "published": src.get("published"), "events": events,
    }


def build(sources: Path = SOURCES) -> list[dict]:
    order = {"seeds": 0, "lgl": 1, "geovirus": 2}
    rows = [build_row(p) for p in sorted(sources.glob("*.json"))]
    rows.sort(key=lambda cr: (order[cr[0]], cr[1]["id"]))
    return [row for _, row in rows]


def _dump(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--select", action="store_true", help="print the bench ids to annotate")
    ap.add_argument("--check", action="store_true", help="fail if the output is stale")
    ap.add_argument("--src", type=Path, default=SOURCES, help="annotation folder")
    ap.add_argument("--out", type=Path, default=OUT, help="JSON Lines to write")
    args = ap.parse_args(argv)
    out = args.out
    if args.select:
        print(json.dumps(select(), indent=1))
        return 0
    try:
        text = _dump(build(args.src))
    except AnnotationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            print(f"{out} is stale: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({text.count(chr(10))} articles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
