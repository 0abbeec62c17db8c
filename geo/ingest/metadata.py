"""What an article's own text says about it: title, source, URL and publication date.

Scraped news text carries its metadata in scraps: a feed header (` date 2021-11-09`),
a feed timestamp line (`2021-11-09 15:45:00Z`), a bare date line under the
headline (`May 23, 2024`), a dateline (`MOSCOW (AA) –`), a
byline, a raw URL (sometimes a Google News redirect whose payload holds the real
URL), or an attribution (`she told AFP`). Each finder returns a `Sourced` value
whose provenance says how strong the evidence is:

* `explicit`: the text states it (header date, feed timestamp, date line, dateline, byline,
  the article's URL and the outlet that owns its host);
* `inferred`: indirect evidence (an interview given to an outlet whose photo
  credits the article also carries; a date in the URL's path);
* `unknown`: nothing found.

Outlets and agencies are named in the editable table `geo/data/outlets.csv`
(name, aliases, domains, kind, country), loaded lazily once by `geo.ingest.outlets`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from geo.ingest.outlets import OutletTable, load_outlets
from geo.ingest.pubdates import HEADER_DATE_RE, _only_dates, find_published, parse_date
from geo.ingest.urls import RAW_URL_RE, find_url
from geo.model import Sourced, Span

MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 30
TITLE_CASE_SHARE = 0.6
"""Share of a line's long words that must be capitalised for it to read as a headline."""
MAX_BYLINE_OUTLET_WORDS = 5
"""Longest line under a byline read as its outlet (`AP Diplomatic Writer`)."""
DATELINE_SEARCH_CHARS = 1500
"""Datelines open an article: only its first paragraphs are searched."""

_DATELINE_RE = re.compile(
    r"^(?P<dateline>(?P<place>[A-Z][A-Z.'\u2019\- ]{1,40}[A-Z.])"
    r"(?:,[^\n()]{1,40}?)?\s*\((?P<agency>[A-Z][^()\n]{0,40})\)\s*[-\u2013\u2014:])",
    re.MULTILINE,
)
"""`MOSCOW (AA) –`, `LONDON, Nov 9 (Reuters) -`: the agency that wrote the story."""
_BYLINE_RE = re.compile(r"^[ \t]*By[ \t]+(?P<byline>[^\n]{1,100})$", re.MULTILINE)
ATTRIBUTION_CUES = (
    "told",
    "tells",
    "telling",
    "said to",
    "speaking to",
    "spoke to",
    "speaking with",
    "spoke with",
    "in an interview with",
    "interviewed by",
    "confirmed to",
)
"""Phrases before an outlet's name saying the outlet did the reporting (`she told AFP`)."""
_WORD_RE = re.compile(r"[^\W\d_][\w'\u2019-]*")


@dataclass(frozen=True)
class TextMetadata:
    """Everything `infer_metadata` read from a text."""

    title: Sourced[str]
    source: Sourced[str]
    url: Sourced[str]
    published: Sourced[dt.date]


def infer_metadata(
    text: str, credited: Sequence[str] = (), outlets: OutletTable | None = None
) -> TextMetadata:
    """Title, source, URL and publication date as far as `text` tells them.

    `credited` names the outlets of the article's photo credits (see
    `geo.ingest.boilerplate.find_credits`): they corroborate an attribution.
    """
    outlets = outlets or load_outlets()
    url = find_url(text)
    return TextMetadata(
        title=find_title(text),
        source=find_source(text, url.value, credited, outlets),
        url=url,
        published=find_published(text, url.value),
    )


def find_title(text: str) -> Sourced[str]:
    """A headline-like first line (after a line that only dates the article): short, and
    title case or set apart from the body by a blank line, a byline, a dateline or a date line.
    """
    line, line_end = _line_at(text, 0)
    if _only_dates(line) and line_end < len(text):
        line, line_end = _line_at(text, line_end + 1)
    header = HEADER_DATE_RE.match("\n" + line)
    if header:
        line = line[header.end() - 1 :]
    line = line.strip()
    if (
        not line
        or RAW_URL_RE.match(line)
        or _DATELINE_RE.match(line)
        or _BYLINE_RE.match(line)
        or parse_date(line) is not None
    ):
        return Sourced.unknown()
    if len(line) > MAX_TITLE_CHARS:
        return Sourced.unknown()
    words = _WORD_RE.findall(line)
    if not words or len(words) > MAX_TITLE_WORDS:
        return Sourced.unknown()
    next_line = _line_at(text, line_end + 1)[0] if line_end < len(text) else ""
    set_apart = (
        not next_line.strip()
        or _is_byline(next_line)
        or _DATELINE_RE.match(next_line) is not None
        or _only_dates(next_line)
    )
    if _is_title_case(words) or (set_apart and not line.endswith((".", ":", ","))):
        title = line[:-1] if line.endswith(".") and not line.endswith("..") else line
        return Sourced(title, "explicit", f"first line {line[:80]!r}")
    return Sourced.unknown()


def _line_at(text: str, start: int) -> tuple[str, int]:
    """The line starting at `start` and the offset of its end."""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return text[start:end], end


def _is_byline(line: str) -> bool:
    """`By Jane Doe, Reuters`, not a sentence opening with "By" (`By then it was dark.`)."""
    match = _BYLINE_RE.match(line)
    if match is None:
        return False
    byline = match.group("byline").strip()
    return byline[:1].isupper() and not byline.endswith((".", "!", "?", '"', "\u201d"))


def _is_title_case(words: Sequence[str]) -> bool:
    long_words = [w for w in words if len(w) >= 4]
    if len(long_words) < 2:
        return False
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return capitalised / len(long_words) >= TITLE_CASE_SHARE


def find_source(
    text: str,
    url: str | None = None,
    credited: Sequence[str] = (),
    outlets: OutletTable | None = None,
) -> Sourced[str]:
    """Who published or wrote the article.

    In order: the outlet owning the article URL's host, a dateline agency, a byline
    naming an outlet (all explicit); then an outlet the article's people talked to
    (`she told AFP`), preferring one its photo credits also name (inferred).
    Photo credits alone say who took the pictures, not who wrote the story.
    """
    outlets = outlets or load_outlets()
    for finder in (_source_from_url, _source_from_dateline, _source_from_byline):
        found = finder(text, url, outlets)
        if found is not None:
            return found
    return _source_from_attribution(text, credited, outlets)


def _source_from_url(text: str, url: str | None, outlets: OutletTable) -> Sourced[str] | None:
    if not url:
        return None
    outlet = outlets.for_host(urlsplit(url).hostname or "")
    if outlet is None or outlet.kind == "photo":
        return None
    return Sourced(outlet.name, "explicit", f"article URL host {urlsplit(url).hostname}")


def find_dateline_agency(text: str) -> Span | None:
    """Where the dateline names its agency (`AP` in `KYIV, Ukraine (AP) —`), or None.

    The agency wrote the story: it is the article's source, not a party to what it reports.
    """
    match = _DATELINE_RE.search(text[:DATELINE_SEARCH_CHARS])
    return None if match is None else Span(match.start("agency"), match.end("agency"))


def _source_from_dateline(text: str, url: str | None, outlets: OutletTable) -> Sourced[str] | None:
    match = _DATELINE_RE.search(text[:DATELINE_SEARCH_CHARS])
    if match is None:
        return None
    agency = match.group("agency").strip()
    outlet = outlets.find(agency)
    name = outlet.name if outlet is not None else agency
    if outlet is None and len(agency.split()) > 5:
        return None
    return Sourced(name, "explicit", f"dateline {match.group('dateline')!r}")


def _source_from_byline(text: str, url: str | None, outlets: OutletTable) -> Sourced[str] | None:
    pattern = outlets.name_regex(("agency", "outlet"))
    for match in _BYLINE_RE.finditer(text[:DATELINE_SEARCH_CHARS]):
        byline = match.group("byline").strip()
        tail = re.search(rf"(?:^|[,|\-\u2013\u2014]\s*|\s)(?P<name>{pattern.pattern})\s*$", byline)
        if tail is None:
            continue
        outlet = outlets.find(tail.group("name"))
        if outlet is not None:
            return Sourced(outlet.name, "explicit", f"byline 'By {byline}'")
    for match in _BYLINE_RE.finditer(text[:DATELINE_SEARCH_CHARS]):
        if _is_byline(match.group(0)):
            found = _outlet_line_under_byline(text, match.end(), pattern, outlets)
            if found is not None:
                return found
    return None


def _outlet_line_under_byline(
    text: str, byline_end: int, pattern: re.Pattern[str], outlets: OutletTable
) -> Sourced[str] | None:
    """The outlet on the line below a byline: `By Ahmed Saleh` / `Associated Press` or
    `AP Diplomatic Writer`."""
    line, _ = _line_at(text, byline_end + 1) if byline_end < len(text) else ("", 0)
    line = line.strip()
    if not line or len(line.split()) > MAX_BYLINE_OUTLET_WORDS or line.endswith((".", ":")):
        return None
    head = re.match(rf"(?P<name>{pattern.pattern})(?:\s|$)", line)
    outlet = outlets.find(head.group("name")) if head else None
    if outlet is None:
        return None
    return Sourced(outlet.name, "explicit", f"line under the byline {line!r}")


def _matches_at_cues(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`pattern` matched only where a cue word starts: str.find is far faster than a scan."""
    starts = set()
    for cue in ATTRIBUTION_CUES:
        position = text.find(cue)
        while position >= 0:
            if position == 0 or not text[position - 1].isalnum():
                starts.add(position)
            position = text.find(cue, position + 1)
    for start in sorted(starts):
        match = pattern.match(text, start)
        if match is not None:
            yield match


@cache
def _attribution_regex(names: str) -> re.Pattern[str]:
    cues = "|".join(re.escape(cue) for cue in ATTRIBUTION_CUES)
    return re.compile(rf"(?:{cues})\s+(?:the\s+)?(?P<name>{names})(?![\w-])")


def _source_from_attribution(
    text: str, credited: Sequence[str], outlets: OutletTable
) -> Sourced[str]:
    attribution = _attribution_regex(outlets.name_regex(("agency", "outlet")).pattern)
    counts: dict[str, int] = {}
    evidence: dict[str, str] = {}
    for match in _matches_at_cues(attribution, text):
        outlet = outlets.find(match.group("name"))
        if outlet is None:
            continue
        counts[outlet.name] = counts.get(outlet.name, 0) + 1
        evidence.setdefault(outlet.name, match.group(0))
    if not counts:
        return Sourced.unknown()
    credit_counts = {name: credited.count(name) for name in counts}
    best = max(
        counts, key=lambda name: (credit_counts[name] > 0, counts[name], credit_counts[name])
    )
    note = f"attribution {evidence[best]!r}"
    if credit_counts[best]:
        note += f"; {credit_counts[best]} photo credit(s) name {best}"
    return Sourced(best, "inferred", note)
