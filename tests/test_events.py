"""The event layer: CAMEO-coded predicates of the real model's dependency parse, their
source and target, located places and dates. The analyses' mentions are placed by hand
(the stages before are tested on their own); the parse is the real model's, since the
parse is what is under test.
"""

import datetime as dt
import io
import json

import pytest

from geo.events import event_id, extract_events
from geo.model import (
    Actor,
    ActorMention,
    AnalysedArticle,
    Article,
    DateMention,
    Place,
    ResolvedToponym,
    Sentence,
    Sourced,
    Span,
    Toponym,
)

PUBLISHED = dt.date(2021, 11, 9)
PLACES = {
    "Kuznica": Place("Kuznica", "village", "PL", 53.51, 23.64, "geonames", geonameid=766927),
    "Poland": Place("Poland", "country", "PL", 52.0, 20.0, "geonames", geonameid=798544),
    "Belarus": Place("Belarus", "country", "BY", 53.0, 28.0, "geonames", geonameid=630336),
    "Warsaw": Place("Warsaw", "city", "PL", 52.23, 21.01, "geonames", geonameid=756135),
    "Minsk": Place("Minsk", "city", "BY", 53.9, 27.57, "geonames", geonameid=625144),
}
ACTORS = {
    "Lukashenko": Actor("lukashenko", "Alexander Lukashenko", "person", "BY"),
    "Putin": Actor("putin", "Vladimir Putin", "person", "RU"),
    "Duda": Actor("duda", "Andrzej Duda", "person", "PL"),
    "Polish guards": Actor("pl_border_guard", "Polish Border Guard", "government", "PL"),
}


def _occurrences(text, needle):
    start = text.find(needle)
    while start >= 0:
        yield start
        start = text.find(needle, start + 1)


def _analysed(sentences, *, boilerplate=(), dates=(), unresolved=(), published=PUBLISHED):
    """An AnalysedArticle whose mentions are every occurrence of the known names."""
    text = ""
    spans = []
    for sentence in sentences:
        if text:
            text += " "
        spans.append(Sentence(len(text), len(text) + len(sentence), sentence))
        text += sentence
    toponyms = []
    for name, place in PLACES.items():
        for start in _occurrences(text, name):
            toponyms.append(ResolvedToponym(Toponym(start, start + len(name), name), place, 1.0))
    for name in unresolved:
        for start in _occurrences(text, name):
            toponyms.append(ResolvedToponym(Toponym(start, start + len(name), name), None))
    actors = [
        ActorMention(start, start + len(name), name, actor)
        for name, actor in ACTORS.items()
        for start in _occurrences(text, name)
    ]
    date_mentions = [
        DateMention(start, start + len(phrase), phrase, date, "day")
        for phrase, date in dates
        for start in _occurrences(text, phrase)
    ]
    bp = tuple(Span(s, s + len(b)) for b in boilerplate for s in _occurrences(text, b))
    article = Article(
        id="a1",
        text=text,
        path="a1.txt",
        title=Sourced("Border crisis", "explicit"),
        source=Sourced("AFP", "inferred"),
        url=Sourced("https://example.org/a1", "explicit"),
        published=Sourced(published, "explicit" if published else "unknown"),
        boilerplate=bp,
    )
    return AnalysedArticle(
        article,
        tuple(spans),
        tuple(sorted(toponyms, key=lambda t: t.toponym.start)),
        tuple(sorted(actors, key=lambda a: a.start)),
        tuple(date_mentions),
    )


def _only(events):
    assert len(events) == 1, events
    return events[0]


def _roles(event):
    return {ep.mention: ep.role for ep in event.places}


def _trigger(event):
    return event.excerpt[event.trigger_start - event.start : event.trigger_end - event.start]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Minsk accused Warsaw of staging provocations.", "ACCUSE"),
        ("Lukashenko and Putin met in Minsk on Tuesday.", "CONSULT"),
        ("Duda demanded the release of the prisoners.", "REQUEST"),
        ("The European Union imposed new sanctions on Minsk.", "SANCTION"),  # EVENTS.md
        ("Polish guards detained 50 migrants near Kuznica.", "COERCE"),
        ("Lukashenko said that Belarus would not agree to the talks.", "REJECT"),
        ("Poland and Belarus agreed on a ceasefire.", "AGREE"),
        ("Minsk rejected the accusations on Monday.", "REJECT"),  # EVENTS.md's sense
        ("Soldiers attacked the camp near Kuznica.", "ASSAULT"),
        ("Thousands of protesters demonstrated in Warsaw on Sunday.", "PROTEST"),
    ],
)
def test_the_type_comes_from_the_cameo_dictionary_and_plover_table(events, sentence, expected):
    assert _only(events([sentence])).event_type == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Duda will visit Minsk in June.", "AGREE"),  # a cooperative act announced
        ("Poland will impose sanctions on Belarus.", "THREATEN"),  # a conflictual one
        ("Lukashenko said Belarus would expel the diplomats.", "THREATEN"),  # reported "will"
    ],
)
def test_an_act_announced_for_the_future_is_a_commitment_or_a_threat(events, sentence, expected):
    assert _only(events([sentence])).event_type == expected


def test_each_event_keeps_its_cameo_code_and_trigger(events):
    event = _only(events(["Minsk accused Warsaw of staging provocations."]))
    assert event.cameo == "112" and _trigger(event) == "accused"


@pytest.mark.parametrize(
    "sentence",
    [
        "The migrants are cold and hungry in the forest.",  # a state
        "Lukashenko said the economy is strong.",  # a statement that is no act
        "Poland could attack Belarus.",  # a hypothetical
        "Will Poland close the border?",  # a question
        "If Minsk sends troops, Warsaw will respond.",  # a condition
        "Lukashenko wants to visit Warsaw.",  # an intention
        "Guards did not attack the migrants.",  # a negated act reports none
        "The border is 400 km long and runs through the forest.",  # a description
    ],
)
def test_sentences_that_report_no_event_give_none(events, sentence):
    assert events([sentence]) == ()


def test_a_violent_verb_with_no_actor_behind_it_is_a_happening(events):
    event = _only(events(["A cholera epidemic in Poland has killed over 1,200 people."]))
    assert event.event_type == "OTHER"


def test_a_sports_or_disease_story_gives_happenings_not_interactions(events):
    event = _only(events(["Manchester United attacked Liverpool in the second half."]))
    assert event.event_type == "OTHER"


def test_a_country_or_capital_acting_is_its_government(events):
    event = _only(events(["Warsaw accused Minsk of staging provocations."]))
    assert [a.name for a in event.source_actors] == ["Poland"]
    assert [a.name for a in event.target_actors] == ["Belarus"]


def test_a_passive_agent_is_the_source_and_its_subject_the_target(events):
    event = _only(events(["Lukashenko was condemned by Duda on Monday."]))
    assert [a.name for a in event.source_actors] == ["Andrzej Duda"]
    assert [a.name for a in event.target_actors] == ["Alexander Lukashenko"]


def test_coordinated_actors_are_each_kept(events):
    event = _only(events(["Lukashenko and Putin met in Minsk on Tuesday."]))
    assert {a.name for a in event.source_actors} == {"Alexander Lukashenko", "Vladimir Putin"}


def test_a_pronoun_is_the_actor_it_stands_for(events):
    first, second = events(["Lukashenko met Putin in Minsk.", "He accused Poland of lying."])
    assert [a.name for a in second.source_actors] == ["Alexander Lukashenko"]
    assert [a.name for a in second.target_actors] == ["Poland"]


def test_generic_actors_keep_their_country(events):
    event = _only(events(["Kuznica police arrested two smugglers."]))
    [police] = event.source_actors
    assert police.name == "Kuznica police" and police.country_code == "PL"


def test_one_sentence_may_hold_several_events_each_with_its_trigger(events):
    found = events(["Poland expelled ten Belarusian diplomats and attacked the camp."])
    assert [(e.event_type, _trigger(e)) for e in found] == [
        ("SANCTION", "expelled"),
        ("ASSAULT", "attacked"),
    ]
    assert len({e.id for e in found}) == 2


def test_places_that_locate_the_event_and_places_only_mentioned(events):
    event = _only(events(["Warsaw said guards detained 50 migrants near Kuznica."]))
    assert _roles(event) == {"Warsaw": "mentioned", "Kuznica": "located"}


def test_a_dateline_locates_events_whose_sentence_names_no_place(nlp):
    text = "KUZNICA (AP) — Guards detained 50 migrants on Monday."
    article = Article("d1", text, "d1.txt", published=Sourced(PUBLISHED, "explicit"))
    place = PLACES["Kuznica"]
    toponym = ResolvedToponym(Toponym(0, 7, "KUZNICA"), place, 1.0)
    analysed = AnalysedArticle(article, (Sentence(0, len(text), text),), (toponym,), (), ())
    event = _only(extract_events(analysed, nlp(text)))
    assert [(p.place.geonameid, p.role) for p in event.places] == [(766927, "located")]


def test_the_date_is_the_events_own_not_a_year_inside_a_noun_phrase(events):
    dated = _only(
        events(
            ["Polish guards detained 50 migrants on Tuesday."],
            dates=[("on Tuesday", dt.date(2021, 11, 9))],
        )
    )
    assert (dated.date, dated.date_precision) == (dt.date(2021, 11, 9), "day")
    undated = _only(
        events(
            ["Poland accused Belarus under the Act of 1956."],
            dates=[("1956", dt.date(1956, 1, 1))],
        )
    )
    assert undated.date_precision == "publication"


def test_a_repeated_caption_is_one_event_and_boilerplate_none(events):
    caption = "Polish guards detained 50 migrants near Kuznica."
    found = events(
        [caption, "Read more: Minsk accused Warsaw.", caption],
        boilerplate=["Read more: Minsk accused Warsaw."],
    )
    assert len(found) == 1


def test_ids_are_stable_and_the_parse_must_be_of_the_article(events, nlp):
    first = events(["Minsk accused Warsaw.", "Warsaw denied it."])
    again = events(["Minsk accused Warsaw.", "Warsaw denied it."])
    assert [e.id for e in first] == [e.id for e in again]
    assert first[0].id == event_id("a1", first[0].start, first[0].end, first[0].trigger_start)
    with pytest.raises(ValueError, match="not a parse"):
        extract_events(_analysed(["Minsk accused Warsaw."]), nlp("Something else."))


def test_event_records_are_the_scorers_format(events):
    from geo.events import event_record

    event = _only(events(["Polish guards detained 50 migrants near Kuznica."], dates=[]))
    record = event_record(event)
    assert set(record) >= {
        "start", "end", "trigger_start", "trigger_end", "type", "source", "target",
        "located", "date", "date_precision",
    }  # fmt: skip
    assert record["located"] == [
        {"name": "Kuznica", "lat": 53.51, "lon": 23.64, "geonameid": 766927,
         "kind": "village", "precision": 1}
    ]  # fmt: skip
    assert record["date"] is None and record["date_precision"] == "unknown"


def test_the_events_command_writes_a_line_per_article_and_names_bad_lines(nlp, capsys):
    from geo.places import Gazetteer
    from geo.streams import events_stream

    gazetteer = Gazetteer.from_places([PLACES["Kuznica"], PLACES["Poland"]])
    lines = [
        json.dumps({"id": "a", "text": "Guards detained 50 migrants in Kuznica on Monday.",
                    "published": "2021-11-09"}),
        '{"id": "b", "text": ' + "[" * 50_000 + "]" * 50_000 + "}",
        json.dumps({"id": "c", "title": "no text"}),
        json.dumps({"id": "d", "text": "The forest is cold."}),
    ]  # fmt: skip
    sink = io.StringIO()
    failures = events_stream(io.StringIO("\n".join(lines) + "\n"), sink, gazetteer, nlp)
    out = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert failures == 2 and [o["id"] for o in out] == ["a", None, None, "d"]
    [event] = out[0]["events"]
    assert event["type"] == "COERCE" and event["date"] == "2021-11-08"
    assert [p["geonameid"] for p in event["located"]] == [766927]
    assert out[3]["events"] == []
    errors = capsys.readouterr().err
    assert "line 2: " in errors and "nested too deeply" in errors and "line 3: " in errors
