"""The query database's dense codes (format 9) and what the page reads of it once per
process (geo.app.place_columns): the selection holds 32-bit codes, the places are loaded
once per database, and the layer's JSON joined from pieces is the JSON of the payload."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest
from test_dashboard_fixtures import sample_frame, write_frame_store

from geo.app import filters, mapview, place_columns, store_view
from geo.app.safetext import safe_json
from geo.store import query_db


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("codes") / "data"
    write_frame_store(sample_frame(hostile=True), data_dir)
    con = store_view.open_store(data_dir, cache_dir=data_dir.parent / "query")
    yield con
    con.close()


def test_a_selection_holds_small_integers_not_hashes_or_names(con):
    """Every column a selection copies is a 32-bit (or narrower) code, a day or a flag,
    but the row id: no 64-bit hash, no string."""
    cur = con.cursor()
    try:
        store_view.select(cur, filters.EventFilter(event_types=("ACCUSE", "CONSULT")))
        types = dict(cur.execute("SELECT column_name, column_type FROM (DESCRIBE sel)").fetchall())
    finally:
        cur.close()
    assert types.pop("rid") == "BIGINT"
    assert set(types.values()) <= {"INTEGER", "DATE", "BOOLEAN"}, types


def test_the_codes_are_dense_and_places_ranked_by_name(con):
    """Articles, sources, types and places are numbered from 0 without gaps; a place's
    code is its rank by name then key (the markers' tie order)."""
    for column, distinct in (
        ("article_code", "article_id"),
        ("source_code", "source"),
        ("type_code", "event_type"),
        ("place_code", "place_key"),
    ):
        low, high, n, want = con.execute(
            f"SELECT min({column}), max({column}), count(DISTINCT {column}),"
            f" count(DISTINCT {distinct}) FROM event_places"
        ).fetchone()
        assert (low, high, n) == (0, want - 1, want), column
    names = con.execute("SELECT name, key FROM place_info ORDER BY place_code").fetchall()
    assert names == sorted(names)
    (articles, events) = con.execute("SELECT articles, events FROM store_meta").fetchone()
    assert (articles, events) == con.execute(
        "SELECT count(DISTINCT article_id), count(DISTINCT event_id) FROM event_places"
    ).fetchone()


def test_the_search_tests_a_bit_per_event(con):
    """The text search's hits are one bitstring (bit `ev` per event), each row testing its
    bit: no join with a table of every hit."""
    cur = con.cursor()
    try:
        where, _ = store_view.store_where(cur, filters.EventFilter(text="border"))
        assert "get_bit" in where and " IN (SELECT" not in where
        ((hits,),) = cur.execute("SELECT hits FROM text_hits").fetchall()
        found = {i for i, bit in enumerate(hits) if bit == "1"}
        want = cur.execute(
            "SELECT DISTINCT ev FROM event_places WHERE contains(lower(excerpt), 'border')"
        ).fetchall()
    finally:
        cur.close()
    assert found == {ev for (ev,) in want} and found


def test_the_places_are_loaded_once_per_database(con, tmp_path, monkeypatch):
    """Reruns read the places, types and sources loaded for their database; another
    database (a new store version) loads its own."""
    loads = []
    real = place_columns._load

    def counting(cur):
        loads.append(1)
        return real(cur)

    monkeypatch.setattr(place_columns, "_load", counting)
    monkeypatch.setattr(place_columns, "_LOADED", {})
    for event_filter in (filters.EventFilter(), filters.EventFilter(text="border")):
        view = store_view.filter_view(con, event_filter, 3)
        assert len(view.markers) and view.markers.table is not None
    assert len(loads) == 1
    data_dir = tmp_path / "data"
    write_frame_store(sample_frame(), data_dir)
    other = store_view.open_store(data_dir, cache_dir=tmp_path / "query")
    try:
        store_view.filter_view(other, filters.EventFilter(), 3)
    finally:
        other.close()
    assert len(loads) == 2


def test_the_joined_json_is_the_payloads_json(con):
    """payload_json joins names and coordinates escaped once per database: the same text
    as safe_json of the payload, hostile names included, for every view."""
    for event_filter in (
        filters.EventFilter(),
        filters.EventFilter(text="no such words"),
        filters.EventFilter(place_countries=("BY",)),
    ):
        view = store_view.filter_view(con, event_filter, 3)
        assert view.markers.payload_json() == safe_json(view.markers.payload())
        assert view.script == mapview.place_layer_script(list(view.markers))
    markup = [n for n in view.markers.table.names.tolist() if "<" in n]
    assert markup, "the hostile event's place"


def test_the_byte_estimate_counts_digits_at_powers_of_ten():
    """payload_bytes counts each count's digits in numpy: as len(str(n)) does at 0, 9,
    10, 99, 100 and beyond."""
    counts = np.array([0, 1, 9, 10, 11, 99, 100, 999, 1000, 10**6, 10**6 - 1], dtype=np.int64)
    n = len(counts)
    table = place_columns.PlaceTable.from_columns(
        [f"k{i}" for i in range(n)],
        [f"Place {i} <&>" for i in range(n)],
        ["city", "country"] * (n // 2) + ["city"] * (n % 2),
        np.linspace(-10, 10, n),
        np.linspace(20, 30, n),
    )
    codes = np.arange(n)[::-1].copy()
    entries = {1: (("2021-11-08", "BBC", "", "a", "b", "c"),)}
    columns = place_columns.PlaceColumns.of_places(table, codes, counts, entries)
    markers = list(columns)
    assert columns.payload_bytes() == mapview.layer_payload_bytes(markers)
    assert columns.payload_json() == safe_json(mapview.layer_payload(markers))
    plain = place_columns.PlaceColumns(**{**columns.__dict__, "codes": None, "table": None})
    assert plain.payload_bytes() == mapview.layer_payload_bytes(markers)


def test_metrics_count_articles_as_bits():
    """The distinct articles are a bitstring's set bits (bitstring_agg over the codes),
    not a hash of every code; without a lead column too."""
    for lead in ("lead_row", None):
        sql = query_db.metrics_sql(lead, 10)
        assert "bitstring_agg(article_code, 0, 9)" in sql and "article_hash" not in sql
    con = duckdb.connect()
    try:
        con.execute(
            "CREATE TABLE sel AS SELECT * FROM (VALUES (1, true, 3, NULL), (2, true, 3, 1),"
            " (3, false, 9, 2), (4, true, 0, 2)) AS t(ev, lead_row, article_code, source_code)"
        )
        assert con.execute(query_db.metrics_sql("lead_row", 10)).fetchone() == (3, 2, 2)
        assert con.execute(query_db.metrics_sql(None, 10)).fetchone() == (4, 3, 2)
        con.execute("DELETE FROM sel")
        assert con.execute(query_db.metrics_sql("lead_row", 10)).fetchone() == (0, 0, 0)
    finally:
        con.close()


def test_a_name_is_escaped_as_safe_json_escapes_it():
    """The table writes each name's JSON once, skipping safe_json's passes for a name
    they would not change: the same text either way."""
    names = ["Kuźnica", "A {{ b }}", "{% x %}", "{#", "a{b", "<b>&", "$`", "\u2028\u2029", 'q"\\']
    names += [f"Place {i}" for i in range(3)]
    table = place_columns.PlaceTable.from_columns(
        names, names, ["city"] * len(names), np.zeros(len(names)), np.zeros(len(names))
    )
    assert table.name_json.tolist() == [safe_json(n) for n in names]
    assert table.lat_json.tolist() == ["0.0"] * len(names)
