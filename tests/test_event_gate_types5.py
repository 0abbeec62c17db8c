"""The event gate and types (issue 16, fifth pass), each mechanism with a sentence of its
own, parsed by the real model; mentions placed by hand as in test_events.py."""

from test_events import _only, _trigger


def _types(found):
    return {_trigger(e): e.event_type for e in found}


def test_the_act_a_demand_asks_for_is_no_act_of_its_own(events):
    found = events(["Duda demanded that Belarus open the border crossings."])
    assert _types(found) == {"demanded": "REQUEST"}


def test_a_composite_force_code_is_the_speakers_own_force():
    # Phoenix's "military police" is MILCOP: a force, reported by its own state, no accusation
    from geo.events.senses import is_force

    assert is_force("MILCOP") and is_force("COP") and is_force("GOVMIL")
    assert not is_force("GOVHLH") and not is_force(None)


def test_a_state_reporting_its_military_police_accuses_no_one(events):
    found = events(["Poland said military police detained 45 men."])
    assert "ACCUSE" not in _types(found).values()


def test_an_act_of_saying_in_the_present_needs_someone_saying_it(events):
    assert events(["The award recognizes communities across the country."]) == ()
    assert _types(events(["Belarus accuses Poland of lying."])) == {"accuses": "ACCUSE"}
    assert _types(events(["The report accuses Belarus of lying."])) == {"accuses": "ACCUSE"}


def test_calling_something_what_cameos_criticism_patterns_call_it_accuses(events):
    # "slam … (as unacceptable)" 111, "dismiss … (as fabrication)" 111
    plan = _only(events(["Duda said the Belarusian plan was unacceptable."]))
    assert plan.event_type == "ACCUSE"
    claims = _only(events(["The ministry said the Belarusian claims were a fabrication."]))
    assert claims.event_type == "ACCUSE"
    assert events(["Duda said the talks were a success."]) == ()


def test_a_word_of_offending_accuses(events):
    # appall, shock, outrage: PETRARCH2's offend block, paired code [:110]
    found = _only(events(["Duda said Belarus' treatment of migrants was appalling."]))
    assert found.event_type == "ACCUSE"
    assert events(["Duda said the view was stunning."]) == ()


def test_an_act_offered_through_a_preposition_is_a_threat(events):
    found = events(["Duda added that Poland would look at imposing sanctions on Belarus."])
    assert _types(found) == {"added": "THREATEN"}


def test_something_used_to_do_an_act_does_it(events):
    found = events(["The Belarusian soldiers were using lasers to attack them, Duda said."])
    assert "ASSAULT" in _types(found).values()
    wanted = events(["The Belarusian soldiers wanted to attack them on Monday."])
    assert "ASSAULT" not in _types(wanted).values()


def test_people_trying_to_get_across_is_a_happening(events):
    tried = _only(events(["Hundreds of migrants were attempting to cross the border on Monday."]))
    assert (tried.event_type, _trigger(tried)) == ("OTHER", "attempting")
    assert events(["Duda tried to negotiate with Lukashenko on Monday."]) == ()


def test_a_clause_judged_possible_is_a_guess(events):
    assert events(["It is likely that Belarus helped the migrants."]) == ()
    said = 'Lukashenko said it was "absolutely possible" his forces had helped people cross.'
    assert "AID" not in _types(events([said])).values()
    plain = "Lukashenko said it was cold and his forces had helped people cross."
    assert "AID" in _types(events([plain])).values()


def test_a_count_of_people_over_a_year_is_a_statistic(events):
    assert events(["About 7,900 migrants tried to cross the border in 2021."]) == ()
    assert events(["About 900 soldiers attacked the camps in 2021."]) == ()
    day = _only(events(["About 200 soldiers attacked the camp on Monday."]))
    assert day.event_type == "ASSAULT"
    year = _only(events(["In 2014, Russia annexed Crimea."]))
    assert year.event_type == "COERCE"


def test_placed_under_arrest_is_the_arrest(events):
    placed = _only(events(["Police placed Duda under house arrest on Monday."]))
    assert (placed.event_type, placed.cameo) == ("COERCE", "173")


def test_the_bare_verbs_block_codes_the_phrase_too(events):
    # "build up" is filed in the strengthen block; "build … up forces" 154 in the construct
    # block, "put … down riot" 175 in the arrange block
    built = _only(events(["Russia built up forces on the border on Monday."]))
    assert (built.event_type, built.cameo) == ("MOBILIZE", "154")
    put = _only(events(["Police put down the riot on Monday."]))
    assert put.cameo == "175"


def test_the_act_a_warning_announces_is_the_threat_not_another_event(events):
    found = events(["Duda warned that migrants who cross will be pushed back with force."])
    assert _types(found) == {"warned": "THREATEN"}
    reported = events(["Duda warned that Belarus had massed troops at the border."])
    assert _types(reported)["massed"] == "MOBILIZE"


def test_an_obligation_in_a_quotation_of_its_own_is_a_request(events):
    found = events(["“All pushbacks must end immediately.”"])
    assert _types(found) == {"must end": "REQUEST"}
    assert events(["“We must defend our border.”"]) == ()
    assert events(["All pushbacks must end immediately."]) == ()


def test_exercises_talked_about_are_a_topic_not_a_show_of_force(events):
    talks = _only(events(["Putin and Lukashenko discussed the military drills on Monday."]))
    assert talks.event_type == "CONSULT"
    held = _only(events(["Russia held military exercises near the border on Monday."]))
    assert held.event_type == "MOBILIZE"
