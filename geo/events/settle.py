"""Whether a coded predicate is an event once its participants are known, and of what type.

Split from geo.events.extract: the checks that need the parse around the verb (a partner
named "with" someone, forces sent to someone) and the roles (a thing as the source, a
consultation with no one on the other side).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.events.located import LOCATION_HEADS
from geo.events.participants import Participants
from geo.events.predicates import CodedPredicate
from geo.model import Actor

if TYPE_CHECKING:
    from spacy.tokens import Token


DYADIC_TYPES = frozenset({"CONSULT", "SUPPORT"})
"""Types that need someone on the other side: arriving is no visit, "affected" no support."""


MEDIATION = "045"
SELF_CONTAINED_SUPPORT = ("051", "052", "053", "054", "056")
"""SUPPORT codes that need no one on the other side: praising, defending or endorsing a
plan (051, or a pattern's 050) is support; a bare verb's generic 050 ("affected") is not
without a partner, nor a visit (042) without someone visited; mediation (045) names its
parties "between" them."""


GENERIC_COOPERATION = "060"
"""CAMEO's bare "engage in material cooperation" (establish, manage, serve, provide): with
no one to cooperate with and no pattern saying what, no cooperation ("Minsk managed.",
"is serving a sentence"), and an act (OTHER) when done to a thing ("migrants have
established a camp", `_made_something`); 061-064 name their kind."""


def _needs_partner(plover: str, predicate: CodedPredicate | None) -> bool:
    if plover == "COOPERATE" and predicate is not None:
        generic = predicate.cameo == GENERIC_COOPERATION
        return generic and not predicate.evidence.startswith("CAMEO pattern")
    if plover not in DYADIC_TYPES:
        return False
    if predicate is None:
        return True
    cameo = predicate.cameo or ""
    if cameo.startswith(MEDIATION):
        return False  # the parties are named "between" them, not as targets
    if plover == "SUPPORT" and predicate.evidence.startswith("CAMEO pattern"):
        return False  # "endorsed the plan": a pattern coded what was supported
    return not (plover == "SUPPORT" and cameo.startswith(SELF_CONTAINED_SUPPORT))


RECIPROCAL_CODES = ("041", "045", "046")
"""Talks, mediation and negotiation (CAMEO 041, 045, 046), which a plural subject can hold
among itself; going somewhere (040) or visiting (042) needs someone there."""


PARTNER_ENTITIES = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def _partner_named(predicate: CodedPredicate) -> bool:
    """A "with" phrase naming people: "held talks with his Turkish counterpart", "met with
    Polish officials"; the other side is there even where no actor stands for it."""
    verb = predicate.verb
    # "was travelling to Moscow to discuss the crisis with his Russian counterpart"
    verbs = [verb, *(c for c in verb.children if c.dep_ in ("advcl", "xcomp") and _infinitive(c))]
    holders = [
        *verbs,
        *(c for v in verbs for c in v.children if c.dep_ == "dobj"),
    ]  # "talks with X"
    for prep in (c for h in holders for c in h.children):
        if prep.dep_ != "prep" or prep.lower_ != "with":
            continue
        for noun in prep.children:
            if noun.dep_ != "pobj":
                continue
            if noun.pos_ == "PROPN" or noun.ent_type_ in PARTNER_ENTITIES:
                return True
            if any(c.dep_ == "poss" for c in noun.children) or noun.tag_ == "NNS":
                return noun.lemma_.lower() not in LOCATION_HEADS
    return False


def _infinitive(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _several(predicate: CodedPredicate | None) -> bool:
    """A plural subject holds both sides: "the foreign ministers held talks"."""
    if predicate is None or not (predicate.cameo or "").startswith(RECIPROCAL_CODES):
        return False
    subjects = [c for c in predicate.verb.children if c.dep_ == "nsubj"]
    return any(s.tag_ in ("NNS", "NNPS") for s in subjects)


DEPLOYED_AGENTS = ("agent_military_", "agent_police_")
"""Phoenix agents of force: sending them to no one else is deploying them (MOBILIZE)."""


FORCE_ROLES = ("_armed_forces", "_police", "_security_forces", "_border_guard")
"""Ids of a state's forces named by the role table ("Armed Forces of Poland": pl_armed_forces)."""


def is_force(actor: Actor) -> bool:
    return actor.id.startswith(DEPLOYED_AGENTS) or actor.id.endswith(FORCE_ROLES)


def _sent_to_someone(predicate: CodedPredicate) -> bool:
    """Forces sent "to Ukraine" go to someone; "to the border" to a place (deployed)."""
    for c in predicate.verb.children:
        if c.dep_ in ("prep", "dative") and c.lower_ == "to":
            objects = [o for o in c.children if o.dep_ == "pobj"]
            if not objects or any(o.lemma_.lower() not in LOCATION_HEADS for o in objects):
                return True
    return False


def settled_type(
    plover: str, roles: Participants, predicate: CodedPredicate | None = None
) -> str | None:
    """The event's type once its participants are known, or None when it is no event.

    Violence by a force of nature or a disease is a happening: "an epidemic has killed
    1,200", "homes were destroyed by the floods" (OTHER). Any other act needs an actor: a
    sentence whose subject is a thing ("the meetings will include") reports none.
    """
    if plover == "ASSAULT":
        unattributed = not (roles.sources or roles.inanimate_source or roles.targets)
        if roles.natural_force or (unattributed and predicate is not None and predicate.passive):
            return "OTHER"  # "bridges have been destroyed", by no one named: a happening
        return plover  # "shelling killed 20" is violence
    thing_did_it = roles.inanimate_source or (not roles.sources and roles.inanimate_target)
    if plover != "OTHER" and thing_did_it:
        return None
    sent = predicate is not None and (predicate.cameo or "").startswith("062")
    if sent and not _sent_to_someone(predicate) and all(is_force(t) for t in roles.targets):
        return "MOBILIZE"  # CAMEO 062 sends forces to an ally; with none, they are deployed
    alone = not roles.targets and len(roles.sources) < 2
    if alone and predicate is not None and _partner_named(predicate):
        alone = False  # "held talks with his Turkish counterpart": someone the actors miss
    if _needs_partner(plover, predicate) and alone and not _several(predicate):
        if plover == "COOPERATE" and _made_something(predicate):
            return "OTHER"  # "migrants have established a camp": done, with no one
        return None  # "the two presidents held talks" has its other side among the sources
    return plover


def _made_something(predicate: CodedPredicate | None) -> bool:
    """A bare 060 verb done to a thing, not an ongoing state: "have established a camp" is
    an act (OTHER) where no one cooperated; "is serving a sentence" and "Minsk managed." are
    none."""
    if predicate is None or predicate.verb.tag_ == "VBG":
        return False
    return any(c.dep_ == "dobj" and c.pos_ == "NOUN" for c in predicate.verb.children)
