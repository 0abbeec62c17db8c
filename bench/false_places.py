"""Wrong places on the false-place set (issue 14): how often a trap sentence gets a place.

    python bench/false_places.py              # the table
    python bench/false_places.py --show 40    # and the first 40 wrong outputs and missed
                                              # gold places, with their sentences
    python bench/false_places.py --exclude r3-  # the first two rounds' items only
    python bench/false_places.py --only r3-     # the third round's (written 2026-12-07)

Runs `python -m geo geoparse`'s code path (geo.streams.geoparse_stream) on every sentence of
tests/data/false_places.jsonl (see tests/data/FALSE_PLACES.md). An output toponym with a
point is right when it overlaps a gold place of the same GeoNames id, wrong otherwise (a
trap word mapped anywhere, or a gold place resolved to the wrong id). A trap sentence
"yields a wrong place" when any of its outputs is wrong; the target is at most 2% of trap
sentences. The rate by id alone (an output id not among the sentence's gold ids, wherever
its span) is printed under it: it forgives "Real Madrid" when Madrid is gold elsewhere.
Control sentences are scored for recall (gold places found with the right id) and
precision (outputs that are right). Toponyms found but left unresolved are not on the map
and are not counted. With --show, the "why" column is the recogniser's reason for the
span (Toponym.label: the spaCy label or the rule that found it).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data" / "false_places.jsonl"
TRAP_KINDS = ("acronym", "organisation", "person", "title", "common_word", "demonym_adjective")
TARGET = 0.02
"""At most this share of trap sentences may yield a wrong place."""


def load_items(path: Path = DATA) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def geoparse(items: list[dict], gazetteer, nlp) -> dict[str, list[dict]]:
    """Output toponyms per item id, from the geoparse command's own stream function."""
    from geo.streams import geoparse_stream

    source = io.StringIO(
        "".join(json.dumps({"id": i["id"], "text": i["text"]}) + "\n" for i in items)
    )
    sink = io.StringIO()
    failures = geoparse_stream(source, sink, gazetteer, nlp)
    if failures:
        raise SystemExit(f"geoparse failed on {failures} sentences")
    return {row["id"]: row["toponyms"] for row in map(json.loads, sink.getvalue().splitlines())}


def _overlaps(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def judge(item: dict, outputs: list[dict]) -> tuple[list[dict], list[dict], int]:
    """(right outputs, wrong outputs, gold places found) among the mapped outputs."""
    right, wrong = [], []
    for out in outputs:
        if out.get("lat") is None:
            continue  # not on the map
        hit = any(
            _overlaps(out, gold) and out.get("geonameid") == gold["geonameid"]
            for gold in item["places"]
        )
        (right if hit else wrong).append(out)
    found = sum(
        any(_overlaps(out, gold) and out.get("geonameid") == gold["geonameid"] for out in right)
        for gold in item["places"]
    )
    return right, wrong, found


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "-"


def missed_places(items: list[dict], outputs: dict[str, list[dict]]) -> list[tuple]:
    """Gold places no right output found, in file order: (item, place, outputs over it)."""
    missed = []
    for item in items:
        right, _, _ = judge(item, outputs[item["id"]])
        for gold in item["places"]:
            if not any(
                _overlaps(out, gold) and out.get("geonameid") == gold["geonameid"] for out in right
            ):
                there = [out for out in outputs[item["id"]] if _overlaps(out, gold)]
                missed.append((item, gold, there))
    return missed


def report(items: list[dict], outputs: dict[str, list[dict]]) -> tuple[list[str], list[tuple]]:
    """The table's lines and the wrong outputs (item, output), in file order."""
    sentences, wrong_sentences = Counter(), Counter()
    wrong_outputs = Counter()
    gold_total = gold_found = right_total = mapped_total = 0
    trap_gold_total = trap_gold_found = 0
    id_only_wrong = 0  # the looser rule: an output id that is not any gold id of the sentence
    errors = []
    for item in items:
        right, wrong, found = judge(item, outputs[item["id"]])
        kind = item["kind"]
        gold_ids = {gold["geonameid"] for gold in item["places"]}
        if kind in TRAP_KINDS:
            id_only_wrong += any(out.get("geonameid") not in gold_ids for out in wrong)
        sentences[kind] += 1
        wrong_sentences[kind] += bool(wrong)
        wrong_outputs[kind] += len(wrong)
        errors += [(item, out) for out in wrong]
        if kind == "control":
            gold_total += len(item["places"])
            gold_found += found
            right_total += len(right)
            mapped_total += len(right) + len(wrong)
        else:
            trap_gold_total += len(item["places"])
            trap_gold_found += found

    traps = sum(sentences[k] for k in TRAP_KINDS)
    trap_wrong = sum(wrong_sentences[k] for k in TRAP_KINDS)
    rate = trap_wrong / traps if traps else 0.0
    verdict = "met" if rate <= TARGET else "MISSED"
    lines = [
        f"sentences: {len(items)} ({traps} traps, {sentences['control']} controls)",
        "",
        "| kind | sentences | yield a wrong place | rate | wrong outputs |",
        "|---|---|---|---|---|",
    ]
    for kind in TRAP_KINDS:
        lines.append(
            f"| {kind} | {sentences[kind]} | {wrong_sentences[kind]} |"
            f" {_rate(wrong_sentences[kind], sentences[kind])} | {wrong_outputs[kind]} |"
        )
    lines.append(
        f"| all traps | {traps} | {trap_wrong} | {_rate(trap_wrong, traps)} |"
        f" {sum(wrong_outputs[k] for k in TRAP_KINDS)} |"
    )
    lines.append(
        f"| control | {sentences['control']} | {wrong_sentences['control']} |"
        f" {_rate(wrong_sentences['control'], sentences['control'])} |"
        f" {wrong_outputs['control']} |"
    )
    lines += [
        "",
        f"wrong-place rate over trap sentences: {rate:.3f} (target <= {TARGET}: {verdict})",
        f"  by id alone (spans ignored): {_rate(id_only_wrong, traps)}",
        f"control recall: {_rate(gold_found, gold_total)} ({gold_found}/{gold_total} places)",
        f"control precision: {_rate(right_total, mapped_total)}"
        f" ({right_total}/{mapped_total} mapped outputs)",
        f"gold places in trap sentences found: {trap_gold_found}/{trap_gold_total}",
    ]
    return lines, errors


def recogniser_labels(items: list[dict], nlp) -> dict[str, dict[tuple[int, int], str]]:
    """For --show only: each found span's Toponym.label, by item id."""
    from geo.ingest import find_boilerplate
    from geo.nlp import find_toponyms

    labels = {}
    for item, doc in zip(items, nlp.pipe(i["text"] for i in items), strict=True):
        found = find_toponyms(doc, exclude=find_boilerplate(item["text"]))
        labels[item["id"]] = {(t.start, t.end): t.label for t in found}
    return labels


def show(errors: list[tuple], missed: list[tuple], limit: int, gazetteer, nlp) -> list[str]:
    shown = errors[:limit]
    items = list({item["id"]: item for item, _ in shown}.values())
    labels = recogniser_labels(items, nlp)
    lines = [
        "",
        f"first {len(shown)} of {len(errors)} wrong outputs:",
        "| id | kind | span | why | resolved to | gold | text |",
        "|---|---|---|---|---|---|---|",
    ]
    for item, out in shown:
        place = gazetteer.by_geonameid(out["geonameid"]) if out.get("geonameid") else None
        where = (
            f"{place.name} ({out['kind']}, {out['country_code']}, {out['geonameid']})"
            if place
            else f"{out['kind']}, {out['country_code']}, {out.get('geonameid')}"
        )
        gold = ", ".join(f"{p['name']} {p['geonameid']}" for p in item["places"]) or "-"
        why = labels[item["id"]].get((out["start"], out["end"]), "?")
        lines.append(
            f"| {item['id']} | {item['kind']} | {out['name']} | {why} | {where} | {gold} |"
            f" {item['text']} |"
        )
    lines += [
        "",
        f"first {min(limit, len(missed))} of {len(missed)} gold places not found"
        " (or found with another id):",
        "| id | kind | place | geonameid | output there | text |",
        "|---|---|---|---|---|---|",
    ]
    for item, gold, there in missed[:limit]:
        found = ", ".join(f"{o['name']} {o.get('geonameid')}" for o in there) or "-"
        lines.append(
            f"| {item['id']} | {item['kind']} | {gold['name']} | {gold['geonameid']} | {found} |"
            f" {item['text']} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0, metavar="N", help="list N wrong outputs")
    parser.add_argument("--data", type=Path, default=DATA, help="the jsonl to run on")
    parser.add_argument("--only", metavar="PREFIX", help="items whose id starts with PREFIX")
    parser.add_argument("--exclude", metavar="PREFIX", help="items whose id does not")
    args = parser.parse_args(argv)

    from geo.nlp import load_nlp
    from geo.places import load_gazetteer

    gazetteer = load_gazetteer()
    nlp = load_nlp(gazetteer)
    items = [
        i
        for i in load_items(args.data)
        if (args.only is None or i["id"].startswith(args.only))
        and (args.exclude is None or not i["id"].startswith(args.exclude))
    ]
    outputs = geoparse(items, gazetteer, nlp)
    lines, errors = report(items, outputs)
    if args.show:
        lines += show(errors, missed_places(items, outputs), args.show, gazetteer, nlp)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
