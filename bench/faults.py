"""Faults a user can meet, and what `geo build`, the store and the dashboard do about them.

    nice python bench/faults.py [--kills 20] [--quick] [--only GROUP ...] [--keep] [-v]

Prints one table row per fault: how many times it was tried, what the user saw (an excerpt
of the message), whether anything was lost, and whether the message was clear every time.
The goal is "lost: no" and "clear: yes" on every row. The groups (`--only`):

- kill: `kill -9` of `python -m geo build` at --kills points spread evenly over the measured
  duration of the same build: a first build into an empty data directory, and an incremental
  one (appending a partition to an existing store); and of `python -m geo compact`. The store
  afterwards must be the one before or the one after (hashes of every file of the store: each
  partition file and the manifest, its volatile keys excluded; partition files no manifest
  lists are counted apart, as a killed commit's orphans), readable with geo.store's readers,
  and the next build must complete and leave no orphan.
- commit: the kill at each of the renames that put a new partition in place (the process exits
  as `kill -9` would, before the k-th rename: the 5 partition files, then the manifest), for an
  incremental build and for `geo compact` (which also stops once before deleting the
  partitions it merged): a window too short for timed kills to hit.
- lock: two builds on one data directory at once; the dashboard while a build runs.
- disk: a full disk (a small tmpfs filled to free-space levels between nothing and what the
  build needs: real ENOSPC) and a read-only data directory (a read-only bind mount: real
  EROFS). Root ignores permissions, so as root the bench runs in a private mount namespace
  (`unshare --mount`, invisible to other processes); where that is impossible the faults are
  injected in-process (ENOSPC from the Parquet writer, EROFS from file opens under the data
  directory), and the row says "simulated".
- damage: each partition file of each table (and the manifest) truncated, garbled in the
  middle, emptied or replaced; then the readers (load_*, read_manifest), `geo build` (and,
  for the manifest, `geo build` with no paths) and the dashboard (streamlit AppTest on
  dashboard.py, the map component faked as in tests/test_dashboard.py).
- gazetteer: the gazetteer's disk cache damaged the same ways, in a copy under GEO_CACHE_DIR
  (post-town caches linked, not copied); `geo build --force` and the dashboard.
- dask: `kill -9` of one of two Dask workers (`dask scheduler` and `dask worker` processes on
  127.0.0.1) at points spread over an incremental `geo build --scheduler tcp://…`: the
  worker under a nanny (which starts a new one) and alone (`--no-nanny`: the build must go on
  with the other). The build must complete with the new store's rows, naming nothing lost.
- online: the online geocoder (geopy's real Nominatim client) against a fake Nominatim on
  127.0.0.1: time-outs, 429 with Retry-After, 500 and 503, dropped connections, malformed
  answers, 403; then `geo build --online` with the service failing, and again once it is back.

The corpus is seeds/ plus a few articles from bench/build_scale.py's generator, in a temporary
directory that is removed at the end (unless --keep). The "old" store is built from seeds/
alone (one partition), the "new" one from seeds/ and the generated articles by an incremental
build over the old one (a second partition), the "compacted" one by `geo compact` of the new
one. A store rewritten whole (a forced build, a repaired damage) has other files: it counts as
the new one when geo.store's readers give the new one's rows ("new, rewritten").
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import errno
import hashlib
import http.server
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NAMESPACE_ENV = "GEO_FAULTS_NAMESPACE"
USER_AGENT = "newsmap-faults-bench/0.1 (faults-bench@localhost.invalid)"
TRACEBACK = "Traceback (most recent call last)"
PAGE = 4096

TABLES = (
    "events.geoparquet",
    "events.parquet",
    "articles.parquet",
    "actors.parquet",
    "places.parquet",
)
"""geo.store.partitions' TABLES: folders of part-NNNNNN.parquet files, in the order a commit
renames a new partition's files into place (the manifest after them)."""
MANIFEST = "manifest.json"
VOLATILE_MANIFEST_KEYS = ("written_at",)
"""Manifest entries that differ between two builds of the same store (the time)."""
VOLATILE_STAMP_KEYS = ("mtime_ns",)
"""Of each partition file's stamp in the manifest, what differs between two such builds."""


# --------------------------------------------------------------------------- damage


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def garbled(data: bytes) -> bytes:
    """256 bytes in the middle inverted: the size, and a Parquet file's footer, are kept."""
    middle = len(data) // 2
    end = min(len(data), middle + 256)
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle:end]) + data[end:]


def emptied(data: bytes) -> bytes:
    return b""


def replaced(data: bytes) -> bytes:
    return b"<html><body>502 Bad Gateway</body></html>\n"


DAMAGES: dict[str, Callable[[bytes], bytes]] = {
    "truncated": truncated,
    "garbled": garbled,
    "emptied": emptied,
    "replaced": replaced,
}


def damage(path: Path, how: str) -> None:
    path.write_bytes(DAMAGES[how](path.read_bytes()))


# --------------------------------------------------------------------------- fake Nominatim

NOMINATIM_ANSWER = [
    {
        "place_id": 1,
        "lat": "53.5069",
        "lon": "23.6350",
        "display_name": "Kuźnica, Sokółka County, Podlaskie Voivodeship, Poland",
        "class": "place",
        "type": "village",
        "importance": 0.41,
    }
]

MALFORMED = {
    "invalid JSON": (200, "application/json", '[{"lat": "53.5", "lon": '),
    "an HTML page": (200, "text/html", "<html><body>Service unavailable</body></html>"),
    "an empty body": (200, "application/json", ""),
    "an object, not a list": (200, "application/json", '{"places": []}'),
    "a list of strings": (200, "application/json", '["Kuznica"]'),
    "no coordinates": (200, "application/json", '[{"display_name": "Kuznica"}]'),
    "impossible coordinates": (
        200,
        "application/json",
        '[{"display_name": "Kuznica", "lat": "953.5", "lon": "23.6"}]',
    ),
}


class FakeNominatim:
    """Nominatim's /search on 127.0.0.1 (a free port), answering as `mode` says:
    "ok", "slow" (the answer after `delay` seconds), "429" (with Retry-After: `retry_after`
    seconds), "500", "503",
    "403", "dropped" (the connection closed with no answer), or a MALFORMED key."""

    def __init__(self, delay: float = 3.0, retry_after: int = 5) -> None:
        self.mode = "ok"
        self.delay = delay
        self.retry_after = retry_after
        self.queries: list[str] = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                fake.queries.append(query.get("q", [""])[0])
                mode = fake.mode
                if mode == "dropped":
                    self.close_connection = True
                    return
                if mode == "slow":
                    time.sleep(fake.delay)
                    mode = "ok"
                if mode == "ok":
                    self._send(200, "application/json", json.dumps(NOMINATIM_ANSWER))
                elif mode in MALFORMED:
                    self._send(*MALFORMED[mode])
                elif mode == "429":
                    retry = {"Retry-After": str(fake.retry_after)}
                    self._send(429, "text/plain", "Too Many Requests", retry)
                else:
                    self._send(int(mode), "text/html", f"<html>{mode}</html>")

            def _send(self, status, kind, body, headers=None) -> None:
                data = body.encode("utf-8")
                with contextlib.suppress(OSError):  # the client may have timed out
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def fake_online_geocoder(domain: str, cache_dir: Path | str, fallback=None, timeout: float = 1.0):
    """The project's OnlineGeocoder (geopy's Nominatim) talking to a FakeNominatim."""
    from geo.places import OnlineGeocoder

    return OnlineGeocoder(
        "nominatim",
        USER_AGENT,
        cache_dir=cache_dir,
        fallback=fallback,
        timeout=timeout,
        min_delay_seconds=0,
        domain=domain,
        scheme="http",
    )


# --------------------------------------------------------------------------- faults injected
# into a child `python -m geo` (python bench/faults.py --inject SPEC -- ARGS…)


class _ExitAtReplace:
    """geo.store.commit's and geo.store.state's `os`, but the k-th os.replace that puts a
    store file in place (a partition file into its table's folder, the manifest; not the
    article cache's entries) ends the process as kill -9 would: at once, no `finally`, no
    cleanup."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.calls = 0

    def __getattr__(self, name: str):
        return getattr(os, name)

    def replace(self, src, dst) -> None:
        target = Path(os.fsdecode(dst))
        if target.parent.name in TABLES or target.name == MANIFEST:
            self.calls += 1
            if self.calls == self.k:
                os._exit(128 + signal.SIGKILL)
        os.replace(src, dst)


def _inject_exit_at_replace(k: int) -> None:
    import geo.store.commit
    import geo.store.state

    patched = _ExitAtReplace(k)
    geo.store.commit.os = patched
    geo.store.state.os = patched


def _inject_exit_before_delete() -> None:
    """The process ends as kill -9 would once the manifest is in place, before the
    partitions it no longer lists are deleted (what `geo compact` merged)."""
    import geo.store.commit

    real = geo.store.commit._delete_partitions

    def delete(data_dir, partitions) -> None:
        partitions = list(partitions)
        if partitions:
            os._exit(128 + signal.SIGKILL)
        real(data_dir, partitions)

    geo.store.commit._delete_partitions = delete


def _inject_enospc(k: int) -> None:
    """The k-th Parquet write fails as pyarrow reports a full disk."""
    import pyarrow.parquet as pq

    real = pq.ParquetWriter.write_table
    calls = [0]

    def write_table(self, table, *args, **kwargs):
        calls[0] += 1
        if calls[0] >= k:
            raise OSError(
                errno.ENOSPC,
                "Error writing bytes to file. Detail: [errno 28] No space left on device",
            )
        return real(self, table, *args, **kwargs)

    pq.ParquetWriter.write_table = write_table


def _inject_read_only(directory: str) -> None:
    """Every change under `directory` fails with EROFS (what a read-only mount says)."""
    import builtins
    import io

    top = os.path.realpath(directory)

    def inside(path) -> bool:
        if isinstance(path, int):
            return False
        real = os.path.realpath(os.fsdecode(path))
        return real == top or real.startswith(top + os.sep)

    def refuse(path):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(path))

    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    real_open, real_builtin_open = os.open, builtins.open

    def os_open(path, flags, *args, **kwargs):
        if flags & writes and inside(path):
            refuse(path)
        return real_open(path, flags, *args, **kwargs)

    def builtin_open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+") and inside(file):
            refuse(file)
        return real_builtin_open(file, mode, *args, **kwargs)

    def guard(real):
        def guarded(path, *args, **kwargs):
            if inside(path):
                refuse(path)
            return real(path, *args, **kwargs)

        return guarded

    os.open, builtins.open, io.open = os_open, builtin_open, builtin_open
    for name in ("mkdir", "replace", "rename", "unlink", "rmdir"):
        setattr(os, name, guard(getattr(os, name)))


def _inject_online(domain: str, cache_dir: str) -> None:
    """`--online` asks a FakeNominatim at `domain` (answers cached in `cache_dir`)."""
    import geo.cli
    from geo.places import OfflineGeocoder

    geo.cli._online_geocoder = lambda args: fake_online_geocoder(
        domain, cache_dir, fallback=OfflineGeocoder()
    )


def _run_injected(spec: str, argv: list[str]) -> int:
    kind, _, value = spec.partition(":")
    if kind == "exit-at-replace":
        _inject_exit_at_replace(int(value))
    elif kind == "exit-before-delete":
        _inject_exit_before_delete()
    elif kind == "enospc":
        _inject_enospc(int(value))
    elif kind == "read-only":
        _inject_read_only(value)
    elif kind == "online":
        domain, _, cache_dir = value.partition(",")
        _inject_online(domain, cache_dir)
    else:
        raise SystemExit(f"unknown fault {spec!r}")
    from geo.cli import main

    return main(argv)


# --------------------------------------------------------------------------- running builds


@dataclasses.dataclass
class Run:
    rc: int
    out: str
    err: str
    seconds: float

    @property
    def text(self) -> str:
        return f"{self.err}\n{self.out}"

    @property
    def traceback(self) -> bool:
        return TRACEBACK in self.text


def geo_env(**extra: str) -> dict[str, str]:
    """This checkout's geo first on the path, whatever is installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def geo_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "geo", *args]


def injected_cmd(spec: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--inject", spec, "--", *args]


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout=1800) -> Run:
    start = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=cwd, env=env or geo_env(), capture_output=True, text=True, timeout=timeout
    )
    return Run(done.returncode, done.stdout, done.stderr, time.perf_counter() - start)


def sh(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


# --------------------------------------------------------------------------- the store's state


def _normal_manifest(data: bytes) -> bytes:
    """The manifest without what two builds of the same store differ in (the time, and each
    partition file's mtime); a manifest that is no JSON object as it is."""
    try:
        parsed = json.loads(data)
    except ValueError:
        return data
    if not isinstance(parsed, dict):
        return data
    for key in VOLATILE_MANIFEST_KEYS:
        parsed.pop(key, None)
    for entry in parsed.get("partitions") or ():
        for stamp in (entry.get("files") or {}).values() if isinstance(entry, dict) else ():
            for key in VOLATILE_STAMP_KEYS if isinstance(stamp, dict) else ():
                stamp.pop(key, None)
    return json.dumps(parsed, sort_keys=True).encode()


def store_files(data_dir: Path) -> list[str]:
    """Every file of the store, relative to `data_dir`: the manifest, every file in the
    table folders (partitions, listed or not), and the flat format's files and their moved
    aside copies (`.flat-TABLE`). Not the article cache, the uploads, the lock."""
    found = [MANIFEST] if (data_dir / MANIFEST).is_file() else []
    for table in TABLES:
        for path in (data_dir / table, data_dir / f".flat-{table}"):
            if path.is_file():
                found.append(path.name)
            elif path.is_dir():
                found += sorted(
                    f.relative_to(data_dir).as_posix() for f in path.rglob("*") if f.is_file()
                )
    return found


def _digest(path: Path, manifest: bool = False) -> str:
    data = path.read_bytes()
    return hashlib.sha256(_normal_manifest(data) if manifest else data).hexdigest()


def snapshot(data_dir: Path) -> dict[str, str]:
    """Each store file's hash (the manifest's without its volatile keys)."""
    return {name: _digest(data_dir / name, name == MANIFEST) for name in store_files(data_dir)}


def raw_snapshot(data_dir: Path) -> dict[str, str]:
    """Each store file's hash, byte for byte."""
    return {name: _digest(data_dir / name) for name in store_files(data_dir)}


def committed_raw(data_dir: Path) -> dict[str, str]:
    """raw_snapshot of the files a committed store consists of (orphans left out)."""
    left = set(orphans(data_dir))
    return {name: digest for name, digest in raw_snapshot(data_dir).items() if name not in left}


def listed_files(data_dir: Path) -> set[str] | None:
    """The partition files the manifest lists; None when there is no manifest or it is
    damaged (then no file is known to be an orphan)."""
    try:
        manifest = json.loads((data_dir / MANIFEST).read_text("utf-8"))
        return {
            f"{table}/part-{int(entry['part']):06d}.parquet"
            for entry in manifest.get("partitions") or ()
            for table in TABLES
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def orphans(data_dir: Path) -> list[str]:
    """Partition files no committed store lists: with a manifest, those it does not list;
    with none, every one (no build committed them)."""
    listed = listed_files(data_dir)
    if listed is None and (data_dir / MANIFEST).is_file():
        return []  # a damaged manifest: which files are whose is unknown
    return [
        name
        for name in store_files(data_dir)
        if "/" in name and name.split("/")[0] in TABLES and name not in (listed or set())
    ]


def content(data_dir: Path) -> str | None:
    """A hash of what geo.store's readers give (rows sorted, partition numbers left out);
    None if one of them fails."""
    import pandas as pd

    from geo import store

    digest = hashlib.sha256()
    readers = (
        store.load_event_places,
        store.load_events,
        store.load_articles,
        store.load_actors,
        store.load_places,
    )
    for reader in readers:
        try:
            frame = reader(data_dir)
        except Exception:  # noqa: BLE001 (any failure: no content)
            return None
        if "geometry" in frame.columns:
            frame = pd.DataFrame(frame.assign(wkt=frame.geometry.to_wkt()).drop(columns="geometry"))
        frame = frame.drop(columns=[c for c in ("part",) if c in frame.columns])
        text = frame[sorted(frame.columns)].astype(str)
        text = text.sort_values(list(text.columns)).to_csv(index=False)
        digest.update(text.encode())
    return digest.hexdigest()


def unreadable(data_dir: Path) -> str | None:
    """What geo.store's readers say of the store, None if every table and the manifest load."""
    from geo import store

    readers = (
        store.read_manifest,
        store.load_event_places,
        store.load_events,
        store.load_articles,
        store.load_actors,
        store.load_places,
    )
    for reader in readers:
        try:
            reader(data_dir)
        except Exception as error:  # noqa: BLE001 (any failure is the finding)
            return f"{type(error).__name__}: {error}"
    return None


def missing_said(data_dir: Path) -> str | None:
    """For a data directory that holds no committed store: None if every reader says so
    (StoreMissingError), else what one did instead (rows of an uncommitted build, another
    error)."""
    from geo import store

    readers = (
        store.load_event_places,
        store.load_events,
        store.load_articles,
        store.load_actors,
        store.load_places,
    )
    for reader in readers:
        try:
            rows = reader(data_dir)
        except store.StoreMissingError:
            continue
        except Exception as error:  # noqa: BLE001 (any other failure is the finding)
            return f"{reader.__name__}: {type(error).__name__}: {clip(str(error), 60)}"
        return f"{reader.__name__} read {len(rows)} uncommitted rows"
    return None


def leftovers(data_dir: Path) -> list[str]:
    """What interrupted writes leave: staging directories, temporary cache entries and
    manifests, partition files no manifest lists."""
    found = [p.name for p in data_dir.glob(".staging-*")]
    found += [str(p.relative_to(data_dir)) for p in data_dir.glob("cache/*/.*")]
    found += [p.name for p in data_dir.glob(f".{MANIFEST}.*")]
    return found + orphans(data_dir)


def articles_in(data_dir: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        return json.loads((data_dir / MANIFEST).read_text("utf-8"))["counts"]["articles"]
    return None


# --------------------------------------------------------------------------- the table


@dataclasses.dataclass
class Row:
    fault: str
    seen: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    tries: int = 0
    lost: int = 0
    unclear: int = 0
    notes: list[str] = dataclasses.field(default_factory=list)

    def add(self, saw: str, *, lost: bool, clear: bool, detail: str = "") -> None:
        self.tries += 1
        self.seen[saw] += 1
        self.lost += bool(lost)
        self.unclear += not clear
        if VERBOSE:
            flags = f"{'LOST ' if lost else ''}{'' if clear else 'UNCLEAR '}"
            print(
                f"  [{self.fault[:40]}] {flags}{saw}{f' | {detail}' if detail else ''}",
                file=sys.stderr,
                flush=True,
            )

    def cells(self) -> list[str]:
        seen = [f"{saw} (×{n})" if n > 1 else saw for saw, n in self.seen.most_common()]
        saw = " · ".join(seen[:4]) + (f" · and {len(seen) - 4} more" if len(seen) > 4 else "")
        lost = f"yes ({self.lost} of {self.tries})" if self.lost else "no"
        clear = f"no ({self.unclear} of {self.tries})" if self.unclear else "yes"
        return [self.fault, str(self.tries), saw.replace("|", "/"), lost, clear]


VERBOSE = False


def print_table(rows: list[Row]) -> None:
    print("| fault | tries | what the user saw | lost | clear message |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")
    notes = [(row.fault, note) for row in rows for note in row.notes]
    if notes:
        print()
    for fault, note in notes:
        print(f"- {fault}: {note}")


def clip(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- the workspace


class Workspace:
    """The corpus, the old and the new store, and fresh copies of them to damage."""

    def __init__(self, root: Path, extra_articles: int) -> None:
        from build_scale import write_corpus

        self.root = root
        os.chdir(root)  # where builds run, and what their manifests record as "cwd"
        self.seeds = root / "corpus" / "seeds"
        self.extra = root / "corpus" / "extra"
        shutil.copytree(ROOT / "seeds", self.seeds)
        write_corpus(self.extra, extra_articles, seed=15)
        self.old_paths = [str(self.seeds)]
        self.new_paths = [str(self.seeds), str(self.extra)]
        self.old_dir = root / "old"
        first = self.build(self.old_dir, self.old_paths)
        assert first.rc == 0, first.text
        self.new_dir = root / "new"
        shutil.copytree(self.old_dir, self.new_dir)
        second = self.build(self.new_dir, self.new_paths)
        assert second.rc == 0, second.text
        self.duration = second.seconds
        """A build of the new corpus over the old store: what the kills are spread over."""
        self.compacted_dir = root / "compacted"
        shutil.copytree(self.new_dir, self.compacted_dir)
        third = self.compact(self.compacted_dir)
        assert third.rc == 0, third.text
        self.old, self.new = snapshot(self.old_dir), snapshot(self.new_dir)
        self.compacted = snapshot(self.compacted_dir)
        again = self.fresh(self.new_dir)
        assert self.compact(again).rc == 0 and snapshot(again) == self.compacted, (
            "two compactions of the same store differ: the bench cannot tell them apart"
        )
        shutil.rmtree(again)
        self.old_raw = raw_snapshot(self.old_dir)
        self.new_articles = articles_in(self.new_dir)
        self.contents = {"new": content(self.new_dir), "old": content(self.old_dir)}
        assert content(self.compacted_dir) == self.contents["new"], "compact changed the rows"
        self._dashboard_ready = False

    def build_args(self, data_dir: Path, paths: list[str], *more: str) -> list[str]:
        return ["build", *paths, "--data-dir", str(data_dir), "--quiet", *more]

    def build(self, data_dir: Path, paths: list[str], *more: str, env=None) -> Run:
        return run(geo_cmd(*self.build_args(data_dir, paths, *more)), self.root, env)

    def compact(self, data_dir: Path, env=None) -> Run:
        return run(geo_cmd("compact", "--data-dir", str(data_dir)), self.root, env)

    def fresh(self, source: Path | None) -> Path:
        """A copy of `source` to damage or kill builds on (an empty folder for None)."""
        self._copies = getattr(self, "_copies", 0) + 1
        target = self.root / f"try-{self._copies}"
        if source is None:
            target.mkdir()
        else:
            shutil.copytree(source, target, symlinks=True)
        return target

    def state(self, data_dir: Path) -> str:
        """ "old", "new", "compacted" or "none" (no store), by the hashes of every store
        file but the orphans (counted after: "old + 5 orphan files"); else "new, rewritten"
        (other files, the new store's rows) or which files are which."""
        snap = snapshot(data_dir)
        left = orphans(data_dir)
        core = {name: digest for name, digest in snap.items() if name not in left}
        known = {"new": self.new, "old": self.old, "compacted": self.compacted, "none": {}}
        base = next((name for name, ref in known.items() if core == ref), None)
        if base is None:
            rows = content(data_dir) if core else None
            base = next(
                (f"{name}, rewritten" for name, ref in self.contents.items() if rows == ref), None
            )
        if base is None:
            kinds: dict[str, list[str]] = collections.defaultdict(list)
            for name, digest in core.items():
                kind = next((k for k, ref in known.items() if ref.get(name) == digest), "other")
                kinds[kind].append(name)
            for name in {*self.new, *self.old} - core.keys():
                kinds["missing"].append(name)
            base = "mix (" + "; ".join(f"{k}: {', '.join(sorted(v))}" for k, v in kinds.items())
            base += ")"
        return base + (f" + {len(left)} orphan files" if left else "")

    def short(self, text: str) -> str:
        text = re.sub(r"\\([^\w\s])", r"\1", text)  # the page's Markdown escapes
        text = text.replace(str(self.root) + os.sep, "").replace(str(self.root), "")
        return re.sub(r"\btry-\d+", "DATA", text)  # the data directory, whichever copy

    def said(self, result: Run) -> str:
        """The line a user would read first: an error or warning, else the summary."""
        lines = [line.strip() for line in result.text.splitlines() if line.strip()]
        if result.traceback:
            return "traceback: " + clip(self.short(lines[-1]))
        keys = ("error", "warning", "WARNING", "interrupted", "could not", "damaged", "online:")
        pick = next((line for line in lines if any(k in line for k in keys)), None)
        pick = pick or next((line for line in lines if line.startswith("articles:")), None)
        return clip(self.short(pick or "(nothing)"))

    # ------------------------------------------------------------------- the dashboard

    def dashboard(self, data_dir: Path, log_names=("geo",)) -> dict[str, object]:
        """Runs dashboard.py once under streamlit's AppTest on `data_dir`; what it showed."""
        from streamlit.testing.v1 import AppTest

        self._prepare_dashboard()
        os.environ["NEWSMAP_DATA_DIR"] = str(data_dir)
        with capture_logs(*log_names) as logs:
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=900)
            at.run()
        metrics = {m.label: m.value for m in at.metric}
        return {
            "exceptions": [self.short(str(e.message)) for e in at.exception],
            "errors": [self.short(e.value) for e in at.error],
            "warnings": [self.short(e.value) for e in at.warning],
            "events": metrics.get("Events"),
            "logs": [self.short(line) for line in logs],
        }

    def _prepare_dashboard(self) -> None:
        if self._dashboard_ready:
            return
        import streamlit.components.v1 as components

        def fake_map(**kwargs):
            return {"last_object_clicked": None, "last_object_clicked_tooltip": None}

        components.declare_component = lambda name, path: fake_map
        for name in list(logging.root.manager.loggerDict):
            if name.startswith("streamlit"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
        os.environ["NEWSMAP_SEEDS_DIR"] = str(self.seeds)
        os.environ["NEWSMAP_STATIC_DIR"] = str(self.root / "static")
        self._dashboard_ready = True

    def warm_dashboard(self) -> None:
        """One dashboard build, so that its gazetteer and model are loaded before a race."""
        data_dir = self.fresh(self.old_dir)
        add_upload(data_dir)
        self.dashboard(data_dir)
        shutil.rmtree(data_dir)


def add_upload(data_dir: Path) -> None:
    """An uploaded article: the dashboard's corpus always holds data/uploads/."""
    uploads = data_dir / "uploads"
    uploads.mkdir(exist_ok=True)
    (uploads / "upload.txt").write_text(
        "Polish border guards detained 12 migrants near Kuźnica on Tuesday, officials said.\n",
        "utf-8",
    )


@contextlib.contextmanager
def capture_logs(*names: str) -> Iterator[list[str]]:
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(f"{record.levelname}: {record.getMessage()}")

    handler = Keep(logging.INFO)
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield lines
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def dashboard_saw(seen: dict[str, object]) -> str:
    if seen["exceptions"]:
        return "traceback on the page: " + clip(str(seen["exceptions"][0]), 90)
    if seen["errors"]:
        return "error: " + clip(str(seen["errors"][0]), 100)
    shown = f"map shown ({seen['events']} events)"
    if seen["warnings"]:
        return f"{shown}; warning: {clip(str(seen['warnings'][0]), 90)}"
    warnings = [line for line in seen["logs"] if line.startswith("WARNING")]
    return shown + (f"; log: {clip(warnings[0], 90)}" if warnings else "")


# --------------------------------------------------------------------------- the faults


def _base(state: str) -> str:
    """The store a state names, orphan files aside: "old + 5 orphan files" -> "old"."""
    return state.split(" + ")[0]


@dataclasses.dataclass(frozen=True)
class Killed:
    """What is killed: `args` run on a copy of `before` (None: an empty data directory);
    the store afterwards must be `before_state` or `after_state`, and `again` (a build) must
    then complete, leaving one of `final` and no orphan file."""

    title: str
    before: Path | None
    before_state: str
    after_state: str
    args: Callable[[Path], list[str]]
    again: Callable[[Path], Run]
    final: tuple[str, ...]
    then_compact: bool = False
    """After `again`, `geo compact` must leave the compacted store."""


def killed_cases(ws: Workspace) -> list[Killed]:
    return [
        Killed(
            "a first `geo build` (into an empty data directory)",
            None,
            "none",
            "old",
            lambda d: ws.build_args(d, ws.old_paths),
            lambda d: ws.build(d, ws.old_paths),
            ("old",),
        ),
        Killed(
            "an incremental `geo build` (appending a partition to the old store)",
            ws.old_dir,
            "old",
            "new",
            lambda d: ws.build_args(d, ws.new_paths),
            lambda d: ws.build(d, ws.new_paths),
            ("new",),
        ),
        Killed(
            "`geo compact` (2 partitions into 1)",
            ws.new_dir,
            "new",
            "compacted",
            lambda d: ["compact", "--data-dir", str(d)],
            lambda d: ws.build(d, ws.new_paths),
            ("new", "compacted"),
            then_compact=True,
        ),
    ]


def _judge(ws: Workspace, row: Row, case: Killed, data_dir: Path, detail: str) -> int:
    """Checks the store a kill left in `data_dir`, then the next build (and compaction);
    adds the try to `row`; returns 1 if the kill left something behind (orphans, staging)."""
    after = ws.state(data_dir)
    base = _base(after)
    broken = missing_said(data_dir) if base == "none" else unreadable(data_dir)
    left = leftovers(data_dir)
    again = case.again(data_dir)
    final = ws.state(data_dir)
    compacted = None
    if case.then_compact and again.rc == 0:
        compacted = ws.compact(data_dir)
        final_compact = ws.state(data_dir)
    lost = base not in (case.before_state, case.after_state) or bool(broken)
    lost |= again.rc != 0 or final not in case.final
    shown = {"none": "no store"}.get(base, f"store {base}")
    saw = f"{shown}{f' ({clip(broken, 60)})' if broken else ''}"
    saw += f"; next build exit {again.rc}" + ("" if final in case.final else f", store {final}")
    if compacted is not None:
        lost |= compacted.rc != 0 or final_compact != "compacted"
        saw += f"; compact exit {compacted.rc}"
        saw += "" if final_compact == "compacted" else f", store {final_compact}"
    row.add(
        saw,
        lost=lost,
        clear=again.rc == 0 and not again.traceback,
        detail=f"{detail}: after {after}; leftovers {len(left)}; then {final}",
    )
    return bool(left)


def fault_kill(ws: Workspace, kills: int) -> list[Row]:
    rows = []
    for case in killed_cases(ws):
        # The duration of the very command that is killed, measured warm (the workspace's
        # first builds also paid for cold disk caches).
        measured = ws.fresh(case.before)
        duration = run(geo_cmd(*case.args(measured)), ws.root).seconds
        shutil.rmtree(measured)
        row = Row(f"`kill -9` of {case.title}, at points spread over its {duration:.1f} s")
        left_after_kill = finished = 0
        times = [duration * (i + 0.5) / kills for i in range(kills)]
        for at in times:
            data_dir = ws.fresh(case.before)
            proc = subprocess.Popen(
                geo_cmd(*case.args(data_dir)),
                cwd=ws.root,
                env=geo_env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(at)
            killed = proc.poll() is None
            if killed:
                proc.kill()
            else:
                finished += 1
            proc.wait()
            detail = f"at {at:.2f} s{'' if killed else ' (had finished)'}"
            left_after_kill += _judge(ws, row, case, data_dir, detail)
            shutil.rmtree(data_dir)
        row.notes.append(
            f"killed at {times[0]:.2f}–{times[-1]:.2f} s ({finished} had finished first); "
            f"{left_after_kill} kills left orphan partition files, a staging directory or a "
            "temporary file (the next build must remove them: an orphan left counts as lost)"
        )
        rows.append(row)
    return rows


def fault_commit(ws: Workspace) -> list[Row]:
    rows = []
    cases = killed_cases(ws)
    compact = cases[-1]
    renames = len(TABLES) + 1
    for case in cases:
        points = [f"exit-at-replace:{k}" for k in range(1, renames + 1)]
        if case is compact:
            points.append("exit-before-delete")
        what = "compaction's" if case is compact else "build's"
        row = Row(f"killed (exit as by `kill -9`) at each step of the commit of {case.title}")
        for spec in points:
            data_dir = ws.fresh(case.before)
            killed = run(injected_cmd(spec, *case.args(data_dir)), ws.root)
            if killed.rc != 128 + signal.SIGKILL:  # the point was never reached
                row.add(f"{spec}: not reached (exit {killed.rc})", lost=True, clear=False)
            left_after = _judge(ws, row, case, data_dir, spec)
            row.notes.append(f"{spec}: {'left files' if left_after else 'left nothing'}")
            shutil.rmtree(data_dir)
        row.notes[:] = [
            f"{len(points)} points: before each of the {what} {renames} renames (5 partition "
            "files, then the manifest)"
            + (
                ", and after the manifest, before the merged partitions are deleted"
                if case is compact
                else ""
            )
            + f"; {sum('left files' in n for n in row.notes)} left orphan partition files, a "
            "staging directory or a temporary manifest, for the next build to remove"
        ]
        rows.append(row)
    return rows


def _wait_for_lock(data_dir: Path, pid: int, timeout: float = 120) -> bool:
    lock = data_dir / ".build.lock"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if f"pid {pid} " in lock.read_text("utf-8"):
                return True
        time.sleep(0.05)
    return False


def fault_lock(ws: Workspace, tries: int, dashboard: bool) -> list[Row]:
    row = Row("two `geo build`s on one data directory at once")
    for _ in range(tries):
        data_dir = ws.fresh(ws.old_dir)
        first = subprocess.Popen(
            geo_cmd(*ws.build_args(data_dir, ws.new_paths)),
            cwd=ws.root,
            env=geo_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if not _wait_for_lock(data_dir, first.pid):
            first.kill()
            row.add("the first build never took the lock", lost=True, clear=False)
            continue
        second = ws.build(data_dir, ws.new_paths)
        out, err = first.communicate()
        named = f"pid {first.pid} " in second.err
        lost = first.returncode != 0 or ws.state(data_dir) != "new"
        saw = f"second: exit {second.rc}, {ws.said(second)}; first: exit {first.returncode}"
        row.add(
            re.sub(r"pid \d+ on \S+, started [^)]+", "pid …, host, start", saw),
            lost=lost,
            clear=second.rc == 2 and named and not second.traceback,
        )
        shutil.rmtree(data_dir)
    rows = [row]
    if dashboard:
        ws.warm_dashboard()
        row = Row("the dashboard rebuilding while a `geo build` runs")
        data_dir = ws.fresh(ws.old_dir)
        add_upload(data_dir)  # the dashboard's corpus changed: it wants to build
        first = subprocess.Popen(
            geo_cmd(*ws.build_args(data_dir, ws.new_paths)),
            cwd=ws.root,
            env=geo_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if _wait_for_lock(data_dir, first.pid):
            seen = ws.dashboard(data_dir)
            first.communicate()
            named = any(f"pid {first.pid} " in e for e in seen["errors"])
            lost = first.returncode != 0 or unreadable(data_dir) is not None
            saw = re.sub(
                r"pid \d+ on \S+, started [^)]+", "pid …, host, start", dashboard_saw(seen)
            )
            row.add(saw, lost=lost, clear=named and not seen["exceptions"])
        else:
            first.kill()
            row.add("the build never took the lock", lost=True, clear=False)
        shutil.rmtree(data_dir)
        rows.append(row)
    return rows


def can_mount() -> bool:
    return os.environ.get(NAMESPACE_ENV) == "1"


def _du(directory: Path) -> int:
    return sum(-(-p.stat().st_size // PAGE) * PAGE for p in directory.rglob("*") if p.is_file())


def _fill(mount: Path, leave: int) -> None:
    """A filler file taking all the free space of `mount` but `leave` bytes."""
    stat = os.statvfs(mount)
    size = stat.f_bavail * stat.f_frsize - leave
    with (mount / "filler").open("wb") as f:
        block = b"\0" * (1 << 20)
        while size > 0:
            size -= f.write(block[: min(size, len(block))])


def fault_full_disk(ws: Workspace, levels: int) -> list[Row]:
    """A full disk while building; then space is freed and the build run again."""
    # What the build adds (its analyses, a partition), and room for a staged partition and
    # a manifest as large as the new store's.
    need = _du(ws.new_dir) - _du(ws.old_dir)
    need += sum(_du_file(ws.new_dir / name) for name in store_files(ws.new_dir))
    fractions = [i / (levels - 1) * 1.2 for i in range(levels)] if levels > 1 else [0.5]
    frees = sorted({round(need * f / PAGE) * PAGE for f in fractions})
    row = Row(
        "a full disk while building (real ENOSPC: a small tmpfs)"
        if can_mount()
        else "a full disk while building (simulated: ENOSPC from the k-th Parquet write)"
    )
    for i, free in enumerate(frees):
        mount = ws.root / f"disk-{i}"
        mount.mkdir()
        data_dir = mount / "data"
        try:
            if can_mount():
                sh("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount))
                shutil.copytree(ws.old_dir, data_dir, symlinks=True)
                _fill(mount, free)
                result = ws.build(data_dir, ws.new_paths)
                (mount / "filler").unlink()
                label = f"{free // 1024} KB free"
            else:
                shutil.copytree(ws.old_dir, data_dir, symlinks=True)
                result = run(
                    injected_cmd(f"enospc:{i + 1}", *ws.build_args(data_dir, ws.new_paths)), ws.root
                )
                label = f"write {i + 1} fails"
            rows_ok = result.rc == 0 and ws.state(data_dir) == "new"
            # The old store's files byte for byte; orphans (partition files renamed in
            # before the manifest failed) are the next build's to delete.
            intact = committed_raw(data_dir) == ws.old_raw
            left = leftovers(data_dir)
            again = ws.build(data_dir, ws.new_paths)
            final = ws.state(data_dir)
        finally:
            if can_mount():
                subprocess.run(["umount", str(mount)], capture_output=True)
            shutil.rmtree(mount, ignore_errors=True)
        lost = not (rows_ok or intact) or again.rc != 0 or final != "new"
        message = result.text
        clear = rows_ok or (result.rc == 2 and "No space left" in message and not result.traceback)
        saw = "built (enough space)" if rows_ok else f"exit {result.rc}: {ws.said(result)}"
        saw += "" if rows_ok or intact else "; old store changed"
        row.add(
            saw,
            lost=lost,
            clear=clear,
            detail=f"{label}; leftovers {left}; next build exit {again.rc}, {final}",
        )
    row.notes.append(
        f"{len(frees)} free-space levels from 0 to {frees[-1] // 1024} KB (the build needs "
        f"about {need // 1024} KB); after each, the space is freed and the build run again"
    )
    return [row]


def _du_file(path: Path) -> int:
    return -(-path.stat().st_size // PAGE) * PAGE if path.is_file() else 0


@contextlib.contextmanager
def read_only(data_dir: Path, writable: tuple[Path, ...] = ()) -> Iterator[str]:
    """`data_dir` read-only (a read-only bind mount; `writable` subfolders stay writable);
    yields how: "mount", "chmod" (not root) or "simulated" (an injected EROFS)."""
    if can_mount():
        for path in writable:
            sh("mount", "--bind", str(path), str(path))
        sh("mount", "--rbind", str(data_dir), str(data_dir))
        sh("mount", "-o", "remount,bind,ro", str(data_dir))
        try:
            yield "mount"
        finally:
            subprocess.run(["umount", "-R", str(data_dir)], capture_output=True)
            for path in writable:
                subprocess.run(["umount", str(path)], capture_output=True)
    elif os.geteuid() != 0:
        folders = [data_dir, *(p for p in data_dir.rglob("*") if p.is_dir())]
        for path in folders:
            if path not in writable:
                path.chmod(0o555)
        try:
            yield "chmod"
        finally:
            for path in folders:
                path.chmod(0o755)
    else:
        yield "simulated"


def fault_read_only(ws: Workspace, dashboard: bool) -> list[Row]:
    how = (
        "a read-only bind mount"
        if can_mount()
        else ("chmod" if os.geteuid() != 0 else "simulated: EROFS injected, root ignores chmod")
    )
    row = Row(f"a read-only data directory ({how})")

    def build(data_dir: Path, paths: list[str], mode: str) -> Run:
        args = ws.build_args(data_dir, paths)
        if mode == "simulated":
            return run(injected_cmd(f"read-only:{data_dir}", *args), ws.root)
        return run(geo_cmd(*args), ws.root)

    cases = [
        ("the corpus changed", ws.new_paths, ()),
        ("nothing changed", ws.old_paths, ()),
        ("only cache/ writable", ws.new_paths, ("cache",)),
    ]
    for label, paths, writable in cases:
        data_dir = ws.fresh(ws.old_dir)
        with read_only(data_dir, tuple(data_dir / w for w in writable)) as mode:
            if writable and mode == "simulated":
                shutil.rmtree(data_dir)
                continue
            result = build(data_dir, paths, mode)
        intact = raw_snapshot(data_dir) == ws.old_raw
        again = ws.build(data_dir, ws.new_paths)
        final = ws.state(data_dir)
        ok = label == "nothing changed" and result.rc == 0
        clear = ok or (
            result.rc == 2
            and not result.traceback
            and ("Read-only" in result.text or "ermission" in result.text)
            and "--data-dir" in result.text
        )
        row.add(
            f"{label}: exit {result.rc}: {ws.said(result)}",
            lost=not intact or again.rc != 0 or final != "new",
            clear=clear,
        )
        shutil.rmtree(data_dir)
    rows = [row]
    if dashboard and can_mount():
        row = Row("the dashboard on a read-only data directory (a read-only bind mount)")
        data_dir = ws.fresh(ws.old_dir)
        add_upload(data_dir)
        with read_only(data_dir):
            seen = ws.dashboard(data_dir)
        intact = raw_snapshot(data_dir) == ws.old_raw
        row.add(
            dashboard_saw(seen),
            lost=not intact,
            clear=bool(seen["errors"]) and not seen["exceptions"],
        )
        shutil.rmtree(data_dir)
        rows.append(row)
    return rows


NEW = ("new", "new, rewritten")
"""The new store: its very files, or others holding its rows (a build rewrote it whole)."""


def _reader_of(name: str):
    """The reader of one store file: its table's loader, read_manifest for the manifest."""
    from geo import store

    readers = {
        "events.geoparquet": store.load_event_places,
        "events.parquet": store.load_events,
        "articles.parquet": store.load_articles,
        "actors.parquet": store.load_actors,
        "places.parquet": store.load_places,
        MANIFEST: store.read_manifest,
    }
    return readers[name.split("/")[0]]


def _same(a, b) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        return _normal_manifest(json.dumps(a).encode()) == _normal_manifest(json.dumps(b).encode())
    return a.equals(b)


def damaged_files(ws: Workspace, quick: bool) -> list[str]:
    """Every partition file of the new store and its manifest (quick: the newest partition's)."""
    names = [n for n in store_files(ws.new_dir) if n != MANIFEST]
    if quick:
        newest = max(n.split("/")[1] for n in names)
        names = [n for n in names if n.endswith("/" + newest)]
    return [
        *sorted(names, key=lambda n: (n.split("/")[1], TABLES.index(n.split("/")[0]))),
        MANIFEST,
    ]


def _read_damaged(ws: Workspace, row: Row, data_dir: Path, name: str, what: str) -> None:
    from geo.store import StoreError

    reader = _reader_of(name)
    try:
        value = reader(data_dir)
    except StoreError as error:
        named = name in str(error) and "geo build" in str(error)
        lost = False
        if name == MANIFEST:  # the tables are still read, from the partition files
            rows = content(data_dir)
            lost = rows != ws.contents["new"]
            if lost:
                what += f"; the tables read {'nothing' if rows is None else 'other rows'}"
        row.add(
            f"{type(error).__name__} naming the file"
            + ("; the tables read from the partition files" if name == MANIFEST else ""),
            lost=lost,
            clear=named,
            detail=f"{what}: {clip(ws.short(str(error)))}",
        )
    except Exception as error:  # noqa: BLE001 (what escapes is the finding)
        row.add(
            f"{type(error).__name__} ({clip(str(error), 50)})", lost=False, clear=False, detail=what
        )
    else:
        same = _same(value, reader(ws.new_dir))
        row.add(
            "read, same data" if same else "read, different data, no error",
            lost=not same,
            clear=same,
            detail=what,
        )


def fault_damage(ws: Workspace, dashboard: bool, kinds: list[str], quick: bool) -> list[Row]:
    readers = Row("a damaged store file, read with geo.store's readers")
    builds = Row("a damaged store file, then `geo build` (same corpus)")
    no_paths = Row("a damaged manifest, then `geo build` with no paths")
    pages = Row("a damaged store file, then the dashboard")
    files = damaged_files(ws, quick)
    for name in files:
        for how in kinds:
            what = f"{name} {how}"
            data_dir = ws.fresh(ws.new_dir)
            damage(data_dir / name, how)
            damaged = snapshot(data_dir)
            _read_damaged(ws, readers, data_dir, name, what)

            if name == MANIFEST:
                result = run(geo_cmd("build", "--data-dir", str(data_dir), "--quiet"), ws.root)
                kept = snapshot(data_dir) == damaged
                said = ws.said(result)
                no_paths.add(
                    f"exit {result.rc}: {said}" + ("" if kept else "; the store changed"),
                    lost=not kept,
                    clear=result.rc == 2
                    and MANIFEST in result.err
                    and "geo build PATH" in result.err
                    and not result.traceback,
                    detail=what,
                )

            result = ws.build(data_dir, ws.new_paths)
            final = ws.state(data_dir)
            if final in NEW:
                warned = name in result.err and ("damaged" in result.err or "rewrit" in result.err)
                saw = f"exit {result.rc}, store rewritten" + (
                    f": {ws.said(result)}" if warned else " (no word of the damage)"
                )
            else:
                saw = f"exit {result.rc}: {ws.said(result)}; store {final}"
            builds.add(
                saw,
                lost=final not in NEW,
                clear=final in NEW and result.rc == 0 and warned and not result.traceback,
                detail=what,
            )
            shutil.rmtree(data_dir)

            if not dashboard:
                continue
            data_dir = ws.fresh(ws.new_dir)
            damage(data_dir / name, how)
            seen = ws.dashboard(data_dir)
            final = ws.state(data_dir)
            articles = articles_in(data_dir)
            repaired = final in NEW
            kept_damage = snapshot(data_dir) == damaged
            saw = dashboard_saw(seen)
            if not repaired and not kept_damage:
                saw += f"; store now {final} ({articles} articles, not {ws.new_articles})"
            named = any(name in e for e in [*seen["errors"], *seen["warnings"]])
            pages.add(
                saw,
                lost=not (repaired or kept_damage) or (kept_damage and not named),
                clear=not seen["exceptions"] and (repaired or named),
                detail=what,
            )
            shutil.rmtree(data_dir)
    parts = len(files) - 1
    for row in (readers, builds, pages):
        row.notes.append(f"{parts} partition files and the manifest × {', '.join(kinds)}")
    return [readers, builds, no_paths] + ([pages] if dashboard else [])


GAZETTEER_DAMAGES = [
    ("meta.json", "truncated"),
    ("meta.json", "replaced"),
    ("lat.npy", "truncated"),
    ("key_offsets.npy", "emptied"),
    ("name_blob.npy", "deleted"),
    ("lat.npy", "garbled"),
]


def _gazetteer_copy(ws: Workspace, i: int) -> tuple[Path, Path]:
    """A copy of the current gazetteer cache under a new GEO_CACHE_DIR (post towns linked)."""
    from geo.places.cache import cache_key, default_cache_dir

    source = default_cache_dir()
    key = cache_key()
    cache_dir = ws.root / f"gazetteer-cache-{i}"
    cache_dir.mkdir()
    shutil.copytree(source / f"gazetteer-{key}", cache_dir / f"gazetteer-{key}")
    for postal in source.glob("postal-*"):
        (cache_dir / postal.name).symlink_to(postal)
    return cache_dir, cache_dir / f"gazetteer-{key}"


def fault_gazetteer(ws: Workspace, tries: int, dashboard: bool) -> list[Row]:
    from geo.places.cache import _load

    row = Row("a damaged gazetteer cache, then `geo build --force`")
    for i, (name, how) in enumerate(GAZETTEER_DAMAGES[:tries]):
        cache_dir, table = _gazetteer_copy(ws, i)
        if how == "deleted":
            (table / name).unlink()
        else:
            damage(table / name, how)
        data_dir = ws.fresh(ws.new_dir)
        result = ws.build(
            data_dir, ws.new_paths, "--force", env=geo_env(GEO_CACHE_DIR=str(cache_dir))
        )
        final = ws.state(data_dir)
        try:
            _load(table)
            rebuilt = True
        except Exception:  # noqa: BLE001
            rebuilt = False
        said = "gazetteer cache" in result.err and "rebuilding" in result.err
        saw = f"exit {result.rc}: {ws.said(result)}"
        if final not in NEW:
            saw += f"; the store differs ({final})"
        row.add(
            saw,
            lost=result.rc != 0 or final not in NEW,
            clear=said and rebuilt and not result.traceback,
            detail=f"{name} {how}; cache whole afterwards: {rebuilt}; {result.seconds:.0f} s",
        )
        shutil.rmtree(data_dir)
        shutil.rmtree(cache_dir)
    row.notes.append(", ".join(f"{n} {h}" for n, h in GAZETTEER_DAMAGES[:tries]))
    rows = [row]
    if dashboard:
        import streamlit as st

        row = Row("a damaged gazetteer cache, then the dashboard rebuilding the store")
        cache_dir, table = _gazetteer_copy(ws, 99)
        damage(table / "meta.json", "truncated")
        data_dir = ws.fresh(ws.old_dir)
        add_upload(data_dir)
        previous = os.environ.get("GEO_CACHE_DIR")
        os.environ["GEO_CACHE_DIR"] = str(cache_dir)
        st.cache_resource.clear()  # the page's gazetteer and model are loaded again
        try:
            seen = ws.dashboard(data_dir, log_names=("geo", "geo.places.cache"))
        finally:
            if previous is None:
                os.environ.pop("GEO_CACHE_DIR")
            else:
                os.environ["GEO_CACHE_DIR"] = previous
            st.cache_resource.clear()
        warned = any("gazetteer cache" in line and "rebuilding" in line for line in seen["logs"])
        built = articles_in(data_dir) == articles_in(ws.old_dir) + 1
        row.add(dashboard_saw(seen), lost=not built, clear=warned and not seen["exceptions"])
        row.notes.append(
            "meta.json truncated; the warning goes to the log, the page shows the build's progress"
        )
        shutil.rmtree(data_dir)
        shutil.rmtree(cache_dir)
        rows.append(row)
    return rows


def gist(warning: str) -> str:
    """A geocoder warning with the exception's text in it shortened."""
    warning = warning.removeprefix("WARNING: ")
    match = re.match(r"(.*?) \((.*)\)(; .*)?$", warning)
    if not match:
        return clip(warning, 100)
    head, reason, tail = match.groups()
    return clip(f"{head} ({clip(reason, 40)}){tail or ''}", 140)


def fault_online(ws: Workspace, build: bool) -> list[Row]:
    from geopy.location import Location

    from geo.places import OfflineGeocoder

    server = FakeNominatim(delay=3.0)
    offline = OfflineGeocoder()
    rows = []
    cases = [
        ("time-outs (the answer after 3 s; time-out 1 s)", ["slow"]),
        (f"HTTP 429 with Retry-After: {server.retry_after}", ["429"]),
        ("HTTP 500 and 503", ["500", "503"]),
        ("the connection dropped with no answer", ["dropped"]),
        (f"malformed answers ({len(MALFORMED)} kinds)", list(MALFORMED)),
        ("HTTP 403 (a refused user agent)", ["403"]),
    ]
    try:
        for title, modes in cases:
            row = Row(f"online geocoder: {title}")
            for mode in modes:
                cache_dir = ws.root / f"online-{mode.replace(' ', '-')}"
                geocoder = fake_online_geocoder(server.domain, cache_dir, fallback=offline)
                server.mode = mode
                asked = len(server.queries)
                start = time.perf_counter()
                with capture_logs("geo") as logs:
                    try:
                        answer = geocoder.geocode("Kuznica")
                        failure = None
                    except Exception as error:  # noqa: BLE001
                        answer, failure = None, error
                seconds = time.perf_counter() - start
                requests = len(server.queries) - asked
                server.mode = "ok"
                # The next run asks again: a failure must not be cached as "no place".
                later = fake_online_geocoder(server.domain, cache_dir, fallback=offline)
                again = later.geocode("Kuznica")
                asked_again = isinstance(again, Location) and again.raw.get("gazetteer") == (
                    "nominatim"
                )
                from geo.places import ConfigurationError

                if failure is not None:
                    saw = f"{type(failure).__name__}: {clip(str(failure), 80)}"
                    clear = isinstance(failure, ConfigurationError)
                else:
                    source = "no place" if answer is None else answer.raw.get("gazetteer")
                    warning = next((line for line in logs if line.startswith("WARNING")), "")
                    saw = f"{gist(warning)} → {source}; {requests} requests, {seconds:.0f} s"
                    clear = bool(warning) and "Kuznica" in warning
                row.add(
                    saw,
                    lost=not asked_again,
                    clear=clear,
                    detail=f"{mode}: {seconds:.1f} s; asked again next run: {asked_again}",
                )
            rows.append(row)

        row = rows[2]
        server.mode = "500"
        before = len(server.queries)
        geocoder = fake_online_geocoder(server.domain, ws.root / "online-run-500", offline)
        with capture_logs("geo"):
            for name in ("Kuznica", "Bruzgi", "Grodno", "Minsk", "Sokolka"):
                geocoder.geocode(name)
        row.notes.append(
            f"5 names under HTTP 500: {len(server.queries) - before} requests sent, "
            f"{geocoder.failures} failures counted (stops after 3 in a row)"
        )
        row = rows[1]
        server.mode = "429"
        before = len(server.queries)
        geocoder = fake_online_geocoder(server.domain, ws.root / "online-run-429", offline)
        with capture_logs("geo"):
            for name in ("Kuznica", "Bruzgi", "Grodno"):
                geocoder.geocode(name)
        row.notes.append(f"3 names under HTTP 429: {len(server.queries) - before} request sent")

        if build:
            rows.append(_online_build(ws, server))
    finally:
        server.close()
    return rows


def _online_build(ws: Workspace, server: FakeNominatim) -> Row:
    row = Row("`geo build --online`, the service failing (HTTP 500), then back")
    data_dir = ws.fresh(ws.new_dir)
    answers = ws.root / "online-build-answers"
    env = geo_env(GEO_USER_AGENT=USER_AGENT)
    args = ws.build_args(data_dir, ws.new_paths, "--online")
    spec = f"online:{server.domain},{answers}"
    server.mode = "500"
    asked = len(server.queries)
    failing = run(injected_cmd(spec, *args), ws.root, env)
    asked_failing = len(server.queries) - asked
    server.mode = "ok"
    asked = len(server.queries)
    back = run(injected_cmd(spec, *args), ws.root, env)
    asked_back = len(server.queries) - asked
    from geo.store import load_places

    online_places = int((load_places(data_dir)["gazetteer"] == "nominatim").sum())
    line = next((x for x in failing.out.splitlines() if x.startswith("online:")), "")
    row.add(
        f"exit {failing.rc}: {ws.said(failing)}",
        lost=False,
        clear=failing.rc == 0 and bool(line) and not failing.traceback,
    )
    row.add(
        f"service back: exit {back.rc}, {online_places} places from it",
        lost=asked_failing > 0 and online_places == 0,
        clear=back.rc == 0,
    )
    row.notes.append(f"requests: {asked_failing} while failing, {asked_back} once back")
    shutil.rmtree(data_dir)
    return row


# --------------------------------------------------------------------------- dask workers


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def dask_cluster(workers: int, nanny: bool) -> Iterator[str]:
    """A `dask scheduler` and `workers` `dask worker` processes on 127.0.0.1, as a user runs
    them (README), with this checkout's geo importable; its address."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{_free_port()}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    module = [sys.executable, "-m"]
    port = address.rsplit(":", 1)[1]
    procs = [
        subprocess.Popen(
            [
                *module,
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                port,
                "--no-dashboard",
            ],
            env=geo_env(),
            **quiet,
        )
    ]
    try:
        for _ in range(workers):
            args = [address, "--nthreads", "1", "--no-dashboard"]
            args += [] if nanny else ["--no-nanny"]
            procs.append(
                subprocess.Popen(
                    [*module, "distributed.cli.dask_worker", *args], env=geo_env(), **quiet
                )
            )
        with Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _busy_worker(address: str) -> tuple[int | None, bool]:
    """The pid of a worker running a task now (else of any worker), and whether it was busy:
    the kill must hit the work, not an idle process."""
    from distributed import Client

    with Client(address, timeout=30) as client:
        pids = client.run(os.getpid)
        busy = [worker for worker, tasks in client.processing().items() if tasks]
    chosen = busy[0] if busy else next(iter(pids), None)
    return (pids.get(chosen) if chosen else None), bool(busy)


def fault_dask_worker(ws: Workspace, kills: int) -> list[Row]:
    rows = []
    for nanny in (True, False):
        with dask_cluster(2, nanny) as address:
            measured = ws.fresh(ws.old_dir)
            duration = ws.build(measured, ws.new_paths, "--scheduler", address).seconds
            shutil.rmtree(measured)
        how = "under a nanny" if nanny else "alone (`--no-nanny`)"
        row = Row(
            f"`kill -9` of one of 2 Dask workers ({how}) during an incremental "
            f"`geo build --scheduler tcp://…`, at points spread over its {duration:.1f} s"
        )
        times = [duration * (i + 0.5) / kills for i in range(kills)]
        finished = hit_busy = 0
        for at in times:
            with dask_cluster(2, nanny) as address:
                data_dir = ws.fresh(ws.old_dir)
                args = ws.build_args(data_dir, ws.new_paths, "--scheduler", address)
                build = subprocess.Popen(
                    geo_cmd(*args),
                    cwd=ws.root,
                    env=geo_env(),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                time.sleep(at)
                pid, busy = _busy_worker(address)
                killed = build.poll() is None and pid is not None
                if killed:
                    os.kill(pid, signal.SIGKILL)
                    hit_busy += busy
                else:
                    finished += 1
                out, err = build.communicate(timeout=1800)
            done = Run(build.returncode, out, err, 0.0)
            state = ws.state(data_dir)
            lost = done.rc != 0 or _base(state) not in ("new", "new, rewritten")
            saw = f"exit {done.rc}: {ws.said(done)}" + ("" if not lost else f"; store {state}")
            row.add(
                saw,
                lost=lost,
                clear=not done.traceback,
                detail=f"at {at:.1f} s{'' if killed else ' (not killed: the build had ended)'}",
            )
            shutil.rmtree(data_dir)
        row.notes.append(
            f"killed at {times[0]:.1f}–{times[-1]:.1f} s ({finished} had finished first; "
            f"{hit_busy} kills hit a worker running a batch, the others an idle one); "
            "each try on a new cluster, so every worker loads the model and gazetteer again"
        )
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- main

GROUPS = ("kill", "commit", "lock", "disk", "damage", "gazetteer", "dask", "online")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20, help="timed kills (default 20)")
    parser.add_argument("--articles", type=int, default=6, help="generated articles (default 6)")
    parser.add_argument("--quick", action="store_true", help="fewer tries of each fault")
    parser.add_argument("--only", nargs="+", choices=GROUPS, help="these groups only")
    parser.add_argument("--no-dashboard", action="store_true", help="skip the AppTest runs")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("-v", "--verbose", action="store_true", help="each try on stderr")
    args = parser.parse_args(argv)
    global VERBOSE
    VERBOSE = args.verbose
    groups = args.only or GROUPS
    dashboard = not args.no_dashboard
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    root = Path(tempfile.mkdtemp(prefix="geo-faults-"))
    rows: list[Row] = []
    try:
        start = time.perf_counter()
        ws = Workspace(root, args.articles)
        print(
            f"corpus: {len(list(ws.seeds.glob('*.txt')))} seeds + {args.articles} generated "
            f"articles; a build over the old store takes {ws.duration:.1f} s",
            file=sys.stderr,
            flush=True,
        )
        quick = args.quick
        steps: list[tuple[str, Callable[[], list[Row]]]] = [
            ("kill", lambda: fault_kill(ws, 5 if quick else args.kills)),
            ("commit", lambda: fault_commit(ws)),
            ("lock", lambda: fault_lock(ws, 1 if quick else 3, dashboard)),
            (
                "disk",
                lambda: fault_full_disk(ws, 3 if quick else 9) + fault_read_only(ws, dashboard),
            ),
            (
                "damage",
                lambda: fault_damage(
                    ws, dashboard, ["truncated", "garbled"] if quick else list(DAMAGES), quick
                ),
            ),
            (
                "gazetteer",
                lambda: fault_gazetteer(ws, 2 if quick else len(GAZETTEER_DAMAGES), dashboard),
            ),
            ("dask", lambda: fault_dask_worker(ws, 2 if quick else 4)),
            ("online", lambda: fault_online(ws, build=True)),
        ]
        for name, step in steps:
            if name in groups:
                began = time.perf_counter()
                rows += step()
                print(f"{name}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
        print(f"all: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    finally:
        os.chdir(ROOT)
        print_table(rows)
        if args.keep:
            print(f"\nkept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0 if all(not r.lost and not r.unclear for r in rows) else 1


def _in_private_mount_namespace(argv: list[str]) -> None:
    """As root, run again in a private mount namespace, where a tmpfs or a read-only bind
    mount is real and seen by no other process; where that fails, stay (faults simulated)."""
    if os.environ.get(NAMESPACE_ENV) or os.geteuid() != 0 or not shutil.which("unshare"):
        return
    probe = ["unshare", "--mount", "--propagation", "private", "true"]
    if subprocess.run(probe, capture_output=True).returncode != 0:
        return
    env = {**os.environ, NAMESPACE_ENV: "1"}
    command = [*probe[:-1], sys.executable, str(Path(__file__).resolve()), *argv]
    os.execvpe("unshare", command, env)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--inject"]:
        spec, separator, *rest = sys.argv[2:]
        assert separator == "--"
        sys.exit(_run_injected(spec, rest))
    _in_private_mount_namespace(sys.argv[1:])
    sys.exit(main())
