"""The gazetteer as the product uses it: cached, with the post-town fallback attached, and
GeoNames' dump when one was imported (full-GeoNames mode, geo.places.geonames_index).

Lives above both the gazetteer and geo.places.postal so that neither imports the other.
"""

from __future__ import annotations

import os
from pathlib import Path

from geo.places.cache import _load_cached, cache_key, default_cache_dir
from geo.places.gazetteer import Gazetteer
from geo.places.geonames_index import GeoNamesIndex, selected_index


def load_gazetteer(cache_dir: str | os.PathLike[str] | None = None) -> Gazetteer:
    """The full gazetteer: built and cached on first use, memory-mapped after;
    its fallback for names it lacks is geo.places.postal's post towns. With an imported
    GeoNames index in the cache dir (and GEO_GAZETTEER not `default`), it answers from that
    index too."""
    from geo.places.postal import postal_fallback

    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    key = cache_key()
    gazetteer = _load_cached(str(directory), key)
    if gazetteer._fallback_loader is None:
        gazetteer.set_fallback(postal_fallback(directory, key, gazetteer))
    _attach_index(gazetteer, selected_index(directory))
    return gazetteer


def _attach_index(gazetteer: Gazetteer, path: Path | None) -> None:
    """The cached gazetteer is shared: (re)attach whatever index is selected now, which a
    re-import or `geo gazetteer remove` in between may have changed."""
    current = gazetteer.index
    if path is None:
        if current is not None:
            gazetteer.set_index(None)
        return
    if current is not None and current.path == path and _same_import(current, path):
        return
    gazetteer.set_index(GeoNamesIndex(path))


def _same_import(index: GeoNamesIndex, path: Path) -> bool:
    return GeoNamesIndex(path).import_id == index.import_id


def active_index_id(cache_dir: str | os.PathLike[str] | None = None) -> str:
    """The import id of the index geoparsing would use now ("" for the default gazetteer):
    the build keys its cached analyses on it, without loading the gazetteer."""
    path = selected_index(Path(cache_dir) if cache_dir is not None else default_cache_dir())
    return GeoNamesIndex(path).import_id if path is not None else ""
