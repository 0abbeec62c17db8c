"""Building the events map: pure functions from the events frame to markers and their JS.

One marker per place (not per event), sized by how many filtered events
happened there and styled by the kind of place. Markers travel as one compact
JSON array that a small script turns into Leaflet markers, so 10,000 places
cost a few hundred kilobytes, not folium's few kilobytes each.

Safety: popups are built in the browser with textContent, so article text is
never parsed as HTML there and never sits in a JavaScript template literal
(where folium's own popups live). Every piece of text that does reach HTML
(tooltips, the detail panel) goes through `escape_html`, which also
neutralises `$`, backticks and backslashes. The JSON payload escapes `<`, `>`,
`&`, `$` and backticks, so no text can close a <script> element or start a
template substitution, nor `{{`, `{%` or `{#`, so no text is run as a Jinja template
when folium renders the layer. Text the dashboard shows where Streamlit renders
Markdown (alerts) goes through `markdown_text`.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.app.filters import latest_events
from geo.app.frame_index import EventIndex, mention_spans, safe_url
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

_HTML_EXTRA = str.maketrans({"$": "&#36;", "`": "&#96;", "\\": "&#92;"})
_JSON_UNSAFE = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("$", "\\u0024"),
    ("`", "\\u0060"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def escape_html(text: object) -> str:
    """HTML-escape text and neutralise JS template-literal syntax (`${`, backticks)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return html.escape(str(text), quote=True).translate(_HTML_EXTRA)


_JINJA_OPENER = re.compile(r"\{(?=[{%#])")
"""A brace opening a Jinja tag: only ever inside a JSON string (a JSON object's brace is
followed by a quote or its closing brace)."""


def safe_json(value: object) -> str:
    """JSON that can sit inside <script> or be eval'ed without closing anything, or be
    parsed as a Jinja template (folium parses a rendered script again) without running."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _JSON_UNSAFE:
        text = text.replace(char, escaped)
    return _JINJA_OPENER.sub(r"\\u007b", text)


_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_text(text: str) -> str:
    """Text shown as itself where Streamlit renders Markdown (alerts): every ASCII punctuation
    mark backslash-escaped, so a file name cannot become a link, emphasis, colour or LaTeX."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


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
    """Escaped tooltip (Leaflet renders it as HTML): the place name and its event count."""
    noun = "event" if events == 1 else "events"
    return f"{escape_html(place_name)} · {events} {noun}"


# --------------------------------------------------------------------------- excerpts


def _highlight_span(row: Mapping) -> tuple[int, int] | None:
    """Where the place mention sits inside the row's excerpt, if it does."""
    excerpt = _text(row.get("excerpt"))
    try:
        begin = int(row["mention_start"]) - int(row["start"])
        end = int(row["mention_end"]) - int(row["start"])
    except (KeyError, TypeError, ValueError):
        begin = end = -1
    mention = _text(row.get("mention"))
    if 0 <= begin < end <= len(excerpt) and (not mention or excerpt[begin:end] == mention):
        return begin, end
    for needle in (mention, _text(row.get("place_name"))):
        if needle:
            found = excerpt.lower().find(needle.lower())
            if found >= 0:
                return found, found + len(needle)
    return None


def excerpt_parts(row: Mapping, window: int | None = None) -> tuple[str, str, str]:
    """(before, mention, after) of the excerpt, trimmed to `window` chars around the mention.

    Plain text: callers escape it (HTML) or set it as text (the map's popups).
    """
    excerpt = _text(row.get("excerpt"))
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


def _date_text(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "undated"
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def roles_text(row: Mapping[str, object]) -> str:
    """ "Poland → ACCUSE → Belarus": who did what to whom ("—" for a side nobody takes), or
    "" for an event stored without roles. Plain text: escape it where it goes into HTML."""
    sources = _actors_text(row.get("source_names"))
    targets = _actors_text(row.get("target_names"))
    if not sources and not targets:
        return ""
    return f"{sources or '—'} → {_text(row.get('event_type')) or '?'} → {targets or '—'}"


def _actors_text(value: object) -> str:
    return ", ".join(split_list(value if isinstance(value, str) else None))


def _text(value: object) -> str:
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

    def to_json_obj(self) -> list:
        # Compact positional form; PLACE_LAYER_JS unpacks it.
        return [
            round(self.lat, 5),
            round(self.lon, 5),
            self.size,
            "a" if is_area(self.kind) else "p",
            self.kind,
            self.name,
            self.tooltip,
            self.events,
            self.entries,  # tuples: JSON arrays as they are
        ]


ENTRY_OVERHEAD_BYTES = 100
PLACE_OVERHEAD_BYTES = 150


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
        quota = _popup_quota(counts, max_popup_events, payload_budget, window)
        markers = _query_markers(index, rows, counts, quota, window)
        size = layer_payload_bytes(markers)
        if size <= payload_budget or window <= 60:
            return markers
        window = max(60, int(window * payload_budget / size * 0.9))
    return markers


def layer_payload_bytes(markers: Sequence[PlaceMarker]) -> int:
    """Bytes the markers take in the page (PLACE_LAYER_JS's JSON), estimated without encoding.

    Counts the UTF-8 bytes of every string plus JSON punctuation; characters that
    safe_json escapes (`<`, `>`, `&`, `$`, backticks, quotes, backslashes) count six bytes.
    """
    texts: list[str] = []
    punctuation = 2
    for m in markers:
        texts += (m.kind, m.name, m.tooltip)
        punctuation += 48 + 7 * len(m.entries) + 3 * (3 + 6 * len(m.entries))
        for entry in m.entries:
            texts += entry
    blob = "".join(texts)
    escaped = sum(blob.count(c) for c in '<>&$`"\\')
    return len(blob.encode("utf-8")) + 5 * escaped + punctuation


def _popup_quota(counts: np.ndarray, max_events: int, budget: int, window: int) -> np.ndarray:
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
    names = [_text(n) for n in frame["place_name"].iloc[place_first].tolist()]
    markers = [
        PlaceMarker(
            key=str(key),
            name=name,
            kind=_text(kind),
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
    """Popup entries of `chosen` rows per place code, cut from the index's precomputed texts.

    The same cut as `excerpt_parts(row, window)`, with the window arithmetic
    done in numpy: per entry only three slices remain.
    """
    texts = index.texts
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
    if "place_precision" in index.frame.columns:  # the date, then how near: "2021-11-08 · near"
        words = map(precision_word, index.frame["place_precision"].to_numpy()[chosen].tolist())
        dates = np.array([" · ".join(filter(None, dw)) for dw in zip(dates, words, strict=True)])
    entries: dict[int, list[PopupEntry]] = {}
    for code, x, lo_, hi_, b, e, ins, pre, suf, date, source, names in zip(
        index.place.codes[chosen].tolist(),
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
    bound or as rendered) the click reports, else one at the click's point. Markers sharing
    a point are fanned out when clicked: the click's coordinates need not be the place's."""
    named = [m for m in markers if tooltip in (m.tooltip, html.unescape(m.tooltip))]
    nearest = min(named or markers, key=lambda m: abs(m.lat - lat) + abs(m.lon - lng), default=None)
    if nearest is None or not named and abs(nearest.lat - lat) + abs(nearest.lon - lng) >= 1e-4:
        return None
    return nearest


# --------------------------------------------------------------------------- folium


PLACE_LAYER_JS = """
(function () {
  var places = __PLACES__;
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }
  function popup(p) {
    var root = el("div", "nm-popup");
    root.appendChild(el("b", "", p[5]));
    root.appendChild(document.createTextNode(" — " + p[7] + (p[7] === 1 ? " event" : " events")));
    var list = el("ul", "nm-events");
    p[8].forEach(function (e) {
      var item = el("li");
      item.appendChild(el("div", "nm-meta", [e[0], e[1], e[2]].filter(Boolean).join(" · ")));
      var text = el("div", "nm-excerpt");
      text.appendChild(document.createTextNode(e[3]));
      if (e[4]) { text.appendChild(el("mark", "", e[4])); }
      text.appendChild(document.createTextNode(e[5]));
      item.appendChild(text);
      list.appendChild(item);
    });
    root.appendChild(list);
    if (p[7] > p[8].length) {
      root.appendChild(el("div", "nm-more", (p[8].length ? "Showing the " + p[8].length +
        " latest of " + p[7] + "; the" : "The") + " panel beside the map lists them all."));
    }
    return root;
  }
  var cluster = L.markerClusterGroup({
    maxClusterRadius: 40, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
    chunkedLoading: true
  });
  places.forEach(function (p) {
    var icon = L.divIcon({
      className: "nm-place nm-" + (p[3] === "a" ? "area" : "point") + " nm-kind-" + p[4],
      iconSize: [p[2], p[2]]
    });
    var marker = L.marker([p[0], p[1]], {icon: icon, riseOnHover: true});
    marker.on("add", function () {
      if (this._icon) { this._icon.setAttribute("data-place", p[5]); }
    });
    marker.bindTooltip(p[6], {direction: "top"});
    marker.bindPopup(function () { return popup(p); },
      {maxWidth: 380, maxHeight: 320, autoPanPadding: [20, 20]});
    cluster.addLayer(marker);
  });
  __GROUP__.addLayer(cluster);
})();
"""
"""Builds the markers from `__PLACES__` (safe_json) into the layer named `__GROUP__`."""


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
    group = STREAMLIT_LAYER
    layer = PLACE_LAYER_JS.replace("__GROUP__", group).replace(
        "__PLACES__", safe_json([m.to_json_obj() for m in markers]), 1
    )
    return (
        f"var {group} = L.featureGroup({{}});\n{layer}\n{group}.addTo({map_var});\n"
        f"{map_var}.addLayer({group});\n"
        f"window.feature_group = window.feature_group || [];\n"
        f"window.feature_group.push({group});\n"
    )


# --------------------------------------------------------------------------- detail panel


def detail_html(place_name: str, events: pd.DataFrame) -> str:
    """Every event at a place with its full excerpt, context and article link (escaped)."""
    items = []
    for row in events.drop(columns="geometry", errors="ignore").to_dict("records"):
        meta = [escape_html(_date_text(row.get("date")))]
        if precision_word(row.get("place_precision")):
            meta.append(escape_html(precision_word(row.get("place_precision"))))
        who_did_what = roles_text(row)
        if who_did_what:
            meta.append(f'<span class="nm-roles">{escape_html(who_did_what)}</span>')
        elif _text(row.get("event_type")):
            meta.append(escape_html(row["event_type"]))
        if _text(row.get("source")):
            meta.append(escape_html(row["source"]))
        actors = _actors_text(row.get("actor_names"))
        if actors and not who_did_what:
            meta.append(escape_html(actors))
        title = escape_html(_text(row.get("title")))
        url = safe_url(row.get("url"))
        if url and not title:
            title = "article"
        if url:
            link = f'<a href="{escape_html(url)}" target="_blank" rel="noopener noreferrer">'
            title = f"{link}{title}</a>"
        before = escape_html(_text(row.get("context_before")))
        after = escape_html(_text(row.get("context_after")))
        items.append(
            '<div class="nm-detail-event">'
            f'<div class="nm-detail-meta">{" · ".join(meta)}</div>'
            + (f'<div class="nm-detail-title">{title}</div>' if title else "")
            + '<p class="nm-detail-text">'
            + (f'<span class="nm-context">{before} </span>' if before else "")
            + f"<strong>{highlighted_excerpt(row)}</strong>"
            + (f'<span class="nm-context"> {after}</span>' if after else "")
            + "</p></div>"
        )
    noun = "event" if len(items) == 1 else "events"
    return (
        DETAIL_CSS
        + f'<div class="nm-detail"><h4>{escape_html(place_name)} — {len(items)} {noun}</h4>'
        + "".join(items)
        + "</div>"
    )


DETAIL_CSS = """<style>
.nm-detail h4 { margin: 0 0 .5em 0; }
.nm-detail-event { border-left: 3px solid #d64541; padding: .2em .6em; margin-bottom: .8em; }
.nm-detail-meta { color: #666; font-size: .85em; }
.nm-detail-title { font-weight: 600; }
.nm-detail-text { margin: .2em 0; }
.nm-context { color: #777; }
.nm-detail mark { background: #ffe27a; }
</style>"""


__all__ = [
    "AREA_KINDS",
    "PlaceMarker",
    "detail_html",
    "escape_html",
    "events_at_place",
    "find_clicked_place",
    "excerpt_parts",
    "highlighted_excerpt",
    "marker_bounds",
    "marker_size",
    "layer_payload_bytes",
    "place_layer_script",
    "place_markers",
    "roles_text",
    "safe_json",
    "safe_url",
    "tooltip_text",
]
