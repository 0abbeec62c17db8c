"""The DuckDB queries over the partitions answer as the in-memory index does, on a store
with several partitions, a superseded article and a removed one."""

import datetime as dt
import json
from pathlib import Path

import pytest

import geo.store as store
from geo.app import event_queries, filters, frame_index, tables
from tests.test_store import _build, analyser, corpus  # noqa: F401  (fixtures)


@pytest.fixture
def data_dir(tmp_path, corpus, analyser):  # noqa: F811
    data_dir = tmp_path / "data"
    rows = corpus / "rows.jsonl"
    texts = ["Troops moved in.", "Police detained 10.", "Minsk denied it."]

    def write(titles):
        lines = [json.dumps({"text": t, "title": n}) for t, n in zip(texts, titles, strict=True)]
        rows.write_text("\n".join(lines) + "\n", "utf-8")

    write(["a", "b", "c"])
    _build(corpus, data_dir)
    write(["a", "b, corrected", "c"])  # same texts: superseded rows
    (corpus / "002.txt").unlink()  # a tombstone
    _build(corpus, data_dir)
    partitions = store.manifest_partitions(store.read_manifest(data_dir))
    assert len(partitions) == 2 and any(p.live != p.rows for p in partitions)
    return data_dir


FILTERS = [
    filters.EventFilter(),
    filters.EventFilter(date_from=dt.date(2021, 11, 8), date_to=dt.date(2021, 11, 8)),
    filters.EventFilter(date_from=dt.date(2021, 11, 9)),
    filters.EventFilter(actors=("lukashenko",)),
    filters.EventFilter(actors=("lukashenko",), actor_role="target"),
    filters.EventFilter(actor_countries=("BY",), place_role="located"),
    filters.EventFilter(sources=("AFP",), place_countries=("PL",)),
    filters.EventFilter(event_types=("COERCE",), text="ARTICLE 1"),
    filters.EventFilter(text="no such words"),
]


@pytest.mark.parametrize("event_filter", FILTERS, ids=range(len(FILTERS)))
def test_queries_answer_as_the_index(data_dir, event_filter):
    index = frame_index.build_index(store.load_event_places(data_dir))
    rows = filters.filter_rows(index, event_filter)
    con = store.connect_store(data_dir)
    assert event_queries.query_metrics(con, event_filter) == filters.metrics(index, rows)
    places = event_queries.query_place_counts(con, event_filter)
    expected: dict[str, set] = {}
    for key, event in zip(index.place.take(rows), index.event.take(rows), strict=True):
        expected.setdefault(key, set()).add(event)
    expected = {key: len(events) for key, events in expected.items()}
    assert dict(zip(places["place_key"], places["events"], strict=True)) == expected
    per_day = event_queries.query_events_per_day(con, event_filter)
    want = tables.events_per_day(index, rows)
    assert per_day["events"].tolist() == want["events"].tolist()
    assert [d.isoformat() for d in per_day["date"].dt.date] == [
        d.date().isoformat() for d in want["date"]
    ]
    latest = event_queries.query_latest_events(con, event_filter, 5)
    assert len(latest) == min(5, filters.metrics(index, rows).events)


def test_a_flat_store_is_refused_with_how_to_migrate(data_dir):
    (data_dir / "manifest.json").write_text(json.dumps({"format": 2}))
    for table in store.TABLES:
        (data_dir / table).rename(data_dir / f"{table}.dir")
        (data_dir / table).write_bytes(b"")
    with pytest.raises(store.StoreError, match="geo build"):
        store.connect_store(Path(data_dir))


def test_a_filter_of_another_type_is_refused():
    with pytest.raises(TypeError, match="EventFilter"):
        event_queries.where_clause({"actors": ["x"]})
