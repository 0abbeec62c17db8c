"""Putting partitions in place: a build appends one, `geo compact` merges them.

A partition is written into a staging folder inside data/, its files renamed into the table
folders, then the manifest that lists it replaces the old one: readers see the store before
or after, never between. Partitions that no longer hold a live row are deleted after the
manifest no longer lists them. A store of the flat format (one file per table) is migrated
the same way: the build writes every article into a first partition, and the flat files go
once the new manifest is in place.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from geo.store.article_cache import ArticleCache, CachedArticle
from geo.store.partitions import (
    ACTORS_TABLE,
    ARTICLES_TABLE,
    EVENTS_TABLE,
    PART_COLUMN,
    PLACES_TABLE,
    TABLES,
    Partition,
    has_superseded_rows,
    live_rows,
    manifest_partitions,
    orphan_files,
    part_name,
    row_keys,
)
from geo.store.reader import live_row_keys, read_columns
from geo.store.state import (
    CACHE_DIR,
    FORMAT_VERSION,
    MANIFEST_FILE,
    StoreCorruptError,
    StoreError,
    file_stamp,
    read_manifest,
    write_atomically,
)
from geo.store.writer import PartWriters, PartWritten, table_schemas, write_partition

COMPACT_ARTICLES = 50_000
"""Articles per partition `geo compact` writes; partitions this full and with no superseded
row are left as they are."""


@dataclass(frozen=True)
class StoreCounts:
    articles: int
    events: int
    event_places: int
    places: int
    actors: int


@dataclass(frozen=True)
class LiveArticle:
    """What the store holds of one article: the analysis it was written from, and where."""

    cache_key: str | None
    part: int


def live_articles(data_dir: Path | str) -> dict[str, LiveArticle]:
    """Article id -> its live row, from the articles tables alone; {} for a store of the flat
    format or none (a build then writes every article)."""
    import pyarrow.compute as pc

    data_dir = Path(data_dir)
    partitions = manifest_partitions(read_manifest(data_dir))
    if not partitions:
        return {}
    columns = ["article_id", PART_COLUMN, "removed", "cache_key"]
    table = read_columns(data_dir, partitions, ARTICLES_TABLE, columns)
    live = row_keys(live_rows(table.select(["article_id", PART_COLUMN, "removed"])))
    keys = table.filter(pc.is_in(row_keys(table), value_set=live))
    return {
        a: LiveArticle(k, p)
        for a, p, k in zip(
            keys["article_id"].to_pylist(),
            keys[PART_COLUMN].to_pylist(),
            keys["cache_key"].to_pylist(),
            strict=True,
        )
    }


def update_store(
    data_dir: Path | str,
    articles: Iterable[tuple[CachedArticle, str, str | None]],
    removed: Iterable[str],
    manifest: Mapping[str, object],
    *,
    superseded: Mapping[int, int] | None = None,
    replace_all: bool = False,
) -> StoreCounts:
    """Append a partition holding `articles` (analysis, content hash, cache key: the ones
    added or changed since the store was written) and a tombstone for each id in `removed`,
    then write `manifest` (with the partitions, counts and stamps added).

    `superseded` is partition -> how many of its live rows these articles and removals
    supersede; `replace_all` drops every older partition (a full rebuild, a migration). On
    any error data/ keeps its previous store; the system's (a full or read-only disk) is a
    StoreError naming data_dir.
    """
    data_dir = Path(data_dir)
    try:
        return _update_store(data_dir, articles, removed, manifest, superseded, replace_all)
    except OSError as error:  # a full disk, a read-only one: say where, and what is left
        raise StoreError(
            f"cannot write the store under {data_dir} ({error.strerror or error}): free some "
            "space or choose a writable --data-dir; the previous store is kept"
        ) from error


def append_changes(
    data_dir: Path | str,
    articles: Mapping[str, tuple[str, str]],
    cache: ArticleCache,
    *,
    replace_all: bool,
    manifest: Mapping[str, object],
) -> StoreCounts:
    """Make the store hold `articles` (id -> cache key, content hash, each analysis in
    `cache`): append only those added or changed since it was written, and a tombstone for
    each one gone, so adding k articles writes O(k) rows. `replace_all` (a forced build, a
    damaged store or one of an older format) writes every article into a new store."""
    live = {} if replace_all else live_articles(data_dir)
    changed = [
        (i, key, content_hash)
        for i, (key, content_hash) in articles.items()
        if i not in live or live[i].cache_key != key
    ]
    removed = sorted(live.keys() - articles.keys())
    superseded = collections.Counter(live[i].part for i, _, _ in changed if i in live)
    superseded.update(live[i].part for i in removed)
    return update_store(
        data_dir,
        ((cache.get(key), content_hash, key) for _, key, content_hash in changed),
        removed,
        manifest,
        superseded=superseded,
        replace_all=replace_all,
    )


def write_store(
    data_dir: Path | str,
    articles: Iterable[tuple[CachedArticle, str]],
    manifest: Mapping[str, object],
) -> StoreCounts:
    """A store holding exactly `articles` (analysis, content hash), whatever was there."""
    triples = ((cached, content_hash, None) for cached, content_hash in articles)
    return update_store(data_dir, triples, (), manifest, replace_all=True)


def _update_store(
    data_dir: Path,
    articles: Iterable[tuple[CachedArticle, str, str | None]],
    removed: Iterable[str],
    manifest: Mapping[str, object],
    superseded: Mapping[int, int] | None,
    replace_all: bool,
) -> StoreCounts:
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        previous = read_manifest(data_dir) or {}
    except StoreCorruptError:
        if not replace_all:
            raise
        previous = {}  # rewritten whole: what the damaged manifest listed goes
    old = manifest_partitions(previous)
    part = _next_part(data_dir, old)
    kept: list[Partition] = []
    dropped: list[Partition] = list(old) if replace_all else []
    if not replace_all:
        for partition in old:
            live = partition.live - (superseded or {}).get(partition.part, 0)
            if live <= 0 and not partition.tombstones:
                dropped.append(partition)
            else:
                kept.append(_with_live(partition, live))
    if not kept:
        removed = ()  # no older row is left for a tombstone to hide
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=data_dir))
    try:
        written = write_partition(staging, part, articles, removed)
        new = _staged_partition(staging, part, written)
        # A build that changed nothing adds no partition; a store has at least one.
        partitions = kept if written == PartWritten(0, 0, 0, 0) and kept else [*kept, new]
        _commit(data_dir, staging, new if new in partitions else None, partitions, manifest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _delete_partitions(data_dir, dropped)
    if replace_all:  # and what a damaged manifest listed, or killed builds left
        for path in orphan_files(data_dir, partitions):
            path.unlink(missing_ok=True)
    if replace_all or previous.get("format") != FORMAT_VERSION:
        _delete_flat_tables(data_dir)
    return read_counts(data_dir)


def _next_part(data_dir: Path, partitions: Iterable[Partition]) -> int:
    """A number no partition has, listed or left on disk by a killed build."""
    numbers = [p.part for p in partitions]
    for table in TABLES:
        folder = data_dir / table
        if folder.is_dir():
            numbers += [
                int(f.stem[5:]) for f in folder.glob("part-*.parquet") if f.stem[5:].isdigit()
            ]
    return max(numbers, default=0) + 1


def _with_live(partition: Partition, live: int) -> Partition:
    return Partition(partition.part, partition.rows, live, partition.tombstones, partition.files)


def _staged_partition(staging: Path, part: int, written: PartWritten) -> Partition:
    return Partition(
        part=part,
        rows=written.articles + written.tombstones,
        live=written.articles,
        tombstones=written.tombstones,
        # Renames keep size and mtime: a reader can tell these files from others.
        files={table: file_stamp(staging / table) for table in TABLES},
    )


def _commit(
    data_dir: Path,
    staging: Path,
    new: Partition | None,
    partitions: list[Partition],
    manifest: Mapping[str, object],
) -> None:
    """The new partition's files into their folders, then the manifest listing it."""
    if new is not None:
        for table in TABLES:
            folder = data_dir / table
            if folder.is_file():  # the flat format's file: moved aside, deleted after
                os.replace(folder, data_dir / f".flat-{table}")
            folder.mkdir(exist_ok=True)
            os.replace(staging / table, folder / part_name(new.part))
    counts = _count(data_dir, partitions)
    full_manifest = {
        **manifest,
        "format": FORMAT_VERSION,
        "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "counts": counts.__dict__,
        "partitions": [p.to_manifest() for p in partitions],
    }
    text = json.dumps(full_manifest, indent=1).encode()
    write_atomically(data_dir / MANIFEST_FILE, lambda f: f.write(text))


def _count(data_dir: Path, partitions: list[Partition]) -> StoreCounts:
    """The live store's counts, from a few columns of its partitions."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def table(name: str, columns: list[str]) -> pa.Table:
        return read_columns(data_dir, partitions, name, columns)

    if not partitions:
        return StoreCounts(0, 0, 0, 0, 0)
    live = live_row_keys(data_dir, partitions) if has_superseded_rows(partitions) else None

    def only_live(rows: pa.Table) -> pa.Table:
        if live is None:
            return rows
        return rows.filter(pc.is_in(row_keys(rows), value_set=live))

    events = only_live(table(EVENTS_TABLE, ["article_id", PART_COLUMN, "places"]))
    places = only_live(table(PLACES_TABLE, ["article_id", PART_COLUMN, "place_key"]))
    actors = only_live(table(ACTORS_TABLE, ["article_id", PART_COLUMN, "actor_id"]))
    return StoreCounts(
        articles=sum(p.live for p in partitions),
        events=events.num_rows,
        event_places=int(pc.sum(events["places"]).as_py() or 0),
        places=len(pc.unique(places["place_key"])),
        actors=len(pc.unique(actors["actor_id"])),
    )


def read_counts(data_dir: Path | str) -> StoreCounts:
    """The counts the manifest's build recorded (0 for a store without any)."""
    manifest = read_manifest(data_dir) or {}
    counts: Mapping[str, int] = manifest.get("counts") or {}  # type: ignore[assignment]
    fields = StoreCounts.__dataclass_fields__
    return StoreCounts(**{k: int(counts.get(k, 0)) for k in fields})  # type: ignore[arg-type]


def _delete_partitions(data_dir: Path, partitions: Iterable[Partition]) -> None:
    """After the manifest stopped listing them: a kill here leaves orphans, which the next
    build deletes (remove_leftovers)."""
    for partition in partitions:
        for table in TABLES:
            with contextlib.suppress(FileNotFoundError):
                partition.path(data_dir, table).unlink()


def _delete_flat_tables(data_dir: Path) -> None:
    for table in TABLES:
        for path in (data_dir / f".flat-{table}", data_dir / table):
            if path.is_file():
                path.unlink()


def remove_leftovers(data_dir: Path | str) -> int:
    """Delete what builds killed while writing (`kill -9` skips their cleanup) left in
    `data_dir`: staging directories, partitions no manifest lists, temporary cache entries
    and probes. Only for a build holding the data directory's lock; returns how many."""
    data_dir = Path(data_dir)
    found = 0
    for path in data_dir.glob(".staging-*"):
        shutil.rmtree(path, ignore_errors=True)
        found += 1
    try:
        listed = manifest_partitions(read_manifest(data_dir))
    except StoreError:
        listed = None  # which partitions are whose is unknown: delete none
    leftovers = list(_cache_leftovers(data_dir))
    if listed is not None:  # with no manifest, no partition file was committed
        leftovers += orphan_files(data_dir, listed)
    for path in leftovers:
        with contextlib.suppress(OSError):
            path.unlink()
        found += 1
    return found


def _cache_leftovers(data_dir: Path) -> Iterator[Path]:
    for pattern in (f"{CACHE_DIR}/*/.*", f"{CACHE_DIR}/.probe-*", f".{MANIFEST_FILE}.*"):
        yield from data_dir.glob(pattern)


def compact_store(data_dir: Path | str) -> tuple[int, int]:
    """Merge partitions and drop superseded rows and tombstones: the live rows of every
    partition not already full and clean, rewritten into as few partitions as they fill.
    Returns (partitions before, after). Holds one input file in memory at a time."""
    data_dir = Path(data_dir)
    manifest = read_manifest(data_dir)
    old = manifest_partitions(manifest)
    if manifest is None or manifest.get("format") != FORMAT_VERSION:
        raise StoreError(
            f"{data_dir} holds no partitioned store to compact: run `python -m geo build` first"
        )
    superseded = has_superseded_rows(old) or any(p.tombstones for p in old)
    keep = [] if superseded else [p for p in old if p.live >= COMPACT_ARTICLES]
    merge = [p for p in old if p not in keep]
    if len(merge) <= 1 and not superseded:
        return len(old), len(old)
    base = {k: v for k, v in manifest.items() if k not in ("partitions", "counts")}
    try:
        after = _compact(data_dir, merge, keep, base)
    except OSError as error:
        raise StoreError(
            f"cannot compact the store under {data_dir} ({error.strerror or error}): free "
            "some space; the store is unchanged"
        ) from error
    return len(old), after


def _compact(
    data_dir: Path, merge: list[Partition], keep: list[Partition], manifest: Mapping[str, object]
) -> int:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    live = live_row_keys(data_dir, [*keep, *merge])
    next_part = max(p.part for p in (*merge, *keep)) + 1
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=data_dir))
    new: list[Partition] = []
    schemas = table_schemas()
    try:
        out: PartWriters | None = None
        articles = 0

        def close() -> None:
            nonlocal out, articles
            if out is None:
                return
            out.close()
            new.append(_staged_partition(out.folder, out.part, PartWritten(articles, 0, 0, 0)))
            out, articles = None, 0

        for partition in merge:
            if out is None:
                folder = staging / str(next_part)
                folder.mkdir()
                out, next_part = PartWriters(folder, next_part), next_part + 1
            for table in TABLES:
                rows = pq.read_table(partition.path(data_dir, table))
                rows = rows.filter(pc.is_in(row_keys(rows), value_set=live))
                index = rows.schema.get_field_index(PART_COLUMN)
                rows = rows.set_column(
                    index, PART_COLUMN, pa.array([out.part] * rows.num_rows, pa.int32())
                )
                out.write(table, rows, schemas[table])
                if table == ARTICLES_TABLE:
                    articles += rows.num_rows
            if articles >= COMPACT_ARTICLES:
                close()
        close()
        for partition in new:
            for table in TABLES:
                folder = staging / str(partition.part)
                os.replace(folder / table, partition.path(data_dir, table))
        partitions = sorted([*keep, *new], key=lambda p: p.part)
        _commit(data_dir, staging, None, partitions, manifest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _delete_partitions(data_dir, merge)
    return len(partitions)
