"""A border as the place of an event: "tried to breach its border with Belarus", "massed
troops at the border", "an attempt to storm the border".

A border is no toponym, but it is a place between two countries, and the gold
(tests/data/EVENTS_DEV.md) locates what happens on it in both: a crossing attempt on "the
border with Belarus" reported by Poland is in Poland and Belarus. An act there of one side
("Poland massed troops at the border", "Belarusian personnel were firing") is on that
side's ground. A border named as a topic ("discussed tension on the Belarus-Poland border")
locates nothing. The countries of a border come from its own words ("Belarus-Poland",
"Polish", "its … with Belarus", "between X and Y"); a bare "the border" is the article's.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from geo.model import Actor, EventPlace, ResolvedToponym
from geo.nlp import country_lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

BORDER_LEMMAS = frozenset({"border", "frontier", "borderline"})
SIDE_PREPOSITIONS = frozenset({"with", "between"})
"""Prepositions of a border naming the countries it separates."""
POSSESSIVE_PRONOUNS = frozenset({"its", "their"})
CLIMBED_VERB_DEPS = frozenset({"xcomp", "acl"})
"""Non-finite clauses a border's act climbs through to its predicate: "tried to breach the
border", "an attempt to storm the border"."""
GOVERNMENT_FEATURES = frozenset({"PPLC", "PCLI", "PCLD", "PCLIX", "PCLS", "PCLF", "PCL"})
MAX_CLIMB = 8
ATTACHED_DEPS = frozenset({"pobj", "dobj", "nsubjpass"})
"""How a border is the place or object of an act: "at the border", "breached the border"."""
WAITING_LEMMAS = frozenset(
    {"gather", "mass", "amass", "camp", "wait", "crowd", "assemble", "stay", "huddle", "queue"}
)
"""Staying at a border, not crossing it: those who do are on the side they came from."""


@dataclass(frozen=True)
class Border:
    """One mention of a border: its noun's token index and the countries it separates."""

    i: int
    countries: tuple[str, ...]
    """ISO alpha-2 codes: two for a border between named countries, else what is known."""
    phrase: tuple[int, int]
    """Character span of its noun phrase ("the borders of Belarus with the EU countries")."""


def _country_of(token: Token) -> str | None:
    lexicon = country_lexicon()
    found = lexicon.demonym_at(token.doc, token.i) or lexicon.name_at(token.doc, token.i)
    return found[1] if found is not None else None


def _owner_country(pronoun: Token, toponyms: Sequence[ResolvedToponym]) -> str | None:
    """The country "its" stands for: the nearest country or capital named before it in its
    sentence ("Warsaw announced … its border", "Poland reported that migrants … its")."""
    sentence = pronoun.sent
    for t in reversed(toponyms):
        place = t.place
        if place is None or not sentence.start_char <= t.toponym.start < pronoun.idx:
            continue
        if place.kind == "country" or dict(place.raw).get("feature") in GOVERNMENT_FEATURES:
            return place.country_code
    return None


def _named_countries(noun: Token, toponyms: Sequence[ResolvedToponym]) -> list[str]:
    codes: list[str] = []
    stack = [c for c in noun.children if c.dep_ in ("amod", "compound", "nmod", "poss")]
    while stack:  # "Belarusian-Polish", "Belarus-Poland": modifiers of modifiers
        token = stack.pop()
        code = _country_of(token)
        if code is None and token.lower_ in POSSESSIVE_PRONOUNS:
            code = _owner_country(token, toponyms)
        if code is not None:
            codes.append(code)
        stack.extend(c for c in token.children if c.dep_ in ("amod", "compound", "conj"))
    preps = [c for c in noun.children if c.dep_ == "prep"]
    if noun.dep_ == "dobj":  # "breach its border with Belarus": "with" hangs from the verb
        preps += [c for c in noun.head.children if c.dep_ == "prep" and c.i > noun.i]
    for prep in (c for c in preps if c.lower_ in SIDE_PREPOSITIONS):
        for obj in (c for c in prep.children if c.dep_ == "pobj"):
            for token in (obj, *obj.conjuncts):
                code = _country_of(token)
                if code is not None:
                    codes.append(code)
    return list(dict.fromkeys(c for c in codes if c))


def find_borders(doc: Doc, lemmas: Sequence[str], toponyms: Sequence[ResolvedToponym]):
    """Every border mentioned in the article, with its countries; a border naming fewer
    than two takes the article's first border between two (if it is one of its sides), or
    the two countries its borders name one at a time."""
    found = []
    for i, lemma in enumerate(lemmas):
        if lemma not in BORDER_LEMMAS or doc[i].pos_ not in ("NOUN", "PROPN"):
            continue
        noun = doc[i]
        right = noun.right_edge
        span = (noun.left_edge.idx, right.idx + len(right.text))
        found.append(Border(i, tuple(_named_countries(noun, toponyms)), span))
    pair = next((b.countries for b in found if len(b.countries) >= 2), None)
    if pair is None:  # "the Belarusian border" and "the Polish border": one border
        sides = tuple(dict.fromkeys(c for b in found for c in b.countries))
        if len(sides) != 2:
            return found
        pair = sides
    return [
        replace(b, countries=pair) if len(b.countries) < 2 and set(b.countries) <= set(pair) else b
        for b in found
    ]


def origin_side(doc: Doc, lemmas: Sequence[str], pair: Sequence[str]) -> str | None:
    """The side of the border people come from: the one of its countries the article names
    most often after "from" ("entering the country illegally from Belarus")."""
    counts: dict[str, int] = {}
    for i, lemma in enumerate(lemmas):
        if lemma != "from" or i + 1 >= len(doc):
            continue
        for obj in (c for c in doc[i].children if c.dep_ == "pobj"):
            code = _country_of(obj)
            if code in pair:
                counts[code] = counts.get(code, 0) + 1
    if not counts:
        return None
    best = max(counts.values())
    top = [c for c, n in counts.items() if n == best]
    return top[0] if len(top) == 1 else None


def border_owner(noun: Token, predicates: Collection[int]) -> int | None:
    """The token index of the predicate whose act happens at the border, or None when the
    border is a topic ("tension on the border") or in a clause of its own ("accused Poland
    of deploying soldiers on the border": the deploying, not the accusing)."""
    if noun.dep_ not in ATTACHED_DEPS:
        return None
    token = noun
    for _ in range(MAX_CLIMB):
        if token.pos_ in ("VERB", "AUX"):
            climbs = token.dep_ in CLIMBED_VERB_DEPS
        else:
            climbs = token is noun or token.dep_ in ("prep", "pobj", "dobj")
        if not climbs or token.head == token:
            return None
        token = token.head
        if token.i in predicates:
            return token.i
        if token.pos_ not in ("ADP", "VERB", "AUX"):
            return None
    return None


def at_border(
    places: tuple[EventPlace, ...],
    verb: int,
    borders: Sequence[Border],
    doc: Doc,
    sentence: tuple[int, int],
    predicates: Collection[int],
    sources: Sequence[Actor],
    countries: dict[str, ResolvedToponym],
    origin: str | None = None,
) -> tuple[EventPlace, ...]:
    """The event's places with the borders of its sentence read: a border its act happens
    at locates it in the border's countries (only the acting side's, if its actors are of
    one of them; those waiting there on the side they come from, `origin`); a border named
    as a topic locates nothing, nor do the places naming it."""
    start, end = sentence
    here = [b for b in borders if start <= doc[b.i].idx < end]
    if not here:
        return places
    out = list(places)
    for border in here:
        left, right = border.phrase
        inside = [k for k, p in enumerate(out) if left <= p.start < right]
        owner = border_owner(doc[border.i], predicates)
        if owner != verb:
            if doc[border.i].dep_ not in ATTACHED_DEPS:
                continue  # "Ukraine's border was under control": no act's place
            for k in inside:
                out[k] = replace(out[k], role="mentioned")
            continue
        sides = set(border.countries)
        acting = {a.country_code for a in sources if a.country_code} & sides
        if len(acting) == 1:
            sides = acting
        elif not acting and origin in sides and doc[verb].lemma_.lower() in WAITING_LEMMAS:
            sides = {origin}  # "migrants were massing near the border": still on that side
        for k, p in enumerate(out):
            if p.place.kind == "country" and p.place.country_code in border.countries:
                out[k] = replace(
                    p, role="located" if p.place.country_code in sides else "mentioned"
                )
        _locate_in(out, sides, countries)
    return tuple(out)


def _locate_in(
    out: list[EventPlace], codes: Collection[str], countries: dict[str, ResolvedToponym]
) -> None:
    """Adds the countries not yet among the places, at their first mention, located."""
    have = {p.place.country_code for p in out if p.place.kind == "country"}
    for code in sorted(set(codes) - have):
        named = countries.get(code)
        if named is None or named.place is None:
            continue
        t = named.toponym
        out.append(EventPlace(named.place, t.text, t.start, t.end, "located", named.precision))


CROSSING_LEMMAS = frozenset({"crossing", "cross", "breach", "storm"})
"""Acts that happen at a border even where their sentence names none: "there were
attempted crossings by two groups", in an article about the border between two states."""


def crossing_places(
    places: tuple[EventPlace, ...],
    verb: Token,
    pair: Sequence[str],
    countries: dict[str, ResolvedToponym],
) -> tuple[EventPlace, ...]:
    """A crossing with no place of its own is at the article's border, in both countries."""
    if len(pair) != 2 or any(p.role == "located" for p in places):
        return places
    words = [verb, *(c for c in verb.children if c.dep_ in ("xcomp", "acl"))]
    if not any(w.lemma_.lower() in CROSSING_LEMMAS for w in words):
        return places
    out = [
        replace(p, role="located")
        if p.place.country_code in pair and p.place.kind == "country"
        else p
        for p in places
    ]
    _locate_in(out, pair, countries)
    return tuple(out)
