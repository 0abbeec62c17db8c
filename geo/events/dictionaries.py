"""The event-coding dictionaries: CAMEO verbs and patterns, CAMEO -> PLOVER, Phoenix actors,
agents and discards, read from geo/data/coding/*.tsv.

The TSV files are derived from PETRARCH2 and PLOVER by bench/derive_coding_dictionaries.py
(see geo/data/coding/README.md), so the product codes events on the established dictionaries
without ../shared. Everything is read once, on the first load_coding_dictionaries() call, and
compiled into lookups keyed by lower-case words; nothing happens at import time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from geo.events.coding_entries import (
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
from geo.events.coding_files import (
    _read_actors,
    _read_agents,
    _read_discards,
    _read_patterns,
    _read_plover,
    _read_synsets,
    _read_verbs,
)

__all__ = [
    "PLOVER_CATEGORIES",
    "ActorEntry",
    "AgentEntry",
    "CodingDataError",
    "CodingDictionaries",
    "DiscardEntry",
    "PloverMapping",
    "VerbEntry",
    "VerbPattern",
    "load_coding_dictionaries",
]

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "coding"


class CodingDictionaries:
    """The compiled dictionaries; all lookups are lower-case."""

    def __init__(
        self,
        verbs: Sequence[VerbEntry],
        patterns: Sequence[VerbPattern],
        synsets: dict[str, tuple[str, ...]],
        plover_rows: Sequence[PloverMapping],
        actors: dict[str, dict[tuple[str, ...], tuple[ActorEntry, ...]]],
        agents: Sequence[AgentEntry],
        discards: Sequence[DiscardEntry],
    ) -> None:
        self._verbs = tuple(verbs)
        self._by_head: dict[str, list[VerbEntry]] = {}
        self._single: dict[str, VerbEntry] = {}
        for v in self._verbs:
            for word in (v.verb, *v.forms):
                self._by_head.setdefault(word, []).append(v)
            if not v.before and not v.after:
                # PETRARCH keeps a verb's first entry; later blocks repeating it are ignored
                self._single.setdefault(v.verb, v)
        for v in self._verbs:
            if not v.before and not v.after:
                for form in v.forms:
                    self._single.setdefault(form, self._single[v.verb])
        self._patterns: dict[str, tuple[VerbPattern, ...]] = {}
        grouped: dict[str, list[VerbPattern]] = {}
        for p in patterns:
            grouped.setdefault(p.block, []).append(p)
        self._patterns = {k: tuple(v) for k, v in grouped.items()}
        # Verbs that only appear as the word a block's patterns were written for ("# URGE"
        # under DEMAND): PETRARCH2's dictionary files them in that block.
        origins: dict[str, dict[str, int]] = {}
        for p in patterns:
            origins.setdefault(p.origin.lower(), {}).setdefault(p.block, 0)
            origins[p.origin.lower()][p.block] += 1
        self._origin_block = {
            origin: max(blocks, key=blocks.__getitem__) for origin, blocks in origins.items()
        }
        self._qualities: dict[str, str] = {}
        for p in patterns:
            if p.cameo is not None and len(p.after) == 2 and p.after[0] == "(as":
                word = p.after[1].rstrip(")")
                if word.isalpha():
                    self._qualities.setdefault(word, p.cameo)
        self._synsets = synsets
        self._plover = {r.cameo: r for r in plover_rows}
        self._actors = actors
        self._actor_max = {first: max(len(k) for k in d) for first, d in actors.items()}
        self._agents: dict[tuple[str, ...], AgentEntry] = {}
        for a in agents:
            self._agents.setdefault(_words(a.noun), a)
        self._agent_max = max((len(k) for k in self._agents), default=0)
        self._discards = tuple(discards)
        self._discard_first: dict[str, list[DiscardEntry]] = {}
        self._discard_stems: dict[str, list[DiscardEntry]] = {}
        for d in self._discards:
            if len(d.phrase) == 1 and d.stem:
                self._discard_stems.setdefault(d.phrase[0], []).append(d)
            else:
                self._discard_first.setdefault(d.phrase[0], []).append(d)
        self._stem_lengths = sorted({len(s) for s in self._discard_stems})

    # -------------------------------------------------------------- verbs

    def verb(self, lemma: str) -> VerbEntry | None:
        """The single-word verb entry for a lemma (or an inflected form), as PETRARCH would
        take it: the first block that lists it."""
        return self._single.get(lemma.lower().strip())

    def verbs(self, word: str) -> tuple[VerbEntry, ...]:
        """Every entry whose head verb is this lemma or form, multi-word ones included."""
        return tuple(self._by_head.get(word.lower().strip(), ()))

    def verb_by_origin(self, lemma: str) -> VerbEntry | None:
        """For a verb with no entry of its own that patterns were written for, the entry of
        the block holding those patterns (its head verb), or None."""
        block = self._origin_block.get(lemma.lower().strip())
        if block is None:
            return None
        head = self._single.get(block)
        if head is not None and head.block == block:
            return head
        return next((v for v in self._verbs if v.block == block and not v.after), None)

    def patterns(self, lemma: str) -> tuple[VerbPattern, ...]:
        """The phrase patterns of the lemma's verb block (patterns belong to blocks)."""
        entry = self.verb(lemma)
        if entry is None:
            return ()
        return self._patterns.get(entry.block, ())

    def block_patterns(self, block: str) -> tuple[VerbPattern, ...]:
        return self._patterns.get(block.lower(), ())

    def qualities(self) -> dict[str, str]:
        """What a verb of judging calls its object, by its patterns' "(as WORD)" complement
        ("slam … (as unacceptable)" 111, "describe … (as mistake)" 110): the word and the
        pattern's CAMEO code, single words only, the first pattern's code kept."""
        return self._qualities

    def synset(self, name: str) -> tuple[str, ...]:
        """The phrases (with plurals) of a pattern synset such as '&weapon'."""
        key = name.lower() if name.startswith("&") else "&" + name.lower()
        return self._synsets.get(key, ())

    # -------------------------------------------------------------- CAMEO -> PLOVER

    def plover(self, cameo_code: str) -> str | None:
        """PLOVER category of a CAMEO code from the official table, falling back to the parent
        code (0213 -> 021 -> 02); None for codes the table leaves out (CAMEO 01 and 02)."""
        code = cameo_code.strip()
        if not _CAMEO_RE.fullmatch(code):
            return None
        while len(code) >= 2:
            row = self._plover.get(code)
            if row is not None:
                return row.plover
            code = code[:-1]
        return None

    def plover_mapping(self, cameo_code: str) -> PloverMapping | None:
        """The table's own row for exactly this code (mode and context included)."""
        return self._plover.get(cameo_code.strip())

    # -------------------------------------------------------------- actors

    def actors(self, phrase: str | Sequence[str]) -> tuple[ActorEntry, ...]:
        """Every code entry of an exact actor phrase, in dictionary order."""
        key = (
            _words(phrase.lower()) if isinstance(phrase, str) else tuple(t.lower() for t in phrase)
        )
        if not key:
            return ()
        return self._actors.get(key[0], {}).get(key, ())

    def match_actor(
        self, tokens: Sequence[str], start: int = 0, on: dt.date | None = None
    ) -> tuple[ActorEntry, int] | None:
        """The longest actor phrase starting at tokens[start] that holds a code on the date,
        and the end index (exclusive). Without a date: the undated code, else the current
        (open-ended) one, else the latest range."""
        if not 0 <= start < len(tokens):
            return None
        first = tokens[start].lower()
        bucket = self._actors.get(first)
        if bucket is None:
            return None
        longest = min(self._actor_max[first], len(tokens) - start)
        words = [t.lower() for t in tokens[start : start + longest]]
        for n in range(longest, 0, -1):
            entries = bucket.get(tuple(words[:n]))
            if entries:
                chosen = _choose_actor(entries, on)
                if chosen is not None:
                    return chosen, start + n
        return None

    # -------------------------------------------------------------- agents and discards

    def agent(self, noun: str) -> AgentEntry | None:
        """The agent for a noun or noun phrase, singular or plural ('police', 'soldiers')."""
        return self._agents.get(_words(noun.lower()))

    def agents(self) -> tuple[AgentEntry, ...]:
        """Every agent entry, singular and plural forms each once."""
        return tuple(self._agents.values())

    def match_agent(self, tokens: Sequence[str], start: int = 0) -> tuple[AgentEntry, int] | None:
        """The longest agent phrase starting at tokens[start], and its end index."""
        longest = min(self._agent_max, len(tokens) - start)
        words = tuple(t.lower() for t in tokens[start : start + longest])
        for n in range(longest, 0, -1):
            entry = self._agents.get(words[:n])
            if entry is not None:
                return entry, start + n
        return None

    def is_discard(self, tokens: Sequence[str]) -> DiscardEntry | None:
        """The first discard phrase found in the tokens (sports, entertainment ...), or None."""
        words = [t.lower() for t in tokens]
        for i, word in enumerate(words):
            for d in self._discard_first.get(word, ()):
                if _discard_at(d, words, i):
                    return d
            for n in self._stem_lengths:
                if n > len(word):
                    break
                found = self._discard_stems.get(word[:n])
                if found:
                    return found[0]
        return None

    def counts(self) -> dict[str, int]:
        """Entries per table, for the bench and the logs."""
        return {
            "verbs": len(self._verbs),
            "patterns": sum(len(p) for p in self._patterns.values()),
            "synsets": len(self._synsets),
            "plover_codes": len(self._plover),
            "actor_phrases": sum(len(d) for d in self._actors.values()),
            "agents": len(self._agents),
            "discards": len(self._discards),
        }


def _choose_actor(entries: Sequence[ActorEntry], on: dt.date | None) -> ActorEntry | None:
    undated = next((e for e in entries if not e.dated), None)
    if on is not None:
        held = next((e for e in entries if e.dated and e.holds(on)), None)
        return held if held is not None else undated
    if undated is not None:
        return undated
    current = [e for e in entries if e.end is None]
    if current:
        return max(current, key=lambda e: e.start or dt.date.min)
    return max(entries, key=lambda e: e.end or dt.date.min)


def _discard_at(d: DiscardEntry, words: Sequence[str], i: int) -> bool:
    n = len(d.phrase)
    if i + n > len(words):
        return False
    for k in range(n - 1):
        if words[i + k] != d.phrase[k]:
            return False
    last = words[i + n - 1]
    return last.startswith(d.phrase[-1]) if d.stem else last == d.phrase[-1]


# ------------------------------------------------------------------ reading


def _load(data_dir: Path) -> CodingDictionaries:
    return CodingDictionaries(
        verbs=_read_verbs(data_dir / "cameo_verbs.tsv"),
        patterns=_read_patterns(data_dir / "cameo_patterns.tsv"),
        synsets=_read_synsets(data_dir / "cameo_synsets.tsv"),
        plover_rows=_read_plover(data_dir / "cameo_plover.tsv"),
        actors=_read_actors(data_dir / "phoenix_actors.tsv"),
        agents=_read_agents(data_dir / "phoenix_agents.tsv"),
        discards=_read_discards(data_dir / "discards.tsv"),
    )


@lru_cache(maxsize=1)
def _load_default() -> CodingDictionaries:
    return _load(DATA_DIR)


def load_coding_dictionaries(data_dir: Path | None = None) -> CodingDictionaries:
    """The dictionaries in data_dir (default geo/data/coding, read once and cached)."""
    if data_dir is None:
        return _load_default()
    return _load(Path(data_dir))
