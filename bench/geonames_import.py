"""Full-GeoNames mode at scale: import a synthetic dump, then geoparse with it.

    nice python bench/geonames_import.py [--rows N] [--alternates] [--keep DIR]

Writes a synthetic allCountries.zip of N rows (default 1,000,000; GeoNames' 19 columns, a
mix of feature classes like the real dump's, made-up names plus a few real ones reused by
streams and hotels, as GeoNames' are) to a temporary directory, never to the repository;
with --alternates also an alternateNamesV2.zip of about 1.5 names a row. Then prints:

- the import (`python -m geo gazetteer import`, its own process): rows/s, wall time, peak RSS,
  the index's size;
- `python -m geo geoparse` over the seeds and 40 sentences naming synthetic villages, with
  the index and with GEO_GAZETTEER=default: wall time, peak RSS, and how many of the synthetic
  villages were resolved to their synthetic GeoNames id; and how many of the seeds' toponyms
  resolve as they do without the dump.

The default gazetteer's cache (~/.cache/newsmap-geo or GEO_CACHE_DIR) is linked into the
temporary cache dir, so it is not rebuilt. Nothing is judged: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST_ID = 50_000_000
"""Synthetic geonameids start here, above GeoNames' own (13 million in 2026)."""
FEATURES = [  # (class, code, share): roughly allCountries' mix
    ("P", "PPL", 0.38), ("H", "STM", 0.14), ("T", "HLL", 0.12), ("S", "HTL", 0.08),
    ("S", "SCH", 0.08), ("H", "LK", 0.06), ("L", "LCTY", 0.05), ("A", "ADM3", 0.03),
    ("T", "MT", 0.03), ("V", "FRST", 0.02), ("A", "ADM2", 0.01),
]  # fmt: skip
REAL_NAMES = ("Warsaw", "Minsk", "Springfield", "Paris", "Grodno", "Kuznica", "Berlin", "Lima")
SYLLABLES = [c + v for c in "bdfgklmnprstvwz" for v in ("a", "e", "i", "o", "u", "y", "au")]
COUNTRIES = ("PL", "BY", "US", "DE", "FR", "IN", "BR", "NG", "ID", "RU")


def _name(rng: random.Random) -> str:
    words = [
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title()
        for _ in range(1 if rng.random() < 0.8 else 2)
    ]
    return " ".join(words)


def write_dump(directory: Path, rows: int, alternates: bool, seed: int = 1) -> list[str]:
    """allCountries.zip (and alternateNamesV2.zip); returns names of synthetic villages."""
    rng = random.Random(seed)
    classes = [(c, code) for c, code, _ in FEATURES]
    weights = [share for _, _, share in FEATURES]
    villages: list[str] = []
    main = zipfile.ZipFile(directory / "allCountries.zip", "w", zipfile.ZIP_DEFLATED)
    alt = zipfile.ZipFile(directory / "alternateNamesV2.zip", "w", zipfile.ZIP_DEFLATED)
    alt_id = 0
    with main, alt, main.open("allCountries.txt", "w") as out:
        alt_out = alt.open("alternateNamesV2.txt", "w") if alternates else None
        for i in range(rows):
            gid = FIRST_ID + i
            fclass, fcode = rng.choices(classes, weights)[0]
            name = rng.choice(REAL_NAMES) if rng.random() < 0.02 and fclass != "P" else _name(rng)
            population = int(rng.paretovariate(1.2) * 50) if fclass == "P" else 0
            if fclass == "P" and len(villages) < 40 and " " not in name and len(name) > 6:
                villages.append(name)
                population = 800
            others = [_name(rng) for _ in range(rng.choice((0, 0, 1, 2, 3)))]
            lat, lon = rng.uniform(-60, 70), rng.uniform(-180, 180)
            fields = [
                str(gid), name, name, ",".join(others), f"{lat:.5f}", f"{lon:.5f}", fclass,
                fcode, rng.choice(COUNTRIES), "", f"{rng.randint(1, 20):02d}",
                str(rng.randint(1, 300)), "", "", str(population), "", "100", "UTC", "2026-01-01",
            ]  # fmt: skip
            out.write(("\t".join(fields) + "\n").encode())
            for other in others if alt_out is not None else ():
                alt_id += 1
                language = rng.choice(("en", "", "de", "pl", "iata", "link"))
                record = [str(alt_id), str(gid), language, other, "", "", "", "", "", ""]
                alt_out.write(("\t".join(record) + "\n").encode())  # type: ignore[union-attr]
        if alt_out is not None:
            alt_out.close()
    return villages


def _run(command: list[str], env: dict[str, str], stdin: bytes | None = None):
    """(seconds, peak RSS in MB, stdout) of one child process, its own rusage (wait4)."""
    started = time.monotonic()
    child = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    out: dict[str, bytes] = {}

    def read(name: str, stream) -> None:
        out[name] = stream.read()

    readers = [
        threading.Thread(target=read, args=(name, stream))
        for name, stream in (("out", child.stdout), ("err", child.stderr))
    ]
    for reader in readers:
        reader.start()
    child.stdin.write(stdin or b"")  # type: ignore[union-attr]
    child.stdin.close()  # type: ignore[union-attr]
    for reader in readers:
        reader.join()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    if child.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{out['err'].decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, out["out"].decode()


def _link_default_cache(cache: Path) -> None:
    from geo.places import default_cache_dir

    for entry in default_cache_dir().glob("*"):
        if entry.is_dir() and entry.name.startswith(("gazetteer-", "postal-")):
            (cache / entry.name).symlink_to(entry)


def _geoparse_input(villages: list[str]) -> bytes:
    lines = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        lines.append({"id": path.stem, "text": path.read_text("utf-8")})
    for i, village in enumerate(villages):
        text = f"Fighting was reported in the village of {village} on Tuesday, officials said."
        lines.append({"id": f"synthetic-{i}", "text": text})
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def _synthetic_hits(output: str) -> tuple[int, int]:
    """(sentences whose village was resolved to its synthetic id, sentences with a toponym):
    the rest are names spaCy's NER labels ORG or PERSON, which recognition keeps."""
    hits = found = 0
    for line in output.splitlines():
        record = json.loads(line)
        if record["id"].startswith("synthetic-"):
            hits += any((t.get("geonameid") or 0) >= FIRST_ID for t in record["toponyms"])
            found += bool(record["toponyms"])
    return hits, found


def _seed_picks(output: str) -> set[tuple[str, int, int, int | None]]:
    """(article, start, end, geonameid) of the seeds' toponyms."""
    picks = set()
    for line in output.splitlines():
        record = json.loads(line)
        if not record["id"].startswith("synthetic-"):
            picks |= {
                (record["id"], t["start"], t["end"], t.get("geonameid")) for t in record["toponyms"]
            }
    return picks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--alternates", action="store_true", help="also alternateNamesV2.zip")
    parser.add_argument("--keep", type=Path, help="write the dump and index here, keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="geonames-bench-") as scratch:
        directory = args.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        cache = directory / "cache"
        cache.mkdir(exist_ok=True)
        _link_default_cache(cache)
        env = {**os.environ, "GEO_CACHE_DIR": str(cache)}
        env.pop("GEO_GAZETTEER", None)

        started = time.monotonic()
        villages = write_dump(directory, args.rows, args.alternates)
        size = (directory / "allCountries.zip").stat().st_size
        print(f"dump:      {args.rows:,} rows, {size / 2**20:.0f} MB zipped,"
              f" written in {time.monotonic() - started:.0f} s")  # fmt: skip

        command = [sys.executable, "-m", "geo", "gazetteer", "import", "--quiet"]
        command.append(str(directory / "allCountries.zip"))
        if args.alternates:
            command += ["--alternate-names", str(directory / "alternateNamesV2.zip")]
        seconds, peak, _ = _run(command, env)
        index = cache / "geonames.sqlite"
        print(f"import:    {args.rows / seconds:,.0f} rows/s ({seconds:.0f} s), peak RSS"
              f" {peak:.0f} MB, index {index.stat().st_size / 2**20:.0f} MB")  # fmt: skip

        text = _geoparse_input(villages)
        geoparse = [sys.executable, "-m", "geo", "geoparse"]
        outputs = []
        for label, extra in (("default", {"GEO_GAZETTEER": "default"}), ("with dump", {})):
            seconds, peak, out = _run(geoparse, {**env, **extra}, text)
            outputs.append(_seed_picks(out))
            hits, found = _synthetic_hits(out)
            print(f"geoparse ({label}): {seconds:.1f} s, peak RSS {peak:.0f} MB, synthetic"
                  f" villages resolved {hits}/{len(villages)} ({found} recognised)")  # fmt: skip
        same = len(outputs[0] & outputs[1])
        reused = f"its {len(REAL_NAMES)} real names are reused by streams, hotels, hills, regions"
        print(f"seeds:     {same}/{len(outputs[0])} toponyms resolved as without the dump"
              f" ({reused})")  # fmt: skip


if __name__ == "__main__":
    main()
