"""The events frame as a columnar index: coded columns, multi-valued columns and the
excerpt texts, built once per store so every filter and view is a numpy operation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.store import LIST_SEP, split_list

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
    unsafe = np.append(pd.isna(values), True)  # code -1 (no URL) reads the extra slot
    return Coded(np.where(unsafe[column.codes], -1, column.codes), values)


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


def latest_first_key(day: np.ndarray) -> np.ndarray:
    """Sort key putting the latest day first and undated rows last."""
    return np.where(np.isnat(day), np.iinfo(np.int64).max, -day.astype("int64"))
