"""Mechanisms of the event layer measured on events_dev (bench/events_eval.py), each with a
sentence of its own: the real model's parse is under test, the mentions are placed by hand
as in test_events.py."""

import datetime as dt

from test_events import _only, _roles, _trigger


def _names(actors):
    return [a.name for a in actors]


def test_an_act_done_by_saying_in_the_present_is_reported_not_a_habit(events):
    event = _only(events(["Belarus accuses Poland of deploying soldiers on the border."]))
    assert (event.event_type, _names(event.source_actors)) == ("ACCUSE", ["Belarus"])
    assert events(["The ministry fines boaters who do not pay."]) == ()


def test_an_actors_name_stops_at_its_clauses_and_prepositional_phrases(events):
    event = _only(events(["Officers arrested boaters who did not pay Indiana excise taxes."]))
    assert _names(event.target_actors) == ["boaters"]  # and "who did not pay" describes them


def test_a_pattern_is_matched_on_the_verbs_own_words_not_a_nested_clause(events):
    found = events(
        ["The EU announced fresh sanctions on the regime, which has crushed the opposition."]
    )
    announced = next(e for e in found if _trigger(e) == "announced")
    assert announced.event_type == "SANCTION"  # not "explain … opposition" (ACCUSE)


def test_the_object_of_sanctions_on_or_accusations_against_is_the_target(events):
    event = _only(events(["The European Union imposed new sanctions on Minsk."]))
    assert (event.event_type, _names(event.target_actors)) == ("SANCTION", ["Belarus"])


def test_forces_sent_to_no_one_are_deployed(events):
    deployed = _only(events(["Poland deployed 10,000 soldiers at the border."]))
    sent = _only(events(["Poland sent 100 soldiers to Belarus on Monday."]))
    assert (deployed.event_type, sent.event_type) == ("MOBILIZE", "COOPERATE")


def _by_trigger(found, trigger):
    return next(e for e in found if _trigger(e) == trigger)


def test_a_statement_reporting_someone_elses_hostile_act_accuses_them(events):
    found = events(["Duda said Belarusian soldiers were firing shots into the air near Kuznica."])
    said = _by_trigger(found, "said")
    assert (said.event_type, _names(said.source_actors)) == ("ACCUSE", ["Andrzej Duda"])
    assert said.target_actors and said.target_actors[0].name != "Andrzej Duda"
    assert {e.event_type for e in found} == {"ACCUSE", "ASSAULT"}  # the act stays an event


def test_a_statement_denying_or_obliging_is_a_rejection_or_a_request(events):
    denied = _only(events(["But Duda said it was not true that Poland had closed the border."]))
    obliged = _only(events(["Duda said on Tuesday that all EU countries must stand together."]))
    assert (denied.event_type, obliged.event_type) == ("REJECT", "REQUEST")
    assert _names(obliged.target_actors) == ["all EU countries"]


def test_a_statement_whose_content_is_no_act_or_an_act_of_its_own_adds_none(events):
    assert events(["Duda said the economy was strong."]) == ()
    inner = _only(events(["Lukashenko said that Belarus would not agree to the talks."]))
    assert _trigger(inner) == "agree"


def test_i_and_we_in_a_quotation_are_its_speaker(events):
    event = _only(events(['"We will not succumb to intimidation," Duda tweeted on Tuesday.']))
    assert (event.event_type, _names(event.source_actors)) == ("REJECT", ["Andrzej Duda"])


def test_a_states_act_on_the_ground_with_no_place_of_its_own_is_in_its_country(events):
    banned = _only(events(["Poland banned journalists from working in the area."]))
    accused = _only(events(["Poland accused Belarus of staging provocations."]))
    assert _roles(banned) == {"Poland": "located"}
    assert _roles(accused) == {"Poland": "mentioned", "Belarus": "mentioned"}  # a statement


def test_destruction_by_no_one_named_and_a_verdict_are_happenings(events):
    flood = _only(events(["Thousands of homes have been destroyed by the waters."]))
    unnamed = _only(events(["An electrical plant was also destroyed on Sunday."]))
    attack = _only(events(["Soldiers destroyed the bridge near Kuznica."]))
    verdict = _only(events(["Critchfield was convicted of child abuse on Monday."]))
    assert [e.event_type for e in (flood, unnamed, attack, verdict)] == [
        "OTHER",
        "OTHER",
        "ASSAULT",
        "OTHER",
    ]


def _located(event):
    return sorted(ep.mention for ep in event.places if ep.role == "located")


def test_a_state_taking_part_is_an_actor_not_where_the_event_happened(events):
    event = _only(events(["The European Union imposed new sanctions on Belarus on Monday."]))
    assert (_names(event.target_actors), _located(event)) == (["Belarus"], [])


def test_a_place_locates_the_predicate_whose_clause_holds_it(events):
    found = events(
        ["Duda condemned the provocations and Polish guards detained 45 men in Kuznica."]
    )
    condemned, detained = _by_trigger(found, "condemned"), _by_trigger(found, "detained")
    assert (_located(condemned), _located(detained)) == ([], ["Kuznica"])


def test_the_dateline_does_not_locate_the_acts_of_other_countries_actors(events):
    home = _only(events(["Minsk (AP) — Lukashenko met Putin on Tuesday."]))
    abroad = _only(events(["Minsk (AP) — Duda met Putin on Tuesday."]))
    assert (_located(home), _located(abroad)) == (["Minsk"], [])


def test_a_national_bodys_act_on_the_ground_is_in_its_country_named_elsewhere(events):
    found = events(["Poland is on alert.", "Polish guards detained 45 men on Tuesday."])
    assert _located(_by_trigger(found, "detained")) == ["Poland"]


def test_a_participle_is_an_act_when_the_clause_it_hangs_from_happened(events):
    criticised = _by_trigger(
        events(["Lukashenko denied the claim, criticising Poland for not taking in migrants."]),
        "criticising",
    )
    called = _only(
        events(["Duda issued a statement on Monday calling on Belarus to stop the provocations."])
    )
    assert (criticised.event_type, _names(criticised.source_actors)) == (
        "ACCUSE",
        ["Alexander Lukashenko"],
    )
    assert (called.event_type, _names(called.source_actors)) == ("REQUEST", ["Andrzej Duda"])
    assert _names(called.target_actors) == ["Belarus"]
    assert [_trigger(e) for e in events(["Minsk issued visas permitting migrants to fly."])] == [
        "issued"
    ]  # the visas permit nothing
    assert events(["Duda might issue a statement criticising Poland."]) == ()


MONDAY = (("on Monday", dt.date(2021, 11, 8)),)


def test_a_sentence_going_on_with_the_one_before_keeps_its_date(events):
    found = events(
        ["Duda condemned Belarus on Monday.", '"We will not kneel," he added.'], dates=MONDAY
    )
    kneel = next(e for e in found if e.event_type == "REJECT")
    assert (kneel.date, kneel.date_precision) == (dt.date(2021, 11, 8), "day")
    alone = events(
        ["Duda condemned Belarus on Monday.", "Poland will not kneel, Duda said."], dates=MONDAY
    )
    assert next(e for e in alone if e.event_type == "REJECT").date_precision == "publication"


def test_an_act_restated_without_a_date_has_the_date_of_its_first_report(events):
    found = events(
        [
            "Lukashenko met Putin on Monday.",
            "Poland closed the border.",
            "In Minsk, Lukashenko met Putin for three hours.",
        ],
        dates=MONDAY,
    )
    met = [e for e in found if e.event_type == "CONSULT"]
    assert [(e.date, e.date_precision) for e in met] == [(dt.date(2021, 11, 8), "day")] * 2


def test_a_countrys_title_stands_for_the_one_the_article_names_with_it(events):
    found = events(
        [
            "Belarusian President Lukashenko met Putin on Monday.",
            "The Belarusian president accused Poland of provocations.",
            "The Belarusian defence minister rejected the accusations.",
        ]
    )
    accused, rejected = _by_trigger(found, "accused"), _by_trigger(found, "rejected")
    assert _names(accused.source_actors) == ["Alexander Lukashenko"]
    assert _names(rejected.source_actors) != ["Alexander Lukashenko"]  # another office


def test_a_demonym_gives_a_generic_actor_its_country(events):
    found = events(["Poland is on alert.", "Polish police detained 45 men on Tuesday."])
    detained = _by_trigger(found, "detained")
    assert [a.country_code for a in detained.source_actors] == ["PL"]
    assert _located(detained) == ["Poland"]


def test_a_headline_in_the_present_tagged_as_a_base_form_is_reported(events):
    found = events(
        ["Putin, Lukashenko discuss migration crisis", "Putin and Lukashenko met on Monday."],
        dates=MONDAY,
    )
    discuss = _by_trigger(found, "discuss")
    assert discuss.event_type == "CONSULT"
    assert (discuss.date, discuss.date_precision) == (dt.date(2021, 11, 8), "day")  # the body's


def test_a_border_between_states_is_a_place_not_an_actor(events):
    event = _only(events(["Lukashenko and Putin held talks on the Belarus-Poland border."]))
    assert "Belarus" not in _names(event.actors)


def test_a_country_an_act_is_aimed_at_locates_no_event_of_its_sentence(events):
    found = events(
        ["Duda condemned Belarus' provocations and asked the EU to impose sanctions on Belarus."]
    )
    assert [_located(e) for e in found] == [[]] * len(found) and found


def test_stopping_people_or_their_attempt_is_coercion(events):
    stopped = _only(events(["Polish guards stopped hundreds of migrants near Kuznica."]))
    found = events(["Polish guards prevented an attempt to storm the border."])
    prevented = _by_trigger(found, "prevented")
    found = events(["The attempt to breach the border was stopped by Polish soldiers."])
    passive = _by_trigger(found, "stopped")
    assert [e.event_type for e in (stopped, prevented, passive)] == ["COERCE"] * 3
    assert events(["The ministry stopped the payments on Monday."]) == ()  # "stop" alone: none


def test_forces_massing_are_mobilised_and_other_people_massing_is_a_happening(events):
    massed = _only(events(["Poland massed thousands of soldiers at the border."]))
    migrants = _only(events(["Thousands of migrants were massing near the border on Monday."]))
    assert (massed.event_type, migrants.event_type) == ("MOBILIZE", "OTHER")
    assert _names(massed.source_actors) == ["Poland"]


def test_pleading_guilty_concedes_and_found_dead_is_a_death(events):
    pleaded = _by_trigger(events(["Critchfield pleaded guilty on Monday."]), "pleaded")
    found = _only(events(["A woman was found dead by firefighters on Saturday."]))
    assert (pleaded.event_type, found.event_type) == ("CONCEDE", "OTHER")


def test_a_report_of_ones_own_sides_act_is_no_accusation(events):
    own = events(["Poland said on Monday that its soldiers had stopped 100 migrants."])
    national = events(["The ministry said the national security forces had detained 45 men."])
    assert {e.event_type for e in own} == {"COERCE"}
    assert {e.event_type for e in national} == {"COERCE"}


def test_it_in_what_a_body_said_is_that_body(events):
    event = _by_trigger(events(["Poland said it stopped hundreds of migrants."]), "stopped")
    assert (event.event_type, _names(event.source_actors)) == ("COERCE", ["Poland"])


def test_a_past_tense_tagged_as_a_participle_with_its_subject_happened(events):
    found = events(
        [
            "Poland stopped 100 migrants, warning of a “armed” escalation as thousands more "
            "gathered at the border."
        ]
    )
    assert _by_trigger(found, "gathered").event_type == "OTHER"


def test_what_the_speakers_side_could_do_is_a_threat_or_an_offer(events):
    threat = _only(events(["Duda told reporters that Poland could add to sanctions on Belarus."]))
    offer = _only(events(["Duda told reporters that Poland could send aid to Belarus."]))
    assert (threat.event_type, _names(threat.source_actors)) == ("THREATEN", ["Andrzej Duda"])
    assert (offer.event_type, _names(offer.target_actors)) == ("AGREE", ["Belarus"])
    forecast = "Polish President Andrzej Duda said Belarus could attack Lithuania."
    assert events([forecast]) == ()  # another state's act: a forecast, no act of the speaker


def test_a_passive_coordinated_with_an_active_verb_has_their_subject_as_its_target(events):
    found = events(["Duda pleaded guilty and was convicted of fraud on Monday."])
    convicted = _by_trigger(found, "convicted")
    assert (_names(convicted.source_actors), _names(convicted.target_actors)) == (
        [],
        ["Andrzej Duda"],
    )


def test_a_happening_named_by_a_noun_is_an_event_where_its_verb_reports_it(events):
    found = events(["Polish guards prevented an attempt to storm the border by migrants."])
    attempt = _by_trigger(found, "attempt")
    assert (attempt.event_type, _names(attempt.source_actors)) == ("OTHER", ["migrants"])
    assert _by_trigger(found, "prevented").event_type == "COERCE"
    incident = _only(events(["She told AFP about an incident on Thursday involving 500 migrants."]))
    assert (_trigger(incident), _names(incident.source_actors)) == ("incident", ["migrants"])
    assert events(["Migrants could make an attempt to cross the border."]) == ()
    assert events(["Duda made an attempt to negotiate with Minsk."]) == ()


def test_it_coordinated_after_a_bodys_act_is_that_body(events):
    found = events(["Poland announced the arrival of migrants, and it detained 45 men."])
    detained = _by_trigger(found, "detained")
    assert _names(detained.source_actors) == ["Poland"]


def test_warning_someone_against_their_own_act_is_a_request(events):
    asked = _only(events(["Belarus warned Poland against carrying out provocations."]))
    threat = _only(events(["Belarus warned of an armed escalation on Monday."]))
    assert (asked.event_type, _names(asked.target_actors)) == ("REQUEST", ["Poland"])
    assert threat.event_type == "THREATEN"
