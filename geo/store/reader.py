"""Reading the store's tables: the live rows of every partition (each article's newest, no
tombstones), or a flat store's files; a missing or damaged file is named with how to
rebuild."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from geo.store.partitions import (
    ACTORS_TABLE,
    ARTICLES_TABLE,
    EVENT_PLACES_TABLE,
    EVENTS_TABLE,
    PART_COLUMN,
    PLACES_TABLE,
    TABLES,
    Partition,
    has_superseded_rows,
    live_rows,
    manifest_partitions,
    row_keys,
)
from geo.store.state import (
    MANIFEST_FILE,
    StoreCorruptError,
    StoreError,
    StoreMissingError,
    read_manifest,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    import pyarrow as pa


T = TypeVar("T")

PLACE_COLUMNS = [
    "place_key",
    "name",
    "kind",
    "country_code",
    "lat",
    "lon",
    "gazetteer",
    "geonameid",
    "population",
    "admin1",
    "mentions",
    "events",
    "located_events",
    "articles",
    "precision",
]
"""`precision`: the finest ACLED geo_precision any article names the place with (1 the place
itself, 2 a part of or near it, 3 only as its region); null in stores written before it."""
ACTOR_COLUMNS = ["actor_id", "name", "type", "country_code", "mentions", "events", "articles"]


def _missing(path: Path) -> StoreMissingError:
    return StoreMissingError(f"{path} does not exist: run `python -m geo build` first")


def _read(path: Path, reader: Callable[[Path], T]) -> T:
    """reader(path) for one store file; a damaged file raises StoreCorruptError naming it."""
    import pyarrow as pa

    if not path.exists():
        raise _missing(path)
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


def store_partitions(data_dir: Path | str) -> tuple[Partition, ...] | None:
    """The committed partitions; None for a flat store (one file per table, format 2).

    With the manifest damaged, the partitions whose files every table has: the rows say
    which are live, so the store stays readable until a build rewrites it."""
    data_dir = Path(data_dir)
    try:
        manifest = read_manifest(data_dir)
    except StoreCorruptError:
        found = _partitions_on_disk(data_dir)
        if not found:
            raise
        return found
    if manifest is None:
        if (data_dir / EVENT_PLACES_TABLE).is_file():
            return None  # a flat store from before manifests
        # Partition files with no manifest are a first build's, killed before it committed.
        raise _missing(data_dir / MANIFEST_FILE)
    partitions = manifest_partitions(manifest)
    if partitions or (manifest or {}).get("partitions") == []:
        return partitions
    return None


def _flat_file(data_dir: Path, table: str) -> Path:
    """A flat store's file of `table`: where a migration killed midway moved it aside (its
    place taken by the uncommitted partition's folder), it is still read from there."""
    path = data_dir / table
    aside = data_dir / f".flat-{table}"
    return aside if not path.is_file() and aside.is_file() else path


def _partitions_on_disk(data_dir: Path) -> tuple[Partition, ...]:
    numbers = None
    for table in TABLES:
        folder = data_dir / table
        names = {f.name for f in folder.glob("part-*.parquet")} if folder.is_dir() else set()
        numbers = names if numbers is None else numbers & names
    parts = sorted(int(n[5:11]) for n in numbers or () if n[5:11].isdigit())
    # rows != live: which rows are live is read from the articles tables.
    return tuple(Partition(part, rows=1, live=0, tombstones=0, files={}) for part in parts)


def _frames(data_dir: Path, table: str, reader: Callable[[Path], T]) -> tuple[list[T], bool]:
    """reader() of each of the table's files, and whether it is partitioned."""
    partitions = store_partitions(data_dir)
    if partitions is None:
        return [_read(_flat_file(data_dir, table), reader)], False
    return [_read(p.path(data_dir, table), reader) for p in partitions], True


def _live_keys(data_dir: Path) -> pa.Array | None:
    """row_keys of the live articles; None when every row is live."""
    partitions = store_partitions(data_dir)
    if not partitions or not has_superseded_rows(partitions):
        return None
    return live_row_keys(data_dir, partitions)


def read_columns(
    data_dir: Path, partitions: Sequence[Partition], table: str, columns: list[str]
) -> pa.Table:
    """The table's `columns` over `partitions` (superseded rows included), a damaged file
    named in a StoreCorruptError."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pa.concat_tables(
        _read(p.path(data_dir, table), lambda f: pq.read_table(f, columns=columns))
        for p in partitions
    )


def live_row_keys(data_dir: Path, partitions: Sequence[Partition]) -> pa.Array:
    """row_keys ("article_id\0part") of the live rows of `partitions`, from the articles
    tables alone, to filter any table with."""
    articles = read_columns(
        data_dir, partitions, ARTICLES_TABLE, ["article_id", PART_COLUMN, "removed"]
    )
    return row_keys(live_rows(articles))


def _live_arrow(data_dir: Path | str, table: str) -> pa.Table:
    """The table's live rows across partitions (a flat store's file as it is)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    data_dir = Path(data_dir)
    tables, partitioned = _frames(data_dir, table, pq.read_table)
    rows = pa.concat_tables(tables, promote_options="permissive")
    if not partitioned:
        return rows
    live = _live_keys(data_dir)
    if live is not None:
        rows = rows.filter(pc.is_in(row_keys(rows), value_set=live))
    if "removed" in rows.column_names:
        rows = rows.filter(pc.invert(pc.fill_null(rows["removed"], False))).drop_columns("removed")
    return rows


def _live_geoparquet(data_dir: Path) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd

    frames, partitioned = _frames(data_dir, EVENT_PLACES_TABLE, gpd.read_parquet)
    kept = [f for f in frames if len(f)] or frames[:1]
    frame = kept[0] if len(kept) == 1 else pd.concat(kept, ignore_index=True)
    live = _live_keys(data_dir) if partitioned else None
    if live is None or frame.empty:
        return frame
    keys = frame["article_id"].astype(str) + "\0" + frame[PART_COLUMN].astype(str)
    wanted = set(live.to_pylist())
    return frame[keys.isin(wanted).to_numpy()].reset_index(drop=True)


def load_event_places(data_dir: Path | str) -> gpd.GeoDataFrame:
    """One row per event x place (the map's data), in EPSG:4326."""

    frame = _live_geoparquet(Path(data_dir))
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise StoreError(f"{data_dir}/{EVENT_PLACES_TABLE} is not in EPSG:4326: rebuild the store")
    # Partitions written before the precision was kept read as unknown (null).
    if "place_precision" not in frame.columns:
        frame["place_precision"] = None
    frame["place_precision"] = frame["place_precision"].astype("Int64")
    return frame


def load_events(data_dir: Path | str) -> pd.DataFrame:
    """Every event, with or without a place, one row each."""
    return _live_arrow(data_dir, EVENTS_TABLE).to_pandas()


def load_articles(data_dir: Path | str) -> pd.DataFrame:
    """One row per article the store holds (superseded versions and tombstones left out)."""
    return _live_arrow(data_dir, ARTICLES_TABLE).to_pandas()


def _aggregate(frame: pd.DataFrame, key: str, columns: list[str]) -> pd.DataFrame:
    """Per-article rows summed over the store: counts added, an article counted where it
    mentions the key."""
    import pandas as pd

    if "article_id" not in frame.columns:  # a flat store's table is the sum already
        return frame
    if frame.empty:
        return pd.DataFrame(columns=columns)
    sums = [c for c in ("mentions", "events", "located_events") if c in columns]
    finest = [c for c in ("precision",) if c in columns]
    firsts = [c for c in columns if c not in (key, *sums, *finest, "articles")]
    grouped = frame.groupby(key, sort=False)
    out = grouped[firsts].first()
    out[sums] = grouped[sums].sum()
    if finest:
        out[finest] = grouped[finest].min()
    out["articles"] = grouped["mentions"].agg(lambda m: int((m > 0).sum()))
    return out.reset_index()[columns]


def load_actors(data_dir: Path | str) -> pd.DataFrame:
    frame = _live_arrow(data_dir, ACTORS_TABLE).to_pandas()
    return _aggregate(frame, "actor_id", ACTOR_COLUMNS)


def load_places(data_dir: Path | str) -> pd.DataFrame:
    frame = _live_arrow(data_dir, PLACES_TABLE).to_pandas()
    if "precision" not in frame.columns:  # written before precision was kept: unknown
        frame["precision"] = None
    frame = _aggregate(frame, "place_key", PLACE_COLUMNS)
    frame["geonameid"] = frame["geonameid"].astype("Int64")
    frame["precision"] = frame["precision"].astype("Int64")
    return frame
