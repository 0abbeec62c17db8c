"""Who of events (issue 16, sixth pass): each mechanism with a sentence of its own, parsed
by the real model; mentions placed by hand as in test_events.py."""

import pytest
import test_events
from test_events import _trigger

from geo.model import Place


def _names(actors):
    return [a.name for a in actors]


def _by_trigger(found, trigger):
    return next(e for e in found if _trigger(e) == trigger)


@pytest.fixture
def with_us(monkeypatch):
    us = Place("United States", "country", "US", 39.0, -98.0, "geonames", geonameid=6252001)
    monkeypatch.setitem(test_events.PLACES, "US", us)


def test_us_in_capitals_is_the_united_states_not_the_pronoun(events, with_us):
    (event,) = events(["The EU and US announced fresh sanctions on Belarus."])
    assert "United States" in _names(event.source_actors)


BORDER_ARTICLE = [
    "Migrants from Belarus waited at the Belarus-Poland border.",
    "Poland massed thousands of soldiers at the border.",
    "Hundreds of migrants tried to breach its border with Belarus on Friday.",
    "Migrants gathered at the border.",
]


def test_a_states_act_of_force_at_its_border_is_aimed_at_the_other_side(events):
    found = events(BORDER_ARTICLE)
    assert _names(_by_trigger(found, "massed").target_actors) == ["Belarus"]


def test_people_crossing_a_border_aim_at_the_side_they_enter_not_the_border_s_other(events):
    found = events(BORDER_ARTICLE)
    assert _names(_by_trigger(found, "tried").target_actors) == ["Poland"]
    assert _by_trigger(found, "gathered").target_actors == ()  # waiting aims at no one


@pytest.mark.parametrize(
    ("sentences", "trigger", "expected"),
    [
        (["Belarus suspended a migration agreement with Poland."], "suspended", ["Poland"]),
        (["Russia mediated talks between Belarus and Poland."], "mediated", ["Belarus", "Poland"]),
        (["Poland refused help from Frontex."], "refused", ["Frontex"]),
        (["Poland rejected calls by Lukashenko for talks."], "rejected", ["Alexander Lukashenko"]),
        (["Putin threatened to withdraw from Belarus."], "threatened", ["Belarus"]),
        (
            ["Putin threatened to strike if Lukashenko does not withdraw."],
            "threatened",
            ["Alexander Lukashenko"],
        ),
        (["Lukashenko threatened to attack Polish towns."], "threatened", ["Poland"]),
        (
            ["Lukashenko stressed that his country will not kneel in its crisis with Poland."],
            "stressed",
            ["Poland"],
        ),
        (["Duda warned that migrants who cross will be pushed back."], "warned", ["migrants"]),
        (["Duda called for sanctions against Belarus."], "called", ["Belarus"]),
    ],
)
def test_targets_named_by_the_phrases_around_the_act(events, sentences, trigger, expected):
    event = _by_trigger(events(sentences), trigger)
    assert _names(event.target_actors) == expected


def test_an_objects_to_phrase_names_its_recipient(events):
    event = _by_trigger(events(["Duda extended an invitation to Lukashenko."]), "extended")
    assert _names(event.target_actors) == ["Alexander Lukashenko"]


def test_a_dative_to_names_the_one_given_to(events):
    event = _by_trigger(events(["Putin offered economic aid to Belarus."]), "offered")
    assert _names(event.target_actors) == ["Belarus"]


def test_a_denial_answers_the_accusation_told_before_it(events):
    found = events(
        ["Poland accused Belarus of staging provocations.", "Belarus has denied the claim."]
    )
    assert _names(_by_trigger(found, "denied").target_actors) == ["Poland"]


def test_a_denial_answering_no_accusation_keeps_no_target(events):
    found = events(["Poland praised Belarus on Monday.", "Belarus has denied the claim."])
    assert _by_trigger(found, "denied").target_actors == ()


def test_a_protest_is_aimed_at_the_state_it_happens_in_a_force_at_home_at_none(events):
    found = events(
        [
            "Thousands of protesters rioted in Belarus on Sunday.",
            "Polish soldiers fired shots in Poland.",
        ]
    )
    assert _names(_by_trigger(found, "rioted").target_actors) == ["Belarus"]
    assert _by_trigger(found, "fired").target_actors == ()


def test_a_court_act_in_the_passive_is_the_judge_the_article_names(events):
    found = events(
        [
            "Circuit Judge Lukashenko heard the case.",
            "Duda was convicted of fraud and sentenced to six years.",
        ]
    )
    assert _names(_by_trigger(found, "convicted").source_actors) == ["Alexander Lukashenko"]
    assert _names(_by_trigger(found, "sentenced").source_actors) == ["Alexander Lukashenko"]


def test_a_court_act_with_no_judge_named_keeps_no_source(events):
    (event,) = events(["Duda was convicted of fraud."])
    assert event.source_actors == ()


def test_an_arrest_or_charge_in_the_passive_is_the_article_s_police(events):
    found = events(
        [
            "The police came to the house.",
            "Duda was placed under arrest; he was charged with assault.",
        ]
    )
    assert _names(_by_trigger(found, "placed").source_actors) == ["police"]
    assert _names(_by_trigger(found, "charged").source_actors) == ["police"]


def test_a_bare_count_stands_for_the_group_counted_before_it(events):
    found = events(
        ["Poland stopped hundreds of migrants at the border as thousands more gathered there."]
    )
    assert _names(_by_trigger(found, "gathered").source_actors) == ["migrants"]


def test_bare_people_identify_no_actor_and_keep_the_type(events):
    (disaster,) = events(["A cholera epidemic in Belarus has killed over 1,200 people."])
    assert disaster.event_type == "OTHER" and disaster.actors == ()
    (killing,) = events(["20 people were killed in Kuznica."])
    assert killing.event_type == "ASSAULT" and killing.target_actors == ()


def test_a_generic_owner_of_what_was_damaged_is_the_target(events):
    (event,) = events(["Duda damaged the woman's car."])
    assert _names(event.target_actors) == ["woman"]


def test_the_act_an_object_is_for_names_the_target(events):
    found = events(["Poland launched a campaign to convince boaters that the tax is due."])
    assert _names(_by_trigger(found, "launched").target_actors) == ["boaters"]


def test_what_talks_are_on_is_a_topic_not_a_target(events):
    (event,) = events(["Putin and Lukashenko held talks on Poland."])
    assert event.target_actors == ()


def test_it_opening_an_act_is_the_state_the_sentence_before_is_about(events):
    found = events(
        ["Poland said there were 7,000 migrants in Belarus.", "It said it would expel them."]
    )
    assert _names(_by_trigger(found, "expel").source_actors) == ["Poland"]


def test_an_expletive_it_stands_for_no_one(events):
    from geo.events.phrases import previous_subject_it
    from geo.model import Actor

    poland = Actor("country_pl", "Poland", "government", "PL")
    for text in ("It was emphasised that they left.", "It came as they left."):
        doc = events.nlp(f"Poland said there were 7,000 migrants. {text}")
        it = next(t for t in doc if t.text == "It")
        assert previous_subject_it(it, lambda t: poland) is None
    doc = events.nlp("Poland said there were 7,000 migrants. It said they left.")
    it = next(t for t in doc if t.text == "It")
    assert previous_subject_it(it, lambda t: poland) == poland


def test_a_state_of_emergency_is_a_condition_not_an_actor(events):
    (event,) = events(["Poland declared a state of emergency."])
    assert event.target_actors == ()


def test_a_quotation_standing_alone_is_the_speaker_before_it_going_on(events):
    found = events(
        [
            '"We saw the camps," Lukashenko said in a statement.',
            '"All pushbacks must end immediately."',
        ]
    )
    assert _names(_by_trigger(found, "must end").source_actors) == ["Alexander Lukashenko"]


def test_a_quotation_telling_of_others_acts_is_not_its_speakers(events):
    found = events(
        [
            '"We saw the camps," Lukashenko said in a statement.',
            '"Someone attacked the camp near Kuznica."',
        ]
    )
    assert _by_trigger(found, "attacked").source_actors == ()


def test_family_and_household_nouns_are_people(events):
    (infected,) = events(["A man was infected by his son."])
    assert _names(infected.source_actors) == ["son"] and _names(infected.target_actors) == ["man"]
    (examined,) = events(["His neighbors have been examined by doctors."])
    assert _names(examined.target_actors) == ["neighbors"]
