"""Who published or wrote an article, from its text: URL host, dateline, byline, attribution.

The dateline and byline patterns live here, and the title finder borrows them to tell
a headline from the lines around it; `find_dateline_agency` lets the events stage
leave the agency that wrote a story out of what the story reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from urllib.parse import urlsplit

from geo.ingest.outlets import OutletTable, load_outlets
from geo.model import Sourced, Span

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
