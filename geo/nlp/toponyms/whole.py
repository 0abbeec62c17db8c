"""Multi-word place names kept whole (issue 14 point 3).

The NER cuts names the gazetteer knows whole: "Mato Grosso" of "Mato Grosso do Sul", nothing
of "British Virgin Islands" but the demonym. A chosen candidate grows to the longest known
name around it (capitalised words and the particles of names between them), and a known
multi-word name that holds a place word or a place entity is a candidate though the NER
missed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from geo.nlp.toponyms.candidates import Candidate
from geo.nlp.toponyms.evidence import DocEvidence
from geo.nlp.toponyms.queries import NameQueries
from geo.nlp.toponyms.spans import before_name_tail, is_capitalised
from geo.nlp.toponyms.words import (
    COMPANY_HEADS,
    DETERMINERS,
    FEATURE_HEADS,
    NAME_PARTICLES,
    OPAQUE_LABELS,
    SEAT_WORDS,
    STREET_WORDS,
    class_word,
)

LONGEST_NAME = 5
"""Words in the longest name tried ("Democratic Republic of the Congo")."""


class WholeNames(NameQueries):
    """Candidates grown to, or found as, whole multi-word names; a base of the recogniser."""

    def _whole(self, doc: Doc, chosen: list[Candidate]) -> list[Candidate]:
        """Each candidate grown to the longest known name around it, by up to two words
        before and three after, over no other candidate and no opaque entity."""
        if self.lookup is None:
            return chosen
        owner = {i: c for c in chosen for i in range(c.start, c.end)}
        grown = []
        for c in chosen:
            best: SpacySpan | None = None
            for start in range(max(0, c.start - 2), c.start + 1):
                for end in range(min(len(doc), c.end + 3), c.end - 1, -1):
                    if (start, end) == (c.start, c.end) or end - start > LONGEST_NAME:
                        continue
                    if best is not None and end - start <= len(best):
                        break
                    span = doc[start:end]
                    outside = [t for t in span if not c.start <= t.i < c.end]
                    if any(owner.get(t.i, c) is not c for t in span):
                        continue
                    if any(t.ent_type_ in OPAQUE_LABELS for t in outside):
                        continue
                    if end > c.end and span[-1].lower_ in SEAT_WORDS and _capitalised_after(span):
                        continue  # "California State Senator", "Dublin City Manager"
                    if self._name_shaped(span) and self._known(span.text):
                        best = span
                        break
            grown.append(replace(c, start=best.start, end=best.end) if best is not None else c)
        return grown

    def _multiword_names(self, doc: Doc, evidence: DocEvidence) -> Iterable[Candidate]:
        """Known names of two or more words outside opaque entities that hold a place word
        ("Islands") or a place or demonym entity: "British Virgin Islands"."""
        if self.lookup is None:
            return
        # Read once a token, not once a span tried: a name is capitalised at both ends and
        # holds no opaque entity, so spans that fail these are never made.
        capitalised = [is_capitalised(t) for t in doc]
        opaque = [t.ent_type_ in OPAQUE_LABELS for t in doc]
        i = 0
        while i < len(doc):
            found = None
            if (
                capitalised[i]
                and i not in evidence.title_case
                and not (i > 0 and capitalised[i - 1])  # "St. Kitts and Nevis"
            ):
                for length in range(min(LONGEST_NAME, len(doc) - i), 1, -1):
                    if any(opaque[i : i + length]) or not capitalised[i + length - 1]:
                        continue
                    span = doc[i : i + length]
                    if not self._name_shaped(span) or not _place_word(span):
                        continue
                    after = doc[span.end] if span.end < len(doc) else None
                    if after is not None and after.lower_ in STREET_WORDS | FEATURE_HEADS:
                        continue  # "Indian Lake Road", "Santa Clara Valley"
                    if before_name_tail(span):
                        continue  # "Hong Kong Flu virus"
                    if _company_word(after):
                        continue  # "Hong Kong Exchanges": a company's name
                    if self._known(span.text) and not self._is_demonym(span.text):
                        found = span
                        break
            if found is not None:
                yield Candidate(found.start, found.end, "whole", None, 1)
                i = found.end
            else:
                i += 1

    def _name_shaped(self, span: SpacySpan) -> bool:
        """Capitalised words, with particles of names between them ("do", "of the")."""
        if not (is_capitalised(span[0]) and is_capitalised(span[-1])):
            return False
        if span[0].lower_ in DETERMINERS or (
            len(span) > 1 and span[1].lower_ == "of" and class_word(span[0], "before")
        ):
            return False  # "The South", "City of Norfolk": the class word is no part of it
        return all(is_capitalised(t) or t.lower_ in NAME_PARTICLES for t in span)


def _capitalised_after(span: SpacySpan) -> bool:
    return span.end < len(span.doc) and is_capitalised(span.doc[span.end])


def _place_word(span: SpacySpan) -> bool:
    return any(
        t.ent_type_ in {"GPE", "LOC", "NORP"}
        or t.lower_ in FEATURE_HEADS
        or class_word(t, "after") is not None
        for t in span
    )


def _company_word(token) -> bool:
    """A company's last word after the name: "Hong Kong Exchanges", "Qatar Airways"."""
    return token is not None and is_capitalised(token) and token.lower_ in COMPANY_HEADS
