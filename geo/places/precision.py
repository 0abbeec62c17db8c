"""How closely a resolved place locates its mention: ACLED's geo_precision.

ACLED codes 1 where the report names the place itself, 2 where it names a part of a
place or somewhere near it ("a small part of a region", "near a town"), and 3 where only
a larger region is known. Here, from the place's kind and the words around its mention:

  3  the place is an area: a country, a first- or second-level region, a region, a
     continent or a sea ("clashes in Ukraine", "across Minsk region");
  2  the mention names a part of a settlement or somewhere near it: "near Kuznica",
     "outside Grodno", "north of Minsk", "20 km from Brest", "the outskirts of Lviv",
     "northern Warsaw", "downtown Greer", "Kuznica border crossing", "Heathrow airport"
     (unless the gazetteer's place is that crossing itself); a facility or street placed in
     its settlement is 2 as well (geo.places.facilities);
  1  otherwise: the settlement, crossing, river or other feature itself.
"""

from __future__ import annotations

import re

from geo.model import Place, Precision

EXACT: Precision = 1
NEAR: Precision = 2
REGION: Precision = 3

AREA_KINDS = frozenset({"country", "admin1", "admin2", "region", "continent", "sea"})
"""Places that stand for an area: a mention of one locates an event at that level only."""
FACILITY_KINDS = frozenset({"crossing"})
"""Kinds that are the facility itself: "Kuznica border crossing" resolved to the crossing."""

_DIRECTIONS = r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)"
_NEAR_BEFORE = re.compile(
    r"(?:\b(?:near|nearby|outside|around|close\s+to|next\s+to)"
    r"|\b(?:outskirts|suburbs?|vicinity|edge|part|parts|centre|center|heart|area)\s+of"
    rf"|\b{_DIRECTIONS}\s+of"
    r"|\b(?:km|kms|kilomet(?:er|re)s?|miles?)\s+(?:\w+\s+)?(?:of|from|outside)"
    rf"|\b(?:{_DIRECTIONS}(?:ern)?|central|downtown|uptown|greater)"
    r")(?:\s+(?:the|of))?\s+$",
    re.IGNORECASE,
)
"""Words right before a settlement's name that place the mention near it or in a part."""
_PART_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:international\s+|main\s+|central\s+|railway\s+|train\s+|bus\s+|border\s+)?"
    r"(?:airport|airfield|air\s+base|airbase|station|crossing|checkpoint|port|harbou?r|outskirts"
    r"|suburbs?|district|neighbou?rhood|area|border)\b",
    re.IGNORECASE,
)
"""Words right after a settlement's name that make the mention a part of it or near it."""
_LOOK_BEHIND = 40
"""Characters before a mention read for a cue."""


def mention_precision(place: Place | None, text: str, start: int, end: int) -> Precision | None:
    """The precision of `place` for the mention text[start:end]; None without a place."""
    if place is None:
        return None
    if place.kind in AREA_KINDS:
        return REGION
    before = text[max(0, start - _LOOK_BEHIND) : start]
    if _NEAR_BEFORE.search(before):
        return NEAR
    if place.kind not in FACILITY_KINDS and _PART_AFTER.match(text, end):
        return NEAR
    return EXACT


def container_precision(container: Place) -> Precision:
    """A facility or street placed in `container`: near it, or only its region."""
    return REGION if container.kind in AREA_KINDS else NEAR
