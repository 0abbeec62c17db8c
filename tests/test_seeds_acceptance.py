"""Acceptance: the whole pipeline on the seeds against their gold (issue targets).

The figures come from bench/seeds_eval.py, which prints the same numbers.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

_EVAL = Path(__file__).resolve().parent.parent / "bench" / "seeds_eval.py"


@pytest.fixture(scope="module")
def seeds_eval():
    spec = importlib.util.spec_from_file_location("seeds_eval", _EVAL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report(seeds_eval):
    return seeds_eval.evaluate()


def test_every_gold_place_found_in_every_article_that_mentions_it(report):
    t = report.toponyms
    missing = [e for e in t.errors if "not found" in e]
    assert t.places_found == t.places_total, missing


def test_toponym_mention_f1_exact_spans(report):
    assert report.toponyms.f1 >= 0.95, report.toponyms.errors


def test_every_found_toponym_resolves_to_gold_place(report):
    t = report.toponyms
    wrong = [e for e in t.errors if "->" in e]
    assert t.resolved_ok == t.resolved_total, wrong


def test_explicit_publication_dates_and_sources_equal_gold(report):
    m = report.metadata
    assert m.checked >= 4 and m.equal == m.checked, m.errors


def test_named_actor_mentions_map_to_canonical_actors(report):
    a = report.actors
    assert a.accuracy >= 0.90, a.missed + a.wrong + a.split


def test_date_expressions_resolve_to_gold_dates(report):
    d = report.dates
    assert d.accuracy >= 0.90, d.errors
