"""The dashboard's filters and aggregations as DuckDB queries over the store's partitions
(`geo.store.connect_store`): the constraints go into the scan's WHERE clause, and only the
aggregates or the rows a view shows come back, never the whole store.

Each function takes the connection and an EventFilter and means what its namesake over the
in-memory index means (geo.app.filters, geo.app.tables): tests/test_event_queries.py holds
them to the same answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from geo.app.filters import UNKNOWN_TYPE, EventFilter, Metrics
from geo.app.frame_index import DAY_PRECISIONS
from geo.store import LIST_SEP

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

_ACTOR_COLUMNS = {"either": "actor_ids", "source": "source_ids", "target": "target_ids"}


TextClause = Callable[[str], tuple[str, list[object]]]
"""SQL (and its parameters) for the rows whose event's excerpt contains a search text."""


def where_clause(
    event_filter: EventFilter,
    *,
    text_clause: TextClause | None = None,
    day_column: str = "CAST(date AS DATE)",
) -> tuple[str, list[object]]:
    """SQL (after WHERE) and its parameters for the rows of event_places that pass.

    `text_clause` searches some index of the excerpts (geo.app.store_view's words) instead
    of lowering every row's excerpt per query; `day_column` is a column holding the date's
    day, if the table has one. The days are literals (dt.date's ISO form): a constant the
    scan compares with each row group's range, so a date range reads only its own."""
    if not isinstance(event_filter, EventFilter):
        raise TypeError(f"expected EventFilter, got {type(event_filter).__name__}")
    f = event_filter
    parts: list[str] = []
    params: list[object] = []
    for day, op in ((f.date_from, ">="), (f.date_to, "<=")):
        if day is not None:
            if not isinstance(day, dt.date):
                raise TypeError(f"expected a date, got {type(day).__name__}")
            iso = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
            parts.append(f"{day_column} IS NOT NULL AND {day_column} {op} DATE '{iso}'")
    for column, wanted in (
        ("source", f.sources),
        ("place_country", f.place_countries),
        ("event_type", f.event_types),
    ):
        if wanted:
            parts.append(f"{column} IN ({', '.join('?' for _ in wanted)})")
            params.extend(wanted)
    for column, wanted in (
        (_ACTOR_COLUMNS[f.actor_role], f.actors),
        ("actor_countries", f.actor_countries),
    ):
        if wanted:
            parts.append(f"coalesce(list_has_any(string_split({column}, '{LIST_SEP}'), ?), false)")
            params.append(list(wanted))
    if f.place_role == "located":
        parts.append("role = 'located'")
    text = f.text.strip()
    if text and text_clause is not None:
        sql, text_params = text_clause(text)
        parts.append(sql)
        params.extend(text_params)
    elif text:
        parts.append("contains(lower(coalesce(excerpt, '')), lower(?))")
        params.append(text)
    return (" AND ".join(f"({p})" for p in parts) or "true"), params


def _query(con: duckdb.DuckDBPyConnection, sql: str, event_filter: EventFilter):
    where, params = where_clause(event_filter)
    return con.execute(sql.replace("{where}", where), params)


def query_metrics(con: duckdb.DuckDBPyConnection, event_filter: EventFilter) -> Metrics:
    """Headline counts: distinct events, articles, places and sources that pass."""
    row = _query(
        con,
        "SELECT count(DISTINCT event_hash), count(DISTINCT article_hash),"
        " count(DISTINCT place_hash), count(DISTINCT source_hash) FILTER (source IS NOT NULL)"
        " FROM event_places WHERE {where}",
        event_filter,
    ).fetchone()
    return Metrics(*(int(v) for v in row))


def query_place_counts(con: duckdb.DuckDBPyConnection, event_filter: EventFilter) -> pd.DataFrame:
    """One row per place with its distinct events that pass: the map's markers, aggregated
    in the engine (30,000 places come back as 30,000 rows, whatever the events)."""
    return _query(
        con,
        "SELECT place_key, any_value(place_name) AS place_name, any_value(place_kind) AS"
        " place_kind, any_value(place_country) AS place_country, any_value(place_lat) AS lat,"
        " any_value(place_lon) AS lon, count(DISTINCT event_hash) AS events"
        " FROM event_places WHERE {where} GROUP BY place_key ORDER BY events DESC, place_key",
        event_filter,
    ).df()


def query_events_per_day(con: duckdb.DuckDBPyConnection, event_filter: EventFilter) -> pd.DataFrame:
    """Distinct events per day and type, only those dated to a day (as events_per_day)."""
    precisions = ", ".join(f"'{p}'" for p in DAY_PRECISIONS)
    return _query(
        con,
        "SELECT CAST(date AS DATE) AS date, coalesce(event_type, '" + UNKNOWN_TYPE + "')"
        " AS event_type, count(DISTINCT event_hash) AS events FROM event_places"
        " WHERE {where} AND date IS NOT NULL AND date_precision IN (" + precisions + ")"
        " GROUP BY ALL ORDER BY date, event_type",
        event_filter,
    ).df()


def query_latest_events(
    con: duckdb.DuckDBPyConnection, event_filter: EventFilter, limit: int
) -> pd.DataFrame:
    """The `limit` latest events that pass (undated last), one row each, with the places
    among their passing rows: what the events table shows.

    The top rows first (a heap over the scan, not a grouping of every event): an event has
    at most `max_rows` rows, so the `limit` latest events are among the latest
    `limit * max_rows` rows."""
    where, params = where_clause(event_filter)
    max_rows = con.execute(
        "SELECT coalesce(max(n), 1) FROM (SELECT count(*) AS n FROM event_places"
        " GROUP BY event_hash ORDER BY n DESC LIMIT 1)"
    ).fetchone()[0]
    return con.execute(
        f"WITH top AS (SELECT event_hash FROM event_places WHERE {where}"
        " ORDER BY date DESC NULLS LAST, event_id LIMIT ?),"
        " chosen AS (SELECT DISTINCT event_hash FROM top)"
        " SELECT event_id, any_value(date) AS date, any_value(event_type) AS event_type,"
        " any_value(source_names) AS source_names, any_value(target_names) AS target_names,"
        " any_value(actor_names) AS actor_names, any_value(source) AS source,"
        f" string_agg(DISTINCT place_name, '{LIST_SEP}') AS place_names,"
        " any_value(excerpt) AS excerpt, any_value(title) AS title, any_value(url) AS url"
        f" FROM event_places SEMI JOIN chosen USING (event_hash) WHERE {where}"
        " GROUP BY event_id ORDER BY date DESC NULLS LAST, event_id LIMIT ?",
        [*params, int(limit) * int(max_rows), *params, int(limit)],
    ).df()
