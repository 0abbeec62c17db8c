"""Date mentions: the time expressions of an article, resolved against its publication date.

News writes "on Tuesday", "last week", "in October": relative to when the
article appeared. Weekdays resolve to the most recent such day on or before
publication unless the clause points forward ("will meet on Wednesday", "is
to visit on Thursday"), then to the next such day. Calendar-relative phrases
("last week", "this year", "three months ago") become periods, "two days ago" a
day; vague ones ("today" meaning nowadays, "recently", "overnight") are left out
on purpose.

Spans leave out leading prepositions and determiners ("on Tuesday" ->
"Tuesday", "the summer" -> "summer") but keep meaning-changing modifiers
("late Thursday", "last week").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from geo.model import DateMention, DatePrecision, Span

WEEKDAYS = {name.lower(): n for n, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
SEASON_MONTHS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
"""First month of each (northern, meteorological) season; seasons last three months."""

FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo", "would"})
FUTURE_HEADS = frozenset(
    {"be", "plan", "expect", "due", "set", "schedule", "go", "intend", "prepare", "aim", "hope"}
)
LEXICAL_FUTURE = re.compile(
    r"\b(will|shall|would|wo|'ll|(is|are|was|were) (to|due to|set to|scheduled|expected to|"
    r"going to)|plans? to|due to|set to|scheduled (to|for))\b",
    re.IGNORECASE,
)
YEAR_PREPOSITIONS = frozenset({"in", "since", "during", "until", "till", "before", "after"})
LINKING_WORDS = frozenset({"to", "and", "or", "of", "with"})
REPORTING = re.compile(r"\b(said|says|told|announced|reported|added|stressed)\b", re.IGNORECASE)

_MONTH_NAME = (
    r"(?P<month>" + "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True)) + ")"
)
_MONTH = _MONTH_NAME + r"\.?"  # 'Nov. 9': the abbreviation's dot, when more follows
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_REL = r"(?P<rel>last|this|next|Last|This|Next)"
_PART = r"(?P<part>late|early|Late|Early)"
COUNT_WORDS = {
    word: n
    for n, words in enumerate(
        ("", "a an one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    )
    for word in words.split()
}
_COUNT = r"(?P<count>(?i:" + "|".join(COUNT_WORDS) + r")|\d{1,2})"

# Longer, more specific patterns first: a later pattern never overlaps an earlier hit.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("iso", r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>[01]\d)-(?P<day>[0-3]\d)\b"),
        ("day_month", rf"\b{_DAY} {_MONTH},? {_YEAR}\b"),
        ("day_month", rf"\b{_MONTH} {_DAY},? {_YEAR}\b"),
        ("day_month", rf"\b{_DAY} {_MONTH_NAME}(?![\w-])"),
        ("day_month", rf"\b{_MONTH} {_DAY}\b(?![\d,:])"),
        ("month_year", rf"\b(?:(?P<part>early|mid|late)[- ])?{_MONTH},? {_YEAR}\b"),
        ("ago", rf"\b{_COUNT} (?P<unit>day|week|month|year)s? ago\b"),
        ("weekday", rf"\b(?:{_PART} )?(?:{_REL} )?{_WEEKDAY}\b"),
        ("relative", rf"\b{_REL} (?P<unit>week|month|year)\b"),
        (
            "season",
            rf"\b(?:{_REL} )?(?P<season>spring|summer|autumn|winter)(?: (?:of )?{_YEAR})?\b",
        ),
        ("season", rf"\b{_REL} (?P<season>fall)\b"),
        ("month", rf"\b(?:(?P<rel>last|next|this|early|mid|late)[- ])?{_MONTH_NAME}\b"),
        ("year", rf"(?<![\d.,-]){_YEAR}(?![\d-]|,\d|s\b|'s\b)"),
        ("deictic", r"\b(?P<word>yesterday|tomorrow|Yesterday|Tomorrow)\b"),
    )
)
TEMPORAL_PREPOSITIONS = frozenset(
    {"in", "since", "until", "till", "by", "from", "through", "during", "before", "after",
     "of", "between", "to", "and", "or", "early", "late", "mid", "end", "around", "throughout"}
)  # fmt: skip


class DateResolutionError(ValueError):
    """A date expression names an impossible day (e.g. '31 February 2021')."""


@dataclass(frozen=True)
class _Resolution:
    date: dt.date | None
    precision: DatePrecision
    period: tuple[dt.date, dt.date] | None = None


def find_dates(
    doc: Doc, published: dt.date | None, exclude: Sequence[Span] = ()
) -> tuple[DateMention, ...]:
    """Date mentions of `doc`, resolved against `published` (relative ones need it).

    Without a publication date, only self-contained dates ("9 November 2021",
    "2021-11-09", "March 2021", "2021") are resolved; relative ones are skipped.
    """
    if not isinstance(doc, Doc):
        raise TypeError(f"find_dates needs a spaCy Doc, got {type(doc).__name__}")
    if published is not None and not isinstance(published, dt.date):
        raise TypeError(f"published must be a datetime.date, got {type(published).__name__}")
    if isinstance(published, dt.datetime):
        published = published.date()
    return tuple(_query(doc, published, exclude))


def _query(doc: Doc, published: dt.date | None, exclude: Sequence[Span]) -> Iterator[DateMention]:
    text = doc.text
    taken: list[Span] = list(exclude)
    found: list[DateMention] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            span = Span(match.start(), match.end())
            if any(span.overlaps(t) for t in taken):
                continue
            resolution = _resolve(kind, match, doc, published)
            if resolution is None:
                continue
            taken.append(span)
            found.append(_prepare_mention(text, span, resolution))
    yield from sorted(found, key=lambda m: m.start)


def _prepare_mention(text: str, span: Span, r: _Resolution) -> DateMention:
    return DateMention(
        span.start, span.end, text[span.start : span.end], r.date, r.precision, r.period
    )


def _resolve(
    kind: str, m: re.Match[str], doc: Doc, published: dt.date | None
) -> _Resolution | None:
    resolver: Callable[[re.Match[str], Doc, dt.date | None], _Resolution | None] = RESOLVERS[kind]
    return resolver(m, doc, published)


# ---------------------------------------------------------------- self-contained dates


def _iso(m: re.Match[str], doc: Doc, published: dt.date | None) -> _Resolution | None:
    day = _safe_date(int(m["year"]), int(m["mon"]), int(m["day"]))
    return None if day is None else _Resolution(day, "day")


def _day_month(m: re.Match[str], doc: Doc, published: dt.date | None) -> _Resolution | None:
    month, day = MONTHS[m["month"].lower()], int(m["day"])
    year = m.groupdict().get("year")
    if year is not None:
        date = _safe_date(int(year), month, day)
        return None if date is None else _Resolution(date, "day")
    if published is None:
        return None
    # No year: the year that puts the day nearest the publication date.
    options = [
        d for y in (published.year - 1, published.year, published.year + 1)
        if (d := _safe_date(y, month, day)) is not None
    ]  # fmt: skip
    if not options:
        return None
    return _Resolution(
        min(options, key=lambda d: (abs((d - published).days), d > published)), "day"
    )


def _month_year(m: re.Match[str], doc: Doc, published: dt.date | None) -> _Resolution:
    year, month = int(m["year"]), MONTHS[m["month"].lower()]
    return _Resolution(None, "month", _month_period(year, month))


def _year(m: re.Match[str], doc: Doc, published: dt.date | None) -> _Resolution | None:
    before = m.string[max(0, m.start() - 12) : m.start()].split()
    if not before or before[-1].lower().strip("(") not in TEMPORAL_PREPOSITIONS:
        return None  # '2000 migrants' is a count, not a year
    if _counts_something(doc, m.start(), m.end()):
        return None  # 'a total of 2000 people'
    if _numbers_a_name(doc, m.start(), m.end()):
        return None  # 'of 1935 Orchard St.': a house number
    year = int(m["year"])
    return _Resolution(None, "year", (dt.date(year, 1, 1), dt.date(year, 12, 31)))


# --------------------------------------------------------------------- relative dates


def _weekday(m: re.Match[str], doc: Doc, published: dt.date | None) -> _Resolution | None:
    if published is None or _after_word(m.string, m.start()) == "the":
        return None  # 'the Sunday Times'
    target = WEEKDAYS[m["weekday"].lower()]
    rel = (m["rel"] or "").lower()
    back = (published.weekday() - target) % 7
    if rel == "last":
        day = published - dt.timedelta(days=back or 7)
    elif rel == "next":
        day = published + dt.timedelta(days=(target - published.weekday()) % 7 or 7)
    elif rel == "this":
        day = _week_start(published) + dt.timedelta(days=target)
    elif points_forward(doc, m.start(), m.end()):
        day = published + dt.timedelta(days=(target - published.weekday()) % 7)
    else:
        day = published - dt.timedelta(days=back)
    return _Resolution(day, "day")


def _relative(m: re.Match[str], doc: Doc, published: dt.date | None) -> _Resolution | None:
    if published is None:
        return None
    step = {"last": -1, "this": 0, "next": 1}[m["rel"].lower()]
    unit = m["unit"]
    if unit == "week":
        start = _week_start(published) + dt.timedelta(weeks=step)
        return _Resolution(None, "week", (start, start + dt.timedelta(days=6)))
    if unit == "month":
        year, month = divmod(published.year * 12 + published.month - 1 + step, 12)
        return _Resolution(None, "month", _month_period(year, month + 1))
    year = published.year + step
    return _Resolution(None, "year", (dt.date(year, 1, 1), dt.date(year, 12, 31)))


def _ago(m: re.Match[str], doc: Doc, published: dt.date | None) -> _Resolution | None:
    """'two days ago' is a day; 'a week ago', 'three months ago' the week or month it fell in."""
    if published is None:
        return None
    count = m["count"].lower()
    n = int(count) if count.isdigit() else COUNT_WORDS[count]
    unit = m["unit"]
    if unit == "day":
        return _Resolution(published - dt.timedelta(days=n), "day")
    if unit == "week":
        start = _week_start(published - dt.timedelta(weeks=n))
        return _Resolution(None, "week", (start, start + dt.timedelta(days=6)))
    if unit == "month":
        year, month = divmod(published.year * 12 + published.month - 1 - n, 12)
        return _Resolution(None, "month", _month_period(year, month + 1))
    year = published.year - n
    return _Resolution(None, "year", (dt.date(year, 1, 1), dt.date(year, 12, 31)))


def _season(m: re.Match[str], doc: Doc, published: dt.date | None) -> _Resolution | None:
    first_month = SEASON_MONTHS[m["season"].lower()]
    if m.groupdict().get("year"):
        return _Resolution(None, "season", _season_period(int(m["year"]), first_month))
    if published is None:
        return None
    candidates = [
        _season_period(y, first_month) for y in range(published.year - 2, published.year + 2)
    ]
    rel = (m["rel"] or "").lower()
    if rel == "last":
        period = max(p for p in candidates if p[1] < published)
    elif rel == "next":
        period = min(p for p in candidates if p[0] > published)
    else:
        period = min(candidates, key=lambda p: (_distance(p, published), p[0] > published))
    return _Resolution(None, "season", period)


def _month(m: re.Match[str], doc: Doc, published: dt.date | None) -> _Resolution | None:
    name = m["month"]
    if name.lower() not in {n for n in MONTHS if len(n) > 3} | {"may"}:
        return None  # bare abbreviations ('Mar', 'Jan') are too often something else
    if not m["rel"] and not _after_temporal_word(m.string, m.start()):
        return None  # 'May' the verb, 'March' the noun
    if name == "May" and not m["rel"] and _after_word(m.string, m.start()) in LINKING_WORDS:
        return None  # 'spoke to May', 'Johnson and May': the person
    if published is None:
        return None
    month = MONTHS[name.lower()]
    rel = (m["rel"] or "").lower()
    if rel == "this":
        year = published.year
    elif rel == "next" or (rel != "last" and points_forward(doc, m.start(), m.end())):
        year = published.year if month > published.month else published.year + 1
        if rel != "next" and month == published.month:
            year = published.year
    elif rel == "last":
        year = published.year if month < published.month else published.year - 1
    else:
        year = published.year if month <= published.month else published.year - 1
    return _Resolution(None, "month", _month_period(year, month))


def _deictic(m: re.Match[str], doc: Doc, published: dt.date | None) -> _Resolution | None:
    if published is None:
        return None
    shift = -1 if m["word"].lower() == "yesterday" else 1
    return _Resolution(published + dt.timedelta(days=shift), "day")


RESOLVERS: dict[str, Callable[[re.Match[str], Doc, dt.date | None], _Resolution | None]] = {
    "iso": _iso,
    "day_month": _day_month,
    "month_year": _month_year,
    "ago": _ago,
    "weekday": _weekday,
    "relative": _relative,
    "season": _season,
    "month": _month,
    "year": _year,
    "deictic": _deictic,
}


# ------------------------------------------------------------------------ calendar


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _week_start(day: dt.date) -> dt.date:
    """ISO weeks run Monday to Sunday."""
    return day - dt.timedelta(days=day.weekday())


def _month_period(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _season_period(year: int, first_month: int) -> tuple[dt.date, dt.date]:
    """Three months from `first_month` of `year` (winter 2021 = Dec 2021 to Feb 2022)."""
    end_year, end_month = divmod(year * 12 + first_month - 1 + 2, 12)
    return dt.date(year, first_month, 1), _month_period(end_year, end_month + 1)[1]


def _distance(period: tuple[dt.date, dt.date], day: dt.date) -> int:
    if period[0] <= day <= period[1]:
        return 0
    return min(abs((period[0] - day).days), abs((period[1] - day).days))


def _after_temporal_word(text: str, start: int) -> bool:
    return _after_word(text, start) in TEMPORAL_PREPOSITIONS


def _after_word(text: str, start: int) -> str:
    """The lower-cased word just before `start` ('' at the start of the text)."""
    before = text[max(0, start - 16) : start].split()
    return before[-1].lower() if before else ""


def _counts_something(doc: Doc, start: int, end: int) -> bool:
    """'a total of 2000 people': a number before a noun counts, unless 'in'/'since' make
    it a year ('in 2020 people died')."""
    after = _token_after_number(doc, start, end)
    if after is None or not (after.is_alpha and after.is_lower):
        return False
    return after.tag_ in ("NN", "NNS") if doc.has_annotation("TAG") else not after.is_stop


def _numbers_a_name(doc: Doc, start: int, end: int) -> bool:
    """'Henry, 19, of 1935 Orchard St.': a number right before a name is part of it (a
    street number), unless 'in'/'since' make it a year ('in 2020 Poland voted')."""
    after = _token_after_number(doc, start, end)
    if after is None or not after.is_title or after.lower_ in MONTHS:
        return False
    return after.pos_ == "PROPN" if doc.has_annotation("TAG") else True


def _token_after_number(doc: Doc, start: int, end: int) -> Token | None:
    """The token after the number at [start, end), unless 'in'/'since' before it make the
    number a year whatever follows."""
    span = doc.char_span(start, end)
    if span is None or span.end >= len(doc) or _after_word(doc.text, start) in YEAR_PREPOSITIONS:
        return None
    return doc[span.end]


# ------------------------------------------------------------------------- tense


def points_forward(doc: Doc, start: int, end: int) -> bool:
    """Whether the clause holding the date at [start, end) speaks of the future.

    With a parse: the verb the date hangs on has 'will'/'shall' or is an
    infinitive of 'is to', 'plans to', 'due to', or of a purpose after an
    ongoing action ('was travelling to Moscow to discuss ... on Wednesday').
    Without one: a future marker shortly before the date, not behind a
    reporting verb.
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    if doc.has_annotation("DEP"):
        verb = _governing_verb(span.root)
        return verb is not None and _is_future_verb(verb)
    return _lexically_future(doc, span.start)


def _governing_verb(token: Token) -> Token | None:
    for _ in range(4):
        if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
            return token
        if token.head == token:
            return None
        token = token.head
    return None


def _is_future_verb(verb: Token) -> bool:
    if any(c.dep_.startswith("aux") and c.lower_ in FUTURE_AUX for c in verb.children):
        return True
    if verb.lemma_ in ("schedule", "plan") and any(c.dep_ == "auxpass" for c in verb.children):
        return True  # 'is scheduled for Friday'
    infinitive = any(c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children)
    if not infinitive or verb.head == verb:
        return False
    head = verb.head
    if head.lemma_ in FUTURE_HEADS:
        return True
    progressive = head.tag_ == "VBG" and any(c.lemma_ == "be" for c in head.children)
    return progressive or _is_future_verb(head)


def _lexically_future(doc: Doc, first_token: int) -> bool:
    sent_start = doc[first_token].sent.start if doc.has_annotation("SENT_START") else 0
    window = doc[max(sent_start, first_token - 10) : first_token].text
    last_report = max((m.end() for m in REPORTING.finditer(window)), default=0)
    return LEXICAL_FUTURE.search(window, last_report) is not None


# ---------------------------------------------------------------------- event date

PRECISION_ORDER: dict[str, int] = {"day": 0, "week": 1, "month": 2, "season": 3, "year": 4}


def event_date(
    dates_in_sentence: Sequence[DateMention], published: dt.date | None
) -> tuple[dt.date | None, DatePrecision]:
    """The date of an event from the dates of its sentence.

    The finest mention wins (the first of equals); a period stands for its first
    day. No date in the sentence: the publication date, precision 'publication'.
    """
    usable = [m for m in dates_in_sentence if m.date is not None or m.period is not None]
    if not usable:
        return published, "publication"
    best = min(
        enumerate(usable), key=lambda item: (PRECISION_ORDER.get(item[1].precision, 9), item[0])
    )[1]
    if best.period is not None and best.date is None:
        return best.period[0], best.precision
    return best.date, best.precision
