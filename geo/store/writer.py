"""Writing one partition of the store: a GeoParquet file for the map and a Parquet file
per table, streamed chunk by chunk into a staging folder (geo.store.commit puts it in place).
"""

from __future__ import annotations

import collections
import functools
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from geo.model import Event
from geo.store.article_cache import CachedArticle
from geo.store.frame import LIST_SEP, event_fields, events_to_geodataframe
from geo.store.partitions import (
    ACTORS_TABLE,
    ARTICLES_TABLE,
    EVENT_PLACES_TABLE,
    EVENTS_TABLE,
    PART_COLUMN,
    PLACES_TABLE,
    TABLES,
)

if TYPE_CHECKING:
    import pyarrow as pa

T = TypeVar("T")


CHUNK_EVENTS = 10_000
"""Events per Parquet row group: bounds the memory a build needs for its outputs.

Only the events of a chunk are held while writing, not the articles' analyses:
`python bench/build_scale.py` measures it: write_store of 2,000 cached articles peaked at
536 MB when it held their analyses, 271 MB now.
"""
CHUNK_ARTICLE_ROWS = 10_000
"""Rows per row group of the articles table, written as the articles stream past."""


def _place_rows(cached: CachedArticle, part: int) -> list[dict[str, object]]:
    """One row per place the article names: its mentions, events and located events there,
    and the finest precision it is named with (1 the place itself, 2 a part of or near it,
    3 only as the region; null when no mention was judged). The store's places table sums
    the counts over the live articles and keeps the finest precision."""
    article_id = cached.analysed.article.id
    rows: dict[str, dict[str, object]] = {}

    def row_of(place) -> dict[str, object]:
        row = rows.get(place.key)
        if row is None:
            row = rows[place.key] = {
                "article_id": article_id,
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
                "precision": None,
                PART_COLUMN: part,
            }
        return row

    def refine(row: dict[str, object], precision: int | None) -> None:
        if precision is not None:
            known = row["precision"]
            row["precision"] = precision if known is None else min(known, precision)  # type: ignore[call-overload]

    for resolved in cached.analysed.toponyms:
        if resolved.place is not None:
            row = row_of(resolved.place)
            row["mentions"] += 1  # type: ignore[operator]
            refine(row, resolved.precision)
    for event in cached.events:
        for ep in event.places:
            row = row_of(ep.place)
            row["events"] += 1  # type: ignore[operator]
            row["located_events"] += ep.role == "located"  # type: ignore[operator]
            refine(row, ep.precision)
    return list(rows.values())


def _actor_rows(cached: CachedArticle, part: int) -> list[dict[str, object]]:
    """One row per actor the article names, as _place_rows for places."""
    article_id = cached.analysed.article.id
    rows: dict[str, dict[str, object]] = {}

    def row_of(actor) -> dict[str, object]:
        row = rows.get(actor.id)
        if row is None:
            row = rows[actor.id] = {
                "article_id": article_id,
                "actor_id": actor.id,
                "name": actor.name,
                "type": actor.type,
                "country_code": actor.country_code,
                "mentions": 0,
                "events": 0,
                PART_COLUMN: part,
            }
        return row

    for mention in cached.analysed.actors:
        row_of(mention.actor)["mentions"] += 1  # type: ignore[operator]
    for event in cached.events:
        for actor in event.actors:
            row_of(actor)["events"] += 1  # type: ignore[operator]
    return list(rows.values())


def _article_row(
    cached: CachedArticle, content_hash: str, cache_key: str | None, part: int
) -> dict[str, object]:
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
        cache_key=cache_key,
        removed=False,
        part=part,
    )
    return row


def _tombstone_row(article_id: str, part: int) -> dict[str, object]:
    """Says an article left the corpus: it supersedes the article's rows in older parts."""
    return {"article_id": article_id, "removed": True, PART_COLUMN: part}


def _event_row(event: Event, part: int) -> dict[str, object]:
    return {
        **event_fields(event),
        "place_keys": LIST_SEP.join(ep.place.key for ep in event.places),
        "place_names": LIST_SEP.join(ep.place.name for ep in event.places),
        "place_roles": LIST_SEP.join(ep.role for ep in event.places),
        "place_precisions": LIST_SEP.join(str(ep.precision or "") for ep in event.places),
        "places": len(event.places),
        PART_COLUMN: part,
    }


_PART_FIELD = (PART_COLUMN, "int32")

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


def _articles_schema() -> pa.Schema:
    import pyarrow as pa

    counts = _ARTICLE_COLUMNS[_ARTICLE_COLUMNS.index("characters") :]
    types = {"published": pa.date32(), **{name: pa.int64() for name in counts}}
    fields = [(name, types.get(name, pa.large_string())) for name in _ARTICLE_COLUMNS]
    return pa.schema(
        [*fields, ("cache_key", pa.string()), ("removed", pa.bool_()), (PART_COLUMN, pa.int32())]
    )


def _actors_schema() -> pa.Schema:
    import pyarrow as pa

    string, count = pa.string(), pa.int64()
    names = ("article_id", "actor_id", "name", "type", "country_code")
    return pa.schema(
        [(n, string) for n in names]
        + [("mentions", count), ("events", count), (PART_COLUMN, pa.int32())]
    )


def _places_schema() -> pa.Schema:
    import pyarrow as pa

    string, count = pa.string(), pa.int64()
    return pa.schema(
        [(n, string) for n in ("article_id", "place_key", "name", "kind", "country_code")]
        + [("lat", pa.float64()), ("lon", pa.float64()), ("gazetteer", string)]
        + [("geonameid", count), ("population", count), ("admin1", string)]
        + [(n, count) for n in ("mentions", "events", "located_events")]
        + [("precision", pa.int8()), (PART_COLUMN, pa.int32())]
    )


def _events_schema() -> pa.Schema:
    import pyarrow as pa

    string = pa.string()
    lists = ("actor_ids", "actor_names", "actor_types", "actor_countries")
    return pa.schema(
        [("event_id", string), ("article_id", string), ("event_type", string)]
        + [("date", pa.date32()), ("date_precision", string)]
        + [(name, string) for name in lists]
        + [(name, string) for name in ("source_ids", "source_names", "target_ids")]
        + [("target_names", string), ("cameo", string), ("trigger", string)]
        + [("trigger_start", pa.int64()), ("trigger_end", pa.int64())]
        + [("excerpt", string), ("start", pa.int64()), ("end", pa.int64())]
        + [("context_before", string), ("context_after", string)]
        + [("source", string), ("url", string), ("published", pa.date32()), ("title", string)]
        + [("place_keys", string), ("place_names", string), ("place_roles", string)]
        + [("place_precisions", string)]
        + [("places", pa.int64()), (PART_COLUMN, pa.int32())]
    )


def _geoparquet_table(events: Sequence[Event], part: int) -> pa.Table:
    """geopandas' own GeoParquet encoding of the events' rows, with the partition column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    events_to_geodataframe(events).to_parquet(buffer, index=False)
    buffer.seek(0)
    table = pq.read_table(buffer)
    return table.append_column(PART_COLUMN, pa.array([part] * table.num_rows, pa.int32()))


@functools.lru_cache(maxsize=1)
def _event_places_schema() -> pa.Schema:
    """The same in every partition, so the folder reads as one dataset: columns that are
    all null in a chunk typed as strings (they hold strings), no bbox in the "geo" metadata
    (optional in GeoParquet; chunks do not know it)."""
    import pyarrow as pa

    schema = _geoparquet_table([], 0).schema
    metadata = dict(schema.metadata)
    geo = json.loads(metadata[b"geo"])
    for column in geo["columns"].values():
        column.pop("bbox", None)
        column["geometry_types"] = ["Point"]
    metadata[b"geo"] = json.dumps(geo).encode()
    fields = [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in schema]
    return pa.schema(fields, metadata=metadata)


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
class PartWritten:
    """What write_partition put in one partition's files."""

    articles: int
    tombstones: int
    events: int
    event_places: int


@dataclass
class PartWriters:
    """The open Parquet writers of one partition, fed chunk by chunk."""

    folder: Path
    part: int
    writers: dict[str, object] = field(default_factory=dict)

    def write(self, table: str, rows: list[dict[str, object]] | pa.Table, schema) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if table not in self.writers:
            self.writers[table] = pq.ParquetWriter(self.folder / table, schema)
        if not isinstance(rows, pa.Table):
            rows = pa.Table.from_pylist(rows, schema=schema)
        self.writers[table].write_table(rows.cast(schema))  # type: ignore[attr-defined]

    def close(self) -> None:
        """Every table gets its file, if only an empty one."""
        import pyarrow as pa

        schemas = table_schemas()
        for table in TABLES:
            if table not in self.writers:
                self.write(table, pa.Table.from_pylist([], schema=schemas[table]), schemas[table])
        for writer in self.writers.values():
            writer.close()  # type: ignore[attr-defined]


def table_schemas() -> dict[str, pa.Schema]:
    return {
        EVENT_PLACES_TABLE: _event_places_schema(),
        EVENTS_TABLE: _events_schema(),
        ARTICLES_TABLE: _articles_schema(),
        ACTORS_TABLE: _actors_schema(),
        PLACES_TABLE: _places_schema(),
    }


def write_partition(
    folder: Path,
    part: int,
    articles: Iterable[tuple[CachedArticle, str, str | None]],
    removed: Iterable[str] = (),
) -> PartWritten:
    """Write one file per table into `folder` from (analysis, content hash, cache key)
    triples, and a tombstone for each id in `removed`.

    `articles` is read once, lazily; only a chunk of events is held at a time
    (`python bench/build_scale.py` measures the memory)."""
    schemas = table_schemas()
    writers = PartWriters(folder, part)
    events: list[Event] = []
    article_rows: list[dict[str, object]] = []
    mention_rows: dict[str, list[dict[str, object]]] = {ACTORS_TABLE: [], PLACES_TABLE: []}
    totals = collections.Counter()

    def flush_events() -> None:
        if events:
            writers.write(
                EVENT_PLACES_TABLE, _geoparquet_table(events, part), schemas[EVENT_PLACES_TABLE]
            )
            writers.write(
                EVENTS_TABLE, [_event_row(e, part) for e in events], schemas[EVENTS_TABLE]
            )
            events.clear()

    def flush_articles(at_least: int) -> None:
        for table, rows in ((ARTICLES_TABLE, article_rows), *mention_rows.items()):
            if len(rows) >= at_least and rows:
                writers.write(table, rows, schemas[table])
                rows.clear()

    for cached, content_hash, cache_key in articles:
        totals["articles"] += 1
        totals["events"] += len(cached.events)
        totals["event_places"] += sum(len(e.places) for e in cached.events)
        article_rows.append(_article_row(cached, content_hash, cache_key, part))
        mention_rows[ACTORS_TABLE].extend(_actor_rows(cached, part))
        mention_rows[PLACES_TABLE].extend(_place_rows(cached, part))
        events.extend(cached.events)
        if len(events) >= CHUNK_EVENTS:
            flush_events()
        flush_articles(CHUNK_ARTICLE_ROWS)
    for article_id in removed:
        totals["tombstones"] += 1
        article_rows.append(_tombstone_row(article_id, part))
    flush_events()
    flush_articles(1)
    writers.close()
    return PartWritten(
        articles=totals["articles"],
        tombstones=totals["tombstones"],
        events=totals["events"],
        event_places=totals["event_places"],
    )
