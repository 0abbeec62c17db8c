"""Post towns (geo.places.postal): the fallback for names the main gazetteer lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.model import Place, Toponym
from geo.places import Gazetteer, GazetteerBuildError, resolve_toponyms
from geo.places.postal import POSTAL_GAZETTEER, is_town_name, postal_rows, read_postal_table


def place(name, kind, cc, lat, lon, gid, pop=0, admin1=None):
    return Place(name, kind, cc, lat, lon, "geonames", gid, pop, admin1)


VIRGINIA = place("Virginia", "admin1", "US", 37.5, -78.9, 6254928, 8_000_000, "VA")
SOUTH_CAROLINA = place("South Carolina", "admin1", "US", 34.0, -81.0, 4597040, 5_000_000, "SC")
SAXONY = place("Saxony", "admin1", "DE", 51.0, 13.25, 2842566, 4_000_000, "13")
RICHMOND = place("Richmond", "city", "US", 37.55, -77.46, 4781708, 226_610, "VA")
WILLIAMSBURG = place("Williamsburg", "city", "US", 37.27, -76.71, 4793846, 15_000, "VA")
GREER_CITY = place("Greer", "city", "US", 34.94, -82.23, 4578737, 35_000, "SC")

TABLE = (
    # country, postcode, place, admin1 name, admin1 code, admin2 name, admin2 code,
    # admin3 name, admin3 code, lat, lon, accuracy
    "US\t23089\tLanexa\tVirginia\tVA\tNew Kent\t127\t\t\t37.4194\t-76.9027\t4\n"
    "US\t29650\tGreer\tSouth Carolina\tSC\tGreenville\t045\t\t\t34.8968\t-82.2674\t4\n"
    "US\t29651\tGreer\tSouth Carolina\tSC\tGreenville\t045\t\t\t34.9453\t-82.2209\t4\n"
    "US\t85927\tGreer\tArizona\tAZ\tApache\t001\t\t\t34.0052\t-109.4664\t4\n"
    "DE\t01067\tDresden-Altstadt\tSachsen\tSN\t\t00\t\t\t51.0547\t13.7269\t4\n"
    "SG\t018907\tStraits Boulevard\t\t\t\t\t\t\t1.2749\t103.8517\t\n"
    "JP\t001-0010\tKita10-Jonishi(1-4-Chome)\tHokkaido\t12\t\t\t\t\t43.09\t141.33\t\n"
    "AR\t3300\tGONDRA\tMisiones\t14\t\t\t\t\t-27.3\t-55.9\t4\n"
)


@pytest.fixture()
def table(tmp_path: Path) -> Path:
    path = tmp_path / "postal.tsv"
    path.write_text(TABLE, "utf-8")
    return path


@pytest.fixture()
def main() -> Gazetteer:
    places = [VIRGINIA, SOUTH_CAROLINA, SAXONY, RICHMOND, WILLIAMSBURG]
    return Gazetteer.from_places(places, aliases={SAXONY.key: ["Sachsen"]})


@pytest.fixture()
def post_towns(table: Path, main: Gazetteer) -> Gazetteer:
    from geo.places.gazetteer import _tables_from_rows

    tables = _tables_from_rows(postal_rows(read_postal_table(table), main), {})
    return Gazetteer(tables["arrays"], tables["meta"])  # type: ignore[arg-type]


def test_streets_postcode_districts_and_sub_areas_are_not_towns():
    assert is_town_name("Lanexa") and is_town_name("Fort Hood")
    assert not is_town_name("Straits Boulevard")
    assert not is_town_name("Kita10-Jonishi(1-4-Chome)")
    assert not is_town_name("")


def test_the_table_keeps_towns_and_titles_upper_case_names(table: Path):
    names = [r.name for r in read_postal_table(table)]
    assert names == ["Lanexa", "Greer", "Greer", "Greer", "Dresden-Altstadt", "Gondra"]


def test_a_bad_row_names_the_file_and_line(tmp_path: Path):
    path = tmp_path / "bad.tsv"
    path.write_text("US\t23089\tLanexa\tVirginia\tVA\t\t\t\t\tnorth\t-76.9\t4\n", "utf-8")
    with pytest.raises(GazetteerBuildError, match=r"bad\.tsv:1: bad coordinates"):
        list(read_postal_table(path))
    path.write_text("US\t23089\tLanexa\n", "utf-8")
    with pytest.raises(GazetteerBuildError, match=r"bad\.tsv:1: expected 11"):
        list(read_postal_table(path))


def test_one_place_per_state_at_the_mean_of_its_postcodes(post_towns: Gazetteer):
    greers = sorted(post_towns.candidates("Greer"), key=lambda p: p.admin1 or "")
    assert [(p.admin1, p.gazetteer, p.kind) for p in greers] == [
        (None, POSTAL_GAZETTEER, "village"),  # Arizona is not in the tiny main gazetteer
        ("SC", POSTAL_GAZETTEER, "village"),
    ]
    assert greers[1].lat == pytest.approx((34.8968 + 34.9453) / 2)
    assert greers[0].key != greers[1].key  # two markers, not one


def test_region_codes_follow_the_main_gazetteer(post_towns: Gazetteer):
    # Germany's postal "SN" is GeoNames' "13": matched by the region's name.
    (dresden,) = post_towns.candidates("Dresden-Altstadt")
    assert dresden.admin1 == "13"
    # No such region in the main gazetteer: no code, rather than a wrong one.
    (gondra,) = post_towns.candidates("Gondra")
    assert gondra.admin1 is None


def _with_fallback(main: Gazetteer, post_towns: Gazetteer) -> Gazetteer:
    main.set_fallback(lambda: post_towns)
    return main


def _resolve_one(name: str, text: str, gazetteer: Gazetteer) -> Place | None:
    start = text.index(name)
    (item,) = resolve_toponyms([Toponym(start, start + len(name), name)], text, gazetteer)
    return item.place


def test_a_name_the_gazetteer_lacks_resolves_to_the_post_town_in_the_text_s_state(
    main: Gazetteer, post_towns: Gazetteer
):
    gazetteer = _with_fallback(main, post_towns)
    greer = _resolve_one("Greer", "A crash near Greer, South Carolina, closed I-85.", gazetteer)
    assert greer is not None
    assert (greer.gazetteer, greer.country_code, greer.admin1) == (POSTAL_GAZETTEER, "US", "SC")
    lanexa = _resolve_one("Lanexa", "Deputies in Lanexa, Virginia, said so.", gazetteer)
    assert lanexa is not None and lanexa.admin1 == "VA"


def test_the_fallback_is_not_asked_when_the_gazetteer_knows_the_name(main: Gazetteer):
    def loader() -> Gazetteer:
        raise AssertionError("the fallback was loaded")

    main.set_fallback(loader)
    (richmond,) = resolve_toponyms([Toponym(0, 8, "Richmond")], "Richmond", main)
    assert richmond.place == RICHMOND
    assert main.is_known_name("Lanexa") is False  # recognition never sees post towns


def test_a_name_the_text_calls_a_river_or_county_is_not_a_post_town(
    main: Gazetteer, post_towns: Gazetteer
):
    gazetteer = _with_fallback(main, post_towns)
    assert _resolve_one("Lanexa River", "The Lanexa River rose.", gazetteer) is None
    assert _resolve_one("Lanexa County", "Lanexa County voted.", gazetteer) is None
    town = _resolve_one("Lanexa Township", "Lanexa Township voted.", gazetteer)
    assert town is not None and town.name == "Lanexa"


def test_an_offline_answer_from_a_post_town_keeps_its_fields(
    main: Gazetteer, post_towns: Gazetteer
):
    # The online geocoder falls back to the offline one; its answers become Places again.
    from geo.places import OfflineGeocoder, place_from_location

    location = OfflineGeocoder(_with_fallback(main, post_towns)).geocode("Lanexa")
    lanexa = place_from_location(location)
    assert (lanexa.gazetteer, lanexa.kind, lanexa.country_code, lanexa.admin1) == (
        POSTAL_GAZETTEER,
        "village",
        "US",
        "VA",
    )
