"""Articles -> analysed articles -> events -> the store.

`analyse_article` runs the NLP stages on one article; `build_store` runs them
on a whole corpus with `nlp.pipe` batching, reusing the cached analysis of
every article that has not changed since the last build.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from geo.analysis import BATCH_SIZE, analyse_articles
from geo.ingest import iter_corpus
from geo.model import Article, SkippedFile
from geo.places import SERVICE_ENV, active_index_id
from geo.store import (
    FORMAT_VERSION,
    ArticleCache,
    CachedArticle,
    EmptyCorpusError,
    EncodedArticle,
    StoreCorruptError,
    append_changes,
    article_cache_key,
    build_lock,
    changed_outputs,
    chunked,
    code_fingerprint,
    ensure_query_db,
    file_states,
    read_manifest,
    remove_leftovers,
    store_matches,
)

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

    from spacy.language import Language

    from geo.nlp import ActorRegistry
    from geo.places import Gazetteer, Geocoder

log = logging.getLogger("geo")

Progress = Callable[[int, int, str], None]
"""progress(done, total, message): called as articles are analysed."""

SPACY_MAX_LENGTH = 1_000_000
"""spaCy's default `nlp.max_length`: the longest text a worker's model takes."""


@dataclass(frozen=True)
class BuildSummary:
    articles: int
    events: int
    places: int
    skipped: tuple[SkippedFile, ...]
    reused: int
    """Unchanged articles whose cached analysis was used instead of analysing them again."""
    event_places: int = 0
    actors: int = 0
    data_dir: str = ""
    online_failures: int = 0
    """Names the online geocoder could not answer (left to the offline gazetteer)."""
    online_service: str = ""
    dropped_legacy_cache: int = 0
    """Cached analyses in an earlier version's pickle format, deleted unread (their articles
    were analysed again): loading a pickle can run code."""


WARM_UP_TEXT = (
    "WARSAW, Poland (AP) - Polish police detained 50 migrants near Kuznica on Tuesday,"
    " and the president of Belarus accused Warsaw of lying, officials at Minsk airport said."
)
"""An article that reaches every stage: places, actors, a date, coded verbs."""


def warm_up(nlp: Language, gazetteer: Gazetteer, registry: ActorRegistry | None = None) -> None:
    """Analyse one small article so that every stage's lazily loaded data (the coding
    dictionaries, word frequencies, the actor registry) is in memory: before forking
    workers, which then share it instead of each loading it, and in benchmarks, whose
    baseline has its model loaded too."""
    article = Article("warm-up", WARM_UP_TEXT, "<warm-up>")
    for _ in analyse_articles([article], nlp, gazetteer, registry):
        pass


def _content_hash(article: Article) -> str:
    return hashlib.sha256(article.text.encode("utf-8")).hexdigest()


@dataclass
class _Planned:
    """What the build knows of one article before analysing it."""

    key: str
    content_hash: str
    path: str


def _too_long(article: Article, max_length: int) -> SkippedFile | None:
    if len(article.text) <= max_length:
        return None
    return SkippedFile(
        article.path,
        f"article {article.id!r} has {len(article.text)} characters, more than the"
        f" {max_length} the spaCy pipeline accepts: split it",
    )


def _changed_while_reading(path: str) -> SkippedFile:
    """An article planned in the first pass over the corpus but gone from the second."""
    return SkippedFile(
        path, "changed or disappeared while the build was reading it: run the build again"
    )


_WORKER_STAGES: tuple[Language, Gazetteer, ActorRegistry | None] | None = None
"""What forked workers analyse with: set in the parent just before forking."""


def _analyse_batch(batch: list[Article]) -> list[EncodedArticle]:
    """A forked worker's batch, encoded there (see `analyse_on_worker`)."""
    if _WORKER_STAGES is None:
        raise RuntimeError("_analyse_batch runs only in build_store's worker processes")
    nlp, gazetteer, registry = _WORKER_STAGES
    return [EncodedArticle.of(a) for a in analyse_articles(batch, nlp, gazetteer, registry)]


@functools.lru_cache(maxsize=1)
def _worker_stages() -> tuple[Language, Gazetteer]:
    """The model and gazetteer of a cluster worker process, loaded on its first task only."""
    from geo.nlp import load_nlp
    from geo.places import load_gazetteer

    gazetteer = load_gazetteer()
    gazetteer.load_fallback()
    nlp = load_nlp(gazetteer)
    warm_up(nlp, gazetteer)
    return nlp, gazetteer


def analyse_on_worker(batch: list[Article], registry: ActorRegistry | None) -> list[EncodedArticle]:
    """A cluster task (geo.cluster): the analyses of `batch`, with this worker's stages,
    encoded here as the cache stores them: the client only writes the bytes (pickling and
    unpickling the analyses, then encoding them on the client, cost it more than that)."""
    nlp, gazetteer = _worker_stages()
    return [EncodedArticle.of(a) for a in analyse_articles(batch, nlp, gazetteer, registry)]


def _ignore_ctrl_c() -> None:
    """In workers: Ctrl-C reaches the whole process group, but only the parent should stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _analyse_in_parallel(
    articles: Iterable[Article],
    nlp: Language,
    gazetteer: Gazetteer,
    registry: ActorRegistry | None,
    workers: int,
    online: Geocoder | None = None,
) -> Iterator[tuple[Article, CachedArticle | EncodedArticle]]:
    """(article, analysis) in corpus order; at most 2 batches per worker in flight."""
    if workers == 1:
        for batch in chunked(articles, BATCH_SIZE):
            analyses = analyse_articles(batch, nlp, gazetteer, registry, online=online)
            yield from zip(batch, analyses, strict=True)
        return
    import multiprocessing

    from geo.places import Gazetteer

    global _WORKER_STAGES
    _WORKER_STAGES = (nlp, gazetteer, registry)
    if isinstance(gazetteer, Gazetteer):
        gazetteer.load_fallback()
        warm_up(nlp, gazetteer, registry)
    try:
        # fork: workers inherit the loaded model and memory-mapped gazetteer.
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_ctrl_c)
        with pool:
            in_flight: deque[tuple[list[Article], AsyncResult]] = deque()
            for batch in chunked(articles, BATCH_SIZE):
                in_flight.append((batch, pool.apply_async(_analyse_batch, (batch,))))
                if len(in_flight) >= 2 * workers:
                    done, result = in_flight.popleft()
                    yield from zip(done, result.get(), strict=True)
            while in_flight:
                done, result = in_flight.popleft()
                yield from zip(done, result.get(), strict=True)
    finally:
        _WORKER_STAGES = None


def _previous_manifest(data_dir: Path) -> dict[str, object]:
    """The last build's manifest; a damaged one is reported and rewritten, as if absent."""
    try:
        return read_manifest(data_dir) or {}
    except StoreCorruptError as error:
        log.warning("%s; rebuilding it from the corpus", error)
        return {}


def _unchanged_since(
    previous: dict[str, object],
    paths: Sequence[Path],
    files: dict[str, dict[str, object]],
    analysis_key: str,
    data_dir: Path,
) -> bool:
    """The last build read this same corpus with this same code and left a whole store.

    Beyond `store_matches`: the same analysis key (code and online geocoder) and the
    same paths. A build that left work for the next one does not qualify: files that
    changed under it (the manifest holds their earlier states), names the online
    geocoder failed on.
    """
    return (
        previous.get("analysis") == analysis_key
        and previous.get("read_again") == 0
        and previous.get("paths") == [str(p.resolve()) for p in paths]
        # Articles keep their paths as typed: "corpus" and "./corpus" store different ones.
        and previous.get("paths_as_given") == [str(p) for p in paths]
        and store_matches(previous, files, data_dir)
    )


def _summary_of_previous(previous: dict[str, object], data_dir: Path) -> BuildSummary:
    """What the last build reported, for a build that found nothing to do."""
    counts: dict[str, int] = previous["counts"]  # type: ignore[assignment]
    skipped: list[dict[str, str]] = previous.get("skipped", [])  # type: ignore[assignment]
    return BuildSummary(
        articles=counts["articles"],
        events=counts["events"],
        places=counts["places"],
        skipped=tuple(SkippedFile(s["path"], s["reason"]) for s in skipped),
        reused=counts["articles"],
        event_places=counts["event_places"],
        actors=counts["actors"],
        data_dir=str(data_dir),
    )


def _rewrite_all(previous: dict[str, object], data_dir: Path, force: bool) -> bool:
    """Whether every article is written anew: forced, a store of another format or none, or
    one with a damaged or foreign partition file (named), all rewritten from the cache."""
    if force or previous.get("format") != FORMAT_VERSION:
        return True
    changed = changed_outputs(previous, data_dir)
    if changed:
        more = f" (and {len(changed) - 1} more)" if len(changed) > 1 else ""
        log.warning(
            "%s%s is damaged or not the file its build wrote; rewriting the store from the"
            " cached analyses",
            changed[0],
            more,
        )
    return bool(changed)


def _refuse_to_empty(
    previous: dict[str, object], paths: Sequence[Path], data_dir: Path, skipped: list[SkippedFile]
) -> None:
    """Raise EmptyCorpusError if data_dir holds articles: a wrong path must not wipe them."""
    stored = previous.get("counts", {}).get("articles", 0)  # type: ignore[union-attr]
    if not stored:
        return
    reasons = "; ".join(s.reason for s in skipped[:5])
    why = f" ({len(skipped)} skipped: {reasons})" if skipped else ""
    raise EmptyCorpusError(
        f"no articles under {', '.join(map(str, paths))}{why}; the store in {data_dir}"
        f" ({stored} articles) was left unchanged. Check the paths, or delete {data_dir}"
        " to start an empty store"
    )


def _one_build_at_a_time(build: Callable[..., BuildSummary]) -> Callable[..., BuildSummary]:
    """Holds the data directory's build lock around a build (geo.store.build_lock)."""

    @functools.wraps(build)
    def locked(paths: Sequence[Path | str], data_dir: Path | str, **options) -> BuildSummary:
        with build_lock(data_dir):
            return build(paths, data_dir, **options)

    return locked


@_one_build_at_a_time
def build_store(
    paths: Sequence[Path | str],
    data_dir: Path | str,
    *,
    progress: Progress | None = None,
    nlp: Language | None = None,
    gazetteer: Gazetteer | None = None,
    actor_registry: ActorRegistry | None = None,
    force: bool = False,
    workers: int = 1,
    online: Geocoder | None = None,
    scheduler: str | None = None,
) -> BuildSummary:
    """Analyse the corpus under `paths` and write the store to `data_dir`.

    Articles whose content, metadata and analysis code are unchanged since the
    last build are not analysed again (`force` analyses everything). The model
    and the gazetteer are loaded only if some article needs analysing; when
    neither the corpus files nor the code changed and the last store is whole,
    nothing is read or written and the last build's summary is returned. The
    corpus is streamed twice (plan, then analyse) so that only a few batches of
    article texts are in memory at a time. `workers` > 1 analyses batches in
    forked processes that share the loaded model and gazetteer. `online`, a
    geocoder such as `geo.places.OnlineGeocoder`, is asked for the names the
    gazetteer has no place for; it runs in one process, to keep its rate limit.
    """
    _check_workers(workers, online, scheduler)
    data_dir = Path(data_dir)
    paths = [Path(p) for p in paths]
    if remove_leftovers(data_dir):
        log.info("removed what an interrupted build left in %s", data_dir)
    report = progress or (lambda done, total, message: None)
    previous = _previous_manifest(data_dir)
    files = file_states(paths, previous.get("files"))  # type: ignore[arg-type]
    cache = ArticleCache(data_dir)
    fingerprint = code_fingerprint()
    # Analyses made with an online geocoder differ from offline ones: cache them apart.
    analysis_key = fingerprint if online is None else f"{fingerprint}+{online.name}"
    # ... and so are those made with an imported GeoNames dump (each import its own).
    index = getattr(gazetteer, "index", None)
    dump = getattr(index, "import_id", "") if gazetteer is not None else active_index_id()
    analysis_key += f"+geonames-dump:{dump}" if dump else ""
    if not force and _unchanged_since(previous, paths, files, analysis_key, data_dir):
        summary = _summary_of_previous(previous, data_dir)
        report(summary.articles, summary.articles, "nothing changed since the last build")
        ensure_query_db(data_dir)  # a cache: gone when the temporary folder was emptied
        return summary
    cache.check_writable()
    dropped = cache.drop_legacy()  # never loaded: a pickle can run code
    plan = _plan_build(paths, analysis_key, cache, force)
    report(plan.reused, plan.total, f"{plan.reused} unchanged articles reused")
    if plan.todo_ids and scheduler is not None:
        _analyse_planned(
            plan, paths, analysis_key, cache, report, None, None, actor_registry, 1, None,
            scheduler=scheduler,
        )  # fmt: skip
    elif plan.todo_ids:
        if gazetteer is None:
            from geo.places import load_gazetteer

            gazetteer = load_gazetteer()
        if nlp is None:
            from geo.nlp import load_nlp

            nlp = load_nlp(gazetteer)
        _analyse_planned(
            plan,
            paths,
            analysis_key,
            cache,
            report,
            nlp,
            gazetteer,
            actor_registry,
            workers,
            online,
        )

    kept = [p for p in plan.planned.values() if p.key in cache]
    if not kept:
        _refuse_to_empty(previous, paths, data_dir, plan.skipped)
    report(plan.total, plan.total, "writing the store")
    counts = append_changes(
        data_dir,
        {i: (p.key, p.content_hash) for i, p in plan.planned.items() if p.key in cache},
        cache,
        replace_all=_rewrite_all(previous, data_dir, force),
        manifest={
            "fingerprint": fingerprint,
            "analysis": analysis_key,
            # What the next build must read again, though no file changes.
            "read_again": plan.changed_while_reading + plan.online_failures,
            "paths": [str(p.resolve()) for p in paths],
            "paths_as_given": [str(p) for p in paths],
            "cwd": str(Path.cwd()),  # where paths_as_given resolve
            "files": files,
            "skipped": [{"path": s.path, "reason": s.reason} for s in plan.skipped],
        },
    )
    cache.prune(p.key for p in kept)
    ensure_query_db(data_dir)  # the dashboard's, now rather than on its first view
    return BuildSummary(
        articles=counts.articles,
        events=counts.events,
        places=counts.places,
        skipped=tuple(plan.skipped),
        reused=plan.reused,
        event_places=counts.event_places,
        actors=counts.actors,
        data_dir=str(data_dir),
        online_failures=plan.online_failures,
        online_service="" if online is None else online.name,
        dropped_legacy_cache=dropped,
    )


class BuildOptionsError(ValueError):
    """build_store's options do not go together; the message says which to drop."""


def _check_workers(workers: int, online: Geocoder | None, scheduler: str | None = None) -> None:
    if workers < 1:
        raise BuildOptionsError(f"workers must be at least 1, got {workers}")
    if scheduler is not None:
        from geo.cluster import parse_scheduler

        parse_scheduler(scheduler)  # a SchedulerError names a malformed value
        if workers > 1:
            raise BuildOptionsError(
                "give --scheduler local:N or --workers N, not both (--workers N forks N "
                "processes on this machine; --scheduler runs on a Dask cluster)"
            )
        if online is not None:
            raise BuildOptionsError(
                "online geocoding runs in one process to respect the service's rate limit: "
                f"drop --scheduler, or build offline (drop --online and unset {SERVICE_ENV})"
            )
    if online is not None and workers > 1:
        raise BuildOptionsError(
            "online geocoding runs in one process to respect the service's rate limit: "
            "build with workers=1 (drop --workers), or offline (drop --online and unset "
            f"{SERVICE_ENV})"
        )


@dataclass
class _BuildPlan:
    """The first pass over the corpus, completed by the analysis pass."""

    planned: dict[str, _Planned]
    skipped: list[SkippedFile]
    todo_ids: set[str]
    total: int
    reused: int
    changed_while_reading: int = 0
    online_failures: int = 0
    analysed_ids: set[str] = field(default_factory=set)


def _plan_build(
    paths: Sequence[Path], analysis_key: str, cache: ArticleCache, force: bool
) -> _BuildPlan:
    """Every article's cache key, without keeping its text: which ones need analysing."""
    planned: dict[str, _Planned] = {}
    skipped: list[SkippedFile] = []
    for item in iter_corpus(paths):
        if isinstance(item, SkippedFile):
            skipped.append(item)
        else:
            key = article_cache_key(repr(item), analysis_key)
            planned[item.id] = _Planned(key, _content_hash(item), item.path)
    todo_ids = {i for i, p in planned.items() if force or p.key not in cache}
    return _BuildPlan(planned, skipped, todo_ids, len(planned), len(planned) - len(todo_ids))


def _analyse_planned(
    plan: _BuildPlan,
    paths: Sequence[Path],
    analysis_key: str,
    cache: ArticleCache,
    report: Progress,
    nlp: Language | None,
    gazetteer: Gazetteer | None,
    actor_registry: ActorRegistry | None,
    workers: int,
    online: Geocoder | None,
    scheduler: str | None = None,
) -> None:
    """The second pass: analyse the articles the plan marked, caching each analysis.
    Without `scheduler`, `nlp` and `gazetteer` are loaded; with one, the workers load them."""
    max_length = nlp.max_length if nlp is not None else SPACY_MAX_LENGTH
    done = plan.reused

    def analysable() -> Iterator[Article]:
        nonlocal done
        for article in iter_corpus(paths):
            if not isinstance(article, Article) or article.id not in plan.todo_ids:
                continue
            problem = _too_long(article, max_length)
            if problem is None:
                yield article
            else:
                plan.skipped.append(problem)
                del plan.planned[article.id]
                done += 1

    with ExitStack() as on_cluster:
        if scheduler is None:
            analysed = _analyse_in_parallel(
                analysable(), nlp, gazetteer, actor_registry, workers, online
            )
        else:
            from geo.cluster import analyse_on_cluster, connect

            client = on_cluster.enter_context(connect(scheduler))
            analysed = analyse_on_cluster(analysable(), client, analyse_on_worker, actor_registry)
        done = _cache_analyses(plan, analysed, analysis_key, cache, report, online, done)
    for article_id in sorted(plan.todo_ids & plan.planned.keys() - plan.analysed_ids):
        plan.skipped.append(_changed_while_reading(plan.planned.pop(article_id).path))
        plan.changed_while_reading += 1


def _cache_analyses(
    plan: _BuildPlan,
    analysed: Iterable[tuple[Article, CachedArticle | EncodedArticle | str]],
    analysis_key: str,
    cache: ArticleCache,
    report: Progress,
    online: Geocoder | None,
    done: int,
) -> int:
    """Caches each analysis as it arrives (a killed build loses none of them); an article
    whose analysis failed (on a cluster, twice) is skipped and named."""
    failures_before = failures_seen = _online_failures(online)
    for article, cached in analysed:
        if isinstance(cached, str):
            plan.skipped.append(SkippedFile(article.path, cached))
            del plan.planned[article.id]
            done += 1
            continue
        key = article_cache_key(repr(article), analysis_key)
        if _online_failures(online) > failures_seen:
            # Stored for this build, but not reused as if complete: asked again next time.
            key = article_cache_key(repr(article), f"{analysis_key}+online-failed")
            failures_seen = _online_failures(online)
        plan.planned[article.id] = _Planned(key, _content_hash(article), article.path)
        cache.put(key, cached)
        plan.analysed_ids.add(article.id)
        done += 1
        report(done, plan.total, f"analysed {article.path}")
    plan.online_failures = failures_seen - failures_before
    return done


def _online_failures(online: Geocoder | None) -> int:
    return 0 if online is None else online.failures
