"""The city an airport serves, from the `airportsdata` package (MIT; its airports' names,
cities, countries and points), for a facility mention like "Heathrow airport".

An airport's name often holds no city's name ("Heathrow", "Schiphol", "Sheremetyevo"), or a
name that is a town elsewhere: "Heathrow airport" serves London, not Heathrow, Florida. The
airports with an IATA code (the ones news names) are indexed by the words of their names
that are not generic ("London Heathrow Airport" -> london, heathrow), and a facility's own
words are looked up among them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

GENERIC_WORDS = frozenset(
    {"airport", "airports", "international", "intl", "regional", "municipal", "aerodrome",
     "airfield", "airstrip", "airpark", "air", "base", "terminal", "the"}
)  # fmt: skip
"""Words of airport names that tell no airport from another."""
AIRPORT_WORDS = frozenset({"airport", "airfield", "airbase", "aerodrome", "airstrip"})
"""A facility's last word that makes it an airport ("Heathrow airport", "Ramstein Air Base"
ends in "base", read with the word before it)."""
AIRPORT_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:international\s+)?(?:air\s+base|" + "|".join(sorted(AIRPORT_WORDS)) + r")\b",
    re.IGNORECASE,
)
"""An airport word right after a place name: "Heathrow airport", "Minsk's airport"."""
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Airport:
    """One airport of airportsdata: its name, the city it serves, and its point."""

    name: str
    city: str
    country_code: str
    lat: float
    lon: float
    iata: str
    icao: str
    words: tuple[str, ...] = field(init=False, compare=False)
    """The name's own words (name_words), worked out once."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", name_words(self.name))


def name_words(name: str) -> tuple[str, ...]:
    """The words of an airport's name that are not generic, lower case, accents removed."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    folded = folded.replace("’", "'")
    return tuple(w for w in _WORD.findall(folded) if w not in GENERIC_WORDS)


def is_airport_name(words: Sequence[str]) -> bool:
    """Whether a facility's words name an airport by its last word(s)."""
    if not words:
        return False
    last = words[-1].lower()
    return last in AIRPORT_WORDS or (
        last == "base" and len(words) > 1 and words[-2].lower() == "air"
    )


class AirportIndex:
    """Airports by the words of their names, and by IATA code."""

    def __init__(self, airports: Iterable[Airport]) -> None:
        self._by_word: dict[str, list[Airport]] = defaultdict(list)
        self._by_iata: dict[str, Airport] = {}
        for airport in airports:
            for word in set(airport.words):
                self._by_word[word].append(airport)
            self._by_iata[airport.iata] = airport

    def find(self, facility_name: str) -> tuple[Airport, ...]:
        """Airports whose name holds the facility's own words in a row ("Heathrow airport"
        -> London Heathrow Airport), or whose IATA code it is ("JFK airport"); those whose
        own words are exactly the facility's first."""
        code = facility_name.split()[0] if facility_name.split() else ""
        if len(code) == 3 and code.isupper() and code in self._by_iata:
            return (self._by_iata[code],)
        wanted = name_words(facility_name)
        if not wanted:
            return ()
        found = [a for a in self._by_word.get(wanted[0], ()) if _holds(a.words, wanted)]
        return tuple(sorted(found, key=lambda a: (a.words != wanted, a.iata)))


def _holds(words: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))


@lru_cache(maxsize=1)
def airport_index() -> AirportIndex:
    """The airports of airportsdata that have an IATA code, loaded once a process."""
    try:
        import airportsdata
    except ImportError as error:  # a dependency of the project; only a broken install lacks it
        raise ImportError(
            "geo needs the airportsdata package to place airports: pip install airportsdata"
        ) from error
    return AirportIndex(
        Airport(
            name=row["name"],
            city=row["city"],
            country_code=row["country"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            iata=row["iata"],
            icao=row["icao"],
        )
        for row in airportsdata.load("IATA").values()
        if row.get("iata") and row.get("city")
    )
