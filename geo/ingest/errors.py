"""Why a corpus file or row cannot be read: the `ArticleError` family.

Every reader raises these and `load_corpus` turns them into skipped files, so they
live apart from any one reader; each message names the file and says how to fix it.
"""

from __future__ import annotations

import os
from pathlib import Path


class ArticleError(Exception):
    """A corpus file or row that cannot be read as articles; the message says how to fix it."""

    def __init__(self, path: str | os.PathLike[str], problem: str, fix: str) -> None:
        self.path = str(path)
        self.problem = problem
        self.fix = fix
        super().__init__(f"{path}: {problem}. {fix}")


class UnreadablePathError(ArticleError):
    """The path is missing, a directory, a broken link or not readable."""


class UnsupportedFileError(ArticleError):
    """The extension is not one of the corpus formats."""


class EmptyFileError(ArticleError):
    """The file holds no text."""


class BinaryFileError(ArticleError):
    """The file holds binary data, not text."""


class UndecodableFileError(ArticleError):
    """The bytes are not UTF-8 and no other encoding fits them confidently."""


class FileTooLargeError(ArticleError):
    """A single-article file over `MAX_DOCUMENT_BYTES`."""


class LineTooLongError(ArticleError):
    """A line of a .txt article, or a row of a corpus, over the line limit."""


class NoMainTextError(ArticleError):
    """An HTML page with nothing left once scripts, styles and furniture are removed."""


class NestedTooDeeplyError(ArticleError):
    """An HTML page nested so deeply that parsing it would take minutes."""


class MissingTextColumnError(ArticleError):
    """A CSV corpus whose header names no text column."""


class NotJsonLinesError(ArticleError):
    """A .jsonl file holding one JSON document (an array, or an object over many lines)."""


class BadRowError(ArticleError):
    """One row of a .jsonl/.csv corpus is unusable; the rest of the file still loads."""


class NoTextFieldError(BadRowError):
    """A row with none of `TEXT_COLUMNS` (when no row has one, the file gets one error)."""


class SidecarError(ArticleError):
    """An `articles.csv` sidecar that cannot be applied."""


def _missing(path: Path) -> UnreadablePathError:
    hint = " (a broken symbolic link)" if path.is_symlink() else ""
    return UnreadablePathError(path, f"does not exist{hint}", "Check the path")
