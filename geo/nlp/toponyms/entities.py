"""Repairs of what the statistical NER labelled: entities -> toponym candidates.

Place entities are trimmed and checked against the gazetteer and their context;
ORG/PERSON/NORP entities that name a known place metonymically ("Belarus said")
become places; public bodies give their jurisdiction ("Douglas County Sheriff's
Office") and organisation names a leading country; with the policy's `embedded`,
places inside other names.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from geo.model import PlaceKind
from geo.nlp.toponyms.candidates import Candidate
from geo.nlp.toponyms.commonword import (
    GeographicContext,
    common_word_sense,
    described_as_place,
)
from geo.nlp.toponyms.evidence import DocEvidence, PersonNames
from geo.nlp.toponyms.queries import NameQueries
from geo.nlp.toponyms.senses import (
    a_thing,
    acronym,
    common_noun_sense,
    company_or_club,
    forename_and_surname,
    in_longer_name,
    person_cue,
    product_name,
    work_title,
)
from geo.nlp.toponyms.spans import (
    before_name_tail,
    institution,
    is_capitalised,
    motion_goal,
    organisation_like,
    place_context,
    public_body,
    strip_class_word,
    trim,
)
from geo.nlp.toponyms.words import (
    COMPANY_HEADS,
    DIRECTION_WORDS,
    EMBEDDING_LABELS,
    EVENT_HEADS,
    METONYM_LABELS,
    PLACE_LABELS,
    PLACE_PREPOSITIONS,
    POSSESSIVES,
    QUALIFIERS,
    SEAT_WORDS,
    STREET_WORDS,
    STRICT_PLACE_PREPOSITIONS,
)


class EntityRepairs(NameQueries):
    """Candidates from the NER's entities; a base of `ToponymRecogniser`."""

    def _from_entities(self, doc: Doc, evidence: DocEvidence) -> Iterable[Candidate]:
        context = self._geographic_context(doc, evidence)
        for ent in doc.ents:
            label = ent.label_
            span = trim(ent)
            if span is None:
                continue
            span, hint = strip_class_word(span)
            if span is None or not any(t.text[:1].isupper() for t in span):
                continue
            if before_name_tail(span) or self._other_sense(doc, span, label, evidence):
                continue
            if (
                label != "NORP"
                and not self._is_demonym(span.text)  # "Polish guards": a demonym, not a word
                and common_word_sense(span, hint, context, self._prominence_of(span.text) == 2)
            ):
                continue
            if self._unvouched_initials(span, context):
                continue
            if label in PLACE_LABELS:
                candidate = self._place_entity(doc, span, label, hint, evidence.persons)
            elif label == "FAC":
                candidate = self._facility_entity(span, hint)
            elif label in METONYM_LABELS:
                candidate = self._metonym_entity(doc, ent, span, label, evidence)
            else:
                candidate = None
            if candidate is not None:
                yield candidate
                continue
            if label not in PLACE_LABELS and len(span) > 1 and self.policy.jurisdictions:
                candidate = self._jurisdiction(span, evidence)
                if candidate is not None:
                    yield candidate
                    continue
            if (label == "ORG" or span[-1].lower_ in EVENT_HEADS) and len(span) > 1:
                modifier = self._leading_modifier(span, evidence)
                if modifier is not None:
                    yield modifier
                elif self.policy.embedded:
                    yield from self._embedded(span, evidence)
            elif self.policy.embedded and label in EMBEDDING_LABELS:
                yield from self._embedded(span, evidence)

    def _geographic_context(self, doc: Doc, evidence: DocEvidence) -> GeographicContext:
        lookup = self.lookup
        return GeographicContext(
            doc,
            evidence.title_case,
            evidence.place_texts,
            getattr(lookup, "candidates", None),
            lookup.country_by_demonym if lookup is not None else None,
        )

    def _unvouched_initials(self, span: SpacySpan, context: GeographicContext) -> bool:
        """ "The PSB detained two activists": letters the gazetteer derived from a country's
        official name (`needs_context`: "KSA", "PSB") name it only with geographic context
        ("exports from KSA", "Riyadh said the KSA") or listed with a place ("the KSA and
        the UAE")."""
        needs_context = getattr(self.lookup, "needs_context", None)
        if needs_context is None or not acronym(span.text) or not needs_context(span.text):
            return False
        if context.supports(span):
            return False
        root = span.root
        listed = [c for c in root.children if c.dep_ == "conj"]
        if root.dep_ == "conj":
            listed.append(root.head)
        return not any(
            t.ent_type_ in PLACE_LABELS
            or (acronym(t.text) and self._known(t.text) and self._abbreviation(t.text, True))
            for t in listed
        )

    def _other_sense(self, doc: Doc, span: SpacySpan, label: str, evidence: DocEvidence) -> bool:
        """The sentence uses the name in another sense than a place (`senses`): a word of a
        longer name, a person, a work, a thing named after a place, a common noun."""
        if label not in PLACE_LABELS | METONYM_LABELS | {"FAC"} or label == "NORP":
            return False
        if person_cue(span) or work_title(span):
            return True
        if label in METONYM_LABELS:
            return False
        return (
            in_longer_name(span, evidence.title_case, self._known)
            or a_thing(doc, span)
            or (product_name(span) and self._prominence_of(span.text) < 2)
            or common_noun_sense(span)
        )

    def _place_entity(
        self,
        doc: Doc,
        span: SpacySpan,
        label: str,
        hint: PlaceKind | None,
        persons: PersonNames,
    ) -> Candidate | None:
        text = span.text
        if all(t.lower_ in DIRECTION_WORDS for t in span):
            return None  # "the West" is a political actor, not a place
        if acronym(text) and self.lookup is not None and not self._abbreviation(text):
            return None  # "an MA in economics", "The MD of the firm"
        if self._is_demonym(text) and not self._known(text):
            if self.policy.demonyms:
                return Candidate(span.start, span.end, "demonym", None, 2)
            return None
        if (
            persons.is_person(span)
            and not place_context(doc, span)
            and self._prominence_of(text) < 2  # NER also calls "Sri Lanka" a person
        ):
            return None
        if self._known(text) or self.lookup is None:
            return Candidate(span.start, span.end, label, hint, 3)
        if len(span) > 1 and (span[0].lower_ in DIRECTION_WORDS | QUALIFIERS):
            rest = span[1:]  # "Historic Dublin", "S.E. Paris"
            if self._known(rest.text):
                return Candidate(rest.start, rest.end, label, hint, 3)
        if len(span) > 1 and span[-1].lower_ in SEAT_WORDS and self._known(span[:-1].text):
            head = span[:-1]  # "Fargo City (Commissioner)", "San Diego State"
            return Candidate(head.start, head.end, label, hint, 3)
        for end in range(span.end - 1, span.start, -1):
            head = doc[span.start : end]  # "Butler County Jail" -> "Butler County"
            tail = doc[end : span.end]
            if all(t.lower_ in DIRECTION_WORDS for t in head):
                break  # "South China Morning Post" is not "South"
            if head[-1].is_alpha and self._known(head.text) and institution(tail):
                return Candidate(head.start, head.end, label, hint, 3)
        # Not in the gazetteer: a misspelling if the context is place-like, else
        # most often a person or a thing ("Petrova said").
        if place_context(doc, span) or _followed_by_known(self, doc, span):
            return Candidate(span.start, span.end, f"{label}:unknown", hint, 3)
        return None

    def _facility_entity(self, span: SpacySpan, hint: PlaceKind | None) -> Candidate | None:
        if self._known(span.text):
            return Candidate(span.start, span.end, "FAC", hint, 3)
        if self.policy.streets and span[-1].lower_ in STREET_WORDS:
            return Candidate(span.start, span.end, "FAC", hint, 2)
        return None

    def _metonym_entity(
        self,
        doc: Doc,
        ent: SpacySpan,
        span: SpacySpan,
        label: str,
        evidence: DocEvidence,
    ) -> Candidate | None:
        text = span.text
        if label == "NORP":
            proper = all(t.tag_ in {"NNP", "NNPS"} for t in span)
            if proper and self._known(text) and not self._is_demonym(text):
                return Candidate(span.start, span.end, "NORP", None, 2)
            if self.policy.demonyms and self._is_demonym(text):
                return Candidate(span.start, span.end, "demonym", None, 2)
            return None
        if not self._known(text):
            return None
        if label == "ORG" and acronym(text):  # "the UAE", "eastern DRC", "NYC"
            if self._abbreviation(text, strict=True):
                return Candidate(span.start, span.end, "abbreviation", None, 2)
            return None
        if label == "ORG" and organisation_like(ent):
            return None
        if label == "PERSON" and evidence.persons.is_person(span, self_ent=ent):
            return None
        if text not in evidence.place_texts and company_or_club(span):
            return None  # "Toyota recalled", "Porto beat Benfica"
        # Every surname is a village somewhere: ask for evidence that this one is a place.
        if text in evidence.place_texts or self._prominence_of(text) > 0:
            return Candidate(span.start, span.end, label, None, 2)
        # "at" takes institutions as often as places: "researchers at Harvard"
        prepositions = PLACE_PREPOSITIONS - {"at"} if label == "ORG" else STRICT_PLACE_PREPOSITIONS
        if place_context(doc, span, prepositions) or motion_goal(doc, span):
            return Candidate(span.start, span.end, label, None, 2)
        if described_as_place(span.root, settlement=True):  # "Ascot, a small town" (ORG)
            return Candidate(span.start, span.end, label, None, 2)
        return None

    def _jurisdiction(self, span: SpacySpan, evidence: DocEvidence) -> Candidate | None:
        """ "Douglas County Sheriff's Office" -> "Douglas County", "Fargo City Council"
        -> "Fargo": a place opening the name of a public body or office. Places after
        "of" ("Council of Europe") and in private names ("Nashville Film Festival") are not.
        Common words that are also places ("Superior Court", "Home Office") need evidence:
        a class word, a prominent place or another mention as a place."""
        for length in range(min(4, len(span) - 1), 0, -1):
            part = span[:length]
            following = span[length]
            if not all(is_capitalised(t) for t in part) or not (
                is_capitalised(following) or following.text in POSSESSIVES
            ):
                continue  # "Alexandria's Circuit Court" is a jurisdiction too
            if part[0].lower_ in DIRECTION_WORDS or self._is_demonym(part.text):
                continue
            rest = span[length:]
            if part[-1].lower_ in SEAT_WORDS and len(part) > 1 and public_body(rest[:1]):
                part = part[:-1]  # "Dublin City Council", "Illinois State Police"
            if not self._known(part.text) or not public_body(rest):
                continue
            vouched = (
                len(part) > 1  # "Douglas County", "Mount Pleasant": not a common word
                or part.text in evidence.place_texts
                or self._prominence_of(part.text) > 0
            )
            return Candidate(part.start, part.end, "jurisdiction", None, 2) if vouched else None
        return None

    def _leading_modifier(self, span: SpacySpan, evidence: DocEvidence) -> Candidate | None:
        """ "US Federal Emergency Management Agency" -> "US": a country or region
        modifying an organisation name, or a city an event held there ("the Paris
        Olympics", whatever the NER's label). Places after "of" ("Council of Europe") stay
        part of the name; a company's ("Qatar Airways") is no place."""
        if span[-1].lower_ in COMPANY_HEADS or forename_and_surname(span):
            return None  # "Qatar Airways"; "India Knight wrote"
        for length in range(min(3, len(span) - 1), 0, -1):
            part = span[:length]
            if not all(is_capitalised(t) for t in part):
                continue
            if not is_capitalised(span[length]):
                continue
            if part[0].lower_ in DIRECTION_WORDS or not self._known(part.text):
                continue
            level = self._prominence_of(part.text)
            located = part.text in evidence.place_texts or span[-1].lower_ in EVENT_HEADS
            if level == 2 or (level == 1 and located):  # "the Geneva Motor Show"
                return Candidate(part.start, part.end, "modifier", None, 2)
        return None

    def _embedded(self, span: SpacySpan, evidence: DocEvidence) -> Iterable[Candidate]:
        """Longest known place name opening a multi-word name, or after its "of"
        ("Columbus Police Department", "University of Toronto"), when the document
        or the gazetteer vouches for it."""
        if len(span) < 2:
            return
        starts = [0] + [i + 1 for i, t in enumerate(span) if t.lower_ == "of"]
        for offset in starts:
            for length in range(min(4, len(span) - offset), 0, -1):
                part = span[offset : offset + length]
                if not (part[0].is_title or part[0].is_upper):
                    continue
                if part.end == span.end and offset == 0:
                    continue
                if not self._known(part.text) or self._is_demonym(part.text):
                    continue
                if part[0].lower_ in DIRECTION_WORDS or part[0].is_stop:
                    continue
                vouched = part.text in evidence.place_texts or institution(span[offset + length :])
                if vouched or self._prominence_of(part.text) == 2:
                    yield Candidate(part.start, part.end, "embedded", None, 1)
                    break


def _followed_by_known(recogniser: NameQueries, doc: Doc, span: SpacySpan) -> bool:
    """ "Gun Barrel City, Texas": a comma and a known name follow."""
    end = span.end
    return (
        end + 1 < len(doc)
        and doc[end].text == ","
        and is_capitalised(doc[end + 1])
        and recogniser._known(doc[end + 1].text)
    )
