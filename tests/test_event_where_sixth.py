"""Where events happened (issue 16, sixth pass): each mechanism with a sentence of its own,
parsed by the real model; mentions placed by hand as in test_events.py."""

from test_events import _roles, _trigger


def _by_trigger(found, trigger):
    return next(e for e in found if _trigger(e) == trigger)


def _located(event):
    return sorted(m for m, role in _roles(event).items() if role == "located")


def test_what_a_flood_affects_is_where_it_happened(events):
    found = events(["Flooding has also affected the neighbouring countries of Poland and Belarus."])
    event = _by_trigger(found, "affected")
    assert event.event_type == "OTHER"
    assert _located(event) == ["Belarus", "Poland"]


def test_a_death_of_someone_from_a_town_happened_in_its_country(events):
    found = events(
        [
            "Poland reported two new cases of bird flu.",
            "The poultry trader from Kuznica died after being hospitalized for three days.",
        ]
    )
    event = _by_trigger(found, "died")
    assert _located(event) == ["Poland"]
    assert _roles(event)["Kuznica"] == "mentioned"  # the origin itself is not the place


def test_a_where_clause_happened_at_its_antecedent(events):
    found = events(
        ["Doctors from Minsk visited Kuznica, where a previous outbreak occurred in 2003."]
    )
    event = _by_trigger(found, "occurred")
    assert _located(event) == ["Kuznica"]  # not only the visit's place


def test_a_where_clause_takes_the_widest_place_of_its_antecedent(events):
    found = events(
        [
            "The outbreak is in the Kuznica region near the Belarus border, "
            "where a previous outbreak occurred in 2003."
        ]
    )
    event = _by_trigger(found, "occurred")
    assert _located(event) == ["Kuznica"]  # the border is only near it


def test_the_republic_of_a_country_names_the_country(events):
    found = events(["Nine people have died from cholera in the Republic of Belarus this month."])
    event = _by_trigger(found, "died")
    assert _located(event) == ["Belarus"]


def test_a_place_inside_what_a_talk_or_criticism_is_about_is_its_topic(events):
    found = events(["Duda condemned the attack in Kuznica."])
    assert _roles(_by_trigger(found, "condemned"))["Kuznica"] == "mentioned"
    found = events(["Lukashenko visited Minsk."])  # the object itself
    assert _located(_by_trigger(found, "visited")) == ["Minsk"]


def test_a_place_naming_the_acting_body_locates_its_act(events):
    found = events(["Warsaw police arrested 20 migrants."])
    assert _located(_by_trigger(found, "arrested")) == ["Warsaw"]
    found = events(["Warsaw police said on Monday that the migrants must leave."])
    assert all("Warsaw" not in _located(e) for e in found)  # what a body says: not there


def test_a_lede_is_left_to_its_dateline(events):
    found = events(["Kuznica (AP) — Warsaw police arrested 20 migrants."])
    assert _located(_by_trigger(found, "arrested")) == ["Kuznica"]


def test_the_speakers_phrase_and_the_act_asked_for_are_no_place_of_the_request(events):
    found = events(
        ["Duda, a minister in the government in Warsaw, urged Lukashenko to send aid to Minsk."]
    )
    roles = _roles(_by_trigger(found, "urged"))
    assert roles == {"Warsaw": "mentioned", "Minsk": "mentioned"}
