import datetime as dt

from geo.model import Actor, Event, EventPlace, Place
from geo.store import LIST_SEP, events_to_geodataframe, split_list


def _event(places):
    return Event(
        id="e1",
        article_id="a1",
        event_type="ACCUSE",
        actors=(Actor("lukashenko", "Alexander Lukashenko", "person", "BY"),),
        date=dt.date(2021, 11, 9),
        date_precision="day",
        places=places,
        excerpt="Minsk accused Warsaw.",
        start=0,
        end=21,
        context_before="",
        context_after="",
        source="AFP",
        url=None,
        published=dt.date(2021, 11, 9),
    )


def test_one_row_per_event_place_with_lon_lat_points():
    minsk = Place("Minsk", "city", "BY", 53.9, 27.56, "geonames", geonameid=625144)
    warsaw = Place("Warsaw", "city", "PL", 52.23, 21.01, "geonames", geonameid=756135)
    frame = events_to_geodataframe(
        [
            _event(
                (
                    EventPlace(minsk, "Minsk", 0, 5, "located"),
                    EventPlace(warsaw, "Warsaw", 14, 20, "mentioned"),
                )
            )
        ]
    )
    assert frame.crs.to_epsg() == 4326
    assert list(frame["place_name"]) == ["Minsk", "Warsaw"]
    assert frame.geometry.iloc[0].x == 27.56 and frame.geometry.iloc[0].y == 53.9
    assert frame["geonameid"].iloc[1] == 756135
    assert split_list(frame["actor_ids"].iloc[0]) == ["lukashenko"]


def test_empty_events_give_empty_frame_with_schema():
    frame = events_to_geodataframe([])
    assert len(frame) == 0 and "place_key" in frame.columns


def test_split_list_handles_missing():
    assert (
        split_list(None) == []
        and split_list("") == []
        and split_list(f"a{LIST_SEP}b") == ["a", "b"]
    )
