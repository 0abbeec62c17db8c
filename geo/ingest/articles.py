"""Stage 1: corpus files -> `Article`s with metadata and boilerplate spans.

Formats, by extension:

* `.txt`: one article; the text is kept exactly as `open(path, encoding="utf-8").read()`
  gives it (universal newlines, so CRLF becomes LF), less a leading BOM, so
  character offsets agree with annotations made on that reading.
* `.html` / `.htm`: one article; the main text is extracted (scripts, styles and
  page furniture dropped) and title, URL, date and site name are read from the
  page's meta tags.
* `.jsonl` / `.csv`: one article a row, streamed so corpora of any size load; the
  text comes from a `text`, `content`, `body` or `article` field, metadata from
  `title`, `source`, `url`, `published` (and common synonyms). A bad row is
  skipped on its own, as `path:line N`; a file where no row has a text field, or a
  `.jsonl` file that is one JSON document (an array, a pretty-printed object), is
  refused whole.

Non-UTF-8 files are decoded with the ASCII-compatible encoding charset-normalizer
detects, or rejected when it is not confident. Text with many control characters
(binary data that happened to decode) or U+FFFD replacement characters is refused.

Metadata comes from three places, and the rule that merges them is:

1. fields declared by the file itself (HTML meta tags, corpus row columns) are
   `explicit` and win over what the text says;
2. what the text says (`geo.ingest.metadata`): `explicit` or `inferred`;
3. the sidecar: a file `articles.csv` next to the corpus files, with a `file`
   column (the corpus file's name), an optional `id` column (a row's id, for
   `.jsonl`/`.csv` corpora), any of `title`, `source`, `url`, `published`, and
   optionally `<field>_provenance` (default `sidecar`), `<field>_evidence` and
   `override`. A sidecar value fills a field that is unknown or only inferred;
   a value stated explicitly by the file or its text wins over it unless the
   sidecar row sets `override` to true. A row naming no file beside the sidecar,
   or a row id that no loaded row of its file has, is reported as skipped.

`Article.id` is the first 16 hex digits of the SHA-256 of the text, so the same
text always gets the same id; the corpus's own row id is kept in `extra`.
`load_corpus` drops exact duplicates (same id) as skipped files.

This module walks the corpus, hands each file to its reader and merges the metadata.
The readers are `geo.ingest.decoding` (bytes to text, and `.txt`),
`geo.ingest.html_pages` and `geo.ingest.rows`; the sidecar is parsed by
`geo.ingest.sidecar`; they share the field names of `geo.ingest.fields` and the errors
of `geo.ingest.errors`.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from geo.ingest.boilerplate import find_boilerplate, find_credits
from geo.ingest.decoding import _read_text_file
from geo.ingest.errors import (
    ArticleError,
    BadRowError,
    SidecarError,
    UnreadablePathError,
    UnsupportedFileError,
    _missing,
)
from geo.ingest.fields import METADATA_FIELDS, _Declared
from geo.ingest.html_pages import _read_html
from geo.ingest.metadata import infer_metadata
from geo.ingest.outlets import load_outlets
from geo.ingest.rows import (
    _csv_rows,
    _jsonl_rows,
    _parse_json_row,
    _parsed_rows,
    _row_article,
    lone_surrogate,
)
from geo.ingest.sidecar import SIDECAR_NAME, Sidecar, SidecarRow, _sidecar_row, find_sidecar
from geo.model import Article, Corpus, SkippedFile, Sourced, row_path

DOCUMENT_SUFFIXES = frozenset({".txt", ".html", ".htm"})
ROW_SUFFIXES = frozenset({".jsonl", ".csv"})
CORPUS_SUFFIXES = DOCUMENT_SUFFIXES | ROW_SUFFIXES
"""The extensions of corpus files (compared lower-cased); other files in a folder are not read."""


# --------------------------------------------------------------------------- corpus


def load_corpus(paths: Sequence[str | os.PathLike[str]]) -> Corpus:
    """Every article under `paths` (files or directories); bad files are listed, not raised."""
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    for item in iter_corpus(paths):
        (articles if isinstance(item, Article) else skipped).append(item)
    return Corpus(tuple(articles), tuple(skipped))


def iter_corpus(paths: Sequence[str | os.PathLike[str]]) -> Iterator[Article | SkippedFile]:
    """`load_corpus` one item at a time, for corpora too large to hold twice."""
    if isinstance(paths, str | os.PathLike):
        raise TypeError("load_corpus takes a list of paths: wrap a single path in [ ]")
    sidecars: dict[Path, Sidecar | None] = {}
    seen: dict[str, str] = {}
    read: set[Path] = set()
    roots = [Path(os.path.realpath(p)) for p in paths]
    for path, explicit, problem in _corpus_files(paths):
        if lone_surrogate(str(path)) is not None:
            # Bytes that are not UTF-8 in its name: the store's files are UTF-8.
            if explicit or path.suffix.lower() in CORPUS_SUFFIXES or path.name == SIDECAR_NAME:
                yield _misnamed(path)
            continue
        if problem is not None:
            yield SkippedFile(str(path), problem)
            continue
        if explicit and not path.exists():
            yield SkippedFile(str(path), str(_missing(path)))
            continue
        if path.name == SIDECAR_NAME:
            if explicit:
                yield SkippedFile(
                    str(path), f"{SIDECAR_NAME} is a sidecar of metadata, not articles"
                )
            continue
        if path.suffix.lower() not in CORPUS_SUFFIXES:
            if explicit:
                yield SkippedFile(str(path), _unsupported(path).problem)
            continue
        special = _special_file(path) or (None if explicit else _link_out_of(path, roots))
        if special is not None:
            yield SkippedFile(str(path), str(special))
            continue
        if path.resolve() in read:
            continue  # reached twice (`build corpus/ corpus/a.txt`): not its own duplicate
        read.add(path.resolve())
        if path.parent not in sidecars:
            sidecars[path.parent] = None
            try:
                sidecars[path.parent] = find_sidecar(path)
            except SidecarError as error:
                yield SkippedFile(error.path, str(error))
            yield from _sidecar_row_problems(sidecars[path.parent])
        row_ids: set[str] = set()
        try:
            for item in _iter_file(path, sidecars[path.parent]):
                if isinstance(item, Article):
                    row_ids.add(dict(item.extra).get("id", ""))
                    if item.id in seen:
                        yield SkippedFile(item.path, f"same text as {seen[item.id]} (duplicate)")
                        continue
                    seen[item.id] = item.path
                yield item
        except ArticleError as error:
            yield SkippedFile(str(path), str(error))
        else:
            yield from _unused_sidecar_ids(sidecars[path.parent], path, row_ids)


def _misnamed(path: Path) -> SkippedFile:
    """A path whose name holds bytes that are not UTF-8, named with them spelled out."""
    shown = os.fsencode(path).decode("utf-8", errors="backslashreplace")
    return SkippedFile(
        shown,
        f"{shown}: the name holds bytes that are not UTF-8, which the store cannot record."
        " Rename it (or its folder) in UTF-8",
    )


def _link_out_of(path: Path, roots: Sequence[Path]) -> UnreadablePathError | None:
    """Why a link found in a corpus folder is not followed: it leads out of every corpus
    path (a corpus unpacked from an archive could point `story.txt` at ~/.ssh/id_rsa, and
    its text would be shown on the map). Folders are not followed at all (os.walk)."""
    if not path.is_symlink():
        return None
    target = Path(os.path.realpath(path))
    if any(target == root or root in target.parents for root in roots):
        return None
    return UnreadablePathError(
        path,
        f"is a symbolic link to {target}, outside the corpus: not followed",
        "Copy the file into the corpus, or name it on the command line",
    )


_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def _special_file(path: Path) -> UnreadablePathError | None:
    """Why `path` is not opened at all: opening a FIFO waits for a writer (forever, in a
    folder no one feeds), a device or socket is no file of articles, a link loop no file."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:  # and Path.resolve() raises RuntimeError on it
            return UnreadablePathError(
                path,
                "is a symbolic link that loops (to itself, or through other links)",
                "Point it at a file, or remove it",
            )
        return None  # the reader says why (missing, a broken link, permission)
    for test, kind in _SPECIAL_KINDS:
        if test(mode):
            return UnreadablePathError(
                path, f"is {kind}, not a file", "Save the articles in a regular file"
            )
    return None


def _sidecar_row_problems(sidecar: Sidecar | None) -> Iterator[SkippedFile]:
    """Rows that name no file beside the sidecar, or repeat an earlier row's file."""
    for line_no, name in sidecar.unmatched if sidecar is not None else ():
        what = f"names {name!r}, which is not a file beside it" if name else "has no file name"
        yield SkippedFile(
            row_path(sidecar.path, line_no),
            f"{what}: its metadata is not used. Give the name of a corpus file in"
            f" {Path(sidecar.path).parent}, or drop the row",
        )
    for line_no, earlier in sidecar.repeated if sidecar is not None else ():
        yield SkippedFile(
            row_path(sidecar.path, line_no),
            f"repeats line {earlier}'s file and id: line {earlier} is used, this row is not."
            " Merge the two rows",
        )


def _unused_sidecar_ids(
    sidecar: Sidecar | None, path: Path, loaded: set[str]
) -> Iterator[SkippedFile]:
    """Sidecar rows for `path` with an id that none of its loaded rows has."""
    if sidecar is None:
        return
    for row_id, line_no in sidecar.row_ids.get(path.name, {}).items():
        if row_id in loaded:
            continue
        if path.suffix.lower() in ROW_SUFFIXES:
            what = f"names row id {row_id!r}, but no row of {path.name} with that id was loaded"
            fix = "Give the id of one of its rows (its id, article_id or doc_id), or drop the row"
        else:
            what = f"gives a row id ({row_id!r}) for {path.name}, a single-article file"
            fix = "Leave the id empty: ids name rows of .jsonl and .csv corpora"
        yield SkippedFile(
            row_path(sidecar.path, line_no), f"{what}: its metadata is not used. {fix}"
        )


def _corpus_files(
    paths: Iterable[str | os.PathLike[str]],
) -> Iterator[tuple[Path, bool, str | None]]:
    """(path, named explicitly, problem) for files in `paths` and under its directories, sorted.

    A directory that cannot be listed comes back with its problem.
    """
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            yield path, True, None
            continue
        errors: list[OSError] = []
        for root, dirs, files in os.walk(path, onerror=errors.append):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    yield Path(root) / name, False, None
        for error in errors:
            problem = f"cannot list the directory ({error.strerror}). Make it readable"
            yield Path(error.filename or path), True, problem


# --------------------------------------------------------------------------- one file


def load_article_file(path: str | os.PathLike[str]) -> list[Article]:
    """The articles of one corpus file, with its directory's sidecar applied.

    Raises an `ArticleError` subclass for a bad file, and for the first bad row of
    a .jsonl/.csv corpus (`load_corpus` skips bad rows instead).
    """
    path = Path(path)
    if path.name == SIDECAR_NAME:
        raise UnsupportedFileError(
            path, "this is a metadata sidecar, not articles", "Load the corpus files beside it"
        )
    items = _iter_file(path, find_sidecar(path), strict=True)
    return [item for item in items if isinstance(item, Article)]  # strict: never skips


def _iter_file(
    path: Path, sidecar: Sidecar | None, strict: bool = False
) -> Iterator[Article | SkippedFile]:
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        text, declared = _read_html(path)
        yield _build_article(text, str(path), declared, _sidecar_row(sidecar, path))
    elif suffix == ".txt":
        text = _read_text_file(path)
        yield _build_article(text, str(path), _Declared(), _sidecar_row(sidecar, path))
    elif suffix in ROW_SUFFIXES:
        rows = _jsonl_rows(path) if suffix == ".jsonl" else _csv_rows(path)
        for where, parsed in _parsed_rows(path, rows):
            if isinstance(parsed, BadRowError):
                if strict:
                    raise parsed
                yield SkippedFile(where, str(parsed))
                continue
            text, declared = parsed
            row_id = dict(declared.extra).get("id", "")
            yield _build_article(text, where, declared, _sidecar_row(sidecar, path, row_id))
    else:
        raise _unsupported(path)


def _unsupported(path: Path) -> UnsupportedFileError:
    formats = ", ".join(sorted(CORPUS_SUFFIXES))
    return UnsupportedFileError(
        path, f"unsupported extension {path.suffix or '(none)'!r}", f"Use one of {formats}"
    )


def _build_article(
    text: str, path: str, declared: _Declared, sidecar_row: SidecarRow | None
) -> Article:
    outlets = load_outlets()
    credits = find_credits(text, outlets)
    credited = [credit.outlets[0] for credit in credits if credit.outlets]
    found = infer_metadata(text, credited, outlets)
    fields = {
        name: _prefer(getattr(declared, name), getattr(found, name)) for name in METADATA_FIELDS
    }
    if sidecar_row is not None:
        for name in METADATA_FIELDS:
            fields[name] = _apply_sidecar(fields[name], sidecar_row.get(name), sidecar_row.override)
    extra = list(declared.extra)
    extra += [("photo_credit", name) for name in dict.fromkeys(credited)]
    return Article(
        id=article_id(text),
        text=text,
        path=path,
        boilerplate=find_boilerplate(text, outlets, credits),
        extra=tuple(extra),
        **fields,
    )


def article_id(text: str) -> str:
    """A stable id derived from the text alone."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_RANK = {"explicit": 3, "sidecar": 2, "inferred": 1, "unknown": 0}


def _prefer(first: Sourced, second: Sourced) -> Sourced:
    """The better-evidenced value; `first` wins ties."""
    if first.value is None:
        return first if second.value is None and not second.evidence else second
    if second.value is None:
        return first
    return second if _RANK[second.provenance] > _RANK[first.provenance] else first


def _apply_sidecar(current: Sourced, declared: Sourced | None, override: bool) -> Sourced:
    if declared is None or declared.value is None:
        return current
    if override or current.value is None or current.provenance in ("unknown", "inferred"):
        return declared
    return current


def article_from_record(line: str, where: str) -> Article:
    """One JSON Lines record made an Article exactly as a `.jsonl` corpus row is (its text
    field, declared and inferred metadata, boilerplate), for the stdin commands; raises a
    BadRowError saying why a record cannot be one."""
    row = _parse_json_row(line, where)
    if isinstance(row, BadRowError):
        raise row
    text, declared = _row_article(row, where)
    return _build_article(text, where, declared, None)
