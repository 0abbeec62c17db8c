"""Whom an act at a border is aimed at, where the parse names no one: the state on the
other side. "Poland massed thousands of soldiers at the border" and "Belarusian personnel
were firing into the air" at the Belarus-Poland border are aimed at Belarus and at Poland;
"hundreds of migrants tried to breach the border", coming from Belarus, at Poland.

The border's two countries and the side people come from are geo.events.borders'.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from geo.events.borders import CROSSING_LEMMAS, Border, border_owner
from geo.model import Actor
from geo.nlp import country_name

if TYPE_CHECKING:
    from spacy.tokens import Token

STATE_BORDER_ACTS = frozenset({"MOBILIZE", "ASSAULT", "THREATEN"})
"""Acts of force one side takes at its border against the other."""
CROSSING_ACTS = frozenset({"OTHER", "PROTEST", "ASSAULT"})
"""What people coming across do at a border: attempts, marches, crossings, clashes."""
ADVANCING_LEMMAS = frozenset({"march", "push", "rush", "advance", "surge", "force", "try"})
"""Going at a border, not waiting or arriving there: "marching toward the frontier"."""


def country_actor(code: str) -> Actor | None:
    name = country_name(code)
    if not name:
        return None
    return Actor(f"country_{code.lower()}", name, "government", code)


def _crosses(verb: Token, borders_here: Sequence[Border], predicates: Collection[int]) -> bool:
    """The act is a crossing ("attempted crossings", "an attempt to storm it") or goes at
    the sentence's border ("marching toward the frontier"); arriving at it, gathering or
    waiting there aims at no one."""
    words = [verb, *(c for c in verb.children if c.dep_ in ("xcomp", "acl"))]
    lemmas = {w.lemma_.lower() for w in words}
    if lemmas & CROSSING_LEMMAS:
        return True
    if not lemmas & ADVANCING_LEMMAS:
        return False
    doc = verb.doc
    return any(border_owner(doc[b.i], predicates) in {w.i for w in words} for b in borders_here)


def border_targets(
    event_type: str,
    verb: Token,
    sources: Sequence[Actor],
    targets: tuple[Actor, ...],
    borders_here: Sequence[Border],
    predicates: Collection[int],
    pair: Sequence[str],
    origin: str | None,
) -> tuple[Actor, ...]:
    """The event's targets, with the other side of the article's border for an act at it
    that names none: a state's (or its forces') act of force aimed across, in a sentence
    naming that border; people coming from one side ("from Belarus", `origin`) crossing,
    or trying to, into the other."""
    if targets or len(pair) != 2:
        return targets
    sides = set(pair)
    here = [b for b in borders_here if set(b.countries) == sides]
    states = {a.country_code for a in sources if a.country_code} & sides
    if len(states) == 1 and event_type in STATE_BORDER_ACTS and here:
        (side,) = states
        other = country_actor(next(c for c in pair if c != side))
        return (other,) if other is not None else targets
    if states or event_type not in CROSSING_ACTS or origin not in sides:
        return targets
    if any(a.type in ("person", "government") for a in sources):
        return targets
    if not _crosses(verb, here, predicates):
        return targets
    into = country_actor(next(c for c in pair if c != origin))
    return (into,) if into is not None else targets
