"""The event layer against gold, scored by ../shared/bench/score_events.py.

    python bench/events_eval.py               # both sets, with the targets
    python bench/events_eval.py --errors 40   # plus the scorer's first misses and errors
    python bench/events_eval.py --kinds 30    # errors by kind: false, missed, wrong type
    python bench/events_eval.py --save DIR    # keep the predictions as JSON Lines
    python bench/events_eval.py --speed       # plus `python -m geo events` against raw nlp.pipe

Sets: tests/data/events_dev.jsonl (the seeds and ten LGL and GeoVirus articles, annotated
to ../shared/gold/EVENTS.md) and PLOVER's gold standard sentences
(../shared/events/plover_gsr.jsonl), a peer test set: measured here, never tuned to.
Predictions come from `geo.streams.events_stream`, the code behind `python -m geo events`
(and the events `geo build` stores).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _shared() -> Path:
    for parent in ROOT.parents:
        if (parent / "shared" / "bench").is_dir():
            return parent / "shared"
    return ROOT.parent / "shared"


SHARED = _shared()
SETS = {
    "events_dev": ROOT / "tests" / "data" / "events_dev.jsonl",
    "plover_gsr": SHARED / "events" / "plover_gsr.jsonl",
}
FIGURES = (
    ("detection_F1", "detection F1"),
    ("type_acc", "type acc"),
    ("actor_F1", "actor F1"),
    ("role_acc", "role acc"),
    ("located_P", "located P"),
    ("located_R", "located R"),
    ("date_acc", "date"),
    ("all_right", "all right"),
)
TARGETS = {
    "events_dev": {
        "detection_F1": 0.85, "type_acc": 0.80, "actor_F1": 0.75, "role_acc": 0.75,
        "located_P": 0.85, "located_R": 0.80, "date_acc": 0.90, "all_right": 0.55,
    },
    "plover_gsr": {"type_acc": 0.80, "actor_F1": 0.75, "role_acc": 0.75, "all_right": 0.55},
}  # fmt: skip


def _scorer():
    path = SHARED / "bench" / "score_events.py"
    spec = importlib.util.spec_from_file_location("score_events", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the scorer {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(path: Path) -> dict[str, dict]:
    rows = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                rows[str(row["id"])] = row
    return rows


def predict(gold: dict[str, dict], gazetteer, nlp) -> dict[str, dict]:
    from geo.streams import events_stream

    source = io.StringIO(
        "".join(
            json.dumps({"id": i, "text": row["text"], "published": row.get("published")}) + "\n"
            for i, row in gold.items()
        )
    )
    sink = io.StringIO()
    events_stream(source, sink, gazetteer, nlp, name="gold")
    predictions = {}
    for line in sink.getvalue().splitlines():
        row = json.loads(line)
        predictions[str(row["id"])] = row
    return predictions


def speed(gold: dict[str, dict], gazetteer, nlp, rounds: int = 3) -> tuple[float, float]:
    """(seconds of the events path, seconds of raw spaCy `nlp.pipe`) on the same texts, the
    best of `rounds` runs of each, taken in turns so a burst of load decides neither."""
    import spacy

    from geo.nlp.language import MODEL_PACKAGE

    raw = spacy.load(MODEL_PACKAGE)
    texts = [row["text"] for row in gold.values()]
    ours, theirs = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        for _doc in raw.pipe(texts):
            pass
        theirs.append(time.perf_counter() - started)
        started = time.perf_counter()
        predict(gold, gazetteer, nlp)
        ours.append(time.perf_counter() - started)
    return min(ours), min(theirs)


KINDS = ("false", "missed", "type")
"""Detection and type errors: a prediction matching no gold event, a gold event no
prediction holds, a matched pair whose types differ."""


@dataclass(frozen=True)
class EventError:
    kind: str
    doc_id: str
    gold_type: str | None
    pred_type: str | None
    trigger: str
    """The gold trigger's text (missed, type) or the prediction's (false)."""
    sentence: str
    cameo: str | None = None


def error_kinds(gold: dict[str, dict], predictions: dict[str, dict]) -> list[EventError]:
    """The scorer's matching (a prediction holding the gold trigger's first character, one
    of the gold type preferred, each used once), its failures sorted into KINDS."""
    found: list[EventError] = []
    for doc_id, row in gold.items():
        text = row["text"]
        pred = (predictions.get(doc_id) or {}).get("events", [])
        used: set[int] = set()
        for g in row.get("events", []):
            trigger = text[g["trigger_start"] : g["trigger_end"]]
            sentence = text[g["start"] : g["end"]]
            cands = [
                i
                for i, p in enumerate(pred)
                if i not in used and p["start"] <= g["trigger_start"] < p["end"]
            ]
            if not cands:
                found.append(EventError("missed", doc_id, g["type"], None, trigger, sentence))
                continue
            same = [i for i in cands if pred[i].get("type") == g["type"]]
            i = (same or cands)[0]
            used.add(i)
            p = pred[i]
            if p.get("type") != g["type"]:
                said = text[p.get("trigger_start", p["start"]) : p.get("trigger_end", p["start"])]
                found.append(
                    EventError(
                        "type", doc_id, g["type"], p.get("type"), f"{trigger} / {said}",
                        sentence, p.get("cameo"),
                    )
                )  # fmt: skip
        for i, p in enumerate(pred):
            if i not in used:
                said = text[p.get("trigger_start", p["start"]) : p.get("trigger_end", p["start"])]
                found.append(
                    EventError(
                        "false", doc_id, None, p.get("type"), said, text[p["start"] : p["end"]],
                        p.get("cameo"),
                    )
                )  # fmt: skip
    return found


def show_error_kinds(name: str, errors: list[EventError], limit: int) -> None:
    """Counts by kind and type; with `limit`, that many sentences of each kind too, but never
    for the peer test set, which is read in aggregate only."""
    print(f"--- {name}: errors by kind")
    for kind in KINDS:
        of_kind = [e for e in errors if e.kind == kind]
        pairs = Counter(f"{e.gold_type or '-'}>{e.pred_type or '-'}" for e in of_kind)
        print(f"{kind}: {len(of_kind)}  " + ", ".join(f"{k} {n}" for k, n in pairs.most_common()))
        if name == "plover_gsr":
            continue
        for e in of_kind[:limit]:
            print(
                f"  {kind.upper()} {e.doc_id[:12]} {e.gold_type or '-'}>{e.pred_type or '-'}"
                f" [{e.trigger}] cameo={e.cameo}: {' '.join(e.sentence.split())[:150]!r}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", type=int, default=0, help="show the first N errors")
    parser.add_argument(
        "--kinds", type=int, default=None, help="errors by kind, N sentences each (dev only)"
    )
    parser.add_argument("--save", type=Path, help="write the predictions here")
    parser.add_argument("--set", choices=sorted(SETS), action="append", help="only this set")
    parser.add_argument(
        "--speed", action="store_true", help="time the events path against raw nlp.pipe"
    )
    args = parser.parse_args(argv)

    from geo.events import load_coding_dictionaries
    from geo.nlp import load_nlp
    from geo.places import load_gazetteer

    started = time.perf_counter()
    dictionaries = load_coding_dictionaries()
    load_s = time.perf_counter() - started
    gazetteer = load_gazetteer()
    nlp = load_nlp(gazetteer)
    scorer = _scorer()
    print(f"coding dictionaries: loaded in {load_s:.2f} s (target < 2 s); {dictionaries.counts()}")
    header = f"{'set':<12}{'docs':>6}{'gold':>6}{'pred':>6}" + "".join(
        f"{label:>14}" for _, label in FIGURES
    )
    lines = [header]
    for name in args.set or sorted(SETS):
        path = SETS[name]
        if not path.exists():
            lines.append(f"{name:<12} missing: {path}")
            continue
        gold = _read(path)
        predictions = predict(gold, gazetteer, nlp)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            with (args.save / f"{name}.jsonl").open("w", encoding="utf-8") as f:
                for row in predictions.values():
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        shown = io.StringIO()
        with contextlib.redirect_stderr(shown):
            figures = scorer.score(gold, predictions, errors=args.errors)
        if args.errors:
            print(f"--- {name}\n{shown.getvalue()}")
        if args.kinds is not None:
            show_error_kinds(name, error_kinds(gold, predictions), args.kinds)
        row = (
            f"{name:<12}{figures['docs']:>6}{figures['gold_events']:>6}{figures['pred_events']:>6}"
        )
        for key, _ in FIGURES:
            value = figures.get(key)
            target = TARGETS[name].get(key)
            cell = "–" if value is None else f"{value:.3f}"
            if target is not None and value is not None:
                cell += " ok" if value >= target else f" <{target:.2f}"
            row += f"{cell:>14}"
        lines.append(row)
        if args.speed:
            ours, raw = speed(gold, gazetteer, nlp)
            print(
                f"{name}: events path {len(gold) / ours:.1f} articles/s, raw nlp.pipe "
                f"{len(gold) / raw:.1f}/s, ratio {raw / ours:.3f} (target >= 0.8)"
            )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
