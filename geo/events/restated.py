"""Dates an act takes from another report of it in the article.

An article tells one act more than once: the lede dates it ("On Monday, Poland said it
stopped hundreds of migrants"), a quotation restates it undated ("The first mass attempt …
was stopped by Interior Ministry troops and soldiers"); a later sentence gives the day of an
incident told before ("She told AFP about an incident late Thursday involving around 500
migrants", after "attempted crossings … one involving 500 migrants"). Acts told undated in
one sentence with a restated act happened with it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from geo.model import Event

if TYPE_CHECKING:
    from spacy.tokens import Doc

UNDATED = "publication"
"""The precision of an event whose sentence gave no date of its own."""
COUNTED_GROUP = re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+)\s+([A-Za-z][a-z]+)")
"""A number and the noun it counts ("500 migrants", "3,000 soldiers")."""
COUNT_LEAST = 10
"""Smaller counts ("two groups", "5 people") recur across an article's separate acts."""


ANOTHER_TIME = re.compile(
    r"^\W*(?:before that|before then|earlier|previously|prior to that|until then)\b", re.I
)
"""A sentence opening on another time than the report before it ("Before that, the Polish
Interior Ministry announced …") tells an earlier act, not that report again."""


def _sources_agree(event: Event, other: Event) -> bool:
    """A source in common, or state bodies of the same country (Poland; "Interior Ministry of
    Poland" and "Armed Forces of Poland")."""
    if {a.id for a in event.source_actors} & {a.id for a in other.source_actors}:
        return True
    return bool(_states(event) & _states(other))


def _states(event: Event) -> set[str]:
    return {
        a.country_code for a in event.source_actors if a.type == "government" and a.country_code
    }


def restates(event: Event, earlier: Event) -> bool:
    """The same act reported again: its type, a source of it (or its state's) and no other
    target."""
    if event.event_type != earlier.event_type:
        return False
    if not _sources_agree(event, earlier):
        return False
    targets, before = {a.id for a in event.target_actors}, {a.id for a in earlier.target_actors}
    return not targets or not before or bool(targets & before)


def _counted_groups(text: str) -> set[tuple[int, str]]:
    groups = set()
    for number, noun in COUNTED_GROUP.findall(text):
        n = int(number.replace(",", ""))
        if n >= COUNT_LEAST:
            groups.add((n, noun.lower()))
    return groups


def _incident_noun(event: Event, doc: Doc | None) -> bool:
    """An act told as a noun ("an incident", "the attack"), the way a later sentence names
    one told before."""
    if doc is None or event.trigger_start is None or event.trigger_end is None:
        return False
    span = doc.char_span(event.trigger_start, event.trigger_end, alignment_mode="expand")
    return span is not None and span.root.pos_ == "NOUN"


def _same_incident(event: Event, incident: Event, doc: Doc | None) -> bool:
    """A dated incident named as a noun with the same counted group as the event's sentence
    ("an incident late Thursday involving around 500 migrants")."""
    if incident.start == event.start or not _incident_noun(incident, doc):
        return False
    return bool(_counted_groups(event.excerpt) & _counted_groups(incident.excerpt))


def dated_restatements(events: Sequence[Event], doc: Doc | None = None) -> list[Event]:
    """An act restated without a date of its own has the date of its first dated report: an
    earlier one, else a later one (a headline's act is dated in the body); an incident told
    undated, the date of the incident a later sentence names with its count; the undated
    acts of a sentence so dated, the same date."""
    out: list[Event] = []
    dated_sentences: dict[int, Event] = {}
    for k, event in enumerate(events):
        if event.date_precision == UNDATED and not ANOTHER_TIME.match(event.excerpt):
            reports = [e for e in (*events[:k], *events[k + 1 :]) if e.date_precision != UNDATED]
            first = next((e for e in reports if restates(event, e)), None)
            if first is None:
                first = next((e for e in reports if _same_incident(event, e, doc)), None)
            if first is not None:
                event = replace(event, date=first.date, date_precision=first.date_precision)
                dated_sentences.setdefault(event.start, event)
        out.append(event)
    return [
        replace(
            e,
            date=dated_sentences[e.start].date,
            date_precision=dated_sentences[e.start].date_precision,
        )
        if e.date_precision == UNDATED and e.start in dated_sentences
        else e
        for e in out
    ]


ACTS_ON_THE_GROUND = frozenset({"ASSAULT", "COERCE", "OTHER", "PROTEST", "MOBILIZE", "RETREAT"})
"""Types of acts done where they happen, not said from elsewhere: one such act told with
another in a sentence ("attempted crossings …, some of whom threw rocks") shares its ground."""


def _located(event: Event) -> list:
    return [p for p in event.places if p.role == "located"]


def _ground_of(event: Event, events: Sequence[Event], doc: Doc | None) -> list:
    """The located places of the act this one was told with or is a later report of."""
    for other in events:
        if other is event or other.event_type not in ACTS_ON_THE_GROUND or not _located(other):
            continue
        if other.start == event.start or (
            _incident_noun(event, doc) and _same_incident(other, event, doc)
        ):
            return _located(other)
    return []


def shared_places(events: Sequence[Event], doc: Doc | None = None) -> list[Event]:
    """An act on the ground with no place of its own takes the ground of the act its sentence
    tells it with, or of the act a later incident ("an incident late Thursday involving
    around 500 migrants") reports again with its count."""
    out = list(events)
    for _ in range(2):  # a sentence-mate of an incident placed in the first round
        for k, event in enumerate(out):
            if event.event_type not in ACTS_ON_THE_GROUND or _located(event):
                continue
            ground = _ground_of(event, out, doc)
            if ground:
                placed = {(g.place.name, g.place.country_code) for g in ground}
                kept = [
                    p for p in event.places if (p.place.name, p.place.country_code) not in placed
                ]
                out[k] = replace(event, places=(*kept, *ground))
    return out
