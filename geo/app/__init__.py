"""The dashboard's logic as plain functions of the events frame: dashboard.py lays them out.

- frame_index: the events frame as a columnar index, built once per store;
- filters: the sidebar's filter, its options, metrics, shared links;
- tables: the timeline's counts, the events table and the downloads;
- mapview, foliummap: markers, popups, the detail panel, the folium base map;
- assets: Leaflet and outlines served locally (no CDN);
- uploads: saving uploaded articles safely;
- page: what the page computes per run (paths, session filter state, map arguments).

Nothing here imports streamlit. foliummap is imported only where the base map is rendered:
it pulls in folium, which a page whose base map is cached on disk never needs.
"""

from geo.app import assets, filters, frame_index, mapview, page, tables, uploads

__all__ = ["assets", "filters", "frame_index", "mapview", "page", "tables", "uploads"]
