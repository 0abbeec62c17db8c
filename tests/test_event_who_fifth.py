"""Who, where and when of events (issue 16, fifth pass): each mechanism with a sentence of
its own, parsed by the real model; mentions placed by hand as in test_events.py."""

import pytest
from test_events import _analysed, _trigger

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


def _by_trigger(found, trigger):
    return next(e for e in found if _trigger(e) == trigger)


def test_a_title_never_written_before_a_name_is_the_governments_untitled_member(events):
    found = events(
        [
            "The Russian president condemned Poland on Tuesday.",
            "Vladimir Putin and Andrzej Duda will meet in Minsk next week.",
        ]
    )
    event = _by_trigger(found, "condemned")
    assert _names(event.source_actors) == ["Vladimir Putin"]
