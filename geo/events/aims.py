"""Whom an act is aimed at where the verb's own objects do not say: the one asked to act in
a request's "that" clause, the recipients of the acts a verb completes, and the owner of
an act or utterance the verb is aimed at ("condemned Belarus' manipulation", "rejected an
Indian proposal")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.model import Actor
from geo.nlp import country_lexicon, country_name

if TYPE_CHECKING:
    from spacy.tokens import Token

RECIPIENT_PREPOSITIONS = frozenset({"to", "for", "with", "against", "on", "from"})
"""Prepositions of an act's complement naming whom it is for or against: "promised to
continue aid to Mozambique", "agreed to provide aid for Romania"."""
ASKING_TYPES = frozenset({"REQUEST"})
"""Acts whose target is the one asked to act: "demanded that the US cancel the sale"."""
WARNING_TYPES = frozenset({"THREATEN"})
"""Acts whose target is the one the warning says will suffer: "warned that migrants who
cross will be pushed back"."""
BORDER_NOUNS = frozenset({"border", "frontier", "borderline"})
"""A border's "with" phrase names its other side, no recipient: "breach its border with
Belarus"."""
MAX_COMPLEMENTS = 2


CONDITION_MARKS = frozenset({"if", "unless"})


def _warned(clause: Token) -> bool:
    """A clause saying who will suffer or must act: "warned that migrants will be pushed
    back", "threatened to strike if Israel does not withdraw"."""
    if clause.dep_ == "ccomp":
        return True
    return clause.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in clause.children
    )


def complement_targets(verb: Token, plover: str) -> list[Token]:
    """Who an act is aimed at when the verb's own objects name no one: the subject asked
    to act in its "that" or "for … to" clause (REQUEST: "demanded that Hamas renounce …",
    "called for the Commission to support Poland"), or the
    objects and recipients of the acts it completes ("offered to hand over to Britain")."""
    found: list[Token] = []
    if plover in WARNING_TYPES:
        acts = [verb, *(c for c in verb.children if c.dep_ == "xcomp")]
        for clause in (c for a in acts for c in a.children if _warned(c)):
            found += [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
        if found:
            return found
    if plover in ASKING_TYPES:
        for clause in (c for c in verb.children if c.dep_ in ("ccomp", "advcl")):
            if clause.dep_ == "advcl" and not any(
                c.dep_ == "mark" and c.lower_ == "for" for c in clause.children
            ):
                continue  # "called for the Commission to support Poland": the Commission
            found += [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
        if found:
            return found
    queue = [c for c in verb.children if c.dep_ == "xcomp"]
    queue += [  # "launched a campaign to convince boaters": the act its object is for
        a
        for o in verb.children
        if o.dep_ == "dobj"
        for a in o.children
        if a.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in a.children)
    ]
    seen = 0
    while queue and seen < MAX_COMPLEMENTS:
        act = queue.pop(0)
        seen += 1
        objects = [c for c in act.children if c.dep_ in ("dobj", "dative")]
        found += objects
        holders = [act, *objects]
        border = any(o.lemma_.lower() in BORDER_NOUNS for o in objects)
        for prep in (c for h in holders for c in h.children if c.dep_ == "prep"):
            if border and prep.lower_ == "with":
                continue  # "tried to breach its border with Belarus": a side, not a target
            if prep.lower_ in RECIPIENT_PREPOSITIONS:
                found += [c for c in prep.children if c.dep_ == "pobj"]
        queue += [c for c in act.children if c.dep_ == "xcomp"]
    return found


OWNED_ACT_TYPES = frozenset(
    {"ACCUSE", "REJECT", "SUPPORT", "CONCEDE", "AGREE", "THREATEN", "REQUEST", "SANCTION"}
    | {"ASSAULT", "COERCE"}
)
"""Acts aimed at someone through what they did, said or own: condemning their manipulation,
rejecting their proposal, praising their decision, accepting their offer, threatening
their targets, demanding their withdrawal, sanctioning their banks, damaging their
property ("damaged the woman's wind chime")."""


def owner_heads(obj: Token, plover: str) -> tuple[list[Token], list[Actor]]:
    """(possessor phrases, countries of demonyms) owning an object that is an act or
    utterance, not an actor: "Belarus' manipulation of migrants", "an Indian proposal"."""
    if plover not in OWNED_ACT_TYPES or obj.pos_ != "NOUN":
        return [], []
    heads = [c for c in obj.children if c.dep_ == "poss"]
    countries = []
    lexicon = country_lexicon()
    for modifier in (c for c in obj.children if c.dep_ in ("amod", "compound")):
        found = lexicon.demonym_at(modifier.doc, modifier.i)
        name = country_name(found[1]) if found is not None else None
        if found is not None and name:
            code = found[1]
            countries.append(Actor(f"country_{code.lower()}", name, "government", code))
    return heads, countries
