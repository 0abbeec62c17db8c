"""The records of the event-coding dictionaries (verbs, patterns, the CAMEO -> PLOVER table,
Phoenix actors, agents, discards), shared by the files' readers and the compiled lookups."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from geo.model import EVENT_TYPES

PLOVER_CATEGORIES: frozenset[str] = frozenset(EVENT_TYPES)
"""PLOVER's 16 categories and OTHER: the event types of geo.model."""

_CAMEO_RE = re.compile(r"\d{2,4}")
_ACTOR_CODE_RE = re.compile(r"[A-Z0-9]+|---")


class CodingDataError(ValueError):
    """A coding-dictionary file is missing or malformed; the message names file and line."""


@dataclass(frozen=True, slots=True)
class VerbEntry:
    """One verb of a CAMEO verb block; cameo None means the verb alone is no event."""

    verb: str
    before: tuple[str, ...]  # words of a multi-word verb before the head ("re" in re-arrest)
    after: tuple[str, ...]  # particles after the head ("for" in "ask for")
    forms: tuple[str, ...]
    cameo: str | None
    plover: str | None
    cameo_reverse: str | None  # TABARI paired code [a:b]: the target's event toward the source
    plover_reverse: str | None
    block: str
    line: int

    @property
    def phrase(self) -> str:
        return " ".join((*self.before, self.verb, *self.after))


@dataclass(frozen=True, slots=True)
class VerbPattern:
    """A phrase pattern of a verb block: tokens before and after the verb keep their markers:
    '(prep ...)' prepositional phrase, '{a b}' noun phrase (head last), '&name' synset,
    '$' source, '+' target, '%' compound actor, '^' skip. cameo None = pattern means no event."""

    block: str
    origin: str  # the verb the pattern was first written for (a comment in the source)
    before: tuple[str, ...]
    after: tuple[str, ...]
    cameo: str | None
    plover: str | None
    cameo_reverse: str | None
    plover_reverse: str | None
    line: int


@dataclass(frozen=True, slots=True)
class PloverMapping:
    """A row of the official CAMEO -> PLOVER table."""

    cameo: str
    plover: str
    mode: str
    context: str
    description: str


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """An actor code a Phoenix entry holds, with its inclusive date range (None = open)."""

    name: str  # the entry's primary name, as in the source
    code: str  # CAMEO actor code; '---' is the dictionary's null code
    start: dt.date | None
    end: dt.date | None
    source: str  # countries | international | milnonstate
    line: int

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def holds(self, on: dt.date) -> bool:
        """Whether the code applies on that date (an undated code always does)."""
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


@dataclass(frozen=True, slots=True)
class AgentEntry:
    """An agent noun form and its role code; attach 'suffix' appends the code to the actor's
    (~COP: Polish police -> POLCOP), 'prefix' puts it first (IGO~)."""

    noun: str
    singular: str
    code: str
    attach: str
    label: str
    line: int


@dataclass(frozen=True, slots=True)
class DiscardEntry:
    """A phrase that marks its sentence (scope 'sentence') or story ('story') as no event;
    stem True lets the last word continue (tournament -> tournaments)."""

    phrase: tuple[str, ...]
    scope: str
    stem: bool
    line: int


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())
