"""geopy-style geocoders: the offline gazetteer, and optionally an online service.

All share one small interface, `Geocoder.geocode(query, exactly_one=True)`,
returning `geopy.location.Location`, a list of them, or None. The online
geocoder is off unless asked for (`GEO_ONLINE_GEOCODER`, with a user agent in
`GEO_USER_AGENT`): it respects the service's rate limit, keeps every answer in
an on-disk cache that is reused offline, and falls back to the offline
gazetteer when the service times out or cannot be reached: each such failure
is logged, and after a few in a row (or one "too many requests") the run stops
asking the service.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.places.geocoder import ConfigurationError, Geocoder, GeoError, validate_query
from geo.places.offline_geocoder import OfflineGeocoder

if TYPE_CHECKING:
    from geopy.location import Location


log = logging.getLogger("geo")

USER_AGENT_ENV = "GEO_USER_AGENT"
SERVICE_ENV = "GEO_ONLINE_GEOCODER"
DEFAULT_SERVICE = "nominatim"

SERVICE_MIN_DELAY_SECONDS = {"nominatim": 1.0}
"""Usage policies: Nominatim allows one request per second."""
DEFAULT_MIN_DELAY_SECONDS = 1.0
MAX_CONSECUTIVE_FAILURES = 3
"""Failed requests in a row after which a run stops asking: each may wait out a time-out."""


class GeocoderCacheError(GeoError):
    """The online answers' cache cannot be read or written; the message says how to fix it."""


_CACHE_COLUMNS = ("service", "query", "payload")


class _AnswerCache:
    """Online answers by (service, query), in SQLite; "no result" is cached too."""

    def __init__(self, path: Path):
        self._path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise self._error(error) from error
        with self._database() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS answers ("
                " service TEXT, query TEXT, payload TEXT, PRIMARY KEY (service, query))"
            )
            columns = tuple(row[1] for row in db.execute("PRAGMA table_info(answers)"))
        if columns != _CACHE_COLUMNS:
            raise self._error(f"its answers table has columns {columns}, not {_CACHE_COLUMNS}")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=30)

    @contextmanager
    def _database(self) -> Iterator[sqlite3.Connection]:
        """A committed, closed connection; SQLite's errors name the cache file."""
        try:
            with self._lock, closing(self._connect()) as db, db:
                yield db
        except sqlite3.Error as error:
            raise self._error(error) from error

    def _error(self, problem: object) -> GeocoderCacheError:
        return GeocoderCacheError(
            f"the online geocoder's cache {self._path} cannot be used ({problem}): delete it "
            "(only cached answers are lost; they are asked again), or point GEO_CACHE_DIR at "
            "a writable folder"
        )

    def get(self, service: str, query: str) -> list[Location] | None:
        """The cached answer ([] for "no result"), None if there is none or it is damaged."""
        with self._database() as db:
            row = db.execute(
                "SELECT payload FROM answers WHERE service = ? AND query = ?", (service, query)
            ).fetchone()
        if row is None:
            return None
        try:
            return _locations(json.loads(row[0]))
        except (ValueError, TypeError, KeyError, IndexError) as error:
            log.warning(
                "%s: the cached %s answer for %r is damaged (%r); asking again",
                self._path,
                service,
                query,
                error,
            )
            return None

    def put(self, service: str, query: str, answers: list[dict[str, Any]]) -> None:
        with self._database() as db:
            db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?)",
                (service, query, json.dumps(answers, default=str)),
            )


class OnlineGeocoder(Geocoder):
    """Any geopy geocoder by service name (default Nominatim), rate-limited,
    cached on disk, and falling back to `fallback` on network trouble."""

    def __init__(
        self,
        service: str | None = None,
        user_agent: str | None = None,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        fallback: Geocoder | None = None,
        timeout: float = 10.0,
        min_delay_seconds: float | None = None,
        geocoder_factory: Callable[..., Any] | None = None,
        **service_options: Any,
    ):
        self.service = (service or os.environ.get(SERVICE_ENV) or DEFAULT_SERVICE).lower()
        self.name = self.service
        user_agent = _checked_user_agent(user_agent or os.environ.get(USER_AGENT_ENV))
        if not (math.isfinite(timeout) and timeout > 0):
            raise ConfigurationError(f"timeout must be a positive number of seconds, got {timeout}")
        factory = geocoder_factory or _geopy_class(self.service)
        self._service = _make_service(
            self.service, factory, user_agent=user_agent, timeout=timeout, **service_options
        )
        delay = min_delay_seconds
        if delay is None:
            delay = SERVICE_MIN_DELAY_SECONDS.get(self.service, DEFAULT_MIN_DELAY_SECONDS)
        if not (math.isfinite(delay) and delay >= 0):
            raise ConfigurationError(
                f"min_delay_seconds must be a finite number of seconds >= 0, got {delay}"
            )
        from geopy.extra.rate_limiter import RateLimiter

        self._rate_limited = RateLimiter(
            self._service.geocode,
            min_delay_seconds=delay,
            max_retries=0,
            error_wait_seconds=delay,  # unused without retries; geopy wants it >= the delay
            swallow_exceptions=False,
        )
        from geo.places.cache import default_cache_dir

        directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self._cache = _AnswerCache(directory / "online-answers.sqlite")
        self._fallback = fallback if fallback is not None else OfflineGeocoder(cache_dir=cache_dir)
        self.failures = 0
        self._consecutive_failures = 0
        self._gave_up = False

    def geocode(self, query: str, exactly_one: bool = True) -> Location | list[Location] | None:
        validate_query(query)
        locations = self._cache.get(self.service, query)
        if locations is None:
            if self._gave_up:
                self.failures += 1
                return self._fallback.geocode(query, exactly_one=exactly_one)
            try:
                answers = self._query(query)
            except _network_errors() as error:
                self._failed(query, error)
                return self._fallback.geocode(query, exactly_one=exactly_one)
            self._consecutive_failures = 0
            self._cache.put(self.service, query, answers)
            locations = _locations(answers)
        if not locations:
            return None
        return locations[0] if exactly_one else locations

    def _failed(self, query: str, error: Exception) -> None:
        """Tell the failure; after a few in a row, or a "slow down", stop asking in this run."""
        from geopy import exc

        self.failures += 1
        self._consecutive_failures += 1
        if isinstance(error, exc.GeocoderQuotaExceeded) or (
            self._consecutive_failures >= MAX_CONSECUTIVE_FAILURES
        ):
            self._gave_up = True
            log.warning(
                "%s could not answer %r (%s); not asking it again in this run: names it is "
                "not asked are left to the offline gazetteer and asked again next time",
                self.service,
                query,
                error,
            )
        else:
            log.warning(
                "%s could not answer %r (%s); using the offline gazetteer for it",
                self.service,
                query,
                error,
            )

    def _query(self, query: str) -> list[dict[str, Any]]:
        from geopy import exc

        try:
            found = self._rate_limited(query, exactly_one=False)
        except (exc.GeocoderAuthenticationFailure, exc.GeocoderInsufficientPrivileges) as error:
            raise ConfigurationError(
                f"{self.service} refused the request ({error}): check the API key or "
                f"user agent ({USER_AGENT_ENV}), or unset {SERVICE_ENV} to stay offline"
            ) from error
        except exc.GeocoderQueryError as error:
            # The query itself is refused (HTTP 400, 414): asking again cannot help.
            log.warning(
                "%s rejected the query %r (%s); recorded as no result", self.service, query, error
            )
            return []
        except (ValueError, TypeError, AttributeError, KeyError) as error:
            # geopy's parser on a body that is not the service's usual JSON.
            raise exc.GeocoderParseError(
                f"{self.service} sent a malformed answer for {query!r} ({error!r})"
            ) from error
        found = list(found or [])
        kept = [loc for loc in found if self._plausible(loc)]
        if found and not kept:
            raise exc.GeocoderParseError(
                f"{self.service} answered {query!r} with no usable coordinates"
            )
        if len(kept) < len(found):
            log.warning(
                "%s: dropped %d of %d answers for %r with missing or impossible coordinates",
                self.service,
                len(found) - len(kept),
                len(found),
                query,
            )
        return [
            {
                "address": loc.address,
                "lat": loc.latitude,
                "lon": loc.longitude,
                "raw": {**dict(loc.raw or {}), "gazetteer": self.service},
            }
            for loc in kept
        ]

    def _plausible(self, location: Location) -> bool:
        """An address, and coordinates on the globe that are the ones the service
        sent: geopy reads a missing pair as (0, 0) and wraps longitudes past 180."""
        lat, lon = location.latitude, location.longitude
        if not isinstance(location.address, str) or not location.address.strip():
            return False
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return False
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return False
        raw = location.raw if isinstance(location.raw, Mapping) else {}
        if "lat" not in raw and "lon" not in raw and self.service != "nominatim":
            return True  # this service keeps its coordinates elsewhere in raw
        try:
            sent = float(raw["lat"]), float(raw["lon"])
        except (KeyError, TypeError, ValueError):
            return False
        return math.isclose(sent[0], lat, abs_tol=1e-7) and math.isclose(sent[1], lon, abs_tol=1e-7)


_USER_AGENT_HINT = (
    f"for `python -m geo`, set the environment variable {USER_AGENT_ENV} to a string naming "
    "your application and a real contact address, e.g. "
    f"export {USER_AGENT_ENV}='newsmap/0.1 (jane@university.edu)'; from Python, pass "
    f"OnlineGeocoder(user_agent=...). To stay offline, drop --online and unset {SERVICE_ENV}"
)


def _checked_user_agent(user_agent: str | None) -> str:
    """Services such as Nominatim block requests without a real, contactable user agent."""
    user_agent = (user_agent or "").strip()
    if not user_agent:
        raise ConfigurationError(f"online geocoding needs a user agent: {_USER_AGENT_HINT}")
    if "@example." in user_agent.lower():
        raise ConfigurationError(
            f"the user agent {user_agent!r} has the documentation's placeholder contact: "
            f"{_USER_AGENT_HINT}"
        )
    return user_agent


def _make_service(service: str, factory: Callable[..., Any], **options: Any) -> Any:
    """The geopy geocoder; its own setup errors (a sample user agent, a missing
    API key) become this package's ConfigurationError."""
    from geopy import exc

    try:
        return factory(**options)
    except exc.ConfigurationError as error:
        if "user_agent" in str(error):
            raise ConfigurationError(
                f"{service} refuses the user agent {options.get('user_agent')!r} (a default "
                f"or sample one breaks its usage policy): {_USER_AGENT_HINT}"
            ) from error
        raise ConfigurationError(
            f"{service} cannot be set up: {error}; or unset {SERVICE_ENV} to stay offline"
        ) from error


def _network_errors() -> tuple[type[Exception], ...]:
    """Errors that mean "the service is unreachable now", not "you are wrong"."""
    from geopy import exc

    return (
        exc.GeocoderTimedOut,
        exc.GeocoderUnavailable,
        exc.GeocoderRateLimited,
        exc.GeocoderParseError,
        exc.GeocoderServiceError,
    )


def _geopy_class(service: str) -> Callable[..., Any]:
    from geopy.exc import GeocoderNotFound
    from geopy.geocoders import get_geocoder_for_service

    try:
        return get_geocoder_for_service(service)
    except GeocoderNotFound as error:
        raise ConfigurationError(
            f"unknown geocoding service {service!r}: set {SERVICE_ENV} to a geopy service "
            "name such as 'nominatim', 'photon' or 'arcgis'"
        ) from error


def _locations(answers: list[dict[str, Any]]) -> list[Location]:
    """geopy Locations of stored answers; raises on a damaged one (a missing key, a bad point)."""
    from geopy.location import Location

    return [
        Location(a["address"], (a["lat"], a["lon"]), a["raw"])  # geopy points are (lat, lon)
        for a in answers
    ]


def geocoder_from_config(config: Mapping[str, str] | None = None) -> Geocoder:
    """Offline unless `GEO_ONLINE_GEOCODER` (or config["online_geocoder"]) names
    a service; the online one then needs `GEO_USER_AGENT` / config["user_agent"]."""
    config = dict(config or {})
    service = config.get("online_geocoder") or os.environ.get(SERVICE_ENV)
    cache_dir = config.get("cache_dir")
    if not service:
        return OfflineGeocoder(cache_dir=cache_dir)
    return OnlineGeocoder(service, config.get("user_agent"), cache_dir=cache_dir)
