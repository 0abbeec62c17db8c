"""Facility and street names: "Madison Square Garden", "the 200 block of Elm Street",
"Sheremetyevo International Airport", "the Kuznica border crossing".

They are found after the place names are chosen and only where no place name was: a
capitalised name ending in a facility word ("Street", "Airport", "Garden"), or followed by
one in lower case ("Sheremetyevo airport"). Each becomes a toponym labelled
`FACILITY_LABEL`, which the resolver places in its containing settlement with a precision
code (geo.places.facilities); `find_toponyms` returns them only when asked, so the place
names a geoparse reports are the same with or without them. Names of people, works and
events ("Mute Swan", "the St. Patrick's Day parade") are not facilities, nor are names with
no facility word ("McDonalds", "the Pentagon").
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc

from geo.model import FACILITY_LABEL
from geo.names import FACILITY_WORDS
from geo.nlp.toponyms.candidates import Candidate
from geo.nlp.toponyms.spans import is_capitalised, trim
from geo.nlp.toponyms.words import POSSESSIVES

LOWER_CASE_FACILITY_WORDS = frozenset(
    {"airport", "airfield", "airbase", "station", "stadium", "crossing", "checkpoint", "camp"}
)
"""Facility words that make a facility of the name before them in lower case too."""
FILLERS = frozenset({"international", "railway", "train", "bus", "border", "air", "refugee"})
"""Lower-case words between a name and its facility word ("Kuznica border crossing")."""
NOT_FACILITY_LABELS = frozenset(
    {"PERSON", "NORP", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW", "LANGUAGE", "DATE", "TIME"}
)


def facility_candidates(doc: Doc, taken: set[int]) -> Iterable[Candidate]:
    """Facility names in `doc` that share no token with `taken` (the chosen place names)."""
    name_words = _name_words(doc)
    i = 0
    while i < len(doc):
        if not name_words[i]:
            i += 1
            continue
        end = i
        while end < len(doc) and (name_words[end] or _inner_possessive(doc, end)):
            end += 1
        last = end
        if doc[end - 1].lower_ not in FACILITY_WORDS:
            while last < len(doc) and doc[last].lower_ in FILLERS:
                last += 1
            if last < len(doc) and doc[last].lower_ in LOWER_CASE_FACILITY_WORDS:
                last += 1
            else:
                last = 0
        candidate = _candidate(doc, i, last, taken) if last else None
        if candidate is not None:
            yield candidate
        i = max(end, last)


def _name_words(doc: Doc) -> list[bool]:
    """Which tokens can be words of a facility's name, read once a token (the scan above
    tests most tokens twice, and each `doc[i]` makes a Token)."""
    return [is_capitalised(t) and t.ent_type_ not in NOT_FACILITY_LABELS for t in doc]


def _inner_possessive(doc: Doc, i: int) -> bool:
    """ "St. Peter's Square": a possessive between two words of the name."""
    return doc[i].text in POSSESSIVES and i + 1 < len(doc) and is_capitalised(doc[i + 1])


def _candidate(doc: Doc, start: int, end: int, taken: set[int]) -> Candidate | None:
    while start < end and doc[start].is_stop:  # "In", "At" opening a sentence
        start += 1
    span = trim(doc[start:end])
    if span is None or len(span) < 2 or doc[span.end - 1].lower_ not in FACILITY_WORDS:
        return None  # "Street" alone names no street
    if any(i in taken for i in range(span.start, span.end)):
        return None
    return Candidate(span.start, span.end, FACILITY_LABEL, None, 0)
