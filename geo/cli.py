"""`python -m geo`: build the store, geocode a name, geoparse JSON lines.

Exit status: 0 success; 1 the command ran but something was left out (skipped
corpus files, a name with no place); 2 usage or fatal errors.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from geo.model import Place, SkippedFile, Toponym

if TYPE_CHECKING:
    from geo.pipeline import BuildSummary

log = logging.getLogger("geo")


class UsageError(Exception):
    """Wrong arguments the parser could not catch itself."""


class Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so `finally` blocks (staging cleanup) still run."""


# --------------------------------------------------------------------------
# build
# --------------------------------------------------------------------------


def _progress_bar():
    from tqdm import tqdm

    bar = tqdm(total=0, unit="article", file=sys.stderr, dynamic_ncols=True, leave=True)

    def update(done: int, total: int, message: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(message[-40:], refresh=False)
        bar.refresh()

    return bar, update


def format_summary(summary: BuildSummary) -> str:
    lines = [
        f"store:    {summary.data_dir}",
        f"articles: {summary.articles} ({summary.reused} unchanged, reused)",
        f"events:   {summary.events} ({summary.event_places} event-place rows on the map)",
        f"places:   {summary.places}",
        f"actors:   {summary.actors}",
        f"skipped files: {len(summary.skipped)}",
    ]
    if summary.online_failures:
        lines.insert(
            -1,
            f"online:   {summary.online_service} could not answer {summary.online_failures}"
            f" name{'s' if summary.online_failures != 1 else ''} (the offline gazetteer"
            " answered instead); their articles are analysed again at the next build",
        )
    if summary.dropped_legacy_cache:
        lines.insert(
            -1,
            f"cache:    deleted {summary.dropped_legacy_cache} cached analyses in the old pickle"
            " format unread (a pickle can run code); their articles were analysed again",
        )
    # An ArticleError's message already starts with the path: say it once.
    lines += [f"  {s.path}: {s.reason.removeprefix(f'{s.path}: ')}" for s in summary.skipped]
    return "\n".join(lines)


def _build(args: argparse.Namespace) -> int:
    from geo.pipeline import build_store

    paths = build_paths(args.paths, args.data_dir)
    missing = [str(p) for p in paths if not p.exists()]
    if missing and not args.paths:
        raise UsageError(
            f"the store in {args.data_dir} was built from {', '.join(missing)}, which is gone: "
            "name the corpus paths to build from (`python -m geo build PATH…`)"
        )
    if missing:
        raise UsageError(f"no such corpus path: {', '.join(missing)}")
    options = {
        "force": args.force,
        "workers": args.workers,
        "online": _online_geocoder(args),
        "scheduler": args.scheduler,
    }
    if args.quiet:
        summary = build_store(paths, args.data_dir, **options)
    else:
        bar, update = _progress_bar()
        try:
            summary = build_store(paths, args.data_dir, progress=update, **options)
        finally:
            bar.close()
    # Only folders the user named: the default uploads folder may be empty.
    unread = folders_without_articles([Path(p) for p in args.paths])
    if unread:
        summary = replace(summary, skipped=(*unread, *summary.skipped))
    print(format_summary(summary))
    if not summary.articles:
        from geo.ingest import CORPUS_SUFFIXES

        formats = ", ".join(sorted(CORPUS_SUFFIXES))
        print(f"no articles found: the corpus paths hold no readable {formats} files")
        return 1
    return 1 if summary.skipped else 0


def build_paths(named: Sequence[str], data_dir: str) -> tuple[Path, ...]:
    """The corpus a build reads: the paths named, else the corpus the store records (seeds/
    for a new store); with the store's uploads folder either way, so nothing uploaded is
    dropped."""
    from geo.store import store_corpus, with_uploads

    if named:
        return with_uploads(named, data_dir)
    return store_corpus(data_dir, default=[Path("seeds")])


def folders_without_articles(paths: Sequence[Path]) -> list[SkippedFile]:
    """Folders among `paths` holding no corpus file, which a build passes over in silence
    (a .json export, .docx or .pdf files, a folder still empty), with a few of their files."""
    from geo.ingest import CORPUS_SUFFIXES, SIDECAR_NAME

    formats = sorted(CORPUS_SUFFIXES)
    wanted = f"{', '.join(formats[:-1])} or {formats[-1]} file"
    found = []
    for path in filter(Path.is_dir, paths):
        others: list[str] = []
        for file in path.rglob("*"):
            relative = file.relative_to(path)
            if any(part.startswith(".") for part in relative.parts) or not file.is_file():
                continue  # the build skips hidden files too
            if file.suffix.lower() in formats and file.name != SIDECAR_NAME:
                break
            others.append(str(relative))
        else:
            others.sort()
            more = f" and {len(others) - 3} more" if len(others) > 3 else ""
            listed = f", only {', '.join(others[:3])}{more}" if others else ""
            found.append(SkippedFile(str(path), f"holds no {wanted}{listed}"))
    return found


def _online_geocoder(args: argparse.Namespace):
    """The online geocoder when `--online` or GEO_ONLINE_GEOCODER turns it on, else None."""
    from geo.places import SERVICE_ENV, OnlineGeocoder

    if not (args.online or os.environ.get(SERVICE_ENV)):
        return None
    return OnlineGeocoder()


# --------------------------------------------------------------------------
# geocode
# --------------------------------------------------------------------------

PLACE_COLUMNS = ("id", "name", "kind", "country", "lat", "lon", "gazetteer")


def _place_row(place: Place) -> tuple[str, ...]:
    return (
        place.key,
        place.name,
        place.kind,
        place.country_code or "",
        f"{place.lat:.4f}",
        f"{place.lon:.4f}",
        place.gazetteer,
    )


def format_places(places: Sequence[Place]) -> str:
    rows = [PLACE_COLUMNS] + [_place_row(p) for p in places]
    widths = [max(len(row[i]) for row in rows) for i in range(len(PLACE_COLUMNS))]
    return "\n".join(
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def _online_places(query: str, limit: int) -> list[Place]:
    """Ranked answers of the online geocoder (service and user agent from the environment)."""
    from geo.places import OnlineGeocoder, place_from_location

    locations = OnlineGeocoder().geocode(query, exactly_one=False) or []
    return [place_from_location(location) for location in locations[:limit]]


def _geocode(args: argparse.Namespace) -> int:
    if args.online:
        places = _online_places(args.name, args.limit)
    else:
        from geo.places import load_gazetteer, rank_candidates

        name = args.name
        ranked = rank_candidates(Toponym(0, len(name), name, label="query"), name, load_gazetteer())
        places = list(ranked[: args.limit])
    if not places:
        print(f"no place named {args.name!r}", file=sys.stderr)
        return 1
    if args.json:
        for place in places:
            print(json.dumps(dict(zip(PLACE_COLUMNS, _place_json(place), strict=True))))
    else:
        print(format_places(places))
    return 0


def _place_json(place: Place) -> tuple[object, ...]:
    return (
        place.key,
        place.name,
        place.kind,
        place.country_code,
        place.lat,
        place.lon,
        place.gazetteer,
    )


# --------------------------------------------------------------------------
# geoparse
# --------------------------------------------------------------------------
def _use_utf8_streams() -> None:
    """JSON Lines are UTF-8 whatever the locale; bytes that are not reach `_parse_line` as
    surrogates and fail their own line, not the run. A leading BOM is dropped."""
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(encoding="utf-8-sig", errors="surrogateescape")
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")


def _geoparse(args: argparse.Namespace) -> int:
    from geo.places import load_gazetteer

    _use_utf8_streams()

    gazetteer = load_gazetteer()
    nlp = None
    if not args.gold_spans:
        from geo.nlp import load_nlp

        nlp = load_nlp(gazetteer)
    from geo.streams import geoparse_stream

    failures = geoparse_stream(sys.stdin, sys.stdout, gazetteer, nlp, args.gold_spans)
    return 1 if failures else 0


def _events(args: argparse.Namespace) -> int:
    from geo.nlp import load_nlp
    from geo.places import load_gazetteer
    from geo.streams import events_stream

    _use_utf8_streams()
    if args.file is not None and not Path(args.file).is_file():
        raise UsageError(f"{args.file}: no such file (give a JSON Lines file, or none for stdin)")
    gazetteer = load_gazetteer()
    nlp = load_nlp(gazetteer)
    if args.file is None:
        failures = events_stream(sys.stdin, sys.stdout, gazetteer, nlp)
    else:
        with open(args.file, encoding="utf-8-sig", errors="surrogateescape") as source:
            failures = events_stream(source, sys.stdout, gazetteer, nlp, name=args.file)
    return 1 if failures else 0


# --------------------------------------------------------------------------
# gazetteer (full-GeoNames mode)
# --------------------------------------------------------------------------


def _gazetteer_import(args: argparse.Namespace) -> int:
    from geo.places import default_cache_dir, import_geonames, index_path

    target = index_path(default_cache_dir())
    summary = import_geonames(
        args.file, target, args.alternate_names, args.admin_codes, progress=not args.quiet
    )
    print(
        f"imported {summary.places:,} places and {summary.names:,} names"
        f" ({summary.admin1:,} admin-1 codes) in {summary.seconds:.0f} s"
        f" into {summary.path} ({summary.size / 2**20:,.0f} MB).\n"
        "geocode, geoparse, events and build now use it (analyses cached by earlier builds are"
        " made again); `python -m geo gazetteer remove` goes back to the default gazetteer."
    )
    return 0


def _gazetteer_status(args: argparse.Namespace) -> int:
    from geo.places import (
        GAZETTEER_ENV,
        GeoNamesIndex,
        default_cache_dir,
        index_path,
        selected_index,
    )

    path = index_path(default_cache_dir())
    selected = selected_index(default_cache_dir())
    if selected is None:
        ignored = f" ({path} exists, {GAZETTEER_ENV}=default ignores it)" if path.exists() else ""
        print(f"gazetteer: the default (registry packages){ignored}")
        return 0
    meta = GeoNamesIndex(selected).meta
    print(
        f"gazetteer: the default, with GeoNames' dump {meta['source']} imported"
        f" {meta['imported_at']}: {int(meta['places']):,} places, {int(meta['names']):,} names"
        f" in {selected} ({selected.stat().st_size / 2**20:,.0f} MB)"
    )
    return 0


def _gazetteer_remove(args: argparse.Namespace) -> int:
    from geo.places import default_cache_dir, index_path

    path = index_path(default_cache_dir())
    if not path.exists():
        print(f"no imported index at {path}: the default gazetteer is in use")
        return 0
    path.unlink()
    print(f"removed {path}: the default gazetteer is in use again")
    return 0


def _add_gazetteer_commands(commands: argparse._SubParsersAction) -> None:
    gazetteer = commands.add_parser(
        "gazetteer", help="full-GeoNames mode: import GeoNames' dump, show or remove it"
    )
    actions = gazetteer.add_subparsers(dest="action", required=True)
    load = actions.add_parser(
        "import",
        help="stream allCountries.zip (or a country's XX.zip, or the .txt) into an on-disk "
        "index under the cache dir (GEO_CACHE_DIR, default ~/.cache/newsmap-geo)",
    )
    load.add_argument("file", help="GeoNames' allCountries.zip, XX.zip or their .txt")
    load.add_argument("--alternate-names", metavar="FILE", help="alternateNamesV2.zip or .txt")
    load.add_argument("--admin-codes", metavar="FILE", help="admin1CodesASCII.txt")
    load.add_argument("--quiet", action="store_true", help="no progress bar")
    load.set_defaults(run=_gazetteer_import)
    status = actions.add_parser("status", help="which gazetteer geoparsing uses")
    status.set_defaults(run=_gazetteer_status)
    remove = actions.add_parser("remove", help="delete the imported index: back to the default")
    remove.set_defaults(run=_gazetteer_remove)


# --------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _compact(args: argparse.Namespace) -> int:
    from geo.store import build_lock, compact_store, ensure_query_db, store_info

    with build_lock(args.data_dir):
        before, after = compact_store(args.data_dir)
        ensure_query_db(args.data_dir)  # the dashboard's, for the compacted version
    info = store_info(args.data_dir)
    if before == after and not info.superseded:
        print(f"{args.data_dir}: nothing to compact ({after} partitions)")
    else:
        print(f"{args.data_dir}: {before} partitions merged into {after}; {info.articles} articles")
    return 0


def _info(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from geo.store import store_info

    info = store_info(args.data_dir)
    if args.json:
        record = asdict(info)
        record["partitions"] = [{"file": f, "bytes": b} for f, b in info.partitions]
        print(json.dumps(record, ensure_ascii=False))
        return 0
    size = sum(b for _, b in info.partitions)
    lines = [
        f"store:      {info.data_dir} (format {info.format}, built {info.built_at})",
        f"articles:   {info.articles} from {info.corpus_files} corpus files"
        f" ({info.skipped} skipped)",
        f"events:     {info.events} ({info.event_places} event-place rows on the map)",
        f"places:     {info.places}",
        f"actors:     {info.actors}",
        f"partitions: {info.partition_count} ({len(info.partitions)} files, {size / 2**20:.1f} MB;"
        f" {info.superseded} superseded article rows, which `geo compact` drops)",
        "corpus:",
        *(f"  {path}" for path in info.corpus),
    ]
    print("\n".join(lines))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="analyse a corpus and write the store")
    build.add_argument(
        "paths",
        nargs="*",
        help="corpus files or folders (default: the corpus the store was last built from, "
        "seeds/ for a new store); DATA_DIR/uploads/, where the dashboard saves uploads, is "
        "always read too",
    )
    build.add_argument("--data-dir", default="data", help="where the store goes (default: data)")
    build.add_argument("--force", action="store_true", help="analyse every article again")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.add_argument(
        "--online",
        action="store_true",
        help="ask the online geocoder (GEO_ONLINE_GEOCODER, default nominatim; needs "
        "GEO_USER_AGENT) for names the offline gazetteer lacks; answers are cached",
    )
    build.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        help="processes analysing articles in parallel (default 1; try the number of cores)",
    )
    build.add_argument(
        "--scheduler",
        metavar="local:N | tcp://HOST:PORT",
        help="analyse on a Dask cluster: N local worker processes, or a running `dask "
        "scheduler` whose workers have this project installed",
    )
    build.set_defaults(run=_build)

    info = commands.add_parser("info", help="what a store holds: corpus, counts, partitions")
    info.add_argument("--data-dir", default="data", help="the store (default: data)")
    info.add_argument("--json", action="store_true", help="one JSON object")
    info.set_defaults(run=_info)

    compact = commands.add_parser(
        "compact", help="merge the store's partitions and drop superseded rows"
    )
    compact.add_argument("--data-dir", default="data", help="the store (default: data)")
    compact.set_defaults(run=_compact)

    geocode = commands.add_parser("geocode", help="ranked gazetteer candidates for a name")
    geocode.add_argument("name")
    geocode.add_argument("--limit", type=_positive_int, default=10)
    geocode.add_argument("--online", action="store_true", help="ask the online geocoder")
    geocode.add_argument("--json", action="store_true", help="one JSON object a line")
    geocode.set_defaults(run=_geocode)

    geoparse = commands.add_parser(
        "geoparse", help='JSON lines {"id","text"} on stdin -> {"id","toponyms"} on stdout'
    )
    geoparse.add_argument(
        "--gold-spans",
        action="store_true",
        help='resolve only the spans in each line\'s "toponyms" (start/end/name)',
    )
    geoparse.set_defaults(run=_geoparse)
    events = commands.add_parser(
        "events",
        help='JSON lines {"id","text","published"?} -> {"id","events"}: who did what to whom, '
        "where and when",
    )
    events.add_argument("file", nargs="?", help="a JSON Lines file (default: stdin)")
    events.set_defaults(run=_events)
    _add_gazetteer_commands(commands)
    return parser


def _fatal_errors() -> tuple[type[BaseException], ...]:
    from geo.cluster import SchedulerError
    from geo.nlp import ModelNotInstalledError
    from geo.pipeline import BuildOptionsError
    from geo.places import GazetteerError, GeoError
    from geo.store import StoreError

    return (
        UsageError,
        OSError,
        StoreError,
        GazetteerError,
        GeoError,
        ModelNotInstalledError,
        BuildOptionsError,
        SchedulerError,
    )


def _sigterm_handler(main_pid: int):
    """Raise Terminated in this process; forked workers die of SIGTERM as they would by default."""

    def handle(signum: int, frame: object) -> None:
        if os.getpid() != main_pid:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated

    return handle


def _reader_gone() -> int:
    """stdout's reader left (`| head`): stop quietly, as Unix tools do, exit 128 + SIGPIPE."""
    code = 128 + signal.SIGPIPE
    try:
        stdout = sys.stdout.fileno()
    except (OSError, ValueError):  # not a file descriptor (tests, embedding): no exit flush
        return code
    os.dup2(os.open(os.devnull, os.O_WRONLY), stdout)  # else the flush at exit fails again
    return code


def _interrupted(command: str, code: int) -> int:
    note = ": the previous store is kept; analyses done so far are reused next time"
    print(f"geo {command}: interrupted{note if command == 'build' else ''}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(format="%(name)s: %(levelname)s: %(message)s")
    args = build_parser().parse_args(argv)
    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:
        previous = signal.signal(signal.SIGTERM, _sigterm_handler(os.getpid()))
    try:
        return args.run(args)
    except BrokenPipeError:
        return _reader_gone()
    except _fatal_errors() as error:
        print(f"geo {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return _interrupted(args.command, 128 + signal.SIGINT)
    except Terminated:
        return _interrupted(args.command, 128 + signal.SIGTERM)
    except Exception:
        log.exception("%s failed unexpectedly", args.command)
        return 2
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
