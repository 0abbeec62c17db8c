"""What the whole document says about names, gathered once per Doc.

Full names and surnames of PERSON entities, names after titles, speakers,
title-case lines and the texts of place entities: the recogniser's
one-sense-per-discourse checks read them.
"""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from geo.nlp.toponyms.spans import trim
from geo.nlp.toponyms.words import PERSON_TITLES, PLACE_LABELS, SPEECH_VERBS


class PersonNames:
    """Surnames and full names of PERSON entities in a document."""

    def __init__(self, doc: Doc) -> None:
        self.full: set[str] = set()
        self.parts: set[str] = set()
        self.ends: dict[int, SpacySpan] = {}
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            self.ends[ent.end] = ent
            words = [t for t in ent if t.is_alpha and t.is_title]
            if len(words) >= 2:  # a lone word labelled PERSON is as often a place ("Mansfield")
                self.full.add(ent.text)
                self.parts.add(words[-1].text)

    def is_person(self, span: SpacySpan, self_ent: SpacySpan | None = None) -> bool:
        text = span.text
        if text in self.parts:
            return True
        if self_ent is None and text in self.full:
            return True
        before = self.ends.get(span.start)
        return (
            before is not None and before is not self_ent and not span.doc[span.start - 1].is_punct
        )


def person_names(doc: Doc) -> PersonNames:
    return PersonNames(doc)


class DocEvidence:
    """What the whole document says about names: one sense per discourse."""

    def __init__(self, doc: Doc, persons: PersonNames) -> None:
        self.persons = persons
        self.titled: set[str] = set()
        self.speakers: set[str] = set()
        title_case: set[int] = set()
        start = content = capitalised = 0
        after_title = False
        for token in doc:  # one pass: this runs on every article
            i = token.i
            newline = "\n" in token.text
            if newline or (i > start and token.is_sent_start):
                end = i + 1 if newline else i
                if capitalised >= 3 and capitalised >= 0.75 * content:
                    title_case.update(range(start, end))
                start, content, capitalised = end, 0, 0
            title = token.is_title
            if token.is_alpha and len(token) > 3 and not token.is_stop:
                content += 1
                capitalised += title
            if after_title and title and token.is_alpha:
                self.titled.add(token.text)
            elif title and token.dep_ == "nsubj" and token.head.lemma_ in SPEECH_VERBS:
                self.speakers.add(token.text)
            after_title = token.text in PERSON_TITLES
        if capitalised >= 3 and capitalised >= 0.75 * content:
            title_case.update(range(start, len(doc)))
        # Title-case lines ("Poland Stops Migrants at the Border"): most content words
        # capitalised, so capitals there say nothing about names.
        self.title_case = frozenset(title_case)
        self.place_texts: set[str] = set()
        for ent in doc.ents:
            if ent.label_ in PLACE_LABELS:
                span = trim(ent)
                if span is not None:
                    self.place_texts.add(span.text)
