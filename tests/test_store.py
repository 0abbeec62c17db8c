import dataclasses
import datetime as dt
import errno
import json
import os
import re
import shutil
import signal
import weakref
from pathlib import Path
from types import SimpleNamespace

import pyarrow.parquet as pq
import pytest

import geo.pipeline as pipeline
import geo.store as store
from geo.model import (
    Actor,
    ActorMention,
    AnalysedArticle,
    Article,
    Event,
    EventPlace,
    Place,
    ResolvedToponym,
    Sentence,
    Sourced,
    Toponym,
)
from geo.store import (
    CachedArticle,
    StoreError,
    events_to_geodataframe,
    load_actors,
    load_articles,
    load_event_places,
    load_events,
    load_places,
    split_list,
    store_is_stale,
    write_store,
)

KUZNICA = Place("Kuźnica", "village", "PL", 53.51, 23.64, "geonames", geonameid=766927)
MINSK = Place("Minsk", "city", "BY", 53.9, 27.57, "geonames", geonameid=625144)
LUKASHENKO = Actor("lukashenko", "Alexander Lukashenko", "person", "BY")


def _cached(article: Article, with_url: bool = True) -> CachedArticle:
    """Two events per article: one at Kuźnica (and Minsk), one without a place."""
    text = article.text
    first = Sentence(0, len(text) // 2, text[: len(text) // 2])
    second = Sentence(len(text) // 2, len(text), text[len(text) // 2 :])
    toponym = ResolvedToponym(Toponym(0, 3, text[:3]), KUZNICA, 1.0)
    mention = ActorMention(0, 3, text[:3], LUKASHENKO)

    def event(sentence, places):
        return Event(
            id=f"{article.id}-{sentence.start}",
            article_id=article.id,
            event_type="COERCE",
            actors=(LUKASHENKO,),
            date=dt.date(2021, 11, 8),
            date_precision="day",
            places=places,
            excerpt=sentence.text,
            start=sentence.start,
            end=sentence.end,
            context_before="",
            context_after="",
            source="AFP",
            url="https://example.org" if with_url else None,
            published=dt.date(2021, 11, 9),
            title=None,
        )

    events = (
        event(
            first,
            (
                EventPlace(KUZNICA, text[:3], 0, 3, "located"),
                EventPlace(MINSK, "Minsk", 0, 3, "mentioned"),
            ),
        ),
        event(second, ()),
    )
    return CachedArticle(
        AnalysedArticle(article, (first, second), (toponym,), (mention,), ()), events
    )


class CountingAnalyser:
    """Stands in for the NLP stages: records which articles were analysed."""

    def __init__(self):
        self.analysed: list[str] = []

    def __call__(self, articles, nlp, gazetteer, actor_registry=None, batch_size=32, online=None):
        for article in articles:
            self.analysed.append(Path(article.path).name)
            yield _cached(article)


class FakeNlp:
    max_length = 1_000_000


@pytest.fixture
def analyser(monkeypatch):
    fake = CountingAnalyser()
    monkeypatch.setattr(pipeline, "analyse_articles", fake)
    # The real fingerprint hashes geo/ sources, which may change while tests run.
    monkeypatch.setattr(store.state, "code_fingerprint", lambda: "code-v1")
    monkeypatch.setattr(pipeline, "code_fingerprint", lambda: "code-v1")
    return fake


@pytest.fixture
def corpus(tmp_path):
    directory = tmp_path / "corpus"
    directory.mkdir()
    for i, body in enumerate(["Guards detained migrants.", "Minsk denied it.", "Talks began."]):
        (directory / f"{i:03d}.txt").write_text(f"Article {i}. {body}\n", encoding="utf-8")
    return directory


def _build(corpus, data_dir, **kwargs):
    return pipeline.build_store([corpus], data_dir, nlp=FakeNlp(), gazetteer=object(), **kwargs)


def _file(data_dir: Path, table: str) -> Path:
    """The table's file in the store's newest partition."""
    newest = store.manifest_partitions(store.read_manifest(data_dir))[-1]
    return newest.path(data_dir, table)


def _snapshot(data_dir: Path) -> dict[str, bytes]:
    """The store's files; the build lock says who last built, and is no part of the store."""
    return {
        p.relative_to(data_dir).as_posix(): p.read_bytes()
        for p in sorted(data_dir.rglob("*"))
        if p.is_file() and p.name != store.LOCK_NAME
    }


def test_a_fifo_named_as_a_corpus_path_is_never_opened(corpus, tmp_path, analyser):
    """The store hashes the corpus files it records; a FIFO named on the command line would
    block that hashing (and the build) until something wrote to it."""
    import contextlib
    import os
    import threading

    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    done: list = []
    worker = threading.Thread(target=lambda: done.append(store.file_states([corpus, pipe])))
    worker.daemon = True
    worker.start()
    worker.join(20)
    if worker.is_alive():
        with contextlib.suppress(OSError):
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(5)
        pytest.fail("file_states blocked on a FIFO")
    assert str(pipe) not in done[0] and len(done[0]) == 3


def test_a_file_name_that_is_not_utf8_is_skipped_and_the_rest_is_built(corpus, tmp_path, analyser):
    """A name holding bytes that are not UTF-8 (from an archive, a Windows share) cannot be
    written into the cache, manifest or Parquet files, which are UTF-8: it is skipped, named
    with the bad bytes spelled out, and the other articles are built."""
    bad = corpus / "caf\udce9-\udcff.txt"  # surrogate escapes: the bytes e9 and ff
    bad.write_text("Article 9. Police in Minsk said so.\n", encoding="utf-8")
    summary = _build(corpus, tmp_path / "data")
    assert summary.articles == 3
    (skipped,) = summary.skipped
    assert skipped.path.endswith("caf\\xe9-\\xff.txt") and "UTF-8" in skipped.reason
    skipped.reason.encode("utf-8")  # printable
    assert store.store_is_stale(tmp_path / "data", [corpus]) is False


def test_build_writes_every_output(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    progress = []
    summary = _build(corpus, data_dir, progress=lambda *args: progress.append(args))
    assert (summary.articles, summary.events, summary.places, summary.reused) == (3, 6, 2, 0)
    assert summary.skipped == ()
    assert progress[-1][:2] == (3, 3) and max(p[0] for p in progress) == 3
    places = load_event_places(data_dir)
    assert len(places) == 6 and places.crs.to_epsg() == 4326
    kuznica = places[places["place_name"] == "Kuźnica"].iloc[0]
    assert (kuznica.geometry.x, kuznica.geometry.y) == (23.64, 53.51)
    events = load_events(data_dir)
    assert len(events) == 6 and sorted(events["places"]) == [0, 0, 0, 2, 2, 2]
    articles = load_articles(data_dir)
    assert {"title_provenance", "published_provenance", "content_hash"} <= set(articles.columns)
    assert sorted(Path(p).name for p in articles["path"]) == ["000.txt", "001.txt", "002.txt"]
    actors = load_actors(data_dir)
    assert actors.set_index("actor_id").loc["lukashenko", "events"] == 6
    place_table = load_places(data_dir).set_index("place_key")
    assert place_table.loc[KUZNICA.key, "located_events"] == 3
    assert place_table.loc[MINSK.key, "located_events"] == 0
    manifest = json.loads((data_dir / "manifest.json").read_text())
    assert len(manifest["files"]) == 3 and len(manifest["partitions"]) == 1
    assert not store_is_stale(data_dir, [corpus])


def test_a_build_writes_the_dashboards_query_database(corpus, tmp_path, analyser, monkeypatch):
    """`geo build` writes the query database of the version it commits, so the page's first
    view finds it, and writes it again when it is gone."""
    from geo.app import filters, store_view
    from geo.store import query_db

    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    path = store.query_db_path(data_dir)
    assert path.exists()
    (corpus / "001.txt").write_text("Article 1. Minsk rejected the claims.\n", encoding="utf-8")
    _build(corpus, data_dir)
    newer = store.query_db_path(data_dir)
    assert newer != path and newer.exists() and not path.exists()
    newer.unlink()
    _build(corpus, data_dir)  # nothing changed: the database is written again all the same
    assert store.query_db_path(data_dir).exists()

    def never(*args):
        raise AssertionError("the page built the query database")

    monkeypatch.setattr(query_db, "build_query_db", never)
    con = store_view.open_store(data_dir)
    try:
        assert store_view.filter_view(con, filters.EventFilter(), 5).counts.events == 3  # placed
    finally:
        con.close()


def test_second_build_reuses_unchanged_articles(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    assert sorted(analyser.analysed) == ["000.txt", "001.txt", "002.txt"]
    (corpus / "001.txt").write_text("Article 1. Minsk rejected the claims.\n", encoding="utf-8")
    assert store_is_stale(data_dir, [corpus])
    summary = _build(corpus, data_dir)
    assert analyser.analysed[3:] == ["001.txt"]
    assert summary.reused == 2 and summary.articles == 3
    assert not store_is_stale(data_dir, [corpus])
    excerpts = "".join(load_events(data_dir)["excerpt"])
    assert "rejected" in excerpts and "denied" not in excerpts


def test_unchanged_corpus_needs_neither_model_nor_gazetteer(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    summary = pipeline.build_store([corpus], data_dir)  # would load the real ones if needed
    assert summary.reused == 3 and len(analyser.analysed) == 3


def test_an_unwritable_data_dir_fails_before_the_model_loads(corpus, tmp_path, monkeypatch):
    import geo.nlp.language

    def load_nlp(*args, **kwargs):
        raise AssertionError("the model was loaded before the store was found unwritable")

    monkeypatch.setattr(geo.nlp.language, "load_nlp", load_nlp)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # root ignores permissions; a file in the path does not
    with pytest.raises(StoreError, match="choose a writable --data-dir"):
        pipeline.build_store([corpus], blocker / "data", gazetteer=object())


def test_removed_article_leaves_store_and_cache(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    (corpus / "002.txt").unlink()
    assert store_is_stale(data_dir, [corpus])
    summary = _build(corpus, data_dir)
    assert summary.articles == 2 and summary.reused == 2
    assert len(list((data_dir / "cache").glob("*/*.json"))) == 2


def test_failure_while_writing_leaves_previous_store(corpus, tmp_path, analyser, monkeypatch):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    outputs_before = {
        name: content
        for name, content in _snapshot(data_dir).items()
        if not name.startswith("cache/")
    }
    (corpus / "000.txt").write_text("Article 0. Something else happened.\n", encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store.writer.PartWriters, "close", broken)
    with pytest.raises(StoreError, match="disk full"):
        _build(corpus, data_dir)
    outputs_after = {
        name: content
        for name, content in _snapshot(data_dir).items()
        if not name.startswith("cache/")
    }
    assert outputs_after == outputs_before
    assert not list(data_dir.glob(".staging-*"))
    assert store_is_stale(data_dir, [corpus])


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize(
    "where, target",
    [
        ("the tables", (pq.ParquetWriter, "write_table")),
        ("the staging directory", (store.commit.tempfile, "mkdtemp")),
        ("the article cache", (store.article_cache, "write_atomically")),
    ],
)
def test_a_full_disk_names_the_data_directory_and_keeps_the_store(
    corpus, tmp_path, analyser, monkeypatch, where, target
):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    before = {
        name: data for name, data in _snapshot(data_dir).items() if not name.startswith("cache/")
    }
    (corpus / "003.txt").write_text("Article 3. Troops were deployed.\n", encoding="utf-8")
    monkeypatch.setattr(*target, _no_space)
    with pytest.raises(StoreError) as raised:
        _build(corpus, data_dir)
    message = str(raised.value)
    assert str(data_dir) in message and "No space left on device" in message
    assert "free some space" in message and "kept" in message
    assert {
        name: data for name, data in _snapshot(data_dir).items() if not name.startswith("cache/")
    } == before


def test_store_is_stale_when_missing_or_code_changed(corpus, tmp_path, analyser, monkeypatch):
    data_dir = tmp_path / "data"
    assert store_is_stale(data_dir, [corpus])
    _build(corpus, data_dir)
    assert not store_is_stale(data_dir, [corpus])
    monkeypatch.setattr(store.state, "code_fingerprint", lambda: "code-v2")
    assert store_is_stale(data_dir, [corpus])


def test_code_fingerprint_is_deterministic():
    assert store.code_fingerprint() == store.code_fingerprint()


def test_new_file_makes_store_stale(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    (corpus / "003.txt").write_text("Article 3. Troops were deployed.\n", encoding="utf-8")
    assert store_is_stale(data_dir, [corpus])


def _article(i: int) -> Article:
    text = f"Article number {i} tells what happened."
    return Article(id=f"a{i}", text=text, path=f"a{i}.txt", published=Sourced(dt.date(2021, 11, 9)))


def test_geoparquet_round_trip_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(store.writer, "CHUNK_EVENTS", 1)
    cached = [_cached(_article(0), with_url=False), _cached(_article(1)), _cached(_article(2))]
    write_store(tmp_path, [(c, "hash") for c in cached], {})
    loaded = load_event_places(tmp_path)
    expected = events_to_geodataframe([e for c in cached for e in c.events])
    assert loaded.crs.to_epsg() == 4326
    assert list(loaded.columns.drop(store.PART_COLUMN)) == list(expected.columns)
    assert loaded["event_id"].tolist() == expected["event_id"].tolist()
    assert loaded.geometry.equals(expected.geometry)
    assert loaded["url"].isna().tolist() == [True, True, False, False, False, False]
    assert loaded["geonameid"].tolist() == expected["geonameid"].tolist()
    assert split_list(loaded["actor_ids"].iloc[0]) == ["lukashenko"]


def test_empty_store_is_readable(tmp_path):
    write_store(tmp_path, [], {})
    assert len(load_event_places(tmp_path)) == 0
    assert len(load_events(tmp_path)) == 0
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())


def test_loading_a_missing_store_says_how_to_build_it(tmp_path):
    with pytest.raises(store.StoreMissingError, match="python -m geo build"):
        load_event_places(tmp_path)


def test_parallel_workers_write_the_same_store(corpus, tmp_path, analyser):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    _build(corpus, serial)
    summary = _build(corpus, parallel, workers=2)
    assert summary.articles == 3 and summary.reused == 0
    columns = ["event_id", "excerpt", "place_keys"]
    assert load_events(parallel)[columns].equals(load_events(serial)[columns])


def test_parallel_workers_share_the_fallback_gazetteer_loaded_before_the_fork(
    corpus, tmp_path, monkeypatch
):
    """Else each worker builds or maps the post-town table on its first unknown name."""
    from geo.places import Gazetteer

    parent, loads = os.getpid(), []

    def load_post_towns() -> Gazetteer:
        loads.append(os.getpid())
        return Gazetteer.from_places([])

    gazetteer = Gazetteer.from_places([])
    gazetteer.set_fallback(load_post_towns)

    def analyse(articles, nlp, gazetteer, *args, **kwargs):
        gazetteer.fallback_candidates("Lanexa")  # a name the main gazetteer lacks
        for article in articles:
            yield _cached(article)

    monkeypatch.setattr(pipeline, "analyse_articles", analyse)
    summary = pipeline.build_store(
        [corpus], tmp_path / "data", nlp=FakeNlp(), gazetteer=gazetteer, workers=2
    )
    assert summary.articles == 3 and loads == [parent]


def test_parallel_workers_share_lazily_loaded_stage_data_loaded_before_the_fork(
    corpus, tmp_path, monkeypatch
):
    """The coding dictionaries (and every other stage's lazy data) load once, in the parent,
    by analysing a warm-up article, not once per forked worker."""
    from geo.events import dictionaries
    from geo.places import Gazetteer

    parent, loads = os.getpid(), []

    def load(data_dir):
        loads.append(os.getpid())
        return object()

    def analyse(articles, nlp, gazetteer, *args, **kwargs):
        dictionaries.load_coding_dictionaries()
        for article in articles:
            yield _cached(article)

    monkeypatch.setattr(dictionaries, "_load", load)
    monkeypatch.setattr(pipeline, "analyse_articles", analyse)
    dictionaries._load_default.cache_clear()
    try:
        summary = pipeline.build_store(
            [corpus],
            tmp_path / "data",
            nlp=FakeNlp(),
            gazetteer=Gazetteer.from_places([]),
            workers=2,
        )
    finally:
        dictionaries._load_default.cache_clear()
    assert summary.articles == 3 and loads == [parent]


def test_workers_must_be_positive(corpus, tmp_path, analyser):
    with pytest.raises(ValueError, match="workers"):
        _build(corpus, tmp_path / "data", workers=0)


def test_a_corpus_without_articles_leaves_the_previous_store(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    before = _snapshot(data_dir)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.pdf").write_bytes(b"%PDF-1.4")
    (other / "empty.txt").write_text("", encoding="utf-8")
    with pytest.raises(store.EmptyCorpusError, match=r"no articles.*empty\.txt.*left unchanged"):
        _build(other, data_dir)
    assert _snapshot(data_dir) == before


def test_a_first_build_of_an_empty_corpus_writes_an_empty_store(tmp_path, analyser):
    empty = tmp_path / "empty"
    empty.mkdir()
    summary = _build(empty, tmp_path / "data")
    assert summary.articles == 0 and len(load_events(tmp_path / "data")) == 0


def test_parallel_workers_leave_ctrl_c_to_the_parent(corpus, tmp_path, monkeypatch):
    """Else every worker prints its own KeyboardInterrupt traceback on Ctrl-C."""

    def analyse(articles, *args, **kwargs):
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
        for article in articles:
            yield _cached(article)

    monkeypatch.setattr(pipeline, "analyse_articles", analyse)
    assert _build(corpus, tmp_path / "data", workers=2).articles == 3


@pytest.mark.parametrize("content", ['{"format": 1, "fil', "[]", "\udcff"])
def test_a_corrupt_manifest_is_named_and_the_next_build_rewrites_it(
    corpus, tmp_path, analyser, content
):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    (data_dir / "manifest.json").write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(store.StoreCorruptError, match="manifest.json"):
        store.read_manifest(data_dir)
    assert store_is_stale(data_dir, [corpus])
    summary = _build(corpus, data_dir)
    assert (summary.articles, summary.reused) == (3, 3)
    assert not store_is_stale(data_dir, [corpus])


def test_a_damaged_cache_entry_is_named_and_analysed_again_next_time(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    (corpus / "003.txt").write_text("Article 3. Troops were deployed.\n", encoding="utf-8")
    entry = next((data_dir / "cache").glob("*/*.json"))
    entry.write_bytes(entry.read_bytes()[:50])
    # A new store: every cached analysis is read. (Without its manifest, partition files
    # are no store, only what a killed first build left, which a build deletes.)
    (data_dir / "manifest.json").unlink()
    for table in store.TABLES:
        shutil.rmtree(data_dir / table)
    outputs = {
        name: data for name, data in _snapshot(data_dir).items() if not name.startswith("cache/")
    }
    with pytest.raises(store.StoreCorruptError, match=entry.name):
        _build(corpus, data_dir)
    assert {n: d for n, d in _snapshot(data_dir).items() if not n.startswith("cache/")} == outputs
    summary = _build(corpus, data_dir)
    assert (summary.articles, summary.reused) == (4, 3)  # 003.txt was cached before the error


def test_a_damaged_store_file_is_named_counts_as_stale_and_a_build_repairs_it(
    corpus, tmp_path, analyser
):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    geoparquet = _file(data_dir, "events.geoparquet")
    geoparquet.write_bytes(geoparquet.read_bytes()[:1000])
    _file(data_dir, "places.parquet").write_text("not parquet", encoding="utf-8")
    with pytest.raises(store.StoreCorruptError, match=r"events\.geoparquet.*python -m geo build"):
        load_event_places(data_dir)
    with pytest.raises(store.StoreCorruptError, match=r"places\.parquet"):
        load_places(data_dir)
    assert store_is_stale(data_dir, [corpus])
    _build(corpus, data_dir)
    assert not store_is_stale(data_dir, [corpus])
    assert len(load_event_places(data_dir)) == 6 and len(load_places(data_dir)) == 2


def _garble_first_page(path: Path) -> None:
    """The first page header inverted, the footer kept: pyarrow's read fails with a bare
    OSError ("Couldn't deserialize thrift")."""
    data = path.read_bytes()
    path.write_bytes(data[:4] + bytes(b ^ 0xFF for b in data[4:36]) + data[36:])


@pytest.mark.parametrize(
    "name, load",
    [
        ("events.geoparquet", load_event_places),
        ("events.parquet", load_events),
        ("articles.parquet", load_articles),
        ("actors.parquet", load_actors),
        ("places.parquet", load_places),
    ],
)
def test_a_store_file_garbled_inside_is_named_not_an_arrow_error(
    corpus, tmp_path, analyser, name, load
):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    _garble_first_page(_file(data_dir, name))
    with pytest.raises(store.StoreCorruptError, match=rf"{re.escape(name)}.*python -m geo build"):
        load(data_dir)


def test_a_store_file_changed_after_the_build_is_stale_and_rewritten(corpus, tmp_path, analyser):
    """Damage that leaves the Parquet footer whole does not make a current store."""
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    path = _file(data_dir, "events.parquet")
    _garble_first_page(path)
    assert store_is_stale(data_dir, [corpus])
    _build(corpus, data_dir)
    assert len(load_events(data_dir)) == 6 and not store_is_stale(data_dir, [corpus])
    assert not path.exists()  # the damaged partition was replaced, not kept beside


class _Killed(BaseException):
    """Ends a build where kill -9 would."""


def test_a_build_killed_between_its_renames_leaves_the_old_store_whole(
    corpus, tmp_path, analyser, monkeypatch
):
    """The manifest lists the committed partitions: a partition whose files were only partly
    renamed into place is no part of the store, and the next build deletes it."""
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    before = {n: d for n, d in _snapshot(data_dir).items() if not n.startswith("cache/")}
    extra = corpus / "003.txt"
    extra.write_text("Article 3. Troops were deployed.\n", encoding="utf-8")
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst).parent.name == "events.parquet":  # events.geoparquet's file is in place
            raise _Killed
        real_replace(src, dst)

    with monkeypatch.context() as patched, pytest.raises(_Killed):
        patched.setattr(store.commit.os, "replace", replace)
        _build(corpus, data_dir)
    orphan = data_dir / "events.geoparquet" / "part-000002.parquet"
    assert orphan.exists()
    after = {n: d for n, d in _snapshot(data_dir).items() if not n.startswith("cache/")}
    assert {
        n: d for n, d in after.items() if n != orphan.relative_to(data_dir).as_posix()
    } == before
    assert len(load_event_places(data_dir)) == 6  # the old store, whole
    extra.unlink()  # the corpus the old manifest describes, again
    assert not store_is_stale(data_dir, [corpus])
    extra.write_text("Article 3. Troops were deployed.\n", encoding="utf-8")
    _build(corpus, data_dir)
    assert len(load_articles(data_dir)) == 4 and not store_is_stale(data_dir, [corpus])
    partitions = store.manifest_partitions(store.read_manifest(data_dir))
    assert [(p.part, p.rows) for p in partitions] == [(1, 3), (2, 1)]  # the orphan went first


def test_what_killed_builds_left_is_removed_by_the_next_build(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    staging = data_dir / ".staging-k1ll3d"  # kill -9 skips the writer's `finally`
    staging.mkdir()
    (staging / "events.parquet").write_bytes(b"PAR1 half a table")
    entry = next((data_dir / "cache").glob("*/*.json"))
    partial = entry.parent / f".{entry.name}.x7a9"  # write_atomically's temporary file
    partial.write_bytes(b'{"half": ')
    probe = data_dir / "cache" / ".probe-q1w2"
    probe.write_bytes(b"")
    summary = _build(corpus, data_dir)
    assert not staging.exists() and not partial.exists() and not probe.exists()
    assert (summary.articles, summary.reused) == (3, 3) and entry.exists()


def test_a_store_copied_without_its_times_is_still_current(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    copy = tmp_path / "copy"
    shutil.copytree(data_dir, copy, copy_function=shutil.copyfile)
    assert not store_is_stale(copy, [corpus])


@pytest.mark.parametrize("change", ["delete", "rewrite"])
def test_a_file_that_changes_during_the_build_is_reported_not_dropped(
    corpus, tmp_path, analyser, monkeypatch, change
):
    """The corpus is read twice (plan, then analyse): what changed in between is skipped."""
    read = pipeline.iter_corpus
    passes = []

    def iter_corpus(paths, **options):
        passes.append(paths)
        if len(passes) == 2:
            victim = corpus / "001.txt"
            victim.unlink() if change == "delete" else victim.write_text("New.", encoding="utf-8")
        return read(paths, **options)

    monkeypatch.setattr(pipeline, "iter_corpus", iter_corpus)
    summary = _build(corpus, tmp_path / "data")
    assert summary.articles == 2
    assert [(Path(s.path).name, "run the build again" in s.reason) for s in summary.skipped] == [
        ("001.txt", True)
    ]
    assert store_is_stale(tmp_path / "data", [corpus])


def test_a_store_inside_the_corpus_folder_is_not_stale_because_of_itself(
    corpus, tmp_path, analyser
):
    """The store's own Parquet, manifest and cache files were hashed as corpus files."""
    data_dir = corpus / "data"
    _build(corpus, data_dir)
    _build(corpus, data_dir)
    assert not store_is_stale(data_dir, [corpus])
    assert len(json.loads((data_dir / "manifest.json").read_text())["files"]) == 3


def test_a_sidecar_row_naming_no_file_is_reported_once_per_build(corpus, tmp_path, analyser):
    """The build reads the corpus twice (plan, analyse): the report is the plan's alone."""
    (corpus / "articles.csv").write_text("file,source\n000.txt,AFP\n009.txt,AFP\n", "utf-8")
    summary = _build(corpus, tmp_path / "data")
    assert summary.articles == 3
    [skipped] = summary.skipped
    assert skipped.path == f"{corpus / 'articles.csv'}:line 3"
    assert "'009.txt', which is not a file beside it" in skipped.reason


def test_a_sidecar_beside_a_file_named_on_its_own_counts_as_corpus(corpus, tmp_path, analyser):
    """`build corpus/000.txt` reads corpus/articles.csv too: editing it makes the store stale."""
    data_dir, named = tmp_path / "data", corpus / "000.txt"
    _build(named, data_dir)
    assert not store_is_stale(data_dir, [named])
    sidecar = corpus / "articles.csv"
    sidecar.write_text("file,source\n000.txt,AFP\n", encoding="utf-8")
    assert store_is_stale(data_dir, [named])
    _build(named, data_dir)
    assert not store_is_stale(data_dir, [named])
    sidecar.write_text("file,source\n000.txt,Reuters\n", encoding="utf-8")
    assert store_is_stale(data_dir, [named])


def _no_reading(monkeypatch):
    """Makes reading the corpus or writing the store fail the test."""

    def fail(*args, **kwargs):
        raise AssertionError("an unchanged corpus was read or its store rewritten")

    monkeypatch.setattr(pipeline, "iter_corpus", fail)
    monkeypatch.setattr(pipeline, "append_changes", fail)


def test_an_unchanged_corpus_is_neither_read_nor_rewritten(corpus, tmp_path, analyser, monkeypatch):
    """A no-op build of 100k articles read and rewrote everything: minutes for nothing."""
    data_dir = tmp_path / "data"
    (corpus / "bad.txt").write_bytes(b"")
    first = _build(corpus, data_dir)
    os.utime(corpus / "001.txt")  # touched, not changed
    _no_reading(monkeypatch)
    progress = []
    again = _build(corpus, data_dir, progress=lambda *args: progress.append(args))
    assert (again.articles, again.events, again.event_places, again.places, again.actors) == (
        first.articles,
        first.events,
        first.event_places,
        first.places,
        first.actors,
    )
    assert again.reused == 3 and again.skipped == first.skipped and len(again.skipped) == 1
    assert progress[-1][:2] == (3, 3)


@pytest.mark.parametrize("change", ["force", "online", "paths", "spelled", "damaged output"])
def test_a_build_with_anything_changed_reads_the_corpus(
    corpus, tmp_path, analyser, change, monkeypatch
):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    other = tmp_path / "other"
    other.mkdir()
    options: dict[str, object] = {}
    paths = [corpus]
    if change == "force":
        options["force"] = True
    elif change == "online":
        options["online"] = SimpleNamespace(name="fake-geocoder", failures=0)
    elif change == "paths":
        paths = [corpus, other]
    elif change == "spelled":  # the same folder typed another way: articles keep the spelling
        monkeypatch.chdir(tmp_path)
        paths = [Path(corpus.name)]
    else:
        _file(data_dir, "events.parquet").write_text("not parquet", encoding="utf-8")
    read = pipeline.iter_corpus
    passes = []
    monkeypatch.setattr(
        pipeline, "iter_corpus", lambda p, **options: passes.append(p) or read(p, **options)
    )
    pipeline.build_store(paths, data_dir, nlp=FakeNlp(), gazetteer=object(), **options)
    assert passes, "the build took the nothing-changed shortcut"
    assert len(load_events(data_dir)) == 6
    if change == "spelled":
        assert sorted(load_articles(data_dir)["path"]) == [f"corpus/{i:03d}.txt" for i in range(3)]


def test_a_file_restored_after_changing_during_the_build_is_read_again(
    corpus, tmp_path, analyser, monkeypatch
):
    """Its recorded state matches the corpus again, yet the store lacks it."""
    victim = corpus / "001.txt"
    original = victim.read_bytes()
    read = pipeline.iter_corpus
    passes = []

    def iter_corpus(paths, **options):
        passes.append(paths)
        if len(passes) == 2:
            victim.write_text("New.", encoding="utf-8")
        return read(paths, **options)

    monkeypatch.setattr(pipeline, "iter_corpus", iter_corpus)
    assert _build(corpus, tmp_path / "data").articles == 2
    victim.write_bytes(original)
    summary = _build(corpus, tmp_path / "data")
    assert summary.articles == 3 and summary.skipped == ()


def test_writing_keeps_only_a_chunk_of_events_not_the_analyses(tmp_path, monkeypatch):
    """Whole analyses (texts, sentences, mentions) were held to write a row group
    (bench/build_scale.py: write_store of 2,000 cached articles, 536 MB before, 271 MB after)."""
    monkeypatch.setattr(store.writer, "CHUNK_EVENTS", 3)
    alive: list[weakref.ref] = []

    def stream():
        for i in range(6):
            # The writer still holds the article it took last, and no older one.
            assert all(ref() is None for ref in alive[:-1])
            cached = _cached(_article(i))
            alive.append(weakref.ref(cached.analysed))
            yield cached, "hash"

    counts = write_store(tmp_path, stream(), {})
    assert (counts.articles, counts.events) == (6, 12)
    assert load_events(tmp_path)["event_id"].tolist() == [
        f"a{i}-{start}" for i in range(6) for start in (0, len(_article(i).text) // 2)
    ]


def test_place_and_actor_tables_count_distinct_articles(tmp_path):
    twice = _cached(_article(0))
    analysed = twice.analysed
    twice = dataclasses.replace(
        twice,
        analysed=dataclasses.replace(
            analysed,
            toponyms=analysed.toponyms * 2,
            actors=analysed.actors * 3,
        ),
    )
    cached = [twice, _cached(_article(1)), _cached(_article(2))]
    write_store(tmp_path, [(c, "hash") for c in cached], {})
    places = load_places(tmp_path).set_index("place_key")
    assert places.loc[KUZNICA.key, ["mentions", "articles"]].tolist() == [4, 3]
    assert places.loc[MINSK.key, ["mentions", "articles", "events"]].tolist() == [0, 0, 3]
    actors = load_actors(tmp_path).set_index("actor_id")
    assert actors.loc["lukashenko", ["mentions", "articles", "events"]].tolist() == [5, 3, 6]


def test_the_articles_table_is_written_in_chunks_not_held_whole(tmp_path, monkeypatch):
    """Its rows (Python dicts) were all held until the end of the build."""
    import pyarrow.parquet as pq

    monkeypatch.setattr(store.writer, "CHUNK_ARTICLE_ROWS", 2)
    write_store(tmp_path, [(_cached(_article(i)), f"hash{i}") for i in range(5)], {})
    assert pq.ParquetFile(_file(tmp_path, "articles.parquet")).num_row_groups == 3
    articles = load_articles(tmp_path)
    assert articles["article_id"].tolist() == [f"a{i}" for i in range(5)]
    assert articles["content_hash"].tolist() == [f"hash{i}" for i in range(5)]
    assert articles["published"].tolist() == [dt.date(2021, 11, 9)] * 5
    assert articles["events"].tolist() == [2] * 5 and articles["title"].isna().all()


def test_an_empty_store_has_a_typed_articles_table(tmp_path):
    write_store(tmp_path, [], {})
    articles = load_articles(tmp_path)
    assert len(articles) == 0 and "published_provenance" in articles.columns


def test_a_second_build_on_the_same_store_stops_naming_the_first(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    with (
        store.build_lock(data_dir),
        pytest.raises(store.StoreBusyError, match=rf"another build is writing .*pid {os.getpid()}"),
    ):
        _build(corpus, data_dir)
    assert _build(corpus, data_dir).articles == 3


def test_a_killed_build_leaves_no_lock_behind(corpus, tmp_path, analyser):
    import subprocess
    import sys
    import time

    data_dir = tmp_path / "data"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from geo.store import build_lock\n"
         "with build_lock(sys.argv[1]):\n    print('held', flush=True); time.sleep(60)",
         str(data_dir)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(store.StoreBusyError, match=f"pid {holder.pid}"):
            _build(corpus, data_dir)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    time.sleep(0.1)
    assert _build(corpus, data_dir).articles == 3
