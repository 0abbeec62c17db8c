"""Gate and types of events (issue 16, sixth pass): each mechanism with a sentence of its
own, parsed by the real model; mentions placed by hand as in test_events.py."""

import datetime as dt

from test_events import _roles, _trigger

FRIDAY = dt.date(2021, 11, 5)


def _by_trigger(found, trigger):
    return next(e for e in found if _trigger(e) == trigger)


def test_generic_cooperation_with_no_partner_is_no_event(events):
    assert not [e for e in events(["Minsk managed."]) if e.event_type == "COOPERATE"]
    found = events(["Poland established a camp near the border."])
    assert not [e for e in found if e.event_type == "COOPERATE"]


def test_generic_cooperation_done_to_a_thing_with_no_partner_is_an_act(events):
    # events_dev's "In the Kuznica region, migrants have established a camp." (OTHER):
    # dropping it took Kuźnica, the crossing of the seeds, off the map.
    found = events(["In the Kuznica region, migrants have established a camp."])
    assert [(_trigger(e), e.event_type) for e in found] == [("established", "OTHER")]
    assert not events(["He is serving a sentence."])


def test_cooperation_with_a_partner_stays(events):
    found = events(["Poland provided Belarus with equipment."])
    assert [e.event_type for e in found] == ["COOPERATE"]


def test_talking_by_phone_is_a_consultation(events):
    found = events(["Lukashenko and Putin spoke by phone."])
    event = _by_trigger(found, "spoke")
    assert (event.event_type, event.cameo) == ("CONSULT", "041")
    found = events(["Lukashenko spoke to Putin on the phone."])
    assert _by_trigger(found, "spoke").event_type == "CONSULT"


def test_a_day_the_parse_hangs_on_by_phone_dates_the_talk(events):
    sentence = (
        "According to the Kremlin, Lukashenko and his main ally, Russian President Vladimir "
        'Putin, spoke by phone Friday and stressed "the importance of cooperation".'
    )  # parsed "by (phone Friday)"
    found = events([sentence], dates=[("Friday", FRIDAY)])
    assert _by_trigger(found, "spoke").date == FRIDAY


def test_a_date_a_preposition_opens_still_bounds_a_period(events):
    for sentence in (
        "Poland closed the border until Friday.",
        "Poland closed the border until late Friday.",
    ):
        found = events([sentence], dates=[("Friday", FRIDAY)])
        assert _by_trigger(found, "closed").date != FRIDAY


def test_a_phone_call_is_not_at_the_dateline(events):
    found = events(
        ["Minsk (AP) — Poland closed the border.", "Lukashenko and Putin spoke by phone."]
    )
    assert _by_trigger(found, "spoke").places == ()
    found = events(
        ["Minsk (AP) — Poland closed the border.", "Lukashenko and Putin met on Friday."]
    )
    assert [p.role for p in _by_trigger(found, "met").places] == ["located"]


def test_between_on_a_noun_names_parties_not_a_place(events):
    found = events(
        ['Lukashenko and Putin spoke by phone and stressed "cooperation between Minsk and Warsaw".']
    )
    roles = _roles(_by_trigger(found, "spoke"))
    assert roles["Minsk"] == "mentioned" and roles["Warsaw"] == "mentioned"


def test_what_is_done_to_a_fire_is_part_of_the_happening(events):
    found = events(["Firefighters put out a blaze at a house in Minsk on Saturday."])
    assert _by_trigger(found, "put out").event_type == "OTHER"
    found = events(["Once the fire was extinguished, they found the body of a woman inside."])
    assert [e.event_type for e in found if _trigger(e) == "extinguished"] == ["OTHER"]


def test_looking_ahead_at_a_force_or_reporting_it_is_no_happening(events):
    assert events(["Officials feared a flood."]) == ()
    found = events(["The virus was reported to have been found in her blood."])
    assert not [e for e in found if _trigger(e) == "reported"]


def test_failing_to_do_something_is_no_refusal(events):
    found = events(["Hundreds of migrants who had failed to cross into Poland returned home."])
    assert not [e for e in found if e.event_type == "REJECT"]


def test_failing_to_agree_is_still_a_refusal(events):
    found = events(["Poland failed to agree with Belarus on the border."])
    assert [e.event_type for e in found if _trigger(e) == "failed"] == ["REJECT"]


def test_a_verb_of_seizing_with_a_bare_noun_is_a_light_verb(events):
    assert events(["The meetings, which will take place in Minsk, will include a talk."]) == ()
    found = events(["Polish guards took the migrants to Warsaw."])
    assert [e.event_type for e in found] == ["COERCE"]


def test_an_absolute_clause_is_an_act_at_the_time_of_its_clause(events):
    found = events(
        ["Migrants were stranded at the border on Monday, with Belarus refusing to let them in."]
    )
    assert [_trigger(e) for e in found if e.event_type == "REJECT"] == ["refusing"]
    found = events(["Migrants were stranded at the border, and Poland refusing to let them in."])
    assert [_trigger(e) for e in found if e.event_type == "REJECT"] == ["refusing"]


def test_a_partner_named_in_the_purpose_of_a_journey_makes_it_a_consultation(events):
    found = events(
        ["Duda travelled to Minsk to discuss the crisis with his Belarusian counterpart."]
    )
    assert [e.event_type for e in found if _trigger(e) == "travelled"] == ["CONSULT"]
    assert not [e for e in events(["Duda travelled to Minsk."]) if e.event_type == "CONSULT"]
