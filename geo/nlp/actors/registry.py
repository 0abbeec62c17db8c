"""The actor registry and the data files behind it.

`ActorRegistry` holds the canonical actors known in advance (geo/data/actors.csv)
and finds their aliases in a Doc; the paths of the other actor data files live
here too, with `ActorDataError` for malformed rows.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from geo.model import Actor
from geo.nlp.actors.words import APOSTROPHES, NAME_PARTICLES, fold, strip_marks, tokenize

DATA_DIR = Path(__file__).parents[2] / "data"
ACTORS_CSV = DATA_DIR / "actors.csv"
ROLES_CSV = DATA_DIR / "actor_roles.csv"
DEMONYMS_CSV = DATA_DIR / "demonyms.csv"  # shared with the gazetteer; '#' lines are comments

ACTOR_TYPES: frozenset[str] = frozenset({"person", "organisation", "government", "group", "media"})


class ActorDataError(ValueError):
    """An actor data file is malformed; the message names the file and row to fix."""


@dataclass(frozen=True)
class _Alias:
    actor: Actor
    tokens: tuple[str, ...]  # diacritic-folded token texts, case kept
    exact_case: bool  # acronyms: 'EU' must not match 'eu'
    needs_the: bool  # 'the West': only after 'the', span without it
    needs_parens: bool  # '(AA)': only in parentheses, span without them


class ActorRegistry:
    """Canonical actors known in advance, found by any of their aliases.

    Give it actors and their aliases, or load the editable CSV with
    `ActorRegistry.from_csv()` (`ActorRegistry.default()` caches the bundled one).
    """

    def __init__(self, actors: Iterable[Actor], aliases: Mapping[str, Sequence[str]] = ()):
        aliases = dict(aliases)
        self._actors: dict[str, Actor] = {}
        self._by_key: dict[tuple[str, ...], list[_Alias]] = {}
        self._by_first: dict[str, set[int]] = {}
        self._persons_by_first: dict[str, list[Actor]] = {}
        for actor in actors:
            if actor.type not in ACTOR_TYPES:
                raise ActorDataError(
                    f"actor {actor.id!r} has type {actor.type!r}; use one of {sorted(ACTOR_TYPES)}"
                )
            self._actors[actor.id] = actor
            for text in (actor.name, *aliases.get(actor.id, ())):
                if text.strip():
                    self._add_alias(actor, text.strip())
            if actor.type == "person":
                first = fold(actor.name).split()[0]
                self._persons_by_first.setdefault(first, []).append(actor)

    @classmethod
    def from_csv(cls, path: str | Path = ACTORS_CSV) -> ActorRegistry:
        """Read `id,name,type,country_code,aliases` rows (aliases separated by '|')."""
        actors: list[Actor] = []
        aliases: dict[str, list[str]] = {}
        with open(path, encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    actor_id, name, kind = row["id"].strip(), row["name"].strip(), row["type"]
                except KeyError as missing:
                    raise ActorDataError(f"{path}: header must have column {missing}") from None
                if not actor_id or not name:
                    raise ActorDataError(f"{path}:{line}: id and name are required")
                if actor_id in aliases:
                    raise ActorDataError(f"{path}:{line}: duplicate id {actor_id!r}")
                country = (row.get("country_code") or "").strip().upper() or None
                actors.append(Actor(actor_id, name, kind.strip(), country))  # type: ignore[arg-type]
                aliases[actor_id] = [a for a in (row.get("aliases") or "").split("|") if a.strip()]
        return cls(actors, aliases)

    @classmethod
    def default(cls) -> ActorRegistry:
        return _default_registry()

    def __len__(self) -> int:
        return len(self._actors)

    def get(self, actor_id: str) -> Actor | None:
        return self._actors.get(actor_id)

    def lookup(self, text: str) -> Actor | None:
        """The actor one of whose aliases is `text` (case-insensitive except acronyms)."""
        tokens = tuple(strip_marks(t).translate(APOSTROPHES) for t in tokenize(text))
        for alias in self._by_key.get(tuple(t.casefold() for t in tokens), ()):
            if alias.needs_parens or alias.needs_the:
                continue
            if not alias.exact_case or alias.tokens == tokens:
                return alias.actor
        return None

    def similar_person(self, name: str, min_ratio: float = 0.85) -> Actor | None:
        """A registry person whose name differs from `name` by a spelling slip.

        Transliterated names come in many spellings ('Kobrakov'/'Kubrakov'): the
        first name must agree exactly, the surname initial too, and the whole
        name must be close.
        """
        words = fold(name).split()
        if len(words) < 2:
            return None
        best, best_ratio = None, min_ratio
        for actor in self._persons_by_first.get(words[0], ()):
            other = fold(actor.name).split()
            if other[-1][:1] != words[-1][:1]:
                continue
            ratio = difflib.SequenceMatcher(None, " ".join(words), " ".join(other)).ratio()
            if ratio >= best_ratio:
                best, best_ratio = actor, ratio
        return best

    def matches(self, doc: Doc) -> list[tuple[int, int, Actor]]:
        """Token ranges [start, end) of alias occurrences, longest first at each position."""
        texts = [strip_marks(t.text).translate(APOSTROPHES) for t in doc]
        folded = [t.casefold() for t in texts]
        found: list[tuple[int, int, Actor]] = []
        i = 0
        while i < len(doc):
            hit = self._match_at(doc, texts, folded, i)
            if hit is None:
                i += 1
                continue
            found.append(hit)
            i = hit[1]
        return found

    def _match_at(
        self, doc: Doc, texts: list[str], folded: list[str], i: int
    ) -> tuple[int, int, Actor] | None:
        for length in sorted(self._by_first.get(folded[i], ()), reverse=True):
            end = i + length
            if end > len(doc):
                continue
            for alias in self._by_key.get(tuple(folded[i:end]), ()):
                if self._alias_fits(doc, texts, alias, i, end):
                    return i, end, alias.actor
        return None

    @staticmethod
    def _alias_fits(doc: Doc, texts: list[str], alias: _Alias, start: int, end: int) -> bool:
        if alias.exact_case:
            if tuple(texts[start:end]) != alias.tokens:
                return False
        elif not (texts[start][:1].isupper() or folded_is_particle(texts[start])):
            return False
        if alias.needs_parens and not (
            start > 0 and doc[start - 1].text == "(" and end < len(doc) and doc[end].text == ")"
        ):
            return False
        if alias.needs_the:
            if start == 0 or doc[start - 1].lower_ != "the":
                return False
            if end < len(doc) and doc[end].is_title:
                return False  # 'the West Bank' is not 'the West'
        return True

    def _add_alias(self, actor: Actor, text: str) -> None:
        needs_parens = text.startswith("(") and text.endswith(")")
        text = text.strip("()")
        needs_the = text.lower().startswith("the ") and text.split()[1][:1].isupper()
        if needs_the:
            text = text[4:]
        tokens = tuple(strip_marks(t).translate(APOSTROPHES) for t in tokenize(text))
        if not tokens:
            return
        exact_case = any(c.isupper() for c in text) and not any(c.islower() for c in text)
        key = tuple(t.casefold() for t in tokens)
        self._by_key.setdefault(key, []).append(
            _Alias(actor, tokens, exact_case, needs_the, needs_parens)
        )
        self._by_first.setdefault(key[0], set()).add(len(key))


def folded_is_particle(text: str) -> bool:
    return text.casefold() in NAME_PARTICLES


@lru_cache(maxsize=1)
def _default_registry() -> ActorRegistry:
    return ActorRegistry.from_csv(ACTORS_CSV)
