"""Per-article analyses cached under data/cache/, keyed by a hash of the article and the
analysis code, so an incremental build only analyses new or changed articles.

Entries are tagged JSON (`geo.store.codec`), which can only decode to data. Caches written
by earlier versions as pickles are deleted unread: loading a pickle can run code.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from geo.model import AnalysedArticle, Event
from geo.store import codec
from geo.store.state import CACHE_DIR, StoreCorruptError, StoreError, write_atomically


def article_cache_key(article_repr: str, fingerprint: str) -> str:
    """Identity of one article's analysis: its full content and metadata, and the code."""
    return hashlib.sha256(f"{fingerprint}\0{article_repr}".encode()).hexdigest()


@codec.register
@dataclass(frozen=True)
class CachedArticle:
    """What one article contributes to the store."""

    analysed: AnalysedArticle
    events: tuple[Event, ...]


@dataclass(frozen=True)
class EncodedArticle:
    """A CachedArticle as the cache stores it (`codec.dumps`), encoded where it was analysed
    (a cluster worker): the client writes the bytes as they came, instead of unpickling the
    analysis only to encode it again, and the bytes pickle at no cost."""

    data: bytes

    @classmethod
    def of(cls, value: CachedArticle) -> EncodedArticle:
        return cls(codec.dumps(value))


SUFFIX = ".json"
RECENT = 256
"""Analyses this cache keeps in memory after writing them (the latest ones): the store is
written from the cache right after the build analysed its articles, and reading back what
was just written would cost as much as encoding it."""
LEGACY_SUFFIX = ".pickle"


class ArticleCache:
    """CachedArticles under data/cache/, one JSON file per cache key."""

    def __init__(self, data_dir: Path | str) -> None:
        self.directory = Path(data_dir) / CACHE_DIR
        self._recent: OrderedDict[str, CachedArticle] = OrderedDict()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}{SUFFIX}"

    def check_writable(self) -> None:
        """Fail before the model loads and the first batch is analysed, not after."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.directory, prefix=".probe-"):
                pass
        except OSError as error:
            raise StoreError(
                f"cannot write the store under {self.directory.parent} "
                f"({error.strerror or error}): choose a writable --data-dir"
            ) from error

    def __contains__(self, key: str) -> bool:
        return self._path(key).exists()

    def get(self, key: str) -> CachedArticle:
        """The cached analysis; a damaged entry is deleted (analysed anew next build) and raised.
        One this cache wrote lately and still holds in memory is returned without reading it."""
        recent = self._recent.get(key)
        if recent is not None and self._path(key).exists():
            return recent
        path = self._path(key)
        try:
            value = codec.loads(path.read_bytes())
        except codec.DecodeError as error:
            path.unlink()
            raise StoreCorruptError(
                f"{path} is damaged ({error}) and was deleted: "
                "run the build again to analyse its article anew"
            ) from error
        if not isinstance(value, CachedArticle):
            path.unlink()
            raise StoreCorruptError(
                f"{path} is not a cached article and was deleted: "
                "run the build again to analyse its article anew"
            )
        return value

    def put(self, key: str, value: CachedArticle | EncodedArticle) -> None:
        """Write one analysis (kept in memory too, unless it came encoded)."""
        path = self._path(key)
        data = value.data if isinstance(value, EncodedArticle) else codec.dumps(value)
        try:
            try:
                write_atomically(path, lambda f: f.write(data))
            except FileNotFoundError:  # the key's first entry: a mkdir per directory only
                path.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(path, lambda f: f.write(data))
        except OSError as error:  # a full disk: the articles analysed so far stay cached
            raise StoreError(
                f"cannot write the article cache under {self.directory} "
                f"({error.strerror or error}): free some space or choose a writable "
                "--data-dir; the store is kept as it was"
            ) from error
        self._recent.pop(key, None)
        if isinstance(value, CachedArticle):
            self._recent[key] = value
            if len(self._recent) > RECENT:
                self._recent.popitem(last=False)

    def prune(self, keep: Iterable[str]) -> int:
        """Delete entries not in `keep`; returns how many."""
        keep = set(keep)
        removed = 0
        if not self.directory.exists():
            return 0
        for path in self.directory.glob(f"*/*{SUFFIX}"):
            if path.stem not in keep:
                path.unlink()
                removed += 1
        return removed

    def drop_legacy(self) -> int:
        """Delete, unread, the entries earlier versions pickled; returns how many."""
        if not self.directory.exists():
            return 0
        removed = 0
        for path in self.directory.glob(f"*/*{LEGACY_SUFFIX}"):
            path.unlink()
            removed += 1
        return removed
