"""Places: the GeoNames gazetteer, the resolver that picks one place per toponym, the
post-town fallback and the geocoders (offline, and optionally online).

Other stages import from here only. Inside, the modules stack without circles: geometry,
geonames_points and sources at the bottom, then the GeoNames dump's index and its import, the
gazetteer, its cache, the post-town fallback, loading (which attaches the fallback and the
index), the geocoder interface, the resolver, and the
offline and online geocoders on top.
"""

from geo.places.cache import build_gazetteer, cache_key, default_cache_dir
from geo.places.gazetteer import Gazetteer
from geo.places.geocoder import (
    ConfigurationError,
    Geocoder,
    GeoError,
    location_of_place,
    place_from_location,
)
from geo.places.geometry import distance_km
from geo.places.geonames_import import GeoNamesImportError, ImportSummary, import_geonames
from geo.places.geonames_index import (
    GAZETTEER_ENV,
    GeoNamesIndex,
    GeoNamesIndexError,
    index_path,
    selected_index,
)
from geo.places.geonames_points import GeoNamesPoint, country_point, load_geonames_points
from geo.places.loading import active_index_id, load_gazetteer
from geo.places.offline_geocoder import OfflineGeocoder
from geo.places.online_geocoder import (
    SERVICE_ENV,
    GeocoderCacheError,
    OnlineGeocoder,
    geocoder_from_config,
)
from geo.places.resolve import rank_candidates, resolve_toponyms, resolve_unplaced
from geo.places.sources import GazetteerBuildError, GazetteerError

__all__ = [
    "GAZETTEER_ENV",
    "GeoNamesImportError",
    "GeoNamesIndex",
    "GeoNamesIndexError",
    "ImportSummary",
    "active_index_id",
    "import_geonames",
    "index_path",
    "selected_index",
    "SERVICE_ENV",
    "ConfigurationError",
    "Gazetteer",
    "GazetteerBuildError",
    "GazetteerError",
    "GeoNamesPoint",
    "GeoError",
    "Geocoder",
    "GeocoderCacheError",
    "OfflineGeocoder",
    "OnlineGeocoder",
    "build_gazetteer",
    "cache_key",
    "country_point",
    "default_cache_dir",
    "distance_km",
    "geocoder_from_config",
    "load_gazetteer",
    "load_geonames_points",
    "location_of_place",
    "place_from_location",
    "rank_candidates",
    "resolve_toponyms",
    "resolve_unplaced",
]
