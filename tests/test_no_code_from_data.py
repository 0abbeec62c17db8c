"""No code runs from data files: a would-be malicious file planted in every cache and store
location the project reads must be refused or ignored, and never executed.

The planted payload is a real one: unpickling it (or loading its numpy array with pickles
allowed) creates a marker file, as the first test shows. Every later test plants it and
asserts the marker never appears.
"""

from __future__ import annotations

import datetime as dt
import pickle
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

import geo.store as store
from geo.model import Article, Place, Sourced
from geo.places import Gazetteer, OfflineGeocoder, OnlineGeocoder
from geo.places.cache import load_or_rebuild
from geo.places.gazetteer import _tables_from_rows
from geo.store import codec
from tests.test_geocoders_online_qa import USER_AGENT, fake_http
from tests.test_store import FakeNlp, _build, _cached, analyser, corpus  # noqa: F401


class _Payload:
    """Unpickling this creates `marker`: what a planted pickle could do instead."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@pytest.fixture
def marker(tmp_path):
    return tmp_path / "code-ran"


@pytest.fixture
def payload(marker) -> bytes:
    return pickle.dumps(_Payload(marker))


def _plant_npy(path: Path, marker: Path) -> None:
    np.save(path, np.array([_Payload(marker)], dtype=object), allow_pickle=True)


def test_the_payload_would_run_code_if_loaded(marker, payload, tmp_path):
    pickle.loads(payload)
    assert marker.exists()
    marker.unlink()
    _plant_npy(tmp_path / "a.npy", marker)
    np.load(tmp_path / "a.npy", allow_pickle=True)
    assert marker.exists()


def test_the_cache_format_round_trips_the_model(tmp_path):
    article = Article(
        "a1",
        "Guards detained migrants.",
        "corpus/a1.txt",
        published=Sourced(dt.date(2021, 11, 9), "explicit", "9 Nov 2021"),
        extra=(("lang", "en"),),
    )
    value = _cached(article)
    place = Place(
        "Kuźnica", "village", "PL", 53.51, 23.64, "geonames", 766927,
        raw=(("geonameid", 766927), ("address", {"country": "Poland"}), ("bbox", (1.5, 2.5))),
    )  # fmt: skip
    decoded = codec.loads(codec.dumps(value))
    assert decoded == value
    assert decoded.analysed.article.published.value == dt.date(2021, 11, 9)
    assert codec.loads(codec.dumps(place)).raw == place.raw


@pytest.mark.parametrize(
    "data",
    [
        b'{"$type": "system", "cmd": "touch x"}',
        b'{"$type": "os.system"}',
        b'{"$type": "Place", "name": "x", "evil": 1}',
        b'{"__reduce__": "os.system"}',
        b'{"$date": 5}',
        b"[" * 100_000,
        b"\x80\x04\x95",
    ],
)
def test_the_cache_format_refuses_anything_it_did_not_write(data):
    with pytest.raises(codec.DecodeError):
        codec.loads(data)


def test_a_planted_cache_entry_never_runs(corpus, tmp_path, analyser, marker, payload):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    entries = sorted((data_dir / "cache").glob("*/*.json"))
    for entry in entries:
        entry.write_bytes(payload)
    (corpus / "003.txt").write_text("Article 3. New.\n", encoding="utf-8")
    (data_dir / "manifest.json").unlink()  # a new store: every cached analysis is read
    for _ in entries:  # each build names and deletes the first damaged entry it reads
        with pytest.raises(store.StoreCorruptError, match="is damaged") as raised:
            _build(corpus, data_dir)
        assert any(entry.name in str(raised.value) for entry in entries)
    assert _build(corpus, data_dir).articles == 4
    for entry in entries:  # analysed anew and cached again
        assert isinstance(codec.loads(entry.read_bytes()), store.CachedArticle)
    assert not marker.exists()


def test_old_pickled_cache_entries_are_deleted_unread(corpus, tmp_path, analyser, marker, payload):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    entries = sorted((data_dir / "cache").glob("*/*.json"))
    for entry in entries:  # as an earlier version left them, and one planted
        entry.with_suffix(".pickle").write_bytes(payload)
        entry.unlink()
    (corpus / "003.txt").write_text("Article 3. New.\n", encoding="utf-8")
    summary = _build(corpus, data_dir)
    assert summary.dropped_legacy_cache == 3
    assert (summary.articles, summary.reused) == (4, 0)
    assert not list((data_dir / "cache").glob("*/*.pickle")) and not marker.exists()
    from geo.cli import format_summary

    assert "pickle" in format_summary(summary) and "analysed again" in format_summary(summary)


@pytest.mark.parametrize(
    "name",
    [
        "events.geoparquet",
        "events.parquet",
        "articles.parquet",
        "actors.parquet",
        "places.parquet",
        "manifest.json",
    ],
)
def test_a_planted_store_file_never_runs(corpus, tmp_path, analyser, marker, payload, name):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    target = data_dir / name
    if target.is_dir():  # a table: its partition's file
        target = store.manifest_partitions(store.read_manifest(data_dir))[-1].path(data_dir, name)
    target.write_bytes(payload)
    with pytest.raises(store.StoreError, match=name):
        for read in (
            store.read_manifest,
            store.load_event_places,
            store.load_events,
            store.load_articles,
            store.load_actors,
            store.load_places,
        ):
            read(data_dir)
    assert not marker.exists()
    assert _build(corpus, data_dir).articles == 3  # and a build repairs it
    assert not marker.exists()


def _tiny_tables():
    return _tables_from_rows([], {})


@pytest.mark.parametrize("planted", ["npy", "meta"])
def test_a_planted_gazetteer_cache_is_rebuilt_and_never_runs(
    tmp_path, marker, payload, caplog, planted
):
    target = tmp_path / "gazetteer-k"
    load_or_rebuild(target, _tiny_tables)
    if planted == "npy":
        _plant_npy(next(target.glob("*.npy")), marker)
    else:
        (target / "meta.json").write_bytes(payload)
    assert isinstance(load_or_rebuild(target, _tiny_tables), Gazetteer)
    assert "damaged" in caplog.text and str(target) in caplog.text
    assert not marker.exists()
    load_or_rebuild(target, lambda: pytest.fail("rebuilt twice"))


def test_a_planted_online_answer_never_runs(tmp_path, marker, payload):
    http = fake_http({"Kuznica": [{"display_name": "K", "lat": "53.5", "lon": "23.6"}]})
    online = OnlineGeocoder(
        "nominatim",
        USER_AGENT,
        cache_dir=tmp_path,
        fallback=OfflineGeocoder(Gazetteer.from_places([])),
        min_delay_seconds=0,
        adapter_factory=http,
    )
    online.geocode("Minsk")  # creates the cache
    cache_file = next(tmp_path.glob("*.sqlite*"))
    with closing(sqlite3.connect(cache_file)) as db, db:
        db.execute("INSERT INTO answers VALUES ('nominatim', 'Kuznica', ?)", (payload,))
    assert online.geocode("Kuznica").latitude == 53.5
    assert not marker.exists()


def test_planted_corpus_and_upload_files_are_read_as_text_only(
    corpus,
    tmp_path,
    analyser,
    marker,
    payload,
):
    data_dir = tmp_path / "data"
    uploads = data_dir / "uploads"
    uploads.mkdir(parents=True)
    for name in ("evil.txt", "evil.jsonl", "evil.html", "evil.csv"):
        (uploads / name).write_bytes(payload)
    (corpus / "articles.csv").write_bytes(payload)  # a sidecar beside the corpus files
    summary = pipeline_build([corpus, uploads], data_dir)
    assert summary.articles >= 3 and not marker.exists()


def pipeline_build(paths, data_dir):
    import geo.pipeline as pipeline

    return pipeline.build_store(paths, data_dir, nlp=FakeNlp(), gazetteer=object())
