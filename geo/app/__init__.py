"""The dashboard's logic as plain functions: dashboard.py lays them out.

- store_view: what the page shows, queried from the store in DuckDB (options, one filtered
  selection per filter change shared by metrics, markers, timeline and table; a place's
  detail), never the whole store in pandas; store_downloads: CSV/GeoJSON streamed from a
  query;
- event_queries: the filter as SQL, and single-query aggregates;
- frame_index: an events frame as a columnar index (the library's in-memory path: map
  markers, popups and tables of a frame in hand, as the tests and benches use it);
- filters: the sidebar's filter, its options, metrics, shared links;
- tables: the timeline's counts, the events table and the downloads;
- mapview, foliummap: markers, popups, the folium base map; detail_panel: a clicked place's
  events; safetext: escaping text for HTML, JSON and Markdown;
- assets: Leaflet and outlines served locally (no CDN);
- uploads: saving uploaded articles safely;
- page: what the page computes per run (paths, session filter state, map arguments).

Nothing here imports streamlit. foliummap is imported only where the base map is rendered:
it pulls in folium, which a page whose base map is cached on disk never needs.
"""

from geo.app import (
    assets,
    detail_panel,
    event_queries,
    filters,
    frame_index,
    mapview,
    page,
    store_downloads,
    store_view,
    tables,
    uploads,
)

__all__ = [
    "assets",
    "detail_panel",
    "event_queries",
    "filters",
    "frame_index",
    "mapview",
    "page",
    "store_downloads",
    "store_view",
    "tables",
    "uploads",
]
