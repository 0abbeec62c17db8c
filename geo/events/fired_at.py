"""A country an act of force is fired at is its target ("Hamas fired rockets at Israel",
"North Korea fired a missile at Japan"); a town or a site after "at" is where it happened
("shot at a checkpoint"), as participants reads "at" of acts other than saying.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from geo.model import ResolvedToponym

if TYPE_CHECKING:
    from spacy.tokens import Token

AIMED_AT = frozenset({"ASSAULT", "THREATEN"})
"""Acts of force (and threats of it) whose "at" names the one aimed at."""


def countries_aimed_at(
    prep: Token, plover: str, toponyms: Sequence[ResolvedToponym]
) -> list[Token]:
    """The objects of an act of force's "at" that are countries, by the place each resolves
    to; empty for other acts and prepositions."""
    if plover not in AIMED_AT or prep.lower_ != "at":
        return []
    countries = [t.toponym for t in toponyms if t.place is not None and t.place.kind == "country"]
    return [
        pobj
        for pobj in prep.children
        if pobj.dep_ == "pobj" and any(c.start <= pobj.idx < c.end for c in countries)
    ]
