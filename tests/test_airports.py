"""Airports place their mentions in the city they serve (airportsdata), not in a town that
shares the airport's name: "Heathrow airport" is London, not Heathrow, Florida."""

from __future__ import annotations

import pytest

from geo.model import FACILITY_LABEL, Place, Toponym
from geo.places import Gazetteer, resolve_toponyms
from geo.places.airports import airport_index, name_words

HEATHROW_FL = Place("Heathrow", "city", "US", 28.76333, -81.37225, "geonames", 4158296, 5_900)
LONDON = Place("London", "city", "GB", 51.50853, -0.12574, "geonames", 2643743, 8_961_989)
AMSTERDAM = Place("Amsterdam", "city", "NL", 52.37403, 4.88969, "geonames", 2759794, 741_636)
MINSK = Place("Minsk", "city", "BY", 53.9, 27.56667, "geonames", 625144, 1_742_124)
SPRINGFIELD_IL = Place(
    "Springfield", "city", "US", 39.80172, -89.64371, "geonames", 4250542, 116_250
)
SPRINGFIELD_MO = Place(
    "Springfield", "city", "US", 37.21533, -93.29824, "geonames", 4409896, 166_810
)
ILLINOIS = Place("Illinois", "admin1", "US", 40.00032, -89.25037, "geonames", 4896861, 12_830_632)
NEW_YORK = Place("New York", "city", "US", 40.71427, -74.00597, "geonames", 5128581, 8_175_133)
PLACES = (HEATHROW_FL, LONDON, AMSTERDAM, MINSK, SPRINGFIELD_IL, SPRINGFIELD_MO, ILLINOIS, NEW_YORK)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_places(PLACES)


def _resolved(gazetteer, text, names, facilities=()):
    """resolve_toponyms over the occurrences of each name (facilities labelled)."""
    toponyms = []
    for label, found in (("GPE", names), (FACILITY_LABEL, facilities)):
        for n in found:
            start = text.find(n)
            while start >= 0:
                toponyms.append(Toponym(start, start + len(n), n, label))
                start = text.find(n, start + len(n))
    toponyms.sort(key=lambda t: t.start)
    return [
        (r.toponym.text, r.place, r.precision) for r in resolve_toponyms(toponyms, text, gazetteer)
    ]


def test_the_index_finds_airports_by_their_own_words_and_by_iata_code():
    index = airport_index()
    assert index.find("Heathrow airport")[0].iata == "LHR"
    assert index.find("Schiphol airport")[0].city == "Amsterdam"
    assert index.find("JFK airport")[0].city == "New York"
    assert name_words("London Heathrow Airport") == ("london", "heathrow")


def test_a_town_named_like_an_airport_gives_way_to_the_city_the_airport_serves(gazetteer):
    text = "Hundreds of flights were cancelled at Heathrow airport after the storm."
    [(_, place, precision)] = _resolved(gazetteer, text, ["Heathrow"])
    assert place == LONDON
    assert precision == 2


def test_an_airport_facility_without_its_city_in_its_name(gazetteer):
    text = "The plane landed at Schiphol Airport, then at JFK Airport."
    found = _resolved(gazetteer, text, [], ["Schiphol Airport", "JFK Airport"])
    assert [(name, place, precision) for name, place, precision in found] == [
        ("Schiphol Airport", AMSTERDAM, 2),
        ("JFK Airport", NEW_YORK, 2),
    ]


def test_a_city_near_its_airport_stays(gazetteer):
    text = "Passengers were stranded at Minsk airport on Monday."
    [(_, place, _)] = _resolved(gazetteer, text, ["Minsk"])
    assert place == MINSK


def test_a_name_the_document_places_alone_keeps_that_place(gazetteer):
    # Springfield, Illinois is served by an airport of another name; Springfield-Branson
    # airport (Missouri) must not take the mention.
    text = "Officials in Springfield, Illinois, closed Springfield airport."
    found = _resolved(gazetteer, text, ["Springfield", "Illinois"])
    assert [p for name, p, _ in found if name == "Springfield"] == [SPRINGFIELD_IL] * 2


def test_a_town_not_before_an_airport_word_is_left_alone(gazetteer):
    text = "Residents of Heathrow gathered at the town hall."
    [(_, place, _)] = _resolved(gazetteer, text, ["Heathrow"])
    assert place == HEATHROW_FL
