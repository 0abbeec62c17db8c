"""QA of the online geocoding path: the service is a fake HTTP layer under geopy's
real Nominatim (or a fake geocoder class); nothing here touches the network."""

from __future__ import annotations

import json
from typing import Any

import pytest
from geopy.adapters import AdapterHTTPError, BaseSyncAdapter

from geo.model import Place
from geo.places import ConfigurationError, Gazetteer, OfflineGeocoder, OnlineGeocoder

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


def test_nominatim_answers_keep_latitude_and_longitude_apart(tmp_path, offline):
    from geo.places import place_from_location

    http = fake_http({"Lesna Podlaska": [{"lat": "52.1", "lon": "23.0", "display_name": "L, PL"}]})
    location = nominatim(tmp_path, offline, http).geocode("Lesna Podlaska")
    assert (location.latitude, location.longitude) == (52.1, 23.0)
    place = place_from_location(location)
    assert (place.lat, place.lon, place.name, place.gazetteer) == (52.1, 23.0, "L", "nominatim")


MALFORMED = {
    "no coordinates": [{"display_name": "X"}],
    "latitude only": [{"display_name": "X", "lat": "1"}],
    "latitude off the globe": [{"display_name": "X", "lat": "200", "lon": "10"}],
    "longitude off the globe": [{"display_name": "X", "lat": "20", "lon": "500"}],
    "not a number": [{"display_name": "X", "lat": "nan", "lon": "10"}],
    "not numeric": [{"display_name": "X", "lat": "abc", "lon": "10"}],
    "no address": [{"lat": "1", "lon": "2"}],
    "a string": "hello",
}


@pytest.mark.filterwarnings("ignore:Latitude normalization:UserWarning")
@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_answer_falls_back_and_is_not_cached(tmp_path, offline, body):
    http = fake_http({"Warsaw": body})
    online = nominatim(tmp_path, offline, http)
    assert online.geocode("Warsaw").raw["gazetteer"] == "geonames"  # the offline answer
    online.geocode("Warsaw")
    assert http.calls == ["Warsaw", "Warsaw"]  # asked again: not cached as "no result"


def test_implausible_candidates_are_dropped_and_the_rest_kept(tmp_path, offline):
    good = {"display_name": "Kuznica, PL", "lat": "53.51", "lon": "23.65"}
    http = fake_http({"Kuznica": [{"display_name": "Null", "lat": "20", "lon": "500"}, good]})
    online = nominatim(tmp_path, offline, http)
    assert [(x.latitude, x.longitude) for x in online.geocode("Kuznica", exactly_one=False)] == [
        (53.51, 23.65)
    ]


CACHE_NAME = "online-answers.sqlite"


def test_a_corrupt_cache_is_a_clear_error_and_is_left_as_it_was(tmp_path, offline):
    from geo.places import GeoError

    (tmp_path / CACHE_NAME).write_bytes(b"not a database" * 100)
    with pytest.raises(GeoError, match=rf"{CACHE_NAME}.*delete"):
        nominatim(tmp_path, offline, fake_http())
    assert (tmp_path / CACHE_NAME).read_bytes() == b"not a database" * 100


def test_a_cache_of_another_format_is_a_clear_error(tmp_path, offline):
    import sqlite3
    from contextlib import closing

    from geo.places import GeoError

    with closing(sqlite3.connect(tmp_path / CACHE_NAME)) as db, db:
        db.execute("CREATE TABLE answers (query TEXT PRIMARY KEY, payload TEXT)")
    with pytest.raises(GeoError, match=rf"{CACHE_NAME}.*delete"):
        nominatim(tmp_path, offline, fake_http())


def test_a_cache_dir_that_is_a_file_is_a_clear_error(tmp_path, offline):
    from geo.places import GeoError

    (tmp_path / "cache").write_text("")
    with pytest.raises(GeoError, match="GEO_CACHE_DIR"):
        nominatim(tmp_path / "cache", offline, fake_http())


def test_an_unwritable_cache_is_a_clear_error(tmp_path, offline, monkeypatch):
    import sqlite3

    from geo.places import GeoError
    from geo.places.online_geocoder import _AnswerCache

    http = fake_http({"Kuznica": [{"display_name": "K", "lat": "53.5", "lon": "23.6"}]})
    online = nominatim(tmp_path, offline, http)
    read_only = f"file:{tmp_path / CACHE_NAME}?mode=ro"
    monkeypatch.setattr(_AnswerCache, "_connect", lambda self: sqlite3.connect(read_only, uri=True))
    with pytest.raises(GeoError, match=rf"{CACHE_NAME}.*GEO_CACHE_DIR"):
        online.geocode("Kuznica")


def test_a_damaged_cached_answer_is_asked_again_and_replaced(tmp_path, offline, caplog):
    import sqlite3
    from contextlib import closing

    http = fake_http({"Kuznica": [{"display_name": "K", "lat": "53.5", "lon": "23.6"}]})
    online = nominatim(tmp_path, offline, http)
    with closing(sqlite3.connect(tmp_path / CACHE_NAME)) as db, db:
        db.execute("INSERT INTO answers VALUES ('nominatim', 'Kuznica', '[{\"address\": 1}]')")
    assert online.geocode("Kuznica").latitude == 53.5
    assert "Kuznica" in caplog.text and "damaged" in caplog.text
    assert online.geocode("Kuznica").latitude == 53.5
    assert http.calls == ["Kuznica"]


def test_two_geocoders_share_one_cache(tmp_path, offline):
    http = fake_http({"Kuznica": [{"display_name": "K", "lat": "53.5", "lon": "23.6"}]})
    first, second = nominatim(tmp_path, offline, http), nominatim(tmp_path, offline, http)
    assert first.geocode("Kuznica").latitude == second.geocode("Kuznica").latitude == 53.5
    assert http.calls == ["Kuznica"]


def test_a_failure_is_told_and_answered_offline(tmp_path, offline, caplog):
    from geopy import exc

    online = nominatim(tmp_path, offline, fake_http({"Warsaw": exc.GeocoderTimedOut("slow")}))
    assert online.geocode("Warsaw").raw["gazetteer"] == "geonames"
    assert "nominatim" in caplog.text and "Warsaw" in caplog.text and "slow" in caplog.text
    assert online.failures == 1


def test_a_service_that_keeps_failing_is_not_asked_for_every_name(tmp_path, offline, caplog):
    """A build with hundreds of unknown names must not wait out a time-out for each."""
    from geopy import exc

    http = fake_http(default=exc.GeocoderUnavailable("Connection refused"))
    online = nominatim(tmp_path, offline, http)
    for name in ("A", "B", "C", "D", "E"):
        online.geocode(name)
    assert http.calls == ["A", "B", "C"]
    assert online.failures == 5
    assert "not asking" in caplog.text


def test_a_success_between_failures_keeps_the_service_on(tmp_path, offline):
    from geopy import exc

    down = exc.GeocoderTimedOut("slow")
    http = fake_http({"A": down, "B": down, "D": down, "E": down, "F": down})
    online = nominatim(tmp_path, offline, http)
    for name in ("A", "B", "C", "D", "E", "F", "G"):
        online.geocode(name)
    assert http.calls == ["A", "B", "C", "D", "E", "F"]


@pytest.mark.parametrize("status", [429, 402])
def test_rate_limited_or_over_quota_stops_asking_at_once(tmp_path, offline, status, caplog):
    http = fake_http({"A": status})
    online = nominatim(tmp_path, offline, http)
    online.geocode("A")
    online.geocode("B")
    assert http.calls == ["A"]
    assert online.failures == 2 and "not asking" in caplog.text


def test_one_request_a_second_across_misses_failures_and_cache_hits(tmp_path, offline):
    from geopy import exc

    clock = [100.0]
    asked_at: list[float] = []
    http = fake_http({"B": exc.GeocoderTimedOut("slow"), "C": [], "A": []})
    online = OnlineGeocoder(
        "nominatim", USER_AGENT, cache_dir=tmp_path, fallback=offline, adapter_factory=http
    )
    limiter = online._rate_limited
    limiter._clock = lambda: clock[0]
    limiter._sleep = lambda seconds: clock.__setitem__(0, clock[0] + seconds)
    inner = limiter.func

    def timed(*args, **kwargs):
        asked_at.append(clock[0])
        clock[0] += 0.2  # the request itself takes a little time
        return inner(*args, **kwargs)

    limiter.func = timed
    for name in ("A", "A", "B", "C", "A", "B"):
        online.geocode(name)
    assert http.calls == ["A", "B", "C", "B"]  # A cached (as "no result"); B not cached
    gaps = [b - a for a, b in zip(asked_at, asked_at[1:], strict=False)]
    assert gaps and min(gaps) >= 1.0


class FlakyService:
    """An online geocoder that cannot answer while `down`; counts its failures."""

    name = "flaky"

    def __init__(self):
        self.down = True
        self.failures = 0

    def geocode(self, query, exactly_one=True):
        if self.down:
            self.failures += 1
        return None


@pytest.fixture()
def fake_analysis(monkeypatch):
    """Analysis that asks the online geocoder for every article's first word."""
    import geo.pipeline as pipeline
    import geo.store as store
    from geo.model import AnalysedArticle
    from geo.store import CachedArticle

    analysed: list[str] = []

    def analyse(articles, nlp, gazetteer, actor_registry=None, batch_size=32, online=None):
        for article in articles:
            analysed.append(article.text.split()[0])
            if online is not None and article.text.startswith("Lesna"):
                online.geocode("Lesna")
            yield CachedArticle(AnalysedArticle(article, (), (), (), ()), ())

    monkeypatch.setattr(pipeline, "analyse_articles", analyse)
    monkeypatch.setattr(store.state, "code_fingerprint", lambda: "code-v1")
    monkeypatch.setattr(pipeline, "code_fingerprint", lambda: "code-v1")
    return analysed


class FakeNlp:
    max_length = 1_000_000


def test_articles_analysed_while_the_service_failed_are_analysed_again(tmp_path, fake_analysis):
    from geo.cli import format_summary
    from geo.pipeline import build_store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Lesna Podlaska was flooded.\n")
    (corpus / "b.txt").write_text("Warsaw was calm.\n")
    online = FlakyService()

    def build():
        fake_analysis.clear()
        return build_store(
            [corpus], tmp_path / "data", nlp=FakeNlp(), gazetteer=object(), online=online
        )

    summary = build()
    assert summary.articles == 2  # nothing is lost: the article is stored with offline places
    assert summary.online_failures == 1
    assert "flaky" in format_summary(summary) and "again" in format_summary(summary)
    online.down = False
    summary = build()
    assert fake_analysis == ["Lesna"]  # asked again, not reused as if complete
    assert summary.online_failures == 0 and "flaky" not in format_summary(summary)
    build()
    assert fake_analysis == []


@pytest.mark.parametrize("turned_on", [["--online"], []])
def test_build_online_with_workers_is_a_usage_error(tmp_path, monkeypatch, capsys, turned_on):
    from geo import cli

    monkeypatch.setenv("GEO_USER_AGENT", USER_AGENT)
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    if not turned_on:
        monkeypatch.setenv("GEO_ONLINE_GEOCODER", "nominatim")
    (tmp_path / "a.txt").write_text("Floods hit Warsaw.\n")
    argv = ["build", str(tmp_path), "--data-dir", str(tmp_path / "data"), "--workers", "2"]
    assert cli.main([*argv, "--quiet", *turned_on]) == 2
    err = capsys.readouterr().err
    assert "--workers" in err and "GEO_ONLINE_GEOCODER" in err and "Traceback" not in err


@pytest.mark.parametrize("delay", [-1.0, float("nan"), float("inf")])
def test_a_bad_rate_limit_is_a_configuration_error(tmp_path, offline, delay):
    with pytest.raises(ConfigurationError, match="min_delay_seconds"):
        OnlineGeocoder(
            "nominatim",
            USER_AGENT,
            cache_dir=tmp_path,
            fallback=offline,
            min_delay_seconds=delay,
            adapter_factory=fake_http(),
        )


def test_a_slower_rate_limit_than_geopys_error_wait_is_accepted(tmp_path, offline):
    online = OnlineGeocoder(
        "nominatim",
        USER_AGENT,
        cache_dir=tmp_path,
        fallback=offline,
        min_delay_seconds=10,
        adapter_factory=fake_http(),
    )
    assert online._rate_limited.min_delay_seconds == 10


@pytest.mark.parametrize("timeout", [0, -5, float("nan")])
def test_a_bad_timeout_is_a_configuration_error(tmp_path, offline, timeout):
    with pytest.raises(ConfigurationError, match="timeout"):
        nominatim(tmp_path, offline, fake_http(), timeout=timeout)


@pytest.mark.parametrize("answer", [400, 414, {"error": "Query too long"}])
def test_a_query_the_service_rejects_is_cached_as_no_result(tmp_path, offline, answer, caplog):
    """Asking again cannot help; not caching it would re-analyse its articles every build."""
    http = fake_http({"Warsaw": answer})
    online = nominatim(tmp_path, offline, http)
    assert online.geocode("Warsaw") is None
    assert online.geocode("Warsaw") is None
    assert http.calls == ["Warsaw"] and online.failures == 0
    assert "Warsaw" in caplog.text and "rejected" in caplog.text
