"""Synthetic events for the dashboard tests (built with geo.model, no NLP).

Imported by the filter, map and AppTest tests; the tests at the bottom check
the builder itself so a broken fixture fails loudly, not silently.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from pathlib import Path

import geopandas as gpd

from geo.model import Actor, Event, EventPlace, Place
from geo.store import events_to_geodataframe, split_list

HOSTILE = "<img src=x onerror=alert(1)> <script>alert(2)</script> ${alert(3)} `x` \\u0041"

PLACES = {
    "kuznica": Place("Kuźnica", "village", "PL", 53.5116, 23.6424, "geonames", 3093524),
    "bruzgi": Place("Bruzgi", "village", "BY", 53.5667, 23.7500, "geonames", 630000),
    "minsk": Place("Minsk", "city", "BY", 53.9000, 27.5667, "geonames", 625144),
    "warsaw": Place("Warsaw", "city", "PL", 52.2298, 21.0118, "geonames", 756135),
    "poland": Place("Poland", "country", "PL", 52.0, 19.0, "geonames", 798544),
    "belarus": Place("Belarus", "country", "BY", 53.0, 28.0, "geonames", 630336),
    "bug": Place("Bug", "river", "PL", 52.5, 23.2, "geonames", 3101234),
    "brussels": Place("Brussels", "city", "BE", 50.8503, 4.3517, "geonames", 2800866),
}

ACTORS = {
    "lukashenko": Actor("lukashenko", "Alexander Lukashenko", "person", "BY"),
    "pl_guard": Actor("pl_border_guard", "Polish Border Guard", "government", "PL"),
    "eu": Actor("eu", "European Union", "organisation", None),
    "migrants": Actor("migrants", "migrants", "group", None),
}


def _event(
    n: int,
    event_type: str,
    day: int,
    actors: tuple[str, ...],
    places: tuple[tuple[str, str], ...],
    excerpt: str,
    source: str | None,
    url: str | None = None,
    article: str | None = None,
) -> Event:
    event_places = []
    for key, role in places:
        place = PLACES[key]
        found = excerpt.find(place.name)
        start = 1000 + max(found, 0)
        event_places.append(
            EventPlace(place, place.name, start, start + len(place.name), role)  # type: ignore[arg-type]
        )
    return Event(
        id=f"e{n}",
        article_id=article or f"a{n % 3}",
        event_type=event_type,
        actors=tuple(ACTORS[a] for a in actors),
        date=dt.date(2021, 11, day),
        date_precision="day",
        places=tuple(event_places),
        excerpt=excerpt,
        start=1000,
        end=1000 + len(excerpt),
        context_before=f"Before event {n}.",
        context_after=f"After event {n}.",
        source=source,
        url=url,
        published=dt.date(2021, 11, day),
        title=f"Title {n}",
    )


def sample_events() -> list[Event]:
    return [
        _event(
            1,
            "MOBILIZE",
            8,
            ("migrants",),
            (("kuznica", "located"), ("poland", "mentioned")),
            "Hundreds of migrants gathered at the Kuźnica crossing in Poland on Monday.",
            "BBC",
            "https://www.bbc.co.uk/news/world-europe-1",
        ),
        _event(
            2,
            "ACCUSE",
            9,
            ("pl_guard", "lukashenko"),
            (("kuznica", "located"), ("belarus", "mentioned")),
            "Polish guards said Belarus pushed people towards Kuźnica overnight.",
            "Reuters",
            None,
        ),
        _event(
            3,
            "CONSULT",
            10,
            ("lukashenko",),
            (("minsk", "located"),),
            "Lukashenko met officials in Minsk to discuss the border.",
            "Reuters",
            "https://www.reuters.com/world/2",
        ),
        _event(
            4,
            "SANCTION",
            15,
            ("eu",),
            (("brussels", "located"), ("belarus", "mentioned")),
            "The EU agreed new sanctions on Belarus in Brussels.",
            "Al Jazeera",
            None,
        ),
        _event(
            5,
            "ASSAULT",
            16,
            ("pl_guard", "migrants"),
            (("bruzgi", "located"),),
            "Water cannon was used against migrants near Bruzgi.",
            "BBC",
            None,
        ),
        _event(
            6,
            "PROTEST",
            12,
            ("migrants",),
            (("warsaw", "located"), ("bug", "mentioned")),
            "A protest in Warsaw recalled the people who crossed the Bug.",
            "Guardian",
            "javascript:alert('url')",
        ),
    ]


def hostile_event() -> Event:
    """An event whose text, source, actor and title try every injection we know."""
    actor = Actor("evil", f"Evil {HOSTILE}", "person", "PL")
    place = Place(f"Kuźnica{HOSTILE}", "village", "PL", 53.6, 23.7, "geonames", 999999)
    excerpt = f"Hostile text {HOSTILE} near Kuźnica{HOSTILE} end."
    found = excerpt.find(place.name)
    return Event(
        id="hostile",
        article_id="ahostile",
        event_type="OTHER",
        actors=(actor,),
        date=dt.date(2021, 11, 20),
        date_precision="day",
        places=(
            EventPlace(place, place.name, 1000 + found, 1000 + found + len(place.name), "located"),
        ),
        excerpt=excerpt,
        start=1000,
        end=1000 + len(excerpt),
        context_before=HOSTILE,
        context_after=HOSTILE,
        source=f"Source {HOSTILE}",
        url="https://example.org/?q=<script>alert(4)</script>",
        published=dt.date(2021, 11, 20),
        title=f"Title {HOSTILE}",
    )


def sample_frame(*, hostile: bool = False) -> gpd.GeoDataFrame:
    events = sample_events() + ([hostile_event()] if hostile else [])
    return events_to_geodataframe(events)


def test_sample_frame_has_one_row_per_event_and_place():
    frame = sample_frame()
    expected = sum(len(e.places) for e in sample_events())
    assert len(frame) == expected
    assert frame["event_id"].nunique() == len(sample_events())
    assert split_list(frame.loc[frame["event_id"] == "e2", "actor_ids"].iloc[0]) == [
        "pl_border_guard",
        "lukashenko",
    ]


def test_mentions_point_into_the_excerpt():
    frame = sample_frame(hostile=True)
    for row in frame.itertuples():
        begin, end = row.mention_start - row.start, row.mention_end - row.start
        assert row.excerpt[begin:end] == row.mention


def write_frame_store(frame: gpd.GeoDataFrame, data_dir: Path) -> None:
    """`frame` as the whole store under `data_dir` (one partition; the map's table only, the
    others empty but typed), replacing any store there: what the dashboard queries."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from geo.store import PART_COLUMN, TABLES, Partition, state
    from geo.store.writer import table_schemas

    data_dir.mkdir(parents=True, exist_ok=True)
    name = "part-000001.parquet"
    for table in TABLES:
        shutil.rmtree(data_dir / table, ignore_errors=True)
        (data_dir / table).mkdir()
    frame.assign(**{PART_COLUMN: 1}).to_parquet(data_dir / TABLES[0] / name, index=False)
    for table, schema in table_schemas().items():
        if table != TABLES[0]:
            pq.write_table(pa.Table.from_pylist([], schema=schema), data_dir / table / name)
    articles = int(frame["article_id"].nunique())
    files = {t: state.file_stamp(data_dir / t / name) for t in TABLES}
    manifest = {
        "format": state.FORMAT_VERSION,
        "fingerprint": state.code_fingerprint(),
        "files": {},
        "counts": {"articles": articles, "events": int(frame["event_id"].nunique())},
        "partitions": [Partition(1, articles, articles, 0, files).to_manifest()],
        "written": time.time_ns(),  # a new manifest each time: the page sees a new store
    }
    (data_dir / state.MANIFEST_FILE).write_text(json.dumps(manifest))
