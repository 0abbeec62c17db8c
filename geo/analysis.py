"""One article -> its analysis: the NLP stages (places, actors, dates, sentences) and the
events extracted from them. `geo.pipeline` runs this over a corpus and into the store."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from geo.events import extract_events
from geo.model import FACILITY_LABEL, AnalysedArticle, Article, Sentence, Span
from geo.nlp import find_actors, find_dates, find_toponyms
from geo.places import resolve_toponyms, resolve_unplaced
from geo.store import CachedArticle

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from geo.nlp import ActorRegistry
    from geo.places import Gazetteer, Geocoder

BATCH_SIZE = 32
"""Texts per nlp.pipe batch: large enough for throughput, small enough for memory."""

_LINE_BREAKS = re.compile(r"\s*\n\s*")


def sentences_of(doc: Doc) -> tuple[Sentence, ...]:
    """spaCy's sentences, also split at line breaks: headlines and captions rarely end in '.'."""
    text = doc.text
    sentences = []
    for sent in doc.sents:
        start = sent.start_char
        for piece in _LINE_BREAKS.split(text[sent.start_char : sent.end_char]):
            begin = text.index(piece, start) if piece else start
            if piece.strip():
                sentences.append(Sentence(begin, begin + len(piece), piece))
            start = begin + len(piece)
    return tuple(sentences)


def _analyse_doc(
    article: Article,
    doc: Doc,
    gazetteer: Gazetteer,
    registry: ActorRegistry | None,
    online: Geocoder | None = None,
) -> AnalysedArticle:
    exclude = article.boilerplate
    toponyms = find_toponyms(doc, exclude=exclude, facilities=True)
    resolved = resolve_toponyms(toponyms, article.text, gazetteer)
    if online is not None:
        resolved = resolve_unplaced(resolved, online, gazetteer, article.text)
    actors = find_actors(
        doc,
        exclude=exclude,
        toponym_spans=tuple(Span(t.start, t.end) for t in toponyms if t.label != FACILITY_LABEL),
        registry=registry,
    )
    dates = find_dates(doc, article.published.value, exclude=exclude)
    return AnalysedArticle(article, sentences_of(doc), resolved, actors, dates)


def analyse_article(
    article: Article,
    nlp: Language,
    gazetteer: Gazetteer,
    actor_registry: ActorRegistry | None = None,
    online: Geocoder | None = None,
) -> AnalysedArticle:
    """Places, actors, dates and sentences of one article."""
    return _analyse_doc(article, nlp(article.text), gazetteer, actor_registry, online)


def analyse_articles(
    articles: Sequence[Article],
    nlp: Language,
    gazetteer: Gazetteer,
    actor_registry: ActorRegistry | None = None,
    batch_size: int = BATCH_SIZE,
    online: Geocoder | None = None,
) -> Iterator[CachedArticle]:
    """Analyses and events of each article, in order, parsed in nlp.pipe batches."""
    docs = nlp.pipe((a.text for a in articles), batch_size=batch_size)
    for article, doc in zip(articles, docs, strict=True):
        analysed = _analyse_doc(article, doc, gazetteer, actor_registry, online)
        yield CachedArticle(analysed, extract_events(analysed, doc, parse=nlp))
