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

The finders live by what they find: `geo.ingest.sources`, `geo.ingest.pubdates` and
`geo.ingest.urls`. The title finder is here, beside `infer_metadata`, because it
uses all of their patterns to tell a headline from the lines around it.

Outlets and agencies are named in the editable table `geo/data/outlets.csv`
(name, aliases, domains, kind, country), loaded lazily once by `geo.ingest.outlets`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from geo.ingest.outlets import OutletTable, load_outlets
from geo.ingest.pubdates import HEADER_DATE_RE, _only_dates, find_published, parse_date
from geo.ingest.sources import _BYLINE_RE, _DATELINE_RE, _is_byline, _line_at, find_source
from geo.ingest.urls import RAW_URL_RE, find_url
from geo.model import Sourced

MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 30
TITLE_CASE_SHARE = 0.6
"""Share of a line's long words that must be capitalised for it to read as a headline."""
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


def _is_title_case(words: Sequence[str]) -> bool:
    long_words = [w for w in words if len(w) >= 4]
    if len(long_words) < 2:
        return False
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return capitalised / len(long_words) >= TITLE_CASE_SHARE
