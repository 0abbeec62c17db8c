"""The partitioned store: appends write only what changed, a newer row supersedes an older
one, `geo compact` merges, flat stores of format 2 are read and migrated, and geopandas
reads the GeoParquet folder or any file of it."""

import json
import os
import shutil
from pathlib import Path

import geopandas as gpd
import pytest

import geo.store as store
from geo import cli
from geo.store import load_actors, load_articles, load_event_places, load_events, load_places
from tests.test_store import _build, analyser, corpus  # noqa: F401  (fixtures)


def _partitions(data_dir: Path) -> list[tuple[int, int, int, int]]:
    """(part, rows, live, tombstones) of each committed partition."""
    return [
        (p.part, p.rows, p.live, p.tombstones)
        for p in store.manifest_partitions(store.read_manifest(data_dir))
    ]


def _files(data_dir: Path) -> dict[str, tuple[int, int]]:
    """Every partition file, with size and mtime: what a build rewrote shows."""
    return {
        f.relative_to(data_dir).as_posix(): (f.stat().st_size, f.stat().st_mtime_ns)
        for table in store.TABLES
        for f in sorted((data_dir / table).glob("part-*.parquet"))
    }


def _add(corpus: Path, first: int, count: int) -> None:
    for i in range(first, first + count):
        (corpus / f"{i:03d}.txt").write_text(f"Article {i}. Police moved in.\n", "utf-8")


def test_adding_articles_appends_a_partition_of_them_alone(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    old_files = _files(data_dir)
    _add(corpus, 10, 4)
    analyser.analysed.clear()
    summary = _build(corpus, data_dir)
    assert summary.articles == 7 and sorted(analyser.analysed) == [
        f"0{i}.txt" for i in range(10, 14)
    ]
    assert _partitions(data_dir) == [(1, 3, 3, 0), (2, 4, 4, 0)]
    files = _files(data_dir)
    assert {k: v for k, v in files.items() if k in old_files} == old_files  # never rewritten
    new = store.manifest_partitions(store.read_manifest(data_dir))[-1]
    assert len(gpd.read_parquet(new.path(data_dir, "events.geoparquet"))) == 4 * 2  # 2 places
    assert len(load_articles(data_dir)) == 7 and len(load_events(data_dir)) == 14
    assert json.loads((data_dir / "manifest.json").read_text())["counts"]["articles"] == 7


def _rows(corpus: Path, texts: list[str], titles: tuple[str, ...] = ("A", "B", "C")) -> None:
    rows = [{"id": f"r{i}", "text": t, "title": titles[i]} for i, t in enumerate(texts)]
    (corpus / "rows.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")


def test_a_changed_article_supersedes_its_old_rows_and_is_never_duplicated(tmp_path, analyser):
    corpus = tmp_path / "rows"
    corpus.mkdir()
    data_dir = tmp_path / "data"
    texts = ["Guards detained migrants.", "Minsk denied it.", "Talks began."]
    _rows(corpus, texts)
    _build(corpus, data_dir)
    first = load_articles(data_dir).set_index("title")["article_id"].to_dict()
    _rows(corpus, texts, titles=("A", "B, corrected", "C"))  # same text: same article id
    analyser.analysed.clear()
    _build(corpus, data_dir)
    assert len(analyser.analysed) == 1  # the changed row only
    assert _partitions(data_dir) == [(1, 3, 2, 0), (2, 1, 1, 0)]
    articles = load_articles(data_dir)
    assert articles["article_id"].is_unique and len(articles) == 3
    assert articles.set_index("title").loc["B, corrected", "article_id"] == first["B"]
    assert articles.set_index("title").loc["B, corrected", "part"] == 2
    assert articles["characters"].dtype == "int64"
    events = load_events(data_dir)
    assert len(events) == 6 and events["event_id"].is_unique
    places = load_event_places(data_dir)
    assert len(places) == 6 and places.crs.to_epsg() == 4326
    assert places.groupby("article_id")["part"].max().to_dict() == {
        first["A"]: 1,
        first["B"]: 2,
        first["C"]: 1,
    }
    assert load_places(data_dir).set_index("place_key")["articles"].max() == 3
    assert load_actors(data_dir)["mentions"].tolist() == [3]
    info = store.store_info(data_dir)
    assert (info.articles, info.events, info.superseded, info.partition_count) == (3, 6, 1, 2)
    # An edited text is another article (ids come from the text): the old one goes.
    _rows(corpus, [texts[0], "Minsk denied it again.", texts[2]], titles=("A", "B", "C"))
    _build(corpus, data_dir)
    articles = load_articles(data_dir)
    assert len(articles) == 3 and first["B"] not in set(articles["article_id"])
    assert len(load_events(data_dir)) == 6


def test_an_article_gone_from_the_corpus_leaves_the_store(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    _add(corpus, 3, 2)
    _build(corpus, data_dir)
    (corpus / "000.txt").unlink()
    analyser.analysed.clear()
    summary = _build(corpus, data_dir)
    assert summary.articles == 4 and analyser.analysed == []  # nothing analysed again
    assert _partitions(data_dir) == [(1, 3, 2, 0), (2, 2, 2, 0), (3, 1, 0, 1)]
    ids = set(load_articles(data_dir)["path"].map(lambda p: Path(p).name))
    assert ids == {"001.txt", "002.txt", "003.txt", "004.txt"}
    assert len(load_events(data_dir)) == 8 and len(load_event_places(data_dir)) == 8


def test_compact_merges_partitions_and_keeps_exactly_the_live_rows(
    corpus, tmp_path, analyser, capsys
):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    for first in (3, 5):
        _add(corpus, first, 2)
        _build(corpus, data_dir)
    (corpus / "001.txt").write_text("Article 1. Changed.\n", "utf-8")
    (corpus / "005.txt").unlink()
    _build(corpus, data_dir)
    before = {
        "articles": load_articles(data_dir).drop(columns="part"),
        "events": load_events(data_dir).drop(columns="part"),
        "places": load_places(data_dir),
        "actors": load_actors(data_dir),
    }
    assert len(_partitions(data_dir)) == 4
    assert cli.main(["compact", "--data-dir", str(data_dir)]) == 0
    assert "4 partitions merged into 1" in capsys.readouterr().out
    ((part, rows, live, tombstones),) = _partitions(data_dir)
    assert (rows, live, tombstones) == (6, 6, 0)
    assert set(_files(data_dir)) == {f"{t}/part-{part:06d}.parquet" for t in store.TABLES}
    assert not list(data_dir.glob(".staging-*"))
    after = {
        "articles": load_articles(data_dir).drop(columns="part"),
        "events": load_events(data_dir).drop(columns="part"),
        "places": load_places(data_dir),
        "actors": load_actors(data_dir),
    }
    for name, frame in before.items():
        key = frame.columns[0]
        expected = frame.sort_values(key).reset_index(drop=True)
        got = after[name].sort_values(key).reset_index(drop=True)
        import pandas as pd

        pd.testing.assert_frame_equal(got, expected, obj=name)
    # The folder now holds only live rows: geopandas alone reads the store right.
    folder = gpd.read_parquet(data_dir / "events.geoparquet")
    assert folder.crs.to_epsg() == 4326 and len(folder) == len(load_event_places(data_dir))
    assert cli.main(["compact", "--data-dir", str(data_dir)]) == 0
    assert "nothing to compact" in capsys.readouterr().out
    assert _build(corpus, data_dir).articles == 6  # and the next build takes it as current


class _Killed(BaseException):
    """Ends compaction where kill -9 would."""


def test_compaction_killed_midway_leaves_the_old_store_and_the_next_build_cleans_up(
    corpus, tmp_path, analyser, monkeypatch
):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    _add(corpus, 3, 2)
    _build(corpus, data_dir)
    partitions = _partitions(data_dir)
    real_replace = os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise _Killed
        real_replace(src, dst)

    with monkeypatch.context() as patched, pytest.raises(_Killed):
        patched.setattr(store.commit.os, "replace", replace)
        store.compact_store(data_dir)
    assert _partitions(data_dir) == partitions and len(load_articles(data_dir)) == 5
    assert not store.store_is_stale(data_dir, [corpus])
    _add(corpus, 5, 1)
    _build(corpus, data_dir)
    assert len(load_articles(data_dir)) == 6
    listed = {p[0] for p in _partitions(data_dir)}
    assert {int(f.split("-")[1][:6]) for f in _files(data_dir)} == listed  # orphans gone


def _flatten(data_dir: Path) -> None:
    """The store as format 2 wrote it: one file per table beside the manifest."""
    manifest = json.loads((data_dir / "manifest.json").read_text())
    (partition,) = store.manifest_partitions(manifest)
    for table in store.TABLES:
        shutil.move(partition.path(data_dir, table), data_dir / f"{table}.tmp")
        (data_dir / table).rmdir()
        (data_dir / f"{table}.tmp").rename(data_dir / table)
    manifest["format"] = 2
    del manifest["partitions"]
    (data_dir / "manifest.json").write_text(json.dumps(manifest))


def test_a_flat_store_is_read_as_it_is_and_migrated_by_the_next_build(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    _flatten(data_dir)
    assert (data_dir / "events.geoparquet").is_file()
    assert len(load_event_places(data_dir)) == 6 and len(load_articles(data_dir)) == 3
    assert store.store_is_stale(data_dir, [corpus])  # the dashboard rebuilds it
    analyser.analysed.clear()
    summary = _build(corpus, data_dir)
    assert summary.articles == 3 and analyser.analysed == []  # from the cache, not analysed
    assert (data_dir / "events.geoparquet").is_dir() and _partitions(data_dir)[0][1:] == (3, 3, 0)
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".flat-")]
    assert len(load_event_places(data_dir)) == 6 and not store.store_is_stale(data_dir, [corpus])


def test_geopandas_reads_the_folder_and_each_file(corpus, tmp_path, analyser):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    _add(corpus, 3, 1)
    _build(corpus, data_dir)
    folder = data_dir / "events.geoparquet"
    whole = gpd.read_parquet(folder)
    parts = [gpd.read_parquet(f) for f in sorted(folder.glob("part-*.parquet"))]
    assert whole.crs.to_epsg() == 4326 and all(p.crs.to_epsg() == 4326 for p in parts)
    assert len(whole) == sum(len(p) for p in parts) == 8
    # shapely points are (x, y) = (lon, lat)
    assert (whole.geometry.y.round(2).max(), whole.geometry.x.round(2).max()) == (53.9, 27.57)
