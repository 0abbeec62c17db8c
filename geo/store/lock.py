"""One build at a time per data directory: an advisory lock on data/.build.lock.

Two builds writing one store would race on its files and cache; the second stops at once
with a message naming the first (its pid, host and start). The operating system drops the
lock when its holder exits, however it exits (`kill -9` included), so no stale lock is
ever left to clear by hand.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geo.store.state import StoreError

LOCK_NAME = ".build.lock"


class StoreBusyError(StoreError):
    """Another build holds the data directory; the message names it."""


@contextmanager
def build_lock(data_dir: Path | str) -> Iterator[None]:
    """Held for a whole build. A data directory that cannot be written gets no lock: a build
    there has nothing to write, or fails on its own with a message saying what is wrong."""
    data_dir = Path(data_dir)
    path = data_dir / LOCK_NAME
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # read-only, a file in the way…: check_writable says what is wrong
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 300, 0).decode("utf-8", "replace").strip() or "unknown"
            raise StoreBusyError(
                f"another build is writing {data_dir} ({holder}): wait for it to finish, "
                "or stop it, then build again"
            ) from None
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}, started {started}".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing drops the lock
