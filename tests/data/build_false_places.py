#!/usr/bin/env python3
"""Build tests/data/false_places.jsonl from the hand-written tests/data/false_places_src.json.

The source gives each place as its exact text and GeoNames id, never as offsets; this script
finds the text in the sentence and computes the offsets, so a typo fails loudly instead of
shifting a span. FALSE_PLACES.md describes the set and its conventions.

    python tests/data/build_false_places.py                # validate, write the jsonl
    python tests/data/build_false_places.py --check        # fail if the jsonl is stale or invalid
    python tests/data/build_false_places.py --verify-ids   # also ask the project's gazetteer:
                                                           # is each id a candidate for its name?

Source item: {"id": str, "kind": KIND, "text": str, "note": str,
              "places": [{"name": str, "geonameid": int, "occurrence": int (1-based, only
                          needed, and then required, when the name occurs more than once)}]}
A name matches whole words only ("Paris" is not found inside "Parisian").
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SOURCE = HERE / "false_places_src.json"
OUT = HERE / "false_places.jsonl"

TRAP_KINDS = ("acronym", "organisation", "person", "title", "common_word", "demonym_adjective")
CONTROL = "control"
KINDS = (*TRAP_KINDS, CONTROL)
MIN_ITEMS = 240
MIN_PER_TRAP_KIND = 25
MIN_CONTROLS = 30

ITEM_KEYS = {"id", "kind", "text", "places", "note"}
PLACE_KEYS = {"name", "geonameid"}
OPTIONAL_PLACE_KEYS = {"occurrence"}


class SourceError(ValueError):
    """A source item that does not fit its own rules; the message names the item."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def word_occurrences(text: str, name: str) -> list[int]:
    """Start offsets of `name` in `text` as whole words."""
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    return [m.start() for m in pattern.finditer(text)]


def _place(text: str, place: object, where: str) -> dict:
    if not isinstance(place, dict):
        raise SourceError(f"{where}: a place is not an object: {place!r}")
    keys = set(place)
    if not PLACE_KEYS <= keys <= PLACE_KEYS | OPTIONAL_PLACE_KEYS:
        raise SourceError(f"{where}: place keys {sorted(keys)}, expected {sorted(PLACE_KEYS)}")
    name, geonameid = place["name"], place["geonameid"]
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise SourceError(f"{where}: place name {name!r} is not a trimmed non-empty string")
    if not _is_int(geonameid) or geonameid <= 0:
        raise SourceError(f"{where}: geonameid of {name!r} is not a positive int: {geonameid!r}")
    starts = word_occurrences(text, name)
    if not starts:
        raise SourceError(f"{where}: place {name!r} is not a whole-word substring of the text")
    occurrence = place.get("occurrence")
    if occurrence is None:
        if len(starts) > 1:
            raise SourceError(
                f"{where}: {name!r} occurs {len(starts)} times: say which with 'occurrence'"
            )
        occurrence = 1
    elif not _is_int(occurrence) or not 1 <= occurrence <= len(starts):
        raise SourceError(
            f"{where}: occurrence {occurrence!r} of {name!r}, which occurs {len(starts)} times"
        )
    start = starts[occurrence - 1]
    return {"name": name, "geonameid": geonameid, "start": start, "end": start + len(name)}


def build_item(item: object, index: int) -> dict:
    where = f"item {index}"
    if not isinstance(item, dict):
        raise SourceError(f"{where}: not an object")
    if isinstance(item.get("id"), str):
        where = f"item {index} ({item['id']})"
    if set(item) != ITEM_KEYS:
        raise SourceError(f"{where}: keys {sorted(item)}, expected {sorted(ITEM_KEYS)}")
    item_id, kind, text, note = item["id"], item["kind"], item["text"], item["note"]
    if not isinstance(item_id, str) or not item_id:
        raise SourceError(f"{where}: id {item_id!r} is not a non-empty string")
    if kind not in KINDS:
        raise SourceError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if not isinstance(text, str) or not text.strip():
        raise SourceError(f"{where}: no text")
    if not isinstance(note, str):
        raise SourceError(f"{where}: note is not a string")
    if not isinstance(item["places"], list):
        raise SourceError(f"{where}: places is not a list")
    places = [_place(text, p, where) for p in item["places"]]
    places.sort(key=lambda p: p["start"])
    for before, after in zip(places, places[1:], strict=False):
        if after["start"] < before["end"]:
            raise SourceError(f"{where}: places {before['name']!r} and {after['name']!r} overlap")
    if kind == CONTROL and not places:
        raise SourceError(f"{where}: a control sentence must have at least one place")
    return {"id": item_id, "kind": kind, "text": text, "places": places, "note": note}


def build(source: Path = SOURCE) -> list[dict]:
    """The validated items, offsets computed, in source order."""
    try:
        items = json.loads(source.read_text(encoding="utf-8"))
    except ValueError as error:
        raise SourceError(f"{source.name} is not JSON: {error}") from error
    if not isinstance(items, list):
        raise SourceError(f"{source.name}: the top level is not a list")
    rows = [build_item(item, i) for i, item in enumerate(items, start=1)]
    ids = Counter(row["id"] for row in rows)
    repeated = sorted(i for i, n in ids.items() if n > 1)
    if repeated:
        raise SourceError(f"ids used more than once: {', '.join(repeated)}")
    texts = Counter(row["text"] for row in rows)
    repeated = sorted(t for t, n in texts.items() if n > 1)
    if repeated:
        raise SourceError(f"sentences given more than once: {repeated[0]!r}")
    kinds = Counter(row["kind"] for row in rows)
    if len(rows) < MIN_ITEMS:
        raise SourceError(f"{len(rows)} items, at least {MIN_ITEMS} wanted")
    for kind in TRAP_KINDS:
        if kinds[kind] < MIN_PER_TRAP_KIND:
            raise SourceError(f"{kinds[kind]} {kind} items, at least {MIN_PER_TRAP_KIND} wanted")
    if kinds[CONTROL] < MIN_CONTROLS:
        raise SourceError(f"{kinds[CONTROL]} control items, at least {MIN_CONTROLS} wanted")
    return rows


def dump(rows: list[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def unverified_ids(rows: list[dict], limit: int = 25) -> list[str]:
    """Gold places whose id is not among the gazetteer's first `limit` candidates for the name."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from geo.model import Toponym
    from geo.places import load_gazetteer, rank_candidates

    gazetteer = load_gazetteer()
    problems = []
    for row in rows:
        for place in row["places"]:
            name = place["name"]
            ranked = rank_candidates(Toponym(0, len(name), name, label="query"), name, gazetteer)
            if place["geonameid"] not in {p.geonameid for p in ranked[:limit]}:
                problems.append(f"{row['id']}: {name!r} has no candidate {place['geonameid']}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the output is stale")
    ap.add_argument(
        "--verify-ids", action="store_true", help="check every id against the gazetteer (slow)"
    )
    args = ap.parse_args(argv)
    try:
        rows = build()
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.verify_ids:
        problems = unverified_ids(rows)
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        if problems:
            return 1
    text = dump(rows)
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.name} is stale: run tests/data/{Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    kinds = Counter(row["kind"] for row in rows)
    print(f"wrote {OUT.name}: {len(rows)} items ({', '.join(f'{k} {kinds[k]}' for k in KINDS)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
