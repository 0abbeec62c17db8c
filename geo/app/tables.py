"""What the page draws from filtered rows besides the map: the timeline's counts per day,
the events table and the CSV and GeoJSON downloads (with spreadsheet formulas defused).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.app.filters import UNKNOWN_TYPE, latest_events, present_event_rows
from geo.app.frame_index import TABLE_COLUMNS, Coded, EventIndex

PRECISION_WORDS = {1: "exact", 2: "near", 3: "region"}
"""The word the popup and detail panel show for an event's place precision (ACLED's
geo_precision: the place itself, a part of or near it, its region or country only)."""


def precision_word(value: object) -> str:
    """ "exact", "near" or "region"; "" where the store does not know (older stores)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return PRECISION_WORDS.get(int(value), "")  # type: ignore[call-overload]


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

DAILY_BARS_MAX_DAYS = 92
"""Up to a quarter, a bar a day; longer spans are drawn a bar a week, past three years a
bar a month: a year of daily bars is 2 px each, and Vega's cost in the page grows with the
bars (365 days × 16 types took 0.6-1.1 s of a Reset's page time under load:
bench/page_profile.py)."""
MONTHLY_BARS_AFTER_DAYS = 3 * 365


@dataclass(frozen=True)
class Timeline:
    """The timeline's bars: `counts` has columns date (the bar's first day: weeks start on
    Monday), event_type, events, and for weeks and months end (the next bar's first day),
    bottom and top (the stacked extent); `unit` is "day", "week" or "month"."""

    counts: pd.DataFrame
    unit: str


def timeline(per_day: pd.DataFrame) -> Timeline:
    """`events_per_day`'s counts summed into the bars the span calls for."""
    if per_day.empty:
        return Timeline(per_day, "day")
    dates = per_day["date"]
    days = (dates.max() - dates.min()).days
    if days <= DAILY_BARS_MAX_DAYS:
        return Timeline(per_day, "day")
    if days <= MONTHLY_BARS_AFTER_DAYS:
        unit, starts = "week", dates - pd.to_timedelta(dates.dt.dayofweek, unit="D")
    else:
        unit, starts = "month", dates.dt.to_period("M").dt.start_time
    counts = (
        per_day.assign(date=starts.astype("datetime64[ns]"))
        .groupby(["date", "event_type"], as_index=False, sort=True)["events"]
        .sum()
    )
    # Each bar's extent, worked out here so Vega only draws rectangles: from the bar's
    # first day to the next bar's, and stacked by type in the order of the legend.
    if unit == "week":
        counts["end"] = counts["date"] + pd.Timedelta(days=7)
    else:
        counts["end"] = (counts["date"] + pd.offsets.MonthBegin(1)).astype("datetime64[ns]")
    counts["top"] = counts.groupby("date", sort=False)["events"].cumsum()
    counts["bottom"] = counts["top"] - counts["events"]
    return Timeline(counts, unit)


def timeline_axis(per_day: pd.DataFrame) -> dict[str, object]:
    """The Vega-Lite x axis for `events_per_day`'s frame (not empty): one tick a day over a
    short span, as Vega's own ticks there fall every few hours, so one day reads
    "Nov 19, Nov 19, Nov 20". Longer spans keep Vega's choice."""
    day_numbers = per_day["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    days = int(day_numbers.max() - day_numbers.min())
    if days > DAILY_TICKS_MAX_DAYS:
        return {}
    return {"tickCount": {"interval": "day", "step": 1}, "format": "%b %d", "labelAngle": 0}


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
