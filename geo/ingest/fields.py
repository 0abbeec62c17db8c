"""The metadata fields a corpus file can state outside its text, and the names it uses for them.

The HTML and row readers hand back a `_Declared`, the sidecar fills the same fields,
and `articles` merges them with what the text says: the readers and the sidecar share
these names from here instead of importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.model import Sourced

METADATA_FIELDS = ("title", "source", "url", "published")
TEXT_COLUMNS = ("text", "content", "body", "article")
COLUMN_SYNONYMS = {
    "id": ("id", "article_id", "doc_id"),
    "title": ("title", "headline"),
    "source": ("source", "publisher", "outlet", "site", "site_name"),
    "url": ("url", "link", "canonical_url"),
    "published": (
        "published",
        "date",
        "published_at",
        "publish_date",
        "published_date",
        "pubdate",
        "datetime",
    ),
}


@dataclass(frozen=True)
class _Declared:
    """Metadata a file or row states outside the text (meta tags, columns): explicit."""

    title: Sourced[str] = Sourced.unknown()
    source: Sourced[str] = Sourced.unknown()
    url: Sourced[str] = Sourced.unknown()
    published: Sourced = Sourced.unknown()
    extra: tuple[tuple[str, str], ...] = ()
