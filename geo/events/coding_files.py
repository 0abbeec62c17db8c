"""Reading geo/data/coding/*.tsv into dictionary records, checking every field: a
malformed file fails with its name and line, never with a wrong lookup later."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

from geo.events.coding_entries import (
    _ACTOR_CODE_RE,
    _CAMEO_RE,
    PLOVER_CATEGORIES,
    ActorEntry,
    AgentEntry,
    CodingDataError,
    DiscardEntry,
    PloverMapping,
    VerbEntry,
    VerbPattern,
    _words,
)


def _rows(path: Path, columns: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of a derived TSV after its '#' comments and column row."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CodingDataError(
            f"{path}: coding dictionary missing (run bench/derive_coding_dictionaries.py)"
        ) from exc
    except UnicodeDecodeError as exc:
        raise CodingDataError(f"{path}: not UTF-8 ({exc})") from exc
    header_seen = False
    for n, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if not header_seen:
            if fields != list(columns):
                raise CodingDataError(
                    f"{path}:{n}: expected columns {'/'.join(columns)}, got {'/'.join(fields)}"
                )
            header_seen = True
            continue
        if len(fields) != len(columns):
            raise CodingDataError(
                f"{path}:{n}: expected {len(columns)} tab-separated fields, got {len(fields)}"
            )
        yield n, fields
    if not header_seen:
        raise CodingDataError(f"{path}: no column row ({'/'.join(columns)})")


class _Checker:
    """Field validation that raises CodingDataError naming file and line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.n = 0

    def fail(self, message: str) -> CodingDataError:
        return CodingDataError(f"{self.path}:{self.n}: {message}")

    def cameo(self, value: str) -> str | None:
        if not value:
            return None
        if not _CAMEO_RE.fullmatch(value):
            raise self.fail(f"bad CAMEO code {value!r}")
        return value

    def plover(self, value: str) -> str | None:
        if not value:
            return None
        if value not in PLOVER_CATEGORIES:
            raise self.fail(f"unknown PLOVER category {value!r}")
        return value

    def integer(self, value: str) -> int:
        if not value.isdigit():
            raise self.fail(f"expected a line number, got {value!r}")
        return int(value)

    def choice(self, value: str, allowed: frozenset[str]) -> str:
        if value not in allowed:
            raise self.fail(f"expected one of {sorted(allowed)}, got {value!r}")
        return value

    def nonempty(self, value: str, what: str) -> str:
        if not value:
            raise self.fail(f"empty {what}")
        return value


def _read_verbs(path: Path) -> list[VerbEntry]:
    cols = (
        "verb",
        "before",
        "after",
        "forms",
        "cameo",
        "plover",
        "cameo_reverse",
        "plover_reverse",
        "block",
        "src_line",
    )
    chk = _Checker(path)
    out = []
    for chk.n, f in _rows(path, cols):
        out.append(
            VerbEntry(
                chk.nonempty(f[0], "verb"),
                _words(f[1]),
                _words(f[2]),
                _words(f[3]),
                chk.cameo(f[4]),
                chk.plover(f[5]),
                chk.cameo(f[6]),
                chk.plover(f[7]),
                chk.nonempty(f[8], "block"),
                chk.integer(f[9]),
            )
        )
    return out


def _read_patterns(path: Path) -> list[VerbPattern]:
    cols = (
        "block",
        "origin",
        "before",
        "after",
        "cameo",
        "plover",
        "cameo_reverse",
        "plover_reverse",
        "src_line",
    )
    chk = _Checker(path)
    out = []
    for chk.n, f in _rows(path, cols):
        out.append(
            VerbPattern(
                chk.nonempty(f[0], "block"),
                f[1],
                _words(f[2]),
                _words(f[3]),
                chk.cameo(f[4]),
                chk.plover(f[5]),
                chk.cameo(f[6]),
                chk.plover(f[7]),
                chk.integer(f[8]),
            )
        )
    return out


def _read_synsets(path: Path) -> dict[str, tuple[str, ...]]:
    chk = _Checker(path)
    grouped: dict[str, list[str]] = {}
    for chk.n, f in _rows(path, ("synset", "phrase", "plural", "src_line")):
        if not f[0].startswith("&"):
            raise chk.fail(f"synset name must start with '&': {f[0]!r}")
        phrases = grouped.setdefault(f[0], [])
        phrases.append(chk.nonempty(f[1], "phrase"))
        if f[2]:
            phrases.append(f[2])
        chk.integer(f[3])
    return {k: tuple(dict.fromkeys(v)) for k, v in grouped.items()}


def _read_plover(path: Path) -> list[PloverMapping]:
    chk = _Checker(path)
    out = []
    for chk.n, f in _rows(path, ("cameo", "plover", "mode", "context", "description", "src_line")):
        code = chk.cameo(f[0])
        category = chk.plover(f[1])
        if code is None or category is None:
            raise chk.fail("CAMEO code and PLOVER category are required")
        chk.integer(f[5])
        out.append(PloverMapping(code, category, f[2], f[3], f[4]))
    return out


_SOURCES = frozenset({"countries", "international", "milnonstate"})


def _read_actors(path: Path) -> dict[str, dict[tuple[str, ...], tuple[ActorEntry, ...]]]:
    chk = _Checker(path)
    dates: dict[str, dt.date | None] = {"": None}
    entries: dict[tuple[str, str, str, str, str, str], ActorEntry] = {}
    index: dict[str, dict[tuple[str, ...], list[ActorEntry]]] = {}
    cols = ("pattern", "actor", "code", "start", "end", "source", "src_line")
    for chk.n, f in _rows(path, cols):
        key = (f[1], f[2], f[3], f[4], f[5], f[6])
        entry = entries.get(key)
        if entry is None:
            if not _ACTOR_CODE_RE.fullmatch(f[2]):
                raise chk.fail(f"bad actor code {f[2]!r}")
            bounds = []
            for value in (f[3], f[4]):
                if value not in dates:
                    try:
                        dates[value] = dt.date.fromisoformat(value)
                    except ValueError as exc:
                        raise chk.fail(f"bad date {value!r} (YYYY-MM-DD)") from exc
                bounds.append(dates[value])
            entry = ActorEntry(
                chk.nonempty(f[1], "actor name"),
                f[2],
                bounds[0],
                bounds[1],
                chk.choice(f[5], _SOURCES),
                chk.integer(f[6]),
            )
            entries[key] = entry
        words = _words(f[0])
        if not words:
            raise chk.fail("empty actor pattern")
        found = index.setdefault(words[0], {}).setdefault(words, [])
        if entry not in found:
            found.append(entry)
    return {first: {k: tuple(v) for k, v in d.items()} for first, d in index.items()}


def _read_agents(path: Path) -> list[AgentEntry]:
    chk = _Checker(path)
    attach = frozenset({"suffix", "prefix"})
    out = []
    for chk.n, f in _rows(path, ("noun", "singular", "code", "attach", "label", "src_line")):
        if not _ACTOR_CODE_RE.fullmatch(f[2]):
            raise chk.fail(f"bad agent code {f[2]!r}")
        out.append(
            AgentEntry(
                chk.nonempty(f[0], "noun"),
                f[1],
                f[2],
                chk.choice(f[3], attach),
                f[4],
                chk.integer(f[5]),
            )
        )
    return out


def _read_discards(path: Path) -> list[DiscardEntry]:
    chk = _Checker(path)
    scopes = frozenset({"sentence", "story"})
    out = []
    for chk.n, f in _rows(path, ("phrase", "scope", "stem", "src_line")):
        words = _words(f[0])
        if not words:
            raise chk.fail("empty discard phrase")
        out.append(
            DiscardEntry(
                words,
                chk.choice(f[1], scopes),
                chk.choice(f[2], frozenset({"0", "1"})) == "1",
                chk.integer(f[3]),
            )
        )
    return out
