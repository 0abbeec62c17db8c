"""The geoparser on the false-place traps (tests/data/false_places.jsonl, see FALSE_PLACES.md).

    python bench/false_places.py            # the figures
    python bench/false_places.py --show 20  # plus the first wrong outputs

A trap sentence "yields a wrong place" when any toponym the geoparser resolves is not one of
its gold places, or a gold name is resolved to another GeoNames id. Controls give recall and
precision. Target (issue 14): at most 2% of the trap sentences yield a wrong place.
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
TARGET = 0.02


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args(argv)

    from geo.nlp import load_nlp
    from geo.places import load_gazetteer
    from geo.streams import geoparse_stream

    items = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    gazetteer = load_gazetteer()
    nlp = load_nlp(gazetteer)
    source = io.StringIO(
        "".join(json.dumps({"id": i["id"], "text": i["text"]}) + "\n" for i in items)
    )
    sink = io.StringIO()
    geoparse_stream(source, sink, gazetteer, nlp)
    outputs = {o["id"]: o["toponyms"] for o in map(json.loads, sink.getvalue().splitlines())}

    wrong_by_kind, total_by_kind = Counter(), Counter()
    found = gold_total = predicted = right = 0
    shown = []
    for item in items:
        gold = {p["geonameid"] for p in item["places"]}
        resolved = [
            t
            for t in outputs[item["id"]]
            if t.get("geonameid") is not None or t.get("lat") is not None
        ]
        bad = [t for t in resolved if t.get("geonameid") not in gold]
        if item["kind"] == "control":
            ids = {t.get("geonameid") for t in resolved}
            found += len(gold & ids)
            gold_total += len(gold)
            predicted += len(resolved)
            right += sum(t.get("geonameid") in gold for t in resolved)
            continue
        total_by_kind[item["kind"]] += 1
        if bad:
            wrong_by_kind[item["kind"]] += 1
            if len(shown) < args.show:
                names = ", ".join(f"{t['name']}→{t.get('geonameid')} {t.get('kind')}" for t in bad)
                shown.append(f"  {item['id']}: {item['text']!r}: {names}")
    traps = sum(total_by_kind.values())
    wrong = sum(wrong_by_kind.values())
    rate = wrong / traps if traps else 0.0
    print(f"sentences: {len(items)} ({traps} traps, {len(items) - traps} controls)")
    print(f"traps yielding a wrong place: {wrong}/{traps} = {rate:.1%} "
          f"(target <= {TARGET:.0%}) {'met' if rate <= TARGET else 'MISSED'}")  # fmt: skip
    for kind in sorted(total_by_kind):
        print(f"  {kind:<18} {wrong_by_kind[kind]:>3}/{total_by_kind[kind]:<3} "
              f"{wrong_by_kind[kind] / total_by_kind[kind]:.0%}")  # fmt: skip
    recall = found / gold_total if gold_total else 0.0
    precision = right / predicted if predicted else 0.0
    print(f"controls: recall {recall:.3f} ({found}/{gold_total}), "
          f"precision {precision:.3f} ({right}/{predicted})")  # fmt: skip
    if shown:
        print("wrong places:")
        print("\n".join(shown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
