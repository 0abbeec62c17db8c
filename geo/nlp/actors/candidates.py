"""Candidate actor mentions from the NER, and the choice among overlapping ones.

`Candidate` (a token range from one source) and `Cluster` (one actor of the
document); PERSON and ORG entities cleaned of titles, determiners and noise,
with the country their title or apposition gives; surnames the NER missed;
then the non-overlapping selection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from geo.model import Actor, ActorType, Span
from geo.nlp.actors.countries import CountryLexicon, country_lexicon
from geo.nlp.actors.words import (
    APPOSITION_LINKS,
    DOMAIN_WORDS,
    GOVERNMENT_WORDS,
    HONORIFICS,
    MEDIA_CUES,
    NAME_PARTICLES,
    NOT_ACTORS,
    TITLE_WORDS,
    VENUE_CUES,
    VENUE_PLATFORMS,
    WEEKDAY_WORDS,
    fold,
)


@dataclass
class Candidate:
    start: int  # token offsets
    end: int
    priority: int
    kind: str  # 'registry' | 'role' | 'person' | 'org' | 'group'
    actor: Actor | None = None
    country: str | None = None
    media: bool = False
    label: str = ""
    cluster: Cluster | None = field(default=None, repr=False)


@dataclass
class Cluster:
    """One person or organisation of this document, before it becomes an Actor."""

    id: str
    name: str
    type: ActorType
    countries: list[str] = field(default_factory=list)
    fixed: Actor | None = None  # from the registry: never renamed

    def to_actor(self) -> Actor:
        if self.fixed is not None:
            return self.fixed
        country = max(self.countries, key=self.countries.count) if self.countries else None
        return Actor(self.id, self.name, self.type, country)


def with_honorific(doc: Doc, start: int) -> int:
    if start > 0 and doc[start - 1].lower_ in HONORIFICS and doc[start - 1].text[:1].isupper():
        return start - 1
    return start


def is_venue(doc: Doc, start: int, end: int) -> bool:
    """'posted on Twitter': the platform is where, not who."""
    return (
        end - start == 1
        and doc[start].lower_ in VENUE_PLATFORMS
        and start > 0
        and doc[start - 1].lower_ in VENUE_CUES
    )


def entity_candidates(doc: Doc, toponym_spans: Sequence[Span]) -> list[Candidate]:
    lexicon = country_lexicon()
    found: list[Candidate] = []
    for label, ent_start, ent_end in _entity_ranges(doc):
        start, end = _clean_entity(doc, ent_start, ent_end, label == "PERSON")
        if label == "PERSON":
            end = _extend_particles(doc, end)
        if start >= end or _is_noise(doc, start, end, label, lexicon):
            continue
        if _mostly_toponym(doc, start, end, toponym_spans):
            continue
        kind = "person" if label == "PERSON" else "org"
        if kind == "person" and (end - start > 5 or looks_like_org(doc, start, end)):
            kind = "org"
        candidate = Candidate(start, end, 2 if kind == "person" else 1, kind, label=label)
        if kind == "person":
            candidate.start = with_honorific(doc, start)
        candidate.country = _context_country(doc, start, end, lexicon)
        candidate.media = _has_media_cue(doc, start)
        found.append(candidate)
    return found


def _entity_ranges(doc: Doc) -> list[tuple[str, int, int]]:
    """PERSON and ORG entities; 'Ahlstrom and Soule' is two people."""
    ranges = []
    for ent in doc.ents:
        if ent.label_ == "ORG":
            ranges.append((ent.label_, ent.start, ent.end))
        elif ent.label_ == "PERSON":
            start = ent.start
            for token in ent:
                if token.lower_ in ("and", "&"):
                    ranges.append((ent.label_, start, token.i))
                    start = token.i + 1
            ranges.append((ent.label_, start, ent.end))
    return ranges


def surname_candidates(doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
    """Surnames the NER missed ('Muller said') of people named in full in the article."""
    surnames: set[str] = set()
    for c in candidates:
        is_person = c.kind == "person" or (c.actor is not None and c.actor.type == "person")
        words = [t for t in doc[c.start : c.end] if t.lower_ not in HONORIFICS]
        if is_person and len(words) >= 2:
            surnames.add(fold(words[-1].text))
    tagged = doc.has_annotation("TAG")
    found = []
    for token in doc:
        if not token.is_title or fold(token.text) not in surnames:
            continue
        if (tagged and token.tag_ != "NNP") or (not tagged and token.is_sent_start):
            continue
        found.append(Candidate(token.i, token.i + 1, 1, "person", label="SURNAME"))
    return found


def _clean_entity(doc: Doc, start: int, end: int, person: bool) -> tuple[int, int]:
    """Strip determiners, possessives and text past a line break; of a person's
    name also the titles and demonyms before it ('Belarusian President')."""
    lexicon = country_lexicon()
    for i in range(start, end):
        if "\n" in doc[i].text or "\n" in doc[i].whitespace_:
            end = i if "\n" in doc[i].text else i + 1
            break
    for i in range(start, end):
        if doc[i].text == "(" and not any(t.text == ")" for t in doc[i:end]):
            end = i  # 'Department of Agriculture (DA': the NER cut the parenthesis
            break
    while end > start and (doc[end - 1].lower_ in ("'s", "\u2019s", "'") or doc[end - 1].is_punct):
        end -= 1
    while start < end:
        token = doc[start]
        demonym = lexicon.demonym_at(doc, start) if person else None
        if token.lower_ in ("the", "a", "an") or (person and token.lower_ in TITLE_WORDS):
            start += 1
        elif demonym is not None and demonym[0] < end:
            start = demonym[0]
        elif token.lower_ in ("'s", "\u2019s") or token.is_punct:
            start += 1
        else:
            break
    return start, end


def _extend_particles(doc: Doc, end: int) -> int:
    """'Ursula von der' + 'Leyen': the NER often cuts names at particles."""
    if not (doc[end - 1].lower_ in NAME_PARTICLES or (end < len(doc) and _is_particle(doc[end]))):
        return end
    while end < len(doc) and not doc[end - 1].whitespace_.count("\n"):
        token = doc[end]
        if _is_particle(token) or (token.is_title and token.is_alpha):
            end += 1
            if token.is_title and not _is_particle(token):
                break
        else:
            break
    return end


def _is_particle(token: Token) -> bool:
    return token.text in NAME_PARTICLES  # lower-case only: 'Van' may start a name


def _is_noise(doc: Doc, start: int, end: int, label: str, lexicon: CountryLexicon) -> bool:
    text = doc[start:end].text
    words = [t.lower_ for t in doc[start:end]]
    if fold(text) in NOT_ACTORS or any(w in NOT_ACTORS for w in words if w.endswith("/")):
        return True
    if "/" in text or "http" in text or not any(c.isalpha() for c in text):
        return True  # credits 'AFP / Name', URLs
    if label == "PERSON" and any(c.isdigit() for c in text):
        return True  # 'H5N1': people's names carry no digits
    if end - start == 1 and words[0] in DOMAIN_WORDS:
        return True  # 'Defence' of 'Defence Minister'
    if is_venue(doc, start, end):
        return True
    if end - start == 1 and doc[start].tag_ == "NNPS":
        return True  # plural proper nouns are peoples ('Slavs'), not persons
    if words[0] in WEEKDAY_WORDS:
        return True  # 'Tuesday's' taken for an organisation
    place = lexicon.name_at(doc, start)
    demonym = lexicon.demonym_at(doc, start)
    if (place is not None and place[0] == end) or (demonym is not None and demonym[0] == end):
        return True  # 'Sri Lanka', 'Sri Lankan' taken for a person or organisation
    return label == "ORG" and fold(text) in lexicon.capitals


def _mostly_toponym(doc: Doc, start: int, end: int, toponym_spans: Sequence[Span]) -> bool:
    first, last = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    covered = sum(
        max(0, min(last, t.end) - max(first, t.start)) for t in toponym_spans if t.start < last
    )
    return covered * 2 >= last - first


def looks_like_org(doc: Doc, start: int, end: int) -> bool:
    return any(t.lower_ in GOVERNMENT_WORDS for t in doc[start:end])


def _context_country(doc: Doc, start: int, end: int, lexicon: CountryLexicon) -> str | None:
    """Country of a name from its title or apposition.

    'Polish Prime Minister Mateusz Morawiecki' and 'Maria Zakharova, Russian
    Foreign Ministry spokeswoman' both tie the name to a country.
    """
    inside = next((hit[1] for i in range(start, end) if (hit := lexicon.demonym_at(doc, i))), None)
    if inside is not None:
        return inside
    i = start - 1
    if i >= 0 and doc[i].lower_ in HONORIFICS:
        i -= 1
    if i >= 0 and doc[i].text == ",":
        i -= 1
    steps = 0
    while i >= 0 and steps < 7:
        token = doc[i]
        hit = _country_ending_at(doc, i, lexicon)
        if hit is not None:
            return hit
        if not (
            token.lower_ in TITLE_WORDS
            or token.lower_ in MEDIA_CUES
            or token.is_title
            or token.lower_ in ("'s", "\u2019s")
        ):
            break
        if "\n" in token.whitespace_:
            break
        i -= 1
        steps += 1
    if end < len(doc) and doc[end].text == ",":
        for j in range(end + 1, min(end + 9, len(doc))):
            token = doc[j]
            hit = lexicon.demonym_at(doc, j) or lexicon.name_at(doc, j)
            if hit is not None:
                return hit[1]
            if token.is_punct or not (
                token.lower_ in TITLE_WORDS or token.lower_ in APPOSITION_LINKS or token.is_title
            ):
                break
    return None


def _country_ending_at(doc: Doc, i: int, lexicon: CountryLexicon) -> str | None:
    for start in range(i, max(-1, i - lexicon.max_len), -1):
        hit = lexicon.demonym_at(doc, start) or lexicon.name_at(doc, start)
        if hit is not None and hit[0] == i + 1:
            return hit[1]
    return None


def _has_media_cue(doc: Doc, start: int) -> bool:
    window = doc[max(0, start - 4) : start]
    words = [t.lower_ for t in window]
    return any(w in MEDIA_CUES for w in words) or ("agency" in words and "news" in words)


# --------------------------------------------------------------------------- selection


def without_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Trusted sources first, then longer spans; nothing overlaps what is kept."""
    ranked = sorted(candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    taken: set[int] = set()
    kept: list[Candidate] = []
    for c in ranked:
        tokens = range(c.start, c.end)
        if any(t in taken for t in tokens):
            continue
        taken.update(tokens)
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def excluded(doc: Doc, c: Candidate, exclude: Sequence[Span]) -> bool:
    span = char_span(doc, c)
    return any(span.overlaps(b) for b in exclude)


def char_span(doc: Doc, c: Candidate) -> Span:
    return Span(doc[c.start].idx, doc[c.end - 1].idx + len(doc[c.end - 1]))
