"""The events development gold is built from its hand annotations (see EVENTS_DEV.md)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "data"


def test_the_events_gold_is_built_from_its_annotations():
    """Skipped where ../shared/bench (the bench articles' texts) is not beside the project."""
    spec = importlib.util.spec_from_file_location("build_events_dev", HERE / "build_events_dev.py")
    events_dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(events_dev)
    if not events_dev.SHARED_BENCH.is_dir():
        pytest.skip("../shared/bench is not present")
    assert events_dev.main(["--check"]) == 0
    second_src, second_out = HERE / "events_dev_second_src", HERE / "events_dev_second.jsonl"
    second = ["--src", str(second_src), "--out", str(second_out)]
    assert events_dev.main([*second, "--check"]) == 0
