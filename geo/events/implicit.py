"""Targets the article implies where the sentence names none: a denial answers the
accusation told before it ("The West has accused Belarus of creating the crisis. Belarus
has denied the claim": Belarus rejects the West), and an act of force or protest is aimed
at the state it happens in ("protesters rioted in Belgrade": Serbia)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from geo.model import Actor, Event

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

DENYING_LEMMAS = frozenset({"deny", "reject", "dismiss", "refute", "rebuff", "dispute"})
CHARGE_NOUNS = frozenset(
    {"claim", "allegation", "accusation", "charge", "assertion", "suggestion", "report"}
)
"""What a denial denies when it answers an accusation: "denied the claim", "rejected the
accusations"; a denial with no object ("Minsk denies") answers one too."""


def _denial(verb: Token) -> bool:
    if verb.lemma_.lower() not in DENYING_LEMMAS:
        return False
    objects = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    return all(o.lemma_.lower() in CHARGE_NOUNS for o in objects)


def _same_side(accused: Sequence[Actor], deniers: Sequence[Actor]) -> bool:
    """The one denying is one accused, or of the accused state ("the Belarusian
    administration" accused, Lukashenko denies)."""
    ids = {a.id for a in accused}
    states = {a.country_code for a in accused if a.country_code and a.type != "person"}
    return any(d.id in ids or (d.country_code and d.country_code in states) for d in deniers)


def answered_accusers(events: Sequence[Event], doc: Doc) -> list[Event]:
    """The events, a denial with no target aimed at the accusers of the latest accusation
    before it against its source."""
    out: list[Event] = []
    for event in events:
        if event.event_type != "REJECT" or event.target_actors or not event.source_actors:
            out.append(event)
            continue
        trigger = doc.char_span(event.trigger_start, event.trigger_end, alignment_mode="expand")
        if trigger is None or not _denial(trigger.root):
            out.append(event)
            continue
        accusations = [
            e
            for e in out
            if e.event_type == "ACCUSE"
            and e.start < event.start
            and e.source_actors
            and _same_side(e.target_actors, event.source_actors)
            and not _same_side(e.source_actors, event.source_actors)
        ]
        if not accusations:
            out.append(event)
            continue
        accusers = accusations[-1].source_actors
        actors = tuple({a.id: a for a in (*event.actors, *accusers)}.values())
        out.append(replace(event, target_actors=accusers, actors=actors))
    return out


GROUND_AIMED_TYPES = frozenset({"PROTEST", "ASSAULT", "COERCE", "MOBILIZE", "THREATEN"})
"""Acts aimed at the state they happen in, where no one else is named: "protesters rioted
in Belgrade" (Serbia), "threatened to stage attacks in Israel"."""
HOME_TYPES = frozenset({"PROTEST"})
"""Acts aimed at the state they happen in even by its own people: a protest in a capital is
against its government; a state's own forces acting at home aim at no state."""
MAX_CLAUSES = 2


def _in_phrases(verb: Token) -> list[Token]:
    """The "in" phrases of the act: of the verb, of its objects, and of the acts it
    completes ("threatened to stage protests in Belgrade")."""
    holders, clauses = [], [verb]
    for _ in range(MAX_CLAUSES):
        holders += clauses
        holders += [c for v in clauses for c in v.children if c.dep_ in ("dobj", "conj")]
        clauses = [c for v in clauses for c in v.children if c.dep_ == "xcomp"]
    return [
        c
        for h in dict.fromkeys(holders)
        for prep in h.children
        if prep.dep_ == "prep" and prep.lower_ == "in"
        for c in prep.children
        if c.dep_ == "pobj"
    ]


def ground_targets(
    event_type: str,
    verb: Token,
    sources: Sequence[Actor],
    targets: tuple[Actor, ...],
    name: Callable[[Token], Actor | None],
) -> tuple[Actor, ...]:
    """The event's targets, with the state an act of force or protest happens in where it
    names no one else; `name` names a phrase as the event's participants are named (a
    country or capital as its government)."""
    if targets or event_type not in GROUND_AIMED_TYPES or verb.pos_ == "NOUN":
        return targets
    home = {a.country_code for a in sources if a.country_code}
    for head in _in_phrases(verb):
        if head.ent_type_ not in ("GPE", "LOC"):
            continue
        actor = name(head)
        if actor is None or actor.type != "government" or not actor.country_code:
            continue
        if actor.country_code in home and event_type not in HOME_TYPES:
            continue
        return (actor,)
    return targets


QUOTE_OPENERS = '"“'
SPOKEN_TYPES = frozenset({"REQUEST", "ACCUSE", "THREATEN", "REJECT", "SUPPORT", "AGREE"})
"""Acts a quotation itself does (a demand, a threat, a promise); a quotation telling of
others' acts ('"People … threw rocks"') is no act of its speaker."""


def continued_quotations(
    events: Sequence[Event], doc: Doc, speaker: Callable[[Token], Actor | None]
) -> list[Event]:
    """The events, a quotation standing alone with no one acting ('"All pushbacks must end
    immediately."') given the speaker of the sentence right before it ('"…," she said in a
    statement'), who goes on; `speaker` names who speaks in a token's sentence."""
    out: list[Event] = []
    text = doc.text
    for event in events:
        opening = text[event.start : event.end].lstrip()[:1]
        spoken = event.event_type in SPOKEN_TYPES
        if event.source_actors or opening not in QUOTE_OPENERS or not spoken:
            out.append(event)
            continue
        first = doc.char_span(event.start, event.end, alignment_mode="expand")
        start = first.sent.start if first is not None else 0
        said = speaker(doc[start - 1].sent.root) if start > 0 else None
        if said is None:
            out.append(event)
            continue
        actors = tuple({a.id: a for a in (said, *event.target_actors)}.values())
        out.append(replace(event, source_actors=(said,), actors=actors))
    return out
