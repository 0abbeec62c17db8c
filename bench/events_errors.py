"""List the event layer's field errors against gold, grouped, to see the largest error groups.

    python bench/events_eval.py --save DIR          # predictions first
    python bench/events_errors.py DIR [--set events_dev] [--field actor|role|located|date]
    python bench/events_errors.py DIR --field type|detection  # wrong types; missed and false

Matching is the scorer's (../shared/bench/score_events.py): a prediction matches a gold
event when its sentence holds the gold trigger's first character, same type preferred.
Each line shows one matched event whose field disagrees: gold, predicted, the sentence.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.events_eval import SETS, _read, _scorer  # noqa: E402

FIELDS = ("actor", "role", "located", "date", "type", "detection")


def _pairs(gold: dict, pred: dict):
    """(doc id, text, gold event, matched prediction) as the scorer pairs them."""
    for doc_id, gdoc in gold.items():
        events = (pred.get(doc_id) or {}).get("events", [])
        used: set[int] = set()
        for g in gdoc.get("events", []):
            cands = [
                i
                for i, p in enumerate(events)
                if i not in used and p["start"] <= g["trigger_start"] < p["end"]
            ]
            if not cands:
                continue
            same = [i for i in cands if events[i].get("type") == g["type"]]
            i = (same or cands)[0]
            used.add(i)
            yield doc_id, gdoc["text"], g, events[i]


def _detection(gold: dict, pred: dict) -> list[str]:
    """Gold events no prediction matched (missed), predictions matching no gold (false)."""
    matched: dict[str, set[int]] = {}
    out = []
    for doc_id, gdoc in gold.items():
        events = (pred.get(doc_id) or {}).get("events", [])
        used = matched.setdefault(doc_id, set())
        text = gdoc["text"]
        for g in gdoc.get("events", []):
            cands = [
                i
                for i, p in enumerate(events)
                if i not in used and p["start"] <= g["trigger_start"] < p["end"]
            ]
            if cands:
                same = [i for i in cands if events[i].get("type") == g["type"]]
                used.add((same or cands)[0])
                continue
            sentence = text[g["start"] : g["end"]].replace("\n", " ")[:160]
            trigger = text[g["trigger_start"] : g["trigger_end"]]
            out.append(f"MISSED {doc_id} {g['type']} [{trigger}]\n  {sentence!r}")
        for i, p in enumerate(events):
            if i in used:
                continue
            sentence = text[p["start"] : p["end"]].replace("\n", " ")[:160]
            trigger = text[p.get("trigger_start", p["start"]) : p.get("trigger_end", p["start"])]
            out.append(f"FALSE {doc_id} {p.get('type')} [{trigger}]\n  {sentence!r}")
    return out


def errors(gold: dict, pred: dict, field: str) -> list[str]:
    if field == "detection":
        return _detection(gold, pred)
    sc = _scorer()
    out = []
    for doc_id, text, g, p in _pairs(gold, pred):
        sentence = text[g["start"] : g["end"]].replace("\n", " ")[:140]
        trigger = text[g["trigger_start"] : g["trigger_end"]]
        head = f"{doc_id} {g['type']}/{p.get('type')} [{trigger}]"
        if field == "actor":
            ga = g.get("source", []) + g.get("target", [])
            pa = p.get("source", []) + p.get("target", [])
            hit, ng, np_ = sc._set_f1(sc._uniq(ga), sc._uniq(pa))
            if hit != ng or hit != np_:
                out.append(
                    f"{head}\n  gold {g.get('source')} -> {g.get('target')}\n"
                    f"  pred {p.get('source')} -> {p.get('target')}\n  {sentence!r}"
                )
        elif field == "role":
            missed = [
                s
                for s in g.get("source", [])
                if not any(sc.names_match(s, x) for x in p.get("source", []))
            ]
            if missed:
                out.append(
                    f"{head} source {missed} not predicted as source\n"
                    f"  pred {p.get('source')} -> {p.get('target')}\n  {sentence!r}"
                )
        elif field == "located":
            gl, pl = g.get("located", []), p.get("located", [])
            extra = [x.get("name") for x in pl if not sc._place_hit(x, gl)]
            missed = [x.get("name") for x in gl if not sc._place_hit(x, pl)]
            if extra or missed:
                out.append(f"{head} missed {missed} extra {extra}\n  {sentence!r}")
        elif field == "type" and g["type"] != p.get("type"):
            out.append(f"{head}\n  {sentence!r}")
        elif field == "date" and g.get("date") and not sc._date_agrees(g["date"], p.get("date")):
            out.append(f"{head} gold {g['date']} pred {p.get('date')}\n  {sentence!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("saved", type=Path, help="the directory of events_eval.py --save")
    parser.add_argument("--set", choices=sorted(SETS), default="events_dev")
    parser.add_argument("--field", choices=FIELDS, action="append")
    args = parser.parse_args(argv)
    gold = _read(SETS[args.set])
    pred = _read(args.saved / f"{args.set}.jsonl")
    for field in args.field or FIELDS:
        lines = errors(gold, pred, field)
        print(f"=== {field}: {len(lines)}")
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
