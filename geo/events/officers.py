"""Who did an act of justice the sentence tells in the passive with no "by": "Critchfield
was convicted and sentenced" by the judge the article names ("Circuit Judge Alan D.
Moats"); "O'Connor was placed under arrest; he was charged" by the article's police.
An act of a court is a judge's, an arrest or a charge the police's; where the article
names no such judge or police, the act keeps no source."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from geo.model import Actor, ActorMention

if TYPE_CHECKING:
    from spacy.tokens import Token

JUDGING_LEMMAS = frozenset({"convict", "sentence", "acquit", "jail", "imprison"})
POLICING_LEMMAS = frozenset({"arrest", "detain", "charge", "book", "handcuff", "apprehend"})
JUDGE_TITLES = frozenset({"judge", "justice", "magistrate"})
POLICE_LEMMAS = frozenset({"police"})
TITLE_WINDOW = 3
"""How many words before a name its title may stand ("Circuit Judge Alan D. Moats")."""


def _act_words(verb: Token) -> set[str]:
    """The verb's lemma and its "under" phrase's ("placed under arrest")."""
    words = {verb.lemma_.lower()}
    for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "under"):
        words |= {c.lemma_.lower() for c in prep.children if c.dep_ == "pobj"}
    return words


def _shares_passive(verb: Token) -> bool:
    """A verb coordinated with a passive one shares its voice: "was convicted … and
    sentenced to six years"."""
    head = verb.head
    return verb.dep_ == "conj" and any(c.dep_ == "auxpass" for c in head.children)


def _judge(verb: Token, mentions: Sequence[ActorMention]) -> Actor | None:
    """The one person the article names with a judge's title, or None."""
    doc = verb.doc
    judges: dict[str, Actor] = {}
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or m.actor.type != "person":
            continue
        before = doc[max(0, span.start - TITLE_WINDOW) : span.start]
        if any(t.lower_ in JUDGE_TITLES for t in before):
            judges[m.actor.id] = m.actor
    return next(iter(judges.values())) if len(judges) == 1 else None


def _police(verb: Token, name: Callable[[Token], Actor | None]) -> Actor | None:
    """The police the article names last before the act (first after it, else)."""
    doc = verb.doc
    before = [t for t in doc[: verb.i] if t.lemma_.lower() in POLICE_LEMMAS]
    after = [t for t in doc[verb.i :] if t.lemma_.lower() in POLICE_LEMMAS]
    for token in (*reversed(before), *after):
        if token.dep_ == "compound":
            continue  # "a police officer" names an officer, "police car" a thing
        actor = name(token)
        if actor is not None and "police" in actor.id:
            return actor
    return None


def officers(
    verb: Token,
    passive: bool,
    sources: tuple[Actor, ...],
    mentions: Sequence[ActorMention],
    name: Callable[[Token], Actor | None],
) -> tuple[Actor, ...]:
    """The event's sources, with the judge or the police for an act of justice told in the
    passive with no agent."""
    passive = passive or _shares_passive(verb)
    if sources or not passive or any(c.dep_ == "agent" for c in verb.children):
        return sources
    words = _act_words(verb)
    found = None
    if words & JUDGING_LEMMAS:
        found = _judge(verb, mentions)
    elif words & POLICING_LEMMAS:
        found = _police(verb, name)
    return (found,) if found is not None else sources
