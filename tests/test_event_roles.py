"""Who did what to whom, through the product: the store keeps each event's trigger, CAMEO
code, source and target; the dashboard shows "source → TYPE → target" and filters the
chosen actors by the part they take."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from geo.app import detail_panel, filters, frame_index
from geo.model import Actor, Event, EventPlace, Place
from geo.store import events_to_geodataframe

POLAND = Actor("country_pl", "Poland", "government", "PL")
BELARUS = Actor("country_by", "Belarus", "government", "BY")
XSS = Actor("x", '<img src=x onerror="alert(1)">', "person")
KUZNICA = Place("Kuźnica", "village", "PL", 53.51, 23.64, "geonames", geonameid=766927)


def _event(i: int, type_: str, sources, targets, excerpt="Poland accused Belarus.") -> Event:
    return Event(
        id=f"e{i}",
        article_id="a1",
        event_type=type_,
        actors=(*sources, *targets),
        date=dt.date(2021, 11, 8),
        date_precision="day",
        places=(EventPlace(KUZNICA, "Kuźnica", 0, 7, "located"),),
        excerpt=excerpt,
        start=100,
        end=100 + len(excerpt),
        context_before="",
        context_after="",
        source="AFP",
        url=None,
        published=dt.date(2021, 11, 9),
        trigger_start=107,
        trigger_end=114,
        source_actors=tuple(sources),
        target_actors=tuple(targets),
        cameo="112",
    )


@pytest.fixture
def index():
    frame = events_to_geodataframe(
        [
            _event(1, "ACCUSE", [POLAND], [BELARUS]),
            _event(2, "REJECT", [BELARUS], [POLAND], "Belarus rejected it."),
            _event(3, "ASSAULT", [XSS], [POLAND], "Someone attacked."),
        ]
    )
    return frame_index.build_index(frame)


def test_the_store_keeps_trigger_cameo_source_and_target(index):
    row = index.frame.iloc[0]
    assert (row["source_names"], row["target_names"]) == ("Poland", "Belarus")
    assert (row["source_ids"], row["target_ids"]) == ("country_pl", "country_by")
    assert (row["trigger"], row["trigger_start"], row["trigger_end"], row["cameo"]) == (
        "accused",
        107,
        114,
        "112",
    )


def test_the_written_store_round_trips_the_roles(tmp_path):
    import geo.store as store
    from geo.model import AnalysedArticle, Article
    from geo.store import CachedArticle, write_store

    article = Article("a1", "x" * 200, "a1.txt")
    cached = CachedArticle(
        AnalysedArticle(article, (), (), (), ()), (_event(1, "ACCUSE", [POLAND], [BELARUS]),)
    )
    write_store(tmp_path, [(cached, "hash")], {"files": {}, "articles": {}})
    events = store.load_events(tmp_path)
    places = store.load_event_places(tmp_path)
    for frame in (events, places):
        row = frame.iloc[0]
        assert (row["source_names"], row["target_names"], row["trigger"]) == (
            "Poland",
            "Belarus",
            "accused",
        )


@pytest.mark.parametrize(
    ("role", "expected"),
    [("either", ["e1", "e2", "e3"]), ("source", ["e1"]), ("target", ["e2", "e3"])],
)
def test_the_chosen_actors_are_matched_by_the_part_they_take(index, role, expected):
    rows = filters.filter_rows(index, filters.EventFilter(actors=("country_pl",), actor_role=role))
    assert sorted(index.frame["event_id"].iloc[rows]) == expected


def test_an_unknown_role_is_refused_and_a_link_keeps_the_role():
    with pytest.raises(ValueError, match="actor_role"):
        filters.EventFilter(actor_role="victim")  # type: ignore[arg-type]
    wanted = filters.EventFilter(actors=("country_pl",), actor_role="target")
    params = filters.filter_to_params(wanted)
    assert params["as"] == ["target"]
    assert filters.filter_from_params(params) == wanted
    assert filters.filter_from_params({"as": ["victim"]}).actor_role == "either"


def test_the_detail_panel_says_who_did_what_to_whom_as_text(index):
    html = detail_panel.detail_html("Kuźnica", index.frame)
    assert "Poland → ACCUSE → Belarus" in html
    assert "Belarus → REJECT → Poland" in html
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; → ASSAULT" in html


def test_the_events_table_has_source_and_target_columns(index):
    from geo.app import tables

    table = tables.events_table(index)
    row = table[table["event_type"] == "ACCUSE"].iloc[0]
    assert (row["source_names"], row["target_names"]) == ("Poland", "Belarus")
    assert list(table.columns[:4]) == ["date", "source_names", "event_type", "target_names"]
    assert np.all(table.columns.get_indexer(["actor_names"]) >= 0)


def test_a_store_whose_articles_have_no_url_builds_an_index(index):
    """_safe_urls indexed an empty array with -1 when no row had a URL: the page crashed."""
    from geo.app import tables

    assert tables.events_table(index)["url"].isna().all()
