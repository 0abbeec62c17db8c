"""A verb's subject, the parse's and the one it shares with the verb it is coordinated with
or completes; a subject across a blank line is none (a caption joined to the next paragraph).

Out of participants.py, which names the phrases found here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from geo.events.predicates import (
    ANNOUNCING_NOUNS,
    PASSIVE_SUBJECT_DEPS,
    SUBJECT_DEPS,
    participle_anchor,
)

if TYPE_CHECKING:
    from spacy.tokens import Token


def subject_of(verb: Token) -> list[Token]:
    """The verb's own subject, or the one it shares with the verb it is coordinated with or
    completes ("Guards stopped and detained them", "refused to comply")."""
    seen = 0
    while verb is not None and seen < 4:
        subjects = [
            c
            for c in verb.children
            if c.dep_ in SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS and not _across_paragraphs(c, verb)
        ]
        if subjects:
            return subjects
        anchor = participle_anchor(verb)
        if anchor is not None:  # "soldiers approaching": the noun, unless a message
            noun = verb.head
            if verb.dep_ == "acl" and noun.lemma_.lower() not in ANNOUNCING_NOUNS:
                return [noun]
            verb, seen = anchor, seen + 1
            continue
        if verb.dep_ in ("conj", "xcomp") and verb.head != verb:
            verb = verb.head
            seen += 1
            continue
        break
    return _paragraph_subject(verb) if verb is not None else []


BEFORE_VERB_DEPS = frozenset({"aux", "auxpass", "neg", "advmod"})


def _paragraph_subject(verb: Token) -> list[Token]:
    """The noun opening a paragraph right before a subjectless verb, which the parse hung on
    the paragraph before ("… Leonid SHCHEGLOV\n\nBelarus has denied the claim": Belarus an
    apposition of the caption's credit): the verb's subject."""
    if verb.dep_ != "ROOT" or verb.i == 0:
        return []
    doc = verb.doc
    j = verb.i - 1
    while j > 0 and doc[j].dep_ in BEFORE_VERB_DEPS:
        j -= 1
    noun = doc[j]
    if noun.pos_ not in ("PROPN", "NOUN") or noun.head.i >= noun.i:
        return []
    return [noun] if opens_paragraph(noun) else []


def opens_paragraph(noun: Token) -> bool:
    """The phrase headed by `noun` follows a blank line after the word it hangs on."""
    return noun.head.i < noun.i and _blank_line(noun.doc[noun.head.i : noun.left_edge.i])


def _across_paragraphs(a: Token, b: Token) -> bool:
    """A blank line between two tokens: the parse joined a caption or a paragraph to the
    next ("Migrants at a Belarusian logistics centre … SHCHEGLOV\n\nBelarus has denied")."""
    low, high = sorted((a.i, b.i))
    return _blank_line(a.doc[low:high])


def _blank_line(tokens: Iterable[Token]) -> bool:
    return any((t.text + t.whitespace_).count("\n") >= 2 for t in tokens)
