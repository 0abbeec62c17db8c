"""Predicates of a parsed sentence, coded with PETRARCH2's CAMEO verb dictionary.

Each verb of the dependency parse is looked up by lemma, with its particles ("call off",
"ask for"), then the phrase patterns of its verb block are tried on the words around it
("condemn … {suicide bombing}" 111, "call … (to) congratulate" 013): the most specific
pattern that matches gives the CAMEO code, else the verb's own code. The official CAMEO to
PLOVER table gives the category. A verb or pattern with no code is no event, as in PETRARCH.

The gate around it (EVENTS.md: an identifiable actor did or said something specific, at a
particular time) is grammatical: finite, realised clauses only; hypotheticals (modals,
"if"), questions, negated non-concessions and descriptions in the present tense give none.
The walk over a sentence's verbs that applies it is `clauses.coded_predicates`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.events.coding_entries import VerbEntry, VerbPattern
from geo.events.dictionaries import CodingDictionaries
from geo.events.senses import agent_code, counted

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


APPEAL_PLOVER = "REQUEST"
"""CAMEO 02 (make an appeal or request) is left out of the official table, which maps
CAMEO 10 (demand) to PLOVER's REQUEST; PLOVER's own definition of REQUEST covers appeals."""

EVENTS_MD_SENSES = {
    "016": "REJECT",  # deny responsibility, "rejected the accusations": EVENTS.md's REJECT
    "057": "AGREE",  # sign a formal agreement: EVENTS.md's AGREE ("sign an agreement")
    "0841": "CONCEDE",  # release persons or property: EVENTS.md's CONCEDE ("release")
    "085": "CONCEDE",  # ease restrictions: EVENTS.md's CONCEDE ("ease or lift restrictions")
    "163": "SANCTION",  # impose an embargo or sanctions: EVENTS.md's SANCTION
    "1712": "COERCE",  # destroy property: with 171 (seize or damage property), no violence
    "0811": "CONCEDE",
    "0812": "CONCEDE",
    "0813": "CONCEDE",
    "0814": "CONCEDE",
}
"""Where the project's event conventions (../shared/gold/EVENTS.md, which the gold follows)
file a CAMEO code under another PLOVER category than the official table does."""

EVENTS_MD_BLOCKS = {"agree": ("AGREE", "050"), "refuse": ("REJECT", "120")}
WITHDRAWAL_BLOCKS = {"retreat": ("RETREAT", "087")}
"""PETRARCH2's retreat block (withdraw, retreat, pull back, pull out, disengage) carries the
generic yield code 080 (CONCEDE); withdrawing is CAMEO 087 (de-escalate military
engagement), PLOVER's and EVENTS.md's RETREAT, for the bare verb and its phrases alike,
unless what is withdrawn is a thing ("withdrew the bill": a retraction, 080, CONCEDE)."""


def _withdraws_a_thing(verb: Token, dicts: CodingDictionaries) -> bool:
    objects = [counted(c) for c in verb.children if c.dep_ == "dobj"]
    people = ("PERSON", "NORP", "ORG", "GPE")
    return bool(objects) and not any(
        o.ent_type_ in people or agent_code(o, dicts) or o.lemma_.lower() in FORCE_NOUNS
        for o in objects
    )


FORCE_NOUNS = _wordset("troop force soldier army unit personnel")
"""Verb blocks whose bare verb EVENTS.md types otherwise, with the CAMEO code kept: "agreed"
is AGREE there, where the table's 050 (diplomatic cooperation) makes it SUPPORT; "rejected",
"denied", "refused" are REJECT there, where PETRARCH2 codes the REFUSE block [---] (no event
unless a pattern says what was refused)."""

STATEMENT_PREFIX = "01"
"""CAMEO 01 (make a public statement) is no PLOVER event: what was said is coded instead."""

HAPPENINGS = _wordset(
    "die occur happen erupt crash collapse explode derail sink capsize drown flood burn "
    "infect spread strike_down break_out catch_fire elect win lose resign convict acquit "
    "sentence rule launch open inaugurate"
)
"""Specific happenings outside CAMEO's scope (accidents, disasters, deaths, elections,
verdicts, launches): PLOVER's OTHER. Used only where the CAMEO dictionary codes nothing,
and for "die", which PETRARCH2 files under killing (190): a death is not an assault."""

VERDICT_LEMMAS = frozenset({"convict", "acquit"})
"""A court verdict is EVENTS.md's OTHER; CAMEO files "convict" with arrests (173)."""

OVERRIDDEN_BLOCKS = frozenset({"die"})
"""Verb blocks whose bare verb is a happening (OTHER) unless a pattern codes it."""

MODALS_HYPOTHETICAL = _wordset("could might may should would must can ought shall")
"""Auxiliaries of a clause that has not happened ("will" announces a fixed future: kept)."""

CONDITIONAL_MARKS = _wordset("if unless whether lest")
EPISTEMIC_ADVERBS = _wordset("maybe perhaps possibly probably presumably")
"""Adverbs of a guess: the clause is not reported as having happened."""
EPISTEMIC_ADJECTIVES = _wordset("possible likely probable unlikely conceivable plausible")
"""Their adjectives: "it is likely that Belarus helped them" guesses as "probably" does."""
STATIVE_LEMMAS = _wordset(
    "be have seem appear remain become consist contain include belong exist lie live know "
    "believe think want need like mean represent cost weigh look feel hope wish matter "
    "deserve own possess resemble depend involve concern equal remember"
)
"""Main verbs that describe a state, not something happening."""

INTENT_LEMMAS = _wordset("want hope plan intend expect seek aim wish prepare")
"""Verbs whose infinitive is not (yet) an event: "plans to visit"."""

ASPECTUAL_LEMMAS = _wordset("begin start continue resume manage keep")
"""Verbs whose infinitive or gerund is the event: "began shelling", "continued to march"."""

CONCESSIVE_PLOVER = frozenset(
    {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"}
)
"""A refused concession is a rejection: "will not kneel", "did not agree"."""

REALISED_DEPS = frozenset({"ROOT", "conj", "ccomp", "advcl", "parataxis", "relcl", "xcomp"})
"""Clauses a predicate can head; participles modifying nouns (acl, amod) describe."""

OWN_CLAUSE_DEPS = frozenset({"ccomp", "conj", "advcl", "parataxis", "relcl", "csubj"})
NESTED_CLAUSE_DEPS = OWN_CLAUSE_DEPS | {"acl"}
"""A pattern's words must be the verb's own: "sanctions on the regime, which has crushed
the opposition" is no pattern "… opposition" of "announced"."""
SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
MARKERS = frozenset({"", "$", "+", "%", "^", "_", "*", "-"})
WINDOW = 12
"""Words after (and half as many before) a verb that its patterns may reach."""


@dataclass(frozen=True)
class CodedPredicate:
    """One verb of a sentence that the dictionaries code as an event."""

    verb: Token
    """The predicate's head verb: subjects and objects hang from it."""
    trigger_start: int
    trigger_end: int
    cameo: str | None
    plover: str
    negated: bool
    passive: bool
    evidence: str
    """The dictionary entry or pattern that coded it, for the event's provenance."""
    target_heads: tuple[Token, ...] | None = None
    """The target's phrases where they are not the verb's objects (a statement's target is
    whom its content is about); None for the verb's own."""


def _pattern_words(
    tokens: tuple[str, ...], dicts: CodingDictionaries
) -> tuple[frozenset[str], ...]:
    """A pattern side as the words it needs, in order; markers and brackets dropped, a
    synset standing for any of its phrases' head words (worked out once a pattern: _needed)."""
    needed = []
    for raw in tokens:
        word = raw.strip("(){}").lower()
        if word in MARKERS:
            continue
        if word.startswith("&"):
            heads = frozenset(p.split()[-1] for p in dicts.synset(word) if p.split())
            if heads:
                needed.append(heads)
            continue
        needed.append(frozenset({word}))
    return tuple(needed)


def _subsequence(needed: Sequence[frozenset[str]], window: Sequence[tuple[str, str]]) -> bool:
    i = 0
    for text, lemma in window:
        if i < len(needed) and (text in needed[i] or lemma in needed[i]):
            i += 1
    return i == len(needed)


def _windows(
    verb: Token, sentence: SpacySpan
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(words before, words after) the verb within its own clause, lower-case text and lemma."""
    doc = verb.doc
    subtree = set(range(verb.left_edge.i, verb.right_edge.i + 1))  # a subtree is contiguous
    for token in verb.subtree:  # clauses of their own, at any depth, are coded on their own
        nested = token.dep_ in NESTED_CLAUSE_DEPS and (
            token.pos_ in ("VERB", "AUX") or token.head == verb
        )
        if token != verb and nested:
            subtree.difference_update(range(token.left_edge.i, token.right_edge.i + 1))
    words = [(i, doc[i]) for i in sorted(subtree) if sentence.start <= i < sentence.end]
    after = [(t.lower_, t.lemma_.lower()) for i, t in words if i > verb.i and not t.is_punct]
    before = [(t.lower_, t.lemma_.lower()) for i, t in words if i < verb.i and not t.is_punct]
    return before[-WINDOW // 2 :], after[:WINDOW]


def _particle_follows(verb: Token, word: str) -> bool:
    """A phrase's first word right after the verb, or its particle after an object ("call
    the meeting off"); a preposition after the object is not the phrase's ("asked Western
    allies for weapons" is no "ask for", which PETRARCH2 files under inviting)."""
    doc = verb.doc
    if verb.i + 1 < len(doc) and doc[verb.i + 1].lower_ == word:
        return True
    return any(c.dep_ == "prt" and c.lower_ == word for c in verb.children)


def _matched_entry(verb: Token, entries: Sequence[VerbEntry]) -> VerbEntry | None:
    """The multi-word entry whose particles follow (and whose prefix precedes) the verb."""
    doc = verb.doc
    best: tuple[int, VerbEntry] | None = None
    for entry in entries:
        if not entry.before and not entry.after:
            continue
        after = [t.lower_ for t in doc[verb.i + 1 : verb.i + 1 + len(entry.after) + 2]]
        before = [t.lower_ for t in doc[max(0, verb.i - len(entry.before)) : verb.i]]
        if entry.before and list(entry.before) != before[-len(entry.before) :]:
            continue
        needed = [frozenset({w}) for w in entry.after]
        if entry.after and not _subsequence(needed, [(w, w) for w in after]):
            continue
        if entry.after and not _particle_follows(verb, entry.after[0]):
            continue
        size = len(entry.before) + len(entry.after)
        if best is None or size > best[0] or (size == best[0] and entry.line > best[1].line):
            best = (size, entry)  # a phrase defined twice: the later definition, as in a
    return best[1] if best else None  # dictionary read in order ("pull out": retreat)


_Words = tuple[frozenset[str], ...]
_NEEDED: dict[int, tuple[VerbPattern, _Words, _Words, bool]] = {}
"""Each pattern's needed words (after, before) and whether they are function words only,
worked out once per pattern object: the coding tries thousands of patterns a sentence."""


def _needed(pattern: VerbPattern, dicts: CodingDictionaries) -> tuple[_Words, _Words, bool]:
    cached = _NEEDED.get(id(pattern))
    if cached is None or cached[0] is not pattern:
        from spacy.lang.en.stop_words import STOP_WORDS

        after = _pattern_words(pattern.after, dicts)
        before = _pattern_words(pattern.before, dicts)
        function_only = all(words <= STOP_WORDS for words in (*after, *before))
        cached = (pattern, after, before, function_only)
        _NEEDED[id(pattern)] = cached
    return cached[1], cached[2], cached[3]


PARTICLE_DEPS = frozenset({"prep", "prt", "advmod", "dative"})


def _particles(verb: Token) -> list[tuple[str, str]]:
    """The verb's own particles, in order: its prepositions and adverbs after it, and the
    word right after it when that is a function word ("called for the Commission to
    support", where the parse hangs "for" from "support")."""
    found = {c.i: c for c in verb.children if c.i > verb.i and c.dep_ in PARTICLE_DEPS}
    doc = verb.doc
    if verb.i + 1 < len(doc) and doc[verb.i + 1].pos_ in ("ADP", "SCONJ", "PART", "ADV"):
        found.setdefault(verb.i + 1, doc[verb.i + 1])
    return [(t.lower_, t.lemma_.lower()) for _, t in sorted(found.items())]


def _best_pattern(
    patterns: Sequence[VerbPattern],
    before: Sequence[tuple[str, str]],
    after: Sequence[tuple[str, str]],
    dicts: CodingDictionaries,
    verb: Token | None = None,
) -> VerbPattern | None:
    """The most specific pattern of the verb's block that matches. A pattern of function
    words only ("head * to" 030, "head * (for)" 042, "* back" 040) reads the sense of the
    verb it was written for (its origin) through the verb's own particles: "ordered the man
    to back away" is no "head to" and no "back"."""
    lemma = verb.lemma_.lower() if verb is not None else ""
    particles = _particles(verb) if verb is not None else []
    best: tuple[int, VerbPattern] | None = None
    for pattern in patterns:
        need_after, need_before, function_only = _needed(pattern, dicts)
        size = len(need_after) + len(need_before)
        if size == 0 or (best is not None and size <= best[0]):
            continue
        if verb is not None and function_only:
            if pattern.origin and pattern.origin.lower() != lemma:
                continue
            if not need_before and _subsequence(need_after, particles):
                best = (size, pattern)
            continue
        if _subsequence(need_after, after) and _subsequence(need_before, before):
            best = (size, pattern)
    return best[1] if best else None


def _plover(code: str | None, dicts: CodingDictionaries) -> str | None:
    if code in EVENTS_MD_SENSES:
        return EVENTS_MD_SENSES[code]
    if code is None or code.startswith(STATEMENT_PREFIX):
        return None
    if code.startswith("02"):
        return APPEAL_PLOVER
    return dicts.plover(code)


def _phrase_patterns(
    phrase: VerbEntry | None, single: VerbEntry | None, dicts: CodingDictionaries
) -> tuple[VerbPattern, ...]:
    """Patterns the bare verb's block writes for the phrase matched ("step … up &security"
    150 in the step block, where "step up" itself is filed in the boost block): those whose
    words after the verb start with the phrase's own and go on ("put … down riot" 175)."""
    if phrase is None or single is None or not phrase.after or single.block == phrase.block:
        return ()
    n = len(phrase.after)
    return tuple(
        p
        for p in dicts.block_patterns(single.block)
        if p.after[:n] == phrase.after and len(p.after) > n  # the particle alone: the phrase's
    )


def _code(
    verb: Token, sentence: SpacySpan, dicts: CodingDictionaries
) -> tuple[str | None, str | None, str, int]:
    """(CAMEO code, PLOVER category, evidence, trigger end char) of one verb."""
    lemma = verb.lemma_.lower()
    entries = dicts.verbs(lemma) or dicts.verbs(verb.lower_)
    phrase = _matched_entry(verb, entries)
    single = dicts.verb(lemma) or dicts.verb(verb.lower_) or dicts.verb_by_origin(lemma)
    entry = phrase or single
    trigger_end = verb.idx + len(verb.text)
    if phrase is not None and phrase.after:
        last = verb.doc[min(len(verb.doc) - 1, verb.i + len(phrase.after))]
        trigger_end = max(trigger_end, last.idx + len(last.text))
    if entry is None:
        if lemma in HAPPENINGS:
            return None, "OTHER", f"happening: {lemma}", trigger_end
        return None, None, "", trigger_end
    if lemma in VERDICT_LEMMAS:
        return entry.cameo, "OTHER", f"verdict: {lemma}", trigger_end
    before, after = _windows(verb, sentence)
    patterns = dicts.block_patterns(entry.block) + _phrase_patterns(phrase, single, dicts)
    pattern = _best_pattern(patterns, before, after, dicts, verb)
    if pattern is not None:
        evidence = (
            f"CAMEO pattern {pattern.block}: {' '.join(pattern.after) or ' '.join(pattern.before)}"
        )
        return pattern.cameo, _plover(pattern.cameo, dicts), evidence, trigger_end
    if entry.block in OVERRIDDEN_BLOCKS or (entry.cameo is None and lemma in HAPPENINGS):
        return None, "OTHER", f"happening: {lemma}", trigger_end
    evidence = f"CAMEO verb {entry.phrase} ({entry.block})"
    if entry.block in WITHDRAWAL_BLOCKS and not _withdraws_a_thing(verb, dicts):
        plover, code = WITHDRAWAL_BLOCKS[entry.block]
        return code, plover, evidence, trigger_end
    if entry is not phrase and entry.block in EVENTS_MD_BLOCKS:
        plover, code = EVENTS_MD_BLOCKS[entry.block]
        return entry.cameo or code, plover, evidence, trigger_end
    return entry.cameo, _plover(entry.cameo, dicts), evidence, trigger_end


def _children(token: Token, deps: frozenset[str] | set[str]) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


REPORTED_FUTURE = frozenset({"would", "'d"})
"""In reported speech "would" is the speaker's "will": "said he would not kneel"."""


def _reported(verb: Token, dicts: CodingDictionaries) -> bool:
    """The clause is what someone said: the complement of a statement verb (CAMEO 01)."""
    if verb.dep_ != "ccomp":
        return False
    entry = dicts.verb(verb.head.lemma_.lower())
    return entry is not None and (entry.cameo or "").startswith(STATEMENT_PREFIX)


def is_hypothetical(verb: Token, dicts: CodingDictionaries) -> bool:
    """A clause that has not happened: a modal, a condition, an imperative, a question."""
    for aux in _children(verb, {"aux", "auxpass"}):
        word = aux.lower_
        if word in REPORTED_FUTURE and _reported(verb, dicts):
            continue
        if word in MODALS_HYPOTHETICAL or aux.lemma_.lower() in MODALS_HYPOTHETICAL:
            return True
    if any(a.lower_ in EPISTEMIC_ADVERBS for a in _children(verb, {"advmod"})):
        return True  # "Maybe someone helped them": a guess, not a report
    if _guessed(verb):
        return True
    return any(m.lower_ in CONDITIONAL_MARKS for m in _children(verb, {"mark"}))


def _judged_possible(clause: Token) -> bool:
    return any(c.dep_ == "acomp" and c.lower_ in EPISTEMIC_ADJECTIVES for c in clause.children)


def _guessed(verb: Token) -> bool:
    """The clause of "it is likely that …", or the one right after "it was possible" in what
    someone said ("said it was 'absolutely possible' his forces had helped people cross")."""
    if verb.dep_ != "ccomp":
        return False
    head = verb.head
    if _judged_possible(head):
        return True
    for sibling in head.children:
        if sibling.dep_ != "ccomp" or sibling.i >= verb.i or not _judged_possible(sibling):
            continue
        expletive = any(c.dep_ == "nsubj" and c.lower_ == "it" for c in sibling.children)
        if expletive and verb.left_edge.i - sibling.right_edge.i <= 2:
            return True
    return False


def over_a_period(verb: Token) -> bool:
    """A present perfect running "since" a point sums up a period: "at least 11 migrants have
    died since the crisis began", "the regime, which has crushed the opposition since the
    election" are background and statistics (EVENTS.md), not one event."""
    perfect = any(
        a.lemma_.lower() == "have" and a.tag_ in ("VBP", "VBZ") for a in _children(verb, {"aux"})
    )
    if not perfect:
        return False
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "since":
            return True
        if child.dep_ == "advcl" and any(m.lower_ == "since" for m in _children(child, {"mark"})):
            return True
    return False


def _year(token: Token) -> bool:
    return token.like_num and len(token.text) == 4 and token.text.isdigit()


def counted_over_a_period(verb: Token) -> bool:
    """A count of people over a year is a statistic (EVENTS.md): "7,935 people tried to enter
    the bloc in 2021, up sharply from 150 last year" sums up many acts, none of them one
    event; a count on a day ("200 migrants crossed on Monday") is not."""
    subjects = [counted(c) for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    numbered = any(
        any(n.dep_ == "nummod" and n.like_num for n in s.children) or s.like_num
        for s in (*subjects, *(c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")))
    )
    if not numbered:
        return False
    clauses = [verb, *(c for c in verb.children if c.dep_ == "xcomp")]
    preps = [
        p
        for clause in clauses
        for p in clause.children
        if p.dep_ == "prep" and p.lower_ in ("in", "during", "since", "throughout")
    ]
    return any(o.dep_ == "pobj" and _year(o) for p in preps for o in p.children)


VERBAL_ACTS = frozenset({"ACCUSE", "REJECT", "REQUEST", "THREATEN", "SUPPORT"})
"""Acts done by saying: in news the present simple reports them as current ("Belarus accuses
Poland of …", "Lukashenko denies the allegations"), not as habits."""


def _is_finite_event(verb: Token, sentence: SpacySpan, plover: str | None = None) -> bool:
    """Realised and situated in time: past, perfect, progressive, passive or announced
    ("will"); a present simple only in a headline (news headlines narrate in the present)
    or for an act done by saying."""
    tag = verb.tag_
    auxes = _children(verb, {"aux", "auxpass"})
    if tag == "VBD":
        return True
    if tag == "VBN" and not auxes and _children(verb, {"nsubj"}):
        return True  # "as thousands more gathered": a past tense tagged as a participle
    if tag in ("VBN", "VBG") and auxes:
        return True
    if tag == "VB" and any(a.lower_ in ("will", "did", "'ll", "wo", "would") for a in auxes):
        return True
    if tag == "VB" and not auxes and _children(verb, SUBJECT_DEPS):
        tag = "VBP"  # "Putin, Lukashenko discuss …": a headline's present, tagged as a base form
    if tag in ("VBZ", "VBP"):
        if plover in VERBAL_ACTS and not auxes:
            return True
        return headline(sentence)
    return False


TERMINAL_MARKS = (".", "!", "?", '"', "”")


def headline(sentence: SpacySpan) -> bool:
    """A headline or deck line, which narrates in the present: a line with no closing mark,
    or a sentence only such lines precede that opens a longer text ("DNR tickets boaters.
    HAMMOND, Ind. (AP) …": the LGL and feed headline given a full stop). A text that is the
    sentence alone (a quotation, a coder's test sentence) is no headline."""
    if not sentence.text.rstrip().endswith(TERMINAL_MARKS):
        return True
    text = sentence.doc.text
    before, after = text[: sentence.start_char], text[sentence.end_char :]
    return not any(c in before for c in ".!?") and any(c.isalpha() for c in after)


FUTURE_AUXILIARIES = frozenset({"will", "'ll", "shall", "wo"})
_INTENDED = {True: "AGREE", False: "THREATEN"}
"""An act announced for the future is a commitment, not the act: PLOVER's AGREE for a
cooperative one ("will visit Albania", "will provide aid"; CAMEO 03, express intent) and
THREATEN for a conflictual one ("will impose sanctions"; CAMEO 13)."""


def _announced(verb: Token, dicts: CodingDictionaries) -> bool:
    for aux in _children(verb, {"aux"}):
        if aux.lower_ in FUTURE_AUXILIARIES:
            return True
        if aux.lower_ in REPORTED_FUTURE and _reported(verb, dicts):
            return True
    return False


def _believed(verb: Token) -> bool:
    """What someone thinks, hopes or fears happened is not reported as happening:
    "Police thought the issue had been resolved"."""
    return verb.dep_ == "ccomp" and verb.head.lemma_.lower() in STATIVE_LEMMAS | INTENT_LEMMAS


def participle_anchor(verb: Token) -> Token | None:
    """For a bare participle ("denied the claim, criticising the EU", "a statement calling
    on member states", "soldiers approaching the camps"), the verb whose clause situates it
    in time: the verb it is adjoined to, or the one governing the noun it modifies."""
    if verb.tag_ != "VBG" or verb.dep_ not in ("advcl", "acl"):
        return None
    if _children(verb, {"aux", "auxpass", "mark", "nsubj", "nsubjpass"}):
        return None
    head = verb.head
    for _ in range(4):
        if head.pos_ in ("VERB", "AUX"):
            return head if head.dep_ in REALISED_DEPS else None
        if head.head == head:
            return None
        head = head.head
    return None


ANNOUNCING_NOUNS = _wordset("statement announcement message letter video appeal call decree order")
"""Nouns of a message whose participle is its author's act ("a statement calling on")."""


def _acting_noun(noun: Token, dicts: CodingDictionaries) -> bool:
    """Whether a noun's participle reports an act: of people ("soldiers approaching"), or of
    a message its author issued ("a statement calling on")."""
    if noun.pos_ == "PROPN" or noun.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    lemma = noun.lemma_.lower()
    if lemma in ANNOUNCING_NOUNS or dicts.agent(noun.lower_) or dicts.agent(lemma):
        return True
    return lemma.endswith(("ist", "ian", "ent", "er", "or")) and noun.tag_ == "NNS"


def _bare_conjunct(verb: Token) -> bool:
    """A verb coordinated with the one before it, sharing its subject and auxiliaries: "was
    convicted of abuse and sentenced", "firing shots, simulating danger and providing"."""
    if verb.dep_ != "conj" or verb.head.pos_ not in ("VERB", "AUX"):
        return False
    own = _children(verb, {"aux", "auxpass", "nsubj", "nsubjpass", "mark"})
    return not own and verb.tag_ in ("VBN", "VBG") and verb.tag_ == verb.head.tag_


ABSOLUTE_PREPOSITIONS = frozenset({"with", "without"})


def absolute_anchor(verb: Token) -> Token | None:
    """For a participle with its own subject and no auxiliary, an absolute clause ("with
    Belarus refusing to let them return", "…, and Poland refusing to let them in"), the verb
    of the clause it hangs on, which situates it in time."""
    if verb.tag_ != "VBG" or not _children(verb, {"nsubj"}):
        return None
    if _children(verb, {"aux", "auxpass", "mark"}):
        return None
    head = verb.head
    if verb.dep_ == "pcomp" and head.lower_ in ABSOLUTE_PREPOSITIONS:
        head = head.head
    elif verb.dep_ != "conj":
        return None
    return head if head.pos_ in ("VERB", "AUX") and head.dep_ in REALISED_DEPS else None


def tense_clause(verb: Token) -> Token:
    """The clause whose tense and mood decide whether the verb's act happened: a bare
    conjunct's is that of the verb it is coordinated with, a participle's its anchor's."""
    for _ in range(4):
        if not _bare_conjunct(verb):
            break
        verb = verb.head
    return participle_anchor(verb) or absolute_anchor(verb) or verb
