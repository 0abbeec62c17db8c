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
