"""News-event map: `streamlit run dashboard.py`.

Layout only: what the page shows is computed by geo.app (page, filters, mapview, uploads),
the store is geo.store and geo.pipeline. This script places widgets and caches results.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from geo.app import (
    assets,
    detail_panel,
    filters,
    mapview,
    page,
    store_downloads,
    store_view,
    uploads,
)

ROOT = Path(__file__).resolve().parent
KEYS = page.KEYS
PLACE_PICK_KEY = "place_pick"

# --------------------------------------------------------------------------- cached data
# The store's connection is a resource (one per store version: a rebuild or an upload changes
# the manifest, so the next run opens the new store). The option lists are data. A filter's
# view is a resource too: pickling thousands of markers on every rerun would cost more than
# the rest of the rerun. Nothing cached here is mutated.


@st.cache_resource(show_spinner=False)
def static_assets(static_dir: str) -> Path:
    """The map's local JS/CSS and outlines, installed once per server process."""
    return assets.install_static_assets(Path(static_dir))


@st.cache_resource(show_spinner="Loading the gazetteer and language model…")
def pipeline_resources():
    """Loaded once per server process and reused by every build."""
    return page.load_pipeline_resources()


@st.cache_resource(show_spinner="Opening the event store…", max_entries=2)
def event_store(data_dir: str, version: str):
    return page.open_event_store(data_dir)


@st.cache_data(max_entries=4, show_spinner=False)
def filter_options(data_dir: str, version: str) -> filters.FilterOptions:
    return store_view.filter_options(event_store(data_dir, version))


@st.cache_resource(max_entries=32, show_spinner=False)
def filter_view(data_dir: str, version: str, key: page.FilterKey) -> page.FilterView:
    return page.filter_view(event_store(data_dir, version), key)


@st.cache_resource(max_entries=8, show_spinner=False)
def base_map_args(bounds, asset_base: str, cache_dir: str) -> dict[str, object]:
    return page.base_map_args(
        bounds, asset_base, cache_dir, lambda: importlib.import_module("streamlit_folium")
    )


@st.cache_resource(show_spinner=False)
def map_frontend():
    """streamlit-folium's frontend, declared from its installed build."""
    return components.declare_component("st_folium", path=str(page.map_frontend_build()))


# --------------------------------------------------------------------------- the store


def ensure_store(area, where: page.AppPaths) -> None:
    """Build data/ from the corpus when it is missing or stale, showing progress in `area`,
    a container the page always has (the map is not remounted once the build is done)."""
    from geo import store

    # Checked on a session's first run and after an upload, not on every filter
    # change: hashing the analysis code and the corpus would cost each rerun ~30 ms.
    if st.session_state.get("store_checked") and not st.session_state.get("corpus_changed"):
        return
    st.session_state["store_checked"] = True
    st.session_state["corpus_changed"] = False
    try:
        paths = page.corpus_paths(where)
    except store.StoreCorruptError as error:  # which corpus to rebuild is unknown
        area.warning(f"{mapview.markdown_text(str(error))}. The map shows the store as it is.")
        return
    gone = page.missing_corpus_paths(paths)
    if gone:
        # Rebuilding without them would drop their articles from the store.
        area.warning(
            "The store was built from "
            + ", ".join(f"`{mapview.markdown_text(str(p))}`" for p in gone)
            + ", which is gone, so it is not rebuilt: the map shows the store as it is. "
            "Run `python -m geo build PATH…` to build it from the corpus where it is now."
        )
        return
    if not store.store_is_stale(where.data, paths):
        return
    from geo import pipeline

    with area.status("Building the event store from the articles…", expanded=True) as status:
        bar = st.progress(0.0, text="Loading the gazetteer and language model…")
        gazetteer, nlp = pipeline_resources()

        def progress(done: int, total: int, message: str) -> None:
            bar.progress(min(1.0, done / total) if total else 1.0, text=message)

        try:
            summary = pipeline.build_store(
                paths, where.data, progress=progress, nlp=nlp, gazetteer=gazetteer
            )
        except (store.StoreError, OSError) as error:
            # The build writes atomically: the last store built, if any, is still whole.
            status.update(label="The event store could not be rebuilt", state="error")
            st.error(
                f"{mapview.markdown_text(str(error))}. "
                "The map shows the last store built, if there is one."
            )
            return
        results = st.session_state.get("upload_results", ())
        st.session_state["upload_results"] = uploads.note_left_off(results, summary.skipped)
        status.update(label=page.build_label(summary), state="complete", expanded=False)


# --------------------------------------------------------------------------- sidebar


def init_filter_state(options: filters.FilterOptions) -> None:
    """On a session's first run, take the filters from the URL (a shared link)."""
    if "filters_initialised" in st.session_state:
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    state, notice = page.state_from_link(params, options)
    for key, value in state.items():
        st.session_state[key] = value
    if notice:
        st.session_state["link_notice"] = notice
    st.session_state["filters_initialised"] = True


def reset_filters(options: filters.FilterOptions) -> None:
    for key, value in page.default_state(options).items():
        st.session_state[key] = value
    # "last_click" stays: the map reports its last click on every rerun, and without it
    # that old click would select its place again at once.
    st.session_state.pop("selected_place", None)
    st.session_state.pop("link_notice", None)


def sync_query_params(event_filter: filters.EventFilter) -> None:
    """Mirror the filter into the URL so the page can be shared as a link."""
    wanted = filters.filter_to_params(event_filter)
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


def sidebar_filters(options: filters.FilterOptions) -> filters.EventFilter:
    sb = st.sidebar
    sb.header("Filters")
    # Above every widget that can change height: a focused multiselect whose values fill its
    # line is a line taller, and the mousedown that blurs it would move a button below it
    # away from under the mouseup (tests/e2e/test_dashboard_browser.py).
    sb.button("Reset filters", on_click=reset_filters, args=(options,), width="stretch")
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
        labels = page.choice_labels(choices)
        sb.multiselect(
            label,
            options=list(labels),
            format_func=lambda value, labels=labels: labels.get(value, value),
            key=KEYS[name],
            placeholder="All",
        )
    sb.radio(
        "Chosen actors take part",
        options=list(page.ACTOR_ROLE_LABELS),
        format_func=page.ACTOR_ROLE_LABELS.__getitem__,
        key=KEYS["actor_role"],
        help="Events in which the chosen actors act (source), are acted upon (target), or either.",
        disabled=not st.session_state.get(KEYS["actors"]),
    )
    sb.radio(
        "Place role",
        options=list(page.ROLE_LABELS),
        format_func=page.ROLE_LABELS.__getitem__,
        key=KEYS["place_role"],
        help="Places where the event happened, or also places only named in its sentence.",
    )
    sb.text_input("Search excerpts", key=KEYS["text"], placeholder="e.g. water cannon")
    return page.current_filter(st.session_state, options)


def sidebar_uploads(where: page.AppPaths) -> None:
    sb = st.sidebar
    sb.header("Add articles")
    round_ = st.session_state.setdefault("upload_round", 0)
    files = sb.file_uploader(
        "Upload .txt, .html or .jsonl",
        type=[s.lstrip(".") for s in uploads.UPLOAD_SUFFIXES],
        accept_multiple_files=True,
        key=f"uploader_{round_}",
        help=f"At most {uploads.MAX_UPLOAD_BYTES // 2**20} MB a file. "
        "Files are added to data/uploads/.",
    )
    if files:
        results = [uploads.save_upload(f.name, f.getvalue(), where.uploads) for f in files]
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


def show_map(layer: page.MapLayer, where: page.AppPaths) -> store_view.PlaceColumns:
    """Draw the map; returns its markers. A click selects a place for the panel."""
    markers = layer.markers
    if "map_bounds" not in st.session_state:
        # The first render fits the (URL-)filtered markers; later filter changes
        # only swap markers, keeping the user's view (no remount, no zoom reset).
        st.session_state["map_bounds"] = markers.bounds()
    cache_dir = where.static / "newsmap" / "basemaps"
    base = base_map_args(st.session_state["map_bounds"], page.ASSET_BASE_URL, str(cache_dir))
    args = page.map_component_args(base, layer.script, page.RETURNED_OBJECTS)
    hash_key = args["key"]

    def on_change() -> None:
        st.session_state[page.MAP_KEY] = st.session_state.get(hash_key, {})

    clicked = map_frontend()(**args, on_change=on_change)
    stamp, place_key = page.clicked_place(markers, clicked, st.session_state.get("last_click"))
    st.session_state["last_click"] = stamp
    if place_key is not None:
        st.session_state["selected_place"] = place_key
    st.caption(
        "● a point place (city, village, crossing) · ◇ dashed: a country, region, river "
        "or sea at a representative point · size: number of events · numbers: clusters"
    )
    return markers


def _place_picked() -> None:
    st.session_state["selected_place"] = st.session_state[PLACE_PICK_KEY]


def show_detail(con, event_filter: filters.EventFilter, markers: store_view.PlaceColumns) -> None:
    st.subheader("Place details")
    names = markers.labels()
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
    detail = store_view.place_detail(con, event_filter, place_key)
    name = markers.names[markers.keys.index(place_key)]
    with st.container(height=page.MAP_HEIGHT - 80):
        st.html(detail_panel.detail_html(name, detail.events, total=detail.total))


def show_timeline(view: page.FilterView) -> None:
    st.subheader(f"Events per {view.timeline.unit}")
    if view.without_a_day:
        st.caption(
            f"{view.without_a_day:,} events dated only to a week, month, season or year "
            "are not drawn."
        )
    if view.timeline.counts.empty:
        st.caption("No dated events." if view.counts.events else "No events match the filters.")
        return
    st.vega_lite_chart(view.timeline.counts, page.timeline_spec(view.timeline))


def show_table_and_downloads(con, view: page.FilterView) -> None:
    table, event_filter, total = view.table, view.event_filter, view.counts.events
    st.subheader("Events")
    if total > page.TABLE_ROWS:
        st.caption(f"The {page.TABLE_ROWS} latest of {total:,} events; download for all of them.")
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "date": st.column_config.DateColumn("Date"),
            "source_names": "Source actors",
            "event_type": "Event type",
            "target_names": "Target actors",
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
        data=lambda: store_downloads.csv_bytes(con, event_filter),
        file_name="events.csv",
        mime="text/csv",
        on_click="ignore",
    )
    right.download_button(
        "Download GeoJSON",
        data=lambda: store_downloads.geojson_bytes(con, event_filter),
        file_name="events.geojson",
        mime="application/geo+json",
        on_click="ignore",
    )


def main() -> None:
    st.set_page_config(page_title="News-event map", page_icon="🗺️", layout="wide")
    where = page.app_paths(ROOT)
    static_assets(str(where.static))
    st.title("News-event map")
    ensure_store(st.container(), where)
    version = page.store_version(where.data)
    from geo import store

    try:
        con = event_store(str(where.data), version)
        options = filter_options(str(where.data), version)
    except store.StoreError as error:
        st.error(f"There is no event store to show: {mapview.markdown_text(str(error))}")
        st.stop()
    init_filter_state(options)
    page.refit_dates(st.session_state, options)
    event_filter = sidebar_filters(options)
    sidebar_uploads(where)
    sync_query_params(event_filter)
    view = filter_view(str(where.data), version, page.filter_key(event_filter))

    show_metrics(view.counts)
    map_col, detail_col = st.columns([3, 2])
    with map_col:
        markers = show_map(view.layer, where)
    with detail_col:
        show_detail(con, view.event_filter, markers)
    timeline_col, table_col = st.columns([2, 3])
    with timeline_col:
        show_timeline(view)
    with table_col:
        show_table_and_downloads(con, view)


main()
