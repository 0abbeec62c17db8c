"""Who of events (issue 16, seventh pass): each mechanism with a sentence of its own, parsed
by the real model; places placed by hand as in test_events.py."""

import pytest


@pytest.mark.parametrize(
    ("sentence", "role", "expected"),
    [
        (  # a state's body of each country, one role
            "Russia accused Polish and Belarusian officials of provocations.",
            "target",
            ["PL", "BY"],
        ),
        (  # a generic actor of each country, each kept with its own country
            "Polish and Belarusian police arrested 20 smugglers.",
            "source",
            ["PL", "BY"],
        ),
    ],
)
def test_coordinated_demonyms_sharing_a_head_are_one_actor_each(events, sentence, role, expected):
    (event,) = events([sentence])
    actors = event.source_actors if role == "source" else event.target_actors
    assert [a.country_code for a in actors] == expected


def test_a_country_an_act_of_force_is_fired_at_is_its_target(events):
    (event,) = events(["Belarus fired rockets at Poland on Monday."])
    assert [a.name for a in event.target_actors] == ["Poland"]


def test_those_arrested_as_suspects_are_the_target(events):
    (event,) = events(["Polish police arrested five suspects on Monday."])
    assert [a.name for a in event.target_actors] == ["suspects"]


def test_coordinated_demonyms_of_a_group_named_as_written_are_one_group_each(events):
    (event,) = events(["Chinese and Russian leaders signed a treaty on Monday."])
    assert [a.name for a in event.source_actors] == ["Chinese leaders", "Russian leaders"]
