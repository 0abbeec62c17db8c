"""Per-article analyses cached under data/cache/, keyed by a hash of the article and the
analysis code, so an incremental build only analyses new or changed articles.
"""

from __future__ import annotations

import hashlib
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from geo.model import AnalysedArticle, Event
from geo.store.state import CACHE_DIR, StoreCorruptError, StoreError, write_atomically


def article_cache_key(article_repr: str, fingerprint: str) -> str:
    """Identity of one article's analysis: its full content and metadata, and the code."""
    return hashlib.sha256(f"{fingerprint}\0{article_repr}".encode()).hexdigest()


@dataclass(frozen=True)
class CachedArticle:
    """What one article contributes to the store."""

    analysed: AnalysedArticle
    events: tuple[Event, ...]


_UNPICKLING_ERRORS = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    AttributeError,
    ImportError,
    IndexError,
    KeyError,
    TypeError,
)
"""What pickle.load raises on truncated or foreign bytes."""


class ArticleCache:
    """Pickled CachedArticles under data/cache/, one file per cache key."""

    def __init__(self, data_dir: Path | str) -> None:
        self.directory = Path(data_dir) / CACHE_DIR

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

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
        """The cached analysis; a damaged entry is deleted (analysed anew next build) and raised."""
        path = self._path(key)
        with path.open("rb") as f:
            try:
                value = pickle.load(f)
            except _UNPICKLING_ERRORS as error:
                path.unlink()
                raise StoreCorruptError(
                    f"{path} is damaged ({type(error).__name__}: {error}) and was deleted: "
                    "run the build again to analyse its article anew"
                ) from error
        if not isinstance(value, CachedArticle):
            raise StoreError(f"{path} is not a cached article: delete {self.directory}")
        return value

    def put(self, key: str, value: CachedArticle) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, lambda f: pickle.dump(value, f, pickle.HIGHEST_PROTOCOL))

    def prune(self, keep: Iterable[str]) -> int:
        """Delete entries not in `keep`; returns how many."""
        keep = set(keep)
        removed = 0
        if not self.directory.exists():
            return 0
        for path in self.directory.glob("*/*.pickle"):
            if path.stem not in keep:
                path.unlink()
                removed += 1
        return removed
