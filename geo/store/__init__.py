"""The store under data/: GeoParquet for the map, Parquet tables, a manifest, and the
per-article cache. Other stages import from here only.

state (file names, manifest, staleness) is the bottom; the article cache and the frame
conversion sit on it; the writer and the reader on top.
"""

from geo.store.article_cache import ArticleCache, CachedArticle, article_cache_key
from geo.store.frame import LIST_SEP, event_fields, events_to_geodataframe, split_list
from geo.store.lock import LOCK_NAME, StoreBusyError, build_lock
from geo.store.reader import (
    load_actors,
    load_articles,
    load_event_places,
    load_events,
    load_places,
)
from geo.store.state import (
    EmptyCorpusError,
    StoreCorruptError,
    StoreError,
    StoreInfo,
    StoreMissingError,
    code_fingerprint,
    corpus_files,
    file_states,
    outputs_readable,
    read_manifest,
    recorded_corpus,
    store_corpus,
    store_info,
    store_is_stale,
    store_matches,
    with_uploads,
)
from geo.store.writer import StoreCounts, chunked, remove_leftovers, write_store

__all__ = [
    "LOCK_NAME",
    "StoreBusyError",
    "build_lock",
    "LIST_SEP",
    "ArticleCache",
    "CachedArticle",
    "EmptyCorpusError",
    "StoreCorruptError",
    "StoreCounts",
    "StoreError",
    "StoreInfo",
    "StoreMissingError",
    "article_cache_key",
    "chunked",
    "code_fingerprint",
    "corpus_files",
    "event_fields",
    "events_to_geodataframe",
    "file_states",
    "load_actors",
    "load_articles",
    "load_event_places",
    "load_events",
    "load_places",
    "outputs_readable",
    "read_manifest",
    "recorded_corpus",
    "remove_leftovers",
    "split_list",
    "store_corpus",
    "store_info",
    "store_is_stale",
    "store_matches",
    "with_uploads",
    "write_store",
]
