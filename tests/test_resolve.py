"""Toponym resolution: mechanisms on a tiny gazetteer, and the acceptance targets
(seed gold, the brief's examples) on the full one (slow)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from geo.model import Place, Toponym
from geo.places import (
    Gazetteer,
    OfflineGeocoder,
    distance_km,
    load_gazetteer,
    rank_candidates,
    resolve_toponyms,
)
from geo.places import candidates as rc
from geo.places.features import FEATURES, HAND_WEIGHTS, weights_vector
from geo.places.ranker_weights import LEARNED_WEIGHTS
from geo.places.resolve import candidate_features

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "seeds_gold.json"


def place(name, kind, cc, lat, lon, gid, pop=0, admin1=None, feature=""):
    raw = (("feature", feature),) if feature else ()
    return Place(name, kind, cc, lat, lon, "geonames", gid, pop, admin1, raw)


GEORGIA_COUNTRY = place("Georgia", "country", "GE", 42.0, 43.5, 614540, 3_700_000)
GEORGIA_STATE = place("Georgia", "admin1", "US", 32.75, -83.5, 4197000, 9_000_000, "GA")
TBILISI = place("Tbilisi", "city", "GE", 41.69, 44.83, 611717, 1_050_000, "51", "PPLC")
ATLANTA = place("Atlanta", "city", "US", 33.75, -84.39, 4180439, 463_000, "GA")
LAFAYETTE_LA = place("Lafayette", "city", "US", 30.22, -92.02, 4330145, 121_374, "LA")
LAFAYETTE_IN = place("Lafayette", "city", "US", 40.42, -86.88, 4922462, 71_111, "IN")
INDIANA = place("Indiana", "admin1", "US", 40.0, -86.25, 4921868, 6_000_000, "IN")
HRODNA_CITY = place("Hrodna", "city", "BY", 53.68, 23.83, 627904, 363_718, "03")
HRODNA_OBLAST = place("Hrodna Oblast", "admin1", "BY", 53.70, 25.07, 628035, 796_599, "03")
KUZNICA = place("Kuźnica", "village", "PL", 53.51094, 23.64953, 766927, 1740, "81")
SOSNICA = place("Sośnica", "village", "PL", 49.90083, 22.87469, 758558, 1409, "80")
KOSNICA_SI = place("Košnica", "village", "SI", 46.2, 15.2, 3197606, 579, "11")
WARSAW = place("Warsaw", "city", "PL", 52.23, 21.01, 756135, 1_702_139, "78", "PPLC")
POLAND = place("Poland", "country", "PL", 52.0, 20.0, 798544, 37_978_548)


@pytest.fixture()
def tiny() -> Gazetteer:
    places = [
        GEORGIA_COUNTRY, GEORGIA_STATE, TBILISI, ATLANTA, LAFAYETTE_LA, LAFAYETTE_IN, INDIANA,
        HRODNA_CITY, HRODNA_OBLAST, KUZNICA, SOSNICA, KOSNICA_SI, WARSAW, POLAND,
    ]  # fmt: skip
    aliases = {
        HRODNA_CITY.key: ["Grodno"],
        HRODNA_OBLAST.key: ["Grodno"],
        INDIANA.key: ["Ind."],
        KOSNICA_SI.key: ["Kosnica"],
    }
    return Gazetteer.from_places(places, aliases, {"Polish": "PL", "Georgian": "GE"})


def toponyms_in(text: str, *names: str) -> list[Toponym]:
    """Every occurrence of each name, in text order."""
    found = [
        Toponym(m.start(), m.end(), m.group())
        for name in names
        for m in re.finditer(rf"\b{re.escape(name)}\b", text)
    ]
    return sorted(found, key=lambda t: t.start)


def resolve(text: str, gazetteer: Gazetteer, *names: str) -> dict[str, Place | None]:
    resolved = resolve_toponyms(toponyms_in(text, *names), text, gazetteer)
    return {r.toponym.text: r.place for r in resolved}


def test_order_and_empty_input_are_kept(tiny):
    text = "Atlanta and Tbilisi and Atlantis."  # two edits from Atlanta: no match
    toponyms = toponyms_in(text, "Tbilisi", "Atlanta", "Atlantis")
    resolved = resolve_toponyms(toponyms, text, tiny)
    assert [r.toponym for r in resolved] == toponyms
    assert resolved[2].place is None and resolved[2].score == 0.0
    assert resolve_toponyms([], text, tiny) == ()


def test_georgia_follows_the_document(tiny):
    caucasus = "Georgia said troops near Tbilisi were on alert."
    assert resolve(caucasus, tiny, "Georgia", "Tbilisi")["Georgia"] == GEORGIA_COUNTRY
    southern = "Storms hit Georgia on Monday; Atlanta lost power."
    assert resolve(southern, tiny, "Georgia", "Atlanta")["Georgia"] == GEORGIA_STATE


def test_container_patterns(tiny):
    assert resolve("Lafayette, Ind., was quiet.", tiny, "Lafayette")["Lafayette"] == LAFAYETTE_IN
    text = "Police in Lafayette in Indiana said."
    assert resolve(text, tiny, "Lafayette", "Indiana")["Lafayette"] == LAFAYETTE_IN
    text = "Lafayette, Indiana. Later, Lafayette again."
    assert resolve(text, tiny, "Lafayette", "Indiana")["Indiana"] == INDIANA
    # Without any context the bigger Lafayette wins.
    assert resolve("Lafayette council met.", tiny, "Lafayette")["Lafayette"] == LAFAYETTE_LA


def test_region_hint_and_kind_words(tiny):
    text = "Migrants camped in the Grodno region overnight."
    assert resolve(text, tiny, "Grodno")["Grodno"] == HRODNA_OBLAST
    toponym = Toponym(0, 6, "Grodno", hint_kind="region")
    assert resolve_toponyms([toponym], "Grodno", tiny)[0].place == HRODNA_OBLAST
    assert resolve("Grodno hospital said.", tiny, "Grodno")["Grodno"] == HRODNA_CITY


def test_region_after_a_name_is_not_a_county_met_without_its_class_word():
    houston = place("Houston", "city", "US", 29.76, -95.36, 4699066, 2_314_157, "TX")
    houston_county = place("Houston County", "admin2", "US", 31.32, -95.42, 4699048, 22_066, "TX")
    pacific_ocean = place("Pacific Ocean", "sea", None, 0.0, -160.0, 2363254)
    pacific_county = place("Pacific County", "admin2", "US", 46.55, -123.78, 5805441, 8_281, "WA")
    g = Gazetteer.from_places(
        [houston, houston_county, pacific_ocean, pacific_county],
        {
            houston_county.key: ["Houston"],
            pacific_county.key: ["Pacific"],
            pacific_ocean.key: ["Pacific"],
        },
    )
    for end in (".", " on Monday."):  # a kind word ending the sentence counts too
        metro = f"Nine cases were found in the Houston region{end}"
        assert resolve(metro, g, "Houston")["Houston"] == houston
        ocean = f"El Nino warms the tropical Pacific region{end}"
        assert resolve(ocean, g, "Pacific")["Pacific"] == pacific_ocean
        # The county's own class word still points at it.
        county = f"Rain hit Houston County{end}"
        assert resolve(county, g, "Houston")["Houston"] == houston_county


def test_an_unknown_part_of_a_big_city_is_placed_in_the_city():
    dallas = place("Dallas", "city", "US", 32.78, -96.81, 4684888, 1_300_000, "TX")
    kasai = place("Kasai", "city", "JP", 34.93, 134.83, 1859307, 44_000, "28")
    ukraine = place("Ukraine", "country", "UA", 49.0, 32.0, 690791, 45_000_000)
    g = Gazetteer.from_places([dallas, kasai, ukraine], {})
    text = "Planes will spray North Dallas and Western Kasai, far from Eastern Ukraine."
    found = resolve(text, g, "North Dallas", "Western Kasai", "Eastern Ukraine")
    assert found["North Dallas"] == dallas
    assert found["Western Kasai"] is None  # a town too small to have named parts
    assert found["Eastern Ukraine"] is None  # a country's part is not at its point


def test_demonym_restricts_country_and_allows_fuzzy_match(tiny):
    text = "Camps near the Polish border village of Kosnica, not far from Grodno."
    assert resolve(text, tiny, "Kosnica", "Grodno")["Kosnica"] == KUZNICA


def test_same_surface_gets_same_place(tiny):
    text = "Lafayette, Ind. was hit. In Lafayette roads closed."
    resolved = resolve_toponyms(toponyms_in(text, "Lafayette"), text, tiny)
    assert {r.place for r in resolved} == {LAFAYETTE_IN}


def test_rank_candidates_prefers_countries_and_capitals(tiny):
    assert rank_candidates(Toponym(0, 7, "Georgia"), "Georgia", tiny)[0] == GEORGIA_COUNTRY
    assert OfflineGeocoder(tiny).geocode("Georgia").raw["geonameid"] == GEORGIA_COUNTRY.geonameid


def test_scores_are_weighted_feature_sums(tiny):
    """The ranker is linear: each pick is the argmax of features @ weights,
    and both weight sets (hand-set, learned) name only known terms."""
    assert set(HAND_WEIGHTS) == set(FEATURES)
    assert set(LEARNED_WEIGHTS) <= set(FEATURES)
    text = "Lafayette and Georgia, far from Tbilisi."
    for weights in (weights_vector(HAND_WEIGHTS), weights_vector()):
        items = candidate_features(
            toponyms_in(text, "Lafayette", "Georgia", "Tbilisi"), text, tiny, weights
        )
        assert [item.surface for item in items] == ["Lafayette", "Georgia", "Tbilisi"]
        for item in items:
            assert item.features.shape == (len(item.candidates), len(FEATURES))
            assert item.pick == int((item.features @ weights).argmax())
        assert items[1].candidates[items[1].pick] == GEORGIA_COUNTRY


# --------------------------------------------------------------------------
# Full gazetteer (slow)
# --------------------------------------------------------------------------


def _correct(found: Place | None, gold: dict) -> bool:
    if found is None:
        return False
    if gold.get("geonameid") and found.geonameid == gold["geonameid"]:
        return True
    tolerance = 25 if gold["kind"] in ("city", "village") else 161
    return distance_km(gold["lat"], gold["lon"], found.lat, found.lon) < tolerance


@pytest.fixture(scope="module")
def full() -> Gazetteer:
    return load_gazetteer()


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Mexico sent troops. Texas Governor Greg Abbott accused Mexico.",
        "Mexico sent troops. Texas Gov. Greg Abbott accused Mexico.",
        "Mexico sent troops, and the governor of Texas accused Mexico.",
    ],
)
def test_an_office_names_the_kind_of_place_it_governs(full, text):
    """Mexico in the text made "Texas Governor Greg Abbott" a Mexican village of 993 people."""
    assert resolve(text, full, "Mexico", "Texas")["Texas"].geonameid == 4736286  # the US state


@pytest.mark.slow
def test_seed_gold_toponyms_all_resolve(full):
    gold = json.loads(GOLD.read_text("utf-8"))
    wrong = []
    total = 0
    for article in gold["articles"]:
        text = (ROOT / "seeds" / Path(article["file"]).name).read_text("utf-8")
        toponyms = [Toponym(t["start"], t["end"], t["text"]) for t in article["toponyms"]]
        for t, r in zip(article["toponyms"], resolve_toponyms(toponyms, text, full), strict=True):
            total += 1
            expected = gold["places"][t["place"]]
            if not _correct(r.place, expected):
                wrong.append((article["file"], t["text"], r.place and r.place.name))
    assert total > 150
    assert wrong == []


def _one(full: Gazetteer, text: str, name: str, hint=None) -> Place | None:
    toponyms = toponyms_in(text, name)
    if hint:
        toponyms = [Toponym(t.start, t.end, t.text, hint_kind=hint) for t in toponyms]
    return resolve_toponyms(toponyms, text, full)[0].place


@pytest.mark.slow
def test_brief_examples_on_full_gazetteer(full):
    assert _one(full, "Talks in Minsk with Warsaw.", "Minsk").geonameid == 625144
    grodno = _one(full, "Grodno", "Grodno", hint="region")
    assert grodno.geonameid == 628035
    assert distance_km(grodno.lat, grodno.lon, 53.7021, 25.0712) < 161
    politics = "Moscow and Washington traded accusations; Washington said Minsk was to blame."
    assert _one(full, politics, "Washington").geonameid == 4140963
    georgia_ru = "Russia accused Georgia of provocations near Tbilisi."
    toponyms = toponyms_in(georgia_ru, "Russia", "Georgia", "Tbilisi")
    assert resolve_toponyms(toponyms, georgia_ru, full)[1].place.kind == "country"
    georgia_us = "Storms hit Georgia; Atlanta lost power."
    toponyms = toponyms_in(georgia_us, "Georgia", "Atlanta")
    assert resolve_toponyms(toponyms, georgia_us, full)[0].place.geonameid == 4197000
    assert _one(full, "Migrants at Kuznica.", "Kuznica").geonameid == 766927
    assert _one(full, "The US said.", "US").geonameid == 6252001
    assert _one(full, "They crossed the Bug river.", "Bug", hint="river").name == "Western Bug"
    lafayette = "Purdue is in West Lafayette; Lafayette police in Indiana said."
    toponyms = toponyms_in(lafayette, "Lafayette", "Indiana")
    assert resolve_toponyms(toponyms, lafayette, full)[0].place.geonameid == 4922462
    assert _one(full, "Lafayette, Ind. - The council met.", "Lafayette").geonameid == 4922462
    kosnica = "Soldiers near the Polish border village of Kosnica."
    assert _one(full, kosnica, "Kosnica").geonameid == 766927


def test_a_part_of_a_two_part_name_is_the_place_s_own_short_name():
    """ "Hull" is Kingston upon Hull's short name (an alternate it bears, and a part of its
    name), not a former or foreign one: the five-times-bigger city wins over Hull, Quebec,
    where an alias-only place would need to be ten times bigger."""
    hull_gb = place("Kingston upon Hull", "city", "GB", 53.74, -0.34, 2645425, 314_018, "ENG")
    hull_ca = place("Hull", "city", "CA", 45.43, -75.71, 6942644, 63_702, "10")
    amman = place("Amman", "city", "JO", 31.96, 35.95, 250441, 1_275_857, "16")
    gazetteer = Gazetteer.from_places([hull_gb, hull_ca], {hull_gb.key: ["Hull"]}, {})
    assert resolve("Shipbuilders in Hull won a contract.", gazetteer, "Hull")["Hull"] == hull_gb
    assert rc._bears_name(hull_gb, "hull") and rc._bears_name(hull_gb, "kingston")
    assert not rc._bears_name(hull_gb, "kingston upon")
    assert not rc._bears_name(amman, "philadelphia")  # a former name stays one
