"""The `.jsonl` / `.csv` readers: corpora of one article a row, streamed line by line.

Rows bring their own concerns: files too large to hold in memory, an encoding decided
from the first megabyte, a bad row skipped on its own, a text column under another name,
a `.jsonl` file that is really one JSON document.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from geo.ingest.decoding import (
    _REENCODE,
    BINARY_SNIFF_BYTES,
    _guess_encoding,
    _normalise_newlines,
    _refuse_non_text,
)
from geo.ingest.errors import (
    ArticleError,
    BadRowError,
    BinaryFileError,
    EmptyFileError,
    MissingTextColumnError,
    NoTextFieldError,
    NotJsonLinesError,
    UnreadablePathError,
    _missing,
)
from geo.ingest.fields import COLUMN_SYNONYMS, TEXT_COLUMNS, _Declared
from geo.ingest.pubdates import parse_date
from geo.jsonlines import BadLineError, decode_json
from geo.model import Sourced, row_path

MAX_ROW_BYTES = 1024 * 1024
"""Longest line of a .jsonl corpus or row of a .csv corpus."""
ENCODING_SAMPLE_BYTES = 1024 * 1024
"""How much of a row corpus is read to decide its encoding."""


MAX_EXTRA_CHARS = 1000
"""Longer values of unknown row fields (raw HTML, embeddings) are not kept in `extra`."""


Row = dict[str, str]


def _open_rows(path: Path) -> tuple[BinaryIO, str, bytes]:
    """The open file, its encoding and its first bytes (up to `ENCODING_SAMPLE_BYTES`),
    after refusing empty, binary or undecodable files."""
    try:
        if path.is_dir():
            raise IsADirectoryError(path)
        handle = open(path, "rb")  # noqa: SIM115 (closed by the caller's generator)
    except FileNotFoundError as error:
        raise _missing(path) from error
    except IsADirectoryError as error:
        raise UnreadablePathError(path, "is a directory", "Pass it to load_corpus") from error
    except PermissionError as error:
        raise UnreadablePathError(path, "permission denied", "chmod a+r the file") from error
    sample = handle.read(ENCODING_SAMPLE_BYTES)
    handle.seek(0)
    try:
        return handle, _rows_encoding(sample, path), sample
    except ArticleError:
        handle.close()
        raise


def _rows_encoding(sample: bytes, path: Path) -> str:
    """The encoding of a row corpus from its first bytes, refusing empty, binary or
    undecodable files."""
    if not sample.strip():
        raise EmptyFileError(path, "the file is empty", "Remove it or add rows")
    if (
        sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        or b"\x00" in sample[:BINARY_SNIFF_BYTES]
    ):
        raise BinaryFileError(
            path, "holds binary data (NUL bytes; UTF-16?)", "Give UTF-8 text, one row a line"
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = _guess_encoding(sample, path)
    _refuse_non_text(sample.decode(encoding, errors="replace"), path)
    return encoding


class _Lines:
    """Decoded physical lines of a row corpus, each capped at `MAX_ROW_BYTES`.

    An over-long or undecodable line raises `BadRowError` from `__next__` after the
    rest of it has been consumed, so reading resumes cleanly at the next line.
    """

    def __init__(self, handle: BinaryIO, encoding: str, path: Path) -> None:
        self.handle = handle
        self.encoding = encoding
        self.path = path
        self.line_no = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = self.handle.readline(MAX_ROW_BYTES + 1)
        if not raw:
            raise StopIteration
        self.line_no += 1
        if len(raw) > MAX_ROW_BYTES and not raw.endswith(b"\n"):
            while (chunk := self.handle.readline(MAX_ROW_BYTES)) and not chunk.endswith(b"\n"):
                pass
            raise BadRowError(
                row_path(self.path, self.line_no),
                f"the line is over the {MAX_ROW_BYTES:,}-byte limit for one row",
                "Shorten the text or drop the row",
            )
        try:
            line = raw.decode(self.encoding)
        except UnicodeDecodeError as error:
            raise BadRowError(
                row_path(self.path, self.line_no),
                f"not valid {self.encoding} ({error})",
                _REENCODE,
            ) from error
        return line.removeprefix("\ufeff") if self.line_no == 1 else line


def _jsonl_rows(path: Path) -> Iterator[tuple[int, Row | BadRowError]]:
    handle, encoding, sample = _open_rows(path)
    with handle:
        kind = _json_document_kind(sample, encoding)
        if kind is not None:
            raise NotJsonLinesError(
                path,
                f"is one JSON {kind}, not JSON Lines (one JSON object per line)",
                'Write each article as one {"text": ...} object on a line of its own, '
                "e.g. `jq -c '.[]' in.json > out.jsonl` for an array, "
                "`jq -c . in.json > out.jsonl` for one object",
            )
        lines = _Lines(handle, encoding, path)
        any_row = False
        while True:
            try:
                line = next(lines)
            except StopIteration:
                break
            except BadRowError as error:
                any_row = True
                yield lines.line_no, error
                continue
            if not line.strip():
                continue
            any_row = True
            yield lines.line_no, _parse_json_row(line, row_path(path, lines.line_no))
        if not any_row:
            raise EmptyFileError(path, "no rows", "Add one JSON object per line")


def _json_document_kind(sample: bytes, encoding: str) -> str | None:
    """ "array" or "object" when the file whose first bytes are `sample` is one JSON
    document, which read line by line would give an error for every line: a bare "[" or
    "{" first, or a whole file that parses as an array, or as an object over several
    lines (pretty-printed)."""
    whole = len(sample) < ENCODING_SAMPLE_BYTES
    text = sample.decode(encoding, errors="replace").removeprefix("\ufeff")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and lines[0] in ("[", "{"):
        return "array" if lines[0] == "[" else "object"
    if not whole or not lines or lines[0][0] not in "[{":
        return None
    try:
        value = decode_json(text)
    except BadLineError:
        return None
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) and len(lines) > 1 else None


def _parse_json_row(line: str, where: str) -> Row | BadRowError:
    try:
        value = decode_json(line)
        if not isinstance(value, dict):
            return BadRowError(where, "not a JSON object", 'Write {"text": ..., ...} objects')
        surrogate = lone_surrogate(json.dumps(value, ensure_ascii=False))
    except BadLineError as error:
        return BadRowError(where, str(error), "Write one JSON object per line")
    except RecursionError:  # decoded, but too deep to encode again
        return BadRowError(where, "nested too deeply to decode", "Write one JSON object per line")
    if surrogate is not None:
        return BadRowError(
            where,
            f"holds a lone surrogate escape ({surrogate!r}), not text",
            "Fix the encoder that wrote it, or drop the row",
        )
    folded = {str(key).strip().lower(): item for key, item in value.items()}
    text_key = next((key for key in TEXT_COLUMNS if key in folded), None)
    if text_key is not None and not isinstance(folded[text_key], str | None):
        kind = type(folded[text_key]).__name__
        return BadRowError(
            where, f"the {text_key!r} field is a {kind}, not a string", "Give the text as a string"
        )
    row: Row = {}
    for key, item in value.items():
        if isinstance(item, str | int | float) and not isinstance(item, bool):
            row[str(key)] = str(item)
        elif item is not None:
            row[str(key)] = json.dumps(item, ensure_ascii=False)
    return row


def lone_surrogate(text: str) -> str | None:
    """The first unpaired UTF-16 surrogate in `text`, or None.

    JSON escapes can spell one (\\ud800), and bytes that are not UTF-8 read with
    errors="surrogateescape" become them: such text cannot be written out as UTF-8.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return error.object[error.start]
    return None


def _csv_rows(path: Path) -> Iterator[tuple[int, Row | BadRowError]]:
    if csv.field_size_limit() < MAX_ROW_BYTES:
        csv.field_size_limit(MAX_ROW_BYTES)
    handle, encoding, _ = _open_rows(path)
    with handle:
        lines = _Lines(handle, encoding, path)
        reader = csv.reader(lines, strict=True)  # lenient mode hides an unclosed quote
        header = _csv_header(reader, path)
        while True:
            start = lines.line_no + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except BadRowError as error:
                yield start, error
                continue
            except csv.Error as error:
                where = row_path(path, start)
                problem = f"malformed CSV ({error})"
                if "unexpected end of data" in str(error):
                    problem += f": an unclosed quote; lines {start}-{lines.line_no} were not read"
                yield start, BadRowError(where, problem, "Fix the quoting")
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                yield (
                    start,
                    BadRowError(
                        row_path(path, start),
                        f"{len(cells)} cells for {len(header)} columns",
                        "Quote cells that contain commas",
                    ),
                )
                continue
            yield start, dict(zip(header, cells, strict=False))


def _csv_header(reader: Iterator[list[str]], path: Path) -> list[str]:
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration as error:
        raise EmptyFileError(path, "no header row", "Add a header with a text column") from error
    except (csv.Error, BadRowError) as error:
        raise MissingTextColumnError(path, f"unreadable header ({error})", "Fix it") from error
    if not any(name in header for name in TEXT_COLUMNS):
        raise MissingTextColumnError(
            path,
            f"no text column among {header[:10]}",
            f"Name the column holding the article text one of: {', '.join(TEXT_COLUMNS)}",
        )
    return header


def _parsed_rows(
    path: Path, rows: Iterable[tuple[int, Row | BadRowError]]
) -> Iterator[tuple[str, tuple[str, _Declared] | BadRowError]]:
    """(where, the row's text and metadata, or why it is unusable), in file order.

    Until a row has a text field, problems are held back (rows without one by line
    number only): if no row has one, the text is under another name, and the file gets
    one `MissingTextColumnError` instead of an error per row.
    """
    held: list[int | BadRowError] | None = []
    first_fields: list[str] | None = None
    for line_no, row in rows:
        where = row_path(path, line_no)
        if isinstance(row, BadRowError):
            parsed: tuple[str, _Declared] | BadRowError = row
        else:
            try:
                parsed = _row_article(row, where)
            except BadRowError as error:
                parsed = error
        if held is None:
            yield where, parsed
        elif isinstance(row, BadRowError):
            held.append(row)
        elif isinstance(parsed, NoTextFieldError):
            held.append(line_no)
            first_fields = list(row) if first_fields is None else first_fields
        else:
            yield from _released(path, held)
            held = None
            yield where, parsed
    if held is None:
        return
    if first_fields is None:
        yield from _released(path, held)
        return
    yield from _released(path, [item for item in held if not isinstance(item, int)])
    named = ", ".join(repr(name) for name in first_fields[:10]) or "none"
    raise MissingTextColumnError(
        path,
        f"no row has a text field (the first such row's fields: {named})",
        f"Name the field holding the article text one of: {', '.join(TEXT_COLUMNS)}",
    )


def _released(path: Path, held: list[int | BadRowError]) -> Iterator[tuple[str, BadRowError]]:
    for item in held:
        if isinstance(item, BadRowError):
            yield item.path, item
        else:
            yield row_path(path, item), _no_text_field(row_path(path, item))


def _no_text_field(where: str) -> NoTextFieldError:
    return NoTextFieldError(
        where, "no text field", f"Give the article text as one of: {', '.join(TEXT_COLUMNS)}"
    )


def _row_article(row: Row, where: str) -> tuple[str, _Declared]:
    """A row's text and the metadata its columns declare."""
    folded = {key.strip().lower(): value for key, value in row.items()}
    text_key = next((key for key in TEXT_COLUMNS if key in folded), None)
    if text_key is None:
        raise _no_text_field(where)
    text = _normalise_newlines(folded[text_key]).removeprefix("\ufeff")
    if not text.strip():
        raise BadRowError(where, f"the {text_key!r} field is empty", "Fill it or drop the row")
    if len(text) > MAX_ROW_BYTES:
        raise BadRowError(where, "the text is over the row limit", "Shorten or split it")
    found: dict[str, Sourced] = {}
    used = {text_key}
    extra: list[tuple[str, str]] = []
    for name, synonyms in COLUMN_SYNONYMS.items():
        key = next((k for k in synonyms if folded.get(k, "").strip()), None)
        if key is None:
            continue
        used.add(key)
        value = folded[key].strip()
        if name == "id":
            extra.append(("id", value))
        elif name == "published":
            date = parse_date(value)
            found[name] = (
                Sourced(date, "explicit", f"column {key!r}")
                if date is not None
                else Sourced(None, "unknown", f"column {key!r} value {value!r} is not a date")
            )
        else:
            found[name] = Sourced(value, "explicit", f"column {key!r}")
    extra += [
        (key, value)
        for key, value in folded.items()
        if key not in used and value.strip() and len(value) <= MAX_EXTRA_CHARS
    ]
    return text, _Declared(extra=tuple(extra), **found)
