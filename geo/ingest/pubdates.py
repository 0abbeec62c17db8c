"""When an article was published: date strings parsed, and the lines of a text that date it.

`parse_date` also reads the dates that HTML meta tags, row columns and sidecars give,
so it sits below all of them. Dates that the story mentions are the NLP stage's job
(`geo.nlp.dates`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from geo.model import Sourced, Span

HEAD_LINES = 4
"""Non-blank lines at the top of an article where a bare date line dates the article."""
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june"
    "|july|august|september|october|november|december"
)
ISO_TIMESTAMP = (
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s?(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
)
DATE_TOKEN = (
    rf"(?:{ISO_TIMESTAMP}"
    rf"|\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}})"
)
HEADER_DATE_RE = re.compile(
    rf"\n[ \t]*(?P<header>(?i:date|published|posted|updated|published on|posted on)[ \t]*:?[ \t]+"
    rf"(?P<date>(?i:{DATE_TOKEN})))"
)
"""A feed or page header line giving the date: ` date 2021-11-09 Headline...`.

Like every line pattern here it starts with a newline (a literal, which the regex
engine scans for quickly): search `"\\n" + text` and subtract one from offsets.
"""
FEED_TIMESTAMP_RE = re.compile(
    r"\n[ \t]*(?P<timestamp>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"\s?(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?)[ \t]*(?=\n|$)"
)
"""A line holding nothing but a timestamp, as feeds print it."""
_BARE_DATE_RE = re.compile(rf"[ \t]*(?i:{DATE_TOKEN})[ \t]*")
"""A line holding nothing but a date or timestamp."""
_NON_BLANK_LINE_RE = re.compile(r"[^\n]*\S[^\n]*")
_URL_PATH_DATE_RE = re.compile(r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})(?:/|$)")


def _only_dates(line: str) -> bool:
    """A line saying only when: a header date (`Published: May 1, 2024`) or a bare date."""
    if HEADER_DATE_RE.fullmatch("\n" + line.rstrip()) is not None:
        return True
    return _BARE_DATE_RE.fullmatch(line) is not None and parse_date(line) is not None


def find_published(text: str, url: str | None = None) -> Sourced[dt.date]:
    """The publication date from a header or feed timestamp line, else from the URL's path."""
    for line in find_date_lines(text):
        date = parse_date(line.date_text)
        if date is not None:
            return Sourced(date, "explicit", f"{line.kind} {line.date_text!r}")
    if url:
        path_date = _URL_PATH_DATE_RE.search(urlsplit(url).path)
        if path_date:
            date = _safe_date(*(int(path_date.group(k)) for k in ("y", "m", "d")))
            if date is not None:
                return Sourced(date, "inferred", f"date in the URL path {path_date.group(0)!r}")
    return Sourced.unknown()


@dataclass(frozen=True)
class DateLine:
    """A header (`date 2021-11-09`) or feed timestamp line; `span` is its metadata part."""

    kind: str
    span: Span
    date_text: str


def find_date_lines(text: str) -> tuple[DateLine, ...]:
    """Header and feed timestamp lines, in text order: metadata, not article content."""
    lines = "\n" + text
    found = [
        DateLine("header", Span(m.start("header") - 1, m.end("header") - 1), m.group("date"))
        for m in HEADER_DATE_RE.finditer(lines)
    ]
    found += [
        DateLine("feed timestamp", Span(m.start(1) - 1, m.end(1) - 1), m.group(1))
        for m in FEED_TIMESTAMP_RE.finditer(lines)
    ]
    stamped = {line.span.start for line in found}
    found += [line for line in _head_date_lines(text) if line.span.start not in stamped]
    return tuple(sorted(found, key=lambda line: line.span.start))


def _head_date_lines(text: str) -> Iterator[DateLine]:
    """Bare dates (`2024-02-12`, `May 23, 2024`) standing on one of the article's first lines.

    Further down, a line holding only a date heads a timeline entry, not the article.
    """
    for count, match in enumerate(_NON_BLANK_LINE_RE.finditer(text)):
        if count >= HEAD_LINES:
            return
        line = match.group(0).strip()
        if _BARE_DATE_RE.fullmatch(line) and parse_date(line) is not None:
            first = match.start() + match.group(0).index(line)
            yield DateLine("date line", Span(first, first + len(line)), line)


def parse_date(value: str) -> dt.date | None:
    """The calendar date of an ISO, RFC 2822 or `9 November 2021` style string; None if none.

    Times and zones are dropped: the date is the one written.
    """
    value = " ".join(value.split()).strip()
    iso = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if iso:
        return _safe_date(*(int(g) for g in iso.groups()))
    compact = re.fullmatch(r"((?:19|20)\d{2})(\d{2})(\d{2})", value)
    if compact:
        return _safe_date(*(int(g) for g in compact.groups()))
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return parsed.date()
    cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", value.replace(".", "").replace(",", ""))
    for fmt in ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y"):
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    if cleaned[:4].lower() == "sept":
        return parse_date("Sep" + cleaned[4:])
    return None


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
