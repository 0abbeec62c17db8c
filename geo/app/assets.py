"""Leaflet assets and an offline basemap served from installed packages.

The map must work with no internet: folium's CDN links are replaced by files
copied from the XStatic packages the project depends on, and the basemap falls
back to Natural Earth country outlines shipped inside pyogrio's wheel (public
domain, a dependency of geopandas). Nothing here is vendored into the repo:
`install_static_assets` copies into a gitignored folder that Streamlit serves
(`server.enableStaticServing`: ./static/ -> /app/static/).
"""

from __future__ import annotations

import importlib.resources
import json
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ASSET_DIR_NAME = "newsmap"
"""Sub-folder of the app's static dir that this module owns."""

OUTLINES_FILE = "country_outlines.geojson"


class AssetError(RuntimeError):
    """A package that ships a map asset is missing or incomplete."""


@dataclass(frozen=True)
class LocalAsset:
    """One file copied from an installed package, and the CDN URL it stands in for."""

    name: str
    package: str
    relative_path: str
    cdn_urls: tuple[str, ...] = ()

    def source(self) -> Path:
        try:
            root = importlib.resources.files(self.package)
        except ModuleNotFoundError as exc:
            raise AssetError(
                f"{self.package} is not installed: run `python -m pip install -e .`"
            ) from exc
        path = Path(str(root / self.relative_path))
        if not path.is_file():
            raise AssetError(
                f"{path} is missing from {self.package}: reinstall it with "
                "`python -m pip install --force-reinstall -e .`"
            )
        return path


JS_ASSETS = (
    LocalAsset(
        "leaflet.js",
        "xstatic.pkg.leaflet",
        "data/leaflet.js",
        ("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",),
    ),
    LocalAsset(
        "leaflet.markercluster.js",
        "xstatic.pkg.leaflet_markercluster",
        "data/leaflet.markercluster.js",
        (
            "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/"
            "leaflet.markercluster.js",
        ),
    ),
)

CSS_ASSETS = (
    LocalAsset(
        "leaflet.css",
        "xstatic.pkg.leaflet",
        "data/leaflet.css",
        ("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",),
    ),
    LocalAsset(
        "MarkerCluster.css",
        "xstatic.pkg.leaflet_markercluster",
        "data/MarkerCluster.css",
        ("https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css",),
    ),
    LocalAsset(
        "MarkerCluster.Default.css",
        "xstatic.pkg.leaflet_markercluster",
        "data/MarkerCluster.Default.css",
        (
            "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/"
            "MarkerCluster.Default.css",
        ),
    ),
)

NATURAL_EARTH_PACKAGE = "pyogrio"
NATURAL_EARTH_PATH = "tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp"


@dataclass(frozen=True)
class AssetUrls:
    """Where the browser fetches each asset from, as folium wants them."""

    js: tuple[tuple[str, str], ...]
    css: tuple[tuple[str, str], ...]
    outlines: str


def asset_urls(base_url: str) -> AssetUrls:
    """URLs under `base_url` (e.g. the iframe-relative path of /app/static/newsmap)."""
    base = base_url.rstrip("/")
    return AssetUrls(
        js=tuple((a.name, f"{base}/{a.name}") for a in JS_ASSETS),
        css=tuple((a.name, f"{base}/{a.name}") for a in CSS_ASSETS),
        outlines=f"{base}/{OUTLINES_FILE}",
    )


def cdn_to_local() -> dict[str, Path]:
    """Every known CDN URL → the installed file that replaces it (for offline tests)."""
    return {url: asset.source() for asset in (*JS_ASSETS, *CSS_ASSETS) for url in asset.cdn_urls}


def natural_earth_path() -> Path:
    try:
        root = importlib.resources.files(NATURAL_EARTH_PACKAGE)
    except ModuleNotFoundError as exc:
        raise AssetError(
            f"{NATURAL_EARTH_PACKAGE} is not installed: run `python -m pip install -e .`"
        ) from exc
    path = Path(str(root / NATURAL_EARTH_PATH))
    if not path.is_file():
        raise AssetError(
            f"Natural Earth outlines not found at {path}: install the pinned "
            f"{NATURAL_EARTH_PACKAGE} with `python -m pip install -e .`"
        )
    return path


@lru_cache(maxsize=4)
def country_outlines_geojson(tolerance: float = 0.05, decimals: int = 2) -> str:
    """Simplified admin-0 outlines as compact GeoJSON text (name property only)."""
    if tolerance < 0 or decimals < 0:
        raise ValueError("tolerance and decimals must be >= 0")
    import geopandas as gpd
    import shapely

    world = gpd.read_file(natural_earth_path())[["name", "geometry"]]
    simplified = world.geometry.simplify(tolerance, preserve_topology=True)
    world = world.set_geometry(shapely.set_precision(simplified.values, 10.0**-decimals))
    world = world[~world.geometry.is_empty]
    features = [
        {
            "type": "Feature",
            "properties": {"name": name},
            "geometry": shapely.geometry.mapping(geom),
        }
        for name, geom in zip(world["name"], world.geometry, strict=True)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


def install_static_assets(static_dir: Path) -> Path:
    """Copy the map's JS/CSS and outlines into `static_dir`/newsmap; idempotent.

    Files are copied only when missing or of a different size, so calling this
    on every app start costs a few stat() calls.
    """
    target = Path(static_dir) / ASSET_DIR_NAME
    target.mkdir(parents=True, exist_ok=True)
    for asset in (*JS_ASSETS, *CSS_ASSETS):
        source = asset.source()
        dest = target / asset.name
        if not dest.is_file() or dest.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, dest)
    outlines = target / OUTLINES_FILE
    if not outlines.is_file():
        tmp = outlines.with_suffix(".tmp")
        tmp.write_text(country_outlines_geojson(), encoding="utf-8")
        tmp.replace(outlines)
    return target
