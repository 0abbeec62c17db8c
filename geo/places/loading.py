"""The gazetteer as the product uses it: cached, with the post-town fallback attached.

Lives above both the gazetteer and geo.places.postal so that neither imports the other.
"""

from __future__ import annotations

import os
from pathlib import Path

from geo.places.cache import _load_cached, cache_key, default_cache_dir
from geo.places.gazetteer import Gazetteer


def load_gazetteer(cache_dir: str | os.PathLike[str] | None = None) -> Gazetteer:
    """The full gazetteer: built and cached on first use, memory-mapped after;
    its fallback for names it lacks is geo.places.postal's post towns."""
    from geo.places.postal import postal_fallback

    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    key = cache_key()
    gazetteer = _load_cached(str(directory), key)
    if gazetteer._fallback_loader is None:
        gazetteer.set_fallback(postal_fallback(directory, key, gazetteer))
    return gazetteer
