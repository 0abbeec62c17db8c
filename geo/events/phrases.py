"""Actor phrases the parse hands over ambiguously: "US" written in capitals is the United
States, not the pronoun "us"; the phrases of an object that name whom an act is aimed at
("suspended an agreement with the EU", "refused help from Frontex", "will not kneel in its
crisis with the EU")."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from geo.events.senses import counted
from geo.events.statements import FIRST_PERSON
from geo.model import Actor

if TYPE_CHECKING:
    from spacy.tokens import Token


def is_first_person(token: Token) -> bool:
    """ "we", "us", "I": not "US", a country's initials written in capitals."""
    if token.lower_ not in FIRST_PERSON:
        return False
    return not (len(token.text) > 1 and token.text.isupper())


ANONYMOUS_NAMES = frozenset({"people", "person", "persons"})
"""Names that identify no one: "has killed over 1,200 people" has victims, not an actor
(EVENTS.md: an identifiable actor)."""


def anonymous(actor: Actor) -> bool:
    return actor.name.lower() in ANONYMOUS_NAMES


COUNT_WORDS = frozenset({"thousand", "hundred", "dozen", "million"})
"""Counts that stand alone for a group named before ("thousands more"); not "group"."""


def elided_count(head: Token) -> Token:
    """What a bare count stands for: "thousands more" after "hundreds of migrants" in its
    sentence counts migrants ("… as thousands more gathered at the border")."""
    if head.lemma_.lower() not in COUNT_WORDS or counted(head) is not head:
        return head
    for token in reversed(head.sent[: head.i - head.sent.start]):
        group = counted(token)
        if group is not token:
            return group
        if token.dep_ == "nummod" and token.head.tag_ in ("NNS", "NNPS"):
            return token.head  # "500 migrants … thousands more"
    return head


PARTNER_PREPOSITIONS = frozenset({"with", "between"})
"""A pact's or a relation's "with" or "between" phrase names the other parties: "an
agreement with the EU", "talks between Israel and Syria", "ties with Moscow" (not "defend
peace with our partners")."""
RELATION_NOUNS = frozenset(
    {"agreement", "accord", "deal", "treaty", "pact", "talk", "tie", "relation", "contract"}
    | {"dialogue", "negotiation", "partnership", "alliance", "truce", "ceasefire", "cooperation"}
    | {"memorandum", "arrangement", "understanding", "contact", "consultation", "meeting"}
)
OFFERED_BY = frozenset({"from", "by"})
"""An object's "from" or "by" phrase names who offered, owes or did it: "refused help from
Frontex", "demanded an apology from Minsk", "rejected calls by the opposition"."""
OFFERED_TYPES = frozenset({"REJECT", "AGREE", "CONCEDE", "SUPPORT", "REQUEST", "ACCUSE"})
"""Acts aimed at the one who offered, asked or owes what they take, refuse or demand."""
STANDOFF_NOUNS = frozenset(
    {"crisis", "standoff", "stand", "dispute", "conflict", "row", "feud", "war"}
    | {"confrontation", "quarrel", "spat", "tension", "tensions", "showdown"}
)
"""Nouns of a quarrel: an act "in its crisis with the EU" is aimed at the other side."""
MAX_DEPTH = 2


def object_party_heads(objects: list[Token], plover: str, people: set[int]) -> list[Token]:
    """The heads an act's objects name as its other party: "with" of a pact or relation
    ("suspended a migration agreement with the EU"), and for acts taking what someone
    offered or owes, "from" ("refused help from Frontex"). `people` holds the indices of
    objects that are people ("provided migrants with food" aims at the migrants)."""
    found: list[Token] = []
    for obj in objects:
        if obj.i in people:
            continue
        for prep in (c for c in obj.children if c.dep_ == "prep"):
            word = prep.lower_
            partner = word in PARTNER_PREPOSITIONS and obj.lemma_.lower() in RELATION_NOUNS
            if partner or (word in OFFERED_BY and plover in OFFERED_TYPES):
                found += [c for c in prep.children if c.dep_ == "pobj"]
    return found


def given_to(objects: list[Token]) -> list[Token]:
    """A verb's objects with a dative preposition replaced by its object: the parse hangs
    "to Belarus" of "sent aid to Belarus" on the verb as a dative, whose noun is the one
    given to, not the word "to"."""
    out: list[Token] = []
    for obj in objects:
        if obj.dep_ == "dative" and obj.pos_ == "ADP":
            out += [c for c in obj.children if c.dep_ == "pobj"]
        else:
            out.append(obj)
    return out


RECIPIENT_PREPOSITIONS = frozenset({"to"})
"""An object's "to" phrase names whom it goes to: "offered aid to Mozambique", "sent a
letter to Minsk" (a place a thing is moved to is no one: filtered by the caller)."""


def recipient_heads(objects: list[Token]) -> list[Token]:
    """The heads of "to" phrases of an act's objects: "extended aid to the refugees"."""
    return [
        c
        for obj in objects
        for prep in obj.children
        if prep.dep_ == "prep" and prep.lower_ in RECIPIENT_PREPOSITIONS
        for c in prep.children
        if c.dep_ == "pobj"
    ]


SOUGHT_AGAINST = frozenset({"against", "on", "upon", "with"})
"""What an act asks for names whom it is aimed at: "called for sanctions against Minsk",
"appealed for talks with the rebels"."""


def sought_heads(verb: Token) -> list[Token]:
    """The one aimed at by what the verb asks or hopes for: "called for sanctions against
    Belarus" (the verb's "for" phrase and that phrase's "against" phrase)."""
    found: list[Token] = []
    for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "for"):
        for sought in (c for c in prep.children if c.dep_ == "pobj"):
            for aimed in (c for c in sought.children if c.dep_ == "prep"):
                if aimed.lower_ in SOUGHT_AGAINST:
                    found += [c for c in aimed.children if c.dep_ == "pobj"]
    return found


def standoff_heads(verb: Token) -> list[Token]:
    """The other side of the quarrel an act is set in: "will not kneel in its crisis with
    the European Union", "turned to the Kremlin in its stand-off with the EU"; from the verb
    or the clause it says or completes."""
    found: list[Token] = []
    clauses = [verb]
    for _ in range(MAX_DEPTH - 1):
        clauses += [c for v in clauses for c in v.children if c.dep_ in ("ccomp", "xcomp")]
    for clause in dict.fromkeys(clauses):
        for prep in (c for c in clause.children if c.dep_ == "prep" and c.lower_ == "in"):
            for noun in (c for c in prep.children if c.dep_ == "pobj"):
                words = {noun.lower_, noun.lemma_.lower()}
                words |= {c.lower_ for c in noun.children if c.dep_ == "compound"}
                if not words & STANDOFF_NOUNS:
                    continue  # "in a stand-off": "off" with its compound "stand"
                for side in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "with"):
                    found += [c for c in side.children if c.dep_ == "pobj"]
    return found


STATE_KINDS = frozenset({"government", "organisation"})
EXPLETIVE_HEADS = frozenset({"be", "seem", "appear", "come", "happen", "emerge", "remain"})
"""Verbs whose "it" stands for nothing: "It came as …", "it was emphasised", "it seems"."""


def previous_subject_it(pronoun: Token, name: Callable[[Token], Actor | None]) -> Actor | None:
    """The state or body "It" opening an act stands for: the subject of the sentence before,
    if that is one ("Belarus said there were 7,000 migrants. It said it would take
    responsibility …": Belarus); None for an expletive "it" or any other antecedent."""
    if pronoun.lower_ != "it" or pronoun.dep_ != "nsubj":
        return None
    verb = pronoun.head
    if verb.lemma_.lower() in EXPLETIVE_HEADS or any(c.dep_ == "auxpass" for c in verb.children):
        return None
    sentence = pronoun.sent
    if verb.i != sentence.root.i or sentence.start == 0:
        return None
    before = pronoun.doc[sentence.start - 1].sent
    subjects = [c for c in before.root.children if c.dep_ == "nsubj" and c.pos_ != "PRON"]
    if len(subjects) != 1:
        return None
    actor = name(subjects[0])
    return actor if actor is not None and actor.type in STATE_KINDS else None
