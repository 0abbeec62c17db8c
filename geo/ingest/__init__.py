"""Ingest: corpus files (text, HTML, JSON lines, CSV, sidecars) to Article records, with
publication metadata and boilerplate found. Other stages import from here only.
"""

from geo.ingest.articles import (
    CORPUS_SUFFIXES,
    article_from_record,
    iter_corpus,
    load_article_file,
    load_corpus,
)
from geo.ingest.boilerplate import find_boilerplate, find_credits
from geo.ingest.errors import ArticleError
from geo.ingest.metadata import infer_metadata
from geo.ingest.outlets import load_outlets
from geo.ingest.pubdates import parse_date
from geo.ingest.rows import lone_surrogate
from geo.ingest.sidecar import SIDECAR_NAME
from geo.ingest.sources import find_dateline_agency

__all__ = [
    "CORPUS_SUFFIXES",
    "SIDECAR_NAME",
    "ArticleError",
    "article_from_record",
    "find_boilerplate",
    "find_credits",
    "find_dateline_agency",
    "infer_metadata",
    "iter_corpus",
    "load_article_file",
    "load_corpus",
    "load_outlets",
    "lone_surrogate",
    "parse_date",
]
