"""Who, where and when of events (issue 16, fourth pass): each mechanism with a sentence of
its own. The parse is the real model's where the parse is under test; mentions are placed by
hand as in test_events.py."""

from test_events import PLACES, _analysed, _only, _trigger

from geo.events import extract_events
from geo.model import ResolvedToponym, Toponym


def _names(actors):
    return [a.name for a in actors]


def _everyone(found):
    return {a.name for e in found for a in (*e.source_actors, *e.target_actors)}


def test_nothing_in_the_dateline_is_an_actor(nlp):
    from dataclasses import replace

    text = "KUZNICA, Poland (AP) - Polish police detained five migrants on Tuesday."
    analysed = _analysed([text])
    upper = ResolvedToponym(Toponym(0, 7, "KUZNICA"), PLACES["Kuznica"], 1.0)
    analysed = replace(analysed, toponyms=(upper, *analysed.toponyms))
    found = extract_events(analysed, nlp(text))
    event = _only(found)
    assert (event.event_type, _names(event.source_actors)) == ("COERCE", ["Polish police"])
    assert not {"KUZNICA", "Poland", "Associated Press", "AP"} & _everyone(found)


def test_a_generic_body_reporting_its_own_act_accuses_no_one(events):
    found = events(["Polish police detained five migrants on Tuesday, police said."])
    assert [(e.event_type, _trigger(e)) for e in found] == [("COERCE", "detained")]


def _located(event):
    return sorted(ep.place.name for ep in event.places if ep.role == "located")


def test_an_act_at_a_border_is_located_in_its_countries_or_its_sides(events):
    found = events(["Poland said an attempt to storm its border with Belarus failed on Monday."])
    assert _located(_by_trigger(found, "attempt")) == ["Belarus", "Poland"]
    massed = _only(events(["Poland massed thousands of soldiers on the Belarus-Poland border."]))
    assert _located(massed) == ["Poland"]  # the acting side's ground


def test_a_bare_border_is_the_articles_and_a_border_as_topic_locates_nothing(events):
    found = events(
        ["Poland closed its border with Belarus.", "An attempt to storm the border failed."]
    )
    assert _located(_by_trigger(found, "attempt")) == ["Belarus", "Poland"]
    talks = _only(events(["Duda and Lukashenko discussed tension on the Belarus-Poland border."]))
    assert _located(talks) == []


def test_those_waiting_at_a_border_are_on_the_side_they_come_from(events):
    found = events(
        [
            "Poland stopped migrants entering from Belarus on the Belarus-Poland border.",
            "Thousands of migrants gathered at the border on Monday.",
        ]
    )
    assert _located(_by_trigger(found, "gathered")) == ["Belarus"]


def _by_trigger(found, trigger):
    return next(e for e in found if _trigger(e) == trigger)


def test_brussels_acting_is_the_european_union_not_belgium(nlp):
    from dataclasses import replace

    from geo.model import Place

    brussels = Place("Brussels", "city", "BE", 50.85, 4.35, "geonames", geonameid=2800866)
    text = "Brussels condemned Belarus on Monday."
    analysed = _analysed([text])
    named = ResolvedToponym(Toponym(0, 8, "Brussels"), brussels, 1.0)
    analysed = replace(analysed, toponyms=(named, *analysed.toponyms))
    event = _only(extract_events(analysed, nlp(text)))
    assert (_names(event.source_actors), _located(event)) == (["European Union"], [])


def test_forces_deployed_are_no_target_and_a_count_is_no_name(events):
    massed = _only(events(["Poland massed 12,000 soldiers near Kuznica on Monday."]))
    assert (massed.event_type, _names(massed.target_actors)) == ("MOBILIZE", [])
    fined = _only(events(["Officers fined more than 300 boaters on Monday."]))
    assert _names(fined.target_actors) == ["boaters"]


def test_refugees_are_named_as_the_sentence_names_them(events):
    from dataclasses import replace

    from geo.model import Actor, ActorMention

    text = "Police detained 50 Afghan refugees near Kuznica on Monday."
    analysed = _analysed([text])
    start = text.index("refugees")
    merged = ActorMention(start, start + 8, "refugees", Actor("migrants", "Migrants", "group"))
    analysed = replace(analysed, actors=(*analysed.actors, merged))
    found = extract_events(analysed, events.nlp(text))
    assert _names(_only(found).target_actors) == ["Afghan refugees"]


def test_forces_a_state_reports_are_its_own_named_by_the_role_table(events):
    found = events(["Poland said soldiers detained 45 migrants near Kuznica on Monday."])
    detained = _by_trigger(found, "detained")
    assert _names(detained.source_actors) == ["Armed Forces of Poland"]
    military = _by_trigger(events(["Poland said military police detained 45 men."]), "detained")
    assert "military police" in _names(military.source_actors)  # no role-table police


def test_the_one_asked_to_act_and_the_recipient_of_an_offered_act_are_targets(events):
    found = events(["Duda demanded that Lukashenko free the journalists."])
    demanded = _by_trigger(found, "demanded")
    assert (demanded.event_type, _names(demanded.target_actors)) == (
        "REQUEST",
        ["Alexander Lukashenko"],
    )
    promised = _only(events(["Duda promised on Monday to continue military aid to Lukashenko."]))
    assert _names(promised.target_actors) == ["Alexander Lukashenko"]


def test_the_owner_of_an_act_or_proposal_aimed_at_is_the_target(events):
    rejected = _only(events(["Poland rejected a Chilean peace proposal on Monday."]))
    assert _names(rejected.target_actors) == ["Chile"]
    condemned = _only(events(["Duda condemned Belarus' treatment of migrants on Monday."]))
    assert _names(condemned.target_actors) == ["Belarus"]  # not the migrants


def test_a_place_named_by_of_after_a_noun_of_location_locates_as_it_does(events):
    event = _only(
        events(["Dozens of houses on the outskirts of Kuznica were destroyed by the waters."])
    )
    assert _located(event) == ["Kuznica"]
    talks = _only(events(["Duda and Putin discussed the crisis on the borders of Belarus."]))
    assert _located(talks) == []  # a border as topic, with the places of its phrase


def test_the_state_an_act_of_saying_is_aimed_at_is_its_target_not_its_place(nlp):
    from dataclasses import replace

    text = "Duda lashed out at Minsk on Monday."
    analysed = _analysed([text])
    capital = replace(PLACES["Minsk"], raw=(("feature", "PPLC"),))
    named = ResolvedToponym(Toponym(19, 24, "Minsk"), capital, 1.0)
    event = _only(extract_events(replace(analysed, toponyms=(named,)), nlp(text)))
    assert (_names(event.target_actors), _located(event)) == (["Belarus"], [])


def test_they_in_what_a_group_said_is_that_group(events):
    found = events(["The rebels said on Monday that they would free the hostages."])
    freed = _by_trigger(found, "free")
    assert _names(freed.source_actors) == ["rebels"]


def test_an_origin_is_mentioned_not_where_the_event_happened(events):
    found = events(["Poland is on alert.", "Polish guards stopped migrants coming from Belarus."])
    assert _located(_by_trigger(found, "stopped")) == ["Poland"]  # not the migrants' origin


def test_a_crossing_with_no_place_of_its_own_is_at_the_articles_border(events):
    found = events(
        ["Poland closed its border with Belarus.", "There were attempted crossings on Monday."]
    )
    assert _located(_by_trigger(found, "attempted crossings")) == ["Belarus", "Poland"]


def test_a_bare_body_is_the_one_of_its_role_named_before(events):
    from dataclasses import replace

    from geo.model import Actor, ActorMention

    text = "Polish police detained five men. The police detained two more men on Tuesday."
    analysed = _analysed([text])
    police = Actor("pl_police", "Polish police", "government", "PL")
    analysed = replace(analysed, actors=(ActorMention(0, 13, "Polish police", police),))
    found = extract_events(analysed, events.nlp(text))
    assert [_names(e.source_actors) for e in found] == [["Polish police"], ["Polish police"]]
