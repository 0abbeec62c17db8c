"""Document-level resolution mechanisms on tiny gazetteers: the home region
of a local article, alternate-name matches, enumerations of peers."""

from __future__ import annotations

import re

import pytest

import geo.places.features as features_module
import geo.places.resolve as resolve_module
from geo.model import Place, Toponym
from geo.places import Gazetteer, resolve_toponyms


def place(name, kind, cc, lat, lon, gid, pop=0, admin1=None, feature=""):
    raw = (("feature", feature),) if feature else ()
    return Place(name, kind, cc, lat, lon, "geonames", gid, pop, admin1, raw)


ALBANY_NY = place("Albany", "city", "US", 42.65, -73.76, 5106834, 101_228, "NY")
ALBANY_MN = place("Albany", "village", "US", 45.63, -94.57, 5016374, 2_647, "MN")
ALEXANDRIA_VA = place("Alexandria", "city", "US", 38.80, -77.05, 4744091, 159_467, "VA")
ALEXANDRIA_MN = place("Alexandria", "city", "US", 45.88, -95.38, 5016108, 11_843, "MN")
DOUGLAS_NE = place("Douglas County", "admin2", "US", 41.30, -96.15, 5066001, 512_416, "NE")
DOUGLAS_MN = place("Douglas County", "admin2", "US", 45.93, -95.45, 5024719, 36_000, "MN")
PHILADELPHIA = place("Philadelphia", "city", "US", 39.95, -75.16, 4560349, 1_573_916, "PA")
AMMAN = place("Amman", "city", "JO", 31.96, 35.95, 250441, 1_275_857, "16", "PPLC")
GEORGIA_US = place("Georgia", "admin1", "US", 32.75, -83.5, 4197000, 9_000_000, "GA")
OKLAHOMA_US = place("Oklahoma", "admin1", "US", 35.5, -97.5, 4544379, 3_900_000, "OK")
OKLAHOMA_PA = place("Oklahoma", "village", "US", 40.58, -79.57, 5205849, 780, "PA")
PENNSYLVANIA = place("Pennsylvania", "admin1", "US", 40.5, -77.5, 6254927, 12_800_000, "PA")
TEXAS = place("Texas", "admin1", "US", 31.25, -99.25, 4736286, 28_000_000, "TX")
CLARKE_GA = place("Clarke County", "admin2", "US", 33.95, -83.37, 4188985, 116_000, "GA")
MADISON_AL = place("Madison", "city", "US", 34.70, -86.75, 4071710, 47_000, "AL")
MADISON_GA = place("Madison County", "admin2", "US", 34.13, -83.21, 4205813, 28_000, "GA")


@pytest.fixture()
def tiny() -> Gazetteer:
    places = [
        ALBANY_NY, ALBANY_MN, ALEXANDRIA_VA, ALEXANDRIA_MN, DOUGLAS_NE, DOUGLAS_MN,
        PHILADELPHIA, AMMAN, GEORGIA_US, OKLAHOMA_US, OKLAHOMA_PA, PENNSYLVANIA, TEXAS,
        CLARKE_GA, MADISON_AL, MADISON_GA,
    ]  # fmt: skip
    aliases = {AMMAN.key: ["Philadelphia"], CLARKE_GA.key: ["Clarke"], MADISON_GA.key: ["Madison"]}
    return Gazetteer.from_places(places, aliases)


def resolve(text: str, gazetteer: Gazetteer, *names: str) -> dict[str, Place | None]:
    found = sorted(
        (
            Toponym(m.start(), m.end(), m.group())
            for name in names
            for m in re.finditer(rf"\b{re.escape(name)}\b", text)
        ),
        key=lambda t: t.start,
    )
    return {r.toponym.text: r.place for r in resolve_toponyms(found, text, gazetteer)}


LOCAL = (
    "Rollover near Alexandria injures Albany driver. The driver from Albany lost control "
    "of the car, according to the Douglas County Sheriff's Office."
)


def test_local_article_names_fall_together_in_one_state(tiny):
    got = resolve(LOCAL, tiny, "Alexandria", "Albany", "Douglas County")
    assert got == {
        "Alexandria": ALEXANDRIA_MN,
        "Albany": ALBANY_MN,
        "Douglas County": DOUGLAS_MN,
    }


def test_without_a_home_region_each_name_takes_its_bigger_namesake(tiny, monkeypatch):
    monkeypatch.setattr(resolve_module, "HOME_BONUS", 0.0)
    monkeypatch.setattr(features_module, "HOME_WEIGHT", 0.0)
    got = resolve(LOCAL, tiny, "Alexandria", "Albany", "Douglas County")
    assert got["Albany"] == ALBANY_NY  # the mechanism above is what moves it


def test_a_former_name_loses_to_a_place_of_that_name(tiny):
    text = "The exhibit comes from a museum in Philadelphia."
    assert resolve(text, tiny, "Philadelphia")["Philadelphia"] == PHILADELPHIA


def test_an_alternate_name_alone_still_resolves(tiny):
    text = "Amman, also called Philadelphia in antiquity."
    got = resolve(
        text, Gazetteer.from_places([AMMAN], {AMMAN.key: ["Philadelphia"]}), "Philadelphia"
    )
    assert got["Philadelphia"] == AMMAN


def test_enumeration_of_states_is_not_a_containment(tiny):
    text = "Cases were found in Georgia, Oklahoma, Pennsylvania and Texas."
    got = resolve(text, tiny, "Georgia", "Oklahoma", "Pennsylvania", "Texas")
    assert got["Oklahoma"] == OKLAHOMA_US


def test_town_and_state_keep_their_containment(tiny):
    text = "A boy from Oklahoma, Pennsylvania won."
    assert resolve(text, tiny, "Oklahoma", "Pennsylvania")["Oklahoma"] == OKLAHOMA_PA


def test_plural_class_word_after_a_list_gives_the_kind(tiny, monkeypatch):
    monkeypatch.setattr(resolve_module, "HOME_BONUS", 0.0)  # the kind word alone decides
    monkeypatch.setattr(features_module, "HOME_WEIGHT", 0.0)
    monkeypatch.setattr(features_module, "ADMIN1_PRESENT", 0.0)
    monkeypatch.setattr(features_module, "PROXIMITY_WEIGHT", 0.0)
    text = "The rate for Clarke and Madison counties stayed low."
    got = resolve(text, tiny, "Clarke", "Madison")
    assert got["Madison"] == MADISON_GA


def test_inhabitants_and_abbreviated_county(tiny):
    text = "Georgians and Texans voted; the Douglas Co. board in Alexandria met."
    got = resolve(text, tiny, "Georgians", "Texans", "Douglas Co", "Alexandria")
    assert got["Georgians"] == GEORGIA_US
    assert got["Texans"] == TEXAS
    assert got["Douglas Co"] in (DOUGLAS_MN, DOUGLAS_NE)
    assert resolve("Albanians", tiny, "Albanians")["Albanians"] is None  # a town's -ans is not it
