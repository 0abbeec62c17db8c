"""Building the events map: pure functions from the events frame to folium objects.

One marker per place (not per event), sized by how many filtered events
happened there and styled by the kind of place. Markers travel as one compact
JSON array that a small script turns into Leaflet markers, so 10,000 places
cost a few hundred kilobytes, not folium's few kilobytes each.

Safety: every piece of article text that ends up in HTML goes through
`escape_html`, which also neutralises `$`, backticks and backslashes so the
text stays inert even inside a JavaScript template literal (where folium's own
popups live). The JSON payload additionally escapes `<`, `>` and `&`, so no
text can close a <script> element.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.assets import AssetUrls
from geo.frame import split_list

AREA_KINDS = frozenset({"country", "admin1", "admin2", "region", "continent", "river", "sea"})
"""Kinds shown at a representative point rather than where something stands."""

MAX_POPUP_EVENTS = 20
PAYLOAD_BUDGET = 1_200_000
"""Bytes the marker layer may take in the page; popups shrink to fit it."""
POPUP_EXCERPT_CHARS = 220
MIN_MARKER_PX = 14
MAX_MARKER_PX = 44

_HTML_EXTRA = str.maketrans({"$": "&#36;", "`": "&#96;", "\\": "&#92;"})
_JSON_UNSAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def escape_html(text: object) -> str:
    """HTML-escape text and neutralise JS template-literal syntax (`${`, backticks)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return html.escape(str(text), quote=True).translate(_HTML_EXTRA)


def safe_json(value: object) -> str:
    """JSON that can sit inside <script> or be eval'ed without closing anything."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_JSON_UNSAFE)


def safe_url(url: object) -> str | None:
    """The URL if it is http(s), else None (no javascript: or data: links)."""
    if not isinstance(url, str) or not url.strip():
        return None
    parsed = urlparse(url.strip())
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
        return None
    return url.strip()


def is_area(kind: str | None) -> bool:
    return kind in AREA_KINDS


# --------------------------------------------------------------------------- places


PLACE_COLUMNS = (
    "place_key",
    "place_name",
    "place_kind",
    "place_country",
    "lat",
    "lon",
    "events",
    "latest",
)


def aggregate_places(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per place with its number of distinct events, most events first."""
    if frame.empty:
        return pd.DataFrame(columns=list(PLACE_COLUMNS))
    # shapely points are (x, y) = (lon, lat).
    coords = pd.DataFrame(
        {
            "place_key": frame["place_key"].to_numpy(),
            "lat": frame.geometry.y.to_numpy(),
            "lon": frame.geometry.x.to_numpy(),
        }
    )
    grouped = frame.groupby("place_key", sort=False)
    places = pd.DataFrame(
        {
            "place_name": grouped["place_name"].first(),
            "place_kind": grouped["place_kind"].first(),
            "place_country": grouped["place_country"].first(),
            "events": grouped["event_id"].nunique(),
            "latest": grouped["date"].max(),
        }
    )
    first_coords = coords.groupby("place_key", sort=False)[["lat", "lon"]].first()
    places = places.join(first_coords).reset_index()
    places = places.sort_values(["events", "place_name"], ascending=[False, True], kind="stable")
    return places[list(PLACE_COLUMNS)].reset_index(drop=True)


def events_at_place(frame: pd.DataFrame, place_key: str) -> pd.DataFrame:
    """Every distinct event at one place, latest first."""
    rows = frame[frame["place_key"] == place_key]
    rows = rows.drop_duplicates("event_id")
    return rows.sort_values(["date", "event_id"], ascending=[False, True], kind="stable")


def marker_size(events: int, max_events: int) -> int:
    """Icon diameter in pixels, area proportional to the event count."""
    if events < 0 or max_events < 0:
        raise ValueError("event counts must be >= 0")
    if max_events == 0:
        return MIN_MARKER_PX
    share = math.sqrt(min(events, max_events) / max_events)
    return round(MIN_MARKER_PX + (MAX_MARKER_PX - MIN_MARKER_PX) * share)


def tooltip_text(place_name: str, events: int) -> str:
    """Escaped tooltip: the place name and its event count."""
    noun = "event" if events == 1 else "events"
    return f"{escape_html(place_name)} · {events} {noun}"


# --------------------------------------------------------------------------- excerpts


def _highlight_span(row: pd.Series | dict) -> tuple[int, int] | None:
    """Where the place mention sits inside the row's excerpt, if it does."""
    excerpt = str(row.get("excerpt") or "")
    try:
        begin = int(row["mention_start"]) - int(row["start"])
        end = int(row["mention_end"]) - int(row["start"])
    except (KeyError, TypeError, ValueError):
        begin = end = -1
    mention = str(row.get("mention") or "")
    if 0 <= begin < end <= len(excerpt) and (not mention or excerpt[begin:end] == mention):
        return begin, end
    for needle in (mention, str(row.get("place_name") or "")):
        if needle:
            found = excerpt.lower().find(needle.lower())
            if found >= 0:
                return found, found + len(needle)
    return None


def highlighted_excerpt(row: pd.Series | dict, window: int | None = None) -> str:
    """Escaped excerpt with the place mention in <mark>; trimmed to `window` chars around it."""
    excerpt = str(row.get("excerpt") or "")
    span = _highlight_span(row)
    lo, hi = 0, len(excerpt)
    if window is not None and len(excerpt) > window:
        centre = (span[0] + span[1]) // 2 if span else 0
        lo = max(0, min(centre - window // 2, len(excerpt) - window))
        hi = lo + window
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(excerpt) else ""
    if span is None or span[0] < lo or span[1] > hi:
        return prefix + escape_html(excerpt[lo:hi]) + suffix
    b, e = span
    return (
        prefix
        + escape_html(excerpt[lo:b])
        + "<mark>"
        + escape_html(excerpt[b:e])
        + "</mark>"
        + escape_html(excerpt[e:hi])
        + suffix
    )


def _date_text(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "undated"
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _actors_text(value: object) -> str:
    return ", ".join(split_list(value if isinstance(value, str) else None))


def popup_entry_html(row: pd.Series | dict, window: int = POPUP_EXCERPT_CHARS) -> str:
    """One event in a place's popup: date, source, actors, trimmed excerpt."""
    meta = [escape_html(_date_text(row.get("date")))]
    if row.get("source"):
        meta.append(escape_html(row["source"]))
    actors = _actors_text(row.get("actor_names"))
    if actors:
        meta.append(escape_html(actors))
    return (
        '<li><div class="nm-meta">'
        + " · ".join(meta)
        + '</div><div class="nm-excerpt">'
        + highlighted_excerpt(row, window)
        + "</div></li>"
    )


def popup_html(
    place_name: str, rows: Iterable[pd.Series | dict], total: int, window: int = POPUP_EXCERPT_CHARS
) -> str:
    """A place's popup: its latest events, and how many more the panel lists."""
    entries = [popup_entry_html(row, window) for row in rows]
    noun = "event" if total == 1 else "events"
    head = f'<div class="nm-popup"><b>{escape_html(place_name)}</b> — {total} {noun}'
    more = ""
    if total > len(entries):
        more = (
            f'<div class="nm-more">Showing the {len(entries)} latest of {total}; '
            "the panel beside the map lists them all.</div>"
        )
    return head + '<ul class="nm-events">' + "".join(entries) + "</ul>" + more + "</div>"


# --------------------------------------------------------------------------- markers


@dataclass(frozen=True)
class PlaceMarker:
    """Everything the browser needs to draw and explain one place."""

    key: str
    name: str
    kind: str
    lat: float
    lon: float
    events: int
    size: int
    tooltip: str
    popup: str

    def to_json_obj(self) -> list:
        # Compact positional form; the script in PlaceLayer unpacks it.
        return [
            round(self.lat, 5),
            round(self.lon, 5),
            self.size,
            "a" if is_area(self.kind) else "p",
            self.kind,
            # Escaped too: the browser only sets it as an attribute, but no raw
            # article text should travel in the page at all.
            escape_html(self.name),
            self.tooltip,
            self.popup,
        ]


def place_markers(
    frame: pd.DataFrame,
    *,
    max_popup_events: int = MAX_POPUP_EVENTS,
    payload_budget: int = PAYLOAD_BUDGET,
    window: int = POPUP_EXCERPT_CHARS,
) -> list[PlaceMarker]:
    """One marker per place; popups list at most `max_popup_events` latest events.

    When many places would overflow `payload_budget`, every popup keeps fewer
    events (never fewer than one); the detail panel still lists them all.
    """
    if max_popup_events < 1:
        raise ValueError("max_popup_events must be >= 1")
    if payload_budget < 1:
        raise ValueError("payload_budget must be > 0")
    places = aggregate_places(frame)
    if places.empty:
        return []
    per_place = _popup_events_per_place(len(places), max_popup_events, payload_budget, window)
    while True:
        markers = _query_markers(frame, places, per_place, window)
        size = sum(len(safe_json(m.to_json_obj())) for m in markers)
        if size <= payload_budget or per_place == 1:
            return markers
        per_place = max(1, per_place // 2)


def _popup_events_per_place(n_places: int, max_events: int, budget: int, window: int) -> int:
    entry_bytes = window + 160
    place_bytes = 220
    fit = (budget - n_places * place_bytes) // max(1, n_places * entry_bytes)
    return int(max(1, min(max_events, fit)))


def _query_markers(
    frame: pd.DataFrame, places: pd.DataFrame, per_place: int, window: int
) -> list[PlaceMarker]:
    latest = (
        frame.sort_values(["date", "event_id"], ascending=[False, True], kind="stable")
        .drop_duplicates(["place_key", "event_id"])
        .groupby("place_key", sort=False)
        .head(per_place)
    )
    popup_rows: dict[str, list[dict]] = {}
    for row in latest.drop(columns="geometry").to_dict("records"):
        popup_rows.setdefault(row["place_key"], []).append(row)
    max_events = int(places["events"].max())
    markers = []
    for place in places.itertuples(index=False):
        events = int(place.events)
        markers.append(
            PlaceMarker(
                key=str(place.place_key),
                name=str(place.place_name),
                kind=str(place.place_kind),
                lat=float(place.lat),
                lon=float(place.lon),
                events=events,
                size=marker_size(events, max_events),
                tooltip=tooltip_text(str(place.place_name), events),
                popup=popup_html(
                    str(place.place_name), popup_rows.get(place.place_key, []), events, window
                ),
            )
        )
    return markers


def find_clicked_place(
    markers: Sequence[PlaceMarker], lat: float, lng: float, tooltip: str | None = None
) -> PlaceMarker | None:
    """The marker a click landed on: same coordinates, name from the tooltip breaking ties."""
    best: list[PlaceMarker] = []
    best_distance = 1e-4
    for marker in markers:
        distance = abs(marker.lat - lat) + abs(marker.lon - lng)
        if distance < best_distance - 1e-12:
            best, best_distance = [marker], distance
        elif abs(distance - best_distance) <= 1e-12:
            best.append(marker)
    if not best:
        return None
    if tooltip and len(best) > 1:
        named = [m for m in best if tooltip.startswith(m.name)]
        if named:
            return named[0]
    return best[0]


# --------------------------------------------------------------------------- folium


class PlaceLayer(MacroElement):
    """Markers for places, clustered when crowded, built in the browser from JSON."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var places = {{ this.payload }};
  var cluster = L.markerClusterGroup({
    maxClusterRadius: 40, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
    chunkedLoading: true
  });
  places.forEach(function (p) {
    var icon = L.divIcon({
      className: "nm-place nm-" + (p[3] === "a" ? "area" : "point") + " nm-kind-" + p[4],
      iconSize: [p[2], p[2]]
    });
    var marker = L.marker([p[0], p[1]], {icon: icon, riseOnHover: true, alt: p[5]});
    marker.on("add", function () {
      if (this._icon) { this._icon.setAttribute("data-place", p[5]); }
    });
    marker.bindTooltip(p[6], {direction: "top"});
    marker.bindPopup(p[7], {maxWidth: 380, maxHeight: 320, autoPanPadding: [20, 20]});
    cluster.addLayer(marker);
  });
  {{ this._parent.get_name() }}.addLayer(cluster);
})();
{% endmacro %}
"""
    )

    def __init__(self, markers: Sequence[PlaceMarker]):
        super().__init__()
        self._name = "PlaceLayer"
        self.payload = safe_json([m.to_json_obj() for m in markers])


class OfflineBasemap(MacroElement):
    """Country outlines under the tiles: visible wherever tiles fail to load."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  if (!map.getPane("nm-outlines")) {
    map.createPane("nm-outlines");
    map.getPane("nm-outlines").style.zIndex = 150;
  }
  map.getContainer().style.background = "#cfe0ec";
  fetch({{ this.url_json }})
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) {
      L.geoJSON(data, {
        pane: "nm-outlines", interactive: false,
        style: {color: "#7d8a96", weight: 0.7, fillColor: "#f4f1e8", fillOpacity: 1}
      }).addTo(map);
    })
    .catch(function (err) { console.warn("offline basemap unavailable", err); });
})();
{% endmacro %}
"""
    )

    def __init__(self, url: str):
        super().__init__()
        self._name = "OfflineBasemap"
        self.url_json = safe_json(url)


MAP_CSS = """
<style>
.nm-place { border-radius: 50%; box-sizing: border-box; }
.nm-point { background: rgba(214, 69, 65, 0.78); border: 2px solid #fff;
  box-shadow: 0 0 0 1px rgba(120, 30, 30, 0.6); }
.nm-area { background: rgba(52, 107, 168, 0.22); border: 2px dashed #2f5f96;
  border-radius: 30%; }
.nm-kind-river, .nm-kind-sea { border-color: #1c8a9e; background: rgba(28, 138, 158, 0.2); }
.nm-popup { font: 13px/1.35 system-ui, sans-serif; }
.nm-events { padding-left: 1.1em; margin: 0.4em 0; }
.nm-events li { margin-bottom: 0.45em; }
.nm-meta { color: #555; font-size: 11.5px; }
.nm-excerpt mark { background: #ffe27a; padding: 0 1px; }
.nm-more { color: #555; font-style: italic; font-size: 11.5px; }
</style>
"""

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


def build_base_map(
    bounds: tuple[tuple[float, float], ...],
    assets: AssetUrls,
    *,
    tiles: str | None = "OpenStreetMap",
) -> folium.Map:
    """The part of the map that never changes within a session (tiles, outlines, view).

    Keeping it identical across reruns lets streamlit-folium keep the map mounted
    while `build_place_layer` swaps the markers.
    """
    (south, west), (north, east) = bounds
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=4,
        tiles=tiles,
        control_scale=True,
        prefer_canvas=False,
    )
    # Local copies instead of folium's CDN links (and no bootstrap/awesome-markers).
    m.default_js = list(assets.js)
    m.default_css = list(assets.css)
    m.get_root().header.add_child(Element(MAP_CSS), name="newsmap_css")
    OfflineBasemap(assets.outlines).add_to(m)
    m.fit_bounds([[south, west], [north, east]], max_zoom=9)
    return m


def build_place_layer(markers: Sequence[PlaceMarker]) -> folium.FeatureGroup:
    """The markers as a feature group, for st_folium's `feature_group_to_add`."""
    group = folium.FeatureGroup(name="Events", control=False)
    PlaceLayer(markers).add_to(group)
    return group


def build_map(
    frame: pd.DataFrame, assets: AssetUrls, *, tiles: str | None = "OpenStreetMap"
) -> folium.Map:
    """A standalone map (base + markers), e.g. for `Map.save()` or tests."""
    markers = place_markers(frame)
    m = build_base_map(marker_bounds(markers), assets, tiles=tiles)
    build_place_layer(markers).add_to(m)
    return m


# --------------------------------------------------------------------------- detail panel


def detail_html(place_name: str, events: pd.DataFrame) -> str:
    """Every event at a place with its full excerpt, context and article link (escaped)."""
    items = []
    for row in events.drop(columns="geometry", errors="ignore").to_dict("records"):
        meta = [escape_html(_date_text(row.get("date")))]
        if row.get("event_type"):
            meta.append(escape_html(row["event_type"]))
        if row.get("source"):
            meta.append(escape_html(row["source"]))
        actors = _actors_text(row.get("actor_names"))
        if actors:
            meta.append(escape_html(actors))
        title = escape_html(row.get("title") or "")
        url = safe_url(row.get("url"))
        if url and not title:
            title = "article"
        if url:
            link = f'<a href="{escape_html(url)}" target="_blank" rel="noopener noreferrer">'
            title = f"{link}{title}</a>"
        before = escape_html(row.get("context_before") or "")
        after = escape_html(row.get("context_after") or "")
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
    "OfflineBasemap",
    "PlaceLayer",
    "PlaceMarker",
    "aggregate_places",
    "build_base_map",
    "build_map",
    "build_place_layer",
    "detail_html",
    "escape_html",
    "events_at_place",
    "find_clicked_place",
    "highlighted_excerpt",
    "marker_bounds",
    "marker_size",
    "place_markers",
    "popup_html",
    "safe_json",
    "safe_url",
    "tooltip_text",
]
