"""Who, where and when of events (issue 16, fourth pass): each mechanism with a sentence of
its own. The parse is the real model's where the parse is under test; mentions are placed by
hand as in test_events.py."""

import pytest
from test_events import PLACES, _analysed, _only, _trigger

from geo.events import extract_events
from geo.model import ResolvedToponym, Toponym


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


def _everyone(found):
    return {a.name for e in found for a in (*e.source_actors, *e.target_actors)}


def test_nothing_in_the_dateline_is_an_actor(nlp):
    from dataclasses import replace

    text = "KUZNICA, Poland (AP) - Polish police detained five migrants on Tuesday."
    analysed = _analysed([text])
    upper = ResolvedToponym(Toponym(0, 7, "KUZNICA"), PLACES["Kuznica"], 1.0)
    analysed = replace(analysed, toponyms=(upper, *analysed.toponyms))
    found = extract_events(analysed, nlp(text))
    event = _only(found)
    assert (event.event_type, _names(event.source_actors)) == ("COERCE", ["Polish police"])
    assert not {"KUZNICA", "Poland", "Associated Press", "AP"} & _everyone(found)


def test_a_generic_body_reporting_its_own_act_accuses_no_one(events):
    found = events(["Polish police detained five migrants on Tuesday, police said."])
    assert [(e.event_type, _trigger(e)) for e in found] == [("COERCE", "detained")]
