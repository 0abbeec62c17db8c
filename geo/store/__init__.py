"""The store under data/: GeoParquet for the map, Parquet tables, a manifest, and the
per-article cache. Other stages import from here only.

partitions (the layout) and state (manifest, staleness) are the bottom; the article cache
and the frame conversion sit on them; the writer (one partition's files), the reader (the
live rows) and commit (partitions put in place, compaction) on top.
"""

from geo.store import query_db
from geo.store.article_cache import (
    ArticleCache,
    CachedArticle,
    EncodedArticle,
    article_cache_key,
)
from geo.store.commit import (
    LiveArticle,
    StoreCounts,
    append_changes,
    compact_store,
    live_articles,
    remove_leftovers,
    update_store,
    write_store,
)
from geo.store.frame import LIST_SEP, event_fields, events_to_geodataframe, split_list
from geo.store.lock import LOCK_NAME, StoreBusyError, build_lock
from geo.store.partitions import PART_COLUMN, TABLES, Partition, manifest_partitions
from geo.store.query import connect_store
from geo.store.query_db import ensure_query_db, query_db_path
from geo.store.reader import (
    load_actors,
    load_articles,
    load_event_places,
    load_events,
    load_places,
)
from geo.store.state import (
    FORMAT_VERSION,
    EmptyCorpusError,
    StoreCorruptError,
    StoreError,
    StoreInfo,
    StoreMissingError,
    changed_outputs,
    code_fingerprint,
    corpus_files,
    file_states,
    outputs_match,
    outputs_readable,
    read_manifest,
    recorded_corpus,
    store_corpus,
    store_info,
    store_is_stale,
    store_matches,
    with_uploads,
)
from geo.store.writer import chunked

__all__ = [
    "FORMAT_VERSION",
    "LOCK_NAME",
    "StoreBusyError",
    "build_lock",
    "LIST_SEP",
    "ArticleCache",
    "CachedArticle",
    "EncodedArticle",
    "EmptyCorpusError",
    "StoreCorruptError",
    "StoreCounts",
    "LiveArticle",
    "PART_COLUMN",
    "TABLES",
    "Partition",
    "compact_store",
    "connect_store",
    "ensure_query_db",
    "query_db",
    "query_db_path",
    "live_articles",
    "manifest_partitions",
    "update_store",
    "append_changes",
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
    "changed_outputs",
    "outputs_match",
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
