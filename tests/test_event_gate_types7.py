"""Gate and types of events (issue 16, seventh pass): each mechanism with a sentence of its
own, parsed by the real model; mentions placed by hand as in test_events.py."""

from test_events import _trigger


def _triggers(found):
    return [_trigger(e) for e in found]


def test_a_headline_given_a_full_stop_narrates_in_the_present(events):
    found = events(["Putin, Lukashenko discuss migration crisis.", "They met on Monday."])
    discuss = [e for e in found if _trigger(e) == "discuss"]
    assert [e.event_type for e in discuss] == ["CONSULT"]


def test_a_present_simple_in_the_body_or_alone_is_no_event(events):
    found = events(["Putin and Lukashenko met on Monday.", "Putin, Lukashenko discuss migration."])
    assert "discuss" not in _triggers(found)
    assert "discuss" not in _triggers(events(["Putin, Lukashenko discuss migration crisis."]))


def _headline_events(events, parse, label=""):
    from test_events import _analysed

    from geo.events import extract_events

    sentences = [
        label + "Poland Stops Migrants at the Border, Threatening Armed Retaliation.",
        "On Monday, Poland said it had stopped migrants at the border.",
    ]
    analysed = _analysed(sentences)
    return extract_events(analysed, events.nlp(analysed.article.text), parse=parse)


def test_a_title_case_headline_is_parsed_again_in_sentence_case(events):
    found = _headline_events(events, events.nlp)
    headline = [e for e in found if e.start == 0]
    assert {(_trigger(e), e.event_type) for e in headline} == {
        ("Stops", "COERCE"),
        ("Threatening", "THREATEN"),
    }
    stops = next(e for e in headline if _trigger(e) == "Stops")
    assert [a.name for a in stops.source_actors] == ["Poland"]


def test_a_scraped_label_before_a_title_case_headline_leaves_it_title_case(events):
    found = _headline_events(events, events.nlp, label="date 2021-11-09 ")
    stops = [e for e in found if _trigger(e) == "Stops"]
    assert [e.event_type for e in stops] == ["COERCE"]


def test_without_the_pipeline_a_title_case_headline_has_no_verb(events):
    found = _headline_events(events, None)
    assert "Stops" not in _triggers([e for e in found if e.start == 0])


def test_only_a_title_case_headline_is_parsed_again():
    import spacy

    from geo.events.headlines import title_case

    nlp = spacy.blank("en")
    assert title_case(nlp("date 2021-11-09 Poland Stops Migrants at the Border.")[:])
    assert not title_case(nlp("Poland stops migrants at the Belarusian Border.")[:])
    assert not title_case(nlp("Poland Stops Him.")[:])  # too few long words to tell
