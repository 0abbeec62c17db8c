"""Shared test set-up."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _query_cache(tmp_path_factory):
    """The dashboard's query databases (geo.store.query_db, written by every build) in the
    session's temporary folder, not the system's."""
    old = os.environ.get("NEWSMAP_QUERY_CACHE")
    os.environ["NEWSMAP_QUERY_CACHE"] = str(tmp_path_factory.mktemp("query-cache"))
    yield
    if old is None:
        os.environ.pop("NEWSMAP_QUERY_CACHE", None)
    else:
        os.environ["NEWSMAP_QUERY_CACHE"] = old


@pytest.fixture(scope="session")
def nlp():
    """The real spaCy model, loaded once: the event tests read its parse. Modules that stand
    a blank pipeline in for it define their own `nlp`."""
    from geo.nlp.language import MODEL_PACKAGE

    spacy = pytest.importorskip("spacy")
    return spacy.load(MODEL_PACKAGE)


@pytest.fixture
def events(nlp):
    """run(sentences, **kwargs): the events of test_events._analysed's article, parsed by the
    real model (`run.nlp`)."""
    from test_events import _analysed

    from geo.events import extract_events

    def run(sentences, **kwargs):
        analysed = _analysed(sentences, **kwargs)
        return extract_events(analysed, nlp(analysed.article.text))

    run.nlp = nlp
    return run
