"""Third round of other senses (issue 14 point 2): clubs, people named after places, products,
mass nouns, derived country initials. One test per mechanism, each failing without it.

As in test_place_senses, a blank pipeline stands in for the model: entities set by an
entity_ruler or by hand, and, where a mechanism reads the parse, heads, labels, tags and
lemmas given row by row.
"""

from __future__ import annotations

from dataclasses import dataclass

import test_place_senses as place_senses
from spacy.language import Language
from spacy.tokens import Doc
from test_place_senses import texts

from geo.nlp import find_toponyms


@dataclass(frozen=True)
class FakePlace:
    name: str
    kind: str
    population: int
    country_code: str | None = None


class FakeGazetteer:
    def __init__(self, places: dict[str, list[FakePlace]], derived=()):
        self.places = {k.casefold(): v for k, v in places.items()}
        self.derived = set(derived)

    def is_known_name(self, name: str) -> bool:
        return name.casefold() in self.places

    def candidates(self, name: str):
        return tuple(self.places.get(name.casefold(), ()))

    def country_by_demonym(self, word: str) -> str | None:
        return None

    def needs_context(self, name: str) -> bool:
        return name in self.derived


def city(name, population=500_000, code="ES"):
    return [FakePlace(name, "city", population, code)]


def country(name, code):
    return [FakePlace(name, "country", 30_000_000, code)]


GAZ = FakeGazetteer(
    {
        "Madrid": city("Madrid", 3_200_000),
        "Lisbon": city("Lisbon", 500_000, "PT"),
        "Porto": city("Porto", 250_000, "PT"),
        "Georgia": country("Georgia", "GE"),
        "India": country("India", "IN"),
        "China": country("China", "CN"),
        "Malibu": city("Malibu", 12_000, "US"),
        "Netherlands": country("Netherlands", "NL"),
        "Concord": city("Concord", 120_000, "US"),
        "Cologne": city("Cologne", 1_000_000, "DE"),
        "KSA": country("Saudi Arabia", "SA"),
        "Saudi Arabia": country("Saudi Arabia", "SA"),
        "Riyadh": city("Riyadh", 7_000_000, "SA"),
        "PSB": country("Bolivia", "BO"),
        "UAE": country("United Arab Emirates", "AE"),
        "Liberty": city("Liberty", 30_000, "US"),
        "Ascot": city("Ascot", 18_000, "GB"),
        "Smith": city("Smith", 1_000, "US"),
        "Sale": city("Sale", 135_000, "GB"),
        "Manchester": city("Manchester", 550_000, "GB"),
    },
    derived={"KSA", "PSB"},
)


def blank_nlp(patterns=(), lookup=GAZ) -> Language:
    return place_senses.blank_nlp(patterns, lookup)


def parsed(rows, ents, lookup=GAZ) -> Doc:
    """test_place_senses.parsed, with this module's gazetteer."""
    return place_senses.parsed(rows, ents, lookup)


def test_a_club_s_word_beside_a_city_makes_it_the_club_s_name():
    """ "Real Madrid", "FC Porto", even opening the sentence; the lower-case word or a word
    elsewhere is no club's ("Real estate prices in Madrid")."""
    nlp = blank_nlp([("GPE", "Madrid"), ("GPE", "Porto"), ("GPE", "Lisbon")])
    doc = nlp("Real Madrid fans celebrated in Madrid until dawn.")
    assert [(t.text, t.start) for t in find_toponyms(doc)] == [("Madrid", 31)]
    assert texts(nlp("FC Porto won the cup in Lisbon.")) == ["Lisbon"]
    assert texts(nlp("Real estate prices in Madrid have doubled.")) == ["Madrid"]


def test_a_date_entity_holding_a_name_s_word_is_a_misread_name():
    """ "Georgia May Jagger": the NER's DATE "May Jagger" is a name; "May 5" stays a date."""
    nlp = blank_nlp([("GPE", "Georgia"), ("DATE", "May Jagger"), ("DATE", "May 5")])
    assert texts(nlp("Georgia May Jagger modelled the new collection.")) == []
    assert texts(nlp("Protests spread in Georgia May 5 and after.")) == ["Georgia"]


def test_a_place_and_a_subject_word_without_an_article_is_a_person():
    """ "India Knight wrote a column" (ORG): forename and surname; "The China Daily quotes
    officials" keeps the place the modifier rule gives."""
    rows = [("India", 1, "compound", "NNP", "India"), ("Knight", 2, "nsubj", "NNP", "Knight"),
            ("wrote", 2, "ROOT", "VBD", "write"), ("a", 4, "det", "DT", "a"),
            ("column", 2, "dobj", "NN", "column"), (".", 2, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(0, 2, "ORG")])) == []
    rows = [("The", 2, "det", "DT", "the"), ("China", 2, "compound", "NNP", "China"),
            ("Herald", 3, "nsubj", "NNP", "Herald"), ("quotes", 3, "ROOT", "VBZ", "quote"),
            ("officials", 3, "dobj", "NNS", "official"), (".", 3, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(1, 3, "ORG")])) == ["China"]


def test_the_x_after_a_product_s_noun_and_of_is_a_product():
    """ "production of the Malibu"; not "production in Malibu", nor a country that takes
    the article ("production of the Netherlands")."""

    def sentence(prep: str, det: bool, name: str) -> Doc:
        rows = [("Chevrolet", 1, "nsubj", "NNP", "Chevrolet"),
                ("ended", 1, "ROOT", "VBD", "end"),
                ("production", 1, "dobj", "NN", "production"),
                (prep, 2, "prep", "IN", prep)]  # fmt: skip
        if det:
            rows.append(("the", 5, "det", "DT", "the"))
        rows += [(name, 3, "pobj", "NNP", name), (".", 1, "punct", ".", ".")]
        return parsed(rows, [(len(rows) - 2, len(rows) - 1, "GPE")])

    assert texts(sentence("of", True, "Malibu")) == []
    assert texts(sentence("in", False, "Malibu")) == ["Malibu"]
    assert texts(sentence("of", True, "Netherlands")) == ["Netherlands"]


def test_a_sentence_opening_word_used_as_a_mass_noun_is_no_place():
    """ "Cologne and perfume were on sale", "Concord between the factions": a frequent word,
    capitalised by its position, coordinated with a bare singular noun or taking "between";
    "Cologne and Bonn", "China between 1990 and 2000" stay places, and so does a country
    ("China and glassware" is the country more often than porcelain: "Russia and gas")."""
    rows = [("Cologne", 4, "nsubjpass", "NNP", "Cologne"), ("and", 0, "cc", "CC", "and"),
            ("perfume", 0, "conj", "NN", "perfume"), ("were", 4, "auxpass", "VBD", "be"),
            ("sold", 4, "ROOT", "VBN", "sell"), (".", 4, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(0, 1, "GPE")])) == []
    rows[2] = ("Bonn", 0, "conj", "NNP", "Bonn")
    assert texts(parsed(rows, [(0, 1, "GPE")])) == ["Cologne"]
    rows[0] = ("China", 4, "nsubjpass", "NNP", "China")
    rows[2] = ("glassware", 0, "conj", "NN", "glassware")
    assert texts(parsed(rows, [(0, 1, "GPE")])) == ["China"]
    rows = [("Concord", 5, "nsubj", "NNP", "Concord"), ("between", 0, "prep", "IN", "between"),
            ("the", 3, "det", "DT", "the"), ("factions", 1, "pobj", "NNS", "faction"),
            ("did", 5, "aux", "VBD", "do"), ("end", 5, "ROOT", "VB", "end"),
            (".", 5, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(0, 1, "GPE")])) == []
    rows = [("China", 4, "nsubj", "NNP", "China"), ("between", 0, "prep", "IN", "between"),
            ("1990", 1, "pobj", "CD", "1990"), ("and", 2, "cc", "CC", "and"),
            ("grew", 4, "ROOT", "VBD", "grow"), (".", 4, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(0, 1, "GPE")])) == ["China"]


def test_derived_country_initials_need_geographic_context():
    """ "KSA" and "PSB" are letters the gazetteer derived from official names: "The PSB
    detained" and "The KSA announced" give nothing; "exports from KSA", "the KSA and the
    UAE" and "Riyadh said the KSA" give Saudi Arabia."""
    nlp = blank_nlp([("ORG", "PSB"), ("ORG", "KSA"), ("ORG", "UAE"), ("GPE", "Riyadh")])
    assert texts(nlp("The PSB detained two activists.")) == []
    assert texts(nlp("The KSA announced new visa rules.")) == []
    assert texts(nlp("Oil exports from KSA rose in March.")) == ["KSA"]
    assert texts(nlp("Riyadh said the KSA would not attend.")) == ["Riyadh", "KSA"]
    rows = [("The", 1, "det", "DT", "the"), ("KSA", 5, "nsubj", "NNP", "KSA"),
            ("and", 1, "cc", "CC", "and"), ("the", 4, "det", "DT", "the"),
            ("UAE", 1, "conj", "NNP", "UAE"), ("signed", 5, "ROOT", "VBD", "sign"),
            (".", 5, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(1, 2, "ORG"), (4, 5, "ORG")])) == ["KSA", "UAE"]


def test_a_name_described_as_a_town_is_a_place_whatever_the_ner_said():
    """ "Liberty, a small city, ..." (no entity) and "Ascot, a small town, ..." (ORG): in
    apposition to a settlement's noun; "Smith, a partner, ..." is no place."""

    def sentence(name: str, noun: str, ents) -> Doc:
        rows = [(name, 6, "nsubj", "NNP", name), (",", 0, "punct", ",", ","),
                ("a", 4, "det", "DT", "a"), ("small", 4, "amod", "JJ", "small"),
                (noun, 0, "appos", "NN", noun), (",", 0, "punct", ",", ","),
                ("voted", 6, "ROOT", "VBD", "vote"), (".", 6, "punct", ".", ".")]  # fmt: skip
        return parsed(rows, ents)

    assert texts(sentence("Liberty", "city", [])) == ["Liberty"]
    assert texts(sentence("Ascot", "town", [(0, 1, "ORG")])) == ["Ascot"]
    assert texts(sentence("Smith", "partner", [])) == []
    assert texts(sentence("Smith", "partner", [(0, 1, "ORG")])) == []


def test_a_comma_and_near_a_place_locate_the_name_before_them():
    """ "Sale, near Manchester, ..." with no entity for Sale; not "Smith, near tears"."""
    nlp = blank_nlp([("GPE", "Manchester")])
    assert texts(nlp("Sale, near Manchester, is getting a tram stop.")) == ["Sale", "Manchester"]
    assert texts(nlp("Smith, near tears, said he was sorry.")) == []
