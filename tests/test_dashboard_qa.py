"""AppTest checks of what a user can do to the dashboard: stale links, stores that change
under an open page, empty results, resets. Same fixtures as tests/test_dashboard.py."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import streamlit as st
import test_dashboard
from test_dashboard_fixtures import (
    PLACES,
    _event,
    hostile_event,
    sample_events,
    sample_frame,
    write_frame_store,
)

import geo.store
from geo.app import page
from geo.app.mapview import markdown_text
from geo.store import EmptyCorpusError, StoreMissingError, events_to_geodataframe

app, fake_map, events = test_dashboard.app, test_dashboard.fake_map, test_dashboard.events
metric = test_dashboard.metric


def replace_store(frame) -> None:
    """The store changes under the open page (an upload, or `python -m geo build`)."""
    write_frame_store(frame, Path(os.environ["NEWSMAP_DATA_DIR"]))


def test_store_losing_the_selected_days_shows_no_raw_exception(app):
    app.run()
    app.date_input(key="f_dates").set_value((dt.date(2021, 11, 16), dt.date(2021, 11, 20))).run()
    frame = sample_frame()  # without the hostile event of 20 November: the data ends on the 16th
    replace_store(frame)
    app.run()
    assert not app.exception
    assert app.date_input(key="f_dates").value == (dt.date(2021, 11, 16), dt.date(2021, 11, 16))
    assert metric(app, "Events") == 1


def test_events_added_after_the_last_day_are_shown_not_hidden_by_the_old_range(app, events):
    app.run()
    later = _event(9, "PROTEST", 28, ("migrants",), (("minsk", "located"),), "Minsk protest.", "X")
    replace_store(events_to_geodataframe([*sample_events(), hostile_event(), later]))
    app.run()  # e.g. after an upload: the range the user never narrowed follows the data
    assert not app.exception
    assert metric(app, "Events") == len(events) + 1
    assert app.date_input(key="f_dates").value == (dt.date(2021, 11, 8), dt.date(2021, 11, 28))
    assert "to" not in app.query_params


def test_reset_clears_the_clicked_place_for_good(app, fake_map):
    """The map keeps reporting its last click on every rerun; Reset must not take it as new."""
    kuznica = PLACES["kuznica"]
    app.run()
    fake_map.click_on(kuznica)
    app.run()
    assert app.selectbox[0].value == kuznica.key
    next(b for b in app.button if b.label == "Reset filters").click().run()
    assert app.selectbox[0].value is None
    assert "nm-detail" not in " ".join(h.proto.body for h in app.get("html"))


def test_a_stale_link_says_what_it_could_not_apply(app, events):
    app.query_params["actor"] = ["nobody", "[x](javascript:alert(1))"]
    app.query_params["source"] = ["Gone Gazette"]
    app.query_params["from"] = ["2030-01-01"]
    app.query_params["to"] = ["not-a-date"]
    app.query_params["utm_source"] = ["newsletter"]  # not ours: ignored without a word
    app.run()
    assert not app.exception
    (notice,) = [w.value for w in app.warning]
    for part in ("actor", "source", "2030-01-01", "2021-11-08", "2021-11-20", "to"):
        assert part in notice, part
    assert "javascript" not in notice and "nobody" not in notice  # link text is not echoed
    assert "utm_source" not in notice
    next(b for b in app.button if b.label == "Reset filters").click().run()
    assert not app.warning


def test_a_good_link_gets_no_notice(app):
    app.query_params["country"] = ["BY"]
    app.query_params["from"] = ["2021-11-09"]
    app.run()
    assert not app.warning


def test_no_matching_events_is_said_so_everywhere_and_the_map_still_shows(app, fake_map):
    app.query_params["q"] = ["no such words anywhere"]
    app.run()
    assert not app.exception
    assert metric(app, "Events") == 0
    assert fake_map.calls and '"name":[]' in fake_map.calls[-1]["feature_group"]
    captions = [c.value for c in app.caption]
    assert "No dated events." not in captions  # there are none at all, dated or not
    assert "No events match the filters." in captions
    assert len(app.dataframe[0].value) == 0


def test_events_table_offers_no_script_links(app):
    """The detail panel drops javascript: URLs (safe_url); the table's link column too."""
    app.run()
    urls = [u for u in app.dataframe[0].value["url"].tolist() if isinstance(u, str)]
    assert urls and all(u.startswith(("http://", "https://")) for u in urls), urls


def test_upload_messages_show_file_names_as_text_not_markdown(app):
    """st.success/st.error render Markdown: a file name must not become a link or LaTeX."""
    name = "[click](https://evil.example) **b** :red[x] $x$.txt"
    article = "Migrants camped near the Kuźnica crossing on the Polish border on Monday.\n"
    app.run()
    app.file_uploader[0].set_value([(name, article.encode(), "text/plain")]).run()
    (message,) = [m.value for m in app.success]
    assert markdown_text(name) in message


HOSTILE_PATH = "seeds/[click](https://evil.example) **b** :red[x] $x$"
"""A folder name in a store error: Streamlit renders st.error as Markdown."""


def test_a_failed_rebuild_says_why_and_keeps_the_last_store(app, events, monkeypatch):
    monkeypatch.setattr(geo.store, "store_is_stale", lambda data_dir, paths: True)
    pipeline = type(sys)("geo.pipeline")

    def build_store(*args, **kwargs):
        raise EmptyCorpusError(f"no articles under {HOSTILE_PATH}; the store was left unchanged")

    pipeline.build_store = build_store
    monkeypatch.setitem(sys.modules, "geo.pipeline", pipeline)
    # `from geo import pipeline` reads the package attribute once another test imported it.
    monkeypatch.setattr(geo, "pipeline", pipeline, raising=False)
    monkeypatch.setattr(page, "load_pipeline_resources", lambda: (None, None))
    st.cache_resource.clear()
    app.run()
    assert not app.exception
    (error,) = [e.value for e in app.error]
    assert markdown_text(f"no articles under {HOSTILE_PATH}; the store was left unchanged") in error
    assert metric(app, "Events") == len(events)  # the last store is still shown


def test_no_store_at_all_is_a_message_not_a_traceback(app, monkeypatch):

    def missing(data_dir, **options):
        raise StoreMissingError(f"{HOSTILE_PATH} holds no event store")

    monkeypatch.setattr(geo.store, "connect_store", missing)
    app.run()
    assert not app.exception
    (error,) = [e.value for e in app.error]
    assert markdown_text(f"{HOSTILE_PATH} holds no event store") in error


def test_clicking_a_marker_again_after_picking_another_place_selects_it_again(app, fake_map):
    kuznica, minsk = PLACES["kuznica"], PLACES["minsk"]
    app.run()
    fake_map.click_on(kuznica)
    app.run()
    assert app.selectbox[0].value == kuznica.key
    app.selectbox[0].set_value(minsk.key).run()  # the map still reports its last click
    assert app.selectbox[0].value == minsk.key
    fake_map.click_on(kuznica, count=2)  # the same marker again
    app.run()
    assert app.selectbox[0].value == kuznica.key
