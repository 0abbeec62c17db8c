"""Facilities and streets placed in their containing settlement, and the precision code
(ACLED's geo_precision: 1 the place itself, 2 a part of or near it, 3 the region or country
only) from the resolver through events to the store.

Recognition runs on spacy.blank("en") with an entity_ruler standing in for the NER; the
resolver on a small in-memory gazetteer.
"""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest
import spacy

from geo.model import (
    FACILITY_LABEL,
    AnalysedArticle,
    Article,
    Event,
    EventPlace,
    Place,
    ResolvedToponym,
    Sentence,
    Toponym,
)
from geo.places import Gazetteer, resolve_toponyms
from geo.places.precision import mention_precision

SPRINGFIELD = Place("Springfield", "city", "US", 39.80, -89.64, "geonames", 4250542, 116_000, "IL")
SHELBYVILLE = Place("Shelbyville", "city", "US", 39.41, -88.79, "geonames", 4250000, 4_700, "IL")
ILLINOIS = Place("Illinois", "admin1", "US", 40.0, -89.0, "geonames", 4896861, 12_800_000, "IL")
CAIRO = Place("Cairo", "city", "EG", 30.06, 31.25, "geonames", 360630, 7_700_000)
KUZNICA = Place("Kuznica", "village", "PL", 53.51, 23.64, "geonames", 766927, 500)
POLAND = Place("Poland", "country", "PL", 52.0, 20.0, "geonames", 798544, 38_000_000)
PLACES = (SPRINGFIELD, SHELBYVILLE, ILLINOIS, CAIRO, KUZNICA, POLAND)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_places(PLACES)


@pytest.fixture(scope="module")
def nlp(gazetteer):
    import geo.nlp.language  # noqa: F401  (registers the toponym_fixer factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [{"label": "GPE", "pattern": p.name} for p in PLACES]
        + [{"label": "PERSON", "pattern": "Grace Hall"}, {"label": "ORG", "pattern": "Mute Swan"}]
    )
    nlp.add_pipe("toponym_fixer").lookup = gazetteer
    return nlp


def _found(nlp, text, facilities=True):
    from geo.nlp import find_toponyms

    return [(t.text, t.label) for t in find_toponyms(nlp(text), facilities=facilities)]


def _resolved(gazetteer, text, names, facilities=()):
    """resolve_toponyms over the first occurrence of each name (facilities labelled)."""
    toponyms = [Toponym(text.index(n), text.index(n) + len(n), n, "GPE") for n in names]
    toponyms += [
        Toponym(text.index(n), text.index(n) + len(n), n, FACILITY_LABEL) for n in facilities
    ]
    toponyms.sort(key=lambda t: t.start)
    return {r.toponym.text: r for r in resolve_toponyms(toponyms, text, gazetteer)}


# --- recognition ---------------------------------------------------------------------------


def test_streets_and_facilities_are_found_only_when_asked(nlp):
    text = "Police closed Elm Street in Springfield. Fans filled Madison Square Garden."
    assert _found(nlp, text) == [
        ("Elm Street", FACILITY_LABEL),
        ("Springfield", "GPE"),
        ("Madison Square Garden", FACILITY_LABEL),
    ]
    # The geoparse's place names are the same with or without the facilities.
    assert _found(nlp, text, facilities=False) == [("Springfield", "GPE")]


def test_a_lower_case_facility_word_makes_the_name_before_it_a_facility(nlp):
    assert _found(nlp, "Flights resumed at Sheremetyevo international airport today.") == [
        ("Sheremetyevo international airport", FACILITY_LABEL)
    ]


def test_a_known_place_opening_a_facility_stays_the_place(nlp):
    # The place name wins; the facility word after it makes the mention "near" (below).
    found = _found(nlp, "Migrants camped at the Kuznica border crossing.")
    assert [text for text, label in found] == ["Kuznica"] and found[0][1] != FACILITY_LABEL


def test_names_without_a_facility_word_and_people_are_no_facilities(nlp):
    text = "Grace Hall said the Mute Swan was closed. Street vendors left."
    assert _found(nlp, text) == []


def test_a_sentence_opening_word_is_not_part_of_the_street(nlp):
    assert _found(nlp, "At Main Street, people gathered.") == [("Main Street", FACILITY_LABEL)]


# --- resolution ----------------------------------------------------------------------------


def test_a_street_takes_the_place_named_after_it(gazetteer):
    text = "Shots were fired in the 200 block of Elm Street, Springfield. Shelbyville was calm."
    found = _resolved(gazetteer, text, ["Springfield", "Shelbyville"], ["Elm Street"])
    street = found["Elm Street"]
    assert street.toponym.text == "Elm Street"  # the mention keeps the street's own name
    assert street.place == SPRINGFIELD and street.precision == 2
    assert found["Springfield"].precision == 1


def test_an_airport_takes_the_settlement_opening_its_name(gazetteer):
    text = "A plane landed at Cairo International Airport on Monday."
    found = _resolved(gazetteer, text, [], ["Cairo International Airport"])
    assert found["Cairo International Airport"].place == CAIRO
    assert found["Cairo International Airport"].precision == 2


def test_a_street_falls_back_to_its_sentence_then_the_document(gazetteer):
    text = (
        "Springfield police said so. Springfield was quiet. "
        "A Shelbyville man was hurt on Main Street. The Grand Hotel was closed."
    )
    found = _resolved(
        gazetteer, text, ["Springfield", "Shelbyville"], ["Main Street", "Grand Hotel"]
    )
    assert found["Main Street"].place == SHELBYVILLE  # the only settlement of its sentence
    assert found["Grand Hotel"].place == SPRINGFIELD  # the settlement the document names most
    assert found["Grand Hotel"].precision == 2


def test_a_facility_in_a_document_naming_only_a_region_is_there_at_precision_3(gazetteer):
    text = "The clinic on Elm Street closed. Illinois officials gave no reason."
    street = _resolved(gazetteer, text, ["Illinois"], ["Elm Street"])["Elm Street"]
    assert street.place == ILLINOIS and street.precision == 3


def test_a_facility_in_a_document_naming_no_place_has_none(gazetteer):
    street = _resolved(gazetteer, "A man was shot on Elm Street.", [], ["Elm Street"])
    assert street["Elm Street"].place is None and street["Elm Street"].precision is None


def test_an_unknown_name_ending_in_a_street_word_is_placed_like_a_facility(gazetteer):
    text = "Police sealed off the south end of Oak Avenue, Springfield."
    found = _resolved(gazetteer, text, ["Oak Avenue", "Springfield"])
    assert found["Oak Avenue"].toponym.label == "GPE"
    assert found["Oak Avenue"].place == SPRINGFIELD and found["Oak Avenue"].precision == 2


def test_facilities_never_sway_the_places(gazetteer):
    text = "Crowds gathered at Springfield Plaza. Springfield and Cairo were named."
    names = ["Springfield", "Cairo"]
    alone = _resolved(gazetteer, text, names)
    with_facility = _resolved(gazetteer, text, names, ["Springfield Plaza"])
    assert {n: alone[n] for n in names} == {n: with_facility[n] for n in names}


@pytest.mark.parametrize(
    ("text", "name", "precision"),
    [
        ("Guards detained migrants in Kuznica.", "Kuznica", 1),
        ("Guards detained migrants near Kuznica.", "Kuznica", 2),
        ("Shots were heard 5 km north of Kuznica.", "Kuznica", 2),
        ("Migrants camped at the Kuznica border crossing.", "Kuznica", 2),
        ("Clashes broke out in northern Springfield.", "Springfield", 2),
        ("Clashes broke out on the outskirts of Springfield.", "Springfield", 2),
        ("Guards detained migrants in Poland.", "Poland", 3),
        ("Storms hit Illinois.", "Illinois", 3),
        ("Springfield was accused by Cairo.", "Cairo", 1),
    ],
)
def test_the_precision_of_a_place_mention(text, name, precision):
    place = next(p for p in PLACES if p.name == name)
    start = text.index(name)
    assert mention_precision(place, text, start, start + len(name)) == precision


def test_a_crossing_resolved_to_itself_is_precise():
    crossing = Place("Kuznica", "crossing", "PL", 53.52, 23.65, "supplement")
    text = "Migrants camped at the Kuznica border crossing."
    assert mention_precision(crossing, text, 23, 30) == 1
    assert mention_precision(None, text, 23, 30) is None


def test_resolved_places_carry_their_precision(gazetteer):
    text = "Guards detained migrants near Kuznica in Poland."
    found = _resolved(gazetteer, text, ["Kuznica", "Poland"])
    assert (found["Kuznica"].precision, found["Poland"].precision) == (2, 3)


# --- events and the store ------------------------------------------------------------------


def _event(places: tuple[EventPlace, ...], article_id: str = "a1") -> Event:
    return Event(
        id=f"{article_id}-e1", article_id=article_id, event_type="ASSAULT", actors=(),
        date=dt.date(2021, 11, 8), date_precision="day", places=places, excerpt="x",
        start=0, end=1, context_before="", context_after="", source=None, url=None,
        published=None,
    )  # fmt: skip


def test_the_events_record_carries_each_located_places_precision():
    from geo.events import event_record

    event = _event(
        (
            EventPlace(SPRINGFIELD, "Elm Street", 0, 10, "located", 2),
            EventPlace(POLAND, "Poland", 20, 26, "located"),  # not judged: by its kind
        )
    )
    located = event_record(event)["located"]
    assert [(p["name"], p["kind"], p["precision"]) for p in located] == [
        ("Springfield", "city", 2),
        ("Poland", "country", 3),
    ]


def test_event_places_keep_the_finest_precision_of_a_place_in_one_role():
    from geo.events.located import event_places

    text = "on Elm Street in Springfield"
    street = ResolvedToponym(Toponym(3, 13, "Elm Street", FACILITY_LABEL), SPRINGFIELD, 0.0, 2)
    town = ResolvedToponym(Toponym(17, 28, "Springfield"), SPRINGFIELD, 1.0, 1)
    (place,) = event_places([street, town], ["located", "located"])
    assert (place.mention, place.precision) == ("Elm Street", 1)
    assert text[place.start : place.end] == "Elm Street"


def _cached(precisions: tuple[int | None, ...], article_id: str = "a1"):
    from geo.store import CachedArticle

    text = "Shots on Elm Street in Springfield."
    article = Article(id=article_id, text=text, path=f"{article_id}.txt")
    street = ResolvedToponym(Toponym(9, 19, "Elm Street", FACILITY_LABEL), SPRINGFIELD, 0.0, 2)
    town = ResolvedToponym(Toponym(23, 34, "Springfield"), SPRINGFIELD, 1.0, 1)
    places = tuple(
        EventPlace(p, p.name, 0, 1, "located", precision)
        for p, precision in zip((SPRINGFIELD, ILLINOIS), precisions, strict=False)
    )
    analysed = AnalysedArticle(article, (Sentence(0, len(text), text),), (street, town), (), ())
    return CachedArticle(analysed, (_event(places, article_id),))


def test_the_store_keeps_the_precision_of_event_places_and_places(tmp_path):
    from geo.store import load_event_places, load_events, load_places, write_store

    write_store(tmp_path, [(_cached((2, None)), "hash")], {})
    rows = load_event_places(tmp_path)
    assert rows["place_precision"].tolist()[0] == 2
    assert rows["place_precision"].isna().tolist() == [False, True]
    assert str(rows["place_precision"].dtype) == "Int64"
    assert load_events(tmp_path)["place_precisions"].tolist() == ["2|"]
    places = load_places(tmp_path).set_index("name")
    # Springfield is named exactly once ("in Springfield"): its finest precision is 1.
    assert places.loc["Springfield", "precision"] == 1
    assert places["precision"].isna().tolist() == [False, True]  # Illinois: not judged


def _drop_column(folder, column):
    for path in folder.glob("*.parquet"):
        table = pq.read_table(path)
        pq.write_table(table.drop_columns([column]), path)


def test_a_store_written_before_precision_reads_it_as_unknown(tmp_path):
    """Partitions without the columns (stores written by earlier versions), alone and next
    to a newer partition, read as null: no error, and DuckDB's views read them too."""
    from geo.store import connect_store, load_event_places, load_places, update_store

    update_store(tmp_path, [(_cached((2,)), "h1", None)], (), {}, replace_all=True)
    _drop_column(tmp_path / "events.geoparquet", "place_precision")
    _drop_column(tmp_path / "places.parquet", "precision")
    _drop_column(tmp_path / "events.parquet", "place_precisions")
    assert load_event_places(tmp_path)["place_precision"].isna().all()
    assert load_places(tmp_path)["precision"].isna().all()

    update_store(tmp_path, [(_cached((2,), "a2"), "h2", None)], (), {})
    rows = load_event_places(tmp_path).set_index("article_id")
    assert rows["place_precision"].isna().to_dict() == {"a1": True, "a2": False}
    assert load_places(tmp_path).set_index("name").loc["Springfield", "precision"] == 1
    con = connect_store(tmp_path)
    seen = con.execute("SELECT article_id, place_precision FROM event_places ORDER BY 1").fetchall()
    assert seen == [("a1", None), ("a2", 2)]


# --- the dashboard -------------------------------------------------------------------------


def _dashboard_frame():
    from geo.store import events_to_geodataframe

    street = _event((EventPlace(SPRINGFIELD, "Elm Street", 0, 1, "located", 2),), "a1")
    region = _event((EventPlace(ILLINOIS, "Illinois", 0, 1, "located", 3),), "a2")
    unknown = _event((EventPlace(SPRINGFIELD, "Springfield", 0, 1, "located"),), "a3")
    return events_to_geodataframe([street, region, unknown])


def test_the_popup_and_detail_panel_say_how_near_each_event_is():
    from geo.app import detail_panel, frame_index, mapview

    index = frame_index.build_index(_dashboard_frame())
    markers = {m.name: m for m in mapview.place_markers(index)}
    assert sorted(e[0] for e in markers["Springfield"].entries) == [
        "2021-11-08",
        "2021-11-08 · near",
    ]
    assert [e[0] for e in markers["Illinois"].entries] == ["2021-11-08 · region"]
    panel = detail_panel.detail_html(
        "Springfield", mapview.events_at_place(index, None, SPRINGFIELD.key)
    )
    assert panel.count("2021-11-08 · near ·") + panel.count("2021-11-08 · near<") == 1


def test_a_frame_without_precisions_shows_no_word():
    from geo.app import detail_panel, frame_index, mapview

    index = frame_index.build_index(_dashboard_frame().drop(columns="place_precision"))
    entries = [e[0] for m in mapview.place_markers(index) for e in m.entries]
    assert entries == ["2021-11-08"] * 3
    panel = detail_panel.detail_html(
        "Springfield", mapview.events_at_place(index, None, SPRINGFIELD.key)
    )
    assert "near" not in panel and "exact" not in panel
