"""Spans of an article's text that are not the story: credits, footers, links, feed lines.

Scraped articles drag along photo credits (`BELTA via AFP / Leonid SHCHEGLOV`,
`(Reuters)`), "Related posts" lists, blog comment footers, raw links, feed ids
and timestamps. Later stages must not find places or events in them, but they are
kept: a credit still tells which agency supplied the pictures.

Captions are content, even when a scrape repeats them: only the credit that ends
a caption line is boilerplate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from geo.ingest.outlets import OutletTable, load_outlets
from geo.ingest.pubdates import find_date_lines
from geo.ingest.urls import find_raw_urls
from geo.model import Span

MAX_FOOTER_LINE_CHARS = 200
"""Lines after a footer marker are link titles or buttons: long lines are story text."""
MAX_FOOTER_SENTENCE_SHARE = 1 / 3
"""At most this share of the lines after a footer marker may end like a sentence."""
MIN_FEED_ID_CHARS = 40

FOOTER_MARKER_RE = re.compile(
    r"\n[ \t]*(?P<marker>(?i:related (?:posts|articles|stories|news|content|coverage)"
    r"|read more|read also|see also|also read|more from [^\n]{1,40}"
    r"|you may also like|you might also like"
    r"|recommended(?: for you| stories| articles)?|more stories|most read|trending now"
    r"|tidak ada komentar|posting komentar|no comments|\d+ comments?|post a comment"
    r"|leave a (?:reply|comment)|add a comment|share this(?: article)?)[ \t]*:?)[ \t]*(?=\n|$)"
)
"""A line opening a footer: related links, or a blog's comment section.

Line patterns start with a newline, which the regex engine scans for fast: they
are searched in `"\\n" + text`, so their offsets are one too high.
"""
FEED_ID_RE = re.compile(
    rf"\n[ \t]*(?P<id>[A-Za-z0-9_-]{{{MIN_FEED_ID_CHARS},}}={{0,2}})[ \t]*(?=\n|$)"
)
"""A line holding one long base64url token, as feed readers print entry ids."""
CREDIT_MAX_CHARS = 160
"""Credits are short: only this much of a caption line's end is searched."""
CREDIT_LABEL_RE = re.compile(
    r"(?:(?<=\s)|^)(?P<credit>(?:Photo|Image|Picture|Photograph|Credit)s?(?: credit)?[ \t]*:"
    r"[ \t]*[^\n]{1,80})$",
    re.MULTILINE,
)
"""`Photo: Reuters`, `Image credit: Jane Doe` closing a caption line."""
_PERSON = (
    r"[A-Z][\w.'\u2019-]*(?:[ \t]+(?:[A-Z][\w.'\u2019-]*|de|da|di|van|von|der|al|el|bin)){0,3}"
)
_PHOTOGRAPHER = r"[A-Z][\w.'\u2019-]*(?:[ \t]+[A-Z][\w.'\u2019-]*)?"
"""At most two words before `/Agency`, so a caption's last place name is never swallowed."""
FUNCTION_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "to",
        "of",
        "by",
        "for",
        "from",
        "with",
        "and",
        "or",
        "but",
        "in",
        "on",
        "at",
        "as",
        "via",
        "told",
        "tells",
        "said",
        "says",
        "say",
        "according",
        "reported",
        "reports",
        "report",
        "quoted",
        "quoting",
        "cited",
        "citing",
        "than",
        "that",
    }
)
"""Words after which an agency name at a line end is the object of a sentence, not a credit."""


@dataclass(frozen=True)
class Credit:
    """A photo or map credit, and the outlets it names (distributor first)."""

    span: Span
    outlets: tuple[str, ...]


def find_boilerplate(
    text: str, outlets: OutletTable | None = None, credits: Sequence[Credit] | None = None
) -> tuple[Span, ...]:
    """Every boilerplate span of `text`, merged and sorted.

    `credits`, if the caller already ran `find_credits`, saves finding them again.
    """
    outlets = outlets or load_outlets()
    if credits is None:
        credits = find_credits(text, outlets)
    spans: list[Span] = [credit.span for credit in credits]
    spans += find_raw_urls(text)
    spans += (line.span for line in find_date_lines(text))
    spans += (Span(m.start("id") - 1, m.end("id") - 1) for m in FEED_ID_RE.finditer("\n" + text))
    footer = find_footer(text)
    if footer is not None:
        spans.append(footer)
    return merge_spans(spans)


def find_footer(text: str) -> Span | None:
    """From the first footer marker line whose following lines look like links to the end."""
    for marker in FOOTER_MARKER_RE.finditer("\n" + text):
        rest = [line.strip() for line in text[marker.end() - 1 :].split("\n") if line.strip()]
        if any(len(line) > MAX_FOOTER_LINE_CHARS for line in rest):
            continue
        sentences = sum(1 for line in rest if line.endswith((".", "!", "?", '."', ".\u201d")))
        if rest and sentences / len(rest) > MAX_FOOTER_SENTENCE_SHARE:
            continue
        return Span(marker.start("marker") - 1, len(text.rstrip()))
    return None


def find_credits(text: str, outlets: OutletTable | None = None) -> tuple[Credit, ...]:
    """Photo credits closing caption lines: `... AFP / Kenan AUGEARD`, `... (Reuters)`."""
    outlets = outlets or load_outlets()
    credits = []
    for line_start, line in _lines(text):
        credit = _credit_in_line(line, outlets)
        if credit is not None:
            start, end, names = credit
            credits.append(Credit(Span(line_start + start, line_start + end), names))
    return tuple(credits)


def _lines(text: str) -> Iterable[tuple[int, str]]:
    start = 0
    for line in text.split("\n"):
        yield start, line
        start += len(line) + 1


def _credit_in_line(line: str, outlets: OutletTable) -> tuple[int, int, tuple[str, ...]] | None:
    stripped = line.rstrip()
    if not stripped or stripped[-1] in ".!?,;:\"'\u201d\u2019":
        return None
    offset = 0
    if len(stripped) > CREDIT_MAX_CHARS:
        # cut just after a space, so a pattern's line start (^) is a word start
        offset = stripped.find(" ", len(stripped) - CREDIT_MAX_CHARS) + 1
        if offset == 0:
            return None
    tail = stripped[offset:]
    for finder in (_parenthesised_credit, _slash_credit, _labelled_credit, _bare_credit):
        found = finder(tail, outlets)
        if found is not None:
            start, end, names = found
            if finder is _parenthesised_credit and offset + start == 0:
                return None  # a parenthesised line is an aside, not a caption's credit
            return offset + start, offset + end, names
    return None


def _parenthesised_credit(
    line: str, outlets: OutletTable
) -> tuple[int, int, tuple[str, ...]] | None:
    if not line.endswith(")"):
        return None
    match = re.search(r"\((?P<inner>[^()\n]{1,80})\)$", line)
    if match is None:
        return None
    names = _outlets_named(re.split(r"\s*/\s*|\s+via\s+|,\s*", match.group("inner")), outlets)
    if not names:
        return None
    return match.start(), match.end(), names


def _slash_credit(line: str, outlets: OutletTable) -> tuple[int, int, tuple[str, ...]] | None:
    if "/" not in line and " via " not in line:
        return None
    names = outlets.name_regex().pattern
    patterns = _slash_credit_patterns(names)
    for pattern in patterns:
        match = pattern.search(line)
        if match is None:
            continue
        found = _outlets_named([match.group("agency"), match.groupdict().get("via") or ""], outlets)
        if found:
            return match.start("credit"), match.end("credit"), found
    return None


@cache
def _slash_credit_patterns(names: str) -> tuple[re.Pattern[str], ...]:
    return (
        # "BELTA via AFP / Leonid SHCHEGLOV", "AFP / Kenan AUGEARD", "Reuters/Kacper Pempel"
        re.compile(
            rf"(?:^|\s)(?P<credit>(?:(?P<via>[A-Z][\w.-]*)\s+via\s+)?(?P<agency>{names})"
            rf"[ \t]*/[ \t]*{_PERSON})$"
        ),
        # "Kacper Pempel/Reuters", "BELTA via AFP"
        re.compile(
            rf"(?:^|\s)(?P<credit>(?:{_PHOTOGRAPHER}[ \t]*/[ \t]*|(?P<via>[A-Z][\w.-]*)\s+via\s+)"
            rf"(?P<agency>{names}))$"
        ),
    )


def _labelled_credit(line: str, outlets: OutletTable) -> tuple[int, int, tuple[str, ...]] | None:
    if ":" not in line:
        return None
    match = CREDIT_LABEL_RE.search(line)
    if match is None:
        return None
    label_value = match.group("credit").split(":", 1)[1]
    names = _outlets_named(re.split(r"\s*/\s*|\s+via\s+|,\s*", label_value), outlets)
    return match.start("credit"), match.end("credit"), names


def _bare_credit(line: str, outlets: OutletTable) -> tuple[int, int, tuple[str, ...]] | None:
    """A lone agency name after a caption: `Iraqi migrants ... airport, Belarus AFP`."""
    words = line.rsplit(None, 3)
    if not any(outlets.find(" ".join(words[-k:])) for k in range(1, min(len(words), 3) + 1)):
        return None
    match = _bare_credit_pattern(outlets.name_regex(("agency", "photo")).pattern).search(line)
    if match is None:
        return None
    before = line[: match.start()].rstrip()
    previous_word = re.search(r"([\w'\u2019-]+)\W*$", before)
    if previous_word is None or previous_word.group(1).lower() in FUNCTION_WORDS:
        return None
    if before.endswith((".", "!", "?", ":", ";")):
        return None
    outlet = outlets.find(match.group("agency"))
    if outlet is None:
        return None
    return match.start(), match.end(), (outlet.name,)


@cache
def _bare_credit_pattern(names: str) -> re.Pattern[str]:
    return re.compile(rf"(?<=\s)(?P<agency>{names})$")


def _outlets_named(parts: Sequence[str], outlets: OutletTable) -> tuple[str, ...]:
    names = []
    for part in parts:
        part = re.sub(r"^(?:Photo|Image|Picture)s?(?: by)?:?\s*|\s+(?:Photo|Images?)$", "", part)
        outlet = outlets.find(part.strip())
        if outlet is not None and outlet.name not in names:
            names.append(outlet.name)
    return tuple(names)


def merge_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Sorted spans with overlapping or touching ones joined."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return tuple(merged)
