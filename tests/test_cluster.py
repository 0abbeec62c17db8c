"""Ingest on Dask (`geo build --scheduler`): the same store as one process, failures retried
then skipped and named, bad options refused with a message."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("distributed")

import geo.cluster as cluster  # noqa: E402
from geo import cli  # noqa: E402
from geo.model import AnalysedArticle, Article  # noqa: E402
from geo.store import CachedArticle  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("events.parquet", "articles.parquet", "actors.parquet", "places.parquet")


@pytest.mark.parametrize(
    ("spec", "parsed"),
    [("local:2", ("local", 2)), ("tcp://10.0.0.5:8786", ("tcp://10.0.0.5:8786", None))],
)
def test_scheduler_values(spec, parsed):
    assert cluster.parse_scheduler(spec) == parsed


@pytest.mark.parametrize("spec", ["local:0", "local:x", "local", "10.0.0.5:8786", "tcp://"])
def test_a_bad_scheduler_value_says_what_to_give(spec):
    with pytest.raises(cluster.SchedulerError, match="local:N"):
        cluster.parse_scheduler(spec)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--scheduler", "local:two"], "local:N"),
        (["--scheduler", "local:2", "--workers", "2"], "not both"),
    ],
)
def test_the_cli_refuses_bad_cluster_options(tmp_path, capsys, extra, message):
    code = cli.main(["build", str(ROOT / "seeds"), "--data-dir", str(tmp_path / "d"), *extra])
    assert code == 2
    assert message in capsys.readouterr().err


def _fake_analysis(batch, registry):
    """Stands in for the worker's analysis: fails every time on an article saying BOOM."""
    with _calls_lock:
        _calls.extend(a.id for a in batch)
    if any("BOOM" in a.text for a in batch):
        raise RuntimeError("the model crashed")
    return [CachedArticle(AnalysedArticle(a, (), (), (), ()), ()) for a in batch]


_calls: list[str] = []
_calls_lock = threading.Lock()


def test_a_failing_batch_is_retried_then_split_and_the_bad_article_named(monkeypatch):
    from distributed import Client, LocalCluster

    monkeypatch.setattr(cluster, "CLUSTER_BATCH", 3)
    _calls.clear()
    articles = [Article(f"a{i}", f"text {i}", f"c/{i}.txt") for i in range(7)]
    articles[4] = Article("a4", "BOOM", "c/4.txt")
    with (
        LocalCluster(n_workers=1, processes=False, dashboard_address=None) as local,
        Client(local) as client,
    ):
        results = dict(
            (article.id, outcome)
            for article, outcome in cluster.analyse_on_cluster(articles, client, _fake_analysis)
        )
    assert set(results) == {a.id for a in articles}
    assert "failed twice" in results["a4"] and "the model crashed" in results["a4"]
    assert all(isinstance(results[a.id], CachedArticle) for a in articles if a.id != "a4")
    assert _calls.count("a4") == 4  # twice in its batch, twice alone
    assert _calls.count("a3") == 3  # twice in the failing batch, once alone


@pytest.mark.slow
def test_a_two_worker_local_cluster_builds_the_same_store_row_for_row(tmp_path):
    seeds = ROOT / "seeds"
    one, two = tmp_path / "one", tmp_path / "two"
    assert cli.main(["build", str(seeds), "--data-dir", str(one), "--quiet"]) == 0
    assert (
        cli.main(["build", str(seeds), "--data-dir", str(two), "--quiet", "--scheduler", "local:2"])
        == 0
    )
    import geopandas as gpd

    for name in TABLES:
        pd.testing.assert_frame_equal(pd.read_parquet(one / name), pd.read_parquet(two / name))
    first, second = (
        gpd.read_parquet(one / "events.geoparquet"),
        gpd.read_parquet(two / "events.geoparquet"),
    )
    assert second.crs.to_epsg() == 4326 and len(second) > 0
    pd.testing.assert_frame_equal(pd.DataFrame(first), pd.DataFrame(second))
