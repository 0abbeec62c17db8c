"""`find_actors`: an article's actor mentions, from every source, selected and linked.

Runs the sources (registry aliases, role designations, NER entities, surnames,
migrant groups), keeps the non-overlapping candidates outside `exclude` and
links them to canonical actors.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from geo.model import ActorMention, Span
from geo.nlp.actors.candidates import (
    Candidate,
    entity_candidates,
    excluded,
    is_venue,
    surname_candidates,
    with_honorific,
    without_overlaps,
)
from geo.nlp.actors.linking import prepare_mentions
from geo.nlp.actors.registry import ActorRegistry
from geo.nlp.actors.roles import role_candidates
from geo.nlp.actors.words import FOLDED_KEY, MIGRANT_WORDS


def find_actors(
    doc: Doc,
    exclude: Sequence[Span] = (),
    toponym_spans: Sequence[Span] = (),
    registry: ActorRegistry | None = None,
) -> tuple[ActorMention, ...]:
    """Actor mentions of `doc`, in text order, each linked to a canonical Actor.

    `exclude` (boilerplate: credits, footers) yields no actor; `toponym_spans`
    are places, so an NER entity that is mostly a toponym is not an actor.
    """
    if not isinstance(doc, Doc):
        raise TypeError(f"find_actors needs a spaCy Doc, got {type(doc).__name__}")
    registry = ActorRegistry.default() if registry is None else registry
    try:
        candidates = _query(doc, registry, toponym_spans)
        kept = [c for c in without_overlaps(candidates) if not excluded(doc, c, exclude)]
        return prepare_mentions(doc, kept, registry)
    finally:
        doc.user_data.pop(FOLDED_KEY, None)  # a per-call cache: keep the Doc as it came


def _query(doc: Doc, registry: ActorRegistry, toponym_spans: Sequence[Span]) -> list[Candidate]:
    candidates = [
        Candidate(s, e, 4, "registry", actor=a)
        for s, e, a in registry.matches(doc)
        if not is_venue(doc, s, e)
    ]
    candidates += role_candidates(doc)
    candidates += entity_candidates(doc, toponym_spans)
    candidates += surname_candidates(doc, candidates)
    candidates += [Candidate(t.i, t.i + 1, 0, "group") for t in doc if t.lower_ in MIGRANT_WORDS]
    for c in candidates:
        if c.actor is not None and c.actor.type == "person":
            c.start = with_honorific(doc, c.start)
    return candidates
