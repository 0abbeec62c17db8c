"""The PLOVER trigger lexicon (geo/data/plover.csv), loaded once and inflected.

Kept apart from the extractor so the word list can be replaced by the coding dictionaries
without touching how sentences are read.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from geo.model import EVENT_TYPES

LEXICON_PATH = Path(__file__).parents[1] / "data" / "plover.csv"


_IRREGULAR = {
    "meet": "met",
    "speak": "spoke spoken",
    "fight": "fought",
    "leave": "left",
    "send": "sent",
    "shoot": "shot",
    "hold": "held",
    "take": "took taken",
    "withdraw": "withdrew withdrawn",
    "flee": "fled",
    "seek": "sought",
    "strike": "struck stricken",
    "throw": "threw thrown",
    "give": "gave given",
    "tell": "told",
    "say": "said",
    "beat": "beaten",
    "build": "built",
    "begin": "began begun",
    "fly": "flew flown",
    "forbid": "forbade forbidden",
    "freeze": "froze frozen",
    "write": "wrote written",
    "shut": "shut",
    "cut": "cut",
    "set": "set",
    "hit": "hit",
    "bring": "brought",
    "go": "went gone",
    "rise": "rose risen",
    "swear": "swore sworn",
    "undertake": "undertook undertaken",
    "overrun": "overran",
    "lead": "led",
    "lay": "laid",
    "pay": "paid",
    "feed": "fed",
    "mislead": "misled",
    "deal": "dealt",
}


LexiconPos = Literal["verb", "noun", ""]


@dataclass(frozen=True)
class LexiconEntry:
    category: str
    lemmas: tuple[str, ...]
    weight: float = 1.0
    pos: LexiconPos = ""
    """Part of speech the first word must have when there is a parse; "" allows any."""

    def fits(self, word: Word) -> bool:
        if not word.parsed or not self.pos:
            return True
        return word.pos in (VERBAL if self.pos == "verb" else NOMINAL)


class EventLexicon:
    """PLOVER lexicon: entries by first lemma, and word forms for text without a parse."""

    def __init__(self, entries: Iterable[LexiconEntry]) -> None:
        self.entries = tuple(entries)
        self._by_first: dict[str, list[LexiconEntry]] = {}
        self._forms: dict[str, str] = {}
        for entry in self.entries:
            if entry.category not in EVENT_TYPES:
                raise ValueError(
                    f"unknown event category {entry.category!r} for {' '.join(entry.lemmas)!r}:"
                    f" use one of {', '.join(EVENT_TYPES)}"
                )
            self._by_first.setdefault(entry.lemmas[0], []).append(entry)
            for lemma in entry.lemmas:
                for form in _inflections(lemma):
                    self._forms.setdefault(form, lemma)
        for candidates in self._by_first.values():
            candidates.sort(key=lambda e: (-len(e.lemmas), -e.weight))

    def lemma_of(self, word: str) -> str:
        """Crude lemma for text without a parse: exact for every lexicon word form."""
        lower = word.lower()
        return self._forms.get(lower, lower)

    def matches(self, words: Sequence[Word]) -> list[tuple[int, LexiconEntry]]:
        """(index of first word, entry) for the longest entry starting at each word."""
        lemmas = [w.lemma for w in words]
        found = []
        for i, lemma in enumerate(lemmas):
            for entry in self._by_first.get(lemma, ()):
                if entry.fits(words[i]) and _phrase_matches(entry.lemmas, lemmas, i):
                    found.append((i, entry))
                    break
        return found


def _phrase_matches(phrase: tuple[str, ...], lemmas: Sequence[str], first: int) -> bool:
    position = first
    for lemma in phrase[1:]:
        window = range(position + 1, min(position + 2 + PHRASE_GAP, len(lemmas)))
        position = next((j for j in window if lemmas[j] == lemma), -1)
        if position < 0:
            return False
    return True


def _inflections(lemma: str) -> set[str]:
    forms = {lemma, lemma + "s", lemma + "ed", lemma + "ing"}
    forms.update(_IRREGULAR.get(lemma, "").split())
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        forms.add(lemma + "es")
    if len(lemma) > 2 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if (
        len(lemma) > 2
        and lemma[-1] not in "aeiouwxy"
        and lemma[-2] in "aeiou"
        and lemma[-3] not in "aeiou"
    ):
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


@functools.cache
def load_lexicon(path: str | None = None) -> EventLexicon:
    """Read the PLOVER lexicon CSV (category, phrase, optional weight; # comments)."""
    csv_path = Path(path) if path else LEXICON_PATH
    with csv_path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.lstrip().startswith("#"))
        entries = []
        for row in rows:
            phrase = (row.get("phrase") or "").strip().lower()
            if not phrase:
                raise ValueError(
                    f"{csv_path}: a row of category {row.get('category')!r} has no phrase"
                )
            weight = (row.get("weight") or "").strip()
            pos = (row.get("pos") or "").strip().lower()
            if pos not in ("verb", "noun", ""):
                raise ValueError(
                    f"{csv_path}: pos of {phrase!r} is {pos!r}: use verb, noun or nothing"
                )
            entries.append(
                LexiconEntry(
                    category=(row.get("category") or "").strip().upper(),
                    lemmas=tuple(WORD_RE.findall(phrase)),
                    weight=float(weight) if weight else 1.0,
                    pos=pos,  # type: ignore[arg-type]
                )
            )
    return EventLexicon(entries)


PHRASE_GAP = 2
"""Words allowed between the words of a lexicon phrase ("pushed migrants back")."""


NOMINAL = frozenset({"NOUN", "PROPN", "PRON"})
VERBAL = frozenset({"VERB", "AUX"})


WORD_RE = re.compile(r"\w+?(?=n't\b)|n't|\w+|[^\w\s]")


@dataclass(frozen=True)
class Word:
    """A token of one sentence; pos/dep/head are empty without a parse."""

    text: str
    lemma: str
    start: int
    end: int
    pos: str = ""
    dep: str = ""
    head: int = -1
    """Index of the syntactic head within the sentence; -1 for a root or no parse."""
    negated: bool = False

    @property
    def parsed(self) -> bool:
        return self.pos != ""
