"""Ingest on a Dask cluster: `geo build --scheduler local:N` or `--scheduler tcp://HOST:PORT`.

The engine is dask.distributed (a LocalCluster of N worker processes on 127.0.0.1, or a
running scheduler): no scheduler of our own. Each worker process loads the spaCy model and
the gazetteer once, on its first batch, and keeps them. Batches that fail are retried once
by Dask; a batch that fails again is split into its articles, and an article that fails
twice is skipped and named in the build summary. The client writes each analysis to the
article cache as it arrives, so a killed worker loses nothing already committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from geo.model import Article

if TYPE_CHECKING:
    from distributed import Client

    from geo.nlp import ActorRegistry
    from geo.store import CachedArticle, EncodedArticle

CLUSTER_BATCH = 8
"""Articles per task: large enough to keep spaCy's nlp.pipe busy, small enough to spread
a corpus over the workers and to lose little when one fails."""
IN_FLIGHT_PER_WORKER = 3
INSTALL_HINT = 'pip install "dask[distributed]==2026.8.0"'


class SchedulerError(ValueError):
    """The --scheduler value cannot be used; the message says what to give instead."""


def parse_scheduler(spec: str) -> tuple[str, int | None]:
    """("local", N) for "local:N", (address, None) for "tcp://HOST:PORT"."""
    spec = spec.strip()
    if spec.startswith("local:"):
        count = spec.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise SchedulerError(
                f"--scheduler {spec!r}: give local:N with N workers, at least 1 (e.g. local:2)"
            )
        return "local", int(count)
    if spec.startswith(("tcp://", "tls://")) and len(spec) > len("tcp://"):
        return spec, None
    raise SchedulerError(
        f"--scheduler {spec!r}: give local:N (a cluster of N local workers) or "
        "tcp://HOST:PORT (a running `dask scheduler`)"
    )


@contextmanager
def connect(spec: str) -> Iterator[Client]:
    """A client of the cluster `spec` names; a local one is started and stopped with it."""
    kind, workers = parse_scheduler(spec)
    try:
        from distributed import Client, LocalCluster
    except ImportError as missing:
        raise SchedulerError(f"--scheduler needs Dask: {INSTALL_HINT}") from missing
    logging.getLogger("distributed").setLevel(logging.WARNING)  # its INFO lines are noise here
    if kind == "local":
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.WARNING,
        )
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = Client(kind, timeout=30)
    except OSError as error:
        raise SchedulerError(f"cannot reach the Dask scheduler at {kind}: {error}") from error
    with client:
        yield client


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def analyse_on_cluster(
    articles: Iterable[Article],
    client: Client,
    task: Callable[
        [list[Article], ActorRegistry | None], list[CachedArticle] | list[EncodedArticle]
    ],
    registry: ActorRegistry | None = None,
) -> Iterator[tuple[Article, CachedArticle | EncodedArticle | str]]:
    """(article, analysis) as batches complete, or (article, why it failed twice). `task`
    analyses one batch on a worker (geo.pipeline's, which loads its stages once per process)."""
    from distributed import as_completed

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    pending = _chunks(articles, CLUSTER_BATCH)
    futures = {}

    def submit(batch: list[Article]):
        future = client.submit(task, batch, registry, retries=1, pure=False)
        futures[future] = batch
        return future

    for batch in pending:
        submit(batch)
        if len(futures) >= IN_FLIGHT_PER_WORKER * workers:
            break
    running = as_completed(list(futures))
    for future in running:
        batch = futures.pop(future)
        error = future.exception()
        if error is None:
            yield from zip(batch, future.result(), strict=True)
        elif len(batch) > 1:  # failed twice as a batch: find the article that fails
            for article in batch:
                running.add(submit([article]))
        else:
            yield (
                batch[0],
                f"analysis failed twice on the cluster ({type(error).__name__}: {error})",
            )
        next_batch = next(pending, None)
        if next_batch is not None:
            running.add(submit(next_batch))
