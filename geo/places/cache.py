"""The gazetteer's disk cache: flat numpy arrays, memory-mapped on load.

Loading it is a handful of memory maps rather than a parse of 180 MB of JSON; the key
changes whenever a source package, a data file the build reads (supplement, demonyms,
GeoNames' points) or the build rules do.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from geo.places import geonames_points
from geo.places.gazetteer import Gazetteer, _tables_from_rows
from geo.places.sources import _package_versions, build_rows, demonyms_path, supplement_path

_LOG = logging.getLogger(__name__)

FORMAT_VERSION = 7
"""Bump when the cached layout or the build rules change (4: countries and admin-1 regions on
GeoNames' own points; 5: each place's point source stored, the `point` array; 6: a digest of
each array in meta.json, checked on load; 7: countries' official-name initials, "KSA")."""


def default_cache_dir() -> Path:
    return Path(os.environ.get("GEO_CACHE_DIR") or Path.home() / ".cache" / "newsmap-geo")


def cache_key(supplement: Path | None = None) -> str:
    """Changes whenever a source package, a data file the build reads (the supplement, the
    demonyms, GeoNames' points) or the build rules do."""
    digest = hashlib.sha256()
    digest.update(json.dumps(_package_versions(), sort_keys=True).encode())
    digest.update(str(FORMAT_VERSION).encode())
    for path in (supplement or supplement_path(), demonyms_path(), geonames_points.DEFAULT_PATH):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _save(tables: Mapping[str, object], target: Path) -> None:
    """Write to a temporary sibling directory, then rename: readers never
    see a half-written cache."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    try:
        digests = {}
        for name, array in tables["arrays"].items():  # type: ignore[attr-defined]
            np.save(tmp / f"{name}.npy", array, allow_pickle=False)
            digests[name] = _digest(tmp / f"{name}.npy")
        meta = {**tables["meta"], "arrays": sorted(digests)}  # type: ignore[dict-item]
        meta["digests"] = digests
        (tmp / "meta.json").write_text(json.dumps(meta), "utf-8")
        try:
            os.replace(tmp, target)
        except OSError:
            if not (target / "meta.json").exists():  # not a concurrent builder's result
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _digest(path: Path) -> str:
    """A garbled array keeps its size and parses, so only its bytes can tell (0.1 s for the
    gazetteer's 42 MB, 0.25 s for the postal towns' 92 MB)."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "blake2b").hexdigest()[:32]


def _load(directory: Path) -> Gazetteer:
    meta = json.loads((directory / "meta.json").read_text("utf-8"))
    digests = meta.get("digests")
    if not isinstance(digests, dict) or not digests:
        raise ValueError("meta.json holds no digests of the arrays")
    for name, expected in digests.items():
        if _digest(directory / f"{name}.npy") != expected:
            raise ValueError(f"{name}.npy is not the array its build wrote (digest differs)")
    arrays = {  # plain ndarray views of the maps: element access on np.memmap is slow
        path.stem: np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)
        for path in directory.glob("*.npy")
    }
    missing = (set(meta.get("arrays", ())) | _array_names()) - set(arrays)
    if missing:
        raise ValueError(f"{', '.join(sorted(missing))} missing")
    return Gazetteer(arrays, meta)


@functools.cache
def _array_names() -> frozenset[str]:
    """The arrays every gazetteer has (an empty one's), whether or not meta.json lists them:
    caches written before the list went into it have none."""
    return frozenset(_tables_from_rows([], {})["arrays"])  # type: ignore[arg-type]


CacheDamage = (ValueError, KeyError, TypeError, OSError, EOFError)
"""What loading a truncated, garbled or foreign cache raises (JSONDecodeError is a ValueError;
an object array, which would need unpickling, is refused with a ValueError; an emptied .npy
is numpy's EOFError)."""


def load_or_rebuild(target: Path, build: Callable[[], Mapping[str, object]]) -> Gazetteer:
    """The cache in `target`, built first if absent; a damaged one is said so and rebuilt."""
    if (target / "meta.json").exists():
        try:
            return _load(target)
        except CacheDamage as error:
            _LOG.warning(
                "the gazetteer cache %s is damaged (%s: %s): rebuilding it",
                target,
                type(error).__name__,
                error,
            )
            shutil.rmtree(target)
    _save(build(), target)
    return _load(target)


def build_gazetteer(supplement: Path | None = None) -> Gazetteer:
    """The full gazetteer, built from the source packages (tens of seconds)."""
    rows, demonyms = build_rows(supplement)
    tables = _tables_from_rows(rows, demonyms)
    return Gazetteer(tables["arrays"], tables["meta"])  # type: ignore[arg-type]


@functools.lru_cache(maxsize=4)
def _load_cached(cache_dir: str, key: str) -> Gazetteer:
    return load_or_rebuild(Path(cache_dir) / f"gazetteer-{key}", _build_tables)


def _build_tables() -> Mapping[str, object]:
    rows, demonyms = build_rows()
    return _tables_from_rows(rows, demonyms)
