"""The store as DuckDB relations: queries over the partition files, filters pushed down into
the Parquet scans, so a view materialises only the rows it needs, never the whole store.

`event_places` is the map's table with the superseded rows left out (each article's newest
partition only, no tombstoned article), `events` the flat events table the same way. DuckDB
runs embedded, in this process: no service.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from geo.store.partitions import (
    ARTICLES_TABLE,
    EVENT_PLACES_TABLE,
    EVENTS_TABLE,
    PART_COLUMN,
    has_superseded_rows,
)
from geo.store.reader import store_partitions
from geo.store.state import StoreError

if TYPE_CHECKING:
    import duckdb


def _file_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def connect_store(
    data_dir: Path | str, *, threads: int | None = None, in_memory: bool = False
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the views `event_places` (the point as its
    `place_lat`, `place_lon` columns, the WKB geometry left out) and `events` over the store's
    live rows, with 64-bit hashes of the event, article, place and source keys: distinct
    counts over integers cost a fraction of those over strings (two of a million keys share
    a hash with odds of about 1 in 30 million). The views read the files at query time;
    `in_memory` copies event_places (without the context texts, which a view fetches for the
    rows it shows) into DuckDB's memory once instead. A new build needs a new connection.
    Partitions written before a column was added (`place_precision`) read it as null
    (`union_by_name`)."""
    try:
        import duckdb
    except ImportError as error:  # pinned in pyproject.toml; this is a broken install
        raise StoreError("DuckDB is missing: `python -m pip install -e .`") from error
    data_dir = Path(data_dir)
    partitions = store_partitions(data_dir)
    if partitions is None:
        raise StoreError(
            f"{data_dir} holds a store of the flat format: run `python -m geo build` once to"
            " migrate it to partitions"
        )
    con = duckdb.connect(":memory:")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    files = {
        table: _file_list([p.path(data_dir, table) for p in partitions])
        for table in (EVENT_PLACES_TABLE, EVENTS_TABLE, ARTICLES_TABLE)
    }
    live = ""
    if has_superseded_rows(partitions):
        con.execute(
            f"""CREATE TEMP TABLE live AS
            SELECT article_id, {PART_COLUMN} FROM (
                SELECT article_id, {PART_COLUMN}, removed,
                       row_number() OVER (PARTITION BY article_id ORDER BY {PART_COLUMN} DESC) AS n
                FROM read_parquet({files[ARTICLES_TABLE]})
            ) WHERE n = 1 AND NOT coalesce(removed, false)"""
        )
        live = f" SEMI JOIN live USING (article_id, {PART_COLUMN})"
    # In memory: DuckDB's own compressed columns (not pandas), read once per store version,
    # so a filter change scans memory instead of decoding Parquet pages again.
    kind = "TABLE" if in_memory else "VIEW"
    context = " , context_before, context_after" if in_memory else ""
    con.execute(
        f"""CREATE {kind} event_places AS
        SELECT e.* EXCLUDE (geometry{context}),
               hash(event_id) AS event_hash, hash(article_id) AS article_hash,
               hash(place_key) AS place_hash, hash(source) AS source_hash
        FROM read_parquet({files[EVENT_PLACES_TABLE]}, union_by_name = true) AS e{live}"""
    )
    con.execute(
        f"CREATE VIEW events AS SELECT * FROM read_parquet({files[EVENTS_TABLE]},"
        f" union_by_name = true) AS e{live}"
    )
    return con
