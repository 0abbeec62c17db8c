"""The store's partitions: each table is a folder of Parquet files, one per build that added
or changed articles, and the manifest lists the committed ones.

A build appends a partition holding only the articles it added or changed (and a tombstone
row for each article gone from the corpus); older partitions are never rewritten. Of the rows
an article has, the one in the newest partition wins; `geo compact` drops the others.
Readers take the partition list from the manifest, so a partition whose files were renamed
into place before its build was killed stays invisible, and the next build deletes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

EVENT_PLACES_TABLE = "events.geoparquet"
EVENTS_TABLE = "events.parquet"
ARTICLES_TABLE = "articles.parquet"
ACTORS_TABLE = "actors.parquet"
PLACES_TABLE = "places.parquet"
TABLES = (EVENT_PLACES_TABLE, EVENTS_TABLE, ARTICLES_TABLE, ACTORS_TABLE, PLACES_TABLE)
"""Folders of the store, in the order a commit renames their new files into place."""

PART_COLUMN = "part"
"""Every row names its partition: an article's rows in older ones are superseded."""


def part_name(part: int) -> str:
    return f"part-{part:06d}.parquet"


@dataclass(frozen=True)
class Partition:
    """One committed partition, as its manifest entry describes it."""

    part: int
    rows: int
    """Article rows, tombstones included."""
    live: int
    """Article rows that are each article's newest and not a tombstone."""
    tombstones: int
    files: Mapping[str, Mapping[str, object]]
    """Table -> size, mtime_ns and sha256 of its file."""

    def path(self, data_dir: Path | str, table: str) -> Path:
        return Path(data_dir) / table / part_name(self.part)

    def to_manifest(self) -> dict[str, object]:
        return {
            "part": self.part,
            "rows": self.rows,
            "live": self.live,
            "tombstones": self.tombstones,
            "files": {t: dict(s) for t, s in self.files.items()},
        }

    @classmethod
    def from_manifest(cls, entry: Mapping[str, object]) -> Partition:
        return cls(
            part=int(entry["part"]),  # type: ignore[arg-type]
            rows=int(entry["rows"]),  # type: ignore[arg-type]
            live=int(entry["live"]),  # type: ignore[arg-type]
            tombstones=int(entry["tombstones"]),  # type: ignore[arg-type]
            files=dict(entry["files"]),  # type: ignore[arg-type]
        )


def manifest_partitions(manifest: Mapping[str, object] | None) -> tuple[Partition, ...]:
    """The committed partitions, oldest first; () for a store of the flat format (2)."""
    if not manifest:
        return ()
    entries = manifest.get("partitions")
    if not isinstance(entries, list):
        return ()
    return tuple(sorted((Partition.from_manifest(e) for e in entries), key=lambda p: p.part))


def has_superseded_rows(partitions: Iterable[Partition]) -> bool:
    """Whether some row is not its article's newest: readers must then pick the live ones."""
    return any(p.live != p.rows for p in partitions)


def orphan_files(data_dir: Path | str, partitions: Iterable[Partition]) -> list[Path]:
    """Partition files no manifest lists: left by a build killed between its renames, or
    by one killed before deleting the partitions it superseded."""
    listed = {part_name(p.part) for p in partitions}
    found = []
    for table in TABLES:
        folder = Path(data_dir) / table
        if folder.is_dir():
            found.extend(f for f in folder.glob("part-*.parquet") if f.name not in listed)
    return sorted(found)


def live_rows(articles: pa.Table) -> pa.Table:
    """(article_id, part) of the articles whose newest row is no tombstone.

    `articles` has the columns article_id, part and removed, one row per article per
    partition it was written to."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if articles.num_rows == 0:
        return pa.table(
            {"article_id": pa.array([], pa.string()), PART_COLUMN: pa.array([], pa.int32())}
        )
    newest = articles.group_by("article_id").aggregate([(PART_COLUMN, "max")])
    newest = newest.rename_columns(["article_id", PART_COLUMN])
    joined = newest.join(
        articles.select(["article_id", PART_COLUMN, "removed"]), ["article_id", PART_COLUMN]
    )
    kept = joined.filter(pc.invert(pc.fill_null(joined["removed"], False)))
    return kept.select(["article_id", PART_COLUMN])


def row_keys(table: pa.Table) -> pa.Array:
    """article_id and part of each row joined by a NUL: with live_rows', what filters any
    table to its live rows (article ids are strings in some tables, large ones in others)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(
        table["article_id"].cast(pa.string()), pc.cast(table[PART_COLUMN], pa.string()), "\0"
    )
