"""Agent nouns Phoenix holds only inside phrases ("main opposition", "exiled opposition",
"opposition leader"): a head noun every such phrase codes the same way is that agent, so
"the opposition accused the government" has a source.

Phoenix's agents file lists "MAIN_OPPOSITION", "EXILED_OPPOSITION", "COALITION_OF_OPPOSITION_
PARTIES" [~OPP] but no bare "OPPOSITION"; the phrases' last word is their head.
"""

from __future__ import annotations

import functools

from geo.events.coding_entries import AgentEntry
from geo.events.dictionaries import CodingDictionaries

ROLE_LETTERS = 3
"""CAMEO role codes are three letters (OPP, COP, MIL); a longer code refines one (OPPMED)."""
HEADED_ROLES = frozenset({"OPP"})
"""Roles read from the phrases a head noun heads: the opposition, whose bare noun Phoenix
lacks. Other roles' phrases are mostly offices of state ("water resources ministry"), whose
last word is no actor ("water")."""
LEAST_PHRASES = 2
"""One phrase is too little to read a head noun's role from."""


def _role(entry: AgentEntry) -> str:
    return entry.code.lstrip("~")[:ROLE_LETTERS]


def _head_words(entry: AgentEntry) -> list[str]:
    words = entry.noun.lower().split()
    return words[: words.index("of")] if "of" in words else words  # the head is before "of"


@functools.lru_cache(maxsize=4)
def _heads(dicts: CodingDictionaries) -> dict[str, AgentEntry]:
    by_head: dict[str, list[AgentEntry]] = {}
    for entry in dicts.agents():
        words = _head_words(entry)
        if len(words) > 1:
            by_head.setdefault(words[-1], []).append(entry)
    candidates = {
        head: entries
        for head, entries in by_head.items()
        if {_role(e) for e in entries} <= HEADED_ROLES and dicts.agent(head) is None
    }
    heads = {}
    for head, entries in candidates.items():
        # a phrase owes its role to its head only if no other word of it carries the role
        # ("opposition politician" is opposition for "opposition", not for "politician")
        own = [
            e
            for e in entries
            if not any(
                w in candidates
                or (dicts.agent(w) is not None and _role(dicts.agent(w)) == _role(e))
                for w in _head_words(e)[:-1]
            )
        ]
        if len(own) >= LEAST_PHRASES:
            base = [e for e in own if len(e.code.lstrip("~")) == ROLE_LETTERS]
            heads[head] = (base or own)[0]
    return heads


def head_agent(dicts: CodingDictionaries, noun: str) -> AgentEntry | None:
    """The agent of a head noun Phoenix has no entry of its own for, from the phrases it
    heads; None when they disagree or the noun has an entry ("police")."""
    noun = noun.lower()
    if dicts.agent(noun) is not None:
        return None
    return _heads(dicts).get(noun)
