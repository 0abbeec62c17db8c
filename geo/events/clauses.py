"""Which coded verbs of a sentence are events: the gate around the coding (EVENTS.md: an
identifiable actor did or said something specific, at a particular time).

`predicates` codes each verb with PETRARCH2's dictionary and says whether a clause is
realised; this module walks a sentence's verbs in order and keeps the predicates that
report an act: commitments typed by what is committed to, infinitives only where their
governing verb makes them happen, no content of a demand or a warning, no description,
hypothetical, belief, period or statistic, announced acts as intents, negated acts as
rejections.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from geo.events.dictionaries import CodingDictionaries
from geo.events.predicates import (
    _INTENDED,
    ANNOUNCING_NOUNS,
    APPEAL_PLOVER,
    ASPECTUAL_LEMMAS,
    CONCESSIVE_PLOVER,
    FUTURE_AUXILIARIES,
    PASSIVE_SUBJECT_DEPS,
    REALISED_DEPS,
    STATIVE_LEMMAS,
    SUBJECT_DEPS,
    VERBAL_ACTS,
    CodedPredicate,
    _acting_noun,
    _announced,
    _believed,
    _children,
    _code,
    _is_finite_event,
    _wordset,
    absolute_anchor,
    counted_over_a_period,
    is_hypothetical,
    over_a_period,
    participle_anchor,
    tense_clause,
)
from geo.events.senses import Coded, agent_code, argument_sense

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token


COMMITTED_HOSTILE = {
    "ASSAULT": "138", "COERCE": "137", "SANCTION": "1312", "MOBILIZE": "138", "PROTEST": "133",
    "THREATEN": "130",
}  # fmt: skip
"""Acts whose promise is a threat, with CAMEO's code for threatening them (13, threaten,
beside 03, express intent)."""
COMMITMENT_BLOCKS = frozenset({"vow"})
"""CAMEO verb blocks of vowing: the bare verb codes nothing; what is vowed decides."""


def committed_sense(verb: Token, coded: dict[int, Coded]) -> Coded | None:
    """A commitment to an act is typed by the act its infinitive names: "vowed to impose
    sanctions", "pledged to retaliate" threaten (CAMEO 13); "vowed to support" is a promise
    (AGREE, CAMEO 03). None where the verb commits to nothing coded."""
    own = coded.get(verb.i)
    if own is None:
        return None
    cameo, plover, evidence, trigger_end = own
    intent = (cameo or "").startswith("03")
    vowing = plover is None and evidence.endswith(tuple(f"({b})" for b in COMMITMENT_BLOCKS))
    if not intent and not vowing:
        return None
    for child in verb.children:
        act = coded.get(child.i)
        if child.dep_ != "xcomp" or act is None or act[1] is None:
            continue
        if act[1] in COMMITTED_HOSTILE:
            code = COMMITTED_HOSTILE[act[1]]
            return code, "THREATEN", f"commitment to {act[1]}: {evidence}", trigger_end
        if not intent and act[1] != "OTHER":
            return "030", "AGREE", f"commitment to {act[1]}: {evidence}", trigger_end
    return None


def _governing(verb: Token) -> Token | None:
    """For an infinitive or gerund complement, the verb it completes."""
    return verb.head if verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX") else None


MESSAGE_NOUNS = ANNOUNCING_NOUNS | _wordset("report resolution ruling verdict")
"""Things that speak for their authors: "a UN report accuses Belarus" is the UN's act."""


def _said_by_a_thing(verb: Token, dicts: CodingDictionaries) -> bool:
    """An act done by saying in the present simple is current news only when someone says
    it (VERBAL_ACTS); a thing as its subject ("the award recognizes communities", "the
    law supports families") describes what the thing is or does, no one's act."""
    if verb.tag_ not in ("VBZ", "VBP") or _children(verb, {"aux", "auxpass"}):
        return False
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    return bool(subjects) and all(
        s.pos_ == "NOUN"
        and not s.ent_type_
        and s.lemma_.lower() not in MESSAGE_NOUNS
        and agent_code(s, dicts) is None
        and not s.lemma_.lower().endswith(("er", "or", "ist", "ian", "ent"))
        for s in subjects
    )


INSTRUMENT_BLOCKS = frozenset({"utilize"})
"""PETRARCH2's block of using (use, employ, wield: no code of its own, "use … &weapon" 175)."""


def _used_for(governor: Token, dicts: CodingDictionaries) -> bool:
    """Something used to do an act ("were using lasers to blind them", "used tear gas to
    disperse the crowd"): the infinitive is the act done, at the time of the using."""
    entry = dicts.verb(governor.lemma_.lower())
    if entry is None or entry.block not in INSTRUMENT_BLOCKS:
        return False
    return any(c.dep_ == "dobj" for c in governor.children)


def _demanded(verb: Token, coded: dict[int, Coded]) -> bool:
    """The "that" clause of a demand or appeal ("demanded that Belarus open the border
    crossings", "urged that the EU act") names the act asked for, which has not happened:
    the demand (PLOVER's REQUEST, CAMEO 02 and 10) is the event, not its content; so is the
    act a warning announces ("warned that migrants will be pushed back": the threat)."""
    if verb.dep_ != "ccomp" or verb.head.pos_ not in ("VERB", "AUX"):
        return False
    governor = coded.get(verb.head.i)
    if governor is None:
        return False
    if governor[1] == "THREATEN" and _children(verb, {"aux"}):
        return any(a.lower_ in FUTURE_AUXILIARIES for a in _children(verb, {"aux"}))
    return governor[1] == APPEAL_PLOVER


def coded_predicates(sentence: SpacySpan, dicts: CodingDictionaries) -> Iterator[CodedPredicate]:
    """The event predicates of one sentence, in order."""
    if sentence.text.rstrip().rstrip("\"”’'").endswith("?"):
        return
    coded: dict[int, Coded] = {}
    verbs = [
        t
        for t in sentence
        if t.pos_ == "VERB"
        and (
            t.dep_ in REALISED_DEPS
            or participle_anchor(t) is not None
            or absolute_anchor(t) is not None
        )
    ]
    for verb in verbs:
        coded[verb.i] = argument_sense(verb, _code(verb, sentence, dicts), dicts)
    for verb in verbs:
        committed = committed_sense(verb, coded)
        if committed is not None:
            coded[verb.i] = committed
    for verb in verbs:
        cameo, plover, evidence, trigger_end = coded[verb.i]
        if plover is None or verb.lemma_.lower() in STATIVE_LEMMAS:
            continue
        if verb.dep_ == "acl" and not _acting_noun(verb.head, dicts):
            continue  # "visas permitting migrants to fly": the visas do nothing
        if _demanded(verb, coded):
            continue  # "demanded that Belarus open the crossings": asked for, not done
        clause = verb
        governor = _governing(verb)
        if governor is not None:
            governor_code = coded.get(governor.i)
            if governor_code is not None and governor_code[1] is not None:
                continue  # "refused to comply": the governing verb is the event
            if governor.lemma_.lower() not in ASPECTUAL_LEMMAS and not _used_for(governor, dicts):
                continue  # "plans to visit", "wants to leave": not (yet) an event
            clause = governor
        timing = tense_clause(clause)
        if is_hypothetical(timing, dicts) or not _is_finite_event(timing, sentence, plover):
            continue
        if _believed(timing) or over_a_period(timing) or counted_over_a_period(timing):
            continue
        if plover in VERBAL_ACTS and _said_by_a_thing(timing, dicts):
            continue  # "the award recognizes communities that …": a description
        if plover not in ("AGREE", "REJECT", "THREATEN", "OTHER") and _announced(timing, dicts):
            plover, evidence = _INTENDED[plover in CONCESSIVE_PLOVER], f"intent: {evidence}"
        negated = any(c.dep_ == "neg" for c in (*verb.children, *clause.children))
        if negated:
            if plover not in CONCESSIVE_PLOVER or clause.dep_ == "relcl":
                continue  # "did not attack" reports no attack; "boaters who do not pay" describes
            plover, evidence = "REJECT", f"negated {plover}: {evidence}"
        passive = any(c.dep_ in PASSIVE_SUBJECT_DEPS or c.dep_ == "auxpass" for c in verb.children)
        start = clause.idx if clause != verb else verb.idx
        yield CodedPredicate(verb, start, trigger_end, cameo, plover, negated, passive, evidence)
