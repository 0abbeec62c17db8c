"""geo.app.filters: pure filtering of the events frame.

Expected sets are computed from the fixture Event objects, not from the frame.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from test_dashboard_fixtures import hostile_event, sample_events, sample_frame

from geo.app import filters, frame_index, page, tables
from geo.app.filters import EventFilter


@pytest.fixture(scope="module")
def events():
    return sample_events() + [hostile_event()]


@pytest.fixture(scope="module")
def index():
    return frame_index.build_index(sample_frame(hostile=True))


def ids(frame) -> set[str]:
    return set(frame["event_id"])


def expected(events, keep) -> set[str]:
    return {e.id for e in events if keep(e)}


def test_empty_filter_keeps_everything(index, events):
    assert ids(filters.apply_filter(index, EventFilter())) == {e.id for e in events}


@pytest.mark.parametrize(
    ("event_filter", "keep"),
    [
        (EventFilter(actors=("lukashenko",)), lambda e: "lukashenko" in [a.id for a in e.actors]),
        (
            EventFilter(actors=("eu", "pl_border_guard")),
            lambda e: {"eu", "pl_border_guard"} & {a.id for a in e.actors},
        ),
        (
            EventFilter(actor_countries=("PL",)),
            lambda e: "PL" in [a.country_code for a in e.actors],
        ),
        (EventFilter(sources=("Reuters",)), lambda e: e.source == "Reuters"),
        (
            EventFilter(place_countries=("BY",)),
            lambda e: "BY" in [p.place.country_code for p in e.places],
        ),
        (EventFilter(event_types=("ACCUSE",)), lambda e: e.event_type == "ACCUSE"),
        (
            EventFilter(date_from=dt.date(2021, 11, 9), date_to=dt.date(2021, 11, 12)),
            lambda e: dt.date(2021, 11, 9) <= e.date <= dt.date(2021, 11, 12),
        ),
        (EventFilter(text="KUŹNICA"), lambda e: "kuźnica" in e.excerpt.lower()),
        (
            EventFilter(sources=("BBC",), actors=("migrants",)),
            lambda e: e.source == "BBC" and "migrants" in [a.id for a in e.actors],
        ),
    ],
)
def test_filters_keep_exactly_the_matching_events(index, events, event_filter, keep):
    want = expected(events, keep)
    assert want, "fixture must exercise the filter"
    assert ids(filters.apply_filter(index, event_filter)) == want


def test_place_role_located_keeps_only_located_rows(index, events):
    result = filters.apply_filter(index, EventFilter(place_role="located"))
    assert set(result["role"]) == {"located"}
    located = {(e.id, p.place.key) for e in events for p in e.places if p.role == "located"}
    assert set(zip(result["event_id"], result["place_key"], strict=True)) == located


def test_place_country_filter_keeps_only_rows_in_that_country(index):
    result = filters.apply_filter(index, EventFilter(place_countries=("BE",)))
    assert set(result["place_country"]) == {"BE"}


def test_invalid_filters_are_rejected():
    with pytest.raises(ValueError):
        EventFilter(place_role="somewhere")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        EventFilter(date_from=dt.date(2021, 12, 1), date_to=dt.date(2021, 11, 1))


def test_metrics_of_a_subset(index, events):
    rows = filters.filter_rows(index, EventFilter(sources=("BBC",)))
    bbc = [e for e in events if e.source == "BBC"]
    m = filters.metrics(index, rows)
    assert (m.events, m.sources) == (len(bbc), 1)
    assert m.places == len({p.place.key for e in bbc for p in e.places})


def test_duplicate_event_place_rows_count_once():
    import pandas as pd

    frame = sample_frame()
    doubled = pd.concat([frame, frame.iloc[:2]], ignore_index=True)
    assert filters.metrics(frame_index.build_index(doubled)) == filters.metrics(
        frame_index.build_index(frame)
    )


def test_a_store_where_no_article_has_a_url_loads():
    """A corpus of plain .txt files has no URLs at all: the table's link column is empty."""
    frame = sample_frame()
    frame["url"] = None
    index = frame_index.build_index(frame)
    table = tables.events_table(index)
    assert len(table) and table["url"].isna().all()


def test_build_index_rejects_frames_without_event_columns():
    import pandas as pd

    with pytest.raises(ValueError, match="lacks columns"):
        frame_index.build_index(pd.DataFrame({"event_id": ["x"]}))


def test_options_count_distinct_events(index, events):
    options = filters.filter_options(index)
    by_actor = {c.value: c.count for c in options.actors}
    assert by_actor["migrants"] == len(
        expected(events, lambda e: "migrants" in [a.id for a in e.actors])
    )
    place_countries = {c.value: c.label for c in options.place_countries}
    assert place_countries["BE"].startswith("Belgium")
    assert options.date_min == min(e.date for e in events)
    assert options.date_max == max(e.date for e in events)


def test_metrics_count_distinct_values(index, events):
    m = filters.metrics(index)
    assert m.events == len(events)
    assert m.articles == len({e.article_id for e in events})
    assert m.places == len({p.place.key for e in events for p in e.places})


def test_events_per_day_sums_to_event_count(index, events):
    per_day = tables.events_per_day(index)
    assert per_day["events"].sum() == len(events)
    assert set(per_day["event_type"]) == {e.event_type for e in events}


@pytest.mark.parametrize(
    "event_filter",
    [EventFilter(), EventFilter(place_countries=("BY",)), EventFilter(sources=("Reuters",))],
)
def test_events_per_day_matches_events(index, events, event_filter):
    """Per (day, type), the distinct events the filter keeps, counted from the Event objects."""
    from collections import Counter

    kept = ids(filters.apply_filter(index, event_filter))
    want = Counter((e.date, e.event_type) for e in events if e.id in kept and e.date)
    rows = filters.filter_rows(index, event_filter)
    per_day = tables.events_per_day(index, rows)
    got = Counter({(d.date(), t): n for d, t, n in per_day.itertuples(index=False, name=None)})
    assert got == want


def test_a_month_or_year_is_not_drawn_as_its_first_day(events):
    """ "In October" is stored as 1 October: counting it there would make a false spike."""
    import dataclasses

    from geo.store import events_to_geodataframe

    loose = [dataclasses.replace(events[0], id="m1", date_precision="month"),
             dataclasses.replace(events[1], id="y1", date_precision="year"),
             dataclasses.replace(events[2], id="p1", date_precision="publication")]  # fmt: skip
    index = frame_index.build_index(events_to_geodataframe([*events, *loose]))
    per_day = tables.events_per_day(index)
    assert per_day["events"].sum() == len(events) + 1  # the publication day is a day
    assert tables.events_without_a_day(index) == 2


def test_events_table_takes_columns_from_the_filtered_rows(index, events):
    """An event at places in two countries lists only the places the filter kept."""
    by_events = [e for e in events if "BY" in [p.place.country_code for p in e.places]]
    assert any(len({p.place.country_code for p in e.places}) > 1 for e in by_events)
    rows = filters.filter_rows(index, EventFilter(place_countries=("BY",)))
    table = tables.events_table(index, rows)
    assert sorted(table["excerpt"]) == sorted(e.excerpt for e in by_events)
    by_excerpt = {e.excerpt: e for e in by_events}
    for excerpt, names in zip(table["excerpt"], table["place_names"], strict=True):
        want = [p.place.name for p in by_excerpt[excerpt].places if p.place.country_code == "BY"]
        assert names.split(", ") == list(dict.fromkeys(want))


def test_events_table_one_row_per_event_latest_first(index, events):
    table = tables.events_table(index, limit=3)
    assert len(table) == 3
    assert list(table["date"]) == sorted(table["date"], reverse=True)
    full = tables.events_table(index)
    assert len(full) == len(events)
    e1 = full[full["excerpt"].str.contains("gathered")].iloc[0]
    assert e1["place_names"] == "Kuźnica, Poland"


def test_undated_events_come_last():
    import pandas as pd

    frame = sample_frame()
    frame.loc[frame["event_id"] == "e5", "date"] = pd.NaT
    table = tables.events_table(frame_index.build_index(frame))
    assert table["excerpt"].iloc[-1].startswith("Water cannon")
    assert table["date"].iloc[:-1].notna().all()


def test_latest_events_gives_each_event_once_latest_first_undated_last():
    import numpy as np

    frame = sample_frame()
    frame.loc[frame["event_id"] == "e5", "date"] = pd.NaT
    index = frame_index.build_index(frame)
    rows = filters.filter_rows(index, EventFilter(place_countries=("BY", "PL")))
    chosen = filters.latest_events(index, rows)
    events = index.frame["event_id"]
    assert sorted(events.iloc[chosen]) == sorted(set(events.iloc[rows]))
    assert all(r == min(rows[events.iloc[rows] == events.iloc[r]]) for r in chosen)
    dates = index.frame["date"].iloc[chosen]
    assert dates.iloc[-1] is pd.NaT and dates.iloc[:-1].is_monotonic_decreasing
    assert np.array_equal(filters.latest_events(index, rows, limit=2), chosen[:2])


def test_downloads_round_trip(index):
    subset = filters.apply_filter(index, EventFilter(sources=("BBC",)))
    csv = tables.to_csv_bytes(subset).decode("utf-8")
    assert csv.count("\n") == len(subset) + 1
    assert "lat" in csv.splitlines()[0]
    geojson = json.loads(tables.to_geojson_bytes(subset))
    assert len(geojson["features"]) == len(subset)
    lon, lat = geojson["features"][0]["geometry"]["coordinates"]
    assert (lat, lon) in set(zip(subset.geometry.y, subset.geometry.x, strict=True))


def test_url_params_round_trip():
    event_filter = EventFilter(
        date_from=dt.date(2021, 11, 2),
        actors=("a", "b"),
        place_countries=("BY",),
        place_role="located",
        text="border",
    )
    params = filters.filter_to_params(event_filter)
    assert params["country"] == ["BY"]
    assert "to" not in params and "source" not in params
    assert filters.filter_from_params(params) == event_filter


def test_url_params_tolerate_garbage():
    parsed = filters.filter_from_params(
        {"from": ["not-a-date"], "role": ["nowhere"], "actor": ["", "x", "x"]}
    )
    assert parsed == EventFilter(actors=("x",))


def link_options(**choices: tuple[str, ...]) -> filters.FilterOptions:
    """Options of data from 8 to 20 November 2021 offering `choices` per CHOICE_FIELDS field."""
    fields = {
        f: tuple(filters.Choice(v, v, 1) for v in choices.get(f, ())) for f in filters.CHOICE_FIELDS
    }
    return filters.FilterOptions(dt.date(2021, 11, 8), dt.date(2021, 11, 20), **fields)


def test_a_link_is_fitted_to_the_values_and_days_this_data_has():
    options = link_options(actors=("migrants", "eu"), sources=("BBC",))
    link = EventFilter(
        date_from=dt.date(2021, 11, 1),
        date_to=dt.date(2021, 11, 12),
        actors=("nobody", "eu", "migrants"),
        sources=("Gone Gazette",),
        place_role="located",
        text="border",
    )
    assert filters.fit_filter(link, options) == EventFilter(
        date_from=dt.date(2021, 11, 8),
        date_to=dt.date(2021, 11, 12),
        actors=("eu", "migrants"),
        place_role="located",
        text="border",
    )
    late = EventFilter(date_from=dt.date(2030, 1, 1))
    assert filters.fit_filter(late, options).date_from == dt.date(2021, 11, 20)
    undated = filters.FilterOptions(None, None, *(() for _ in filters.CHOICE_FIELDS))
    assert filters.fit_filter(late, undated) == late  # no days to move the dates into


def test_link_problems_name_parameters_not_the_values_they_hold():
    options = link_options(actors=("migrants",))
    params = {
        "actor": ["nobody", "[x](javascript:alert(1))", "migrants"],
        "source": ["Gone Gazette"],
        "from": ["2030-01-01"],
        "to": ["not-a-date"],
        "role": ["nowhere"],
        "utm_source": ["newsletter"],
    }
    problems = filters.link_problems(params, filters.filter_from_params(params), options)
    assert problems == [
        "2 'actor' value(s) this data does not have",
        "1 'source' value(s) this data does not have",
        "'to' is not a date (YYYY-MM-DD)",
        "'role' is not one of located, any",
        "the dates 2030-01-01 to … are outside the data's 2021-11-08 to 2021-11-20, "
        "so the nearest day is shown",
    ]
    good = {"actor": ["migrants"], "from": ["2021-11-09"]}
    assert filters.link_problems(good, filters.filter_from_params(good), options) == []


def test_a_date_range_follows_the_data_when_its_days_change():
    nov = dt.date(2021, 11, 8), dt.date(2021, 11, 20)
    refit = filters.refit_date_range
    assert refit(nov, nov, (nov[0], dt.date(2021, 11, 28))) == (nov[0], dt.date(2021, 11, 28))
    assert refit((), nov, (nov[0], nov[0])) == (nov[0], nov[0])
    narrowed = (dt.date(2021, 11, 16), dt.date(2021, 11, 20))
    assert refit(narrowed, nov, (nov[0], dt.date(2021, 11, 16))) == (narrowed[0], narrowed[0])
    assert refit((nov[0],), nov, (dt.date(2021, 11, 10), nov[1])) == (dt.date(2021, 11, 10),)
    assert refit(narrowed, nov, (None, None)) == ()


def test_a_short_timeline_has_one_tick_a_day_not_repeated_dates():
    def counts(*days):
        return pd.DataFrame({"date": pd.to_datetime(days), "event_type": "X", "events": 1})

    one_day = tables.timeline_axis(counts("2021-11-19"))
    assert one_day["tickCount"] == {"interval": "day", "step": 1}
    assert tables.timeline_axis(counts("2021-01-01", "2021-11-19")) == {}


def test_a_long_timeline_is_drawn_a_bar_a_week_or_a_month_with_every_event_kept():
    days = pd.date_range("2021-01-01", "2021-12-31", freq="D")
    per_day = pd.DataFrame(
        {"date": days.repeat(2), "event_type": ["A", "B"] * len(days), "events": 1}
    )
    quarter = tables.timeline(per_day[per_day["date"] <= "2021-03-31"])
    assert quarter.unit == "day" and len(quarter.counts) == 2 * 90

    year = tables.timeline(per_day)
    assert year.unit == "week"
    assert (year.counts["date"].dt.dayofweek == 0).all()  # weeks from Monday
    assert year.counts["events"].sum() == len(per_day)
    assert len(year.counts) == 2 * 53  # 2020-12-28 … 2021-12-27
    first = year.counts[year.counts["date"] == "2020-12-28"]
    assert first["events"].tolist() == [3, 3]  # Jan 1 to 3, for each type
    assert first["bottom"].tolist() == [0, 3] and first["top"].tolist() == [3, 6]  # stacked
    assert (year.counts["end"] - year.counts["date"] == pd.Timedelta(days=7)).all()

    later = per_day.assign(date=per_day["date"] + pd.DateOffset(years=3))
    years = tables.timeline(pd.concat([per_day, later]))
    assert years.unit == "month" and len(years.counts) == 2 * 24
    assert (years.counts["date"].dt.day == 1).all()
    assert years.counts["events"].sum() == 2 * len(per_day)

    assert years.counts.loc[years.counts["date"] == "2021-12-01", "end"].iloc[0] == pd.Timestamp(
        "2022-01-01"
    )
    spec = page.timeline_spec(year)["encoding"]
    assert (spec["x2"]["field"], spec["y"]["field"], spec["y2"]["field"]) == (
        "end",
        "top",
        "bottom",
    )
    assert page.timeline_spec(quarter)["encoding"]["x"]["timeUnit"] == "yearmonthdate"


def test_unique_ints_matches_numpy_unique():
    import numpy as np

    values = np.random.default_rng(3).integers(-50, 50, 500)
    assert np.array_equal(frame_index.unique_ints(values), np.unique(values))
    assert frame_index.unique_ints(np.array([], dtype=np.int64)).size == 0


def test_csv_download_defuses_spreadsheet_formulas():
    """Article text starting with = + - @ (or a tab before one) must not run in a spreadsheet."""
    import csv
    import io

    from shapely.geometry import Point

    frame = sample_frame()
    hostile = {
        "excerpt": '=HYPERLINK("https://evil.example","click")',
        "title": "+1+cmd|' /C calc'!A0",
        "source": "@SUM(1+1)",
        "actor_names": "-2+3",
        "context_before": "\t=1+1",
    }
    for column, value in hostile.items():
        frame.loc[0, column] = value
    frame.loc[1, "geometry"] = Point(-3.7038, 40.4168)  # numbers keep their minus sign
    text = tables.to_csv_bytes(frame).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for column, value in hostile.items():
        assert rows[0][column] == "'" + value, column
    assert float(rows[1]["lon"]) == -3.7038
    assert rows[2]["excerpt"] == frame["excerpt"].iloc[2]  # ordinary text is untouched
    mixed = pd.Series([dt.date(2021, 11, 8), "=1+1", None, -5], dtype=object)
    assert tables.defuse_formulas(mixed).tolist() == [dt.date(2021, 11, 8), "'=1+1", None, -5]
    empty = tables.to_csv_bytes(frame.iloc[[]]).decode("utf-8")
    assert empty.splitlines() == [",".join([*frame.columns.drop("geometry"), "lat", "lon"])]


def test_csv_download_keeps_rows_whole_when_text_holds_line_breaks():
    import csv
    import io

    frame = sample_frame()
    frame.loc[0, "excerpt"] = "Old Mac text\rwith a bare carriage return"
    frame.loc[1, "excerpt"] = "Windows text\r\nand a unix\nbreak"
    text = tables.to_csv_bytes(frame).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(frame)
    assert [r["excerpt"] for r in rows[:2]] == frame["excerpt"].iloc[:2].tolist()
    assert [r["event_id"] for r in rows] == frame["event_id"].tolist()
