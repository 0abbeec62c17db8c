"""One spelling of a place name for every stage that compares names.

Recognition (geo.nlp) and the gazetteer (geo.places) must agree on what counts as the same
name, so the key lives below both.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_APOSTROPHES = "'’‘`´ʼʻ′"
_HYPHENS = "-‐‑‒–—―−_/"
_DROP_TABLE = str.maketrans(
    {**{c: None for c in _APOSTROPHES + ".,"}, **dict.fromkeys(_HYPHENS, " ")}
)
_SPACES = re.compile(r"\s+")
_LATIN = re.compile(r"^[\u0000-\u024F\u1E00-\u1EFF\u0300-\u036F\u2010-\u2019\u201C\u201D ]+$")


@functools.lru_cache(maxsize=200_000)
def normalize_name(name: str) -> str:
    """The lookup key of a name: casefolded, diacritics stripped, apostrophes,
    dots and commas dropped, hyphens turned into spaces ("Kuźnica" -> "kuznica",
    "U.S." -> "us", "Winston-Salem" -> "winston salem")."""
    from unidecode import unidecode

    text = unidecode(unicodedata.normalize("NFC", name)).casefold()
    text = text.translate(_DROP_TABLE)
    return _SPACES.sub(" ", text).strip()


def is_latin_name(name: str) -> bool:
    return bool(_LATIN.match(name))


FACILITY_WORDS = frozenset(
    {
        "road", "street", "st.", "avenue", "ave.", "boulevard", "blvd.", "highway", "lane",
        "drive", "pike", "parkway", "rd.", "ln.", "way", "trail", "motorway", "freeway",
        "airport", "airfield", "airbase", "station", "terminal", "stadium", "arena", "garden",
        "gardens", "square", "plaza", "hall", "bridge", "tunnel", "crossing", "checkpoint",
        "port", "harbour", "harbor", "pier", "mall", "market", "hospital", "clinic", "hotel",
        "church", "cathedral", "mosque", "synagogue", "temple", "embassy", "consulate",
        "palace", "prison", "jail", "camp", "base", "barracks", "park", "center", "centre",
        "building", "tower", "memorial", "monument", "museum", "zoo", "courthouse",
    }
)  # fmt: skip
"""Last words of the name of a facility or street ("Elm Street", "Madison Square Garden"):
recognition finds facilities by them, and the resolver places a name ending in one that the
gazetteer lacks in its containing settlement (geo.places.facilities)."""


def is_facility_name(name: str) -> bool:
    words = name.split()
    return len(words) > 1 and words[-1].lower() in FACILITY_WORDS


def initials(name: str) -> str:
    """ "Democratic Republic of the Congo" -> "DRC", "New York City" -> "NYC"."""
    return "".join(word[0] for word in name.replace("-", " ").split() if word[0].isupper())
