"""What the page shows, queried from the store in DuckDB (`geo.store.connect_store`): the
sidebar's options, and per filter the metrics, the map's markers, the timeline, the latest
events and a place's detail; the downloads stream from a query. The page never holds the
whole store in pandas: only aggregates and the rows a view shows come back.

One filtered selection per filter change: `select` puts the passing rows' ids and the few
columns the views aggregate in a temporary table, and every view reads that table instead of
scanning the store again. Each call takes a cursor of its own (temporary tables belong to a
cursor), so the sessions of one server can share the store's connection.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from geo.app import mapview
from geo.app.event_queries import where_clause
from geo.app.filters import (
    UNKNOWN_TYPE,
    Choice,
    EventFilter,
    FilterOptions,
    Metrics,
    _country_choices,
)
from geo.app.frame_index import DAY_PRECISIONS, TABLE_COLUMNS, safe_url
from geo.app.tables import defuse_formulas
from geo.store import LIST_SEP

if TYPE_CHECKING:
    import duckdb

SEP = LIST_SEP.replace("'", "''")
DOWNLOAD_BATCH_ROWS = 50_000
TEXT_TABLE = "event_text"


ROW_COLUMNS = (
    "event_id",
    "event_type",
    "date",
    "date_precision",
    "actor_ids",
    "actor_names",
    "actor_countries",
    "source_ids",
    "source_names",
    "target_ids",
    "target_names",
    "excerpt",
    "start",
    "mention",
    "mention_start",
    "mention_end",
    "source",
    "url",
    "title",
    "place_key",
    "place_name",
    "place_country",
    "role",
    "event_hash",
    "article_hash",
    "place_hash",
    "source_hash",
)
"""The columns of the store's rows kept in memory: what the filters, the aggregates, the
popups and the events table read. The rest (context, offsets of the trigger, gazetteer
ids …) stay in the files, read for the rows a place's panel or a download shows."""


def open_store(data_dir: Path | str) -> duckdb.DuckDBPyConnection:
    """The store's live rows in DuckDB's memory as `event_places` (ROW_COLUMNS only; the
    full rows stay the view `event_places_files` over the files), each event's excerpt
    lowered once (`event_text`, for the search), the places once (`place_info`), and the
    most rows any event has (`store_meta`, which the events table needs). One per store
    version."""
    from geo.store import connect_store

    con = connect_store(data_dir)
    con.execute("ALTER VIEW event_places RENAME TO event_places_files")
    present = {r[0] for r in con.execute("DESCRIBE event_places_files").fetchall()}
    columns = ", ".join(c if c in present else f"NULL::VARCHAR AS {c}" for c in ROW_COLUMNS)
    con.execute(f"CREATE TABLE event_places AS SELECT {columns} FROM event_places_files")
    con.execute(
        "CREATE TABLE event_text AS SELECT event_hash, lower(coalesce(any_value(excerpt), ''))"
        " AS text FROM event_places GROUP BY event_hash"
    )
    con.execute(
        "CREATE TABLE store_meta AS SELECT coalesce(max(n), 1) AS max_rows FROM"
        " (SELECT count(*) AS n FROM event_places GROUP BY event_hash)"
    )
    # The places once, their names escaped once for the tooltips: a filter change then
    # formats only the counts.
    places = con.execute(
        "SELECT place_hash, any_value(place_key) AS key, coalesce(any_value(place_name), '')"
        " AS name, coalesce(any_value(place_kind), '') AS kind, any_value(place_lat) AS lat,"
        " any_value(place_lon) AS lon FROM event_places_files GROUP BY place_hash"
    ).df()
    places["name_html"] = [mapview.escape_html(n) for n in places["name"].tolist()]
    con.register("place_frame", places)
    con.execute("CREATE TABLE place_info AS SELECT * FROM place_frame")
    con.unregister("place_frame")
    return con


# --------------------------------------------------------------------------- options


def filter_options(con: duckdb.DuckDBPyConnection) -> FilterOptions:
    """Every value a filter can take, with how many events carry it (as
    geo.app.filters.filter_options over the whole store)."""
    cur = con.cursor()
    try:
        low, high = cur.execute(
            "SELECT min(CAST(date AS DATE)), max(CAST(date AS DATE)) FROM event_places"
        ).fetchone()
        # Distinct (event, value) pairs counted per value: no grouping of the events' texts.
        actors = cur.execute(
            "WITH pairs AS (SELECT event_hash, unnest(string_split(actor_ids, '" + SEP + "'))"
            " AS id, unnest(string_split(actor_names, '" + SEP + "')) AS name"
            " FROM event_places WHERE actor_ids <> '')"
            " SELECT id, coalesce(min(name), id) AS name, count(DISTINCT event_hash) AS n"
            " FROM pairs WHERE id <> '' GROUP BY id"
        ).fetchall()
        actors.sort(key=lambda t: (-t[2], t[1]))
        countries = cur.execute(
            "SELECT c, count(DISTINCT event_hash) FROM (SELECT event_hash,"
            " unnest(string_split(actor_countries, '" + SEP + "')) AS c"
            " FROM event_places WHERE actor_countries <> '') WHERE c <> '' GROUP BY c"
        ).fetchall()
        place_countries = cur.execute(
            "SELECT place_country, count(DISTINCT event_hash) FROM event_places"
            " WHERE place_country IS NOT NULL GROUP BY place_country"
        ).fetchall()

        def counted(column: str) -> tuple[Choice, ...]:
            rows = cur.execute(
                f"SELECT {column}, count(DISTINCT event_hash) AS n FROM event_places"
                f" WHERE {column} IS NOT NULL GROUP BY {column} ORDER BY n DESC, {column}"
            ).fetchall()
            return tuple(Choice(str(v), f"{v} ({n})", int(n)) for v, n in rows)

        return FilterOptions(
            date_min=low,
            date_max=high,
            actors=tuple(Choice(str(i), f"{name} ({n})", int(n)) for i, name, n in actors),
            actor_countries=_country_choices({str(c): int(n) for c, n in countries}),
            sources=counted("source"),
            place_countries=_country_choices({str(c): int(n) for c, n in place_countries}),
            event_types=counted("event_type"),
        )
    finally:
        cur.close()


# --------------------------------------------------------------------------- the selection


def select(cur: duckdb.DuckDBPyConnection, event_filter: EventFilter) -> None:
    """The passing rows' ids (`rid`, event_places' rowid) and the columns the views aggregate,
    as the temporary table `sel` of this cursor (a view when every row passes)."""
    where, params = where_clause(event_filter, text_table=TEXT_TABLE)
    precisions = ", ".join(f"'{p}'" for p in DAY_PRECISIONS)
    # Every row passes the empty filter: a view, not a copy of the whole store.
    kind = "VIEW" if event_filter.is_empty else "TABLE"
    for (old,) in cur.execute(
        "SELECT 'VIEW' FROM duckdb_views() WHERE temporary AND view_name = 'sel' UNION ALL"
        " SELECT 'TABLE' FROM duckdb_tables() WHERE temporary AND table_name = 'sel'"
    ).fetchall():
        cur.execute(f"DROP {old} sel")
    cur.execute(
        f"CREATE TEMP {kind} sel AS SELECT rowid AS rid, event_hash, article_hash,"
        " place_hash, source_hash, source IS NOT NULL AS has_source, date,"
        " CAST(date AS DATE) AS day, coalesce(date_precision IN (" + precisions + "), false)"
        " AS day_exact, event_type FROM event_places WHERE " + where,
        params,
    )


def metrics(cur: duckdb.DuckDBPyConnection) -> Metrics:
    """Distinct events, articles, places and sources of the selection."""
    row = cur.execute(
        "SELECT count(DISTINCT event_hash), count(DISTINCT article_hash),"
        " count(DISTINCT place_hash), count(DISTINCT source_hash) FILTER (has_source) FROM sel"
    ).fetchone()
    return Metrics(*(int(v) for v in row))


def events_per_day(cur: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, int]:
    """(distinct events per day and type, dated to a day only; the number of dated events
    whose date is only a week, month, season or year), as geo.app.tables'."""
    per_day = cur.execute(
        "SELECT CAST(day AS TIMESTAMP_NS) AS date, coalesce(event_type, '" + UNKNOWN_TYPE + "')"
        " AS event_type, count(DISTINCT event_hash) AS events FROM sel"
        " WHERE day IS NOT NULL AND day_exact GROUP BY ALL ORDER BY date, event_type"
    ).df()
    per_day["events"] = per_day["events"].astype(np.int64)
    per_day["event_type"] = per_day["event_type"].astype(object)
    without = cur.execute(
        "SELECT count(DISTINCT event_hash) FROM sel WHERE day IS NOT NULL AND NOT day_exact"
    ).fetchone()[0]
    return per_day, int(without)


# --------------------------------------------------------------------------- the map


def place_markers(
    cur: duckdb.DuckDBPyConnection,
    *,
    max_popup_events: int = mapview.MAX_POPUP_EVENTS,
    payload_budget: int = mapview.PAYLOAD_BUDGET,
    window: int = mapview.POPUP_EXCERPT_CHARS,
) -> list[mapview.PlaceMarker]:
    """One marker per place of the selection, most events first, its popup listing its
    latest events within the layer's byte budget (as mapview.place_markers)."""
    places = cur.execute(
        "SELECT p.*, c.events FROM (SELECT place_hash, count(DISTINCT event_hash) AS events"
        " FROM sel GROUP BY place_hash) AS c JOIN place_info AS p USING (place_hash)"
        " ORDER BY c.events DESC, p.name, p.key"
    ).df()
    if places.empty:
        return []
    counts = places["events"].to_numpy(dtype=np.int64)
    per_place = payload_budget // max(1, len(counts))
    window = max(
        60,
        min(window, per_place - mapview.PLACE_OVERHEAD_BYTES - mapview.ENTRY_OVERHEAD_BYTES),
    )
    markers: list[mapview.PlaceMarker] = []
    for _ in range(4):
        quota = mapview._popup_quota(counts, max_popup_events, payload_budget, window)
        markers = _markers(cur, places, quota, window)
        size = mapview.layer_payload_bytes(markers)
        if size <= payload_budget or window <= 60:
            return markers
        window = max(60, int(window * payload_budget / size * 0.9))
    return markers


def _popup_rows(cur, places: pd.DataFrame, quota: np.ndarray) -> pd.DataFrame:
    """Each place's `quota` latest rows of the selection, with their popup texts."""
    cur.register("quota", pd.DataFrame({"place_hash": places["place_hash"], "quota": quota}))
    try:
        return cur.execute(
            "WITH chosen AS (SELECT s.rid, s.place_hash FROM sel AS s JOIN quota USING"
            " (place_hash) WHERE quota > 0 QUALIFY row_number() OVER (PARTITION BY"
            " s.place_hash ORDER BY s.date DESC NULLS LAST, s.event_hash) <= any_value(quota)"
            " OVER (PARTITION BY s.place_hash))"
            " SELECT c.place_hash, e.date, e.source, e.actor_names, e.excerpt, e.start,"
            " e.mention, e.mention_start, e.mention_end, e.place_name FROM chosen AS c"
            " JOIN event_places AS e ON e.rowid = c.rid"
            " ORDER BY c.place_hash, e.date DESC NULLS LAST, e.event_hash"
        ).df()
    finally:
        cur.unregister("quota")


def _markers(cur, places: pd.DataFrame, quota: np.ndarray, window: int):
    rows = _popup_rows(cur, places, quota) if quota.any() else pd.DataFrame()
    entries: dict[int, list[mapview.PopupEntry]] = {}
    for row in rows.to_dict("records"):
        before, mention, after = mapview.excerpt_parts(row, window)
        date = row["date"]
        entries.setdefault(row["place_hash"], []).append(
            (
                "undated" if pd.isna(date) else pd.Timestamp(date).strftime("%Y-%m-%d"),
                "" if row["source"] is None else str(row["source"]),
                ", ".join(_split(row["actor_names"])),
                before,
                mention,
                after,
            )
        )
    counts = places["events"].to_numpy(dtype=np.int64)
    sizes = mapview.marker_sizes(counts, int(counts.max()))
    return [
        mapview.PlaceMarker(
            key=key,
            name=name,
            kind=kind,
            lat=lat,
            lon=lon,
            events=n,
            size=size,
            tooltip=f"{name_html} · {n} {'event' if n == 1 else 'events'}",
            entries=tuple(entries.get(h, ())),
        )
        for h, key, name, kind, lat, lon, name_html, n, size in zip(
            places["place_hash"].tolist(),
            places["key"].tolist(),
            places["name"].tolist(),
            places["kind"].tolist(),
            places["lat"].tolist(),
            places["lon"].tolist(),
            places["name_html"].tolist(),
            counts.tolist(),
            sizes.tolist(),
            strict=True,
        )
    ]


def _split(value: object) -> list[str]:
    return [p for p in value.split(LIST_SEP) if p] if isinstance(value, str) else []


# --------------------------------------------------------------------------- the events table


def latest_events(cur: duckdb.DuckDBPyConnection, limit: int) -> pd.DataFrame:
    """The `limit` latest events of the selection (undated last), one row each, with its
    places among the passing rows: the events table's columns (links http(s) only).

    The selection's rows in date order hold each event's rows together (same date, same
    hash), so the `limit` latest events are among its first `limit * max_rows` rows: a
    top-k, not a grouping of every event."""
    if limit < 0:
        raise ValueError("limit must be >= 0")
    (max_rows,) = cur.execute("SELECT max_rows FROM store_meta").fetchone()
    table = cur.execute(
        "WITH top AS (SELECT rid, event_hash, date FROM sel ORDER BY date DESC NULLS LAST,"
        " event_hash LIMIT ?), chosen AS (SELECT event_hash, any_value(date) AS date FROM top"
        " GROUP BY event_hash ORDER BY date DESC NULLS LAST, event_hash LIMIT ?),"
        " rows AS (SELECT s.rid, s.event_hash FROM sel AS s SEMI JOIN chosen USING (event_hash))"
        " SELECT r.event_hash, min(r.rid) AS first_rid, any_value(e.date) AS date,"
        " list(e.place_name ORDER BY r.rid) AS place_list FROM rows AS r"
        " JOIN event_places AS e ON e.rowid = r.rid GROUP BY r.event_hash"
        " ORDER BY date DESC NULLS LAST, r.event_hash",
        [int(limit) * int(max_rows), int(limit)],
    ).df()
    columns = [c for c in TABLE_COLUMNS if c not in ("place_names",)]
    firsts = cur.execute(
        "SELECT rowid AS rid, " + ", ".join(columns) + " FROM event_places"
        " WHERE rowid IN (SELECT unnest(?))",
        [table["first_rid"].tolist()],
    ).df()
    out = table[["first_rid", "place_list"]].merge(
        firsts, left_on="first_rid", right_on="rid", how="left"
    )
    for column in ("source_names", "target_names", "actor_names"):
        out[column] = [", ".join(_split(v)) or None for v in out[column]]
    out["place_names"] = [
        ", ".join(dict.fromkeys(n for n in names if isinstance(n, str))) or None
        for names in out["place_list"]
    ]
    out["url"] = [safe_url(u) for u in out["url"]]
    out["excerpt"] = [x if isinstance(x, str) and x else None for x in out["excerpt"]]
    return out[[c for c in TABLE_COLUMNS if c in out.columns]].reset_index(drop=True)


# --------------------------------------------------------------------------- the detail panel


def events_at_place(
    con: duckdb.DuckDBPyConnection, event_filter: EventFilter, place_key: str
) -> pd.DataFrame:
    """Every event passing the filter at one place, latest first, every stored column and
    its context texts: read from the store's files, for this place's rows only."""
    where, params = where_clause(event_filter, text_table=TEXT_TABLE)
    cur = con.cursor()
    try:
        return cur.execute(
            "SELECT * EXCLUDE (event_hash, article_hash, place_hash, source_hash)"
            " FROM event_places_files WHERE place_key = ? AND "
            + where
            + " ORDER BY date DESC NULLS LAST, event_hash",
            [place_key, *params],
        ).df()
    finally:
        cur.close()


# --------------------------------------------------------------------------- downloads


def _download_batches(
    con: duckdb.DuckDBPyConnection, event_filter: EventFilter
) -> Iterator[pd.DataFrame]:
    """The passing rows (one per event × place, every stored column), a batch at a time."""
    where, params = where_clause(event_filter, text_table=TEXT_TABLE)
    cur = con.cursor()
    try:
        cur.execute(
            "SELECT * EXCLUDE (place_lat, place_lon, event_hash, article_hash, place_hash,"
            " source_hash), place_lat AS lat, place_lon AS lon"
            " FROM event_places_files WHERE " + where + " ORDER BY date DESC NULLS LAST,"
            " event_id, place_key",
            params,
        )
        reader = cur.to_arrow_reader(DOWNLOAD_BATCH_ROWS)
        empty = True
        for batch in reader:
            empty = False
            yield batch.to_pandas()
        if empty:  # the columns still: a CSV of no rows keeps its header
            yield reader.schema.empty_table().to_pandas()
    finally:
        cur.close()


def csv_bytes(con: duckdb.DuckDBPyConnection, event_filter: EventFilter) -> bytes:
    """The passing rows as CSV (lat/lon columns, spreadsheet formulas defused), written a
    batch at a time from the query."""
    buffer = io.StringIO()
    header = True
    for frame in _download_batches(con, event_filter):
        for column in frame.columns:
            frame[column] = defuse_formulas(frame[column])
        # RFC 4180's CRLF, as geo.app.tables.to_csv_bytes.
        frame.to_csv(buffer, index=False, lineterminator="\r\n", header=header)
        header = False
    return buffer.getvalue().encode("utf-8")


def _json_value(value: object) -> object:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def geojson_bytes(con: duckdb.DuckDBPyConnection, event_filter: EventFilter) -> bytes:
    """The passing rows as a GeoJSON FeatureCollection of points (dates as ISO days),
    written a batch at a time from the query."""
    out = io.StringIO()
    out.write('{"type": "FeatureCollection", "features": [')
    first = True
    for frame in _download_batches(con, event_filter):
        for row in frame.to_dict("records"):
            lat, lon = row.pop("lat"), row.pop("lon")
            feature = {
                "type": "Feature",
                "properties": {k: _json_value(v) for k, v in row.items()},
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
            out.write(("" if first else ", ") + json.dumps(feature, ensure_ascii=False))
            first = False
    out.write("]}")
    return out.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- one filter


class FilterView(NamedTuple):
    """Everything the page shows for one filter, computed once and shared read-only."""

    event_filter: EventFilter
    counts: Metrics
    markers: tuple[mapview.PlaceMarker, ...]
    script: str
    per_day: pd.DataFrame
    without_a_day: int
    table: pd.DataFrame


def filter_view(
    con: duckdb.DuckDBPyConnection, event_filter: EventFilter, table_rows: int
) -> FilterView:
    """The metrics, markers, timeline and latest events of one filter, from one selection."""
    cur = con.cursor()
    try:
        select(cur, event_filter)
        markers = tuple(place_markers(cur))
        per_day, without = events_per_day(cur)
        return FilterView(
            event_filter=event_filter,
            counts=metrics(cur),
            markers=markers,
            script=mapview.place_layer_script(markers),
            per_day=per_day,
            without_a_day=without,
            table=latest_events(cur, table_rows),
        )
    finally:
        cur.close()
