"""bench/events_country_join.py: country designations joined before the scorer's matching,
to tell naming convention from parse errors in the actor F1."""

import importlib.util
import sys
from pathlib import Path

import pytest

_BENCH = Path(__file__).resolve().parent.parent / "bench" / "events_country_join.py"


@pytest.fixture(scope="module")
def join():
    spec = importlib.util.spec_from_file_location("events_country_join", _BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    if not (module.SETS["plover_gsr"].parent.parent / "bench" / "score_events.py").exists():
        pytest.skip("../shared is not available")
    return module


@pytest.mark.parametrize(
    ("gold", "pred"),
    [
        ("Sudanese government", "Government of Sudan"),
        ("Serb forces", "Armed Forces of Serbia"),
        ("U.S.", "United States"),
        ("Britain", "United Kingdom"),
    ],
)
def test_a_country_in_any_spelling_joins(join, gold, pred):
    match = join._scorer().names_match
    assert not match(gold, pred)  # the scorer's stems alone do not join them
    assert match(join.joined(gold), join.joined(pred))


def test_different_countries_and_non_countries_stay_apart(join):
    match = join._scorer().names_match
    assert not match(join.joined("Serb forces"), join.joined("Armed Forces of Croatia"))
    assert join.joined("the police said") == "the police said"
