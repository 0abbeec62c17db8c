"""Building the events map: pure functions from the events frame to markers and their JS.

One marker per place (not per event), sized by how many filtered events
happened there and styled by the kind of place. Markers travel as one JSON object
of columns (`layer_payload`: coordinates, kind codes, names, counts, sizes, popup
entries) that a small script turns into Leaflet markers, building each tooltip and
popup in the browser: 30,000 places cost about a megabyte, not folium's few
kilobytes each.

Safety: popups are built in the browser with textContent, so article text is
never parsed as HTML there and never sits in a JavaScript template literal
(where folium's own popups live). Tooltips are HTML (streamlit-folium reports a
clicked marker's tooltip by parsing it): the browser escapes the name into them
(`&`, `<`, `>`, quotes) before binding, as `tooltip_text` does here. Every piece of
text that reaches HTML from Python (geo.app.detail_panel) goes through `escape_html`,
which also neutralises `$`, backticks and backslashes. The JSON payload escapes `<`, `>`,
`&`, `$` and backticks, so no text can close a <script> element or start a
template substitution, nor `{{`, `{%` or `{#`, so no text is run as a Jinja template
when folium renders the layer. Text the dashboard shows where Streamlit renders
Markdown (alerts) goes through `markdown_text`.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib.resources
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from geo.app.filters import latest_events
from geo.app.frame_index import EventIndex, RowTexts, mention_spans, safe_url
from geo.app.safetext import escape_html, markdown_text, safe_json
from geo.app.tables import precision_word
from geo.store import split_list

AREA_KINDS = frozenset({"country", "admin1", "admin2", "region", "continent", "river", "sea"})
"""Kinds shown at a representative point rather than where something stands."""

MAX_POPUP_EVENTS = 20
PAYLOAD_BUDGET = 900_000
"""Bytes the marker layer may take in the page; popups shrink to fit it."""
POPUP_EXCERPT_CHARS = 180
MIN_MARKER_PX = 14
MAX_MARKER_PX = 44


def is_area(kind: str | None) -> bool:
    return kind in AREA_KINDS


# --------------------------------------------------------------------------- places


def events_at_place(index: EventIndex, rows: np.ndarray | None, place_key: str) -> pd.DataFrame:
    """Every distinct event at one place among `rows`, latest first."""
    rows = index.all_rows if rows is None else np.asarray(rows)
    codes = index.place.codes_of([place_key])
    if not len(codes):
        return index.frame.iloc[[]]
    at_place = rows[index.place.codes[rows] == codes[0]]
    return index.frame.iloc[latest_events(index, at_place)]


def marker_size(events: int, max_events: int) -> int:
    """Icon diameter in pixels, area proportional to the event count."""
    if events < 0 or max_events < 0:
        raise ValueError("event counts must be >= 0")
    return int(marker_sizes(np.array([events]), max_events)[0])


def marker_sizes(events: np.ndarray, max_events: int) -> np.ndarray:
    """`marker_size` of every count at once (the one formula)."""
    if max_events <= 0:
        return np.full(len(events), MIN_MARKER_PX, dtype=np.int64)
    share = np.sqrt(np.minimum(events, max_events) / max_events)
    return np.round(MIN_MARKER_PX + (MAX_MARKER_PX - MIN_MARKER_PX) * share).astype(np.int64)


def tooltip_text(place_name: str, events: int) -> str:
    """Escaped tooltip (Leaflet renders it as HTML): the place name and its event count.
    place_layer.js builds the same text in the browser (tests/e2e/test_map_browser.py)."""
    noun = "event" if events == 1 else "events"
    return f"{escape_html(place_name)} · {events} {noun}"


# --------------------------------------------------------------------------- excerpts


def _highlight_span(row: Mapping) -> tuple[int, int] | None:
    """Where the place mention sits inside the row's excerpt, if it does."""
    excerpt = cell_text(row.get("excerpt"))
    try:
        begin = int(row["mention_start"]) - int(row["start"])
        end = int(row["mention_end"]) - int(row["start"])
    except (KeyError, TypeError, ValueError):
        begin = end = -1
    mention = cell_text(row.get("mention"))
    if 0 <= begin < end <= len(excerpt) and (not mention or excerpt[begin:end] == mention):
        return begin, end
    for needle in (mention, cell_text(row.get("place_name"))):
        if needle:
            found = excerpt.lower().find(needle.lower())
            if found >= 0:
                return found, found + len(needle)
    return None


def excerpt_parts(row: Mapping, window: int | None = None) -> tuple[str, str, str]:
    """(before, mention, after) of the excerpt, trimmed to `window` chars around the mention.

    Plain text: callers escape it (HTML) or set it as text (the map's popups).
    """
    excerpt = cell_text(row.get("excerpt"))
    span = _highlight_span(row)
    lo, hi = 0, len(excerpt)
    if window is not None and len(excerpt) > window:
        centre = (span[0] + span[1]) // 2 if span else 0
        lo = max(0, min(centre - window // 2, len(excerpt) - window))
        hi = lo + window
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(excerpt) else ""
    if span is None or span[0] < lo or span[1] > hi:
        return prefix + excerpt[lo:hi] + suffix, "", ""
    b, e = span
    return prefix + excerpt[lo:b], excerpt[b:e], excerpt[e:hi] + suffix


def highlighted_excerpt(row: Mapping, window: int | None = None) -> str:
    """Escaped excerpt HTML with the place mention in <mark>."""
    before, mention, after = excerpt_parts(row, window)
    marked = f"<mark>{escape_html(mention)}</mark>" if mention else ""
    return escape_html(before) + marked + escape_html(after)


def date_text(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "undated"
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def roles_text(row: Mapping[str, object]) -> str:
    """ "Poland → ACCUSE → Belarus": who did what to whom ("—" for a side nobody takes), or
    "" for an event stored without roles. Plain text: escape it where it goes into HTML."""
    sources = actors_text(row.get("source_names"))
    targets = actors_text(row.get("target_names"))
    if not sources and not targets:
        return ""
    return f"{sources or '—'} → {cell_text(row.get('event_type')) or '?'} → {targets or '—'}"


def actors_text(value: object) -> str:
    return ", ".join(split_list(value if isinstance(value, str) else None))


def cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


# --------------------------------------------------------------------------- markers


PopupEntry = tuple[str, str, str, str, str, str]
"""(date, source, actors, excerpt before, mention, excerpt after): plain text."""


@dataclass(frozen=True)
class PlaceMarker:
    """Everything the browser needs to draw and explain one place.

    `entries` are plain text; the browser builds the popup with textContent, so
    no article text is ever parsed as HTML there.
    """

    key: str
    name: str
    kind: str
    lat: float
    lon: float
    events: int
    size: int
    tooltip: str
    entries: tuple[PopupEntry, ...]


def layer_payload(markers: Sequence[PlaceMarker]) -> dict[str, list]:
    """The markers as columns, one list per field, for place_layer.js: each name once (the
    browser builds tooltips and popups from it), kinds as codes into `kinds`, coordinates
    to 5 decimals (about a metre), `entries` cut after the last marker that has any."""
    kinds = sorted({m.kind for m in markers})
    code = {kind: i for i, kind in enumerate(kinds)}
    entries = [m.entries for m in markers]  # tuples: JSON arrays as they are
    while entries and not entries[-1]:
        entries.pop()
    return {
        "kinds": kinds,
        "areas": [int(is_area(kind)) for kind in kinds],
        "kind": [code[m.kind] for m in markers],
        "lat": [round(m.lat, 5) for m in markers],
        "lon": [round(m.lon, 5) for m in markers],
        "size": [m.size for m in markers],
        "name": [m.name for m in markers],
        "events": [m.events for m in markers],
        "entries": entries,
    }


ENTRY_OVERHEAD_BYTES = 100
PLACE_OVERHEAD_BYTES = 60


def place_markers(
    index: EventIndex,
    rows: np.ndarray | None = None,
    *,
    max_popup_events: int = MAX_POPUP_EVENTS,
    payload_budget: int = PAYLOAD_BUDGET,
    window: int = POPUP_EXCERPT_CHARS,
) -> list[PlaceMarker]:
    """One marker per place among `rows`, most events first.

    Popups list each place's latest events: at most `max_popup_events`, fewer
    when the whole layer would overflow `payload_budget` (busy places keep
    more); every popup says how many events the detail panel lists.
    """
    if max_popup_events < 1:
        raise ValueError("max_popup_events must be >= 1")
    if payload_budget < 1 or window < 20:
        raise ValueError("payload_budget must be > 0 and window >= 20")
    rows = index.all_rows if rows is None else np.asarray(rows)
    if not len(rows):
        return []
    codes = index.place.codes[rows]
    counts = np.bincount(codes, minlength=len(index.place.values))
    # Every place lists at least one event: with many places, shorten the excerpts up front.
    per_place = payload_budget // max(1, int(np.count_nonzero(counts)))
    window = max(60, min(window, per_place - PLACE_OVERHEAD_BYTES - ENTRY_OVERHEAD_BYTES))
    for _ in range(4):
        quota = popup_quota(counts, max_popup_events, payload_budget, window)
        markers = _query_markers(index, rows, counts, quota, window)
        size = layer_payload_bytes(markers)
        if size <= payload_budget or window <= 60:
            return markers
        window = max(60, int(window * payload_budget / size * 0.9))
    return markers


def layer_payload_bytes(markers: Sequence[PlaceMarker]) -> int:
    """Bytes the markers take in the page (`layer_payload`'s JSON), estimated without encoding.

    Counts the UTF-8 bytes of every string plus JSON punctuation and numbers at their
    longest; characters that safe_json escapes (`<`, `>`, `&`, `$`, backticks, quotes,
    backslashes) count six bytes.
    """
    texts: list[str] = sorted({m.kind for m in markers})
    punctuation = 120 + 4 * len(texts)
    for m in markers:
        texts.append(m.name)
        # lat, lon (-123.12345), kind code, size, quotes, events, the entries' brackets
        punctuation += 22 + 4 + 3 + 3 + len(str(m.events)) + 1 + 3 + 25 * len(m.entries)
        for entry in m.entries:
            texts += entry
    blob = "".join(texts)
    escaped = sum(blob.count(c) for c in '<>&$`"\\')
    return len(blob.encode("utf-8")) + 5 * escaped + punctuation


def popup_quota(counts: np.ndarray, max_events: int, budget: int, window: int) -> np.ndarray:
    """Events each popup may list: busy places more; the busiest only, when not all fit one."""
    present, wanted = counts > 0, np.minimum(counts, max_events)
    places, total = int(present.sum()), int(wanted.sum())
    entries = max(0, budget - places * PLACE_OVERHEAD_BYTES) // (window + ENTRY_OVERHEAD_BYTES)
    if total <= entries:
        return wanted
    if budget - places * PLACE_OVERHEAD_BYTES < places * (60 + ENTRY_OVERHEAD_BYTES):
        busiest = np.argsort(np.argsort(-counts, kind="stable")) < entries
        return (busiest & present).astype(np.int64)
    scaled = np.floor(wanted * entries / max(total, 1)).astype(np.int64)
    return np.where(present, np.maximum(scaled, 1), 0)


def _query_markers(
    index: EventIndex, rows: np.ndarray, counts: np.ndarray, quota: np.ndarray, window: int
) -> list[PlaceMarker]:
    # The index's rows by place, latest first, kept to those in `rows`: no sort per filter.
    member = np.zeros(len(index), dtype=bool)
    member[rows] = True
    ordered = index.place_order[member[index.place_order]]
    sorted_codes = index.place.codes[ordered]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    rank = np.arange(len(ordered)) - np.repeat(starts, np.diff(np.r_[starts, len(ordered)]))
    chosen = ordered[rank < quota[sorted_codes]]
    place_first = ordered[starts]

    entries = _popup_entries(index, chosen, window)
    frame = index.frame
    place_codes = sorted_codes[starts]
    events = counts[place_codes]
    sizes = marker_sizes(events, int(counts.max()))
    names = [cell_text(n) for n in frame["place_name"].iloc[place_first].tolist()]
    markers = [
        PlaceMarker(
            key=str(key),
            name=name,
            kind=cell_text(kind),
            lat=lat,
            lon=lon,
            events=n,
            size=size,
            tooltip=tooltip_text(name, n),
            entries=tuple(entries.get(code, ())),
        )
        for key, name, kind, lat, lon, n, size, code in zip(
            frame["place_key"].iloc[place_first].tolist(),
            names,
            frame["place_kind"].iloc[place_first].tolist(),
            index.lat[place_first].tolist(),
            index.lon[place_first].tolist(),
            events.tolist(),
            sizes.tolist(),
            place_codes.tolist(),
            strict=True,
        )
    ]
    markers.sort(key=lambda m: (-m.events, m.name))
    return markers


def _popup_entries(
    index: EventIndex, chosen: np.ndarray, window: int
) -> dict[int, list[PopupEntry]]:
    """Popup entries of `chosen` rows per place code, cut from the index's precomputed texts."""
    precision = None
    if "place_precision" in index.frame.columns:
        precision = index.frame["place_precision"].to_numpy()
    return popup_entries(index.texts, chosen, index.place.codes, precision, window)


def popup_entries(
    texts: RowTexts,
    chosen: np.ndarray,
    codes: np.ndarray,
    precision: np.ndarray | None,
    window: int,
) -> dict[int, list[PopupEntry]]:
    """Popup entries of the `chosen` rows of `texts` per code (`codes`, per row), the date
    followed by how near (`precision`, per row, when known).

    The same cut as `excerpt_parts(row, window)`, with the window arithmetic
    done in numpy: per entry only three slices remain.
    """
    length = texts.length[chosen]
    begin, end = mention_spans(texts, chosen)
    found = begin >= 0
    centre = np.where(found, (begin + end) // 2, 0)
    cut = length > window
    lo = np.where(cut, np.maximum(0, np.minimum(centre - window // 2, length - window)), 0)
    hi = np.where(cut, lo + window, length)
    inside = found & (begin >= lo) & (end <= hi)
    prefix = np.where(lo > 0, "…", "")
    suffix = np.where(hi < length, "…", "")
    dates, sources, actors = texts.date[chosen], texts.source[chosen], texts.actors[chosen]
    if precision is not None:  # the date, then how near: "2021-11-08 · near"
        words = map(precision_word, precision[chosen].tolist())
        dates = np.array([" · ".join(filter(None, dw)) for dw in zip(dates, words, strict=True)])
    entries: dict[int, list[PopupEntry]] = {}
    for code, x, lo_, hi_, b, e, ins, pre, suf, date, source, names in zip(
        codes[chosen].tolist(),
        texts.excerpt[chosen].tolist(),
        lo.tolist(),
        hi.tolist(),
        begin.tolist(),
        end.tolist(),
        inside.tolist(),
        prefix.tolist(),
        suffix.tolist(),
        dates.tolist(),
        sources.tolist(),
        actors.tolist(),
        strict=True,
    ):
        if ins:
            parts = (pre + x[lo_:b], x[b:e], x[e:hi_] + suf)
        else:
            parts = (pre + x[lo_:hi_] + suf, "", "")
        entries.setdefault(code, []).append((date, source, names, *parts))
    return entries


def find_clicked_place(
    markers: Sequence[PlaceMarker], lat: float, lng: float, tooltip: str | None = None
) -> PlaceMarker | None:
    """The marker a click landed on: the nearest of those whose tooltip (name and count, as
    bound or as rendered) the click reports, else one at the click's point. The layer
    reports a place's own point (markers sharing one are fanned out by their icons, never
    moved), so the tooltip tells apart places on one point; the nearest of a name copes
    with coordinates that are not the place's (a marker moved by other code)."""
    named = [m for m in markers if tooltip in (m.tooltip, html.unescape(m.tooltip))]
    nearest = min(named or markers, key=lambda m: abs(m.lat - lat) + abs(m.lon - lng), default=None)
    if nearest is None or not named and abs(nearest.lat - lat) + abs(nearest.lon - lng) >= 1e-4:
        return None
    return nearest


# --------------------------------------------------------------------------- folium


@lru_cache(maxsize=1)
def place_layer_js() -> str:
    """The script (geo/app/place_layer.js) that builds the markers from `__PLACES__`
    (safe_json) into the layer named `__GROUP__`."""
    return importlib.resources.files("geo.app").joinpath("place_layer.js").read_text("utf-8")


DEFAULT_BOUNDS = ((35.0, -10.0), (60.0, 40.0))
"""(south, west), (north, east) when there is nothing to fit: Europe."""


def marker_bounds(markers: Sequence[PlaceMarker]) -> tuple[tuple[float, float], ...]:
    """((south, west), (north, east)) around the markers, padded for single points."""
    if not markers:
        return DEFAULT_BOUNDS
    lats = np.array([m.lat for m in markers])
    lons = np.array([m.lon for m in markers])
    pad = 0.5
    return (
        (float(lats.min()) - pad, float(lons.min()) - pad),
        (float(lats.max()) + pad, float(lons.max()) + pad),
    )


STREAMLIT_LAYER = "feature_group_feature_group_0"
"""The name streamlit-folium gives the first `feature_group_to_add` in its frame."""


def place_layer_script(markers: Sequence[PlaceMarker], map_var: str = "map_div") -> str:
    """The JS streamlit-folium runs for `geo.app.foliummap.build_place_layer(markers)`.

    Written directly: st_folium renders the folium group and runs regexes over
    the whole payload on every rerun, which costs more than the markers do.
    tests/test_mapview.py checks it equals what st_folium makes.
    """
    return payload_layer_script(layer_payload(markers), map_var)


def payload_layer_script(payload: Mapping[str, list], map_var: str = "map_div") -> str:
    """`place_layer_script` of the markers whose `layer_payload` is `payload` (a view that
    keeps its markers as columns writes the payload without making PlaceMarker objects)."""
    return json_layer_script(safe_json(payload), map_var)


def json_layer_script(payload_json: str, map_var: str = "map_div") -> str:
    """`payload_layer_script` of the payload whose `safe_json` is `payload_json` (written
    from pieces escaped once per query database: geo.app.place_columns)."""
    group = STREAMLIT_LAYER
    layer = place_layer_js().replace("__GROUP__", group)
    layer = layer.replace("__PLACES__", payload_json, 1)
    return (
        f"var {group} = L.featureGroup({{}});\n{layer}\n{group}.addTo({map_var});\n"
        f"{map_var}.addLayer({group});\n"
        f"window.feature_group = window.feature_group || [];\n"
        f"window.feature_group.push({group});\n"
    )


__all__ = [
    "AREA_KINDS",
    "PlaceMarker",
    "actors_text",
    "cell_text",
    "date_text",
    "escape_html",
    "events_at_place",
    "find_clicked_place",
    "excerpt_parts",
    "highlighted_excerpt",
    "layer_payload",
    "markdown_text",
    "marker_bounds",
    "marker_size",
    "layer_payload_bytes",
    "json_layer_script",
    "payload_layer_script",
    "place_layer_script",
    "place_markers",
    "popup_entries",
    "roles_text",
    "safe_json",
    "safe_url",
    "tooltip_text",
]
