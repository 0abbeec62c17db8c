"""Full-GeoNames mode, the reading side: places of GeoNames' own dump in an SQLite index.

`python -m geo gazetteer import allCountries.zip` (geo.places.geonames_import) writes the
index to `<cache dir>/geonames.sqlite`; the gazetteer (geo.places.gazetteer) asks it, name by
name, for the places it lacks, so the 12 million rows stay on disk and only the few a text
names are ever read. Names are keyed by geo.names.normalize_name, as the gazetteer's own.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path

from geo.model import Place, PlaceKind
from geo.places.sources import GazetteerError

INDEX_FILE = "geonames.sqlite"
INDEX_FORMAT = 1
"""Bump when the tables or the import's rules change: an older index is refused, not misread."""

GAZETTEER_ENV = "GEO_GAZETTEER"
"""`default` ignores an imported index; `geonames` requires one; unset or `auto` uses the
index when it exists."""

MAX_CANDIDATES = 60
"""Places one name gives at most, most populous first: "Springfield" names hundreds of
streams, schools and hamlets, and the resolver scores every candidate against every other."""

RECOGNISED_KINDS = ("country", "admin1", "admin2", "city", "village", "continent")
"""Kinds whose names recognition counts as place names (`is_known`): hotels, hills and streams
of one name would make common words look like places."""

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
    feature TEXT NOT NULL, country TEXT, admin1 TEXT, admin2 TEXT,
    lat REAL NOT NULL, lon REAL NOT NULL, population INTEGER NOT NULL, rank INTEGER NOT NULL
);
CREATE TABLE names (key TEXT NOT NULL, geonameid INTEGER NOT NULL);
CREATE TABLE admin1 (
    country TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, geonameid INTEGER NOT NULL,
    PRIMARY KEY (country, code)
);
"""
INDEXES = """
CREATE INDEX names_key ON names (key, geonameid);
CREATE INDEX places_adm1 ON places (country, admin1) WHERE feature = 'ADM1';
"""
"""Made after the rows are in: one sort, not 12 million insertions into a B-tree."""

_COLUMNS = "p.geonameid, p.name, p.kind, p.feature, p.country, p.admin1, p.admin2, p.lat, p.lon"
_COLUMNS += ", p.population"


class GeoNamesIndexError(GazetteerError):
    """The index is missing, damaged or from another version; the message says what to run."""


def index_path(cache_dir: str | os.PathLike[str]) -> Path:
    return Path(cache_dir) / INDEX_FILE


def selected_index(cache_dir: str | os.PathLike[str]) -> Path | None:
    """The index geoparsing uses: the imported one unless GEO_GAZETTEER=default says not."""
    choice = (os.environ.get(GAZETTEER_ENV) or "auto").strip().lower()
    if choice not in ("auto", "default", "geonames"):
        raise GeoNamesIndexError(
            f"{GAZETTEER_ENV}={choice!r}: give auto (the default), default or geonames"
        )
    path = index_path(cache_dir)
    if choice == "default":
        return None
    if choice == "geonames" and not path.exists():
        raise GeoNamesIndexError(
            f"{GAZETTEER_ENV}=geonames but there is no index at {path}: run "
            "`python -m geo gazetteer import allCountries.zip` first"
        )
    return path if path.exists() else None


class GeoNamesIndex:
    """Read-only lookups in an imported index; one connection per process and thread (a
    forked build worker must not use its parent's)."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._local = threading.local()
        self._candidates: OrderedDict[str, tuple[Place, ...]] = OrderedDict()
        self._known: OrderedDict[str, bool] = OrderedDict()
        self._lock = threading.Lock()
        self.meta = dict(self._query("SELECT key, value FROM meta"))
        if self.meta.get("format") != str(INDEX_FORMAT):
            raise GeoNamesIndexError(
                f"{self.path} was made by another version (format {self.meta.get('format')}, "
                f"this one reads {INDEX_FORMAT}): run `python -m geo gazetteer import` again"
            )

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["path"])  # type: ignore[misc, arg-type]

    @property
    def import_id(self) -> str:
        """Changes with every import: analyses made with another index are not reused."""
        return self.meta.get("import_id", "")

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            if not self.path.is_file():
                raise GeoNamesIndexError(f"{self.path}: no such index")
            local.connection = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            local.connection.execute("PRAGMA cache_size = -32000")  # 32 MB a connection
            local.pid = os.getpid()
        return local.connection

    def _query(self, sql: str, parameters: tuple[object, ...] = ()) -> list[tuple]:
        try:
            return self._connection().execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise GeoNamesIndexError(
                f"{self.path} is damaged ({error}): import it again (`python -m geo gazetteer "
                "import`) or go back to the default (`python -m geo gazetteer remove`)"
            ) from error

    def __len__(self) -> int:
        return int(self.meta.get("places", 0))

    def candidates(self, key: str) -> tuple[Place, ...]:
        """Places one of whose names has this normalised key, most populous first."""
        if not key:
            return ()
        with self._lock:
            found = self._candidates.get(key)
        if found is None:
            rows = self._query(
                f"SELECT {_COLUMNS} FROM places p WHERE p.geonameid IN "
                "(SELECT geonameid FROM names WHERE key = ?) "
                "ORDER BY p.population DESC, p.rank, p.geonameid LIMIT ?",
                (key, MAX_CANDIDATES),
            )
            found = tuple(_place(row) for row in rows)
            with self._lock:
                self._candidates[key] = found
                if len(self._candidates) > 20_000:
                    self._candidates.popitem(last=False)
        return found

    def is_known(self, key: str) -> bool:
        """Whether a place recognition should know by this key (RECOGNISED_KINDS) exists."""
        if not key:
            return False
        with self._lock:
            known = self._known.get(key)
        if known is None:
            marks = ", ".join("?" * len(RECOGNISED_KINDS))
            known = bool(
                self._query(
                    "SELECT 1 FROM names n JOIN places p ON p.geonameid = n.geonameid "
                    f"WHERE n.key = ? AND p.kind IN ({marks}) LIMIT 1",
                    (key, *RECOGNISED_KINDS),
                )
            )
            with self._lock:
                self._known[key] = known
                if len(self._known) > 200_000:
                    self._known.popitem(last=False)
        return known

    def by_geonameid(self, geonameid: int) -> Place | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM places p WHERE p.geonameid = ?", (geonameid,))
        return _place(rows[0]) if rows else None

    def point(self, geonameid: int) -> tuple[float, float] | None:
        """GeoNames' own point of a feature, for the gazetteer's places that lack it."""
        rows = self._query("SELECT lat, lon FROM places WHERE geonameid = ?", (geonameid,))
        return (float(rows[0][0]), float(rows[0][1])) if rows else None

    def admin1(self, country_code: str, admin1_code: str) -> Place | None:
        """The region admin1CodesASCII.txt gives this code, else the dump's ADM1 of it."""
        codes = (country_code.upper(), admin1_code.upper())
        rows = self._query(
            f"SELECT {_COLUMNS} FROM admin1 a JOIN places p ON p.geonameid = a.geonameid "
            "WHERE a.country = ? AND a.code = ?",
            codes,
        ) or self._query(
            f"SELECT {_COLUMNS} FROM places p WHERE p.feature = 'ADM1' AND p.country = ? "
            "AND p.admin1 = ? ORDER BY p.population DESC LIMIT 1",
            codes,
        )
        return _place(rows[0]) if rows else None


def _place(row: tuple) -> Place:
    gid, name, kind, feature, country, admin1, admin2, lat, lon, population = row
    kind_: PlaceKind = kind
    fields = {
        "geonameid": gid,
        "name": name,
        "kind": kind_,
        "country_code": country,
        "lat": lat,
        "lon": lon,
        "population": population,
        "admin1": admin1,
        "admin2": admin2,
        "feature": feature,
        "gazetteer": "geonames",
        "point": "geonames",
    }
    return Place(
        name=name,
        kind=kind_,
        country_code=country,
        lat=lat,
        lon=lon,
        gazetteer="geonames",
        geonameid=gid,
        population=population,
        admin1=admin1,
        raw=tuple(fields.items()),
    )
