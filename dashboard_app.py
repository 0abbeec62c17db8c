"""The news-event map's page, run by dashboard.py (`streamlit run dashboard.py`).

A module, not the script itself: Streamlit re-executes its script on every
rerun, which would re-create (and re-hash the source of) every cached function
each time; imported once, they are defined once per server process.

Layout only: filtering lives in geo.app.filters, the map in geo.app.mapview, assets in
geo.app.assets, uploads in geo.app.uploads, the store in geo.store/geo.pipeline.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

from geo.app import filters, mapview
from geo.app.assets import asset_urls, install_static_assets
from geo.app.uploads import MAX_UPLOAD_BYTES, UPLOAD_SUFFIXES, note_left_off, save_upload

ROOT = Path(__file__).resolve().parent


class AppPaths(NamedTuple):
    data: Path
    seeds: Path
    uploads: Path
    static: Path


def app_paths() -> AppPaths:
    """Where the store, corpus and static files are: read on every run, not at import,
    since the module outlives a change of NEWSMAP_* variables (tests, benchmarks)."""
    data = Path(os.environ.get("NEWSMAP_DATA_DIR", ROOT / "data"))
    return AppPaths(
        data=data,
        seeds=Path(os.environ.get("NEWSMAP_SEEDS_DIR", ROOT / "seeds")),
        uploads=data / "uploads",
        static=Path(os.environ.get("NEWSMAP_STATIC_DIR", ROOT / "static")),
    )


# streamlit-folium's iframe lives at /component/<name>/index.html; the app's
# static files at /app/static/ (server.enableStaticServing). Relative, so a
# server.baseUrlPath keeps working.
ASSET_BASE_URL = "../../app/static/newsmap"
TABLE_ROWS = 500
MAP_HEIGHT = 560
MAP_KEY = "news_map"
RETURNED_OBJECTS = [
    "last_object_clicked",
    "last_object_clicked_tooltip",
    "last_object_clicked_count",
]
"""Clicks only (panning and zooming must not rerun the app). The count tells a second click
on the same marker from the map reporting its last click again on a rerun."""
ROLE_LABELS = {"located": "Where it happened only", "any": "Also where mentioned"}

KEYS = {
    "dates": "f_dates",
    "actors": "f_actors",
    "actor_countries": "f_actor_countries",
    "sources": "f_sources",
    "place_countries": "f_place_countries",
    "event_types": "f_event_types",
    "place_role": "f_place_role",
    "text": "f_text",
}


# --------------------------------------------------------------------------- data


def corpus_paths() -> list[Path]:
    """The corpus folders: the seed articles and, once something was uploaded, the uploads."""
    where = app_paths()
    return [p for p in (where.seeds, where.uploads) if p.is_dir()]


def store_version(data_dir: Path) -> str:
    """Changes whenever the store files change, so cached data is refreshed."""
    if not data_dir.is_dir():
        return "missing"
    stamps = [
        f"{p.name}:{p.stat().st_mtime_ns}:{p.stat().st_size}"
        for p in sorted(data_dir.iterdir())
        if p.is_file()
    ]
    return "|".join(stamps)


@st.cache_resource(show_spinner=False)
def static_assets(static_dir: str) -> Path:
    """The map's local JS/CSS and outlines, installed once per server process, not per rerun."""
    return install_static_assets(Path(static_dir))


@st.cache_resource(show_spinner="Loading the gazetteer and language model…")
def pipeline_resources():
    """The gazetteer and NLP model, loaded once per server process and reused by every build."""
    from geo.nlp import load_nlp
    from geo.places import load_gazetteer

    gazetteer = load_gazetteer()
    return gazetteer, load_nlp(gazetteer)


def ensure_store(area) -> None:
    """Build data/ from the corpus when it is missing or stale, showing progress in `area`.

    `area` is a container the page always has, so the elements after it keep
    their positions and the map is not remounted once the build is done.
    """
    from geo import store

    # Checked on a session's first run and after an upload, not on every filter
    # change: hashing the analysis code and the corpus would cost each rerun ~30 ms.
    if st.session_state.get("store_checked") and not st.session_state.get("corpus_changed"):
        return
    st.session_state["store_checked"] = True
    st.session_state["corpus_changed"] = False
    paths = corpus_paths()
    data_dir = app_paths().data
    if not store.store_is_stale(data_dir, paths):
        return
    from geo import pipeline

    with area.status("Building the event store from the articles…", expanded=True) as status:
        bar = st.progress(0.0, text="Loading the gazetteer and language model…")
        gazetteer, nlp = pipeline_resources()

        def progress(done: int, total: int, message: str) -> None:
            bar.progress(min(1.0, done / total) if total else 1.0, text=message)

        try:
            summary = pipeline.build_store(
                paths, data_dir, progress=progress, nlp=nlp, gazetteer=gazetteer
            )
        except (store.StoreError, OSError) as error:
            # The build writes atomically: the last store built, if any, is still whole.
            status.update(label="The event store could not be rebuilt", state="error")
            st.error(
                f"{mapview.markdown_text(str(error))}. "
                "The map shows the last store built, if there is one."
            )
            return
        uploads = st.session_state.get("upload_results", ())
        st.session_state["upload_results"] = note_left_off(uploads, summary.skipped)
        skipped = f", {len(summary.skipped)} files skipped" if summary.skipped else ""
        status.update(
            label=f"Event store built: {summary.articles} articles, {summary.events} events, "
            f"{summary.places} places{skipped}",
            state="complete",
            expanded=False,
        )


@st.cache_resource(show_spinner="Loading events…", max_entries=2)
def event_index(data_dir: str, version: str) -> filters.EventIndex:
    """The events and their filter index, shared read-only by all sessions.

    A resource, not st.cache_data: pickling 100k events on every rerun would
    cost a second; everything derived from it per filter is cached as data.
    """
    from geo import store

    return filters.build_index(store.load_event_places(Path(data_dir)))


@st.cache_resource(max_entries=4, show_spinner=False)
def filter_options(data_dir: str, version: str) -> filters.FilterOptions:
    return filters.filter_options(event_index(data_dir, version))


FilterKey = tuple[tuple[str, tuple[str, ...]], ...]


class MapLayer(NamedTuple):
    markers: tuple[mapview.PlaceMarker, ...]
    script: str


def filter_key(event_filter: filters.EventFilter) -> FilterKey:
    """A hashable, stable cache key for a filter."""
    return tuple((k, tuple(v)) for k, v in sorted(filters.filter_to_params(event_filter).items()))


class FilterView(NamedTuple):
    """Everything the page shows for one filter, computed once and shared read-only."""

    rows: np.ndarray
    counts: filters.Metrics
    layer: MapLayer
    per_day: pd.DataFrame
    without_a_day: int
    table: pd.DataFrame


@st.cache_resource(max_entries=32, show_spinner=False)
def filter_view(data_dir: str, version: str, key: FilterKey) -> FilterView:
    """The filtered rows and all that derives from them, for one filter.

    One cached call per rerun, not one per view: hashing the arguments of each
    cached function costs milliseconds. A resource, not data: unpickling
    thousands of markers and two tables on every rerun would cost more than the
    rest of the rerun. Nothing here is mutated after it is built.
    """
    index = event_index(data_dir, version)
    params = {k: list(v) for k, v in key}
    rows = filters.filter_rows(index, filters.filter_from_params(params)).copy()
    rows.flags.writeable = False
    markers = mapview.place_markers(index, rows)
    script = mapview.place_layer_script(markers)
    table = filters.events_table(index, rows, limit=TABLE_ROWS)  # links: http(s) only
    return FilterView(
        rows=rows,
        counts=filters.metrics(index, rows),
        layer=MapLayer(tuple(markers), script),
        per_day=filters.events_per_day(index, rows),
        without_a_day=filters.events_without_a_day(index, rows),
        table=table,
    )


# --------------------------------------------------------------------------- filters


def _labels(choices: tuple[filters.Choice, ...]) -> dict[str, str]:
    return {c.value: c.label for c in choices}


def default_state(options: filters.FilterOptions) -> dict[str, object]:
    dates = (options.date_min, options.date_max) if options.date_min else ()
    return {
        KEYS["dates"]: dates,
        KEYS["actors"]: [],
        KEYS["actor_countries"]: [],
        KEYS["sources"]: [],
        KEYS["place_countries"]: [],
        KEYS["event_types"]: [],
        KEYS["place_role"]: "any",
        KEYS["text"]: "",
    }


def state_from_filter(
    event_filter: filters.EventFilter, options: filters.FilterOptions
) -> dict[str, object]:
    """Widget values for a filter, dropping values this data does not have."""
    fitted = filters.fit_filter(event_filter, options)
    state = default_state(options)
    if options.date_min and options.date_max:
        state[KEYS["dates"]] = (
            fitted.date_from or options.date_min,
            fitted.date_to or options.date_max,
        )
    for name in filters.CHOICE_FIELDS:
        state[KEYS[name]] = list(getattr(fitted, name))
    state[KEYS["place_role"]] = fitted.place_role
    state[KEYS["text"]] = fitted.text
    return state


def init_filter_state(options: filters.FilterOptions) -> None:
    """On a session's first run, take the filters from the URL (a shared link)."""
    if "filters_initialised" in st.session_state:
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    event_filter = filters.filter_from_params(params)
    for key, value in state_from_filter(event_filter, options).items():
        st.session_state[key] = value
    problems = filters.link_problems(params, event_filter, options)
    if problems:
        st.session_state["link_notice"] = (
            "This link's filters could not all be applied: " + "; ".join(problems) + "."
        )
    st.session_state["filters_initialised"] = True


def refit_dates(options: filters.FilterOptions) -> None:
    """Keep the date range inside the data's days when the store changes under a session:
    st.date_input raises on a value outside its bounds (see filters.refit_date_range)."""
    state = st.session_state
    bounds = (options.date_min, options.date_max)
    old, state["date_bounds"] = state.get("date_bounds"), bounds
    if old is None or old == bounds:
        return
    dates = tuple(state.get(KEYS["dates"]) or ())
    state[KEYS["dates"]] = filters.refit_date_range(dates, old, bounds)


def reset_filters(options: filters.FilterOptions) -> None:
    for key, value in default_state(options).items():
        st.session_state[key] = value
    # "last_click" stays: the map reports its last click on every rerun, and without it
    # that old click would select its place again at once.
    st.session_state.pop("selected_place", None)
    st.session_state.pop("link_notice", None)


def current_filter(options: filters.FilterOptions) -> filters.EventFilter:
    state = st.session_state
    dates = tuple(state.get(KEYS["dates"]) or ())
    date_from = dates[0] if len(dates) >= 1 else None
    date_to = dates[1] if len(dates) >= 2 else None
    if date_from == options.date_min:
        date_from = None
    if date_to == options.date_max:
        date_to = None
    return filters.EventFilter(
        date_from=date_from,
        date_to=date_to,
        actors=tuple(state.get(KEYS["actors"], ())),
        actor_countries=tuple(state.get(KEYS["actor_countries"], ())),
        sources=tuple(state.get(KEYS["sources"], ())),
        place_countries=tuple(state.get(KEYS["place_countries"], ())),
        event_types=tuple(state.get(KEYS["event_types"], ())),
        place_role=state.get(KEYS["place_role"], "any"),
        text=str(state.get(KEYS["text"], "")),
    )


def sync_query_params(event_filter: filters.EventFilter) -> None:
    """Mirror the filter into the URL so the page can be shared as a link."""
    wanted = filters.filter_to_params(event_filter)
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


def sidebar_filters(options: filters.FilterOptions) -> filters.EventFilter:
    sb = st.sidebar
    sb.header("Filters")
    if "link_notice" in st.session_state:
        sb.warning(st.session_state["link_notice"])
    if options.date_min and options.date_max:
        sb.date_input(
            "Date range",
            min_value=options.date_min,
            max_value=options.date_max,
            key=KEYS["dates"],
        )
    multiselects = (
        ("actors", "Actor", options.actors),
        ("actor_countries", "Actor country", options.actor_countries),
        ("sources", "Source", options.sources),
        ("place_countries", "Place country", options.place_countries),
        ("event_types", "Event type", options.event_types),
    )
    for name, label, choices in multiselects:
        labels = _labels(choices)
        sb.multiselect(
            label,
            options=list(labels),
            format_func=lambda value, labels=labels: labels.get(value, value),
            key=KEYS[name],
            placeholder="All",
        )
    sb.radio(
        "Place role",
        options=list(ROLE_LABELS),
        format_func=ROLE_LABELS.__getitem__,
        key=KEYS["place_role"],
        help="Places where the event happened, or also places only named in its sentence.",
    )
    sb.text_input("Search excerpts", key=KEYS["text"], placeholder="e.g. water cannon")
    sb.button("Reset filters", on_click=reset_filters, args=(options,), width="stretch")
    return current_filter(options)


def sidebar_uploads() -> None:
    sb = st.sidebar
    sb.header("Add articles")
    round_ = st.session_state.setdefault("upload_round", 0)
    files = sb.file_uploader(
        "Upload .txt, .html or .jsonl",
        type=[s.lstrip(".") for s in UPLOAD_SUFFIXES],
        accept_multiple_files=True,
        key=f"uploader_{round_}",
        help=f"At most {MAX_UPLOAD_BYTES // 2**20} MB a file. Files are added to data/uploads/.",
    )
    if files:
        results = [save_upload(f.name, f.getvalue(), app_paths().uploads) for f in files]
        st.session_state["upload_results"] = tuple(results)
        st.session_state["upload_round"] = round_ + 1
        st.session_state["corpus_changed"] = any(r.ok for r in results)
        st.rerun()
    for result in st.session_state.get("upload_results", ()):
        show = sb.error if not result.ok else sb.warning if result.left_off else sb.success
        show(mapview.markdown_text(result.message))


# --------------------------------------------------------------------------- main area


def show_metrics(counts: filters.Metrics) -> None:
    cols = st.columns(4)
    cols[0].metric("Events", f"{counts.events:,}")
    cols[1].metric("Articles", f"{counts.articles:,}")
    cols[2].metric("Places", f"{counts.places:,}")
    cols[3].metric("Sources", f"{counts.sources:,}")


BASE_MAP_INPUTS = (
    "geo/app/foliummap.py", "geo/app/mapview.py", "geo/app/assets.py", "dashboard_app.py"
)
"""Code that shapes the base map: part of its disk-cache key (this file holds
render_base_map_args and MAP_KEY)."""
BASE_MAP_PACKAGES = ("folium", "branca", "streamlit-folium")


def base_map_cache_key(bounds: tuple[tuple[float, float], ...], asset_base: str) -> str:
    hasher = hashlib.sha256(json.dumps([bounds, asset_base]).encode())
    for package in BASE_MAP_PACKAGES:
        hasher.update(importlib.metadata.version(package).encode())
    for name in BASE_MAP_INPUTS:
        hasher.update((ROOT / name).read_bytes())
    return hasher.hexdigest()[:24]


@st.cache_resource(max_entries=8, show_spinner=False)
def base_map_args(
    bounds: tuple[tuple[float, float], ...], asset_base: str, cache_dir: str
) -> dict[str, object]:
    """st_folium's arguments for the base map, rendered once instead of every rerun.

    Kept on disk too (in the static folder, keyed by the bounds, the code and
    the package versions): a new server process then shows its first map
    without importing folium and streamlit-folium, half a second.
    """
    cached = Path(cache_dir) / f"basemap-{base_map_cache_key(bounds, asset_base)}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        cached.unlink(missing_ok=True)  # unreadable or torn: render it again
    args = render_base_map_args(bounds, asset_base)
    cached.parent.mkdir(parents=True, exist_ok=True)
    staged = cached.with_suffix(f".{os.getpid()}.tmp")
    staged.write_text(json.dumps(args), encoding="utf-8")
    staged.replace(cached)
    return args


def render_base_map_args(
    bounds: tuple[tuple[float, float], ...], asset_base: str
) -> dict[str, object]:
    """The same steps as streamlit_folium.st_folium (0.27) for the base map.

    tests/test_dashboard.py checks these equal what st_folium passes.
    """
    import folium.elements
    import streamlit_folium

    from geo.app import foliummap

    fig = foliummap.build_base_map(bounds, asset_urls(asset_base))
    fig.get_root().render()
    fig.render()
    html = streamlit_folium._get_html(fig)
    header = streamlit_folium._get_header(fig)
    script = streamlit_folium._get_map_string(fig)
    (south, west), (north, east) = fig.get_bounds()
    links = [e for e in _walk(fig) if isinstance(e, folium.elements.JSCSSMixin)]
    return {
        "script": script,
        "header": header,
        "html": html,
        "id": streamlit_folium.get_full_id(fig),
        "hash": streamlit_folium.generate_js_hash(script, MAP_KEY, False),
        "bounds": {
            "_southWest": {"lat": south, "lng": west},
            "_northEast": {"lat": north, "lng": east},
        },
        "zoom": fig.options.get("zoom"),
        "css_links": list(dict.fromkeys(h for e in links for _, h in e.default_css)),
        "js_links": list(dict.fromkeys(s for e in links for _, s in e.default_js)),
    }


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


@st.cache_resource(show_spinner=False)
def map_frontend():
    """streamlit-folium's frontend, declared from its installed build without importing it.

    The same files st_folium serves; importing streamlit_folium would import
    folium too, which the first render does not otherwise need.
    """
    import streamlit.components.v1 as components

    spec = importlib.util.find_spec("streamlit_folium")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            "streamlit-folium is not installed: run `python -m pip install -e .` in the project"
        )
    build = Path(spec.origin).parent / "frontend" / "build"
    return components.declare_component("st_folium", path=str(build))


def map_component(base: dict[str, object], layer_script: str, returned: list[str]):
    """streamlit-folium's component with cached arguments: st_folium without re-rendering."""
    defaults = {"bounds": base["bounds"], "zoom": base["zoom"]}
    defaults = {k: defaults.get(k) for k in returned}
    hash_key = base["hash"]

    def on_change() -> None:
        st.session_state[MAP_KEY] = st.session_state.get(hash_key, {})

    return map_frontend()(
        script=base["script"],
        header=base["header"],
        html=base["html"],
        id=base["id"],
        key=hash_key,
        height=MAP_HEIGHT,
        width=None,
        returned_objects=returned,
        default=defaults,
        zoom=None,
        center=None,
        feature_group=layer_script,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=base["css_links"],
        js_links=base["js_links"],
        on_change=on_change,
        wrap_longitude=False,
    )


def show_map(layer: MapLayer) -> tuple[mapview.PlaceMarker, ...]:
    """Draw the map; returns its markers. A click selects a place for the panel."""
    markers = layer.markers
    if "map_bounds" not in st.session_state:
        # The first render fits the (URL-)filtered markers; later filter changes
        # only swap markers, keeping the user's view (no remount, no zoom reset).
        st.session_state["map_bounds"] = mapview.marker_bounds(markers)
    cache_dir = app_paths().static / "newsmap" / "basemaps"
    base = base_map_args(st.session_state["map_bounds"], ASSET_BASE_URL, str(cache_dir))
    clicked = map_component(base, layer.script, RETURNED_OBJECTS)
    click = (clicked or {}).get("last_object_clicked")
    stamp = (click, (clicked or {}).get("last_object_clicked_count"))
    if click and stamp != st.session_state.get("last_click"):
        st.session_state["last_click"] = stamp
        place = mapview.find_clicked_place(
            markers, click["lat"], click["lng"], (clicked or {}).get("last_object_clicked_tooltip")
        )
        if place is not None:
            st.session_state["selected_place"] = place.key
    st.caption(
        "● a point place (city, village, crossing) · ◇ dashed: a country, region, river "
        "or sea at a representative point · size: number of events · numbers: clusters"
    )
    return markers


PLACE_PICK_KEY = "place_pick"


def _place_picked() -> None:
    st.session_state["selected_place"] = st.session_state[PLACE_PICK_KEY]


def show_detail(index: filters.EventIndex, rows, markers: tuple[mapview.PlaceMarker, ...]) -> None:
    st.subheader("Place details")
    names = {m.key: f"{m.name} ({m.events})" for m in markers}
    if not names:
        st.info("No places match the filters.")
        return
    # "selected_place" is the user's choice, kept while a filter hides it; the widget shows it
    # when it is on the map. Set before the widget exists, so a map click moves it even after
    # the user picked another place in the list.
    selected = st.session_state.get("selected_place")
    st.session_state[PLACE_PICK_KEY] = selected if selected in names else None
    if selected not in names:
        st.caption("Click a marker on the map, or pick a place:")
    place_key = st.selectbox(
        "Place",
        options=list(names),
        format_func=names.__getitem__,
        placeholder="Choose a place",
        key=PLACE_PICK_KEY,
        on_change=_place_picked,
    )
    if place_key is None:
        return
    events = mapview.events_at_place(index, rows, place_key)
    name = next(m.name for m in markers if m.key == place_key)
    with st.container(height=MAP_HEIGHT - 80):
        st.html(mapview.detail_html(name, events))


def show_timeline(counts: pd.DataFrame, events: int, without_a_day: int = 0) -> None:
    st.subheader("Events per day")
    if without_a_day:
        st.caption(
            f"{without_a_day:,} events dated only to a week, month, season or year are not drawn."
        )
    if counts.empty:
        st.caption("No dated events." if events else "No events match the filters.")
        return
    # A plain Vega-Lite spec: no altair import or chart object on every rerun.
    st.vega_lite_chart(
        counts,
        {
            "mark": {"type": "bar"},
            "encoding": {
                "x": {
                    "field": "date",
                    "type": "temporal",
                    "timeUnit": "yearmonthdate",
                    "title": None,
                    "axis": filters.timeline_axis(counts),
                },
                "y": {
                    "field": "events",
                    "type": "quantitative",
                    "aggregate": "sum",
                    "title": "events",
                },
                "color": {"field": "event_type", "type": "nominal", "title": "event type"},
                "tooltip": [
                    {"field": "date", "type": "temporal", "timeUnit": "yearmonthdate"},
                    {"field": "event_type", "type": "nominal"},
                    {"field": "events", "type": "quantitative", "aggregate": "sum"},
                ],
            },
            "height": 260,
        },
    )


def show_table_and_downloads(index: filters.EventIndex, view: FilterView) -> None:
    table, rows, total = view.table, view.rows, view.counts.events
    st.subheader("Events")
    if total > TABLE_ROWS:
        st.caption(f"The {TABLE_ROWS} latest of {total:,} events; download for all of them.")
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "date": st.column_config.DateColumn("Date"),
            "event_type": "Event type",
            "actor_names": "Actors",
            "source": "Source",
            "place_names": "Places",
            "excerpt": st.column_config.TextColumn("Excerpt", width="large"),
            "title": "Title",
            "url": st.column_config.LinkColumn("Article"),
        },
    )
    left, right = st.columns(2)
    left.download_button(
        "Download CSV",
        data=lambda: filters.to_csv_bytes(filters.rows_frame(index, rows)),
        file_name="events.csv",
        mime="text/csv",
        on_click="ignore",
    )
    right.download_button(
        "Download GeoJSON",
        data=lambda: filters.to_geojson_bytes(filters.rows_frame(index, rows)),
        file_name="events.geojson",
        mime="application/geo+json",
        on_click="ignore",
    )


def main() -> None:
    st.set_page_config(page_title="News-event map", page_icon="🗺️", layout="wide")
    where = app_paths()
    static_assets(str(where.static))
    st.title("News-event map")
    ensure_store(st.container())
    version = store_version(where.data)
    from geo import store

    try:
        index = event_index(str(where.data), version)
    except store.StoreError as error:
        st.error(f"There is no event store to show: {mapview.markdown_text(str(error))}")
        st.stop()
    options = filter_options(str(where.data), version)
    init_filter_state(options)
    refit_dates(options)
    event_filter = sidebar_filters(options)
    sidebar_uploads()
    sync_query_params(event_filter)
    view = filter_view(str(where.data), version, filter_key(event_filter))

    show_metrics(view.counts)
    map_col, detail_col = st.columns([3, 2])
    with map_col:
        markers = show_map(view.layer)
    with detail_col:
        show_detail(index, view.rows, markers)
    timeline_col, table_col = st.columns([2, 3])
    with timeline_col:
        show_timeline(view.per_day, view.counts.events, view.without_a_day)
    with table_col:
        show_table_and_downloads(index, view)
