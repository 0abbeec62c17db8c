"""Commits killed midway, a damaged manifest or partition file: found by bench/faults.py on
the partitioned store. Readers never show files no manifest committed, the next build leaves
no partition file its manifest does not list, and names a damaged one it rewrites."""

import json
import os
from pathlib import Path

import pytest

import geo.store as store
from geo.store import load_articles, load_event_places
from tests.test_store import _build, analyser, corpus  # noqa: F401  (fixtures)
from tests.test_store_partitions import _add, _flatten


class _Killed(BaseException):
    """Ends a commit where kill -9 would."""


def _kill_at_replace(monkeypatch, k: int) -> None:
    """The k-th rename of a store file (a partition file into its folder, a flat file aside,
    the manifest; not the article cache's entries) raises _Killed instead."""
    real = os.replace
    calls = []

    def replace(src, dst):
        dst = Path(dst)
        if dst.parent.name in store.TABLES or dst.name.startswith((".flat-", "manifest.json")):
            calls.append(dst)
            if len(calls) == k:
                raise _Killed
        real(src, dst)

    monkeypatch.setattr(store.commit.os, "replace", replace)


def _part_files(data_dir: Path) -> list[str]:
    return sorted(
        f.relative_to(data_dir).as_posix()
        for table in store.TABLES
        if (data_dir / table).is_dir()
        for f in (data_dir / table).glob("part-*.parquet")
    )


def _listed(data_dir: Path) -> list[str]:
    partitions = store.manifest_partitions(store.read_manifest(data_dir))
    return sorted(
        p.path(data_dir, t).relative_to(data_dir).as_posix()
        for p in partitions
        for t in store.TABLES
    )


@pytest.mark.parametrize("k", [1, 2, 5])
def test_a_first_build_killed_before_its_manifest_leaves_no_store_and_no_orphan(
    corpus, tmp_path, analyser, monkeypatch, k
):
    data_dir = tmp_path / "data"
    with monkeypatch.context() as patched, pytest.raises(_Killed):
        _kill_at_replace(patched, k + 1)  # the partition's first k files are in place
        _build(corpus, data_dir)
    assert not (data_dir / "manifest.json").exists() and len(_part_files(data_dir)) == k
    # Not the uncommitted partition read as a store (it was, as a flat one).
    for reader in (load_event_places, load_articles):
        with pytest.raises(store.StoreMissingError, match="manifest.json does not exist"):
            reader(data_dir)
    _build(corpus, data_dir)
    assert _part_files(data_dir) == _listed(data_dir)  # the orphans went
    assert [p.part for p in store.manifest_partitions(store.read_manifest(data_dir))] == [1]
    assert len(load_articles(data_dir)) == 3


def test_a_damaged_manifest_rewritten_leaves_no_partition_it_does_not_list(
    corpus, tmp_path, analyser
):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    _add(corpus, 3, 2)
    _build(corpus, data_dir)
    (data_dir / "manifest.json").write_text("{not json")
    _build(corpus, data_dir)
    assert _part_files(data_dir) == _listed(data_dir)  # parts 1 and 2 were left behind
    assert len(load_articles(data_dir)) == 5


def test_a_migration_killed_midway_still_reads_the_flat_store(
    corpus, tmp_path, analyser, monkeypatch
):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    _flatten(data_dir)
    before = len(load_event_places(data_dir))
    _add(corpus, 3, 2)  # the migrating build writes a partition of 5 articles
    with monkeypatch.context() as patched, pytest.raises(_Killed):
        # events.geoparquet moved aside, its partition file renamed in, then killed.
        _kill_at_replace(patched, 3)
        _build(corpus, data_dir)
    assert (data_dir / "events.geoparquet").is_dir()
    assert json.loads((data_dir / "manifest.json").read_text())["format"] == 2
    assert len(load_event_places(data_dir)) == before and len(load_articles(data_dir)) == 3
    _build(corpus, data_dir)
    assert _part_files(data_dir) == _listed(data_dir)
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".flat-")]
    assert len(load_articles(data_dir)) == 5


def test_a_build_names_the_damaged_partition_file_it_rewrites(corpus, tmp_path, analyser, caplog):
    data_dir = tmp_path / "data"
    _build(corpus, data_dir)
    _add(corpus, 3, 1)
    _build(corpus, data_dir)
    damaged = data_dir / "places.parquet" / "part-000002.parquet"
    data = damaged.read_bytes()
    middle = len(data) // 2
    damaged.write_bytes(data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 64]))
    with caplog.at_level("WARNING", logger="geo"):
        _build(corpus, data_dir)
    assert f"{damaged} is damaged or not the file its build wrote" in caplog.text
    assert "rewriting the store" in caplog.text
    assert _part_files(data_dir) == _listed(data_dir) and len(load_articles(data_dir)) == 4
