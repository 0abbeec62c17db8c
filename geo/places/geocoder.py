"""The one small interface every geocoder implements, as geopy's geocoders do.

`Geocoder.geocode(query, exactly_one=True)` returns a `geopy.location.Location`, a list of
them, or None for "no result". Offline answers carry a Place's own fields in
`Location.raw`, so `place_from_location` gives back the Place they came from.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from geo.model import Place

if TYPE_CHECKING:
    from geopy.location import Location


class GeoError(Exception):
    """Base of this package's geocoding errors."""


class ConfigurationError(GeoError):
    """The geocoder is set up wrongly; the message says how to fix it."""


class Geocoder(ABC):
    """One small interface for every geocoder (geopy's `geocode` contract)."""

    name: str = "geocoder"
    failures: int = 0
    """Queries a service could not answer (another geocoder answered them instead)."""

    @abstractmethod
    def geocode(self, query: str, exactly_one: bool = True) -> Location | list[Location] | None:
        """The best location for `query`, all of them, or None."""


def validate_query(query: str) -> None:
    if not isinstance(query, str) or not query.strip():
        raise ValueError(f"geocode needs a non-empty place name, got {query!r}")


OFFLINE_GAZETTEERS = (None, "geonames", "supplement", "geonames-postal")
"""Gazetteers whose answers carry a Place's own fields in `Location.raw`."""


def place_from_location(location: Location, kind: str = "other") -> Place:
    """A Place for an answer of any geocoder; offline answers keep their fields."""
    raw = dict(location.raw or {})
    if raw.get("gazetteer") in OFFLINE_GAZETTEERS and "kind" in raw:
        return Place(
            name=raw["name"],
            kind=raw["kind"],
            country_code=raw.get("country_code"),
            lat=raw["lat"],
            lon=raw["lon"],
            gazetteer=raw.get("gazetteer", "geonames"),
            geonameid=raw.get("geonameid"),
            population=raw.get("population") or 0,
            admin1=raw.get("admin1"),
            raw=tuple(raw.items()),
        )
    return Place(
        name=location.address.split(",")[0],
        kind=kind,  # type: ignore[arg-type]
        country_code=None,
        lat=location.latitude,
        lon=location.longitude,
        gazetteer=str(raw.get("gazetteer", "online")),
        raw=tuple((k, v) for k, v in raw.items() if isinstance(v, str | int | float)),
    )


def location_of_place(place: Place) -> Location:
    """A geopy Location for a gazetteer place, its fields kept in `raw`."""
    from geopy.location import Location

    address = f"{place.name}, {place.country_code}" if place.country_code else place.name
    return Location(address, (place.lat, place.lon), dict(place.raw))  # geopy: (lat, lon)
