"""bench/load.py's cheap parts: its options, its /proc readers and that the store it serves
counts as current (so the page never rebuilds it). The browser run itself is a benchmark:
`python bench/load.py --quick`."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


load = _load()


def test_defaults_and_quick():
    args = load.parse_args([])
    assert (args.pages, args.seconds, args.events) == (10, 60, 100_000)
    quick = load.parse_args(["--quick"])
    assert (quick.pages, quick.seconds, quick.events) == (2, 10, 5_000)
    assert load.parse_args(["--quick", "--pages", "3"]).pages == 3


def test_bad_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        load.parse_args(["--pages", "0"])
    assert stop.value.code == 2
    with pytest.raises(SystemExit) as stop:
        load.parse_args(["--help"])
    assert stop.value.code == 0
    assert "--open-together" in capsys.readouterr().out


def test_proc_readers_see_this_process():
    assert load.tree_rss_kb(os.getpid()) > 10_000  # kB: a Python with pandas loaded
    assert load.tree_rss_kb(2**22 + 12345) == 0  # no such process
    assert load.cpu_seconds(os.getpid()) > 0
    groups = load.cpu_by_group(os.getpid())
    assert groups["server"] > 0  # this process stands in for the server


def test_percentile():
    values = [float(v) for v in range(1, 101)]
    assert load.percentile(values, 0.5) in (50.0, 51.0)
    assert load.percentile(values, 0.95) == 95.0
    assert load.percentile([], 0.5) != load.percentile([], 0.5)  # nan


def test_the_bench_store_is_current(tmp_path):
    from geo import store
    from geo.app import page

    bench_dashboard = load.load_module("bench_dashboard", ROOT / "bench" / "dashboard.py")
    frame, env = bench_dashboard.bench_store(tmp_path, 300, 200)
    where = page.app_paths(ROOT, env)
    assert where.data == tmp_path / "data"
    assert not store.store_is_stale(where.data, page.corpus_paths(where))
    assert len(store.load_event_places(where.data)) == len(frame)
