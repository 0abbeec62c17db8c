"""The words actor finding reads, and the keys names are compared by.

Word sets that cue or rule out an actor (titles, honorifics, media and
government words), `fold` (the case- and diacritic-insensitive key), `slug`
(ids from names) and `tokenize`, the blank-pipeline tokenizer that splits
aliases and lexicon phrases. Every other actor module uses them.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from functools import lru_cache

from spacy.tokens import Doc


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr."})
NAME_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "la", "le", "bin"}
)
TITLE_WORDS = _wordset(
    """president presidents prime minister ministers chancellor secretary general foreign interior
    defence defense affairs home deputy vice acting outgoing incoming former spokeswoman
    spokesman spokesperson counterpart leader opposition ambassador envoy head chief
    commissioner human rights chairman chairwoman chair state news agency service press
    official diplomat senator sen. mayor governor king queen prince premier lawmaker mp mep
    commander army navy border guard police ministry of the national security council
    coordinator special services government chief-of-staff adviser advisor aide
    minister-coordinator representative high economy finance justice health culture
    spokespeople opposition-leader activist journalist correspondent editor reporter"""
)
POLICY_AREAS = _wordset(
    """agriculture education environment trade transport energy labour labor industry
    development food rural public emergency emergencies situations migration immigration
    internal external social welfare science technology communications infrastructure
    housing sport sports tourism work employment digital climate water fisheries"""
)
APPOSITION_LINKS = _wordset("in of for at to caretaker interim transitional")
MEDIA_CUES = _wordset(
    """newspaper daily tabloid broadcaster channel television tv radio magazine outlet portal
    website weekly"""
)
GOVERNMENT_WORDS = _wordset(
    """ministry ministries department government parliament senate cabinet presidency police
    army guard forces navy embassy office"""
)
VENUE_PLATFORMS = frozenset(
    {"twitter", "facebook", "telegram", "instagram", "youtube", "tiktok", "whatsapp", "x"}
)
VENUE_CUES = frozenset({"on", "via", "in"})
NOT_ACTORS = _wordset(
    """map maps photo photos picture video videos graphic graphics file getty images reuters/
    afp/ epa caption update breaking live"""
)
DOMAIN_WORDS = _wordset(
    """defence defense interior state foreign finance justice health cabinet home economy
    treasury"""
)
WEEKDAY_WORDS = frozenset(d.lower() for d in calendar.day_name)  # months are also names
ACRONYM_RE = re.compile(r"[A-Z]{2,6}")
MIGRANT_WORDS = frozenset({"migrants", "refugees", "asylum-seekers"})

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case- and diacritic-insensitive key: 'Błaszczak' and 'Blaszczak' agree."""
    return strip_marks(text).translate(APOSTROPHES).casefold()


def folded_texts(doc: Doc) -> list[str]:
    """The folded token texts of `doc`, computed once per Doc."""
    cached = doc.user_data.get(FOLDED_KEY)
    if cached is None or len(cached) != len(doc):
        cached = doc.user_data[FOLDED_KEY] = [fold(t.text) for t in doc]
    return cached


FOLDED_KEY = "geo.nlp.actors.folded"


@lru_cache(maxsize=1 << 16)
def strip_marks(text: str) -> str:
    """'Błaszczak' -> 'Blaszczak'. Cached: the registry asks it of every token of every
    article, and Unicode decomposition costs a microsecond or two a word."""
    text = text.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slug(text: str) -> str:
    """An id from a name: 'Alexander Lukashenko' -> 'alexander_lukashenko'."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


@lru_cache(maxsize=1)
def _tokenizer():
    import spacy

    return spacy.blank("en").tokenizer


def tokenize(text: str) -> list[str]:
    return [t.text for t in _tokenizer()(text)]
