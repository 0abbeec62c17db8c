"""Tests of one span and its surroundings that the recogniser's mechanisms share.

Trimming entity spans, stripping class words, reading the name before or after a
token, and the contexts news uses only for places (a place preposition, a dateline,
a residence after a person, the goal of a motion verb). Functions of the Doc alone:
no gazetteer, no document-wide evidence.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from geo.model import PlaceKind
from geo.nlp.toponyms.words import (
    DATELINE_DASHES,
    DETERMINERS,
    FACILITY_HEADS,
    GOVERNMENT_HEADS,
    MOTION_VERBS,
    NAME_TAILS,
    ORGANISATION_HEADS,
    PARTY_LETTERS,
    PLACE_LABELS,
    PLACE_OF_NOUNS,
    PLACE_PREPOSITIONS,
    POSSESSIVES,
    PROPER_TAGS,
    RESIDENT_NOUNS,
    class_word,
)


def organisation_like(ent: SpacySpan) -> bool:
    """'the Kremlin', 'the Interior', acronyms ('EU', 'NATO'): names of organisations."""
    doc = ent.doc
    if ent[0].lower_ in DETERMINERS or (ent.start > 0 and doc[ent.start - 1].lower_ in DETERMINERS):
        return True
    if ent[-1].lower_ in ORGANISATION_HEADS:
        return True
    text = ent.text.strip()
    return text.isupper() and text.isalpha()


def is_capitalised(token: Token) -> bool:
    text = token.text
    return bool(text) and text[0].isupper() and (token.is_alpha or "." in text)


def trim(span: SpacySpan) -> SpacySpan | None:
    """Drop leading determiners/punctuation and trailing possessives/punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (
        doc[start].lower_ in DETERMINERS or doc[start].is_punct or doc[start].is_space
    ):
        start += 1
    while end > start and (
        doc[end - 1].text in POSSESSIVES
        or doc[end - 1].is_space
        or (doc[end - 1].is_punct and doc[end - 1].text != ".")
    ):
        end -= 1
    if start >= end:
        return None
    return doc[start:end]


def institution(tail: SpacySpan) -> bool:
    """The words after a place in a name that make it an institution ("County Jail")."""
    return any(t.lower_ in ORGANISATION_HEADS or t.lower_ in FACILITY_HEADS for t in tail)


def public_body(words: SpacySpan) -> bool:
    """The capitalised words opening `words` name a public body or office."""
    for token in words:
        if token.text in POSSESSIVES:
            continue
        if not is_capitalised(token):
            return False
        if token.lower_ in GOVERNMENT_HEADS:
            return True
    return False


def party_prefix(doc: Doc, ent_start: int, name_start: int) -> bool:
    """ "D-Columbus" glued into one entity: a party letter and a hyphen before the name."""
    return name_start - ent_start == 2 and doc[name_start - 1].text in {"-", "–"}


def place_cue(doc: Doc, name: SpacySpan) -> str | None:
    """Which place-only cue surrounds `name`, if any (see `_cued_names`)."""
    before = doc[name.start - 1] if name.start > 0 else None
    after = doc[name.end] if name.end < len(doc) else None
    if any(t.ent_type_ in {"DATE", "TIME", "CARDINAL", "ORDINAL"} for t in name):
        return None
    if (
        before is not None
        and before.text in {"-", "–"}
        and name.start > 1
        and doc[name.start - 2].text in PARTY_LETTERS
        and not doc[name.start - 2].whitespace_
        and not before.whitespace_
    ):
        return "affiliation"
    if _dateline_cue(doc, name):
        return "dateline"
    if name[0].is_stop or after is None or not all(t.tag_ in PROPER_TAGS for t in name):
        return None
    glued = {"-", "–", "/"}
    if (before is not None and before.text in glued and not doc[name.start - 2].whitespace_) or (
        after.text in glued and not after.whitespace_ and doc[name.end + 1].is_title
    ):
        return None  # part of a compound name: "Miami-Dade", "Batesburg-Leesville"
    if name.text.isupper() and len(name.text) <= 4:
        return None  # acronyms: "PA officials", "SWAT officers"
    if (
        not name[0].ent_type_
        and is_capitalised(after)
        and public_body(doc[name.end : name.end + 4])
    ):
        return "jurisdiction"  # "Chiefland Police Chief" that NER missed
    if after.lower_ in RESIDENT_NOUNS or (
        after.text in {"-", "–"} and name.end + 1 < len(doc) and doc[name.end + 1].lower_ == "based"
    ):
        return "resident"
    if before is not None and before.lower_ in {"of", "from"} and name.start > 2:
        person_end = doc[name.start - 2]
        if person_end.text == "," and doc[name.start - 3].is_digit:
            return "residence"  # "Kevin Fulmer, 31, of Swansea"
        if person_end.text == ",":
            person_end = doc[name.start - 3]
        if (
            person_end.ent_type_ == "PERSON"
            and person_end.ent_iob_ != "B"
            or (
                person_end.ent_type_ == "PERSON"
                and person_end.i + 1 < len(doc)
                and doc[person_end.i + 1].ent_iob_ != "I"
            )
        ):
            return "residence"
    return None


def entity_of(span: SpacySpan) -> SpacySpan | None:
    """The entity exactly covering `span`, if any."""
    for ent in span.doc.ents:
        if ent.start == span.start and ent.end == span.end:
            return ent
    return None


def motion_goal(doc: Doc, span: SpacySpan) -> bool:
    """ "drove to Lanexa", "heading through Bright": the goal of a verb of motion."""
    i = span.start - 1
    if i < 1 or doc[i].lower_ not in {"to", "through", "toward", "towards", "into"}:
        return False
    return doc[i].head.lemma_ in MOTION_VERBS


def _dateline_cue(doc: Doc, name: SpacySpan) -> bool:
    """ "MANSFIELD -- Mayor ...", "ORLANDO, Fla. (AP)": an upper-case name after a line
    start, a sentence end or a date, before a spaced dash, "(" or ", State"."""
    if not (name.text.isupper() and len(name.text) > 3) or name.end >= len(doc):
        return False
    if name.start > 0:
        before = doc[name.start - 1]
        if not (before.is_space or before.like_num or before.text in {".", '"', "”", "’", "'"}):
            return False
        if before.text == "." and name.start > 1 and doc[name.start - 2].is_upper:
            return False  # "ST. PAUL": the end of a longer name
    after = doc[name.end]
    if after.text in DATELINE_DASHES - {","} or after.text in {"---", "—-"}:
        return bool(name[-1].whitespace_)
    if after.text in {"(", ":"} or (after.is_space and name.end + 1 < len(doc)):
        return True
    return (
        after.text == ","
        and name.end + 1 < len(doc)
        and is_capitalised(doc[name.end + 1])
        and doc[name.end + 1].text != doc[name.end + 1].text.upper()
    )


def before_name_tail(span: SpacySpan) -> bool:
    """The place name opens another name: "West Nile virus", "Ebola-Reston virus"."""
    doc = span.doc
    i = span.end
    while i + 1 < len(doc) and doc[i].text in {"-", "–"} and is_capitalised(doc[i + 1]):
        i += 2
    return i < len(doc) and doc[i].lower_ in NAME_TAILS


def strip_class_word(span: SpacySpan) -> tuple[SpacySpan | None, PlaceKind | None]:
    """'Grodno region' -> ('Grodno', region); 'Black Sea' keeps its capitalised class word;
    'City of Santa Ana' -> ('Santa Ana', city)."""
    if len(span) > 2 and span[1].lower_ == "of":
        entry = class_word(span[0], "before")
        if entry is not None:
            return span[2:], entry.kind
    last = span[-1]
    entry = class_word(last, "after")
    if entry is None:
        return span, None
    if last.is_lower:
        rest = span[:-1]
        return (rest if len(rest) else None), entry.kind
    return span, entry.kind


def list_neighbour(doc: Doc, index: int, direction: int) -> SpacySpan | None:
    """The capitalised name across one list separator ("," / "and" / "or") from `index`."""
    sep = index if direction > 0 else index - 1
    if not 0 <= sep < len(doc) or doc[sep].text not in {",", "and", "or"}:
        return None
    if direction > 0:
        start = sep + 1
        if start < len(doc) and doc[start].lower_ in {"and", "or"} and doc[sep].text == ",":
            start += 1
        end = start
        while end < len(doc) and end - start < 3 and name_word(doc[end]):
            end += 1
        if end == start or (
            end < len(doc) and (is_capitalised(doc[end]) or doc[end].text in POSSESSIVES)
        ):
            return None
        return doc[start:end]
    end = sep
    if end > 0 and doc[end - 1].text == "," and doc[sep].lower_ in {"and", "or"}:
        end -= 1
    start = end
    while start > 0 and end - start < 3 and name_word(doc[start - 1]):
        start -= 1
    if start == end or (start > 0 and is_capitalised(doc[start - 1])):
        return None
    return doc[start:end]


def comma_place_token(token: Token) -> bool:
    """Outside entities, in a place entity, or in a PERSON entity glued to a credit."""
    label = token.ent_type_
    if not label or label in PLACE_LABELS:
        return True
    if label == "PERSON":
        ent = next(e for e in token.doc.ents if e.start <= token.i < e.end)
        words = [t for t in ent if not t.is_space]
        return words[-1].i > token.i and words[-1].is_upper  # "Belarus AFP\n\n"
    return False


def name_word(token: Token) -> bool:
    return is_capitalised(token) and not token.is_stop


def name_before(doc: Doc, index: int) -> SpacySpan | None:
    """The run of capitalised tokens (max 3) ending just before `index`."""
    end = index
    start = end
    while start > 0 and end - start < 3 and name_word(doc[start - 1]):
        start -= 1
    if start == end or (start > 0 and doc[start - 1].text in {"-", "–"}):
        return None  # nothing, or the tail of a compound ("Tri-City area")
    return doc[start:end]


def name_from(doc: Doc, index: int) -> SpacySpan | None:
    end = index
    while end < len(doc) and end - index < 3 and name_word(doc[end]):
        end += 1
    if end == index or (end < len(doc) and doc[end].text in {"-", "–"}):
        return None
    return doc[index:end]


def place_context(
    doc: Doc, span: SpacySpan, prepositions: frozenset[str] = PLACE_PREPOSITIONS
) -> bool:
    """A preposition of place right before the name ("in X", "near the X")."""
    i = span.start - 1
    if i >= 0 and doc[i].lower_ in DETERMINERS:
        i -= 1
    if i >= 1 and doc[i].lower_ == "of" and doc[i - 1].lower_ in PLACE_OF_NOUNS:
        return True  # "north of Moorhead", "a native of Augusta"
    return i >= 0 and doc[i].lower_ in prepositions


def dateline(doc: Doc, span: SpacySpan) -> bool:
    """An upper-case name opening a line and followed by a dash or comma: 'SALINA, Kan.'"""
    if not span.text.isupper():
        return False
    first = span.start
    line_start = first == 0 or "\n" in doc[first - 1].text or doc[first - 1].text in {".", '"'}
    return line_start and span.end < len(doc) and doc[span.end].text in DATELINE_DASHES
