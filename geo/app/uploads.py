"""Adding uploaded article files to the corpus without ever losing what is there.

A file is checked in a scratch directory first (size, emptiness, decoding and
parsing through `geo.ingest.articles.load_article_file`); only a file that parses is
moved into the uploads folder, under a content-addressed name, with an atomic
rename. A bad upload therefore changes nothing on disk.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from geo.model import split_row_path

if TYPE_CHECKING:
    from geo.ingest import ArticleError
    from geo.model import SkippedFile

UPLOAD_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""Per file; .streamlit/config.toml's server.maxUploadSize caps the request too."""

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class UploadResult:
    """What happened to one uploaded file: saved (with its path) or refused (with why)."""

    name: str
    saved: Path | None
    articles: int
    message: str
    duplicate: bool = False
    left_off: str | None = None
    """Saved, but the build then left it (or some of its rows) off the map: why."""

    @property
    def ok(self) -> bool:
        return self.saved is not None


def safe_file_name(name: str) -> str:
    """A file name with no directory parts or odd characters, suffix kept lower-case."""
    base = Path(name.replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = _UNSAFE_NAME.sub("_", stem).strip("._") or "upload"
    return f"{stem[:80]}.{suffix.lower()}" if suffix else stem[:80]


def _megabytes(size: int) -> str:
    """Size in MB of 2**20 bytes (Streamlit's server.maxUploadSize unit), rounded up: a file
    one byte over the limit must not read as the limit itself."""
    tenths = -(-size * 10 // 2**20)
    return f"{tenths // 10}" if tenths % 10 == 0 else f"{tenths / 10:.1f}"


def save_upload(
    name: str, data: bytes, uploads_dir: Path, *, max_bytes: int = MAX_UPLOAD_BYTES
) -> UploadResult:
    """Validate one uploaded file and, if it parses as articles, add it to `uploads_dir`."""
    if max_bytes <= 0:
        raise ValueError("max_bytes must be > 0")
    clean = safe_file_name(name)
    suffix = Path(clean).suffix
    if suffix not in UPLOAD_SUFFIXES:
        allowed = ", ".join(UPLOAD_SUFFIXES)
        return UploadResult(name, None, 0, f"{name}: unsupported file type; use one of {allowed}.")
    if len(data) > max_bytes:
        return UploadResult(
            name,
            None,
            0,
            f"{name}: {_megabytes(len(data))} MB is over the {_megabytes(max_bytes)} MB upload "
            "limit; split it into smaller files.",
        )
    if not data.strip():
        return UploadResult(name, None, 0, f"{name}: the file is empty; nothing was added.")
    return _query_save(name, clean, data, Path(uploads_dir))


def _query_save(name: str, clean: str, data: bytes, uploads_dir: Path) -> UploadResult:
    from geo.ingest import ArticleError, load_article_file

    digest = hashlib.sha256(data).hexdigest()[:12]
    target = uploads_dir / f"{digest}_{clean}"
    existing = next(iter(sorted(uploads_dir.glob(f"{digest}_*"))), None)
    if existing is not None:
        return UploadResult(
            name, existing, 0, f"{name}: already in the corpus; nothing changed.", duplicate=True
        )
    uploads_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=uploads_dir.parent, prefix=".upload-") as scratch:
        candidate = Path(scratch) / clean
        candidate.write_bytes(data)
        try:
            articles = load_article_file(candidate)
        except ArticleError as error:
            return UploadResult(name, None, 0, f"{name}: not added: {_problem(error)}")
        if not articles:
            return UploadResult(name, None, 0, f"{name}: no article text found; nothing added.")
        candidate.replace(target)
    noun = "article" if len(articles) == 1 else "articles"
    return UploadResult(name, target, len(articles), f"{name}: added {len(articles)} {noun}.")


def _problem(error: ArticleError) -> str:
    """The error without its path, the scratch copy's: the user knows the file by its own name."""
    line = split_row_path(error.path)[1]
    where = "" if line is None else f"line {line}: "
    return f"{where}{error.problem}. {error.fix}"


def note_left_off(
    results: Sequence[UploadResult], skipped: Sequence[SkippedFile]
) -> tuple[UploadResult, ...]:
    """Saved uploads the build skipped (the same text as an article already in the corpus, a
    bad row), told as such: "added" alone would promise markers that never appear."""
    by_file: dict[str, list[SkippedFile]] = {}
    for item in skipped:
        by_file.setdefault(str(Path(item.file).resolve()), []).append(item)
    out = []
    for result in results:
        found = by_file.get(str(result.saved.resolve())) if result.saved else None
        if not found:
            out.append(result)
            continue
        whole = any(item.line is None for item in found)
        what = "it" if whole else f"{len(found)} of its rows"
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        message = (
            f"{result.name}: saved in data/uploads, but the build left {what} off the map: "
            f"{found[0].reason}{more}"
        )
        out.append(replace(result, message=message, left_off=found[0].reason))
    return tuple(out)
