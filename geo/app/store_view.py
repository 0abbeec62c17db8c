"""What the page shows, queried from the store's query database in DuckDB
(geo.store.query_db, written by `geo build` after each commit): the sidebar's options, and
per filter the metrics, the map's markers, the timeline, the latest events and a place's
detail (the downloads: geo.app.store_downloads). The page never holds the whole store in
pandas: only aggregates and the rows a view shows come back.

One filtered selection per filter change: `select` puts the passing rows' ids and the few
columns the views aggregate in a temporary table, and every view reads that table instead of
scanning the store again. Each call takes a cursor of its own (temporary tables belong to a
cursor), so the sessions of one server can share the store's connection. The markers stay
columns (geo.app.place_columns.PlaceColumns): the map's script is written from them, a
PlaceMarker is made only for a place the page asks for. The database's places, type and
source codes are read once per process (place_columns.lookups): a selection holds 32-bit
codes (query database format 9), and a rerun fetches (place code, events) pairs only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from geo.app import mapview
from geo.app.event_queries import where_clause
from geo.app.filters import (
    CHOICE_FIELDS,
    Choice,
    EventFilter,
    FilterOptions,
    Metrics,
    _country_choices,
)
from geo.app.frame_index import TABLE_COLUMNS, row_texts, safe_url
from geo.app.place_columns import Lookups, PlaceColumns, lookups
from geo.store import LIST_SEP, query_db

if TYPE_CHECKING:
    import duckdb

DERIVED = (
    "rid, event_hash, article_hash, place_hash, source_hash, ev, lead_row, lead_located, day,"
    " day_exact, has_source, article_code, source_code, type_code, place_code"
)
"""The query database's own columns, left out of what the page shows as the store's rows."""
DETAIL_ROWS = 200
"""Events a place's panel renders (the latest); the downloads hold every one."""
_checked_url = functools.lru_cache(maxsize=1 << 16)(safe_url)
"""safe_url once per URL and process: the latest events of one filter are mostly the
latest of the one before."""


def open_store(data_dir: Path | str, *, cache_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A connection whose `event_places` (and the other tables of geo.store.query_db) are
    the store's query database, attached read-only: DuckDB pages its compressed columns in
    and out, so the page holds neither the store nor its texts in memory. `geo build` writes
    the database after its commit; a store written otherwise gets it here, once per version
    (kept under `cache_dir`, by default NEWSMAP_QUERY_CACHE or the system's temporary
    folder). `event_places_files` is the view over the store's Parquet files."""
    from geo.store import connect_store

    data_dir = Path(data_dir)
    path = query_db.ensure_query_db(data_dir, cache_dir)
    con = connect_store(data_dir)
    con.execute(f"SET temp_directory = '{query_db.sql_text(path.parent / 'spill')}'")
    con.execute(f"SET memory_limit = '{query_db.MEMORY_LIMIT}'")
    # Every query that returns rows in an order says so (ORDER BY): the selections are
    # written in parallel, in no order (a third less time than keeping the scan's).
    con.execute("SET preserve_insertion_order = false")
    con.execute("ALTER VIEW event_places RENAME TO event_places_files")
    con.execute(f"ATTACH '{query_db.sql_text(path)}' AS q (READ_ONLY)")
    con.execute("CREATE VIEW event_places AS SELECT rowid AS rid, * FROM q.event_places")
    for table in (*query_db.TABLES[1:], *query_db.AGGREGATES):  # event_places: above
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


def _options_from_json(raw: dict) -> FilterOptions:
    """geo.store.query_db's counts as the sidebar's choices, with their labels."""

    def day(value: str | None) -> dt.date | None:
        return None if value is None else dt.date.fromisoformat(value)

    def counted(name: str) -> tuple[Choice, ...]:
        return tuple(Choice(v, f"{v} ({n})", int(n)) for v, n in raw[name])

    actors = sorted(raw["actors"], key=lambda t: (-t[2], t[1]))
    choices = {
        "actors": tuple(Choice(i, f"{name} ({n})", int(n)) for i, name, n in actors),
        "actor_countries": _country_choices({c: int(n) for c, n in raw["actor_countries"]}),
        "sources": counted("sources"),
        "place_countries": _country_choices({c: int(n) for c, n in raw["place_countries"]}),
        "event_types": counted("event_types"),
    }
    if set(choices) != set(CHOICE_FIELDS):
        raise ValueError(f"the query database's options lack {set(CHOICE_FIELDS) - set(choices)}")
    return FilterOptions(date_min=day(raw["date_min"]), date_max=day(raw["date_max"]), **choices)


# --------------------------------------------------------------------------- the selection


def store_where(
    cur: duckdb.DuckDBPyConnection, event_filter: EventFilter, found: Lookups | None = None
) -> tuple[str, list]:
    """The filter as SQL over the query database's `event_places`: days from its `day`
    column, the text searched through its words (`word_search`), event types and sources
    as their codes (integers compared, not strings; a value the store lacks matches
    nothing, as in an IN list of names)."""
    codes = (found or lookups(cur)).codes
    uncoded = dataclasses.replace(event_filter, event_types=(), sources=())
    text_clause = word_search(cur, codes.events)
    where, params = where_clause(uncoded, text_clause=text_clause, day_column="day")
    coded = []
    for column, wanted, known in (
        ("type_code", event_filter.event_types, codes.types),
        ("source_code", event_filter.sources, codes.sources),
    ):
        if wanted:
            values = sorted({known[v] for v in wanted if v in known})
            coded.append(f"({column} IN ({', '.join(map(str, values))}))" if values else "false")
    if coded:
        where = " AND ".join([*coded, *([where] if where != "true" else [])])
    return where, params


def word_search(cur: duckdb.DuckDBPyConnection, events: int):
    """The text search (case-insensitive, a substring of the excerpt, as the index's) through
    the words (`search_sql`). The events found go in a temporary table of the cursor first,
    as one bitstring of `events` bits (bit `ev` set when that event is found): the
    selection tests each row's bit instead of probing a hash table of the hits (at 1M
    events, a search finding 600,000 of them: half the selection's time)."""

    def clause(text: str) -> tuple[str, list[object]]:
        lowered, pieces = cur.execute(
            "SELECT lower(?), list_filter(regexp_split_to_array(lower(?), ?), lambda w: w <> '')",
            [text, text, query_db.WORD_SPLIT],
        ).fetchall()[0]
        sql, params = search_sql(lowered, pieces)
        cur.execute(
            "CREATE OR REPLACE TEMP TABLE text_hits AS SELECT bitstring_agg(ev, 0,"
            f" {max(events, 1) - 1}) AS hits FROM ({sql})",
            params,
        )
        return "get_bit((SELECT hits FROM text_hits), ev) = 1", []

    return clause


def search_sql(lowered: str, pieces: list[str]) -> tuple[str, list[object]]:
    """The events whose excerpt contains `lowered`, split into `pieces` at WORD_SPLIT: those
    holding a word that contains it when it is one piece; else those holding a word that
    contains each piece, among them those whose lowered excerpt contains it."""
    # An event holds a word once; one holding two of the words found is listed twice,
    # which the selection's IN ignores: no DISTINCT (a hash of every hit) here.
    word = (
        "SELECT ev FROM postings WHERE word_id IN"
        " (SELECT word_id FROM vocab WHERE contains(word, ?))"
    )
    if pieces == [lowered]:
        return word, [lowered]
    text = "SELECT ev FROM event_text WHERE contains(text, ?)"
    if not pieces:
        return text, [lowered]
    candidates = " INTERSECT ".join(f"({word})" for _ in pieces)
    return f"{text} AND ev IN ({candidates})", [lowered, *pieces]


class Selection(NamedTuple):
    """A cursor holding the temporary table (or view) `sel` of one filter's rows."""

    cur: duckdb.DuckDBPyConnection
    everything: bool
    """Every row passes: the aggregates are read from the query database's all_* tables."""
    lead: str | None
    """The column marking one passing row per passing event (`lead_column`), if any."""
    found: Lookups
    """The query database's places and codes (read once per process)."""


def select(cur: duckdb.DuckDBPyConnection, event_filter: EventFilter) -> Selection:
    """The passing rows' ids (`rid`) and the columns the views aggregate, as the temporary
    table `sel` of this cursor (a view when every row passes)."""
    found = lookups(cur)
    where, params = store_where(cur, event_filter, found)
    # Every row passes the empty filter: a view, not a copy of the whole store.
    kind = "VIEW" if event_filter.is_empty else "TABLE"
    for (old,) in cur.execute(
        "SELECT 'VIEW' FROM duckdb_views() WHERE temporary AND view_name = 'sel' UNION ALL"
        " SELECT 'TABLE' FROM duckdb_tables() WHERE temporary AND table_name = 'sel'"
    ).fetchall():
        cur.execute(f"DROP {old} sel")
    lead = lead_column(event_filter)
    columns = query_db.SELECTED + (f", {lead}" if lead else "")
    cur.execute(
        f"CREATE TEMP {kind} sel AS SELECT {columns} FROM event_places WHERE " + where, params
    )
    return Selection(cur, event_filter.is_empty, lead, found)


def lead_column(event_filter: EventFilter) -> str | None:
    """The query database's column marking one row of each event that the filter's
    selection keeps, when there is one: `lead_row` for a filter on whole events (no
    constraint on the rows' places), `lead_located` for one on them and the located role;
    None (a distinct count) for a filter on the places' countries."""
    if event_filter.place_countries:
        return None
    return "lead_located" if event_filter.place_role == "located" else "lead_row"


def metrics(selection: Selection, places: int) -> Metrics:
    """Distinct events, articles and sources of the selection; `places`, its distinct
    places, is the length of its place counts."""
    cur = selection.cur
    if selection.everything:
        row = cur.execute("SELECT events, articles, sources FROM all_metrics").fetchone()
    else:
        articles = selection.found.codes.articles
        row = cur.execute(query_db.metrics_sql(selection.lead, articles)).fetchone()
    events, articles, sources = (int(v) for v in row)
    return Metrics(events, articles, places, sources)


def events_per_day(selection: Selection) -> tuple[pd.DataFrame, int]:
    """(distinct events per day and type, dated to a day only; the number of dated events
    whose date is only a week, month, season or year), as geo.app.tables'."""
    cur, lead = selection.cur, selection.lead
    if selection.everything:
        per_day = cur.execute("SELECT * FROM all_per_day ORDER BY date, event_type").df()
        (without,) = cur.execute("SELECT * FROM all_without_a_day").fetchone()
    else:
        per_day = cur.execute(query_db.per_day_sql(lead)).df()
        (without,) = cur.execute(query_db.without_a_day_sql(lead)).fetchone()
    per_day["events"] = per_day["events"].astype(np.int64)
    per_day["event_type"] = per_day["event_type"].astype(object)
    return per_day, int(without)


# --------------------------------------------------------------------------- the map


def place_markers(
    selection: Selection,
    *,
    max_popup_events: int = mapview.MAX_POPUP_EVENTS,
    payload_budget: int = mapview.PAYLOAD_BUDGET,
    window: int = mapview.POPUP_EXCERPT_CHARS,
) -> PlaceColumns:
    """One marker per place of the selection, most events first, its popup listing its
    latest events within the layer's byte budget (as mapview.place_markers)."""
    cur = selection.cur
    table = selection.found.places
    counted = "all_place_counts" if selection.everything else f"({query_db.PLACE_COUNTS_SQL})"
    places = cur.execute(f"SELECT place_code, events FROM {counted}").fetchnumpy()
    codes = np.asarray(places["place_code"], dtype=np.int64)
    counts = np.asarray(places["events"], dtype=np.int64)
    # Most events first, then by name and key: the code is the rank by name and key.
    order = np.lexsort((codes, -counts))
    codes, counts = codes[order], counts[order]
    columns = PlaceColumns.of_places(table, codes, counts, entries={})
    if not len(counts):
        return columns
    per_place = payload_budget // max(1, len(counts))
    window = max(
        60,
        min(window, per_place - mapview.PLACE_OVERHEAD_BYTES - mapview.ENTRY_OVERHEAD_BYTES),
    )
    for _ in range(4):
        quota = mapview.popup_quota(counts, max_popup_events, payload_budget, window)
        columns = _with_entries(columns, _popup_entries(cur, codes, quota, window))
        size = columns.payload_bytes()
        if size <= payload_budget or window <= 60:
            return columns
        window = max(60, int(window * payload_budget / size * 0.9))
    return columns


def _with_entries(columns: PlaceColumns, entries: dict[int, tuple]) -> PlaceColumns:
    return PlaceColumns(**{**columns.__dict__, "entries": entries})


def _popup_entries(
    cur, codes: np.ndarray, quota: np.ndarray, window: int
) -> dict[int, tuple[mapview.PopupEntry, ...]]:
    """Each place's `quota` latest rows of the selection as popup entries, by position:
    the lowest row ids per place (the rows are latest first), a top-n per group rather
    than a sort of the selection, then only those rows' texts, read from the row groups
    between the first and the last of them (literal bounds the scan skips by)."""
    wanted = np.flatnonzero(quota > 0)
    if not len(wanted):
        return {}
    position = pd.DataFrame(
        {"place_code": codes[wanted], "position": wanted, "quota": quota[wanted]}
    )
    cur.register("quota", position)
    try:
        chosen = cur.execute(
            "WITH top AS (SELECT s.place_code, min(s.rid, ?) AS rids FROM sel AS s"
            " SEMI JOIN quota USING (place_code) GROUP BY s.place_code)"
            " SELECT q.position, unnest(t.rids[1:q.quota]) AS rid FROM top AS t"
            " JOIN quota AS q USING (place_code)",
            [int(quota.max())],
        ).df()
    finally:
        cur.unregister("quota")
    low, high = int(chosen["rid"].min()), int(chosen["rid"].max())
    cur.register("chosen", chosen)
    try:
        rows = cur.execute(
            "SELECT c.position, e.date, e.source, e.actor_names, e.excerpt, e.start, e.mention,"
            " e.mention_start, e.mention_end, e.place_name, e.place_precision"
            f" FROM event_places AS e JOIN chosen AS c USING (rid) WHERE e.rid BETWEEN {low}"
            f" AND {high} ORDER BY c.position, e.rid"
        ).df()
    finally:
        cur.unregister("chosen")
    # The index path's cut, from the fetched rows' texts: numpy arithmetic, three slices each.
    entries = mapview.popup_entries(
        row_texts(rows),
        np.arange(len(rows)),
        rows["position"].to_numpy(dtype=np.int64),
        rows["place_precision"].to_numpy(),
        window,
    )
    return {int(i): tuple(e) for i, e in entries.items()}


# --------------------------------------------------------------------------- the events table


def latest_events(selection: Selection, limit: int) -> pd.DataFrame:
    """The `limit` latest events of the selection (undated last), one row each, with its
    places among the passing rows: the events table's columns (links http(s) only).

    The rows' ids are in date order (latest first, an event's rows together), so the
    `limit` latest events are among the selection's first `limit * max_rows` rows: a top-k,
    not a grouping of every event."""
    if limit < 0:
        raise ValueError("limit must be >= 0")
    cur = selection.cur
    found = selection.found
    chosen = cur.execute(
        "WITH top AS (SELECT rid, ev, place_code FROM sel ORDER BY rid LIMIT ?),"
        " chosen AS (SELECT DISTINCT ev FROM top ORDER BY ev LIMIT ?),"
        # Each chosen event's rows are all among the top ones: the first `limit` events
        # have at most `limit * max_rows` rows, and the rows are in events' order.
        " rows AS (SELECT t.rid, t.ev, t.place_code FROM top AS t SEMI JOIN chosen USING (ev))"
        " SELECT ev, min(rid) AS first_rid, list(place_code ORDER BY rid) AS place_codes"
        " FROM rows GROUP BY ev ORDER BY ev",
        [int(limit) * found.codes.max_rows, int(limit)],
    ).fetchall()
    firsts_ids = [int(first) for _, first, _ in chosen]
    # The rows' ids as literals, with their bounds: filters the scan applies before reading
    # the texts, the bounds skipping every row group and vector outside them. The lists
    # of names are joined in the query (their non-empty parts, by ", ").
    wanted = ", ".join(map(str, firsts_ids)) or "NULL"
    bounds = f" AND rid BETWEEN {min(firsts_ids)} AND {max(firsts_ids)}" if firsts_ids else ""
    shown = [
        f"nullif(array_to_string(list_filter(string_split({c}, '{LIST_SEP}'), lambda p: p <> ''),"
        f" ', '), '') AS {c}"
        if c in ("source_names", "target_names", "actor_names")
        else "nullif(excerpt, '') AS excerpt"
        if c == "excerpt"
        else c
        for c in TABLE_COLUMNS
        if c != "place_names"
    ]
    firsts = cur.execute(
        "SELECT rid, " + ", ".join(shown) + f" FROM event_places WHERE rid IN ({wanted})" + bounds
    ).df()
    # In the chosen events' order (the scan's own is none).
    out = firsts.take(pd.Index(firsts["rid"]).get_indexer(firsts_ids)).reset_index(drop=True)
    names = found.places.names
    out["place_names"] = [
        ", ".join(dict.fromkeys(n for n in names[np.asarray(codes, dtype=np.int64)] if n)) or None
        for _, _, codes in chosen
    ]
    out["url"] = [_checked_url(u) if isinstance(u, str) else None for u in out["url"]]
    for column in ("source_names", "target_names", "actor_names", "excerpt"):
        out[column] = out[column].tolist()  # the dtype of a list of texts, as pandas infers it
    return out[[c for c in TABLE_COLUMNS if c in out.columns]].reset_index(drop=True)


# --------------------------------------------------------------------------- the detail panel


class PlaceDetail(NamedTuple):
    """The latest events passing a filter at one place, and how many pass there in all."""

    events: pd.DataFrame
    total: int


def place_detail(
    con: duckdb.DuckDBPyConnection,
    event_filter: EventFilter,
    place_key: str,
    limit: int | None = DETAIL_ROWS,
) -> PlaceDetail:
    """The `limit` latest events passing the filter at one place (all when None), every
    stored column (the context texts too), and how many pass there: the panel renders a
    page of them, not the 87,000 of the busiest place of a million events."""
    if limit is not None and limit < 1:
        raise ValueError("limit must be >= 1")
    cur = con.cursor()
    try:
        where, params = store_where(cur, event_filter)
        # The place's rows by the hash first (an integer compare), its key to be sure.
        at_place = (
            " FROM event_places WHERE place_hash = hash(CAST(? AS VARCHAR)) AND place_key = ?"
            " AND " + where
        )
        params = [place_key, place_key, *params]
        (total,) = cur.execute("SELECT count(*)" + at_place, params).fetchall()[0]
        # A top-n by row id: the texts are read for the rows shown only.
        frame = cur.execute(
            f"SELECT * EXCLUDE ({DERIVED})"
            + at_place
            + " ORDER BY rid"
            + ("" if limit is None else f" LIMIT {int(limit)}"),
            params,
        ).df()
    finally:
        cur.close()
    return PlaceDetail(frame, int(total))


def events_at_place(
    con: duckdb.DuckDBPyConnection, event_filter: EventFilter, place_key: str
) -> pd.DataFrame:
    """Every event passing the filter at one place, latest first, every stored column."""
    return place_detail(con, event_filter, place_key, limit=None).events


# --------------------------------------------------------------------------- one filter


class FilterView(NamedTuple):
    """Everything the page shows for one filter, computed once and shared read-only."""

    event_filter: EventFilter
    counts: Metrics
    markers: PlaceColumns
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
        selection = select(cur, event_filter)
        markers = place_markers(selection)
        per_day, without = events_per_day(selection)
        return FilterView(
            event_filter=event_filter,
            counts=metrics(selection, len(markers)),
            markers=markers,
            script=mapview.json_layer_script(markers.payload_json()),
            per_day=per_day,
            without_a_day=without,
            table=latest_events(selection, table_rows),
        )
    finally:
        cur.close()
