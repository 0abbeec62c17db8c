"""Reading the store's tables; a missing or damaged file is named with how to rebuild."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from geo.store.state import (
    ACTORS_FILE,
    ARTICLES_FILE,
    EVENT_PLACES_FILE,
    EVENTS_FILE,
    PLACES_FILE,
    StoreCorruptError,
    StoreError,
    StoreMissingError,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd


T = TypeVar("T")


def _existing(data_dir: Path | str, name: str) -> Path:
    path = Path(data_dir) / name
    if not path.exists():
        raise StoreMissingError(f"{path} does not exist: run `python -m geo build` first")
    return path


def _read(data_dir: Path | str, name: str, reader: Callable[[Path], T]) -> T:
    """reader(path) for one store file; a damaged file raises StoreCorruptError naming it."""
    import pyarrow as pa

    path = _existing(data_dir, name)
    try:
        return reader(path)
    except OSError as error:
        if error.errno is not None:  # the system's error (permissions, I/O), not the file's
            raise StoreError(f"{path} cannot be read ({error.strerror or error})") from error
        # pyarrow's own, on a damaged page ("Couldn't deserialize thrift", "Corrupt snappy
        # compressed data"): an OSError with no errno.
        raise _damaged(path, error) from error
    except (pa.ArrowException, ValueError) as error:
        raise _damaged(path, error) from error


def _damaged(path: Path, error: Exception) -> StoreCorruptError:
    reason = " ".join(str(error).split())
    return StoreCorruptError(
        f"{path} is damaged ({reason}): run `python -m geo build` to rewrite the store"
    )


def load_event_places(data_dir: Path | str) -> gpd.GeoDataFrame:
    """One row per event x place (the map's data), in EPSG:4326."""
    import geopandas as gpd

    frame = _read(data_dir, EVENT_PLACES_FILE, gpd.read_parquet)
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise StoreError(f"{data_dir}/{EVENT_PLACES_FILE} is not in EPSG:4326: rebuild the store")
    return frame


def load_events(data_dir: Path | str) -> pd.DataFrame:
    """Every event, with or without a place, one row each."""
    import pandas as pd

    return _read(data_dir, EVENTS_FILE, pd.read_parquet)


def load_articles(data_dir: Path | str) -> pd.DataFrame:
    import pandas as pd

    return _read(data_dir, ARTICLES_FILE, pd.read_parquet)


def load_actors(data_dir: Path | str) -> pd.DataFrame:
    import pandas as pd

    return _read(data_dir, ACTORS_FILE, pd.read_parquet)


def load_places(data_dir: Path | str) -> pd.DataFrame:
    import pandas as pd

    return _read(data_dir, PLACES_FILE, pd.read_parquet)
