"""Resolution accuracy alone: feed the benchmark's gold spans to resolve_toponyms.

Reads the gold from ../shared/bench (never copied into the repo), writes the
scorer's prediction format to a temporary file and runs the shared scorer.

    python bench/resolve_goldspans.py                  # both corpora
    python bench/resolve_goldspans.py --errors 40      # also list the worst misses
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.model import Toponym  # noqa: E402
from geo.places import (  # noqa: E402
    distance_km,
    load_gazetteer,  # noqa: E402
    resolve_toponyms,
)

BENCH = next(  # ../shared/bench; a git worktree sits deeper than the checkout it belongs to
    (p / "shared" / "bench" for p in ROOT.parents if (p / "shared" / "bench").is_dir()),
    ROOT.parent / "shared" / "bench",
)


def run(corpus: str, errors: int, limit: int | None) -> None:
    gazetteer = load_gazetteer()
    gold_path = BENCH / f"{corpus}.jsonl"
    lines = [x for x in gold_path.read_text("utf-8").split("\n") if x.strip()][:limit]
    misses = []
    started = time.perf_counter()
    count = 0
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        for line in lines:
            doc = json.loads(line)
            toponyms = [Toponym(t["start"], t["end"], t["name"]) for t in doc["toponyms"]]
            resolved = resolve_toponyms(toponyms, doc["text"], gazetteer)
            count += len(toponyms)
            preds = []
            for gold, r in zip(doc["toponyms"], resolved, strict=True):
                p = r.place
                preds.append(
                    {
                        "start": gold["start"],
                        "end": gold["end"],
                        "name": gold["name"],
                        "lat": p.lat if p else None,
                        "lon": p.lon if p else None,
                    }
                )
                if gold.get("lat") is not None:
                    km = distance_km(gold["lat"], gold["lon"], p.lat, p.lon) if p else 20039.0
                    if km >= 161:
                        desc = f"{p.name} {p.kind} {p.country_code}/{p.admin1}" if p else "-"
                        misses.append((gold["name"], desc, gold.get("geonameid"), round(km)))
            out.write(json.dumps({"id": doc["id"], "toponyms": preds}) + "\n")
    elapsed = time.perf_counter() - started
    score = subprocess.run(
        [sys.executable, str(BENCH / "score.py"), str(gold_path), out.name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"{corpus}: {score}")
    print(f"{corpus}: {count} toponyms resolved in {elapsed:.1f}s")
    if errors:
        from collections import Counter

        for (name, desc, gid, _), n in Counter((m[0], m[1], m[2], 0) for m in misses).most_common(
            errors
        ):
            print(f"   {n:3d}  {name!r} -> {desc}   gold geonameid={gid}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpora", nargs="*", default=["lgl", "geovirus"])
    parser.add_argument("--errors", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    for corpus in args.corpora:
        run(corpus, args.errors, args.limit)


if __name__ == "__main__":
    main()
