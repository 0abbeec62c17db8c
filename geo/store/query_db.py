"""The store's query database: a disposable DuckDB file the dashboard queries instead of the
partitions (geo.app.store_view reads it). Built once per store version, by `geo build` (and
the page's rebuild after an upload) right after the commit, so the page's first view finds
it; the page builds it only for a store written some other way.

What it holds, each computed once instead of per filter change:
- `event_places`: the live rows, DuckDB's compressed, paged columns, sorted latest first
  (`ev`, the event's rank by date, then the place), so a view's latest rows sit in a few row
  groups and a date range reads only its own; `lead_row` marks one row per event (and
  `lead_located` one of its located rows), so distinct events under a filter on events only
  (or on them and the located role) are a count of lead rows, not a hash of every row;
- `event_text`: each event's excerpt lowered; `vocab` and `postings`: its words
  (runs of letters and digits) and which events hold them, for the text search. Splitting
  the excerpts into words was half the build: an excerpt whose lowered text the store's
  previous query database holds takes its words from there (`_reused_words`), so after an
  append only the new and changed excerpts are split;
- dense 32-bit codes (format 9): `article_code`, `source_code` (NULL without a source),
  `type_code` (NULL without a type) and `place_code` (the place's rank by name and key,
  from 0): a selection copies these instead of 64-bit hashes and strings, the metrics
  count articles as bits (`bitstring_agg`) and the views group by small integers;
- `place_info`: each place once, with its code; `type_info`, `source_info`: the codes;
  `store_meta`: the sidebar's options, the most rows an event has, the number of
  articles and of events (the lengths of the bitstrings the metrics and the search
  make); `all_*`: the unfiltered aggregates.
Written under a temporary name and renamed into place; the store itself is only read.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geo.store.frame import LIST_SEP

if TYPE_CHECKING:
    import duckdb

QUERY_DB_VERSION = 9
"""Bumped when what `build_query_db` writes changes: older databases are not read."""
MEMORY_LIMIT = "768MB"
"""DuckDB's own memory (buffer pool, sorts, hash tables) for the page's queries."""
BUILD_MEMORY_LIMIT = "1536MB"
"""While the database is built (by `geo build`, once per store version): the join of every
row to its event's rank and the sort spill past it; at 10M events 768MB ran out."""
WORD_SPLIT = "[^\\pL\\pN]+"
"""What separates the words of the search's vocabulary (RE2): a search text without any of
these lies inside one word, so the words containing it find every event containing it."""
UNKNOWN_TYPE = "(no type)"
"""As geo.app.filters.UNKNOWN_TYPE (the app layer is not imported here)."""
DAY_PRECISIONS = ("day",)

_SEP = LIST_SEP.replace("'", "''")


def default_cache_dir() -> Path:
    """NEWSMAP_QUERY_CACHE, else a folder in the system's temporary folder."""
    return Path(
        os.environ.get("NEWSMAP_QUERY_CACHE") or Path(tempfile.gettempdir()) / "newsmap-query"
    )


def query_db_path(data_dir: Path, cache_dir: Path | None = None) -> Path:
    """Where the query database of this store version lives: keyed by the store's folder and
    the files at its top (the manifest, replaced last by every commit), so a build, an upload
    or a compaction gets a new one."""
    cache_dir = default_cache_dir() if cache_dir is None else cache_dir
    folder = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12]
    stamps = [
        f"{p.name}:{p.stat().st_mtime_ns}:{p.stat().st_size}"
        for p in sorted(data_dir.iterdir())
        if p.is_file()
    ]
    stamps.append(str(QUERY_DB_VERSION))
    version = hashlib.sha256("|".join(stamps).encode()).hexdigest()[:16]
    return cache_dir / f"{folder}-{version}.duckdb"


def sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


def ensure_query_db(data_dir: Path | str, cache_dir: Path | None = None) -> Path:
    """The query database of the store's current version, built when missing."""
    from geo.store.query import connect_store

    data_dir = Path(data_dir)
    path = query_db_path(data_dir, cache_dir)
    if path.exists():
        return path
    con = connect_store(data_dir)
    try:
        con.execute(f"SET temp_directory = '{sql_text(path.parent / 'spill')}'")
        con.execute(f"SET memory_limit = '{BUILD_MEMORY_LIMIT}'")
        build_query_db(con, path)
    finally:
        con.close()
    return path


# --------------------------------------------------------------------------- aggregates
# Over `sel` (a selection of event_places' columns). EVENTS counts distinct events: a count
# of lead rows when the filter keeps or drops whole events, a distinct count otherwise.


def metrics_sql(lead: str | None, articles: int) -> str:
    """events, articles, sources of the selection (places: its place counts' length).
    `lead`: a column marking one row of each event the selection keeps (`lead_row` when it
    keeps whole events, `lead_located` its located rows), None for a distinct count.
    `articles`: how many article codes there are (store_meta.articles): the distinct
    articles are the set bits of a bitstring that long, not a hash of every code."""
    bits = f"bitstring_agg(article_code, 0, {max(int(articles), 1) - 1})"
    if lead:
        return (
            f"SELECT count(*) FILTER ({lead}) AS events, coalesce(bit_count({bits} FILTER"
            f" ({lead})), 0) AS articles, count(DISTINCT source_code) FILTER ({lead})"
            " AS sources FROM sel"
        )
    return (
        f"SELECT count(DISTINCT ev) AS events, coalesce(bit_count({bits}), 0) AS articles,"
        " count(DISTINCT source_code) AS sources FROM sel"
    )


def per_day_sql(lead: str | None) -> str:
    """Events per day and type: grouped by the type's code, named after (`type_info`)."""
    events = "count(*)" if lead else "count(DISTINCT ev)"
    where = f" AND {lead}" if lead else ""
    return (
        "SELECT CAST(c.day AS TIMESTAMP_NS) AS date, coalesce(t.event_type, '"
        + UNKNOWN_TYPE
        + "') AS event_type, c.events FROM (SELECT day, type_code, "
        + events
        + " AS events FROM sel"
        f" WHERE day IS NOT NULL AND day_exact{where} GROUP BY ALL) AS c"
        " LEFT JOIN type_info AS t USING (type_code) ORDER BY date, event_type"
    )


def without_a_day_sql(lead: str | None) -> str:
    events = f"count(*) FILTER ({lead})" if lead else "count(DISTINCT ev)"
    return f"SELECT {events} AS events FROM sel WHERE day IS NOT NULL AND NOT day_exact"


PLACE_COUNTS_SQL = "SELECT place_code, count(*) AS events FROM sel GROUP BY place_code"
"""Events per place: one row per event and place (geo.store.frame), so a row count."""
TABLES = (
    "event_places",
    "event_text",
    "vocab",
    "postings",
    "place_info",
    "type_info",
    "source_info",
    "store_meta",
)
"""The database's tables besides the aggregates, event_places first: what the page reads."""
AGGREGATES = {
    "all_metrics": "",  # metrics_sql("lead_row", the number of articles): see _write_tables
    "all_per_day": per_day_sql("lead_row"),
    "all_without_a_day": without_a_day_sql("lead_row"),
    "all_place_counts": PLACE_COUNTS_SQL,
}
"""Each view's aggregate over the whole store, read from these tables when no filter is set."""
SELECTED = "rid, ev, article_code, place_code, source_code, day, day_exact, type_code"
"""The columns a selection keeps: what the aggregates, the popups and the table read; with
the one lead column its filter counts events by (geo.app.store_view.lead_column), if any."""


# --------------------------------------------------------------------------- the build


@dataclass(frozen=True)
class QueryDbBuild:
    """What one build of a query database did: where it wrote, and how many events' words
    it split afresh or took from the store's previous query database."""

    path: Path
    events_split: int
    events_reused: int


def build_query_db(con: duckdb.DuckDBPyConnection, path: Path) -> QueryDbBuild:
    """Write the query database of the store `con` reads (geo.store.connect_store's
    connection, its `event_places` view over the files) to `path`, atomically; the store's
    previous one (the newest older version beside it) lends its events' words, then goes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    olds = sorted(
        (p for p in path.parent.glob(path.name.split("-")[0] + "-*.duckdb") if p != path),
        key=lambda p: p.stat().st_mtime_ns,
    )
    staged = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
    staged.unlink(missing_ok=True)
    previous = _attach_previous(con, olds[-1]) if olds else False
    con.execute(f"ATTACH '{sql_text(staged)}' AS build")
    try:
        split, reused = _write_tables(con, previous)
    finally:
        con.execute("USE memory")
        con.execute("DETACH build")
        if previous:
            con.execute("DETACH prev")
    staged.replace(path)
    for old in olds:
        old.unlink(missing_ok=True)  # this store's older versions
    return QueryDbBuild(path, split, reused)


def _attach_previous(con: duckdb.DuckDBPyConnection, old: Path) -> bool:
    """Attach `old` as `prev` when it is a whole query database of this version (renamed
    into place only once written, its version in store_meta); else it is not used."""
    import duckdb

    try:
        con.execute(f"ATTACH '{sql_text(old)}' AS prev (READ_ONLY)")
    except duckdb.Error:
        return False  # not a database (a disposable cache: rebuilt whole)
    try:
        (version,) = con.execute("SELECT version FROM prev.store_meta").fetchone()
    except duckdb.Error:
        version = None  # an older layout: no version column
    if version != QUERY_DB_VERSION:
        con.execute("DETACH prev")
        return False
    return True


def _write_tables(con: duckdb.DuckDBPyConnection, previous: bool) -> tuple[int, int]:
    precisions = ", ".join(f"'{p}'" for p in DAY_PRECISIONS)
    # Each event's rank, latest first (an event's rows share its date), on the narrow
    # per-event table: the wide rows are then sorted by two integers.
    con.execute(
        "CREATE TEMP TABLE ev_order AS SELECT event_hash, CAST(row_number() OVER (ORDER BY"
        " max(date) DESC NULLS LAST, event_hash) - 1 AS INTEGER) AS ev,"
        " min(place_hash) AS lead_place, min(place_hash) FILTER (role = 'located')"
        " AS lead_located FROM event_places GROUP BY event_hash"
    )
    _write_codes(con)
    con.execute(
        "CREATE TABLE build.event_places AS SELECT e.*, o.ev, e.place_hash = o.lead_place"
        " AS lead_row, coalesce(e.role = 'located' AND e.place_hash = o.lead_located, false)"
        " AS lead_located, CAST(e.date AS DATE) AS day, coalesce(e.date_precision IN ("
        + precisions
        + "), false) AS day_exact, e.source IS NOT NULL AS has_source, a.article_code,"
        " s.source_code, t.type_code, p.place_code"
        " FROM event_places AS e JOIN ev_order AS o USING (event_hash)"
        " JOIN article_codes AS a USING (article_hash)"
        " LEFT JOIN build.source_info AS s ON s.source = e.source"
        " LEFT JOIN build.type_info AS t ON t.event_type = e.event_type"
        " JOIN place_codes AS p USING (place_hash) ORDER BY o.ev, e.place_hash"
    )
    con.execute("DROP TABLE ev_order")
    con.execute("DROP TABLE article_codes")
    # Stores built before the precision code have no column for it: unknown.
    con.execute("ALTER TABLE build.event_places ADD COLUMN IF NOT EXISTS place_precision INTEGER")
    con.execute(
        "CREATE TABLE build.event_text AS SELECT ev, lower(coalesce(excerpt, '')) AS text"
        " FROM build.event_places WHERE lead_row ORDER BY ev"
    )
    split, reused = _write_words(con, previous)
    con.execute(
        "CREATE TABLE build.place_info AS SELECT place_code, place_hash, key, name, kind, lat,"
        " lon, place_code + 1 AS name_rank FROM place_codes ORDER BY place_code"
    )
    con.execute("DROP TABLE place_codes")
    con.execute("USE build")
    options = json.dumps(_options(con))
    # The row id is the table's rowid: the rows' order, as the page's view names it.
    con.execute(
        f"CREATE TEMP VIEW sel AS SELECT {SELECTED}, lead_row FROM (SELECT rowid AS rid, *"
        " FROM build.event_places)"
    )
    (articles,) = con.execute("SELECT count(DISTINCT article_code) FROM event_places").fetchone()
    for table, sql in AGGREGATES.items():
        sql = sql or metrics_sql("lead_row", articles)
        con.execute(f"CREATE TABLE build.{table} AS {sql}")
    con.execute("DROP VIEW sel")
    con.execute(
        "CREATE TABLE build.store_meta AS SELECT coalesce(max(n), 1) AS max_rows,"
        " ? AS options, ? AS version, ? AS articles, count(*) AS events FROM (SELECT count(*)"
        " AS n FROM build.event_places GROUP BY ev)",
        [options, QUERY_DB_VERSION, int(articles)],
    )
    return split, reused


def _write_codes(con: duckdb.DuckDBPyConnection) -> None:
    """The dense codes: articles by hash, sources and types by name (`source_info`,
    `type_info` in the database, for the filters' values), places by name and key (the
    order the markers break ties in), each from 0."""
    con.execute(
        "CREATE TEMP TABLE article_codes AS SELECT article_hash, CAST(row_number() OVER"
        " (ORDER BY article_hash) - 1 AS INTEGER) AS article_code"
        " FROM (SELECT DISTINCT article_hash FROM event_places)"
    )
    for column, table in (("source", "source_info"), ("event_type", "type_info")):
        code = "source_code" if column == "source" else "type_code"
        con.execute(
            f"CREATE TABLE build.{table} AS SELECT {column}, CAST(row_number() OVER"
            f" (ORDER BY {column}) - 1 AS INTEGER) AS {code} FROM (SELECT DISTINCT {column}"
            f" FROM event_places WHERE {column} IS NOT NULL)"
        )
    # A place's key, name, kind and point once (the names ranked are the names shown).
    con.execute(
        "CREATE TEMP TABLE place_codes AS SELECT *, CAST(row_number() OVER (ORDER BY name, key)"
        " - 1 AS INTEGER) AS place_code FROM (SELECT place_hash, any_value(place_key) AS key,"
        " coalesce(any_value(place_name), '') AS name, coalesce(any_value(place_kind), '')"
        " AS kind, any_value(place_lat) AS lat, any_value(place_lon) AS lon FROM event_places"
        " GROUP BY place_hash)"
    )


def _write_words(con: duckdb.DuckDBPyConnection, previous: bool) -> tuple[int, int]:
    """Each event's distinct words (`postings`, sorted by word, so one word's events are a
    run of rows the scan finds from its zone maps) and the words with their ids (`vocab`).
    Returns how many events were split and how many took their words from `prev`."""
    fresh = "build.event_text"
    reused = 0
    con.execute("CREATE TEMP TABLE words (ev INTEGER, word VARCHAR)")
    if previous:
        reused = _reused_words(con)
        fresh = "(SELECT * FROM build.event_text ANTI JOIN kept USING (ev, text))"
    con.execute(
        "INSERT INTO words SELECT ev, unnest(list_distinct(regexp_split_to_array("
        f"text, '{WORD_SPLIT}'))) AS word FROM {fresh}"
    )
    (split,) = con.execute(f"SELECT count(*) FROM {fresh}").fetchone()
    if previous:
        con.execute("DROP TABLE kept")
    con.execute(
        "CREATE TABLE build.vocab AS SELECT CAST(row_number() OVER (ORDER BY word) - 1 AS"
        " INTEGER) AS word_id, word FROM (SELECT DISTINCT word FROM words WHERE word <> '')"
    )
    con.execute(
        "CREATE TABLE build.postings AS SELECT v.word_id, w.ev FROM words AS w"
        " JOIN build.vocab AS v USING (word) ORDER BY v.word_id, w.ev"
    )
    con.execute("DROP TABLE words")
    return int(split), reused


def _reused_words(con: duckdb.DuckDBPyConnection) -> int:
    """Put into `words` the words of each excerpt row whose lowered text `prev` holds as the
    only text of one of its events (so that event's postings are exactly this text's
    words), under the row's new rank, once per row as a split would; `kept` lists those
    rows (rank and text). A changed excerpt is a text `prev` lacks: it is split again."""
    con.execute(
        "CREATE TEMP TABLE known AS SELECT text, min(ev) AS old_ev FROM (SELECT ev,"
        " min(text) AS text FROM prev.event_text GROUP BY ev HAVING count(DISTINCT text) = 1)"
        " GROUP BY text"
    )
    con.execute(
        "CREATE TEMP TABLE kept AS SELECT n.ev, n.text, k.old_ev FROM build.event_text AS n"
        " JOIN known AS k USING (text)"
    )
    con.execute(
        "INSERT INTO words SELECT k.ev, w.word FROM kept AS k JOIN (SELECT DISTINCT p.ev,"
        " v.word FROM prev.postings AS p JOIN prev.vocab AS v USING (word_id) SEMI JOIN known"
        " AS o ON p.ev = o.old_ev) AS w ON w.ev = k.old_ev"
    )
    con.execute("DROP TABLE known")
    (reused,) = con.execute("SELECT count(*) FROM kept").fetchone()
    return int(reused)


def _options(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Every value a filter can take with its distinct events, as plain lists (the labels
    are the page's: geo.app.store_view)."""
    low, high = con.execute("SELECT min(day), max(day) FROM event_places").fetchone()
    actors = con.execute(
        "WITH pairs AS (SELECT ev, unnest(string_split(actor_ids, '" + _SEP + "'))"
        " AS id, unnest(string_split(actor_names, '" + _SEP + "')) AS name"
        " FROM event_places WHERE lead_row AND actor_ids <> '')"
        " SELECT id, coalesce(min(name), id) AS name, count(DISTINCT ev) AS n"
        " FROM pairs WHERE id <> '' GROUP BY id"
    ).fetchall()
    countries = con.execute(
        "SELECT c, count(DISTINCT ev) FROM (SELECT ev,"
        " unnest(string_split(actor_countries, '" + _SEP + "')) AS c"
        " FROM event_places WHERE lead_row AND actor_countries <> '') WHERE c <> ''"
        " GROUP BY c"
    ).fetchall()
    place_countries = con.execute(
        "SELECT place_country, count(DISTINCT ev) FROM event_places"
        " WHERE place_country IS NOT NULL GROUP BY place_country"
    ).fetchall()

    def counted(column: str) -> list[list[object]]:
        rows = con.execute(
            f"SELECT {column}, count(*) AS n FROM event_places"
            f" WHERE lead_row AND {column} IS NOT NULL GROUP BY {column}"
            f" ORDER BY n DESC, {column}"
        ).fetchall()
        return [[str(v), int(n)] for v, n in rows]

    return {
        "date_min": None if low is None else low.isoformat(),
        "date_max": None if high is None else high.isoformat(),
        "actors": [[str(i), str(name), int(n)] for i, name, n in actors],
        "actor_countries": [[str(c), int(n)] for c, n in countries],
        "sources": counted("source"),
        "place_countries": [[str(c), int(n)] for c, n in place_countries],
        "event_types": counted("event_type"),
    }
