"""Mechanisms of the event layer measured on events_dev (bench/events_eval.py), each with a
sentence of its own: the real model's parse is under test, the mentions are placed by hand
as in test_events.py."""

import pytest
from test_events import _analysed, _only, _trigger

from geo.events import extract_events


@pytest.fixture(scope="module")
def nlp():
    from geo.nlp.language import MODEL_PACKAGE

    spacy = pytest.importorskip("spacy")
    return spacy.load(MODEL_PACKAGE)


@pytest.fixture
def events(nlp):
    def run(sentences, **kwargs):
        analysed = _analysed(sentences, **kwargs)
        return extract_events(analysed, nlp(analysed.article.text))

    return run


def _names(actors):
    return [a.name for a in actors]


def test_an_act_done_by_saying_in_the_present_is_reported_not_a_habit(events):
    event = _only(events(["Belarus accuses Poland of deploying soldiers on the border."]))
    assert (event.event_type, _names(event.source_actors)) == ("ACCUSE", ["Belarus"])
    assert events(["The ministry fines boaters who do not pay."]) == ()


def test_an_actors_name_stops_at_its_clauses_and_prepositional_phrases(events):
    event = _only(events(["Officers arrested boaters who did not pay Indiana excise taxes."]))
    assert _names(event.target_actors) == ["boaters"]  # and "who did not pay" describes them


def test_a_pattern_is_matched_on_the_verbs_own_words_not_a_nested_clause(events):
    found = events(
        ["The EU announced fresh sanctions on the regime, which has crushed the opposition."]
    )
    announced = next(e for e in found if _trigger(e) == "announced")
    assert announced.event_type == "SANCTION"  # not "explain … opposition" (ACCUSE)


def test_the_object_of_sanctions_on_or_accusations_against_is_the_target(events):
    event = _only(events(["The European Union imposed new sanctions on Minsk."]))
    assert (event.event_type, _names(event.target_actors)) == ("SANCTION", ["Belarus"])


def test_forces_sent_to_no_one_are_deployed(events):
    deployed = _only(events(["Poland deployed 10,000 soldiers at the border."]))
    sent = _only(events(["Poland sent 100 soldiers to Belarus on Monday."]))
    assert (deployed.event_type, sent.event_type) == ("MOBILIZE", "COOPERATE")
