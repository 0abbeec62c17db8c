"""The page's CSV and GeoJSON downloads, streamed from a query over the store's query
database (geo.app.store_view): the passing rows a batch at a time, never a loaded frame.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo.app.filters import EventFilter
from geo.app.store_view import DERIVED, store_where
from geo.app.tables import defuse_formulas

if TYPE_CHECKING:
    import duckdb

DOWNLOAD_BATCH_ROWS = 50_000


def _download_batches(
    con: duckdb.DuckDBPyConnection, event_filter: EventFilter
) -> Iterator[pd.DataFrame]:
    """The passing rows (one per event × place, every stored column), a batch at a time."""
    cur = con.cursor()
    try:
        where, params = store_where(cur, event_filter)
        relation = cur.sql(
            f"SELECT * EXCLUDE ({DERIVED}, place_lat, place_lon), place_lat AS lat,"
            " place_lon AS lon"
            " FROM event_places WHERE " + where + " ORDER BY date DESC NULLS LAST,"
            " event_id, place_key",
            params=params,
        )
        reader = relation.to_arrow_reader(DOWNLOAD_BATCH_ROWS)
        empty = True
        for batch in reader:
            empty = False
            yield batch.to_pandas()
        if empty:  # the columns still: a CSV of no rows keeps its header
            yield reader.schema.empty_table().to_pandas()
    finally:
        cur.close()


def csv_bytes(con: duckdb.DuckDBPyConnection, event_filter: EventFilter) -> bytes:
    """The passing rows as CSV (lat/lon columns, spreadsheet formulas defused), written a
    batch at a time from the query."""
    buffer = io.StringIO()
    header = True
    for frame in _download_batches(con, event_filter):
        for column in frame.columns:
            frame[column] = defuse_formulas(frame[column])
        # RFC 4180's CRLF, as geo.app.tables.to_csv_bytes.
        frame.to_csv(buffer, index=False, lineterminator="\r\n", header=header)
        header = False
    return buffer.getvalue().encode("utf-8")


def _json_value(value: object) -> object:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def geojson_bytes(con: duckdb.DuckDBPyConnection, event_filter: EventFilter) -> bytes:
    """The passing rows as a GeoJSON FeatureCollection of points (dates as ISO days),
    written a batch at a time from the query."""
    out = io.StringIO()
    out.write('{"type": "FeatureCollection", "features": [')
    first = True
    for frame in _download_batches(con, event_filter):
        for row in frame.to_dict("records"):
            lat, lon = row.pop("lat"), row.pop("lon")
            feature = {
                "type": "Feature",
                "properties": {k: _json_value(v) for k, v in row.items()},
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
            out.write(("" if first else ", ") + json.dumps(feature, ensure_ascii=False))
            first = False
    out.write("]}")
    return out.getvalue().encode("utf-8")
