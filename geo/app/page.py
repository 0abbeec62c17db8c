"""What the dashboard's page computes, as plain functions: dashboard.py only lays it out.

Nothing here imports streamlit. Session state is passed in as a mapping, the URL's query
parameters as a dict, and every result is a value the page draws; so the page logic is
tested without a browser and cannot drift from the library.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pandas as pd

from geo.app import filters, mapview, store_view, tables

PACKAGE_DIR = Path(__file__).resolve().parent

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
ACTOR_ROLE_LABELS = {
    "either": "Acting or acted upon",
    "source": "Acting (source)",
    "target": "Acted upon (target)",
}

KEYS = {
    "dates": "f_dates",
    "actors": "f_actors",
    "actor_countries": "f_actor_countries",
    "sources": "f_sources",
    "place_countries": "f_place_countries",
    "event_types": "f_event_types",
    "place_role": "f_place_role",
    "actor_role": "f_actor_role",
    "text": "f_text",
}
"""Session-state keys of the filter widgets."""


# --------------------------------------------------------------------------- where


class AppPaths(NamedTuple):
    data: Path
    seeds: Path
    uploads: Path
    static: Path


def app_paths(root: Path, environ: Mapping[str, str] = os.environ) -> AppPaths:
    """Where the store, corpus and static files are, under the project `root` unless the
    NEWSMAP_* variables say otherwise. Read on every run: tests and benchmarks change them."""
    data = Path(environ.get("NEWSMAP_DATA_DIR", root / "data"))
    return AppPaths(
        data=data,
        seeds=Path(environ.get("NEWSMAP_SEEDS_DIR", root / "seeds")),
        uploads=data / "uploads",
        static=Path(environ.get("NEWSMAP_STATIC_DIR", root / "static")),
    )


def corpus_paths(where: AppPaths) -> tuple[Path, ...]:
    """The corpus the store in `where.data` was built from (the seed articles for a new
    store) and its uploads: the page rebuilds that same corpus, never another one."""
    from geo.store import store_corpus

    return store_corpus(where.data, default=[where.seeds])


def missing_corpus_paths(paths: Sequence[Path]) -> list[Path]:
    """Corpus paths that are gone: a rebuild without them would drop their articles."""
    return [p for p in paths if not p.exists()]


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


# --------------------------------------------------------------------------- data


def load_pipeline_resources():
    """The gazetteer and the NLP model a build from the page needs."""
    from geo.nlp import load_nlp
    from geo.places import load_gazetteer

    gazetteer = load_gazetteer()
    return gazetteer, load_nlp(gazetteer)


def open_event_store(data_dir: str):
    """The store's DuckDB connection the page queries (geo.app.store_view.open_store)."""
    return store_view.open_store(Path(data_dir))


def build_label(summary) -> str:
    """The line the page shows once a build is done."""
    skipped = f", {len(summary.skipped)} files skipped" if summary.skipped else ""
    return (
        f"Event store built: {summary.articles} articles, {summary.events} events, "
        f"{summary.places} places{skipped}"
    )


FilterKey = tuple[tuple[str, tuple[str, ...]], ...]


class MapLayer(NamedTuple):
    markers: store_view.PlaceColumns
    """The markers as columns: a PlaceMarker is made for a place asked for only."""
    script: str


def filter_key(event_filter: filters.EventFilter) -> FilterKey:
    """A hashable, stable cache key for a filter."""
    return tuple((k, tuple(v)) for k, v in sorted(filters.filter_to_params(event_filter).items()))


class FilterView(NamedTuple):
    """Everything the page shows for one filter, computed once and shared read-only."""

    event_filter: filters.EventFilter
    counts: filters.Metrics
    layer: MapLayer
    timeline: tables.Timeline
    without_a_day: int
    table: pd.DataFrame


def filter_view(con, key: FilterKey) -> FilterView:
    """What the page shows for one filter, queried from the store's connection `con`: one
    filtered selection shared by the views (geo.app.store_view.filter_view), one call per
    rerun, so the page caches one value per filter."""
    event_filter = filters.filter_from_params({k: list(v) for k, v in key})
    view = store_view.filter_view(con, event_filter, TABLE_ROWS)  # links: http(s) only
    return FilterView(
        event_filter=event_filter,
        counts=view.counts,
        layer=MapLayer(view.markers, view.script),
        timeline=tables.timeline(view.per_day),
        without_a_day=view.without_a_day,
        table=view.table,
    )


# --------------------------------------------------------------------------- filters


def choice_labels(choices: Sequence[filters.Choice]) -> dict[str, str]:
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
        KEYS["actor_role"]: "either",
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
    state[KEYS["actor_role"]] = fitted.actor_role
    state[KEYS["text"]] = fitted.text
    return state


def state_from_link(
    params: Mapping[str, Sequence[str]], options: filters.FilterOptions
) -> tuple[dict[str, object], str | None]:
    """Widget values from a shared link's query parameters, and a notice naming what in the
    link could not be applied (None when all of it could)."""
    event_filter = filters.filter_from_params(params)
    problems = filters.link_problems(params, event_filter, options)
    notice = None
    if problems:
        notice = "This link's filters could not all be applied: " + "; ".join(problems) + "."
    return state_from_filter(event_filter, options), notice


def refit_dates(state: MutableMapping[str, object], options: filters.FilterOptions) -> None:
    """Keep the date range inside the data's days when the store changes under a session:
    st.date_input raises on a value outside its bounds (see filters.refit_date_range)."""
    bounds = (options.date_min, options.date_max)
    old, state["date_bounds"] = state.get("date_bounds"), bounds
    if old is None or old == bounds:
        return
    dates = tuple(state.get(KEYS["dates"]) or ())  # type: ignore[arg-type]
    state[KEYS["dates"]] = filters.refit_date_range(dates, old, bounds)  # type: ignore[arg-type]


def current_filter(
    state: Mapping[str, object], options: filters.FilterOptions
) -> filters.EventFilter:
    """The filter the widgets' values in `state` describe."""
    dates = tuple(state.get(KEYS["dates"]) or ())  # type: ignore[arg-type]
    date_from = dates[0] if len(dates) >= 1 else None
    date_to = dates[1] if len(dates) >= 2 else None
    if date_from == options.date_min:
        date_from = None
    if date_to == options.date_max:
        date_to = None
    return filters.EventFilter(
        date_from=date_from,
        date_to=date_to,
        actors=tuple(state.get(KEYS["actors"], ())),  # type: ignore[arg-type]
        actor_countries=tuple(state.get(KEYS["actor_countries"], ())),  # type: ignore[arg-type]
        sources=tuple(state.get(KEYS["sources"], ())),  # type: ignore[arg-type]
        place_countries=tuple(state.get(KEYS["place_countries"], ())),  # type: ignore[arg-type]
        event_types=tuple(state.get(KEYS["event_types"], ())),  # type: ignore[arg-type]
        place_role=state.get(KEYS["place_role"], "any"),  # type: ignore[arg-type]
        actor_role=state.get(KEYS["actor_role"], "either"),  # type: ignore[arg-type]
        text=str(state.get(KEYS["text"], "")),
    )


# --------------------------------------------------------------------------- the map


BASE_MAP_INPUTS = ("foliummap.py", "mapview.py", "assets.py", "page.py")
"""Code that shapes the base map (geo/app/), part of its disk-cache key: this file holds
render_base_map_args and MAP_KEY."""
BASE_MAP_PACKAGES = ("folium", "branca", "streamlit-folium")


def base_map_cache_key(bounds: tuple[tuple[float, float], ...], asset_base: str) -> str:
    hasher = hashlib.sha256(json.dumps([bounds, asset_base]).encode())
    for package in BASE_MAP_PACKAGES:
        hasher.update(importlib.metadata.version(package).encode())
    for name in BASE_MAP_INPUTS:
        hasher.update((PACKAGE_DIR / name).read_bytes())
    return hasher.hexdigest()[:24]


def base_map_args(
    bounds: tuple[tuple[float, float], ...],
    asset_base: str,
    cache_dir: str,
    load_component: Callable[[], ModuleType],
) -> dict[str, object]:
    """st_folium's arguments for the base map, rendered once and kept on disk (keyed by the
    bounds, the code and the package versions): a new server process then shows its first
    map without importing folium and streamlit-folium, half a second. `load_component`
    gives the streamlit_folium module, imported by the page (geo/ never imports streamlit)
    and only when the map has to be rendered."""
    cached = Path(cache_dir) / f"basemap-{base_map_cache_key(bounds, asset_base)}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        cached.unlink(missing_ok=True)  # unreadable or torn: render it again
    args = render_base_map_args(bounds, asset_base, load_component())
    cached.parent.mkdir(parents=True, exist_ok=True)
    staged = cached.with_suffix(f".{os.getpid()}.tmp")
    staged.write_text(json.dumps(args), encoding="utf-8")
    staged.replace(cached)
    return args


def render_base_map_args(
    bounds: tuple[tuple[float, float], ...], asset_base: str, streamlit_folium: ModuleType
) -> dict[str, object]:
    """The same steps as streamlit_folium.st_folium (0.27) for the base map.

    tests/test_dashboard.py checks these equal what st_folium passes.
    """
    import folium.elements

    from geo.app import foliummap
    from geo.app.assets import asset_urls

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


def map_frontend_build() -> Path:
    """streamlit-folium's installed frontend build, found without importing the package
    (which would import folium, which the first render does not otherwise need)."""
    spec = importlib.util.find_spec("streamlit_folium")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            "streamlit-folium is not installed: run `python -m pip install -e .` in the project"
        )
    return Path(spec.origin).parent / "frontend" / "build"


def map_component_args(
    base: Mapping[str, object], layer_script: str, returned: Sequence[str]
) -> dict[str, object]:
    """streamlit-folium's component arguments from the cached base map: st_folium's call
    without re-rendering the map on every rerun."""
    defaults = {"bounds": base["bounds"], "zoom": base["zoom"]}
    return {
        "script": base["script"],
        "header": base["header"],
        "html": base["html"],
        "id": base["id"],
        "key": base["hash"],
        "height": MAP_HEIGHT,
        "width": None,
        "returned_objects": list(returned),
        "default": {k: defaults.get(k) for k in returned},
        "zoom": None,
        "center": None,
        "feature_group": layer_script,
        "return_on_hover": False,
        "layer_control": None,
        "pixelated": False,
        "css_links": base["css_links"],
        "js_links": base["js_links"],
        "wrap_longitude": False,
    }


def clicked_place(
    markers: Sequence[mapview.PlaceMarker],
    clicked: Mapping[str, object] | None,
    last_click: object,
) -> tuple[object, str | None]:
    """(the click's stamp, the key of the place it selects or None). A stamp equal to
    `last_click` is the map reporting an old click again on a rerun: it selects nothing."""
    clicked = clicked or {}
    click = clicked.get("last_object_clicked")
    stamp = (click, clicked.get("last_object_clicked_count"))
    if not click or stamp == last_click:
        return last_click, None
    place = mapview.find_clicked_place(
        markers,
        click["lat"],  # type: ignore[index]
        click["lng"],  # type: ignore[index]
        clicked.get("last_object_clicked_tooltip"),  # type: ignore[arg-type]
    )
    return stamp, (place.key if place is not None else None)


# --------------------------------------------------------------------------- the timeline


def timeline_spec(bars: tables.Timeline) -> dict[str, object]:
    """A plain Vega-Lite spec of the timeline's bars: no altair import or chart object per
    rerun. Weeks and months come summed and stacked (tables.timeline), so Vega draws
    rectangles and works out no time unit, aggregate or stack."""
    if bars.unit == "day":
        return _daily_spec(bars.counts)
    title, date_format = ("week of", "%b %d, %Y") if bars.unit == "week" else ("month", "%b %Y")
    return {
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "title": None},
            "x2": {"field": "end"},
            "y": {"field": "top", "type": "quantitative", "title": "events"},
            "y2": {"field": "bottom"},
            "color": {"field": "event_type", "type": "nominal", "title": "event type"},
            "tooltip": [
                {"field": "date", "type": "temporal", "title": title, "format": date_format},
                {"field": "event_type", "type": "nominal"},
                {"field": "events", "type": "quantitative"},
            ],
        },
        "height": 260,
    }


def _daily_spec(counts: pd.DataFrame) -> dict[str, object]:
    return {
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "date",
                "type": "temporal",
                "timeUnit": "yearmonthdate",
                "title": None,
                "axis": tables.timeline_axis(counts),
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
    }
