"""Facilities and streets the gazetteer does not hold, placed in their containing settlement.

A facility mention (`Toponym.label == FACILITY_LABEL`: "Madison Square Garden", "Elm
Street", "Sheremetyevo International Airport") keeps its own name as the mention text and
points at the GeoNames record of the place that contains it, with a precision code
(geo.places.precision). The container is, first found first:

  1. the place named right after it: "Elm Street, Springfield", "Elm Street in Springfield";
  2. for an airport, the city airportsdata says it serves ("Heathrow airport" -> London,
     not Heathrow, Florida; geo.places.airports), found in the gazetteer by name, country
     and nearness to the airport;
     for an airport, station, crossing, port or town hall, the settlement opening its name:
     "Cairo International Airport" -> Cairo, "Seoul City Hall" -> Seoul (another mention of
     the name decides which Cairo, else the most populous in the document's countries);
     for other facilities but streets, such a settlement only when the document names it
     as a place too ("the Dresden Zoo" after "Dresden");
  3. a settlement of its sentence, the one the document names most (ties: the nearest);
  4. the settlement the document names most (ties: the first named);
  5. with no settlement in the document, its finest and most named area (county, state,
     region, country), at precision 3.
With no place at all in the document a facility has no place: a marker on nothing but a
street name's namesake would mislead. A facility's own name is never looked up as a place
(a street named after a town is not in that town), and every mention of one name shares
the container its best-placed mention found (one sense per document).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from geo.model import Place, Precision, ResolvedToponym, Toponym
from geo.places.airports import (
    AIRPORT_AFTER,
    Airport,
    airport_index,
    is_airport_name,
    name_words,
)
from geo.places.geometry import distance_km
from geo.places.precision import NEAR, container_precision

if TYPE_CHECKING:
    from geo.places.gazetteer import Gazetteer

SETTLEMENT_KINDS = frozenset({"city", "village"})
AREA_ORDER = ("admin2", "admin1", "region", "country")
"""Areas a facility may fall back to, finest first."""
NAMED_AFTER_PLACE = frozenset(
    {"airport", "airfield", "airbase", "station", "crossing", "checkpoint", "port", "harbour",
     "harbor", "terminal"}
)  # fmt: skip
"""Facilities that take the name of the place they serve ("Kuznica border crossing")."""
STREET_WORDS = frozenset(
    {"road", "street", "st.", "avenue", "ave.", "boulevard", "blvd.", "highway", "lane", "drive",
     "pike", "parkway", "rd.", "ln.", "way", "trail", "motorway", "freeway"}
)  # fmt: skip
NAME_FILLERS = frozenset({"international", "regional", "railway", "train", "bus", "border", "air"})
_CONTAINER_JOINT = re.compile(r"\s*(?:,|\bin\b|\bof\b|\bnear\b)\s*(?:the\s+)?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"”’')]*\s+(?=[A-Z\"“‘'(])|\n")


@dataclass(frozen=True)
class _Named:
    """A resolved place mention of the document."""

    text: str
    start: int
    place: Place
    score: float


def place_facilities(
    facilities: Sequence[Toponym],
    places: Sequence[ResolvedToponym],
    text: str,
    gazetteer: Gazetteer,
) -> tuple[ResolvedToponym, ...]:
    """One ResolvedToponym per facility, same order, placed in its container (or None)."""
    named = [
        _Named(r.toponym.text, r.toponym.start, r.place, r.score)
        for r in places
        if r.place is not None
    ]
    by_surface: dict[str, _Named | None] = {}
    for facility in facilities:  # explicit containers first, for every mention of a name
        found = (
            _named_after(facility, named, text)
            or _served_city(facility, named, gazetteer)
            or _opening_settlement(facility, named, gazetteer)
        )
        if found is not None and by_surface.get(facility.text) is None:
            by_surface[facility.text] = found
    out = []
    for facility in facilities:
        if facility.text not in by_surface:
            by_surface[facility.text] = _from_document(facility, named, text)
        found = by_surface[facility.text]
        if found is None:
            out.append(ResolvedToponym(facility, None))
        else:
            precision: Precision = container_precision(found.place)
            out.append(ResolvedToponym(facility, found.place, found.score, precision))
    return tuple(out)


def _named_after(facility: Toponym, named: Sequence[_Named], text: str) -> _Named | None:
    """The place right after: "Elm Street, Springfield", "Elm Street in Springfield"."""
    joint = _CONTAINER_JOINT.match(text, facility.end)
    if joint is None:
        return None
    return next((n for n in named if n.start == joint.end()), None)


AIRPORT_REACH_KM = 100.0
"""How far from its airport a city of the served city's name may lie."""


def _served_city(facility: Toponym, named: Sequence[_Named], gazetteer: Gazetteer) -> _Named | None:
    """ "Heathrow airport" -> London: the city the airport serves."""
    if not is_airport_name(facility.text.split()):
        return None
    airports = airport_index().find(facility.text)
    countries = {n.place.country_code for n in named}
    city = _served_by(airports, name_words(facility.text), countries, gazetteer)
    return None if city is None else _Named(city.name, facility.start, city, 0.0)


def place_airport_mentions(
    resolved: Sequence[ResolvedToponym], text: str, gazetteer: Gazetteer
) -> list[ResolvedToponym]:
    """A place name right before an airport word ("Heathrow airport") whose place lies far
    from every airport of that name is moved to the city such an airport serves: Heathrow,
    Florida has no Heathrow airport; London has. A place near one ("Minsk airport") stays,
    and so does a name the document also names alone."""
    countries = {r.place.country_code for r in resolved if r.place is not None}
    before_airport = [AIRPORT_AFTER.match(text, r.toponym.end) is not None for r in resolved]
    # A name the document also gives as a place of its own ("Springfield, Illinois, closed
    # Springfield airport") keeps that place: its airport may bear another name.
    named_alone = {r.toponym.text for r, a in zip(resolved, before_airport, strict=True) if not a}
    out = []
    for r, airport_word in zip(resolved, before_airport, strict=True):
        if r.place is None or not airport_word or r.toponym.text in named_alone:
            out.append(r)
            continue
        name = f"{r.toponym.text} airport"
        airports = airport_index().find(name)
        if not airports or any(_near(r.place, a) for a in airports):
            out.append(r)
            continue
        city = _served_by(airports, name_words(name), countries, gazetteer)
        out.append(r if city is None else replace(r, place=city, precision=NEAR))
    return out


def _near(place: Place, airport: Airport) -> bool:
    return distance_km(place.lat, place.lon, airport.lat, airport.lon) <= AIRPORT_REACH_KM


def _served_by(
    airports: Sequence[Airport],
    wanted: tuple[str, ...],
    countries: set[str | None],
    gazetteer: Gazetteer,
) -> Place | None:
    """The city one of `airports` serves: the airport named by exactly the `wanted` words,
    else one in the document's countries, then the one serving the largest city."""
    served = [
        (airport.words == wanted, airport.country_code in countries, city.population, city)
        for airport in airports
        if (city := _city_of(airport, gazetteer)) is not None
    ]
    return max(served, key=lambda s: s[:3])[3] if served else None


def _city_of(airport: Airport, gazetteer: Gazetteer) -> Place | None:
    """The gazetteer's settlement of the airport's city name in its country, the nearest."""
    for name in (airport.city, *airport.city.split(",")):
        near = [
            (distance_km(p.lat, p.lon, airport.lat, airport.lon), -p.population, p)  # lat, lon
            for p in gazetteer.candidates(name.strip())
            if p.kind in SETTLEMENT_KINDS and p.country_code == airport.country_code
        ]
        near = [n for n in near if n[0] <= AIRPORT_REACH_KM]
        if near:
            return min(near, key=lambda n: n[:2])[2]
    return None


def _opening_settlement(
    facility: Toponym, named: Sequence[_Named], gazetteer: Gazetteer
) -> _Named | None:
    """ "Cairo International Airport" -> Cairo: a settlement's name opening the name of a
    facility that takes its name from the place it serves."""
    words = facility.text.split()
    if len(words) < 2:
        return None
    head = len(words) - 1
    if words[-1].lower() == "hall" and words[-2].lower() in ("city", "town"):
        head -= 1  # "Seoul City Hall": a town's hall bears its name
    elif words[-1].lower() not in NAMED_AFTER_PLACE:
        # Others bear a settlement's name only where the document names it as a place
        # ("the Dresden Zoo"), never by the gazetteer alone ("Jackson Memorial Hospital").
        return _opening_mention(words, named)
    while head > 1 and words[head - 1].lower() in NAME_FILLERS:
        head -= 1
    name = " ".join(words[:head])
    for n in named:  # another mention of the name settles which place it is
        if n.text == name and n.place.kind in SETTLEMENT_KINDS:
            return n
    candidates = [p for p in gazetteer.candidates(name) if p.kind in SETTLEMENT_KINDS]
    if not candidates:
        return None
    countries = {n.place.country_code for n in named}
    best = max(
        candidates,
        key=lambda p: (p.country_code in countries, p.population, -(p.geonameid or 0)),
    )
    return _Named(name, facility.start, best, 0.0)


def _opening_mention(words: Sequence[str], named: Sequence[_Named]) -> _Named | None:
    """A settlement named elsewhere in the document opening the facility's name."""
    if words[-1].lower() in STREET_WORDS:
        return None  # streets bear the names of towns elsewhere: "Memphis Street"
    for length in range(len(words) - 1, 0, -1):
        name = " ".join(words[:length])
        found = next((n for n in named if n.text == name), None)
        if found is not None:
            return found if found.place.kind in SETTLEMENT_KINDS else None
    return None


def _from_document(facility: Toponym, named: Sequence[_Named], text: str) -> _Named | None:
    """A settlement of the sentence or the document; else the document's area."""
    settlements = [n for n in named if n.place.kind in SETTLEMENT_KINDS]
    if settlements:
        counts = Counter(n.place.key for n in settlements)
        start, end = _sentence_of(text, facility.start)
        near = [n for n in settlements if start <= n.start < end]
        if near:
            return max(near, key=lambda n: (counts[n.place.key], -abs(n.start - facility.start)))
        return max(settlements, key=lambda n: (counts[n.place.key], -n.start))
    areas = [n for n in named if n.place.kind in AREA_ORDER]
    if not areas:
        return None
    counts = Counter(n.place.key for n in areas)
    return min(areas, key=lambda n: (AREA_ORDER.index(n.place.kind), -counts[n.place.key], n.start))


def _sentence_of(text: str, offset: int) -> tuple[int, int]:
    """The character range of the sentence around `offset`, by punctuation and line breaks."""
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, offset):
        start = match.end()
    following = _SENTENCE_END.search(text, offset)
    return start, following.start() + 1 if following else len(text)
