"""A capitalised common word is a place only with geographic context (issue 14, point 2).

"Turkey prices are up", "Cork stoppers", "Concord between the factions": a one-word place
name that is also a common English word, capitalised only because it opens a sentence or
stands in a title-case line, says nothing about being a name. It stays a place when the
document gives it geographic context: a class word or a comma and a place after it, a
capitalised mention of it elsewhere that its position does not explain, another place of a
country it could be in, or a demonym of that country.

Whether a word is common comes from wordfreq (Apache-2.0; data CC BY-SA 4.0), loaded on
first use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from geo.model import Place
from geo.nlp.toponyms.spans import place_context
from geo.nlp.toponyms.words import (
    PLACE_NOUNS,
    POSSESSIVES,
    STRICT_PLACE_PREPOSITIONS,
    class_word,
)

COMMON_ZIPF = 3.0
"""A word is common from this Zipf frequency (log10 of occurrences per billion words) up:
once per million words, the boundary between low- and high-frequency words in van Heuven et
al. 2014 (wordfreq's scale)."""
PLURAL_ZIPF = 2.5
"""wordfreq folds case, so a place's own mentions count as the word's: "paris" is as frequent
as "turkey". A common noun also has a plural in use ("turkeys", "jerseys", "corks": once per
3 million words); a place name has none ("sydneys", "portlands")."""
SETTLEMENT_NOUNS = frozenset(
    {"city", "town", "village", "hamlet", "county", "province", "region", "suburb",
     "neighbourhood", "neighborhood", "capital", "territory", "island", "district",
     "municipality", "borough", "parish", "port", "resort", "country", "nation", "state"}
)  # fmt: skip
OPENING_PUNCTUATION = frozenset({'"', "'", "“", "‘", "(", "[", "-", "—", "–"})


RECIPROCAL_PREPOSITIONS = frozenset({"between", "among", "amongst"})
"""A mass noun of relations takes them ("Concord between the factions", "Harmony among
members"); a place is not "between" anything it names."""


@lru_cache(maxsize=50_000)
def frequent_word(text: str) -> bool:
    """ "China", "Concord": a capitalised word whose lower case is frequent in English
    (wordfreq folds case, so a place's own mentions count too: see `common_word`)."""
    if not text.isalpha() or not text[:1].isupper() or text.isupper():
        return False
    from wordfreq import zipf_frequency

    return zipf_frequency(text.lower(), "en") >= COMMON_ZIPF


@lru_cache(maxsize=50_000)
def common_word(text: str) -> bool:
    """ "Turkey", "Cork": the lower-case word is common in English."""
    if not frequent_word(text):
        return False
    from wordfreq import zipf_frequency

    word = text.lower()
    plurals = [word + "s", word + "es"] + ([word[:-1] + "ies"] if word.endswith("y") else [])
    return max(zipf_frequency(plural, "en") for plural in plurals) >= PLURAL_ZIPF


def capital_explained(doc: Doc, i: int, title_case: frozenset[int]) -> bool:
    """Token i is capitalised by its position: it opens a sentence or a line (after
    opening punctuation) or stands in a title-case line."""
    if i in title_case:
        return True
    if i > 0 and doc[i - 1].text == ",":
        return False  # "400 S. Locust St., Lebanon": the parser's sentence start is wrong
    j = i
    while j > 0 and doc[j].text in OPENING_PUNCTUATION | {""} and not doc[j].is_sent_start:
        j -= 1
    while j > 0 and doc[j - 1].text in OPENING_PUNCTUATION:
        j -= 1
    return j == 0 or doc[j].is_sent_start or "\n" in doc[j - 1].text


class GeographicContext:
    """What a document offers as geographic context for a name; built lazily, once per Doc."""

    def __init__(
        self,
        doc: Doc,
        title_case: frozenset[int],
        place_texts: set[str],
        candidates: Callable[[str], Sequence[Place]] | None,
        country_by_demonym: Callable[[str], str | None] | None,
    ) -> None:
        self.doc = doc
        self.title_case = title_case
        self.place_texts = place_texts
        self._candidates = candidates
        self._demonym = country_by_demonym
        self._countries: set[str] | None = None

    def supports(self, span: SpacySpan) -> bool:
        doc, text = self.doc, span.text
        after = span.end
        if after < len(doc) and doc[after].text in POSSESSIVES:
            return True  # "Kenya's election commission": a name's possessive
        if after + 1 < len(doc) and doc[after].text == ",":
            following = doc[after + 1]
            if following.text in self.place_texts or following.lower_ in STRICT_PLACE_PREPOSITIONS:
                return True  # "Liberty, Missouri", "Sale, near Manchester"
        if place_context(doc, span) or described_as_place(span[0]):
            return True
        for token in doc:
            if (
                token.text == text
                and token.i != span.start
                and not capital_explained(doc, token.i, self.title_case)
            ):
                return True  # "... in Reading" elsewhere
        own = self._codes(text)
        return bool(own & self._document_countries(text))

    def _codes(self, text: str) -> set[str]:
        if self._candidates is None:
            return set()
        return {p.country_code for p in self._candidates(text) if p.country_code}

    def _document_countries(self, text: str) -> set[str]:
        if self._countries is None:
            countries: set[str] = set()
            for other in self.place_texts:
                if other != text:
                    countries |= self._codes(other)
            for ent in self.doc.ents:
                if ent.label_ == "NORP" and self._demonym is not None:
                    code = self._demonym(ent.text)
                    if code:
                        countries.add(code)
            self._countries = countries
        return self._countries


def _place_noun(token) -> bool:
    lemma = token.lemma_.lower()
    return lemma in PLACE_NOUNS or class_word(token, "after") is not None


def described_as_place(token, settlement: bool = False) -> bool:
    """In apposition to a place noun ("Liberty, a small city in Missouri") or its subject
    with one as predicate ("Reading is a busy commuter town"). `settlement`, for a name
    with no other cue: only nouns of settlements and areas ("Smith, a partner at the firm"
    is no place)."""

    def noun(t) -> bool:
        return t.lemma_.lower() in SETTLEMENT_NOUNS if settlement else _place_noun(t)

    if any(c.dep_ == "appos" and noun(c) for c in token.children):
        return True
    head = token.head
    return (
        token.dep_ == "nsubj"
        and head.lemma_ == "be"
        and any(c.dep_ == "attr" and noun(c) for c in head.children)
    )


def mass_noun_use(token) -> bool:
    """The parse uses the word as a mass noun: coordinated with a bare lower-case singular
    noun ("China and glassware", "Amber and jade"; not "Paris and nearby towns", "Iran and
    sanctions": a plural is as often what a place has) or taking a
    reciprocal preposition ("Concord between the factions"; not "China between 1990 and
    2000": a date or number is no party)."""
    for child in token.children:
        if (
            child.dep_ == "conj"
            and child.is_alpha
            and child.is_lower
            and child.tag_ in {"NN", "NNP"}
            and not _place_noun(child)
            and not any(c.dep_ in {"det", "poss", "nummod"} for c in child.children)
        ):
            return True
        if child.dep_ == "prep" and child.lower_ in RECIPROCAL_PREPOSITIONS:
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects and all(
                o.tag_ in {"NN", "NNS"} and not o.ent_type_ and not _place_noun(o) for o in objects
            ):
                return True
    return False


def common_word_sense(
    span: SpacySpan, hint: object, context: GeographicContext, country: bool = False
) -> bool:
    """A one-word place name that is a common word, capitalised by its position, with no
    class word after it ("Kaduna state") and no geographic context in the document; or a
    frequent word so capitalised that the sentence uses as a mass noun (`mass_noun_use`:
    "Cologne and perfume", "Concord between the factions", which have no plural in use).
    A `country` (or continent) is never taken for a mass noun: "Russia and gas dominated
    the agenda", "Japan and rice" are the countries far more often than "China and
    glassware" is porcelain."""
    if len(span) != 1 or hint is not None:
        return False
    if not frequent_word(span.text) or not capital_explained(
        span.doc, span.start, context.title_case
    ):
        return False
    if not (common_word(span.text) or (not country and mass_noun_use(span[0]))):
        return False
    return not context.supports(span)
