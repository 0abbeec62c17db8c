"""Full-GeoNames mode, the writing side: stream GeoNames' dump into the SQLite index.

`allCountries.zip` (or a country's `PL.zip`, or the `.txt` inside either) holds 12 million
tab-separated rows of GeoNames' 19 columns. They are read line by line and written in batches,
so memory stays flat whatever the file's size; the index is written beside its final place and
renamed over it only when whole, so a failed or interrupted import leaves the previous one.
Optional: `alternateNamesV2.zip` (names with their language and flags: codes, links, postcodes,
historic and colloquial names are left out) and `admin1CodesASCII.txt` (region codes).
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from geo.model import PlaceKind
from geo.names import normalize_name
from geo.places.geonames_index import INDEX_FORMAT, INDEXES, SCHEMA, GeoNamesIndexError
from geo.places.sources import VILLAGE_MAX_POPULATION, _usable_alternate

MAIN_COLUMNS = 19
ALTERNATE_COLUMNS = (8, 10)  # alternateNames (old) and alternateNamesV2
ADMIN1_COLUMNS = 4
BATCH = 10_000

_key = normalize_name.__wrapped__
"""geo.names.normalize_name without its cache: 12 million names seen once would only churn it."""

_COUNTRY_FEATURES = frozenset({"PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR"})
_GONE_FEATURES = frozenset({"PPLQ", "PPLW", "PPLCH"})
"""Abandoned, destroyed and former capitals: populated once, not now."""
_SKIPPED_LANGUAGES = frozenset(
    {"post", "iata", "icao", "faac", "tcid", "link", "wkdt", "unlc", "phon", "piny", "fr_1793"}
)
"""alternateNamesV2 "languages" that are codes, links or transcriptions, not names."""
_RANK = {"country": 0, "admin1": 1, "continent": 1}
"""The order among equally populous places of one name (all most often have no population)."""


class GeoNamesImportError(GeoNamesIndexError):
    """Input that is not GeoNames' format; the message names the file and the line."""


@dataclass(frozen=True)
class ImportSummary:
    path: Path
    places: int
    names: int
    admin1: int
    seconds: float

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def place_kind(feature_class: str, feature_code: str, population: int) -> PlaceKind:
    """GeoNames' feature class and code as the resolver's kinds. Streams, bays, areas and
    bridges are `other`, not river, sea, region or crossing: the resolver's large bonuses for
    those kinds were learned on the few major ones the supplement lists, and every creek named
    Minsk would otherwise outrank the city."""
    if feature_code.endswith("H") and feature_class in ("A", "P"):  # historical
        return "other"
    if feature_class == "A":
        if feature_code in _COUNTRY_FEATURES:
            return "country"
        if feature_code == "ADM1":
            return "admin1"
        if feature_code == "ADM2":
            return "admin2"
        return "other"
    if feature_class == "P":
        if feature_code in _GONE_FEATURES:
            return "other"
        return "city" if population >= VILLAGE_MAX_POPULATION else "village"
    if feature_class == "L" and feature_code == "CONT":
        return "continent"
    return "other"


class _Lines:
    """A GeoNames text file, plain or the `.txt` in a zip, as (line number, fields)."""

    def __init__(self, path: Path, what: str, columns: tuple[int, ...]):
        self.path, self.what, self.columns = path, what, columns
        self.name = str(path)
        self.size = 0
        self.read = 0

    @contextmanager
    def _open(self) -> Iterator[IO[bytes]]:
        if not self.path.is_file():
            raise GeoNamesImportError(f"{self.path}: no such file ({self.what})")
        if not zipfile.is_zipfile(self.path):
            self.size = self.path.stat().st_size
            with self.path.open("rb") as handle:
                yield handle
            return
        try:
            with zipfile.ZipFile(self.path) as archive:
                member = _member(archive, self.path)
                self.name = f"{self.path} ({member.filename})"
                self.size = member.file_size
                with archive.open(member) as handle:
                    yield handle
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
            raise GeoNamesImportError(f"{self.path}: a damaged zip ({error})") from error

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Fields of each line; the first wrong line stops the import, named."""
        with self._open() as handle:
            yielded = 0
            for number, raw in enumerate(handle, start=1):
                self.read += len(raw)
                try:
                    line = raw.decode("utf-8").rstrip("\r\n")
                except UnicodeDecodeError as error:
                    raise self.error(number, f"not UTF-8 ({error.reason})") from error
                if not line or line.startswith("#"):
                    continue  # admin1CodesASCII.txt and hand-cut files may have blank lines
                fields = line.split("\t")
                if len(fields) not in self.columns:
                    wanted = " or ".join(map(str, self.columns))
                    raise self.error(
                        number,
                        f"{len(fields)} tab-separated column{'s' * (len(fields) != 1)}"
                        f" where {self.what} has {wanted}"
                        + (" (is this the right file?)" if number == 1 else ""),
                    )
                yielded += 1
                yield number, fields
            if not yielded:
                raise GeoNamesImportError(f"{self.name}: empty, no {self.what} rows")

    def error(self, line: int, message: str) -> GeoNamesImportError:
        return GeoNamesImportError(f"{self.name}, line {line}: {message}")


def _member(archive: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    """The data file of a GeoNames zip: `<stem>.txt`, else its only other `.txt`."""
    texts = [m for m in archive.infolist() if m.filename.lower().endswith(".txt")]
    for member in texts:
        if Path(member.filename).stem.lower() == path.stem.lower():
            return member
    data = [
        m for m in texts if Path(m.filename).stem.lower() not in ("readme", "iso-languagecodes")
    ]
    if len(data) != 1:
        names = ", ".join(m.filename for m in archive.infolist()) or "nothing"
        raise GeoNamesImportError(
            f"{path}: expected one GeoNames .txt file in the zip, found {names}"
        )
    return data[0]


def _place_rows(
    lines: _Lines, with_alternates: bool, names: list[tuple[str, int]]
) -> Iterator[tuple[object, ...]]:
    """places rows of allCountries.txt; each row's names are appended to `names`."""
    for number, f in lines.rows():
        try:
            gid, lat, lon = int(f[0]), float(f[4]), float(f[5])
            population = int(f[14] or 0)
        except ValueError as error:
            raise lines.error(number, f"a number column is not a number ({error})") from error
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise lines.error(number, f"latitude {f[4]}, longitude {f[5]} are off the globe")
        name, country = f[1], f[8] or None
        kind = place_kind(f[6], f[7], population)
        admin1 = f[10] if f[10] and f[10] != "00" else None
        admin2 = f"{country}.{admin1}.{f[11]}" if country and admin1 and f[11] else None
        keys = {_key(name)} if f[2] == name else {_key(name), _key(f[2])}
        if with_alternates:
            keys.update(_key(a) for a in f[3].split(",") if _usable_alternate(a, name))
        names.extend((key, gid) for key in keys if key)
        rank = _RANK.get(kind, 3 if kind in ("city", "village", "admin2") else 4)
        yield (gid, name, kind, f[7], country, admin1, admin2, lat, lon, population, rank)


def _alternate_rows(lines: _Lines) -> Iterator[tuple[str, int, int]]:
    for number, f in lines.rows():
        language, name = f[2], f[3]
        if language in _SKIPPED_LANGUAGES or "1" in (f[6], f[7]):
            continue  # codes and links; colloquial or historic names
        if not _usable_alternate(name, ""):
            continue
        try:
            gid = int(f[1])
        except ValueError as error:
            raise lines.error(number, f"geonameid {f[1]!r} is not a number") from error
        key = _key(name)
        if key:
            yield key, gid, gid


def _admin1_rows(lines: _Lines) -> Iterator[tuple[str, str, str, int]]:
    for number, f in lines.rows():
        country, _, code = f[0].partition(".")
        try:
            gid = int(f[3])
        except ValueError as error:
            raise lines.error(number, f"geonameid {f[3]!r} is not a number") from error
        if not (country and code):
            raise lines.error(number, f"code {f[0]!r} is not COUNTRY.ADMIN1 (US.CA)")
        yield country.upper(), code.upper(), f[1], gid


def _batches(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


def _progress(total: int, description: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(
        total=total or None, desc=description, unit="B", unit_scale=True, disable=not enabled,
        dynamic_ncols=True, leave=True,
    )  # fmt: skip


def _load(
    db: sqlite3.Connection,
    lines: _Lines,
    sql: str,
    rows: Iterable[tuple],
    progress: bool,
    after: Callable[[], None] = lambda: None,
) -> int:
    """Writes `rows` in batches under a progress bar of the bytes read; the row count."""
    count = 0
    with _progress(0, Path(lines.path).name, progress) as bar:
        for batch in _batches(rows):
            db.executemany(sql, batch)
            after()
            count += len(batch)
            if bar.total is None and lines.size:
                bar.total = lines.size
            bar.update(lines.read - bar.n)
            bar.set_postfix_str(f"{count:,} rows", refresh=False)
    return count


def import_geonames(
    main: str | os.PathLike[str],
    target: str | os.PathLike[str],
    alternate_names: str | os.PathLike[str] | None = None,
    admin_codes: str | os.PathLike[str] | None = None,
    progress: bool = True,
) -> ImportSummary:
    """Stream the dump (and the optional files) into a new index at `target`."""
    started = time.monotonic()
    target = Path(target)
    inputs = [Path(p) for p in (main, alternate_names, admin_codes) if p is not None]
    for path in inputs:
        if not path.is_file():
            raise GeoNamesImportError(f"{path}: no such file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    try:
        summary = _write(partial, Path(main), alternate_names, admin_codes, progress)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return ImportSummary(target, *summary, seconds=time.monotonic() - started)


def _write(
    partial: Path,
    main: Path,
    alternate_names: str | os.PathLike[str] | None,
    admin_codes: str | os.PathLike[str] | None,
    progress: bool,
) -> tuple[int, int, int]:
    db = sqlite3.connect(partial, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = OFF")  # a new file renamed into place when whole
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(SCHEMA)
        db.execute("BEGIN")
        names: list[tuple[str, int]] = []

        def flush_names() -> None:
            db.executemany("INSERT INTO names VALUES (?, ?)", names)
            names.clear()

        lines = _Lines(main, "a GeoNames allCountries row", (MAIN_COLUMNS,))
        places = _load(
            db,
            lines,
            "INSERT OR REPLACE INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _place_rows(lines, alternate_names is None, names),
            progress,
            after=flush_names,
        )
        admin1 = 0
        if admin_codes is not None:
            codes = _Lines(Path(admin_codes), "an admin1CodesASCII row", (ADMIN1_COLUMNS,))
            admin1 = _load(
                db, codes, "INSERT OR REPLACE INTO admin1 VALUES (?, ?, ?, ?)",
                _admin1_rows(codes), progress,
            )  # fmt: skip
        if alternate_names is not None:
            alternates = _Lines(Path(alternate_names), "an alternateNamesV2 row", ALTERNATE_COLUMNS)
            _load(
                db,
                alternates,
                "INSERT INTO names SELECT ?, ? WHERE EXISTS "
                "(SELECT 1 FROM places WHERE geonameid = ?)",
                _alternate_rows(alternates),
                progress,
            )
        db.executescript(INDEXES)  # also commits; a name listed twice is harmless to lookups
        name_count = db.execute("SELECT count(*) FROM names").fetchone()[0]
        meta = {
            "format": str(INDEX_FORMAT),
            "import_id": uuid.uuid4().hex[:16],
            "source": str(main),
            "alternate_names": str(alternate_names or ""),
            "admin_codes": str(admin_codes or ""),
            "imported_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "places": str(places),
            "names": str(name_count),
            "admin1": str(admin1),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        return places, name_count, admin1
    except sqlite3.Error as error:
        raise GeoNamesImportError(f"{partial}: writing the index failed ({error})") from error
    finally:
        db.close()
