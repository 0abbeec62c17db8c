"""Geocoder interface tests: the online service is always a fake (no network)."""

from __future__ import annotations

import pytest
from geopy import exc
from geopy.location import Location

from geo.model import Place
from geo.places import (
    ConfigurationError,
    Gazetteer,
    GeoError,
    OfflineGeocoder,
    OnlineGeocoder,
    geocoder_from_config,
    place_from_location,
)

WARSAW = Place("Warsaw", "city", "PL", 52.22977, 21.01178, "geonames", 756135, 1702139, "78")


class FakeService:
    """Stands in for a geopy geocoder class: records calls, answers from a script."""

    instances: list[FakeService] = []

    def __init__(self, user_agent: str, timeout: float, answers=None, error=None):
        self.user_agent = user_agent
        self.answers = answers if answers is not None else {}
        self.error = error
        self.calls: list[str] = []
        FakeService.instances.append(self)

    def geocode(self, query, exactly_one=True):
        self.calls.append(query)
        if self.error is not None:
            raise self.error
        found = [
            Location(
                f"{query}, Somewhere", (lat, lon), {"osm_id": 1, "lat": str(lat), "lon": str(lon)}
            )
            for lat, lon in self.answers.get(query, [])
        ]
        return found or None


@pytest.fixture()
def offline():
    return OfflineGeocoder(Gazetteer.from_places([WARSAW]))


def make_online(tmp_path, offline, **service_options):
    return OnlineGeocoder(
        "nominatim",
        "newsmap-tests/0",
        cache_dir=tmp_path,
        fallback=offline,
        min_delay_seconds=0,
        geocoder_factory=FakeService,
        **service_options,
    )


def test_offline_geocoder_returns_geopy_location_with_place_fields(offline):
    location = offline.geocode("Warsaw")
    assert isinstance(location, Location)
    assert (location.latitude, location.longitude) == (52.22977, 21.01178)
    assert location.raw["geonameid"] == 756135
    assert location.raw["gazetteer"] == "geonames"
    assert offline.geocode("Atlantis") is None
    assert isinstance(offline.geocode("Warsaw", exactly_one=False), list)


def test_offline_answer_round_trips_to_place(offline):
    assert place_from_location(offline.geocode("Warsaw")) == WARSAW


def test_online_needs_user_agent(monkeypatch, tmp_path):
    """The fix is said for both audiences: a user_agent= argument means nothing on the CLI."""
    monkeypatch.delenv("GEO_USER_AGENT", raising=False)
    with pytest.raises(ConfigurationError, match="GEO_USER_AGENT") as error:
        OnlineGeocoder("nominatim", cache_dir=tmp_path, geocoder_factory=FakeService)
    message = str(error.value)
    assert "python -m geo" in message and "export GEO_USER_AGENT='newsmap/0.1 (" in message
    assert "from Python, pass OnlineGeocoder(user_agent=...)" in message


def test_unknown_service_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError, match="GEO_ONLINE_GEOCODER"):
        OnlineGeocoder("no-such-service", "ua", cache_dir=tmp_path)
    assert issubclass(ConfigurationError, GeoError)


def test_online_answers_are_cached_and_reused(tmp_path, offline):
    online = make_online(tmp_path, offline, answers={"Kuznica": [(53.51, 23.65)]})
    first = online.geocode("Kuznica")
    assert (first.latitude, first.longitude) == (53.51, 23.65)
    assert first.raw["gazetteer"] == "nominatim"
    assert online.geocode("Kuznica").address == first.address
    assert online.geocode("Nowhere at all") is None
    assert online.geocode("Nowhere at all") is None
    assert FakeService.instances[-1].calls == ["Kuznica", "Nowhere at all"]

    # A new geocoder whose service is down still answers from the disk cache.
    down = make_online(tmp_path, offline, error=exc.GeocoderUnavailable("offline"))
    assert down.geocode("Kuznica").latitude == 53.51


def test_a_cached_answer_is_the_answer_the_service_gave(tmp_path, offline):
    """A cache hit builds its Locations from the stored JSON: the same ones, either way asked."""
    answers = {"Kuznica": [(53.51, 23.65), (50.2, 19.1)]}
    fresh = make_online(tmp_path / "a", offline, answers=answers)
    asked = {
        (query, one): fresh.geocode(query, exactly_one=one)
        for query in ("Kuznica", "Nowhere at all")
        for one in (True, False)
    }
    cached = make_online(tmp_path / "a", offline, error=exc.GeocoderUnavailable("down"))
    for (query, one), location in asked.items():
        assert cached.geocode(query, exactly_one=one) == location
    assert len(asked["Kuznica", False]) == 2 and asked["Nowhere at all", False] is None
    assert asked["Kuznica", True] == asked["Kuznica", False][0]
    assert FakeService.instances[-1].calls == [] and cached.failures == 0


@pytest.mark.parametrize(
    "error",
    [
        exc.GeocoderTimedOut("slow"),
        exc.GeocoderUnavailable("down"),
        exc.GeocoderServiceError("5xx"),
    ],
)
def test_network_errors_fall_back_to_offline(tmp_path, offline, error):
    online = make_online(tmp_path, offline, error=error)
    location = online.geocode("Warsaw")
    assert location.raw["geonameid"] == 756135
    # Failures are not cached: the next call asks the service again.
    online.geocode("Warsaw")
    assert FakeService.instances[-1].calls == ["Warsaw", "Warsaw"]


def test_refused_credentials_raise_configuration_error(tmp_path, offline):
    online = make_online(tmp_path, offline, error=exc.GeocoderAuthenticationFailure("403"))
    with pytest.raises(ConfigurationError, match="user agent"):
        online.geocode("Warsaw")


def test_empty_query_is_rejected(offline):
    with pytest.raises(ValueError):
        offline.geocode("  ")


def test_config_selects_offline_unless_a_service_is_named(monkeypatch, tmp_path):
    monkeypatch.delenv("GEO_ONLINE_GEOCODER", raising=False)
    assert isinstance(geocoder_from_config({"cache_dir": str(tmp_path)}), OfflineGeocoder)
    monkeypatch.setenv("GEO_ONLINE_GEOCODER", "nominatim")
    monkeypatch.delenv("GEO_USER_AGENT", raising=False)
    with pytest.raises(ConfigurationError):
        geocoder_from_config({"cache_dir": str(tmp_path)})
    monkeypatch.setenv("GEO_USER_AGENT", "newsmap-tests/0")
    online = geocoder_from_config({"cache_dir": str(tmp_path)})
    assert isinstance(online, OnlineGeocoder) and online.service == "nominatim"


def test_online_geocoder_places_only_what_the_gazetteer_lacks(tmp_path, offline):
    from geo.model import ResolvedToponym, Toponym
    from geo.places import resolve_unplaced

    online = make_online(tmp_path, offline, answers={"Lesna Podlaska": [(52.1, 23.0)]})
    known = ResolvedToponym(Toponym(0, 6, "Warsaw"), WARSAW, 0.9)
    unknown = Toponym(10, 24, "Lesna Podlaska")
    again = Toponym(30, 44, "Lesna Podlaska")
    result = resolve_unplaced(
        [known, ResolvedToponym(unknown, None), ResolvedToponym(again, None)], online
    )
    assert result[0] is known  # offline picks are kept as they are
    # geopy Locations are (lat, lon); the Place keeps lat and lon by name.
    assert (result[1].place.lat, result[1].place.lon) == (52.1, 23.0)
    assert result[1].place.gazetteer == "nominatim" and result[2].place == result[1].place
    assert FakeService.instances[-1].calls == ["Lesna Podlaska"]  # asked once per name


def test_an_online_answer_takes_the_country_and_region_of_the_nearest_town(tmp_path, offline):
    """Online answers carry no country: the place-country filter never listed them."""
    from geo.model import ResolvedToponym, Toponym
    from geo.places import resolve_unplaced

    online = make_online(
        tmp_path, offline, answers={"Wola": [(52.23, 20.98)], "Open sea": [(55.0, 19.0)]}
    )
    unplaced = [ResolvedToponym(Toponym(0, 4, "Wola"), None)]
    unplaced.append(ResolvedToponym(Toponym(10, 18, "Open sea"), None))
    wola, sea = (r.place for r in resolve_unplaced(unplaced, online, offline.gazetteer))
    assert (wola.country_code, wola.admin1) == ("PL", "78")  # Warsaw's, 2 km away
    assert (wola.lat, wola.lon, wola.gazetteer) == (52.23, 20.98, "nominatim")
    assert (sea.country_code, sea.admin1) == (None, None)  # no town within reach


def test_online_geocoder_down_leaves_unknown_names_unplaced(tmp_path, offline):
    from geo.model import ResolvedToponym, Toponym
    from geo.places import resolve_unplaced

    online = make_online(tmp_path, offline, error=exc.GeocoderUnavailable("down"))
    result = resolve_unplaced([ResolvedToponym(Toponym(0, 5, "Nowhr"), None)], online)
    assert result[0].place is None  # the run goes on; nothing is lost


def test_build_refuses_online_geocoding_in_parallel_workers(tmp_path, offline):
    from geo.pipeline import BuildOptionsError, build_store

    online = make_online(tmp_path, offline)
    with pytest.raises(BuildOptionsError, match="rate limit"):
        build_store([tmp_path], tmp_path / "data", workers=2, online=online)


def test_online_answers_of_one_name_at_two_points_are_two_places():
    """Online answers carry no id, country or region: the key used to be "online:<name>",
    so two Springfields in one store became one marker at the first one's point."""
    illinois = place_from_location(Location("Springfield, Illinois", (39.7990, -89.6440), {}))
    missouri = place_from_location(Location("Springfield, Missouri", (37.2090, -93.2923), {}))
    assert illinois.name == missouri.name == "Springfield"
    assert illinois.key != missouri.key
    again = place_from_location(Location("Springfield, IL, USA", (39.7990, -89.6440), {}))
    assert again.key == illinois.key
