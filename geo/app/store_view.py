"""What the page shows, queried from the store in DuckDB (`geo.store.connect_store`): the
sidebar's options, and per filter the metrics, the map's markers, the timeline, the latest
events and a place's detail (the downloads: geo.app.store_downloads). The page never holds
the whole store in pandas: only aggregates and the rows a view shows come back.

Once per store version the live rows are written to a query database (`build_query_db`):
DuckDB's own compressed, paged table sorted latest first, so the latest events' texts sit in
a few row groups, with what every filter change would otherwise recompute (lowered excerpts,
the places, the options, the unfiltered aggregates). It is a disposable cache outside the
store; the page attaches it read-only.

One filtered selection per filter change: `select` puts the passing rows' ids and the few
columns the views aggregate in a temporary table, and every view reads that table instead of
scanning the store again. Each call takes a cursor of its own (temporary tables belong to a
cursor), so the sessions of one server can share the store's connection.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from geo.app import mapview
from geo.app.event_queries import where_clause
from geo.app.filters import (
    CHOICE_FIELDS,
    UNKNOWN_TYPE,
    Choice,
    EventFilter,
    FilterOptions,
    Metrics,
    _country_choices,
)
from geo.app.frame_index import DAY_PRECISIONS, TABLE_COLUMNS, safe_url
from geo.app.tables import precision_word
from geo.store import LIST_SEP

if TYPE_CHECKING:
    import duckdb

SEP = LIST_SEP.replace("'", "''")
TEXT_TABLE = "event_text"
PRECISIONS = ", ".join(f"'{p}'" for p in DAY_PRECISIONS)
DERIVED = "rid, event_hash, article_hash, place_hash, source_hash, day, day_exact, has_source"
"""The query database's own columns, left out of what the page shows as the store's rows."""
MEMORY_LIMIT = "768MB"
"""DuckDB's own memory (buffer pool, sorts, hash tables) for the page's connection."""
BUILD_MEMORY_LIMIT = MEMORY_LIMIT
"""While the query database is built (once per store version): the sort spills past it."""


QUERY_DB_VERSION = 5
"""Bumped when what `build_query_db` writes changes: older databases are not read."""


def query_db_path(data_dir: Path, cache_dir: Path | None = None) -> Path:
    """Where the query database of this store version lives: keyed by the store's folder and
    its manifest's stamp, so a build or an upload (a new manifest) gets a new one."""
    import hashlib
    import os
    import tempfile

    if cache_dir is None:
        cache_dir = Path(
            os.environ.get("NEWSMAP_QUERY_CACHE") or Path(tempfile.gettempdir()) / "newsmap-query"
        )
    folder = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12]
    # The files at the store's top (the manifest, replaced last by every commit), as
    # geo.app.page.store_version stamps them: readable even when the manifest is damaged.
    stamps = [
        f"{p.name}:{p.stat().st_mtime_ns}:{p.stat().st_size}"
        for p in sorted(data_dir.iterdir())
        if p.is_file()
    ]
    stamps.append(str(QUERY_DB_VERSION))
    version = hashlib.sha256("|".join(stamps).encode()).hexdigest()[:16]
    return cache_dir / f"{folder}-{version}.duckdb"


def build_query_db(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """The store's live rows as DuckDB's own compressed, paged table (`event_places`, with a
    row id `rid`), each event's excerpt lowered once (`event_text`, for the search), the
    places once with their escaped names (`place_info`), the sidebar's options and the most
    rows any event has (`store_meta`), written under a temporary name and renamed into
    place. `con` is geo.store.connect_store's, its `event_places` view over the files."""
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(path.name.split("-")[0] + "-*.duckdb"):
        old.unlink(missing_ok=True)  # this store's older versions
    staged = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
    staged.unlink(missing_ok=True)
    con.execute(f"ATTACH '{_sql_text(staged)}' AS build")
    try:
        con.execute(
            # Latest first: the rows a view shows first (the latest events, a date range's)
            # sit together, so fetching their texts reads few of the table's row groups.
            # The day, its precision and the source's presence once, not per filter change.
            # One sort: the row id the page uses is the table's rowid, the rows' order.
            "CREATE TABLE build.event_places AS SELECT *, CAST(date AS DATE) AS day,"
            " coalesce(date_precision IN (" + PRECISIONS + "), false) AS day_exact,"
            " source IS NOT NULL AS has_source FROM event_places"
            " ORDER BY date DESC NULLS LAST, event_hash, place_hash"
        )
        # Stores built before the precision code have no column for it: unknown.
        con.execute(
            "ALTER TABLE build.event_places ADD COLUMN IF NOT EXISTS place_precision INTEGER"
        )
        con.execute(
            "CREATE TABLE build.event_text AS SELECT event_hash, lower(coalesce("
            "any_value(excerpt), '')) AS text FROM build.event_places GROUP BY event_hash"
        )
        places = con.execute(
            "SELECT place_hash, any_value(place_key) AS key, coalesce(any_value(place_name),"
            " '') AS name, coalesce(any_value(place_kind), '') AS kind, any_value(place_lat)"
            " AS lat, any_value(place_lon) AS lon FROM build.event_places GROUP BY place_hash"
        ).df()
        places["name_html"] = [mapview.escape_html(n) for n in places["name"].tolist()]
        con.register("place_frame", places)
        con.execute("CREATE TABLE build.place_info AS SELECT * FROM place_frame")
        con.unregister("place_frame")
        con.execute("USE build")
        options = json.dumps(_options_json(_query_options(con)))
        con.execute(
            "CREATE TEMP VIEW sel AS SELECT event_hash, article_hash, place_hash, source_hash,"
            " has_source, date, day, day_exact, event_type FROM build.event_places"
        )
        for table, sql in AGGREGATES.items():
            con.execute(f"CREATE TABLE build.{table} AS {sql}")
        con.execute("DROP VIEW sel")
        con.execute("USE memory")
        con.execute(
            "CREATE TABLE build.store_meta AS SELECT coalesce(max(n), 1) AS max_rows,"
            " ? AS options FROM (SELECT count(*) AS n FROM build.event_places"
            " GROUP BY event_hash)",
            [options],
        )
    finally:
        con.execute("USE memory")
        con.execute("DETACH build")
    staged.replace(path)


def _sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


def open_store(data_dir: Path | str, *, cache_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A connection whose `event_places` (and `event_text`, `place_info`, `store_meta`) are
    the store's query database (`build_query_db`, built on first need per store version and
    kept under `cache_dir`, by default NEWSMAP_QUERY_CACHE or the system's temporary folder),
    attached read-only: DuckDB pages its compressed columns in and out, so the page holds
    neither the store nor its texts in memory. `event_places_files` is the view over the
    store's Parquet files."""
    from geo.store import connect_store

    data_dir = Path(data_dir)
    con = connect_store(data_dir)
    path = query_db_path(data_dir, cache_dir)
    # Sorting the store for the query database spills here rather than growing past the
    # limit; the limit also bounds the pages DuckDB keeps in memory.
    con.execute(f"SET temp_directory = '{_sql_text(path.parent / 'spill')}'")
    if not path.exists():
        con.execute(f"SET memory_limit = '{BUILD_MEMORY_LIMIT}'")
        build_query_db(con, path)
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute("ALTER VIEW event_places RENAME TO event_places_files")
    con.execute(f"ATTACH '{_sql_text(path)}' AS q (READ_ONLY)")
    con.execute("CREATE VIEW event_places AS SELECT rowid AS rid, * FROM q.event_places")
    for table in ("event_text", "place_info", "store_meta", *AGGREGATES):
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM q.{table}")
    return con


# --------------------------------------------------------------------------- options


def filter_options(con: duckdb.DuckDBPyConnection) -> FilterOptions:
    """Every value a filter can take, with how many events carry it (as
    geo.app.filters.filter_options over the whole store): counted once, when the query
    database was built."""
    cur = con.cursor()  # sessions share the connection: a cursor each
    try:
        (options,) = cur.execute("SELECT options FROM store_meta").fetchone()
    finally:
        cur.close()
    return _options_from_json(json.loads(options))


def _options_json(options: FilterOptions) -> dict[str, object]:
    def day(value: dt.date | None) -> str | None:
        return None if value is None else value.isoformat()

    out: dict[str, object] = {"date_min": day(options.date_min), "date_max": day(options.date_max)}
    for name in CHOICE_FIELDS:
        out[name] = [[c.value, c.label, c.count] for c in getattr(options, name)]
    return out


def _options_from_json(raw: dict) -> FilterOptions:
    def day(value: str | None) -> dt.date | None:
        return None if value is None else dt.date.fromisoformat(value)

    choices = {
        name: tuple(Choice(v, label, int(n)) for v, label, n in raw[name]) for name in CHOICE_FIELDS
    }
    return FilterOptions(date_min=day(raw["date_min"]), date_max=day(raw["date_max"]), **choices)


def _query_options(con: duckdb.DuckDBPyConnection) -> FilterOptions:
    """The options counted over `event_places`."""
    cur = con
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


# --------------------------------------------------------------------------- the selection


def select(cur: duckdb.DuckDBPyConnection, event_filter: EventFilter) -> None:
    """The passing rows' ids (`rid`) and the columns the views aggregate,
    as the temporary table `sel` of this cursor (a view when every row passes)."""
    where, params = where_clause(event_filter, text_table=TEXT_TABLE)
    # Every row passes the empty filter: a view, not a copy of the whole store.
    kind = "VIEW" if event_filter.is_empty else "TABLE"
    for (old,) in cur.execute(
        "SELECT 'VIEW' FROM duckdb_views() WHERE temporary AND view_name = 'sel' UNION ALL"
        " SELECT 'TABLE' FROM duckdb_tables() WHERE temporary AND table_name = 'sel'"
    ).fetchall():
        cur.execute(f"DROP {old} sel")
    cur.execute(
        f"CREATE TEMP {kind} sel AS SELECT rid, event_hash, article_hash, place_hash,"
        " source_hash, has_source, date, day, day_exact, event_type FROM event_places"
        " WHERE " + where,
        params,
    )


METRICS_SQL = (
    "SELECT count(DISTINCT event_hash) AS events, count(DISTINCT article_hash) AS articles,"
    " count(DISTINCT place_hash) AS places, count(DISTINCT source_hash) FILTER (has_source)"
    " AS sources FROM sel"
)
PER_DAY_SQL = (
    "SELECT CAST(day AS TIMESTAMP_NS) AS date, coalesce(event_type, '" + UNKNOWN_TYPE + "')"
    " AS event_type, count(DISTINCT event_hash) AS events FROM sel"
    " WHERE day IS NOT NULL AND day_exact GROUP BY ALL ORDER BY date, event_type"
)
WITHOUT_A_DAY_SQL = (
    "SELECT count(DISTINCT event_hash) AS events FROM sel WHERE day IS NOT NULL AND NOT day_exact"
)
PLACE_COUNTS_SQL = "SELECT place_hash, count(DISTINCT event_hash) AS events FROM sel GROUP BY ALL"
AGGREGATES = {
    "all_metrics": METRICS_SQL,
    "all_per_day": PER_DAY_SQL,
    "all_without_a_day": WITHOUT_A_DAY_SQL,
    "all_place_counts": PLACE_COUNTS_SQL,
}
"""Each view's aggregate over the selection; over the whole store they are computed once,
when the query database is built, and read from these tables when no filter is set."""


def _aggregate(cur, table: str, everything: bool):
    return cur.execute(f"SELECT * FROM {table}" if everything else AGGREGATES[table])


def metrics(cur: duckdb.DuckDBPyConnection, *, everything: bool = False) -> Metrics:
    """Distinct events, articles, places and sources of the selection (`everything`: the
    selection is the whole store)."""
    row = _aggregate(cur, "all_metrics", everything).fetchone()
    return Metrics(*(int(v) for v in row))


def events_per_day(
    cur: duckdb.DuckDBPyConnection, *, everything: bool = False
) -> tuple[pd.DataFrame, int]:
    """(distinct events per day and type, dated to a day only; the number of dated events
    whose date is only a week, month, season or year), as geo.app.tables'."""
    per_day = _aggregate(cur, "all_per_day", everything).df()
    per_day["events"] = per_day["events"].astype(np.int64)
    per_day["event_type"] = per_day["event_type"].astype(object)
    without = _aggregate(cur, "all_without_a_day", everything).fetchone()[0]
    return per_day, int(without)


# --------------------------------------------------------------------------- the map


def place_markers(
    cur: duckdb.DuckDBPyConnection,
    *,
    max_popup_events: int = mapview.MAX_POPUP_EVENTS,
    payload_budget: int = mapview.PAYLOAD_BUDGET,
    window: int = mapview.POPUP_EXCERPT_CHARS,
    everything: bool = False,
) -> list[mapview.PlaceMarker]:
    """One marker per place of the selection, most events first, its popup listing its
    latest events within the layer's byte budget (as mapview.place_markers)."""
    counted = "all_place_counts" if everything else f"({PLACE_COUNTS_SQL})"
    places = cur.execute(
        f"SELECT p.*, c.events FROM {counted} AS c JOIN place_info AS p USING (place_hash)"
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
        quota = mapview.popup_quota(counts, max_popup_events, payload_budget, window)
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
            " e.mention, e.mention_start, e.mention_end, e.place_name, e.place_precision"
            " FROM chosen AS c"
            " JOIN event_places AS e ON e.rid = c.rid"
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
        day = "undated" if pd.isna(date) else pd.Timestamp(date).strftime("%Y-%m-%d")
        how = precision_word(row["place_precision"])  # how near: "2021-11-08 · near"
        entries.setdefault(row["place_hash"], []).append(
            (
                f"{day} · {how}" if how else day,
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

    The rows' ids are in date order (latest first, an event's rows together), so the
    `limit` latest events are among the selection's first `limit * max_rows` rows: a top-k,
    not a grouping of every event."""
    if limit < 0:
        raise ValueError("limit must be >= 0")
    (max_rows,) = cur.execute("SELECT max_rows FROM store_meta").fetchone()
    table = cur.execute(
        "WITH top AS (SELECT rid, event_hash, date FROM sel ORDER BY rid LIMIT ?),"
        " chosen AS (SELECT event_hash, any_value(date) AS date FROM top"
        " GROUP BY event_hash ORDER BY date DESC NULLS LAST, event_hash LIMIT ?),"
        " rows AS (SELECT s.rid, s.event_hash, s.place_hash, s.date FROM sel AS s"
        " SEMI JOIN chosen USING (event_hash))"
        " SELECT r.event_hash, min(r.rid) AS first_rid, any_value(r.date) AS date,"
        " list(p.name ORDER BY r.rid) AS place_list FROM rows AS r"
        " JOIN place_info AS p USING (place_hash) GROUP BY r.event_hash"
        " ORDER BY date DESC NULLS LAST, r.event_hash",
        [int(limit) * int(max_rows), int(limit)],
    ).df()
    columns = [c for c in TABLE_COLUMNS if c not in ("place_names",)]
    # The rows' ids as literals: a filter the scan applies before reading the texts.
    wanted = ", ".join(str(int(r)) for r in table["first_rid"].tolist()) or "NULL"
    firsts = cur.execute(
        "SELECT rid, " + ", ".join(columns) + f" FROM event_places WHERE rid IN ({wanted})"
    ).df()
    out = table[["first_rid", "place_list"]].merge(
        firsts, left_on="first_rid", right_on="rid", how="left"
    )
    for column in ("source_names", "target_names", "actor_names"):
        out[column] = [", ".join(_split(v)) or None for v in out[column]]
    out["place_names"] = [
        ", ".join(dict.fromkeys(n for n in names if isinstance(n, str) and n)) or None
        for names in out["place_list"]
    ]
    out["url"] = [safe_url(u) for u in out["url"]]
    out["excerpt"] = [x if isinstance(x, str) and x else None for x in out["excerpt"]]
    return out[[c for c in TABLE_COLUMNS if c in out.columns]].reset_index(drop=True)


# --------------------------------------------------------------------------- the detail panel


def events_at_place(
    con: duckdb.DuckDBPyConnection, event_filter: EventFilter, place_key: str
) -> pd.DataFrame:
    """Every event passing the filter at one place, latest first, every stored column (its
    context texts too): only this place's rows are read."""
    where, params = where_clause(event_filter, text_table=TEXT_TABLE)
    cur = con.cursor()
    try:
        return cur.execute(
            f"SELECT * EXCLUDE ({DERIVED}) FROM event_places WHERE place_key = ? AND "
            + where
            + " ORDER BY date DESC NULLS LAST, event_hash",
            [place_key, *params],
        ).df()
    finally:
        cur.close()


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
        everything = event_filter.is_empty
        markers = tuple(place_markers(cur, everything=everything))
        per_day, without = events_per_day(cur, everything=everything)
        return FilterView(
            event_filter=event_filter,
            counts=metrics(cur, everything=everything),
            markers=markers,
            script=mapview.place_layer_script(markers),
            per_day=per_day,
            without_a_day=without,
            table=latest_events(cur, table_rows),
        )
    finally:
        cur.close()
