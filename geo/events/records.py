"""Events as the plain JSON records `python -m geo events` writes, in the gold-event format
event scorers read: trigger offsets, PLOVER type, source and target names, located places
with a precision code, and the date at its precision.
"""

from __future__ import annotations

from geo.model import Event, EventPlace, Place

AREA_KINDS = frozenset({"country", "admin1", "admin2", "region", "continent", "sea"})
"""Places that stand for an area: an event located only there has precision 3."""


def place_precision(place: Place) -> int:
    """ACLED's geo_precision by the place's kind alone, for a place whose mention was not
    judged (geo.places.precision judges the words around it): 1 the place itself, 3 the
    region or country only."""
    return 3 if place.kind in AREA_KINDS else 1


def event_date_text(event: Event) -> tuple[str | None, str]:
    """(date at its precision, precision): "2021-11-08"/"day", "2021-11"/"month",
    "2021"/"year"; (None, "unknown") when the text does not date the event itself."""
    date, precision = event.date, event.date_precision
    if date is None or precision == "publication":
        return None, "unknown"
    if precision in ("month", "season"):
        return f"{date:%Y-%m}", "month"
    if precision == "year":
        return f"{date:%Y}", "year"
    return date.isoformat(), "day"


def _located(place: EventPlace) -> dict[str, object]:
    p = place.place
    return {
        "name": p.name,
        "lat": p.lat,
        "lon": p.lon,
        "geonameid": p.geonameid,
        "kind": p.kind,
        "precision": place_precision(p) if place.precision is None else place.precision,
    }


def event_record(event: Event) -> dict[str, object]:
    date, precision = event_date_text(event)
    return {
        "start": event.start,
        "end": event.end,
        "trigger_start": event.trigger_start,
        "trigger_end": event.trigger_end,
        "type": event.event_type,
        "cameo": event.cameo,
        "source": [a.name for a in event.source_actors],
        "target": [a.name for a in event.target_actors],
        "actors": [a.name for a in event.actors],
        "located": [_located(p) for p in event.places if p.role == "located"],
        "date": date,
        "date_precision": precision,
    }
