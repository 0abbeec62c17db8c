"""Events → the GeoDataFrame the store and dashboard share.

One row per event × place. Multi-valued actor fields are joined with
`LIST_SEP` so the frame stays flat, filterable and Parquet-friendly.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.model import Event

LIST_SEP = "|"

EVENT_PLACE_COLUMNS = (
    "event_id",
    "article_id",
    "event_type",
    "date",
    "date_precision",
    "actor_ids",
    "actor_names",
    "actor_types",
    "actor_countries",
    "source_ids",
    "source_names",
    "target_ids",
    "target_names",
    "cameo",
    "trigger",
    "trigger_start",
    "trigger_end",
    "excerpt",
    "start",
    "end",
    "context_before",
    "context_after",
    "source",
    "url",
    "published",
    "title",
    "place_key",
    "place_name",
    "place_kind",
    "place_country",
    "place_lat",
    "place_lon",
    "geonameid",
    "gazetteer",
    "mention",
    "mention_start",
    "mention_end",
    "role",
    "place_precision",
)
"""`place_precision` is ACLED's geo_precision of the place for the event (1 the place itself,
2 a part of it or near it, 3 its region or country only); null where it is not known (stores
written before it was kept)."""


def split_list(value: str | None) -> list[str]:
    """Inverse of the `LIST_SEP` join; empty and missing give []."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return []
    return str(value).split(LIST_SEP)


def _trigger_text(event: Event) -> str | None:
    if event.trigger_start is None or event.trigger_end is None:
        return None
    begin, end = event.trigger_start - event.start, event.trigger_end - event.start
    return event.excerpt[begin:end] if 0 <= begin < end <= len(event.excerpt) else None


def event_fields(event: Event) -> dict[str, object]:
    """The columns an event gives each of its rows, here and in the flat events table."""
    actors = event.actors
    return {
        "event_id": event.id,
        "article_id": event.article_id,
        "event_type": event.event_type,
        "date": event.date,
        "date_precision": event.date_precision,
        "actor_ids": LIST_SEP.join(a.id for a in actors),
        "actor_names": LIST_SEP.join(a.name for a in actors),
        "actor_types": LIST_SEP.join(a.type for a in actors),
        "actor_countries": LIST_SEP.join(a.country_code or "" for a in actors),
        # who acted and to whom: the dashboard shows "source → TYPE → target"
        "source_ids": LIST_SEP.join(a.id for a in event.source_actors),
        "source_names": LIST_SEP.join(a.name for a in event.source_actors),
        "target_ids": LIST_SEP.join(a.id for a in event.target_actors),
        "target_names": LIST_SEP.join(a.name for a in event.target_actors),
        "cameo": event.cameo,
        "trigger": _trigger_text(event),
        "trigger_start": event.trigger_start,
        "trigger_end": event.trigger_end,
        "excerpt": event.excerpt,
        "start": event.start,
        "end": event.end,
        "context_before": event.context_before,
        "context_after": event.context_after,
        "source": event.source,
        "url": event.url,
        "published": event.published,
        "title": event.title,
    }


def events_to_geodataframe(events: Iterable[Event]) -> gpd.GeoDataFrame:
    rows = []
    geometry = []
    for event in events:
        fields = event_fields(event)
        for ep in event.places:
            place = ep.place
            rows.append(
                {
                    **fields,
                    "place_key": place.key,
                    "place_name": place.name,
                    "place_kind": place.kind,
                    "place_country": place.country_code,
                    # also as plain columns: SQL engines without a spatial extension read them
                    "place_lat": place.lat,
                    "place_lon": place.lon,
                    "geonameid": place.geonameid,
                    "gazetteer": place.gazetteer,
                    "mention": ep.mention,
                    "mention_start": ep.start,
                    "mention_end": ep.end,
                    "role": ep.role,
                    "place_precision": ep.precision,
                }
            )
            # shapely points are (x, y) = (lon, lat): the swap happens here.
            geometry.append(Point(place.lon, place.lat))
    frame = pd.DataFrame(rows, columns=list(EVENT_PLACE_COLUMNS))
    frame["geonameid"] = frame["geonameid"].astype("Int64")
    frame["date"] = pd.to_datetime(frame["date"])
    frame["published"] = pd.to_datetime(frame["published"])
    for col in ("start", "end", "mention_start", "mention_end"):
        frame[col] = frame[col].astype("int64")
    for col in ("place_lat", "place_lon"):
        frame[col] = frame[col].astype("float64")
    for col in ("trigger_start", "trigger_end", "place_precision"):
        frame[col] = frame[col].astype("Int64")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
