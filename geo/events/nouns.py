"""Happenings named by a noun ("prevented an attempt to storm the border", "there were
attempted crossings by two groups", "told AFP about an incident late Thursday", "announced
the arrival of 3,000 migrants"): EVENTS.md's OTHER, a specific event that fits no class.

The verb dictionary codes verbs only, so these nouns come from a short list of happenings,
as `predicates.HAPPENINGS` does for verbs. A noun is an event only where the verb governing
it reports something that happened (the same gate as a verb's: realised, not hypothetical):
"plans an attempt" or "could be an incident" give none. Its actors are those the noun phrase
names ("by migrants", "involving 500 migrants", "the arrival of migrants"); its place and
date are those of the verb reporting it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.events.dictionaries import CodingDictionaries
from geo.events.predicates import (
    CodedPredicate,
    _is_finite_event,
    is_hypothetical,
    tense_clause,
)
from geo.events.senses import MOVING_LEMMAS

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

HAPPENING_NOUNS = frozenset({"attempt", "crossing", "incident", "arrival", "incursion"})
"""Nouns of a specific happening: people's attempt to cross or their arrival, an incident."""
GOVERNED_DEPS = frozenset({"dobj", "nsubjpass", "nsubj", "attr", "pobj"})
ACTOR_PREPOSITIONS = {"by": None, "of": frozenset({"arrival"})}
"""Prepositions whose object is who the happening's people are: "by migrants" for any, "of"
only for an arrival ("the arrival of migrants"; "an attempt of this kind" names no one)."""


def governor(noun: Token) -> Token | None:
    """The verb whose clause reports the noun: its head, through one preposition."""
    if noun.dep_ not in GOVERNED_DEPS:
        return None
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    return head if head.pos_ in ("VERB", "AUX") else None


def _happening(noun: Token) -> bool:
    lemma = noun.lemma_.lower()
    if lemma not in HAPPENING_NOUNS or noun.pos_ != "NOUN":
        return False
    if lemma != "attempt":
        return True
    return any(c.dep_ == "acl" and c.lemma_.lower() in MOVING_LEMMAS for c in noun.children)


def actor_heads(noun: Token) -> list[Token]:
    """Who the happening's people are: "by X" on the noun or its infinitive, "of X" for an
    arrival, the object of "involving", a possessor."""
    heads: list[Token] = []
    lemma = noun.lemma_.lower()
    holders = [noun, *(c for c in noun.children if c.dep_ == "acl")]
    for holder in holders:
        for child in holder.children:
            if child.dep_ == "poss" and holder is noun:
                heads.append(child)
            if child.dep_ == "prep" and child.lower_ in ACTOR_PREPOSITIONS:
                allowed = ACTOR_PREPOSITIONS[child.lower_]
                if allowed is None or lemma in allowed:
                    heads.extend(c for c in child.children if c.dep_ == "pobj")
            if holder != noun and holder.lemma_.lower() == "involve" and child.dep_ == "dobj":
                heads.append(child)
    return heads


def noun_predicates(sentence: SpacySpan, dicts: CodingDictionaries) -> list[CodedPredicate]:
    """The happenings the sentence names as nouns, each with its noun as the predicate."""
    found = []
    for noun in sentence:
        if not _happening(noun):
            continue
        verb = governor(noun)
        if verb is None or any(c.dep_ == "neg" for c in verb.children):
            continue
        clause = tense_clause(verb)
        if is_hypothetical(clause, dicts) or not _is_finite_event(clause, sentence, "OTHER"):
            continue
        start, end = noun.idx, noun.idx + len(noun.text)
        first = noun.doc[noun.i - 1] if noun.i > 0 else None
        if first is not None and first.lemma_.lower() == "attempt" and first.head == noun:
            start = first.idx  # "attempted crossings"
        found.append(
            CodedPredicate(noun, start, end, None, "OTHER", False, False, f"happening: {noun}")
        )
    return found
