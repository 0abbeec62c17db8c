"""End-to-end figures of the whole pipeline on the five seed articles against their gold.

    python bench/seeds_eval.py            # the figures and whether each target holds
    python bench/seeds_eval.py --errors   # plus every miss

Everything goes through the project as a user runs it: `load_corpus` on `seeds/`
(sidecar included), then `analyse_article` with the real model and gazetteer.
The same functions back `tests/test_seeds_acceptance.py`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from actors_dates_eval import ActorScore, DateScore, score_actors, score_dates  # noqa: E402

from geo.model import AnalysedArticle, Article  # noqa: E402
from geo.places import distance_km  # noqa: E402

GOLD = ROOT / "tests" / "data" / "seeds_gold.json"
SEEDS = ROOT / "seeds"
AREA_KINDS = {"country", "region", "river", "sea", "continent", "supranational-region"}
"""Gold kinds whose point is a representative one: judged within 161 km, not 25 km."""


@dataclass
class ToponymScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    resolved_ok: int = 0
    resolved_total: int = 0
    places_found: int = 0
    places_total: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def f1(self) -> float:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def resolution(self) -> float:
        return self.resolved_ok / self.resolved_total if self.resolved_total else 0.0


@dataclass
class MetadataScore:
    checked: int = 0
    equal: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class SeedsReport:
    toponyms: ToponymScore
    metadata: MetadataScore
    actors: ActorScore
    dates: DateScore


def analyse_seeds() -> dict[str, AnalysedArticle]:
    """The pipeline's analysis of each seed, keyed by file name."""
    from geo.analysis import analyse_article
    from geo.ingest import load_corpus
    from geo.nlp import load_nlp
    from geo.places import load_gazetteer

    corpus = load_corpus([SEEDS])
    if corpus.skipped:
        raise RuntimeError(f"seeds skipped: {corpus.skipped}")
    gazetteer = load_gazetteer()
    nlp = load_nlp(gazetteer)
    return {
        Path(article.path).name: analyse_article(article, nlp, gazetteer)
        for article in corpus.articles
    }


def _place_ok(gold_place: dict, place) -> tuple[bool, float]:
    if place is None:
        return False, math.inf
    km = distance_km(gold_place["lat"], gold_place["lon"], place.lat, place.lon)
    if gold_place.get("geonameid") is not None and place.geonameid == gold_place["geonameid"]:
        return True, km
    return km <= (161 if gold_place["kind"] in AREA_KINDS else 25), km


def score_toponyms(gold: dict, analysed: dict[str, AnalysedArticle]) -> ToponymScore:
    score = ToponymScore()
    for entry in gold["articles"]:
        name = entry["file"][:3]
        found = {(r.toponym.start, r.toponym.end): r for r in analysed[entry["file"]].toponyms}
        gold_spans = {(t["start"], t["end"]): t for t in entry["toponyms"]}
        score.tp += len(found.keys() & gold_spans.keys())
        score.fp += len(found.keys() - gold_spans.keys())
        score.fn += len(gold_spans.keys() - found.keys())
        for span in sorted(found.keys() - gold_spans.keys()):
            score.errors.append(f"{name}:{span[0]} extra toponym {found[span].toponym.text!r}")
        for span in sorted(gold_spans.keys() - found.keys()):
            score.errors.append(f"{name}:{span[0]} missed toponym {gold_spans[span]['text']!r}")
        for span in sorted(found.keys() & gold_spans.keys()):
            gold_place = gold["places"][gold_spans[span]["place"]]
            place = found[span].place
            ok, km = _place_ok(gold_place, place)
            score.resolved_total += 1
            score.resolved_ok += ok
            if not ok:
                got = f"{place.name} ({place.geonameid}, {place.kind})" if place else "nothing"
                score.errors.append(
                    f"{name}:{span[0]} {gold_spans[span]['text']!r} -> {got}, "
                    f"gold {gold_place['name']} ({gold_place.get('geonameid')}), {km:.0f} km"
                )
        # Every gold place must be found (somewhere, correctly) in every article naming it.
        for key in sorted({t["place"] for t in entry["toponyms"]}):
            score.places_total += 1
            gold_place = gold["places"][key]
            hit = any(
                _place_ok(gold_place, found[span].place)[0]
                for span, t in gold_spans.items()
                if t["place"] == key and span in found
            )
            score.places_found += hit
            if not hit:
                score.errors.append(f"{name}: gold place {gold_place['name']} not found")
    return score


def score_metadata(gold: dict, articles: dict[str, Article]) -> MetadataScore:
    """Publication date and source wherever the gold marks them explicit."""
    score = MetadataScore()
    for entry in gold["articles"]:
        article = articles[entry["file"]]
        if entry["published"]["confidence"] == "explicit":
            score.checked += 1
            want = dt.date.fromisoformat(entry["published"]["date"])
            if article.published.value == want:
                score.equal += 1
            else:
                score.errors.append(
                    f"{entry['file'][:3]} published {article.published.value}, gold {want}"
                )
        if entry["source"]["confidence"] == "explicit":
            score.checked += 1
            got, want = article.source.value or "", entry["source"]["name"]
            # Gold writes "Anadolu Agency (AA)": the name, then its acronym.
            if got and (got == want or want.startswith(got + " (")):
                score.equal += 1
            else:
                score.errors.append(f"{entry['file'][:3]} source {got!r}, gold {want!r}")
    return score


def evaluate() -> SeedsReport:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    analysed = analyse_seeds()
    return SeedsReport(
        toponyms=score_toponyms(gold, analysed),
        metadata=score_metadata(gold, {k: a.article for k, a in analysed.items()}),
        actors=score_actors(gold, {k: list(a.actors) for k, a in analysed.items()}),
        dates=score_dates(gold, {k: list(a.dates) for k, a in analysed.items()}, metadata=False),
    )


def targets(report: SeedsReport) -> list[tuple[str, str, bool]]:
    t, m, a, d = report.toponyms, report.metadata, report.actors, report.dates
    return [
        (
            "every gold place found in every article naming it",
            f"{t.places_found}/{t.places_total}",
            t.places_found == t.places_total,
        ),
        ("toponym mention F1 (exact spans) >= 0.95", f"{t.f1:.3f}", t.f1 >= 0.95),
        (
            "found toponyms resolved (gold id, or 25 km / 161 km for areas)",
            f"{t.resolved_ok}/{t.resolved_total}",
            t.resolved_ok == t.resolved_total,
        ),
        (
            "explicit publication dates and sources equal gold",
            f"{m.equal}/{m.checked}",
            m.equal == m.checked,
        ),
        (
            "named actor mentions -> right canonical actor >= 90%",
            f"{a.accuracy:.1%}",
            a.accuracy >= 0.90,
        ),
        ("date expressions resolved to gold date >= 90%", f"{d.accuracy:.1%}", d.accuracy >= 0.90),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    report = evaluate()
    for label, figure, ok in targets(report):
        print(f"{'PASS' if ok else 'FAIL'}  {label}: {figure}")
    if args.errors:
        for line in report.toponyms.errors + report.metadata.errors:
            print("  " + line)
        for line in report.actors.missed + report.actors.wrong + report.actors.split:
            print("  actor " + line)
        for line in report.dates.errors:
            print("  date " + line)
    return 0 if all(ok for _, _, ok in targets(report)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
