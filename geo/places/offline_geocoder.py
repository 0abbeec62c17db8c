"""The GeoNames gazetteer behind the Geocoder interface.

A bare query has no document context, so its candidates are ranked by the resolver's
context-free ranking (geo.places.resolve.rank_candidates).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from geo.model import Toponym
from geo.places.gazetteer import Gazetteer
from geo.places.geocoder import Geocoder, location_of_place, validate_query
from geo.places.loading import load_gazetteer
from geo.places.resolve import rank_candidates

if TYPE_CHECKING:
    from geopy.location import Location


class OfflineGeocoder(Geocoder):
    """The GeoNames-based gazetteer; loaded on first use."""

    name = "geonames"

    def __init__(
        self, gazetteer: Gazetteer | None = None, cache_dir: str | os.PathLike[str] | None = None
    ):
        self._gazetteer = gazetteer
        self._cache_dir = cache_dir

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer(self._cache_dir)
        return self._gazetteer

    def geocode(self, query: str, exactly_one: bool = True) -> Location | list[Location] | None:
        validate_query(query)
        toponym = Toponym(0, len(query), query, label="query")
        ranked = rank_candidates(toponym, query, self.gazetteer)
        if not ranked:
            return None
        locations = [location_of_place(p) for p in ranked]
        return locations[0] if exactly_one else locations
