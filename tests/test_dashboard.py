"""Streamlit AppTest tests of dashboard.py over synthetic events (no NLP, no network).

The store is the fixture frame written as a store of one partition, and
streamlit-folium's component function by a stand-in that records its
arguments and can pretend a marker was clicked. Expected counts are computed from the fixture
Event objects, independently of geo.app.filters.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from pathlib import Path

import pytest
import streamlit_folium
from streamlit.testing.v1 import AppTest
from test_dashboard_fixtures import (
    PLACES,
    hostile_event,
    sample_events,
    sample_frame,
    write_frame_store,
)

import geo.store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard.py")


class FakeFolium:
    """Stands in for streamlit-folium's component: remembers the call, returns a scripted click."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.click: dict | None = None

    def click_on(self, place, count: int = 1) -> None:
        """The map's report of a click on `place`'s marker, the `count`th click of the page."""
        self.click = {
            "last_object_clicked": {"lat": place.lat, "lng": place.lon},
            "last_object_clicked_tooltip": f"{place.name} · 2 events",
            "last_object_clicked_count": count,
        }

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        if self.click is None:
            return {"last_object_clicked": None, "last_object_clicked_tooltip": None}
        return self.click


@pytest.fixture
def events():
    return sample_events() + [hostile_event()]


@pytest.fixture
def fake_map(monkeypatch):
    import streamlit as st
    import streamlit.components.v1 as components

    fake = FakeFolium()
    monkeypatch.setattr(components, "declare_component", lambda name, path: fake)
    st.cache_resource.clear()  # no frontend declared by an earlier test
    return fake


@pytest.fixture
def app(monkeypatch, tmp_path, fake_map):
    monkeypatch.setattr(geo.store, "store_is_stale", lambda data_dir, paths: False)
    data_dir = tmp_path / "data"
    # A real store the page queries; a distinct one per test (its own folder and manifest)
    # keeps cached data from leaking between tests.
    write_frame_store(sample_frame(hostile=True), data_dir)
    monkeypatch.setenv("NEWSMAP_DATA_DIR", str(data_dir))
    monkeypatch.setenv("NEWSMAP_STATIC_DIR", str(tmp_path / "static"))
    monkeypatch.setenv("NEWSMAP_QUERY_CACHE", str(tmp_path / "query"))
    at = AppTest.from_file(APP, default_timeout=60)
    return at


def metric(at: AppTest, label: str) -> int:
    return int(next(m.value for m in at.metric if m.label == label).replace(",", ""))


def test_app_runs_and_counts_every_event(app, events):
    app.run()
    assert not app.exception
    assert metric(app, "Events") == len(events)
    assert metric(app, "Articles") == len({e.article_id for e in events})
    assert metric(app, "Sources") == len({e.source for e in events if e.source})
    assert metric(app, "Places") == len({p.place.key for e in events for p in e.places})


def test_map_does_not_rerun_on_pan_and_keeps_mounted(app, fake_map):
    app.run()
    call = fake_map.calls[-1]
    clicks_only = {
        "last_object_clicked",
        "last_object_clicked_tooltip",
        "last_object_clicked_count",
    }
    assert set(call["returned_objects"]) <= clicks_only
    assert "markerClusterGroup" in call["feature_group"]
    app.multiselect(key="f_place_countries").set_value(["BY"]).run()
    after = fake_map.calls[-1]
    # Same component key and base map: the browser swaps the markers, no remount.
    assert after["key"] == call["key"] and after["script"] == call["script"]
    assert after["feature_group"] != call["feature_group"]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_map_component_gets_what_st_folium_would_pass(app, fake_map, monkeypatch):
    from geo.app import foliummap, frame_index, mapview
    from geo.app.assets import asset_urls

    app.run()
    ours = fake_map.calls[-1]
    markers = mapview.place_markers(frame_index.build_index(sample_frame(hostile=True)))
    fig = foliummap.build_base_map(
        mapview.marker_bounds(markers), asset_urls("../../app/static/newsmap")
    )
    reference = FakeFolium()
    monkeypatch.setattr(streamlit_folium, "_component_func", reference)
    streamlit_folium.st_folium(
        fig,
        key="news_map",
        height=ours["height"],
        use_container_width=True,
        feature_group_to_add=foliummap.build_place_layer(markers),
        returned_objects=ours["returned_objects"],
    )
    theirs = reference.calls[-1]
    assert set(ours) == set(theirs)
    for name in set(ours) - {"on_change", "feature_group"}:
        assert ours[name] == theirs[name], name
    assert _squeeze(ours["feature_group"]) == _squeeze(theirs["feature_group"])


def _expect(events, keep) -> int:
    return sum(1 for e in events if keep(e))


@pytest.mark.parametrize(
    ("key", "value", "keep"),
    [
        ("f_actors", ["lukashenko"], lambda e: any(a.id == "lukashenko" for a in e.actors)),
        ("f_actor_countries", ["BY"], lambda e: any(a.country_code == "BY" for a in e.actors)),
        ("f_sources", ["BBC"], lambda e: e.source == "BBC"),
        (
            "f_place_countries",
            ["BE"],
            lambda e: any(p.place.country_code == "BE" for p in e.places),
        ),
        ("f_event_types", ["PROTEST", "ASSAULT"], lambda e: e.event_type in ("PROTEST", "ASSAULT")),
    ],
)
def test_each_multiselect_filters_events(app, events, key, value, keep):
    app.run()
    app.multiselect(key=key).set_value(value).run()
    assert not app.exception
    expected = _expect(events, keep)
    assert 0 < expected < len(events)
    assert metric(app, "Events") == expected


def test_date_range_filters_events(app, events):
    app.run()
    start, end = dt.date(2021, 11, 10), dt.date(2021, 11, 15)
    app.date_input(key="f_dates").set_value((start, end)).run()
    assert metric(app, "Events") == _expect(events, lambda e: start <= e.date <= end)


def test_text_search_filters_excerpts(app, events):
    app.run()
    app.text_input(key="f_text").set_value("WATER cannon").run()
    assert metric(app, "Events") == _expect(events, lambda e: "water cannon" in e.excerpt.lower())


def test_place_role_located_drops_mentioned_places(app, events):
    app.run()
    app.radio(key="f_place_role").set_value("located").run()
    located = {p.place.key for e in events for p in e.places if p.role == "located"}
    assert metric(app, "Places") == len(located)
    assert len(located) < len({p.place.key for e in events for p in e.places})


def test_reset_button_clears_filters(app, events):
    app.run()
    app.multiselect(key="f_sources").set_value(["BBC"]).run()
    assert metric(app, "Events") < len(events)
    next(b for b in app.button if b.label == "Reset filters").click().run()
    assert metric(app, "Events") == len(events)
    assert app.multiselect(key="f_sources").value == []


def test_filters_are_read_from_and_written_to_the_url(app, events):
    app.query_params["country"] = ["BY"]
    app.run()
    assert app.multiselect(key="f_place_countries").value == ["BY"]
    by = _expect(events, lambda e: any(p.place.country_code == "BY" for p in e.places))
    assert metric(app, "Events") == by
    app.multiselect(key="f_sources").set_value(["Reuters"]).run()
    params = {k: v if isinstance(v, list) else [v] for k, v in app.query_params.items()}
    assert params["source"] == ["Reuters"]
    assert params["country"] == ["BY"]


def test_marker_click_shows_that_place_in_the_detail_panel(app, fake_map, events):
    kuznica = PLACES["kuznica"]
    app.run()
    fake_map.click_on(kuznica)
    app.run()
    assert not app.exception
    panel = " ".join(h.proto.body for h in app.get("html"))
    at_kuznica = [e for e in events if any(p.place.key == kuznica.key for p in e.places)]
    elsewhere = [e for e in events if e not in at_kuznica]
    assert at_kuznica
    for event in at_kuznica:
        assert event.context_before in panel
        assert "<mark>Kuźnica</mark>" in panel
    for event in elsewhere:
        assert event.excerpt.split()[0] + " " + event.excerpt.split()[1] not in panel


def test_hostile_place_detail_is_escaped(app, fake_map):
    hostile = hostile_event()
    place = hostile.places[0].place
    app.run()
    fake_map.click = {"last_object_clicked": {"lat": place.lat, "lng": place.lon}}
    app.run()
    panel = " ".join(h.proto.body for h in app.get("html"))
    assert "Hostile text" in panel
    assert "<img" not in panel and "<script>" not in panel and "${" not in panel


def test_base_map_is_rendered_once_then_read_from_disk(tmp_path, monkeypatch):
    """A new server process reuses the rendered base map; a torn cache file is rendered again."""
    from geo.app import page

    renders = []
    render = page.render_base_map_args
    monkeypatch.setattr(page, "render_base_map_args", lambda *a: renders.append(a) or render(*a))
    component = importlib.import_module  # the page imports streamlit_folium, geo/ does not
    load = lambda: component("streamlit_folium")  # noqa: E731
    bounds = ((50.0, 20.0), (55.0, 30.0))
    first = page.base_map_args(bounds, "../static", str(tmp_path), load)
    (cached,) = tmp_path.glob("basemap-*.json")
    assert page.base_map_args(bounds, "../static", str(tmp_path), load) == first  # a new process
    assert len(renders) == 1
    cached.write_text('{"script": ')
    assert page.base_map_args(bounds, "../static", str(tmp_path), load) == first
    assert len(renders) == 2
    other = page.base_map_args(((0.0, 0.0), (1.0, 1.0)), "../static", str(tmp_path), load)
    assert other["script"] != first["script"] or other["bounds"] != first["bounds"]
    assert len(list(tmp_path.glob("basemap-*.json"))) == 2


def test_the_actor_role_control_narrows_the_chosen_actors(app, events):
    """The sample events carry no roles: as source or target, nobody takes part."""
    app.run()
    assert app.radio(key="f_actor_role").disabled
    app.multiselect(key="f_actors").set_value(["lukashenko"]).run()
    either = metric(app, "Events")
    assert either == _expect(events, lambda e: any(a.id == "lukashenko" for a in e.actors)) > 0
    assert not app.radio(key="f_actor_role").disabled
    app.radio(key="f_actor_role").set_value("source").run()
    assert metric(app, "Events") == 0
