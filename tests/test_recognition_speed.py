"""Speed mechanisms of the per-token passes (issue 13, ingest targets): each pass reads a
token's attributes once and makes a spaCy Span (microseconds each) only for a run of tokens
that can still be a name; the country lexicon tests its table before making a Token; the
distance skips np.clip's Python-level dispatch. Same candidates, same numbers."""

from __future__ import annotations

import numpy as np
import pytest

import geo.nlp.toponyms.missed as missed
from geo.nlp.actors.countries import country_lexicon
from geo.nlp.actors.words import fold
from geo.nlp.toponyms.evidence import DocEvidence, person_names
from geo.nlp.toponyms.recogniser import ToponymRecogniser
from geo.places.geometry import distance_km
from tests.test_place_senses import FakeGazetteer, blank_nlp, city, country

LOOKUP = FakeGazetteer(
    {
        "Kuznica": city("Kuznica", 2_000, "PL"),
        "British Virgin Islands": country("British Virgin Islands", "VG"),
        "Grodno": city("Grodno", 360_000, "BY"),
        "Sale": city("Sale", 134_000, "GB"),
        "Manchester": city("Manchester", 550_000, "GB"),
    }
)
TEXT = (
    "Troops moved near Kuznica on Tuesday, and Grodno officials said the British Virgin "
    "Islands sent Aid to the Border guards, while Officials in the capital said little. "
    "Sale, near Manchester, was quiet."
)


def _doc_and_recogniser():
    doc = blank_nlp(lookup=LOOKUP).make_doc(TEXT)
    return doc, ToponymRecogniser(LOOKUP)


def test_known_names_are_looked_for_with_one_capitals_test_a_token(monkeypatch):
    doc, recogniser = _doc_and_recogniser()
    evidence = DocEvidence(doc, person_names(doc))
    expected = [(c.start, c.end) for c in recogniser._gazetteer_names(doc, evidence)]
    calls = []
    real = missed.is_capitalised
    monkeypatch.setattr(missed, "is_capitalised", lambda t: calls.append(t.i) or real(t))
    found = [(c.start, c.end) for c in recogniser._gazetteer_names(doc, evidence)]
    assert found == expected
    assert [doc[s:e].text for s, e in found] == ["Sale"]  # "Sale, near Manchester"
    # once a token, not once a span tried (and once more for "Manchester", near "Sale")
    assert set(calls) == set(range(len(doc))) and len(calls) <= len(doc) + 1


def test_multiword_names_are_tried_only_on_spans_capitalised_at_both_ends(monkeypatch):
    doc, recogniser = _doc_and_recogniser()
    evidence = DocEvidence(doc, person_names(doc))
    tried = []
    real = ToponymRecogniser._name_shaped

    def shaped(self, span):
        tried.append(span)
        return real(self, span)

    monkeypatch.setattr(ToponymRecogniser, "_name_shaped", shaped)
    found = [doc[c.start : c.end].text for c in recogniser._multiword_names(doc, evidence)]
    assert found == ["British Virgin Islands"]
    assert tried and all(s[-1].text[:1].isupper() for s in tried)


class _CountingDoc:
    """Stands in for a Doc: counts the Tokens made (`doc[i]`)."""

    def __init__(self, words: list[str]) -> None:
        self.words, self.user_data, self.made = words, {}, []

    def __len__(self) -> int:
        return len(self.words)

    def __iter__(self):
        return iter(_Word(w) for w in self.words)

    def __getitem__(self, i: int):
        self.made.append(i)
        return _Word(self.words[i])


class _Word:
    def __init__(self, text: str) -> None:
        self.text = text


def test_the_country_lexicon_makes_a_token_only_where_a_country_word_starts():
    lexicon = country_lexicon()
    words = [
        "the",
        "Polish",
        "border",
        "guards",
        "and",
        "officials",
        "of",
        "Belarus",
        "said",
        "nothing",
    ]
    doc = _CountingDoc(words)
    hits = {i: lexicon.demonym_at(doc, i) or lexicon.name_at(doc, i) for i in range(len(words))}
    assert hits[1] == (2, "PL") and hits[7] == (8, "BY")
    assert {i for i, hit in hits.items() if hit is None} == set(range(len(words))) - {1, 7}
    starts = {i for i, w in enumerate(words) if fold(w) in lexicon.first_words}
    assert set(doc.made) <= starts and len(starts) < len(words) / 2  # not one a word asked


def test_distances_do_not_go_through_np_clip(monkeypatch):
    expected = distance_km(52.23, 21.01, 53.90, 27.57)  # Warsaw - Minsk
    lats = np.array([53.90, 52.23])

    def no_clip(*args, **kwargs):
        raise AssertionError("np.clip")

    monkeypatch.setattr(np, "clip", no_clip)
    assert distance_km(52.23, 21.01, 53.90, 27.57) == expected
    assert expected == pytest.approx(475, abs=10)
    assert distance_km(52.23, 21.01, lats, np.array([27.57, 21.01])).tolist() == [expected, 0.0]


def test_facility_names_read_each_token_once(monkeypatch):
    import geo.nlp.toponyms.facilities as facilities

    doc = blank_nlp(lookup=LOOKUP).make_doc(
        "Crowds gathered at the Kuznica Border Crossing and in St. Peter's Square on Sunday."
    )
    expected = [(c.start, c.end) for c in facilities.facility_candidates(doc, set())]
    calls = []
    real = facilities.is_capitalised
    monkeypatch.setattr(facilities, "is_capitalised", lambda t: calls.append(t.i) or real(t))
    found = [(c.start, c.end) for c in facilities.facility_candidates(doc, set())]
    assert found == expected
    assert [doc[s:e].text for s, e in found] == ["Kuznica Border Crossing", "St. Peter's Square"]
    possessives = sum(t.text == "'s" for t in doc)  # the one word after each is read again
    assert len(calls) <= len(doc) + possessives


def test_marks_are_stripped_once_a_word(monkeypatch):
    import geo.nlp.actors.words as words

    words.strip_marks.cache_clear()
    calls = []
    real = words.unicodedata.normalize
    monkeypatch.setattr(
        words.unicodedata, "normalize", lambda form, text: calls.append(text) or real(form, text)
    )
    assert [words.strip_marks(w) for w in ("Błaszczak", "Kuźnica", "Błaszczak")] == [
        "Blaszczak",
        "Kuznica",
        "Blaszczak",
    ]
    assert calls == ["Blaszczak", "Kuźnica"]
