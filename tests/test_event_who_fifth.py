"""Who, where and when of events (issue 16, fifth pass): each mechanism with a sentence of
its own, parsed by the real model; mentions placed by hand as in test_events.py."""

import datetime as dt

from test_events import _trigger


def _names(actors):
    return [a.name for a in actors]


def _by_trigger(found, trigger):
    return next(e for e in found if _trigger(e) == trigger)


def test_a_title_never_written_before_a_name_is_the_governments_untitled_member(events):
    found = events(
        [
            "The Russian president condemned Poland on Tuesday.",
            "Vladimir Putin and Andrzej Duda will meet in Minsk next week.",
        ]
    )
    event = _by_trigger(found, "condemned")
    assert _names(event.source_actors) == ["Vladimir Putin"]


MONDAY = dt.date(2021, 11, 8)
THURSDAY = dt.date(2021, 11, 4)


def test_a_later_sentence_dates_the_incident_it_names_by_its_count(events):
    found = events(
        [
            "Polish guards said there were attempted crossings by two groups, "
            "one involving 500 migrants, some of whom threw rocks.",
            "She told reporters about an incident late Thursday involving around 500 migrants.",
        ],
        dates=[("late Thursday", THURSDAY)],
    )
    assert _by_trigger(found, "attempted crossings").date == THURSDAY
    assert _by_trigger(found, "threw").date == THURSDAY


def test_an_act_restated_by_its_states_bodies_has_the_date_of_its_report(events):
    found = events(
        [
            "On Monday, Poland said it stopped hundreds of migrants at the border.",
            "Poland has come under fire in recent years for its strong stance on migration.",
            '"The first mass attempt to breach the border was stopped by Polish guards," '
            "the ministry said.",
        ],
        dates=[("On Monday", MONDAY)],
    )
    assert _by_trigger(found, "stopped").date == MONDAY
    restated = [e for e in found if e.start > 100 and e.event_type == "COERCE"]
    assert restated and all(e.date == MONDAY for e in restated)
    attempt = [e for e in found if _trigger(e) == "attempt"]
    assert all(e.date == MONDAY for e in attempt)


def test_a_sentence_set_at_another_time_restates_no_report(events):
    found = events(
        [
            "On Monday, Poland said it stopped hundreds of migrants at the border.",
            "Before that, Polish guards stopped an attempt to storm the border.",
        ],
        dates=[("On Monday", MONDAY)],
    )
    later = [e for e in found if e.start > 0 and e.event_type == "COERCE"]
    assert later and all(e.date_precision == "publication" for e in later)


def _caption_joined_doc(nlp):
    """A parse that joins a photo credit to the next paragraph, as the model does on real
    pages: the caption's noun is the verb's subject, the paragraph's noun an apposition of
    the credit."""
    from spacy.tokens import Doc

    words = ["Migrants", "near", "the", "border", "AFP", "\n\n", "Belarus", "has", "denied"]
    words += ["the", "claim", "."]
    spaces = [True, True, True, True, False, False, True, True, True, True, False, False]
    heads = [8, 0, 3, 1, 0, 4, 4, 8, 8, 10, 8, 8]
    deps = ["nsubj", "prep", "det", "pobj", "appos", "dep", "appos", "aux", "ROOT", "det"]
    deps += ["dobj", "punct"]
    pos = ["NOUN", "ADP", "DET", "NOUN", "PROPN", "SPACE", "PROPN", "AUX", "VERB", "DET"]
    pos += ["NOUN", "PUNCT"]
    return Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos)


def test_a_subject_across_a_blank_line_is_the_paragraphs_own_noun(nlp):
    from geo.events.dictionaries import load_coding_dictionaries
    from geo.events.participants import ArticleActors, participants
    from geo.events.predicates import CodedPredicate
    from geo.model import Actor, ActorMention

    doc = _caption_joined_doc(nlp)
    belarus = Actor("country_by", "Belarus", "government", "BY")
    migrants = Actor("migrants", "Migrants", "group")
    start = doc[6].idx
    mentions = [
        ActorMention(0, 8, "Migrants", migrants),
        ActorMention(start, start + 7, "Belarus", belarus),
    ]
    actors = ArticleActors(mentions, [], load_coding_dictionaries(), None)
    verb = doc[8]
    predicate = CodedPredicate(verb, verb.idx, verb.idx + 6, "130", "REJECT", False, False, "t")
    assert _names(participants(predicate, actors).sources) == ["Belarus"]


def test_the_opposition_is_an_agent_phoenix_holds_only_inside_phrases(events):
    event = _by_trigger(events(["The opposition accused the government of fraud."]), "accused")
    assert _names(event.source_actors) == ["opposition"]
    from geo.events.agent_heads import head_agent
    from geo.events.dictionaries import load_coding_dictionaries

    dicts = load_coding_dictionaries()
    assert head_agent(dicts, "opposition").code.lstrip("~") == "OPP"
    assert head_agent(dicts, "water") is None  # "water resources ministry" is no water
    assert head_agent(dicts, "politician") is None  # opposition politicians are the phrase's


def test_the_of_phrase_after_an_accused_object_is_the_charge_not_its_name(events):
    event = _by_trigger(events(["Police accused the driver of speeding on Monday."]), "accused")
    assert _names(event.target_actors) == ["driver"]


def _located_names(event):
    return sorted(p.place.name for p in event.places if p.role == "located")


def test_acts_told_with_a_placed_act_or_as_a_later_incident_share_its_ground(events):
    found = events(
        [
            "In Kuznica, police detained 500 migrants, some of whom threw rocks.",
            "She told reporters about an incident late Thursday involving around 500 migrants.",
        ],
        dates=[("late Thursday", THURSDAY)],
    )
    assert _located_names(_by_trigger(found, "detained")) == ["Kuznica"]
    assert _located_names(_by_trigger(found, "threw")) == ["Kuznica"]
    assert _located_names(_by_trigger(found, "incident")) == ["Kuznica"]


def test_he_is_the_one_the_sentence_before_is_about_not_one_his_quotation_names(events):
    found = events(
        [
            "Poland's president, Duda, said on Tuesday that the EU \"must act, because "
            'Lukashenko is using migrants to destabilise the West".',
            "He called for the European Union to support Poland.",
        ]
    )
    assert _names(_by_trigger(found, "called").source_actors) == ["Andrzej Duda"]


def test_the_one_called_on_to_act_in_a_for_clause_is_the_target(events):
    found = events(["Duda called for the Commission to support Poland."])
    assert _names(_by_trigger(found, "called").target_actors) == ["Commission"]
