"""Senses of a verb that its arguments decide, where the verb's own CAMEO code does not.

PETRARCH2 codes some verbs by their object through phrase patterns ("prevent … (from
entering)" 172, "find … dead" 190, "plead … {not guilty}" 016); these senses carry the same
reading to the arguments the dependency parse gives, typed by the Phoenix agent dictionary:
- stopping people or their attempt ("stopped hundreds of migrants", "prevented an attempt
  to storm the border", "the attempt was stopped by troops") is CAMEO 172 (COERCE), where
  "stop" alone codes nothing and "prevent" a delay (120);
- forces massed or gathering ("Poland massed thousands of soldiers", "troops gathering on
  the border") are mobilised (154, MOBILIZE); other people massing or gathering with no one
  on the other side ("migrants were massing near the border") is a happening (OTHER);
- evacuating people is EVENTS.md's RETREAT ("evacuate"), where CAMEO files it as aid (070);
- pleading guilty is a concession (CONCEDE), the converse of PETRARCH2's "plead not guilty"
  (016, a denial);
- "found dead" reports a death (EVENTS.md's OTHER), not who killed (190);
- warning someone against their own act ("warned Poland against carrying out
  provocations") asks them not to do it (REQUEST, 020), where "warn" alone threatens (130).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.events.dictionaries import CodingDictionaries
from geo.events.located import LOCATION_HEADS

if TYPE_CHECKING:
    from spacy.tokens import Token

Coded = tuple[str | None, str | None, str, int]
"""(CAMEO code, PLOVER category, evidence, trigger end char) of one verb."""

STOPPING_LEMMAS = frozenset({"stop", "prevent", "repel", "repulse", "halt", "thwart", "foil"})
MOVEMENT_NOUNS = frozenset({"attempt", "crossing", "breach", "incursion", "advance", "storming"})
"""Nouns of people's movement: stopping one stops the people making it."""
MOVING_LEMMAS = frozenset({"cross", "breach", "storm", "enter", "break", "reach", "get"})
"""What an attempt is an event for: people trying to get across or in ("attempt to storm
the border"); an attempt "to negotiate" is no happening of its own."""
ATTEMPT_LEMMAS = frozenset({"try", "attempt"})
MASSING_LEMMAS = frozenset({"mass", "amass", "gather", "assemble", "concentrate"})
FORCE_AGENTS = frozenset({"MIL", "COP", "SPY", "GOVMIL", "UAF", "REB"})
"""Phoenix agent codes of armed forces, police, security services and armed groups."""


def is_force(code: str | None) -> bool:
    """A Phoenix agent code of a force. Phoenix composes codes of three-letter roles, the
    first the main one: "military police" is MILCOP, "military intelligence" MILSPY, forces
    as "police" (COP) is; "government health" (GOVHLH) is not."""
    return code is not None and (code in FORCE_AGENTS or code[:3] in FORCE_AGENTS)


QUANTITIES = frozenset({"thousand", "hundred", "dozen", "million", "score", "number", "group"})
"""Nouns that count what their "of" phrase names."""
PEOPLE_ENTITIES = frozenset({"PERSON", "NORP"})
NEGATIONS = frozenset({"not", "n't", "no"})


def counted(noun: Token) -> Token:
    """What a quantity counts: "hundreds of migrants" stands for the migrants."""
    if noun.like_num or noun.lemma_.lower() in QUANTITIES:
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        return pobj
    return noun


def agent_code(noun: Token, dicts: CodingDictionaries) -> str | None:
    """The Phoenix agent code of a noun with its modifiers, longest phrase first:
    "national security forces" (MIL) where "forces" alone is no agent."""
    first = noun.i
    while (
        first > 0
        and noun.doc[first - 1].dep_ in ("compound", "amod")
        and (noun.doc[first - 1].head.i >= first)
    ):
        first -= 1
    words = [t.lower_ for t in noun.doc[first : noun.i + 1]]
    for start in range(len(words)):
        entry = dicts.agent(" ".join(words[start:]))
        if entry is None and start == len(words) - 1:
            entry = dicts.agent(noun.lemma_.lower())
        if entry is not None:
            return entry.code
    return None


def _people(noun: Token, dicts: CodingDictionaries) -> bool:
    """A person, a people or a Phoenix agent; a bare count ("thousands more gathered")
    counts people too."""
    if noun.ent_type_ in PEOPLE_ENTITIES or agent_code(noun, dicts) is not None:
        return True
    return noun.lemma_.lower() in QUANTITIES and noun.pos_ == "NOUN"


def _patients(verb: Token) -> list[Token]:
    """Who or what the verb acts on: its object, or a passive's subject."""
    deps = ("nsubjpass",) if any(c.dep_ == "auxpass" for c in verb.children) else ("dobj",)
    found = [c for c in verb.children if c.dep_ in deps]
    return [counted(t) for head in found for t in (head, *head.conjuncts)]


def _doers(verb: Token) -> list[Token]:
    """Who does an intransitive verb: its subject, or the noun a participle modifies."""
    if verb.dep_ == "acl":
        return [counted(verb.head)]
    return [counted(c) for c in verb.children if c.dep_ == "nsubj"]


def _words_after(verb: Token, n: int = 3) -> list[str]:
    return [t.lower_ for t in verb.doc[verb.i + 1 : verb.i + 1 + n]]


def _warned_against_own_act(verb: Token, dicts: CodingDictionaries) -> bool:
    """ "Warned Poland against carrying out provocations", "warning the migrants that
    crossing is illegal": the one warned is asked not to act (CAMEO 02, as PETRARCH2's
    "warn … (against pullout)" 020), no threat of the speaker's."""
    addressees = [c for c in verb.children if c.dep_ in ("dobj", "dative")]
    if not any(_people(a, dicts) or a.pos_ == "PROPN" for a in addressees):
        return False
    against = any(
        c.dep_ == "prep" and c.lower_ == "against" and any(g.dep_ == "pcomp" for g in c.children)
        for c in verb.children
    )
    return against or any(
        c.dep_ == "ccomp" and not _speakers_own_act(c, verb) for c in verb.children
    )


def _speakers_own_act(content: Token, verb: Token) -> bool:
    """ "Russia warned Ukraine that it would respond with force": what the warner itself would
    do is a threat (130), not a request to the one warned."""
    subjects = [c for c in content.children if c.dep_ in ("nsubj", "nsubjpass")]
    warners = {t.i for c in verb.children if c.dep_ == "nsubj" for t in c.subtree}
    return any(s.lower_ in SPEAKER_PRONOUNS or s.i in warners for s in subjects)


SPEAKER_PRONOUNS = frozenset({"it", "we", "i"})


NATURAL_FORCES = frozenset(
    {"epidemic", "pandemic", "outbreak", "disease", "virus", "flu", "cholera", "ebola"}
    | {"flood", "flooding", "fire", "blaze", "wildfire", "storm", "hurricane", "cyclone"}
    | {"typhoon", "tornado", "earthquake", "quake", "tsunami", "landslide", "drought"}
    | {"explosion", "accident", "crash", "heat", "cold", "frost", "rain", "snow", "smoke"}
    | {"water", "rainfall", "wind", "avalanche", "mudslide", "lava", "wave"}
)
"""What kills or destroys without an actor behind it: a subject headed by one makes violence
a happening (OTHER) and any other act no event."""


def _by_natural_force(verb: Token) -> bool:
    """ "Severe flooding has affected over 100,000 people", "the epidemic continues to rage":
    what a flood, fire or epidemic does is a happening (EVENTS.md's OTHER: a natural
    disaster), whether or not CAMEO codes its verb (it codes acts of actors)."""
    doers = _doers(verb)
    if not doers and verb.dep_ in ("xcomp", "conj"):
        doers = _doers(verb.head)
    return bool(doers) and all(d.lemma_.lower() in NATURAL_FORCES for d in doers)


VERBAL_CODES = ("01", "02", "03", "04", "05", "10", "11", "12", "13")
"""CAMEO's codes of saying, asking, offering, meeting and threatening: "warned of flooding",
"discussed the epidemic" talk about the force, they do nothing to it."""


ATTITUDE_LEMMAS = frozenset(
    {"fear", "dread", "predict", "forecast", "anticipate", "expect", "foresee", "face", "risk"}
)
"""Verbs of looking ahead at a force ("feared a flood", "face drought"): nothing done to it."""


def _acted_on_a_natural_force(verb: Token, dicts: CodingDictionaries) -> bool:
    """ "Firefighters put out a blaze", "once the fire was extinguished", "contained the
    outbreak": what is done to a fire, a flood or an epidemic is part of that happening
    (EVENTS.md's OTHER), whether or not CAMEO codes its verb, unless the verb only speaks
    of it."""
    if verb.lemma_.lower() in ATTITUDE_LEMMAS:
        return False
    if any(c.dep_ in ("xcomp", "ccomp") for c in verb.children):
        return False  # "the virus was reported to have been found": what was said of it
    patients = _patients(verb)
    if not patients or not all(p.lemma_.lower() in NATURAL_FORCES for p in patients):
        return False
    entry = dicts.verb(verb.lemma_.lower())
    return entry is None or not (entry.cameo or "").startswith(VERBAL_CODES)


LEGISLATING_LEMMAS = frozenset({"pass", "enact"})
LEGISLATION_NOUNS = frozenset(
    {"law", "bill", "act", "legislation", "amendment", "budget", "statute", "ordinance"}
)
"""What a legislature passes: CAMEO files "pass" under yielding (080, allow),
but a law passed is a specific happening that fits no class (EVENTS.md's OTHER)."""


def _legislates(verb: Token) -> bool:
    return any(p.lemma_.lower() in LEGISLATION_NOUNS for p in _patients(verb))


LEGAL_ACTION = "173"
LEGAL_ACTION_BLOCKS = frozenset({"sue", "prosecute", "blame"})
"""CAMEO 173 joins arrest and "charge with legal action"; EVENTS.md files the second
("charge, sue", with investigating) under ACCUSE: PETRARCH2's sue, prosecute and blame
blocks (indict, sue, prosecute), not its apprehend and confine blocks (arrest, detain)."""


def _block(verb: Token, dicts: CodingDictionaries) -> str | None:
    entry = dicts.verb(verb.lemma_.lower()) or dicts.verb(verb.lower_)
    return entry.block if entry is not None else None


OBSTRUCTING_BLOCKS = frozenset({"exclude"})
"""PETRARCH2's block of blocking, blockading, shunning (CAMEO 170 for a state)."""
STATE_AGENTS = frozenset({"GOV", "MIL", "COP", "SPY", "JUD", "LEG", "GOVMIL", "UAF"})


def _by_civilians(verb: Token, dicts: CodingDictionaries) -> bool:
    """ "Farmers blocked roads", "truckers blockaded the border": people who hold no office
    obstructing passage protest (CAMEO 144, obstruct passage, block); a state or its forces
    doing it coerce (170)."""
    doers = _doers(verb)
    if not doers:
        return False
    for doer in doers:
        if doer.pos_ == "PROPN" or doer.ent_type_ in ("GPE", "ORG", "PERSON"):
            return False
        if not _people(doer, dicts) and not (doer.tag_ == "NNS" and doer.pos_ == "NOUN"):
            return False
        if agent_code(doer, dicts) in STATE_AGENTS:
            return False
    return True


DAMAGING_LEMMAS = frozenset({"damage"})
"""CAMEO's "damage" (180, hurt) hurts people; damaging a thing is 171 (seize or damage
property), COERCE."""


def _damages_property(verb: Token, dicts: CodingDictionaries) -> bool:
    patients = _patients(verb)
    return bool(patients) and not any(
        _people(p, dicts)
        or p.pos_ == "PROPN"
        or p.ent_type_
        or p.lemma_.lower() in LOCATION_HEADS
        or p.lower_ in ("him", "her", "them", "us", "me")
        for p in patients
    )


CANCELLING_BLOCKS = frozenset({"cancel"})
TIES = frozenset({"membership", "ties", "relations", "cooperation"})
"""What a state suspends or ends to reduce relations (CAMEO 16; EVENTS.md's SANCTION: "cut
ties", "suspend membership"), besides the treaties of CAMEO's &treaty synset."""


def _ends_ties(verb: Token, dicts: CodingDictionaries) -> bool:
    """ "Belarus suspended a migration agreement with the EU", "suspended Mali's membership":
    PETRARCH2's cancel block (suspend, halt, end, terminate) codes such objects only by
    pattern, and has none for a treaty or a membership."""
    treaties = {p.split()[-1] for p in dicts.synset("&treaty") if p.split()}
    return any(p.lemma_.lower() in treaties | TIES for p in _patients(verb))


EXPELLING_LEMMAS = frozenset({"expel", "deport", "oust"})
DIPLOMATIC_AGENTS = frozenset({"GOV"})
"""Expelling a state's ambassador or diplomats (Phoenix GOV agents) is CAMEO 166 (expel or
withdraw), EVENTS.md's SANCTION ("expel diplomats"), where "expel" alone deports (174)."""
POLICING_AGENTS = frozenset({"COP", "SPY"})
"""A raid by police or security services is EVENTS.md's COERCE ("raid"); CAMEO's "raid"
(190) is the armed assault it is when soldiers or gunmen raid a village."""
CAMEO_SENSES = {
    "mediate": ("045", "CONSULT"), "intercede": ("045", "CONSULT"),
    "arbitrate": ("045", "CONSULT"), "negotiate": ("046", "CONSULT"),
}  # fmt: skip
"""Verbs PETRARCH2 files in its compromise block under yielding (080, CONCEDE) that CAMEO's
codebook names by their own codes, 045 (mediate) and 046 (engage in negotiation): PLOVER's
and EVENTS.md's CONSULT ("negotiate, mediate")."""
EXERCISE_NOUNS = frozenset({"exercise", "drill", "manoeuvre", "maneuver", "war-game", "wargame"})
"""Military exercises held or staged are a show of force (CAMEO 150, EVENTS.md's MOBILIZE:
"hold military exercises"), where PETRARCH2's "hold joint exercises" is cooperation (062)."""
TALKED_ABOUT = frozenset({"CONSULT", "ACCUSE", "REQUEST", "REJECT", "SUPPORT"})
"""Acts of talking, whose object is a topic: "discussed the military drills", "condemned the
exercises" hold none (the exercises' MOBILIZE is for "held", "conducted", "launched")."""


RETURNING_LEMMAS = frozenset({"return", "go", "head", "fly"})
"""People going back home withdraw (CAMEO 087, RETREAT: "hundreds of Iraqis returned home
on the first repatriation flight"), where "return" codes nothing and "go" a trip (040)."""


PLACE_LEFT_DEPS = frozenset({"dobj"})
DESTINATION_PREPOSITIONS = frozenset({"for", "to"})


def _leaves_a_place(verb: Token) -> bool:
    """ "2,000 migrants had left a makeshift encampment", "left the country": leaving a place
    with no destination is a withdrawal (CAMEO 087, RETREAT); CAMEO's 040 for "leave" is a
    trip ("left for Moscow"), and "left 2,000 migrants stranded" leaves people."""
    if any(c.dep_ == "prep" and c.lower_ in DESTINATION_PREPOSITIONS for c in verb.children):
        return False
    objects = [c for c in verb.children if c.dep_ in PLACE_LEFT_DEPS]
    if not objects:
        return False
    return all(
        o.pos_ in ("NOUN", "PROPN")
        and o.ent_type_ not in ("PERSON", "NORP", "CARDINAL")
        and not any(c.dep_ in ("acl", "amod") and c.tag_ == "VBN" for c in o.children)
        and not o.like_num
        for o in (counted(x) for x in objects)
    ) and not any(c.dep_ in ("oprd", "ccomp", "xcomp") for c in verb.children)


QUESTION_MARKS = frozenset({"if", "whether"})


def _asks_a_question(verb: Token) -> bool:
    """ "Asked him if he was O'Connor": an appeal verb whose complement is a question asks
    for an answer, no appeal or request (CAMEO 02 asks someone to act)."""
    for child in verb.children:
        if child.dep_ == "ccomp" and any(
            m.dep_ == "mark" and m.lower_ in QUESTION_MARKS for m in child.children
        ):
            return True
    return False


def _attempts_to_get_in(verb: Token) -> bool:
    """People trying to get across or in ("migrants were attempting to cross the border",
    "had again tried to breach its border"): the attempt is the happening, as the noun's is
    ("an attempt to storm the border", nouns.py), whether or not it succeeded."""
    return any(c.dep_ == "xcomp" and c.lemma_.lower() in MOVING_LEMMAS for c in verb.children)


PLACING_BLOCKS = frozenset({"arrange"})
"""PETRARCH2's block of placing (place, put, set), whose "(in &detention)" pattern is 173."""


def _placed_under(verb: Token, dicts: CodingDictionaries) -> str | None:
    """Someone placed or put "under arrest", "under house arrest": the coercion the noun's own
    verb codes (arrest, 173), as the block's pattern "place … (in &detention)" does."""
    if _block(verb, dicts) not in PLACING_BLOCKS:
        return None
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("under", "into"):
            continue
        for noun in prep.children:
            entry = dicts.verb(noun.lemma_.lower()) if noun.dep_ == "pobj" else None
            if entry is not None and (entry.cameo or "").startswith("17"):
                return entry.cameo
    return None


SEIZING_BLOCKS = frozenset({"apprehend"})
"""PETRARCH2's block of seizing (take, catch, seize: 171), whose verbs are light verbs with
a bare singular noun: "take place", "take part", "take responsibility", "caught fire"."""


def _light_object(verb: Token) -> bool:
    """An object that is a bare singular common noun: no article, possessor or number."""
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if len(objects) != 1 or objects[0].tag_ != "NN":
        return False
    return not any(c.dep_ in ("det", "poss", "nummod") for c in objects[0].children)


FAILING_BLOCKS = frozenset({"fail"})
"""PETRARCH2 codes a bare "fail" 120 (reject): "talks failed". Failing to do something
("Iraqis who had failed to cross into the EU") refuses nothing; it is the act not done."""

COOPERATIVE_CODES = ("03", "04", "05", "06", "07", "08")
"""CAMEO's codes of agreeing, meeting, cooperating, aiding and yielding: failing to agree,
to comply or to cooperate with someone is the refusal (120) CAMEO means."""


def _failed_to_do(verb: Token, dicts: CodingDictionaries) -> bool:
    for xcomp in (c for c in verb.children if c.dep_ == "xcomp"):
        entry = dicts.verb(xcomp.lemma_.lower())
        return entry is None or not (entry.cameo or "").startswith(COOPERATIVE_CODES)
    return False


TALKING_BLOCKS = frozenset({"confer"})
"""PETRARCH2's block of talking (speak, talk, converse, discuss), whose "(by telephone)",
"(in call)" patterns are 041."""
MEANS_PREPOSITIONS = frozenset({"by", "over", "via", "on", "in", "during"})


def _talked_by_phone(verb: Token, dicts: CodingDictionaries) -> str | None:
    """Talking "by phone", "on the phone", "in a call": the consultation (041) the means'
    own verb codes (phone, telephone, call: the CALL block), as the talking block's own
    "(by telephone)" pattern does for its one spelling."""
    if _block(verb, dicts) not in TALKING_BLOCKS:
        return None
    for prep in verb.children:
        if prep.dep_ not in ("prep", "agent") or prep.lower_ not in MEANS_PREPOSITIONS:
            continue
        objects = [o for o in prep.children if o.dep_ == "pobj"]
        # "by phone Friday" is parsed with "phone" a compound of the day
        nouns = objects + [c for o in objects for c in o.children if c.dep_ == "compound"]
        for noun in nouns:
            entry = dicts.verb(noun.lemma_.lower())
            if entry is not None and (entry.cameo or "").startswith(PHONE_CONSULTATION):
                return entry.cameo
    return None


PHONE_CONSULTATION = "041"


def argument_sense(verb: Token, coded: Coded, dicts: CodingDictionaries) -> Coded:
    """The verb's coding with the sense its arguments give, or `coded` unchanged."""
    cameo, plover, evidence, trigger_end = coded
    lemma = verb.lemma_.lower()
    if lemma == "warn" and _warned_against_own_act(verb, dicts):
        return "020", "REQUEST", "sense by argument: warned someone against", trigger_end
    if lemma in ATTEMPT_LEMMAS and _attempts_to_get_in(verb):
        return cameo, "OTHER", f"happening: {lemma} to get across", trigger_end
    placed = _placed_under(verb, dicts) if plover is None else None
    if placed is not None:
        return placed, dicts.plover(placed), f"sense by argument: {lemma} under", trigger_end
    if _block(verb, dicts) in FAILING_BLOCKS and _failed_to_do(verb, dicts):
        return cameo, None, f"{lemma} to: an act not done, no refusal", trigger_end
    seizing = _block(verb, dicts) in SEIZING_BLOCKS and not evidence.startswith("CAMEO pattern")
    if seizing and _light_object(verb):
        return cameo, None, f"light verb: {lemma} with a bare noun", trigger_end
    phoned = _talked_by_phone(verb, dicts)
    if phoned is not None:
        return phoned, dicts.plover(phoned), f"sense by argument: {lemma} by phone", trigger_end
    if _by_natural_force(verb):
        return cameo, "OTHER", f"happening: {lemma} by a natural force", trigger_end
    if _acted_on_a_natural_force(verb, dicts):
        return cameo, "OTHER", f"happening: {lemma} a natural force", trigger_end
    if lemma in LEGISLATING_LEMMAS and _legislates(verb):
        return cameo, "OTHER", f"sense by argument: {lemma} a law", trigger_end
    if (cameo or "").startswith("02") and _asks_a_question(verb):
        return cameo, None, "a question asked, no appeal", trigger_end
    held = plover not in ("OTHER", *TALKED_ABOUT)  # "discussed the drills": their topic
    if held and any(p.lemma_.lower() in EXERCISE_NOUNS for p in _patients(verb)):
        return "150", "MOBILIZE", f"sense by argument: {lemma} exercises", trigger_end
    if cameo == LEGAL_ACTION and plover == "COERCE" and _block(verb, dicts) in LEGAL_ACTION_BLOCKS:
        return cameo, "ACCUSE", f"legal action (EVENTS.md ACCUSE): {evidence}", trigger_end
    if lemma in EXPELLING_LEMMAS and any(
        agent_code(o, dicts) in DIPLOMATIC_AGENTS for o in _patients(verb)
    ):
        return "166", "SANCTION", f"sense by argument: {lemma} diplomats", trigger_end
    if cameo == "170" and _block(verb, dicts) in OBSTRUCTING_BLOCKS and _by_civilians(verb, dicts):
        return "144", "PROTEST", f"sense by actor: {lemma} by civilians (CAMEO 144)", trigger_end
    if lemma in DAMAGING_LEMMAS and _damages_property(verb, dicts):
        return "171", "COERCE", f"sense by argument: {lemma} property (171)", trigger_end
    if plover is None and _block(verb, dicts) in CANCELLING_BLOCKS and _ends_ties(verb, dicts):
        return "160", "SANCTION", f"sense by argument: {lemma} ties (160)", trigger_end
    if evidence.startswith("CAMEO pattern") and lemma != "find":
        return coded  # the dictionary's own pattern says what was meant
    if lemma in STOPPING_LEMMAS:
        patients = _patients(verb)
        if any(_people(p, dicts) or p.lemma_.lower() in MOVEMENT_NOUNS for p in patients):
            return "172", "COERCE", f"sense by argument: {lemma} people", trigger_end
        return coded
    if lemma in MASSING_LEMMAS:
        objects = _patients(verb)
        people = objects or _doers(verb)
        codes = [agent_code(p, dicts) for p in people]
        if any(is_force(c) for c in codes):
            return "154", "MOBILIZE", f"sense by argument: {lemma} forces", trigger_end
        if not objects and people and all(_people(p, dicts) for p in people):
            return cameo, "OTHER", f"sense by argument: people {lemma}", trigger_end
        return coded
    if lemma in RETURNING_LEMMAS and any(c.lower_ == "home" for c in verb.children):
        return "087", "RETREAT", f"sense by argument: {lemma} home", trigger_end
    if lemma == "leave" and _leaves_a_place(verb):
        return "087", "RETREAT", "sense by argument: left a place", trigger_end
    if lemma in CAMEO_SENSES:
        code, category = CAMEO_SENSES[lemma]
        return code, category, f"CAMEO {code} by name: {lemma} ({evidence})", trigger_end
    if lemma == "save" and any(_people(p, dicts) for p in _patients(verb)):
        return "073", "AID", "sense by argument: saved people (rescue)", trigger_end
    if lemma == "raid" and any(agent_code(d, dicts) in POLICING_AGENTS for d in _doers(verb)):
        return "170", "COERCE", "sense by actor: a police raid (EVENTS.md COERCE)", trigger_end
    if lemma == "evacuate":
        return cameo, "RETREAT", "sense by argument: evacuate (EVENTS.md RETREAT)", trigger_end
    if lemma == "plead":
        after = _words_after(verb)
        if "guilty" in after and not NEGATIONS & set(after):
            return cameo, "CONCEDE", "sense by argument: plead guilty", trigger_end
        return coded
    if lemma == "find" and "dead" in _words_after(verb, 4):
        return cameo, "OTHER", "sense by argument: found dead (a death)", trigger_end
    return coded
