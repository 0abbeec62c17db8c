"""The query database (geo.store.query_db) built after a change of the store takes the words
of the excerpts its previous version split, and is table for table the one a build from
nothing writes."""

from __future__ import annotations

import json

import duckdb
from test_dashboard_fixtures import sample_frame, write_frame_store

from geo.store import connect_store, query_db

TABLES = query_db.TABLES


def _build(data_dir, cache_dir) -> query_db.QueryDbBuild:
    con = connect_store(data_dir)
    try:
        return query_db.build_query_db(con, query_db.query_db_path(data_dir, cache_dir))
    finally:
        con.close()


def _tables(path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in (*TABLES, *query_db.AGGREGATES)
        }
    finally:
        con.close()


def _meta(row: tuple) -> tuple:
    """store_meta's row with its options' lists sorted (their order is a grouping's)."""
    max_rows, options, version, articles, events = row
    options = {k: sorted(v) if isinstance(v, list) else v for k, v in json.loads(options).items()}
    return max_rows, options, version, articles, events


def test_a_rebuild_reuses_the_words_and_equals_a_build_from_nothing(tmp_path):
    frame = sample_frame(hostile=True)
    events = sorted(frame["event_id"].unique())
    data_dir = tmp_path / "data"
    write_frame_store(frame[frame["event_id"] != events[-1]], data_dir)  # one event to come
    first = _build(data_dir, tmp_path / "cache")
    assert first.events_reused == 0 and first.events_split > 0
    # The append: the missing event arrives, and one event's excerpt changed.
    changed = frame.copy()
    at = changed["event_id"] == events[0]
    changed.loc[at, "excerpt"] = changed.loc[at, "excerpt"] + " Quarantotto zebras."
    write_frame_store(changed, data_dir)
    again = _build(data_dir, tmp_path / "cache")
    assert not first.path.exists() and again.path.exists()
    assert again.events_reused > 0
    assert again.events_split == len({events[0], events[-1]})  # only the new and changed
    scratch = _build(data_dir, tmp_path / "scratch")
    assert scratch.events_reused == 0
    ours, theirs = _tables(again.path), _tables(scratch.path)
    assert [_meta(r) for r in ours.pop("store_meta")] == [
        _meta(r) for r in theirs.pop("store_meta")
    ]
    assert ours == theirs
    vocab = dict(_tables(again.path)["vocab"])
    assert "quarantotto" in vocab.values()


def test_a_previous_file_that_is_not_a_whole_database_is_not_used(tmp_path):
    data_dir = tmp_path / "data"
    write_frame_store(sample_frame(), data_dir)
    path = query_db.query_db_path(data_dir, tmp_path / "cache")
    path.parent.mkdir(parents=True)
    older = path.with_name(path.name.split("-")[0] + "-0000.duckdb")
    older.write_bytes(b"not a database")
    built = _build(data_dir, tmp_path / "cache")
    assert built.events_reused == 0 and not older.exists()
    # A database of an older layout (no version in store_meta) is not used either.
    con = duckdb.connect(str(older))
    con.execute("CREATE TABLE store_meta AS SELECT 1 AS max_rows")
    con.close()
    built.path.unlink()
    assert _build(data_dir, tmp_path / "cache").events_reused == 0
