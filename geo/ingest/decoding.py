"""Bytes to text, for every reader: size limits and OS errors, BOMs, encoding guesses,
and the refusal of binary data or text a lossy decoding already destroyed.

The `.txt` reader is here too: it is a decoding plus a check of line lengths.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from geo.ingest.errors import (
    BinaryFileError,
    EmptyFileError,
    FileTooLargeError,
    LineTooLongError,
    UndecodableFileError,
    UnreadablePathError,
    _missing,
)

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
"""Largest single-article file (.txt/.html); larger ones are not articles but dumps."""
MAX_LINE_CHARS = 1024 * 1024
"""Longest line of a .txt article."""
BINARY_SNIFF_BYTES = 8192
MAX_ENCODING_CHAOS = 0.1
"""charset-normalizer's mess ratio above which a guessed decoding is refused."""
MAX_CONTROL_SHARE = 0.05
"""Share of control characters (not tab, newline, CR, FF, VT) above which decoded bytes are
binary data: prose has next to none, random bytes about one in ten (7-bit: one in five)."""
MAX_REPLACEMENT_SHARE = 0.25
"""Share of U+FFFD above which a file's text was lost by a lossy decoding before it was saved."""
_ASCII_PROBE = b"The Minister said: 'Yes', 100 (A-Z, a-z) are \"here\"; why?\n\tOK!\r\n"
"""Text every encoding of English news reads as ASCII: UTF-16/32 and EBCDIC do not."""
_CONTROL_CHARS = sorted(set(map(chr, [*range(0x20), 0x7F])) - set("\t\n\r\f\v"))
WESTERN_ENCODINGS = ("cp1252", "latin_1", "iso8859_15", "utf_8")
"""English news: among equally clean guesses these win (short texts fit many codecs)."""


def _read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, refusing missing paths, directories and files over `limit`."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IsADirectoryError(path)
        if size > limit:
            raise FileTooLargeError(
                path,
                f"{size / 1e6:.1f} MB is over the {limit / 1e6:.0f} MB limit for one article",
                "Split it, or store many articles as rows of one .jsonl corpus (streamed)",
            )
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError as error:
        raise _missing(path) from error
    except IsADirectoryError as error:
        raise UnreadablePathError(
            path, "is a directory", "Pass the directory to load_corpus, which walks it"
        ) from error
    except PermissionError as error:
        raise UnreadablePathError(
            path, "permission denied", "Make the file readable (chmod a+r)"
        ) from error
    except OSError as error:
        raise UnreadablePathError(path, f"cannot be read ({error})", "Check the file") from error
    if len(data) > limit:
        raise FileTooLargeError(path, "grew past the size limit while being read", "Retry")
    if not data.strip():
        raise EmptyFileError(path, "the file is empty", "Remove it or fill it with the article")
    return data


def _decode(data: bytes, path: Path, declared_encoding: str | None = None) -> str:
    """Text of a document's bytes, refused when it reads as binary data or lost text."""
    text = _decode_bytes(data, path, declared_encoding)
    _refuse_non_text(text, path)
    return text


def _decode_bytes(data: bytes, path: Path, declared_encoding: str | None = None) -> str:
    """Text of a document's bytes: UTF-8 (BOM stripped), a UTF-16 BOM, else a confident guess."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32")):
        if data.startswith(bom):
            return _normalise_newlines(data.decode(codec))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _normalise_newlines(data.decode("utf-16"))
        except UnicodeDecodeError as error:
            raise UndecodableFileError(path, f"bad UTF-16 ({error})", _REENCODE) from error
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise BinaryFileError(path, "holds binary data (NUL bytes)", "Give a text file")
    try:
        return _normalise_newlines(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    encoding = _guess_encoding(data, path, declared_encoding)
    return _normalise_newlines(data.decode(encoding))


_REENCODE = "Re-save it as UTF-8 (e.g. `iconv -f <encoding> -t utf-8`)"


def _refuse_non_text(text: str, path: Path) -> None:
    """Bytes without NULs can still fit some encoding (random bytes; 7-bit ones even as
    UTF-8) without being prose: too many control or replacement characters say so."""
    if not text:
        return
    controls = sum(map(text.count, _CONTROL_CHARS))
    if controls > MAX_CONTROL_SHARE * len(text):
        raise BinaryFileError(
            path,
            f"holds binary data ({controls / len(text):.0%} of its characters are control "
            "characters)",
            "Give a text file",
        )
    replaced = text.count("\ufffd")
    if replaced > MAX_REPLACEMENT_SHARE * len(text):
        raise UndecodableFileError(
            path,
            f"{replaced / len(text):.0%} of its characters are U+FFFD replacement characters: "
            "its text was lost by a decoding that replaced what it could not read",
            "Convert the original file to UTF-8 again, without replacing characters",
        )


def _ascii_compatible(encoding: str) -> bool:
    try:
        return _ASCII_PROBE.decode(encoding) == _ASCII_PROBE.decode("ascii")
    except (LookupError, UnicodeDecodeError):
        return False


def _guess_encoding(data: bytes, path: Path, declared: str | None = None) -> str:
    """The encoding of non-UTF-8 bytes, or UndecodableFileError if no guess is confident.

    Only ASCII-compatible encodings are guessed: short or random bytes often fit UTF-16
    or EBCDIC, and news in them without a BOM (or NUL bytes) does not occur.
    """
    if declared and _ascii_compatible(declared):
        try:
            codec = codecs.lookup(declared).name
            data.decode(codec)
            return codec
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes

    results = [
        r
        for r in from_bytes(data)
        if r.chaos <= MAX_ENCODING_CHAOS and _ascii_compatible(r.encoding)
    ]
    if not results:
        raise UndecodableFileError(
            path, "the bytes are not UTF-8 and no encoding fits them confidently", _REENCODE
        )
    cleanest = min(r.chaos for r in results)
    for result in results:
        if result.chaos <= cleanest and any(
            codecs.lookup(c).name in WESTERN_ENCODINGS for c in result.could_be_from_charset
        ):
            return next(
                c
                for c in result.could_be_from_charset
                if codecs.lookup(c).name in WESTERN_ENCODINGS
            )
    return results[0].encoding


def _normalise_newlines(text: str) -> str:
    """What text-mode `open()` would give: universal newlines."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _read_text_file(path: Path) -> str:
    text = _decode(_read_bytes(path, MAX_DOCUMENT_BYTES), path)
    if not text.strip():
        raise EmptyFileError(path, "the file holds only whitespace", "Remove it")
    start = 0
    for line_no, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise LineTooLongError(
                path,
                f"line {line_no} (from character {start}) is {len(line):,} characters long, over "
                f"the {MAX_LINE_CHARS:,} limit",
                "This is not prose: split the line or drop the file",
            )
        start += len(line) + 1
    return text
