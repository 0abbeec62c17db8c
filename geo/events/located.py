"""Where an event happened: which places of its sentence locate it, and which are only
mentioned (origin, destination, topic, part of a name), read from the dependency parse.

`located` places are where the event happened ("in X", "at X", "entered X"); a subject
("Warsaw announced") or a modifier ("Polish soldiers") is mentioned. With no place of its
own, an event is located at the article's dateline place ("KYIV (AP) —").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from geo.model import EventPlace, PlaceRole, ResolvedToponym, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


NOMINAL = frozenset({"NOUN", "PROPN", "PRON"})
VERBAL = frozenset({"VERB", "AUX"})


WORD_RE = re.compile(r"\w+?(?=n't\b)|n't|\w+|[^\w\s]")


@dataclass(frozen=True)
class Word:
    """A token of one sentence; pos/dep/head are empty without a parse."""

    text: str
    lemma: str
    start: int
    end: int
    pos: str = ""
    dep: str = ""
    head: int = -1
    """Index of the syntactic head within the sentence; -1 for a root or no parse."""
    negated: bool = False

    @property
    def parsed(self) -> bool:
        return self.pos != ""


LOCATIVE_PREPOSITIONS = _wordset(
    "in at near on inside outside along across into onto within between around through "
    "throughout over off beyond via past towards toward to from"
)
DIRECTIONAL_PREPOSITIONS = frozenset({"to", "from", "towards", "toward"})
ORIGIN_PREPOSITIONS = frozenset({"from"})
"""An origin is mentioned, not where the event happened (EVENTS.md)."""
"""Locative only when attached to a verb: "flew to Minsk" vs "a letter to Warsaw"."""

LOCATION_HEADS = _wordset(
    "border borders frontier region area city town village capital side territory forest "
    "camp crossing checkpoint province district coast airport zone outskirts street square "
    "river bank port county part north south east west centre center vicinity soil airspace "
    "shore sea lake mountain valley"
)
"""Nouns a place name can modify while still locating the event ("on the Poland border")."""

POLITY_HEADS = _wordset("republic kingdom emirate principality sultanate commonwealth")
"""Nouns that open a country's long name ("the Republic of Congo", "the Kingdom of Saudi
Arabia"): the place after their "of" is named whole, as if alone."""

MOTION_VERBS = _wordset(
    "enter cross leave reach visit flee invade travel tour storm occupy return approach "
    "patrol bomb shell attack strike hit raid fly evacuate quit land"
)
"""Verbs whose direct object is where the event happens ("entered Iraq")."""

PLACE_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss", "npadvmod"})
MODIFIER_DEPS = frozenset({"amod", "compound"})
"""A predicate lemma used as a modifier ("freezing conditions") reports nothing."""
SUBJECT_DEPS = frozenset({"nsubj", "csubj", "agent", "expl"})
"""Metonymic actors ("Warsaw announced"). Passive subjects ("Kuznica was shelled") are not."""
PASSIVE_AUXILIARIES = frozenset({"is", "was", "were", "are", "been", "being"})
NEGATION_STOPS = frozenset({"but", "and", "or", "while", ",", ";", ".", ":"})
NEGATORS = frozenset({"not", "n't", "never", "no"})
SKIPPED_BEFORE_PLACE = frozenset({"the", "a", "an", "-", "–", "and", ",", "or", "its", "their"})
CONNECTIVES_AFTER_PLACE = frozenset(
    {"and", "or", "but", "as", "than", "that", "which", "who", "where", "while", "when"}
)

_POSSESSIVE_RE = re.compile(r"['’]s?\b|['’](?=\s|$)")


class ParsedDoc:
    """A Doc's parse as plain columns, read once per article: per-token attribute
    access from Python would cost more than the rest of event extraction."""

    def __init__(self, doc: Doc) -> None:
        import numpy as np
        from spacy.attrs import DEP, HEAD, IDX, LEMMA, LENGTH, POS

        table = doc.to_array([IDX, LENGTH, LEMMA, POS, DEP, HEAD])
        strings = doc.vocab.strings
        names: dict[int, str] = {}

        def name(key: int) -> str:
            if key not in names:
                names[key] = strings[key] if key else ""
            return names[key]

        self.text = doc.text
        self.starts = table[:, 0].astype(np.int64).tolist()
        self.ends = (table[:, 0] + table[:, 1]).astype(np.int64).tolist()
        self.lemmas = [name(int(k)).lower() for k in table[:, 2]]
        self.pos = [name(int(k)) or "X" for k in table[:, 3]]
        self.deps = [name(int(k)) for k in table[:, 4]]
        self.heads = (np.arange(len(doc)) + table[:, 5].astype(np.int64)).tolist()
        self.negated = {self.heads[i] for i, dep in enumerate(self.deps) if dep == "neg"}

    def words(self, span: Span) -> list[Word] | None:
        first = bisect.bisect_right(self.ends, span.start)
        last = bisect.bisect_left(self.starts, span.end)
        if first >= last:
            return None
        words = []
        for i in range(first, last):
            start, end = self.starts[i], self.ends[i]
            head = self.heads[i]
            words.append(
                Word(
                    text=self.text[start:end],
                    lemma=self.lemmas[i] or self.text[start:end].lower(),
                    start=start,
                    end=end,
                    pos=self.pos[i],
                    dep=self.deps[i],
                    head=head - first if first <= head < last and head != i else -1,
                    negated=i in self.negated,
                )
            )
        return words


def _of_a_location(words: Sequence[Word], word: Word) -> bool:
    """A place named by "of" after a noun of location: "the vicinity of X", "the outskirts
    of X", "the north of X" locate as the noun does; so does "the Republic of X"."""
    if word.dep != "pobj" or word.head < 0:
        return False
    preposition = words[word.head]
    if preposition.lemma != "of" or preposition.head < 0:
        return False
    noun = words[preposition.head]
    heads = (noun.lemma, noun.text.lower())
    return any(h in LOCATION_HEADS or h in POLITY_HEADS for h in heads)


PARTY_PREPOSITIONS = frozenset({"between"})
"""On a noun that is no place, "between" names the parties of the noun's relation or act
("cooperation between Minsk and the EU"), not where; "the border between X and Y" locates."""


def _on_a_noun_of_no_place(words: Sequence[Word], preposition: Word) -> bool:
    if preposition.head < 0:
        return False
    noun = words[preposition.head]
    return noun.pos in NOMINAL and noun.lemma not in LOCATION_HEADS


def _role_from_parse(words: Sequence[Word], index: int, place_words: set[int]) -> PlaceRole | None:
    for _ in range(len(words)):
        word = words[index]
        if word.head < 0:
            break
        head = words[word.head]
        if word.dep in ("conj", "appos"):
            index = word.head
        elif word.dep in PLACE_MODIFIER_DEPS:
            if head.lemma not in LOCATION_HEADS and word.head not in place_words:
                return "mentioned"
            index = word.head
        elif _of_a_location(words, word):
            index = words[word.head].head  # "in the vicinity of Ouagadougou": the vicinity's
        else:
            break
    word = words[index]
    if word.dep in SUBJECT_DEPS:
        return "mentioned"
    if word.dep == "pobj" and word.head >= 0:
        preposition = words[word.head]
        if preposition.lemma in ORIGIN_PREPOSITIONS:
            return "mentioned"  # "entering the country from Belarus": where they came from
        if preposition.lemma in PARTY_PREPOSITIONS and _on_a_noun_of_no_place(words, preposition):
            return "mentioned"  # "cooperation between Minsk and the EU": its parties
        if preposition.lemma in DIRECTIONAL_PREPOSITIONS:
            attached_to_noun = preposition.head >= 0 and words[preposition.head].pos in NOMINAL
            return "mentioned" if attached_to_noun else "located"
        return "located" if preposition.lemma in LOCATIVE_PREPOSITIONS else "mentioned"
    if word.dep == "dobj" and word.head >= 0:
        return "located" if words[word.head].lemma in MOTION_VERBS else "mentioned"
    return None


def _role_from_text(
    words: Sequence[Word], first: int, last: int, place_words: set[int], text_after: str
) -> PlaceRole | None:
    if _POSSESSIVE_RE.match(text_after):
        return "mentioned"
    before = first - 1
    while before >= 0 and (words[before].lemma in SKIPPED_BEFORE_PLACE or before in place_words):
        before -= 1
    if before >= 0 and words[before].lemma in LOCATIVE_PREPOSITIONS:
        return "located"
    if before >= 0 and words[before].lemma in ("of", "by", "against", "for", "with", "about"):
        return "mentioned"
    after = last + 1
    while after < len(words) and (after in place_words or words[after].text in ("-", "–")):
        after += 1
    if after < len(words):
        nxt = words[after]
        if nxt.text[:1].islower() and nxt.lemma not in CONNECTIVES_AFTER_PLACE:
            if nxt.lemma in LOCATION_HEADS or nxt.lemma in PASSIVE_AUXILIARIES:
                return None
            return "mentioned"
    return None


def place_roles(
    words: Sequence[Word], toponyms: Sequence[ResolvedToponym], sentence_end: int, text: str
) -> list[PlaceRole]:
    spans = [
        [i for i, w in enumerate(words) if w.start < t.toponym.end and t.toponym.start < w.end]
        for t in toponyms
    ]
    place_words = {i for indices in spans for i in indices}
    distinct_places = {t.place.key for t in toponyms if t.place is not None}
    roles: list[PlaceRole] = []
    for resolved, indices in zip(toponyms, spans, strict=True):
        role: PlaceRole | None = None
        if indices and words[indices[0]].parsed:
            inside = set(indices)
            root = next((i for i in indices if words[i].head not in inside), indices[-1])
            role = _role_from_parse(words, root, place_words)
        if role is None and indices:
            # No parse, or a parse that attaches the name outside the sentence.
            after = text[resolved.toponym.end : sentence_end]
            role = _role_from_text(words, indices[0], indices[-1], place_words, after)
        if role is None:
            role = "located" if len(distinct_places) == 1 else "mentioned"
        roles.append(role)
    return roles


def event_places(
    toponyms: Sequence[ResolvedToponym], roles: Sequence[PlaceRole]
) -> tuple[EventPlace, ...]:
    """One EventPlace per place: its first mention, or the first that locates the event
    (`located` if any mention is), so that the mention kept is the one that locates; with the
    finest precision of the mentions in that role ("on Elm Street in Springfield": 1)."""
    by_key: dict[str, EventPlace] = {}
    for resolved, role in zip(toponyms, roles, strict=True):
        place, t = resolved.place, resolved.toponym
        if place is None:
            continue
        known = by_key.get(place.key)
        precision = resolved.precision
        if known is None:
            by_key[place.key] = EventPlace(place, t.text, t.start, t.end, role, precision)
        elif role == "located" and known.role != "located":
            by_key[place.key] = EventPlace(known.place, t.text, t.start, t.end, role, precision)
        elif role == known.role and precision is not None:
            finer = min(precision, known.precision or precision)
            by_key[place.key] = replace(known, precision=finer)
    return tuple(by_key.values())


_DATELINE_TAIL = re.compile(
    r"[ \t]*(?:,[ \t]*[A-Za-z. ]{2,30})?[ \t]*(?:\([^)\n]{1,40}\)[ \t]*)?[—–\x97-]{1,2}\s"
)
_AFTER_HEADLINE = re.compile(r"[.!?][\"”’']?\s+$")


def dateline_span(text: str, toponyms: Sequence[ResolvedToponym]) -> Span | None:
    """The whole dateline ("KUZNICA, Poland (AP) -"), from its place to its dash, resolved
    or not: it says where the story was filed and by whom, so nothing in it is a party to
    an event."""
    for t in toponyms:
        if _opens_dateline(text, t):
            tail = _DATELINE_TAIL.match(text, t.toponym.end)
            if tail is not None:
                return Span(t.toponym.start, tail.end())
    return None


def _opens_dateline(text: str, t: ResolvedToponym) -> bool:
    """A place name that opens a paragraph (or, in capitals, follows the headline) and is
    followed by a dash, perhaps via a region and an agency."""
    line_start = text.rfind("\n", 0, t.toponym.start) + 1
    before = text[line_start : t.toponym.start]
    opens = not before.strip() or (
        t.toponym.text.isupper() and _AFTER_HEADLINE.search(before) is not None
    )
    return opens and _DATELINE_TAIL.match(text, t.toponym.end) is not None


def dateline_place(text: str, toponyms: Sequence[ResolvedToponym]) -> ResolvedToponym | None:
    """The resolved place of the article's dateline ("KYIV (AP) — …", "Warsaw, Nov 9 -")."""
    return next((t for t in toponyms if t.place is not None and _opens_dateline(text, t)), None)
