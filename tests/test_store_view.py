"""The page's views queried from the store (geo.app.store_view) answer as the in-memory index
(geo.app.filters, tables, mapview) does on the same events."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from test_dashboard_fixtures import PLACES, sample_frame, write_frame_store

from geo.app import (
    detail_panel,
    filters,
    frame_index,
    mapview,
    store_downloads,
    store_view,
    tables,
)

FILTERS = [
    filters.EventFilter(),
    filters.EventFilter(date_from=dt.date(2021, 11, 9), date_to=dt.date(2021, 11, 12)),
    filters.EventFilter(actors=("lukashenko",), actor_role="source"),
    filters.EventFilter(place_countries=("BY",), place_role="located"),
    filters.EventFilter(text="border"),
    filters.EventFilter(text="no such words"),
]


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    frame = sample_frame(hostile=True)
    data_dir = tmp_path_factory.mktemp("view") / "data"
    write_frame_store(frame, data_dir)
    con = store_view.open_store(data_dir, cache_dir=data_dir.parent / "query")
    yield frame_index.build_index(frame), con
    con.close()


def test_options_are_the_index_options(stores):
    index, con = stores
    assert store_view.filter_options(con) == filters.filter_options(index)


@pytest.mark.parametrize("event_filter", FILTERS, ids=range(len(FILTERS)))
def test_a_filter_view_answers_as_the_index(stores, event_filter):
    index, con = stores
    rows = filters.filter_rows(index, event_filter)
    view = store_view.filter_view(con, event_filter, 3)
    assert view.counts == filters.metrics(index, rows)
    want = tables.events_per_day(index, rows)
    assert view.per_day.to_dict("list") == want.to_dict("list")
    assert view.without_a_day == tables.events_without_a_day(index, rows)
    expected = mapview.place_markers(index, rows)
    assert [(m.key, m.events, m.size, m.tooltip) for m in view.markers] == [
        (m.key, m.events, m.size, m.tooltip) for m in expected
    ]
    # Popups: the same number of entries per place, and the same excerpt cuts.
    assert {m.key: sorted(m.entries) for m in view.markers} == {
        m.key: sorted(m.entries) for m in expected
    }
    table = tables.events_table(index, rows)
    assert len(view.table) == min(3, len(table))
    assert list(view.table.columns) == list(table.columns)
    latest = table.head(3)
    assert sorted(view.table["excerpt"].dropna()) == sorted(latest["excerpt"].dropna())
    # The same places per event (in the order of the store's rows: by date, then hash).
    def places(names):
        return sorted(sorted(n.split(", ")) for n in names.dropna())

    assert places(view.table["place_names"]) == places(latest["place_names"])


def test_a_place_detail_lists_its_passing_events_with_context(stores):
    index, con = stores
    event_filter = filters.EventFilter(date_from=dt.date(2021, 11, 9))
    rows = filters.filter_rows(index, event_filter)
    for place in PLACES.values():
        events = store_view.events_at_place(con, event_filter, place.key)
        want = mapview.events_at_place(index, rows, place.key)
        assert sorted(events["event_id"]) == sorted(want["event_id"])
        if len(want):
            shared = [c for c in events.columns if c in want.columns]
            html = detail_panel.detail_html(place.name, events)
            assert html == detail_panel.detail_html(place.name, want.loc[:, shared])


def test_downloads_hold_the_passing_rows(stores):
    index, con = stores
    event_filter = filters.EventFilter(place_countries=("PL",))
    rows = filters.filter_rows(index, event_filter)
    text = store_downloads.csv_bytes(con, event_filter).decode("utf-8")
    records = list(csv.DictReader(io.StringIO(text)))
    assert len(records) == len(rows) and {r["place_country"] for r in records} == {"PL"}
    assert {"lat", "lon", "excerpt", "context_before"} <= set(records[0])
    expected = tables.to_csv_bytes(filters.rows_frame(index, rows)).decode("utf-8")
    assert sorted(r["event_id"] for r in records) == sorted(
        r["event_id"] for r in csv.DictReader(io.StringIO(expected))
    )
    geojson = json.loads(store_downloads.geojson_bytes(con, event_filter))
    assert len(geojson["features"]) == len(rows)
    feature = geojson["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert isinstance(feature["properties"]["date"], str)


def test_nothing_passing_gives_empty_views(stores):
    _, con = stores
    view = store_view.filter_view(con, filters.EventFilter(text="no such words"), 10)
    assert view.markers == () and view.table.empty and view.per_day.empty
    assert view.counts == filters.Metrics(0, 0, 0, 0)
    text = store_downloads.csv_bytes(con, filters.EventFilter(text="no such words")).decode()
    assert text.startswith("event_id,") and text.count("\r\n") == 1


def test_popups_say_how_near_as_the_index_does(tmp_path):
    """The precision code (1 exact, 2 near, 3 region) follows each popup entry's date, from
    the query database as from the index; a store without the column shows dates alone."""
    frame = sample_frame()
    frame["place_precision"] = [(1, 2, 3)[i % 3] for i in range(len(frame))]
    data_dir = tmp_path / "data"
    write_frame_store(frame, data_dir)
    con = store_view.open_store(data_dir, cache_dir=tmp_path / "query")
    try:
        view = store_view.filter_view(con, filters.EventFilter(), 3)
    finally:
        con.close()
    index = frame_index.build_index(frame)
    expected = {m.key: sorted(m.entries) for m in mapview.place_markers(index, None)}
    assert {m.key: sorted(m.entries) for m in view.markers} == expected
    dates = [entry[0] for m in view.markers for entry in m.entries]
    assert any(d.endswith(" · near") for d in dates) and any(d.endswith(" · region") for d in dates)
