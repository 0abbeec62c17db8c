"""Where a happening took place when its sentence's prepositions do not say it: what a flood
or an epidemic affects, and the home of the one it befell.

`located.place_roles` reads "in X", "at X", "entered X"; these read the parse of the event's
own predicate, once per event, from the place mentions already found (no token loop).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from geo.model import EventPlace, ResolvedToponym

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

STRUCK_DEPS = frozenset({"dobj", "nsubjpass"})
"""What a force of nature does something to: "flooding has affected Benin", "Ouagadougou
was flooded"."""

NAME_DEPS = frozenset({"compound", "appos", "conj", "amod", "nmod", "poss", "pobj", "prep"})
"""The links from a place's name up to the phrase it is part of ("the countries of Benin,
Ghana and Niger": Ghana, conj of Benin, pobj of "of", prep of "countries")."""

ORIGIN = "from"


def _phrase_head(token: Token, stop: Token) -> Token:
    """The top of the noun phrase `token` is inside, below `stop` (the verb)."""
    for _ in range(64):  # a phrase is never this deep; bounds a cyclic parse
        if token.head == token or token.head == stop or token.dep_ not in NAME_DEPS:
            return token
        token = token.head
    return token


def _mention_token(place: EventPlace, doc: Doc) -> Token | None:
    span = doc.char_span(place.start, place.end, alignment_mode="expand")
    return span.root if span is not None else None


def struck_places(
    places: tuple[EventPlace, ...], verb: Token, natural_force: bool, doc: Doc
) -> tuple[EventPlace, ...]:
    """A force of nature's happening is located where it struck: a place named in its
    object ("Flooding has also affected the neighbouring countries of Benin, Ghana …") is
    where it happened, not a state acted upon (an actor's "affected Poland" is not)."""
    if not natural_force:
        return places
    out = []
    for place in places:
        token = _mention_token(place, doc) if place.role != "located" else None
        if token is not None:
            top = _phrase_head(token, verb)
            if top.head == verb and top.dep_ in STRUCK_DEPS:
                place = replace(place, role="located")
        out.append(place)
    return tuple(out)


def _befallen(verb: Token) -> Token | None:
    """The one a happening befell: the verb's subject, or the noun a relative clause
    hangs on ("a woman from West Java who died")."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if verb.dep_ == "relcl" and any(c.tag_ == "WP" for c in subjects):
        return verb.head
    return subjects[0] if subjects else None


def home_country(
    places: tuple[EventPlace, ...],
    verb: Token,
    doc: Doc,
    countries: dict[str, ResolvedToponym],
) -> tuple[EventPlace, ...]:
    """A happening to someone "from X" that names no place of its own ("The poultry trader
    from Sukoharjo died after being hospitalized") happened in X's country: "from X" is
    where they live, their origin and not the place of the event (EVENTS.md), but the
    country holds both. The country is the article's own mention of it, as the gold and a
    reader have it."""
    if any(p.role == "located" for p in places):
        return places
    person = _befallen(verb)
    if person is None:
        return places
    origins = [
        o
        for c in person.children
        if c.dep_ == "prep" and c.lower_ == ORIGIN
        for o in c.children
        if o.dep_ == "pobj"
    ]
    if not origins:
        return places
    codes = set()
    for place in places:
        token = _mention_token(place, doc)
        if token is not None and any(token == o or o in token.ancestors for o in origins):
            codes.add(place.place.country_code)
    codes.discard(None)
    if len(codes) != 1:
        return places
    (code,) = codes
    named = countries.get(code)
    if named is None or named.place is None:
        return places
    kept = tuple(p for p in places if p.place.key != named.place.key)
    t = named.toponym
    return (*kept, EventPlace(named.place, t.text, t.start, t.end, "located", named.precision))


MODIFIER_DEPS = frozenset({"compound", "amod", "appos", "nmod", "poss"})
"""The links from a place's name to the noun it names ("the Cuvette-Ouest region")."""


def _named_noun(token: Token) -> Token:
    for _ in range(16):
        if token.dep_ not in MODIFIER_DEPS or token.head == token:
            return token
        token = token.head
    return token


def _antecedents(verb: Token) -> list[Token]:
    """The phrase a "where" clause is about, innermost noun first: the noun the clause
    hangs on, then the nouns that one is near, by, in … ("the region near the Gabon border,
    where …": border, region)."""
    if verb.dep_ != "relcl" or not any(c.lower_ == "where" for c in verb.children):
        return []
    nouns = [verb.head]
    for _ in range(8):
        noun = nouns[-1]
        prep = noun.head
        if noun.dep_ != "pobj" or prep.dep_ != "prep" or prep.head.pos_ not in ("NOUN", "PROPN"):
            break
        nouns.append(prep.head)
    return nouns


def where_clause_places(
    places: tuple[EventPlace, ...], verb: Token, doc: Doc
) -> tuple[EventPlace, ...]:
    """A relative clause opened by "where" happened at its antecedent, the widest noun of
    it that a place names: "the Cuvette-Ouest region near the Gabon border, where a
    previous outbreak occurred" locates the outbreak in Cuvette-Ouest (the border is only
    near it); "the talks in Minsk, where they met" in Minsk."""
    nouns = _antecedents(verb)
    if not nouns:
        return places
    named = [
        _named_noun(t) if t is not None else None for t in (_mention_token(p, doc) for p in places)
    ]
    for noun in reversed(nouns):
        if noun in named:
            return tuple(
                replace(p, role="located" if n == noun else "mentioned")
                for p, n in zip(places, named, strict=True)
            )
    return places


TOPIC_TYPES = frozenset({"CONSULT", "ACCUSE", "REQUEST", "REJECT", "SUPPORT"})
"""Acts done by talking: what they are about is their object, not their place."""


CONTENT_DEPS = frozenset({"dobj", "xcomp", "ccomp"})
"""What a talk, demand or criticism is about: its object, or the act asked for ("called on
the EU to provide support to Poland")."""


def topic_places(
    places: tuple[EventPlace, ...], verb: Token, event_type: str, doc: Doc
) -> tuple[EventPlace, ...]:
    """A place inside what a talk, a demand or a criticism is about ("discuss the situation
    in Ukraine", "condemned the attack in Kuznica", "called on the EU to provide support to
    Poland") is its topic, and one inside the phrase naming the speaker ("Horst Seehofer,
    Minister of the Interior in the caretaker government in Germany, called on …") says
    who speaks: both are mentioned, not where the talking happened (EVENTS.md). A place
    that is the object itself ("visited Minsk") stays as the parse has it."""
    if event_type not in TOPIC_TYPES:
        return places
    contents = [c for c in verb.children if c.dep_ in CONTENT_DEPS]
    speakers = [c for c in verb.children if c.dep_ == "nsubj"]
    if not contents and not speakers:
        return places
    out = []
    for place in places:
        token = _mention_token(place, doc) if place.role == "located" else None
        if token is not None and _named_noun(token) not in contents:
            heads = set(token.ancestors)
            if any(c in heads for c in contents) or any(s in heads for s in speakers):
                place = replace(place, role="mentioned")
        out.append(place)
    return tuple(out)


SAID_TYPES = TOPIC_TYPES | {"THREATEN", "AGREE"}
"""Acts done by saying: a speaker's place is not where its statement happened (EVENTS.md)."""


def acting_body_place(
    places: tuple[EventPlace, ...], verb: Token, event_type: str, doc: Doc
) -> tuple[EventPlace, ...]:
    """A place naming the body that acts ("Toronto police arrested …", "The Indiana General
    Assembly passed a law") locates an act it does, where the sentence names no place of
    its own: EVENTS.md's "Toronto police arrested … happened in Toronto". Not for what a
    body says, nor for a place that is the subject itself ("Warsaw announced"); the caller
    leaves a lede to its dateline ("HAMMOND, Ind. (AP) — The Indiana Department …")."""
    if event_type in SAID_TYPES or any(p.role == "located" for p in places):
        return places
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subjects:
        return places
    out = []
    for place in places:
        token = _mention_token(place, doc)
        if token is not None and token not in subjects and _named_noun(token) in subjects:
            place = replace(place, role="located")
        out.append(place)
    return tuple(out)
