"""Roles: the kinds of state body in geo/data/actor_roles.csv and their designations.

The role table, and the candidates it yields in text: a country plus a role
noun ("Polish border guards", "Ministry of Foreign Affairs of Russia") or a
capitalised role in a sentence naming one country.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from geo.model import ActorType
from geo.nlp.actors.candidates import Candidate
from geo.nlp.actors.countries import CountryLexicon, country_lexicon
from geo.nlp.actors.registry import ACTOR_TYPES, ROLES_CSV, ActorDataError
from geo.nlp.actors.words import fold, folded_texts, tokenize


@dataclass(frozen=True)
class Role:
    """A kind of state body ('border_guard') and the words that designate it."""

    key: str
    type: ActorType
    name_template: str
    phrases: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=1)
def _role_first_words() -> frozenset[str]:
    return frozenset(phrase[0] for phrase in _roles()[0])


def role_by_key(key: str) -> Role:
    return next(r for r in _roles()[0].values() if r.key == key)


def role_keyed(key: str) -> Role | None:
    """The role of an actor id's key ("border_guard" of "pl_border_guard"), or None."""
    return next((r for r in _roles()[0].values() if r.key == key), None)


@lru_cache(maxsize=1)
def _roles() -> tuple[dict[tuple[str, ...], Role], int]:
    table: dict[tuple[str, ...], Role] = {}
    with open(ROLES_CSV, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row["type"] not in ACTOR_TYPES:
                raise ActorDataError(f"{ROLES_CSV}:{line}: unknown type {row['type']!r}")
            phrases = tuple(
                tuple(fold(t) for t in tokenize(p.strip())) for p in row["phrases"].split("|")
            )
            role = Role(row["role"], row["type"], row["name"], phrases)  # type: ignore[arg-type]
            for phrase in phrases:
                table.setdefault(phrase, role)
    return table, max(len(p) for p in table)


def role_named(words: list[str]) -> tuple[Role, int] | None:
    """The role a phrase ends in ("12,000 soldiers", "riot police", "security personnel"),
    with how many of its last words name it: the longest tail that designates a state body."""
    table, max_len = _roles()
    folded = [fold(w) for w in words]
    for start in range(max(0, len(folded) - max_len), len(folded)):
        role = table.get(tuple(folded[start:]))
        if role is not None:
            return role, len(folded) - start
    return None


def role_actor(role: Role, country: str) -> tuple[str, str]:
    """(actor id, canonical name) of a state's body, as the actor stage names it."""
    lexicon = country_lexicon()
    name = role.name_template.format(
        country=lexicon.country_names.get(country, country),
        demonym=lexicon.country_demonyms.get(country, country),
    )
    return f"{country.lower()}_{role.key}", name


def _role_at(doc: Doc, i: int) -> tuple[int, Role] | None:
    table, max_len = _roles()
    folded = folded_texts(doc)
    if folded[i] not in _role_first_words():
        return None
    for length in range(min(max_len, len(doc) - i), 0, -1):
        role = table.get(tuple(folded[i : i + length]))
        if role is not None:
            end = i + length
            if _spatial_side(doc, i, end) or doc[end - 1].tag_ == "JJ":
                return None  # 'from the Polish side', 'military drills': no body
            return end, role
    return None


def _spatial_side(doc: Doc, start: int, end: int) -> bool:
    """'the Polish side of the border', 'from the Polish side': a place, not a body."""
    if doc[end - 1].lower_ != "side":
        return False
    if end < len(doc) and doc[end].lower_ == "of":
        return True
    before = [t.lower_ for t in doc[max(0, start - 3) : start]]
    return "the" in before and any(w in ("on", "from", "at", "to", "across") for w in before)


def role_candidates(doc: Doc) -> list[Candidate]:
    """Country-modified designations of state bodies and their personnel."""
    lexicon = country_lexicon()
    found: list[Candidate] = []
    i = 0
    while i < len(doc):
        hit = _modified_role_at(doc, i, lexicon)
        if hit is None:
            i += 1
            continue
        found.append(hit)
        i = hit.end
    return found + _bare_capitalised_roles(doc, found, lexicon)


def _modified_role_at(doc: Doc, i: int, lexicon: CountryLexicon) -> Candidate | None:
    # 'Polish border guards', "Poland's defence ministry", 'Russia's security council'
    modifier = lexicon.demonym_at(doc, i) or lexicon.name_at(doc, i)
    if modifier is not None:
        after, country = modifier
        if after < len(doc) and doc[after].lower_ in ("'s", "\u2019s", "'"):
            after += 1
        role = _role_at(doc, after) if after < len(doc) else None
        if role is not None:
            return _role_candidate(i, role[0], role[1], country)
        return None
    # 'caretaker government in Germany', 'Ministry of Foreign Affairs of Russia'
    role = _role_at(doc, i)
    if role is None or not (doc[i].is_title or (i > 0 and doc[i - 1].lower_ == "the")):
        return None
    end, kind = role
    if end + 1 < len(doc) and doc[end].lower_ in ("of", "in"):
        tail = lexicon.name_at(doc, end + 1)
        if tail is not None:
            return _role_candidate(i, tail[0], kind, tail[1])
    return None


def _role_candidate(start: int, end: int, role: Role, country: str) -> Candidate:
    return Candidate(start, end, 3, "role", country=country, label=role.key)


def _bare_capitalised_roles(
    doc: Doc, modified: list[Candidate], lexicon: CountryLexicon
) -> list[Candidate]:
    """'Interior Ministry troops' with no country: take the sentence's only country."""
    taken = {t for c in modified for t in range(c.start, c.end)}
    has_sentences = doc.has_annotation("SENT_START")
    found: list[Candidate] = []
    for token in doc:
        if token.i in taken or not token.is_title or token.is_sent_start:
            continue
        role = _role_at(doc, token.i)
        if role is None or not all(t.is_title or t.is_stop for t in doc[token.i : role[0]]):
            continue
        if role[0] - token.i < 2:
            continue  # a lone capitalised 'Government' is too vague
        sent = token.sent if has_sentences else doc[max(0, token.i - 20) : token.i + 20]
        countries = _sentence_countries(doc, sent, lexicon)
        if len(countries) == 1:
            found.append(_role_candidate(token.i, role[0], role[1], countries.pop()))
    return found


def _sentence_countries(doc: Doc, sent: SpacySpan, lexicon: CountryLexicon) -> set[str]:
    codes: set[str] = set()
    for i in range(sent.start, sent.end):
        hit = lexicon.demonym_at(doc, i) or lexicon.name_at(doc, i)
        if hit is not None:
            codes.add(hit[1])
    return codes
