"""A capitalised common word is a place only with geographic context (issue 14 point 2).

A blank pipeline with an entity_ruler stands in for the model; wordfreq's real frequencies
decide which names are common words ("turkey" has a plural in use, "sydney" has none).
"""

from __future__ import annotations

from dataclasses import dataclass

import spacy

from geo.nlp import find_toponyms
from geo.nlp.toponyms.commonword import capital_explained, common_word


@dataclass(frozen=True)
class FakePlace:
    name: str
    kind: str
    population: int
    country_code: str | None = None


class FakeGazetteer:
    PLACES = {
        "turkey": [FakePlace("Turkey", "country", 85_000_000, "TR")],
        "ankara": [FakePlace("Ankara", "city", 5_000_000, "TR")],
        "cork": [FakePlace("Cork", "city", 190_000, "IE")],
        "sydney": [FakePlace("Sydney", "city", 5_000_000, "AU")],
        "paris": [FakePlace("Paris", "city", 2_100_000, "FR")],
    }

    def is_known_name(self, name: str) -> bool:
        return name.casefold() in self.PLACES

    def candidates(self, name: str):
        return tuple(self.PLACES.get(name.casefold(), ()))

    def country_by_demonym(self, word: str) -> str | None:
        return {"turkish": "TR", "french": "FR"}.get(word.casefold())


def found(text: str, ents: list[tuple[str, str]]) -> list[str]:
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": lab, "pattern": p} for lab, p in ents])
    nlp.add_pipe("toponym_fixer").lookup = FakeGazetteer()
    return [t.text for t in find_toponyms(nlp(text))]


def test_common_words_are_nouns_with_a_plural_in_use():
    assert common_word("Turkey") and common_word("Cork") and common_word("Reading")
    assert not common_word("Sydney") and not common_word("Paris") and not common_word("Portland")
    assert not common_word("TURKEY") and not common_word("turkey")


def test_a_sentence_opening_common_word_needs_geographic_context():
    assert found("Turkey prices are up this Christmas.", [("GPE", "Turkey")]) == []
    assert found("Cork stoppers are back.", [("ORG", "Cork")]) == []
    # not a common word: its capital says nothing, and it stays a place
    assert found("Sydney prices are up this Christmas.", [("GPE", "Sydney")]) == ["Sydney"]


def test_geographic_context_keeps_the_common_word_a_place():
    gpe = [("GPE", "Turkey"), ("GPE", "Ankara"), ("NORP", "Turkish")]
    assert found("Prices in Turkey are up.", gpe) == ["Turkey"]  # not sentence-initial
    assert found("Turkey's prices are up.", gpe) == ["Turkey"]  # a name's possessive
    assert found("Turkey prices rose, farmers near Ankara said.", gpe) == ["Turkey", "Ankara"]
    assert found("Turkey prices rose, Turkish farmers said.", gpe) == ["Turkey"]
    assert found("Turkey prices rose. Farmers in Turkey were glad.", gpe) == ["Turkey", "Turkey"]
    assert found("Turkey prices rose, French farmers said.", gpe) == []  # another country


def test_a_capital_is_explained_at_a_sentence_start_not_after_a_comma():
    nlp = spacy.blank("en")
    doc = nlp('"Turkey prices, Turkey said.')
    assert capital_explained(doc, 1, frozenset())
    assert not capital_explained(doc, 4, frozenset())
