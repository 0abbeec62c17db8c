"""Writing the store: GeoParquet for the map and Parquet tables, streamed chunk by chunk.

Readers never see a half-written store: every output is written into a staging directory
inside data/, then renamed into place, the manifest last.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from geo.model import Event
from geo.store.article_cache import CachedArticle
from geo.store.frame import LIST_SEP, event_fields, events_to_geodataframe
from geo.store.state import (
    ACTORS_FILE,
    ARTICLES_FILE,
    CACHE_DIR,
    EVENT_PLACES_FILE,
    EVENTS_FILE,
    FORMAT_VERSION,
    MANIFEST_FILE,
    OUTPUT_FILES,
    PLACES_FILE,
    StoreError,
    output_stamps,
)

if TYPE_CHECKING:
    import pandas as pd
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
        + [(name, string) for name in ("source_ids", "source_names", "target_ids")]
        + [("target_names", string), ("cameo", string), ("trigger", string)]
        + [("trigger_start", pa.int64()), ("trigger_end", pa.int64())]
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


def remove_leftovers(data_dir: Path | str) -> int:
    """Delete what builds killed while writing (`kill -9` skips their cleanup) left in
    `data_dir`: staging directories, temporary cache entries and probes. Only for a build
    holding the data directory's lock; returns how many were found."""
    data_dir = Path(data_dir)
    found = 0
    for path in data_dir.glob(".staging-*"):
        shutil.rmtree(path, ignore_errors=True)
        found += 1
    for pattern in (f"{CACHE_DIR}/*/.*", f"{CACHE_DIR}/.probe-*"):
        for path in data_dir.glob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()
            found += 1
    return found


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
    data/ keeps its previous complete store; the system's (a full or read-only disk) is a
    StoreError naming data_dir.
    """
    data_dir = Path(data_dir)
    replaced: list[str] = []
    try:
        return _write_store(data_dir, articles, manifest, replaced)
    except OSError as error:  # a full disk, a read-only one: say where, and what is left
        left = (
            "the previous store, if any, is kept"
            if not replaced
            else f"the store is incomplete ({', '.join(replaced)} replaced): build again"
        )
        raise StoreError(
            f"cannot write the store under {data_dir} ({error.strerror or error}): free some "
            f"space or choose a writable --data-dir; {left}"
        ) from error


def _write_store(
    data_dir: Path,
    articles: Iterable[tuple[CachedArticle, str]],
    manifest: Mapping[str, object],
    replaced: list[str],
) -> StoreCounts:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

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
            # Renames keep size and mtime: a reader can tell these files from others.
            "outputs": output_stamps(staging),
        }
        (staging / MANIFEST_FILE).write_text(json.dumps(full_manifest, indent=1), "utf-8")
        for name in OUTPUT_FILES:
            os.replace(staging / name, data_dir / name)
            replaced.append(name)
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
