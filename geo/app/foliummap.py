"""The events map as folium objects: the base map and the marker layer.

Apart from geo.app.mapview so that the dashboard's first render need not import
folium (half a second): it sends the JS that geo.app.mapview writes directly and
renders a base map only when its disk cache misses.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import folium
import numpy as np
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.app.assets import AssetUrls
from geo.app.frame_index import EventIndex
from geo.app.mapview import (
    PlaceMarker,
    layer_payload,
    marker_bounds,
    place_layer_js,
    place_markers,
    safe_json,
)


@lru_cache(maxsize=1)
def _place_layer_template() -> Template:
    script = place_layer_js().replace("__GROUP__", "{{ this._parent.get_name() }}")
    script = script.replace("__PLACES__", "{{ this.payload }}")
    return Template("{% macro script(this, kwargs) %}" + script + "{% endmacro %}")


class PlaceLayer(MacroElement):
    """Markers for places, clustered up to zoom 9 when crowded, built in the browser from JSON.

    Popups are built on demand with textContent: article text is never parsed
    as HTML and never sits in a template literal. Tooltips are escaped HTML.
    """

    def __init__(self, markers: Sequence[PlaceMarker]):
        super().__init__()
        self._template = _place_layer_template()
        self._name = "PlaceLayer"
        self.payload = safe_json(layer_payload(markers))


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
    index: EventIndex,
    assets: AssetUrls,
    rows: np.ndarray | None = None,
    *,
    tiles: str | None = "OpenStreetMap",
) -> folium.Map:
    """A standalone map (base + markers), e.g. for `Map.save()` or tests."""
    markers = place_markers(index, rows)
    m = build_base_map(marker_bounds(markers), assets, tiles=tiles)
    build_place_layer(markers).add_to(m)
    return m


__all__ = ["OfflineBasemap", "PlaceLayer", "build_base_map", "build_map", "build_place_layer"]
