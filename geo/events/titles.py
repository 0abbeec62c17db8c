"""A country's title standing for the person who holds it ("the Russian president", "his
Belarusian counterpart", "Poland's defence minister"), resolved against the article's people.

Out of participants.py, which names the phrases; this module only finds the title's holder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from geo.events.dictionaries import CodingDictionaries
from geo.model import Actor, ActorMention
from geo.nlp import TITLE_WORDS, country_lexicon

if TYPE_CHECKING:
    from spacy.tokens import Token

COUNTERPART = "counterpart"
"""A title standing for whoever holds the same office in the country named with it."""
TITLE_REACH = 40
"""Characters before a person's name that can hold their title ("Belarusian President")."""
DETERMINERS = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
    | {"my", "your"}
)
GOVERNMENT_CODE = "GOV"
"""The Phoenix role of a government's members (CAMEO actor codes "RUSGOV", "BLRGOV")."""


def before(text: str, mention: ActorMention) -> str:
    """The words just before a mention, where its title is written."""
    return " ".join(text[max(0, mention.start - TITLE_REACH) : mention.start].split())


def title_holder(
    head: Token,
    tokens: Sequence[Token],
    mentions: Sequence[ActorMention],
    dicts: CodingDictionaries,
    on: dt.date | None,
) -> Actor | None:
    """The person a country's title stands for: the one of that country the article names
    with that title ("Russian President Vladimir Putin"), the nearest before it, else the
    first after; for "counterpart", the nearest person of that country. Where the article
    never writes the title before a name, the one person of that country it names with no
    title at all whom Phoenix holds as a member of that government on the date ("The Russian
    president … discussed", then "Vladimir Putin and Alexander Lukashenko exchanged views")."""
    if head.tag_ not in ("NN", "NNP") or head.dep_ == "compound":
        return None
    country, words = None, []
    lexicon = country_lexicon()
    for t in tokens:
        if t.lower_ in DETERMINERS or t.dep_ in ("case", "punct"):
            continue
        found = lexicon.demonym_at(t.doc, t.i) or lexicon.name_at(t.doc, t.i)
        if found is not None and country is None:
            country = found[1]
        else:
            words.append(t.lower_)
    title = " ".join(words)
    counterpart = head.lemma_.lower() == COUNTERPART
    agent = dicts.agent(head.lower_)
    if country is None or not (counterpart or (agent and agent.label == "government")):
        return None
    text = head.doc.text
    people = [
        m
        for m in mentions
        if m.actor.type == "person"
        and m.actor.country_code == country
        and not (m.start <= head.idx < m.end)
    ]
    holders = [m for m in people if counterpart or before(text, m).lower().endswith(title)]
    if not holders and not counterpart:
        holders = _untitled_member(people, text, dicts, on)
    earlier = [m for m in holders if m.start < head.idx]
    chosen = earlier[-1] if earlier else next(iter(holders), None)
    return chosen.actor if chosen is not None else None


def _untitled_member(
    people: Sequence[ActorMention], text: str, dicts: CodingDictionaries, on: dt.date | None
) -> list[ActorMention]:
    """The mentions of the one person never written after a title whom Phoenix codes as a
    government member on the date; none when there are several such people or none."""
    titled = {m.actor.id for m in people if _titled(before(text, m))}
    members = {
        m.actor.id
        for m in people
        if m.actor.id not in titled and _government_member(m.actor.name, dicts, on)
    }
    if len(members) != 1:
        return []
    return [m for m in people if m.actor.id in members]


def _titled(words_before: str) -> bool:
    last = words_before.split()[-1:] if words_before else []
    return bool(last) and last[0].lower().strip(",") in TITLE_WORDS


def _government_member(name: str, dicts: CodingDictionaries, on: dt.date | None) -> bool:
    words = name.split()
    found = dicts.match_actor(words, 0, on)
    return found is not None and found[1] == len(words) and found[0].code[3:6] == GOVERNMENT_CODE
