"""QA of the online geocoding path: the service is a fake HTTP layer under geopy's
real Nominatim (or a fake geocoder class); nothing here touches the network."""

from __future__ import annotations

import json
from typing import Any

import pytest
from geopy.adapters import AdapterHTTPError, BaseSyncAdapter

from geo.gazetteer import Gazetteer
from geo.geocoders import ConfigurationError, OfflineGeocoder, OnlineGeocoder
from geo.model import Place

WARSAW = Place("Warsaw", "city", "PL", 52.22977, 21.01178, "geonames", 756135, 1702139, "78")
USER_AGENT = "newsmap-tests/0 (qa@newsmap.test)"


def fake_http(script: dict[str, Any] | None = None, default: Any = ()):
    """A geopy adapter class answering Nominatim's search from `script`
    (query -> JSON body, an HTTP status int, or an exception to raise)."""

    class FakeHTTP(BaseSyncAdapter):
        calls: list[str] = []

        def __init__(self, *, proxies, ssl_context):
            pass

        def get_json(self, url, *, timeout, headers):
            from urllib.parse import parse_qs, urlparse

            query = parse_qs(urlparse(url).query)["q"][0]
            FakeHTTP.calls.append(query)
            answer = (script or {}).get(query, default)
            if isinstance(answer, BaseException):
                raise answer
            if isinstance(answer, int):
                raise AdapterHTTPError(
                    f"HTTP {answer}", status_code=answer, headers={"Retry-After": "30"}, text=""
                )
            return json.loads(json.dumps(list(answer) if isinstance(answer, tuple) else answer))

        def get_text(self, url, *, timeout, headers):
            raise AssertionError("Nominatim asks for JSON")

    return FakeHTTP


@pytest.fixture()
def offline():
    return OfflineGeocoder(Gazetteer.from_places([WARSAW]))


def nominatim(tmp_path, offline, http, **options):
    return OnlineGeocoder(
        "nominatim",
        USER_AGENT,
        cache_dir=tmp_path,
        fallback=offline,
        min_delay_seconds=0,
        adapter_factory=http,
        **options,
    )


@pytest.mark.parametrize(
    "user_agent", ["my-application", "geopy/2.5.0", "newsmap/0.1 (you@example.org)", "   "]
)
def test_default_sample_or_blank_user_agent_is_a_configuration_error(tmp_path, user_agent):
    with pytest.raises(ConfigurationError, match="GEO_USER_AGENT"):
        OnlineGeocoder("nominatim", user_agent, cache_dir=tmp_path, adapter_factory=fake_http())
