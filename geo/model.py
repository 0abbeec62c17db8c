"""The plain data types passed between pipeline stages.

Every stage is a typed function from one of these to the next, so no stage
depends on another's internals and nothing travels as a dict with magic keys.
All types are frozen: a stage derives new values, it never edits old ones.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Generic, Literal, Protocol, TypeVar

T = TypeVar("T")

Provenance = Literal["explicit", "sidecar", "inferred", "unknown"]
"""Where a metadata value came from: written in the text, a sidecar file,
inferred from indirect evidence, or not known."""

PlaceKind = Literal[
    "country",
    "admin1",
    "admin2",
    "city",
    "village",
    "river",
    "sea",
    "region",
    "continent",
    "crossing",
    "other",
]

ActorType = Literal["person", "organisation", "government", "group", "media"]

DatePrecision = Literal["day", "week", "month", "season", "year", "publication"]

PlaceRole = Literal["located", "mentioned"]
"""`located`: the event happened there. `mentioned`: named in the sentence only."""

EVENT_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
    "OTHER",
)


@dataclass(frozen=True)
class Sourced(Generic[T]):
    """A metadata value together with where it came from."""

    value: T | None
    provenance: Provenance = "unknown"
    evidence: str = ""

    @classmethod
    def unknown(cls) -> Sourced[T]:
        return cls(None, "unknown", "")


@dataclass(frozen=True)
class Span:
    """A half-open character range into an article's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span {self.start}:{self.end}")

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class Article:
    """One news article: its text and what is known about it.

    `boilerplate` marks credits, footers, raw URLs and feed lines: kept for
    provenance, never turned into events.
    """

    id: str
    text: str
    path: str
    title: Sourced[str] = field(default_factory=Sourced.unknown)
    source: Sourced[str] = field(default_factory=Sourced.unknown)
    url: Sourced[str] = field(default_factory=Sourced.unknown)
    published: Sourced[dt.date] = field(default_factory=Sourced.unknown)
    boilerplate: tuple[Span, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()

    def in_boilerplate(self, span: Span) -> bool:
        return any(b.overlaps(span) for b in self.boilerplate)


def row_path(file: str | os.PathLike[str], line: int) -> str:
    """Where one row of a .jsonl/.csv corpus is: "<file>:line <n>", the `path` of its
    Article, or of its SkippedFile and error when it is bad."""
    return f"{file}:line {line}"


def split_row_path(path: str) -> tuple[str, int | None]:
    """(file, line) of a `row_path`; (path, None) for the path of a whole file."""
    file, mark, line = path.rpartition(":line ")
    if mark and line.isdigit():
        return file, int(line)
    return path, None


@dataclass(frozen=True)
class SkippedFile:
    """A corpus file (or row) that could not be used, and why."""

    path: str
    """The file, or `row_path` for a row: what a person is told."""
    reason: str

    @property
    def file(self) -> str:
        """The corpus file, also when only one of its rows was skipped."""
        return split_row_path(self.path)[0]

    @property
    def line(self) -> int | None:
        """The skipped row's line; None when the whole file was skipped."""
        return split_row_path(self.path)[1]


@dataclass(frozen=True)
class Corpus:
    articles: tuple[Article, ...]
    skipped: tuple[SkippedFile, ...] = ()


@dataclass(frozen=True)
class Place:
    """A gazetteer entry. `raw` keeps the record the gazetteer answered with."""

    name: str
    kind: PlaceKind
    country_code: str | None
    lat: float
    lon: float
    gazetteer: str
    geonameid: int | None = None
    population: int = 0
    admin1: str | None = None
    raw: tuple[tuple[str, object], ...] = field(default=(), compare=False, repr=False)

    @property
    def key(self) -> str:
        """Stable identity for joins: the GeoNames id, else gazetteer, country, admin-1,
        name and point. Post towns of one name lie in many states, and two online
        answers of one name ("Springfield") may share a state or know none."""
        if self.geonameid is not None:
            return f"geonames:{self.geonameid}"
        where = "".join(f"{part}:" for part in (self.country_code, self.admin1) if part)
        return f"{self.gazetteer}:{where}{self.name}@{self.lat:.4f},{self.lon:.4f}"  # lat, lon


@dataclass(frozen=True)
class Toponym:
    """A place name found in the text, before resolution."""

    start: int
    end: int
    text: str
    label: str = "GPE"
    """Why it is a candidate: the NER label, or the rule that found it."""
    hint_kind: PlaceKind | None = None
    """A kind the context states ("the Bug river" -> river)."""


FACILITY_LABEL = "facility"
"""The `Toponym.label` of a facility or street the gazetteer does not hold ("Madison Square
Garden", "Elm Street"): resolved to its containing settlement, never to a place of its name."""

Precision = Literal[1, 2, 3]
"""ACLED's geo_precision of a located place: 1 the place itself, 2 a part of it or near it
(a facility or street in it, "near X", "northern X"), 3 the region or country only."""


@dataclass(frozen=True)
class ResolvedToponym:
    toponym: Toponym
    place: Place | None
    score: float = 0.0
    precision: Precision | None = None
    """How closely `place` locates the mention; None when there is no place or nothing
    judged it (a hand-built or older cached analysis)."""


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    type: ActorType
    country_code: str | None = None


@dataclass(frozen=True)
class ActorMention:
    start: int
    end: int
    text: str
    actor: Actor


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: dt.date | None
    precision: DatePrecision
    period: tuple[dt.date, dt.date] | None = None


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class AnalysedArticle:
    """An article with every mention the NLP stages found in it."""

    article: Article
    sentences: tuple[Sentence, ...]
    toponyms: tuple[ResolvedToponym, ...]
    actors: tuple[ActorMention, ...]
    dates: tuple[DateMention, ...]


@dataclass(frozen=True)
class EventPlace:
    place: Place
    mention: str
    start: int
    end: int
    role: PlaceRole
    precision: Precision | None = None
    """The precision of the mention kept (`ResolvedToponym.precision`)."""


@dataclass(frozen=True)
class Event:
    """Something reported as happening, with where, when, who and the evidence."""

    id: str
    article_id: str
    event_type: str
    actors: tuple[Actor, ...]
    date: dt.date | None
    """None only when neither the sentence nor the article gives a date."""
    date_precision: DatePrecision
    places: tuple[EventPlace, ...]
    excerpt: str
    start: int
    end: int
    context_before: str
    context_after: str
    source: str | None
    url: str | None
    published: dt.date | None
    title: str | None = None
    trigger_start: int | None = None
    """The event's main predicate, `text[trigger_start:trigger_end]` of the article: one
    sentence may report several events, each with its own trigger."""
    trigger_end: int | None = None
    source_actors: tuple[Actor, ...] = ()
    """Who acted: the subject, or a passive's agent. `actors` holds sources and targets."""
    target_actors: tuple[Actor, ...] = ()
    """To or against whom: the object, or the "against/with/to" argument."""
    cameo: str | None = None
    """The CAMEO code the coding dictionaries gave; `event_type` is its PLOVER category."""


class PlaceNameLookup(Protocol):
    """What toponym recognition asks a gazetteer (geo.places.Gazetteer implements it)."""

    def is_known_name(self, name: str) -> bool: ...

    def country_by_demonym(self, word: str) -> str | None: ...
