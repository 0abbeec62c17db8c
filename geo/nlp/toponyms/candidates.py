"""What the recogniser's mechanisms propose, and under which conventions.

`RecognitionPolicy` holds the annotation conventions that differ between corpora,
`Candidate` is one proposed toponym and `select` keeps the best non-overlapping ones;
every mechanism module shares them.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.model import PlaceKind


@dataclass(frozen=True)
class RecognitionPolicy:
    """Annotation conventions that differ between corpora.

    Defaults follow the project's gold (seeds): no demonyms, no place names
    inside organisation names, no street names; but a place opening the name of
    a public body or office is its jurisdiction, a noun-modifier use like the
    gold's "US Secretary of State" ("Columbus Police Department" -> "Columbus";
    `jurisdictions`). Benchmarks such as LGL also annotate demonyms ("Russian")
    and places embedded in any name ("Nashville Film Festival" -> "Nashville").
    """

    demonyms: bool = False
    embedded: bool = False
    streets: bool = False
    jurisdictions: bool = True


@dataclass(frozen=True)
class Candidate:
    start: int  # token indices, half-open
    end: int
    label: str
    hint_kind: PlaceKind | None
    priority: int


def select(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates, higher priority first, then longer."""
    ordered = sorted(candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    taken: set[int] = set()
    chosen = []
    for c in ordered:
        if any(i in taken for i in range(c.start, c.end)):
            continue
        taken.update(range(c.start, c.end))
        chosen.append(c)
    return chosen
