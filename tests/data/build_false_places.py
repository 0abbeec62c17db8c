#!/usr/bin/env python3
"""Build tests/data/false_places.jsonl from the hand-written tests/data/false_places_src.json.

Places are written as names; this script finds each in its sentence and computes the
offsets, so a typo fails loudly. See tests/data/FALSE_PLACES.md for the conventions.

    python tests/data/build_false_places.py            # write false_places.jsonl
    python tests/data/build_false_places.py --check    # fail if it is stale or invalid
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "false_places_src.json"
OUT = HERE / "false_places.jsonl"
TRAP_KINDS = ("acronym", "organisation", "person", "title", "common_word", "demonym_adjective")
KINDS = (*TRAP_KINDS, "control")
MIN_ITEMS, MIN_PER_TRAP_KIND, MIN_CONTROLS = 240, 25, 30


class SourceError(ValueError):
    pass


def build(source: dict) -> list[dict]:
    items = source.get("items")
    if not isinstance(items, list):
        raise SourceError(f"{SOURCE.name}: no 'items' list")
    out, seen = [], set()
    for item in items:
        where = f"{SOURCE.name}: item {item.get('id')!r}"
        if item.get("id") in seen:
            raise SourceError(f"{where}: the id is used twice")
        seen.add(item.get("id"))
        if item.get("kind") not in KINDS:
            raise SourceError(f"{where}: kind {item.get('kind')!r} is not one of {KINDS}")
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            raise SourceError(f"{where}: no text")
        places = []
        for place in item.get("places", []):
            name, geonameid = place.get("name"), place.get("geonameid")
            if not isinstance(geonameid, int) or isinstance(geonameid, bool):
                raise SourceError(f"{where}: {name!r} has no integer geonameid")
            start = text.find(name) if isinstance(name, str) and name else -1
            if start < 0:
                raise SourceError(f"{where}: {name!r} is not in its text")
            places.append(
                {"name": name, "start": start, "end": start + len(name), "geonameid": geonameid}
            )
        if item["kind"] != "control" and places and item.get("note", "") == "":
            raise SourceError(f"{where}: a trap with places needs a note saying why")
        out.append({"id": item["id"], "kind": item["kind"], "text": text, "places": places,
                    "note": item.get("note", "")})  # fmt: skip
    counts = Counter(i["kind"] for i in out)
    if len(out) < MIN_ITEMS:
        raise SourceError(f"{SOURCE.name}: {len(out)} items, fewer than {MIN_ITEMS}")
    for kind in TRAP_KINDS:
        if counts[kind] < MIN_PER_TRAP_KIND:
            raise SourceError(f"{SOURCE.name}: {counts[kind]} {kind} items, fewer than 25")
    if counts["control"] < MIN_CONTROLS:
        raise SourceError(f"{SOURCE.name}: {counts['control']} controls, fewer than 30")
    return out


def render(items: list[dict]) -> str:
    return "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    try:
        text = render(build(json.loads(SOURCE.read_text(encoding="utf-8"))))
    except SourceError as error:
        print(error, file=sys.stderr)
        return 1
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(
                f"{OUT.name} is stale: run python tests/data/build_false_places.py", file=sys.stderr
            )
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
