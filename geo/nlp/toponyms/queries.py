"""What the recogniser asks its place-name lookup (a gazetteer), cached per lookup.

`NameQueries` is the base of `ToponymRecogniser` and of its mechanism classes: is a
text a known place name, how prominent is the place, is it a demonym. Without a
lookup nothing is known.
"""

from __future__ import annotations

from geo.model import Place, PlaceNameLookup
from geo.names import initials
from geo.nlp.toponyms.candidates import RecognitionPolicy

ALIAS_PROMINENCE = 1_000_000
"""A place known by an alternate name ("Kiev", "Bombay") is prominent under it only when this
big: alternates of smaller towns are foreign spellings that collide with English words."""
ABBREVIATED_POPULATION = 500_000
"""An all-caps word is a place's abbreviation when the place is this big ("DC"), a country, or
a place whose initials it spells (`NameQueries._abbreviation`)."""


class NameQueries:
    """The lookup a recogniser asks and its answers, cached until the lookup changes."""

    def __init__(
        self,
        lookup: PlaceNameLookup | None = None,
        policy: RecognitionPolicy | None = None,
    ) -> None:
        self._lookup = lookup
        self.policy = policy or RecognitionPolicy()
        self._prominence: dict[str, bool] = {}
        self._known_cache: dict[str, bool] = {}

    @property
    def lookup(self) -> PlaceNameLookup | None:
        return self._lookup

    @lookup.setter
    def lookup(self, value: PlaceNameLookup | None) -> None:
        self._lookup = value
        self._prominence = {}
        self._known_cache = {}

    def _known(self, text: str) -> bool:
        known = self._known_cache.get(text)
        if known is None:
            known = self._ask_known(text)
            if len(self._known_cache) > 200_000:
                self._known_cache.clear()
            self._known_cache[text] = known
        return known

    def _ask_known(self, text: str) -> bool:
        if self.lookup is None or not text:
            return False
        if self.lookup.is_known_name(text):
            return True
        if text.isupper() and len(text) > 3:
            return self.lookup.is_known_name(text.title())
        return False

    def _prominence_of(self, text: str) -> int:
        """2: a country or continent; 1: a big region or city; 0: anything else.

        Prominent places are the ones news names metonymically ("Minsk managed");
        US counties named by one bare word are not ("Bell", "Pierce": surnames).
        Needs a lookup that also offers `candidates(name) -> Sequence[Place]`
        (geo.places.Gazetteer does); otherwise nothing is prominent.
        """
        level = self._prominence.get(text)
        if level is not None:
            return level
        from geo.names import normalize_name

        candidates = getattr(self.lookup, "candidates", None)
        level, key = 0, normalize_name(text)
        for place in candidates(text) if candidates is not None else ():
            if normalize_name(place.name) != key and place.population < ALIAS_PROMINENCE:
                continue  # "Hamas" is an alternate name of Hamm (180,000 people), not its name
            if place.kind in {"country", "continent"}:
                level = 2
                break
            if (
                place.kind in {"region", "sea"}
                or (place.kind == "admin1" and place.population >= 1_000_000)
                or (place.population >= 100_000 and not _surname_county(text, place))
            ):
                level = 1
        if len(self._prominence) > 100_000:
            self._prominence.clear()
        self._prominence[text] = level
        return level

    def _abbreviation(self, text: str, strict: bool = False) -> bool:
        """An all-caps word that abbreviates a place, not a code or an alternate name of a
        small one ("UAE", "NYC", "LA", but "MA", "AI": a Thai village and a Jordanian town
        bear them as alternate names; "MD" is a US state only as a postal code, after "City,").
        `strict`, for a word the NER called an organisation: only a country, or a place whose
        name the letters are the initials of ("DRC", "NYC"; not "PA", the Palestinian
        Authority, an alternate name of Chongqing)."""
        candidates = getattr(self.lookup, "candidates", None)
        for place in candidates(text) if candidates is not None else ():
            if place.kind in {"country", "continent"}:
                return True
            if place.kind != "region" and initials(place.name) == text and len(text) > 2:
                return True  # "NYC", "NSW"; not "EU" (a region), nor "AP" (Andhra Pradesh)
            if strict or (place.kind == "admin1" and place.country_code == "US" and len(text) == 2):
                continue
            if place.population >= ABBREVIATED_POPULATION:
                return True
        return False

    def _is_demonym(self, text: str) -> bool:
        return self.lookup is not None and self.lookup.country_by_demonym(text) is not None


def _surname_county(text: str, place: Place) -> bool:
    """A US county asked for by one bare word: most such names are surnames."""
    return place.kind == "admin2" and place.country_code == "US" and " " not in text
