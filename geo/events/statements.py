"""Statements whose content is itself an act (EVENTS.md: "a statement that is itself a PLOVER
act is an event"), coded at the verb of saying.

CAMEO files "said", "told", "stated" under 01 (make a public statement), which is no PLOVER
event: what was said decides. The content is the verb's complement clause (or quotation):
- a hostile act of someone else reported in it ("Zaryn said Belarusian personnel were
  firing shots") makes the statement an accusation of them (ACCUSE); the speaker's own
  side's act ("Poland said it stopped migrants", "the ministry announced that the national
  security forces had prevented an attempt") is a report of that act, not an accusation;
- a denial ("Germany said it was not true that …") is a rejection (REJECT);
- an obligation laid on someone ("said all EU countries must stand together") is a
  request to them (REQUEST);
- what the speaker's own side could or would do ("told reporters that the US could add to
  sanctions", "told Bild that Germany could send police to support Poland") is a threat
  (THREATEN) when the act is hostile, an offer (AGREE, EVENTS.md's promise) when it is not;
  a country other than the speaker's doing it ("Kyiv's envoy said Russia could invade") is a
  forecast, no act of the speaker.
A complement that holds an event of another kind is that event, not a second one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from geo.events.dictionaries import CodingDictionaries
from geo.events.predicates import (
    CONCESSIVE_PLOVER,
    PASSIVE_SUBJECT_DEPS,
    REALISED_DEPS,
    STATEMENT_PREFIX,
    SUBJECT_DEPS,
    CodedPredicate,
    _code,
    _is_finite_event,
    is_hypothetical,
    participle_anchor,
    tense_clause,
)
from geo.events.senses import agent_code, is_force
from geo.nlp import country_lexicon

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

STATEMENT_BLOCKS = frozenset({"explain_verbal", "add", "emphasize", "observe"})
"""CAMEO verb blocks of saying whose bare verb codes no act ("report", "add", "stress")."""
SAYING_LEMMAS = frozenset({"tweet", "write"})
"""Verbs of saying newer than, or missing from, the CAMEO verb dictionary."""
HOSTILE_ACTS = frozenset({"ASSAULT", "COERCE", "THREATEN", "MOBILIZE", "SANCTION", "PROTEST"})
"""Acts whose report by someone else accuses the one who did them."""
OBLIGATION_MODALS = frozenset({"must", "should", "ought"})
OFFER_MODALS = frozenset({"could", "would", "'d", "might"})
OFFERED_DEPS = frozenset({"xcomp", "advcl", "conj", "pcomp"})
"""Clauses an offered act may sit in below its modal's verb: "could send police to support",
"would look at sanctioning" (through the preposition)."""
THREATENING = HOSTILE_ACTS | {"SANCTION", "ACCUSE"}
FIRST_PERSON = frozenset({"i", "we", "me", "us"})
REPORTING_EVIDENCE = "statement reporting"
"""The evidence of an accusation by a report of someone else's act."""


def is_statement_verb(verb: Token, dicts: CodingDictionaries) -> bool:
    """A verb of saying that codes no act of its own."""
    lemma = verb.lemma_.lower()
    entry = dicts.verb(lemma)
    if entry is None:
        return lemma in SAYING_LEMMAS
    return (entry.cameo or "").startswith(STATEMENT_PREFIX) or (
        entry.cameo is None and entry.block in STATEMENT_BLOCKS
    )


def _subjects(verb: Token) -> list[Token]:
    return [c for c in verb.children if c.dep_ in SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS]


def _actor_of(predicate: CodedPredicate) -> list[Token]:
    """Who did the reported act: a passive's agent, else the subject."""
    verb = predicate.verb
    agents = [p for a in verb.children if a.dep_ == "agent" for p in a.children]
    if agents:
        return [a for a in agents if a.dep_ == "pobj"]
    subjects = _subjects(verb)
    if not subjects and verb.dep_ in ("conj", "xcomp"):
        subjects = _subjects(verb.head)
    return [s for s in subjects if s.dep_ in SUBJECT_DEPS]


def _identified(doer: Token) -> bool:
    """Someone the speaker singles out ("Belarusian soldiers", "O'Connor", "he"), not a bare
    "guards" or "they", which in a government's report are as a rule its own forces, nor
    "we"; an act announced ("would expel") is the speaker's own threat, not an accusation."""
    word = doer.lower_
    if word in FIRST_PERSON or word in ("they", "them"):
        return False
    if doer.pos_ in ("PROPN", "PRON") or doer.ent_type_:
        return True
    return any(c.dep_ in ("amod", "compound", "poss", "nmod") for c in doer.children)


def _countries(tokens: Iterable[Token]) -> set[str]:
    lexicon = country_lexicon()
    found = set()
    for t in tokens:
        hit = lexicon.demonym_at(t.doc, t.i) or lexicon.name_at(t.doc, t.i)
        if hit is not None:
            found.add(hit[1])
    return found


def _own_side(doer: Token, speaker: Sequence[Token], dicts: CodingDictionaries) -> bool:
    """Whether the doer of a reported act is the speaker's own side: "it" ("Poland said it
    stopped"), a doer of the speaker's country ("Polish guards", said in Warsaw's name), or a
    state force named with no country ("the national security forces", "Interior Ministry
    troops": a government reports its own forces' acts)."""
    if doer.lower_ == "it":
        return True
    doer_countries, speaker_countries = _countries(doer.subtree), _countries(speaker)
    if doer_countries and speaker_countries:
        return doer_countries <= speaker_countries
    if doer.pos_ != "NOUN":
        return False
    if _same_body(doer, speaker, dicts):
        return True  # "Polish police detained five, police said": one body, with its country
    return not doer_countries and not doer.ent_type_ and is_force(agent_code(doer, dicts))


def _same_body(doer: Token, speaker: Sequence[Token], dicts: CodingDictionaries) -> bool:
    """A generic speaker ("police") and a doer that is the same kind of body, named with or
    without its country ("Polish police"): the same Phoenix agent."""
    code = agent_code(doer, dicts)
    heads = [t for t in speaker if t.pos_ == "NOUN" and (t.head == t or t.head not in speaker)]
    return code is not None and any(agent_code(h, dicts) == code for h in heads)


def _offered_acts(content: Token, dicts: CodingDictionaries) -> list[str]:
    """The PLOVER types of the acts a could/would clause offers or threatens: its verb's and
    those of the verbs it governs ("could send police to support Poland")."""
    sentence = content.sent
    found, queue, seen = [], [content], 0
    while queue and seen < 6:
        verb = queue.pop(0)
        seen += 1
        plover = _code(verb, sentence, dicts)[1]
        if plover is not None and plover != "OTHER":
            found.append(plover)
        below = [
            *verb.children,
            *(g for c in verb.children if c.dep_ == "prep" for g in c.children),
        ]
        queue.extend(c for c in below if c.dep_ in OFFERED_DEPS and c.pos_ == "VERB")
    return found


def _offer_kind(acts: Sequence[str]) -> str | None:
    """A threat where an act is hostile beyond sending forces; else an offer where one is
    cooperative (forces sent "to support Poland" are offered); forces alone threaten."""
    if any(a in THREATENING and a != "MOBILIZE" for a in acts):
        return "THREATEN"
    if any(a in CONCESSIVE_PLOVER for a in acts):
        return "AGREE"
    return "THREATEN" if "MOBILIZE" in acts else None


def _offer(
    content: Token, speaker: Sequence[Token], dicts: CodingDictionaries
) -> tuple[str, tuple[Token, ...], str] | None:
    """A threat or an offer of the speaker's side in what was said, or None."""
    modals = [c for c in content.children if c.dep_ == "aux" and c.lower_ in OFFER_MODALS]
    subjects = [s for s in _subjects(content) if s.dep_ in SUBJECT_DEPS]
    if not modals or not subjects or any(c.dep_ == "neg" for c in content.children):
        return None
    doer = subjects[0]
    named = doer.pos_ == "PROPN" or doer.ent_type_ in ("GPE", "ORG", "NORP")
    if not (named or doer.lower_ in FIRST_PERSON or doer.lower_ == "it"):
        return None
    doer_countries, speaker_countries = _countries(doer.subtree), _countries(speaker)
    if doer_countries and speaker_countries and not doer_countries <= speaker_countries:
        return None  # another state's act: a forecast
    acts = _offered_acts(content, dicts)
    kind = _offer_kind(acts)
    if kind is None:
        return None
    subject_tokens = {t.i for t in doer.subtree}
    targets = tuple(
        t
        for t in content.subtree
        if t.i not in subject_tokens
        and t.dep_ in ("pobj", "dobj")
        and (t.pos_ == "PROPN" or t.ent_type_ in ("GPE", "ORG", "NORP", "PERSON"))
    )
    return kind, targets, f"statement: {modals[0].lower_} {' '.join(acts)}"


SPEAKER_POSSESSIVES = frozenset({"my", "our", "his", "her", "its"})
"""Of the speaker's own side: "his country will not kneel"."""


def _denies(content: Token, speaker: Sequence[Token], dicts: CodingDictionaries) -> bool:
    """A negated content is a denial when it is about someone named or the speaker's side
    ("Lukashenko said he had not invited them", "Germany said it was not true", "his country
    will not kneel") or about nobody in particular; "said ticketed boaters weren't happy"
    reports the state of people in general, no rejection."""
    subjects = _subjects(content)
    if not subjects:
        return True
    return any(
        s.pos_ in ("PROPN", "PRON")
        or s.ent_type_
        or any(c.dep_ == "poss" and c.lower_ in SPEAKER_POSSESSIVES for c in s.children)
        or _own_side(s, speaker, dicts)
        for s in subjects
    )


BLAMING_ADJECTIVES = frozenset({"responsible", "guilty"})
"""What CAMEO's "hold … responsible" (112) and "believe … responsible" (110) say of someone:
that they are to blame."""


def _criticisms(dicts: CodingDictionaries) -> set[str]:
    """What CAMEO's verbs of criticism call what they judge (their "(as WORD)" patterns coded
    11x: "unacceptable", "provocative", "unfair", "a mistake", "a fabrication"): a statement
    that something is so criticises it."""
    return {w for w, code in dicts.qualities().items() if code.startswith("11")}


def _offending(adjective: Token, dicts: CodingDictionaries) -> bool:
    """An adjective made of a verb that CAMEO codes as offending ("appalling", "shocking",
    "outrageous": its block's paired code [:110] has the offended disapprove of the one who
    did it): calling something so criticises it."""
    word = adjective.lower_
    stems = [word[:-3], word[:-3] + "e"] if word.endswith(("ing", "ous")) else []
    for stem in stems:
        entry = dicts.verb(stem)
        if entry is not None and any(
            (code or "").startswith("11") for code in (entry.cameo, entry.cameo_reverse)
        ):
            return True
    return False


def _blames(
    content: Token, speaker: Sequence[Token], dicts: CodingDictionaries
) -> tuple[str, tuple[Token, ...], str] | None:
    """A content that blames: someone "was responsible for" it or "guilty", something called
    what CAMEO's criticism patterns call it ("the plan is unacceptable") or a word of
    offending ("the treatment was appalling"), or an act called
    a crime ("the attack was a war crime", a noun of CAMEO's &crime synset, as in "slam …
    &crime" 111): an accusation (ACCUSE) of the one blamed."""
    if content.lemma_.lower() != "be":
        return None
    subjects = [s for s in _subjects(content) if s.dep_ in SUBJECT_DEPS]
    crimes = {p.split()[-1] for p in dicts.synset("&crime") if p.split()}
    judged = _criticisms(dicts)
    for child in content.children:
        blames = child.dep_ == "acomp" and child.lower_ in BLAMING_ADJECTIVES
        crime = child.dep_ == "attr" and child.lemma_.lower() in crimes
        criticised = child.dep_ in ("acomp", "attr") and child.lemma_.lower() in judged
        criticised = criticised or (child.dep_ == "acomp" and _offending(child, dicts))
        if not (blames or crime or criticised):
            continue
        blamed = tuple(
            s
            for s in subjects
            if s.pos_ in ("PROPN", "PRON") or s.ent_type_ or _identified(s)
            if s.lower_ not in FIRST_PERSON and not _own_side(s, speaker, dicts)
        )
        if blames and not blamed:
            return None
        return "ACCUSE", blamed, f"statement blaming: {child.lower_}"
    return None


def _imperative(content: Token) -> bool:
    """ "Stop the violence now," the Pope said: a bare command is a request to whoever it
    is addressed to (CAMEO 02)."""
    if content.tag_ != "VB" or content.dep_ not in ("ccomp", "parataxis"):
        return False
    if any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "mark") for c in content.children):
        return False
    return content.i < content.head.i  # the quotation opens the sentence


def _content(verb: Token) -> Token | None:
    """The complement clause of a verb of saying: what was said."""
    return next((c for c in verb.children if c.dep_ in ("ccomp", "parataxis")), None)


def _statement(
    verb: Token, content: Token, inner: Sequence[CodedPredicate], dicts: CodingDictionaries
) -> tuple[str, tuple[Token, ...], str] | None:
    """(PLOVER type, target phrases, evidence) of a statement, or None."""
    speaker_tokens = [t for s in _subjects(verb) for t in s.subtree]
    speaker = {t.i for t in speaker_tokens}
    inside = range(content.left_edge.i, content.right_edge.i + 1)
    reported = [p for p in inner if p.verb.i in inside]
    hostile = [
        p for p in reported if p.plover in HOSTILE_ACTS and not p.evidence.startswith("intent")
    ]
    for predicate in hostile:
        doers = [
            d
            for d in _actor_of(predicate)
            if d.i not in speaker and _identified(d) and not _own_side(d, speaker_tokens, dicts)
        ]
        if doers:
            return "ACCUSE", tuple(doers), f"{REPORTING_EVIDENCE} {predicate.plover}"
    if reported:
        return None  # the act said is an event of its own
    if any(c.dep_ == "neg" for c in content.children) and _denies(content, speaker_tokens, dicts):
        return "REJECT", (), "statement denying"
    offer = _offer(content, speaker_tokens, dicts)
    if offer is not None:
        return offer
    blamed = _blames(content, speaker_tokens, dicts)
    if blamed is not None:
        return blamed
    if _imperative(content):
        return "REQUEST", (), f"statement: imperative {content.lower_}"
    modals = [c for c in content.children if c.dep_ == "aux" and c.lower_ in OBLIGATION_MODALS]
    if modals:
        obliged = [s for s in _subjects(content) if s.lower_ not in FIRST_PERSON]
        return "REQUEST", tuple(obliged), f"statement: {modals[0].lower_}"
    return None


def statement_predicates(
    sentence: SpacySpan, dicts: CodingDictionaries, inner: Sequence[CodedPredicate]
) -> Iterator[CodedPredicate]:
    """The statements of a sentence whose content is an act, coded at the verb of saying;
    `inner` are the sentence's predicates coded on their own."""
    for verb in sentence:
        if verb.pos_ != "VERB":
            continue
        if verb.dep_ not in REALISED_DEPS and participle_anchor(verb) is None:
            continue
        if not is_statement_verb(verb, dicts):
            continue
        content = _content(verb)
        if content is None or not sentence.start <= content.i < sentence.end:
            continue
        coded = _statement(verb, content, inner, dicts)
        if coded is None:
            continue
        plover, targets, evidence = coded
        clause = tense_clause(verb)
        if is_hypothetical(clause, dicts) or not _is_finite_event(clause, sentence, plover):
            continue
        end = verb.idx + len(verb.text)
        yield CodedPredicate(verb, verb.idx, end, None, plover, False, False, evidence, targets)
    quoted = _quoted_obligation(sentence, dicts, inner)
    if quoted is not None:
        yield quoted


OPENING_QUOTES = ('"', "“", "‘")
CLOSING_QUOTES = ('"', "”", "’")


def _quoted_obligation(
    sentence: SpacySpan, dicts: CodingDictionaries, inner: Sequence[CodedPredicate]
) -> CodedPredicate | None:
    """A quotation standing as a sentence of its own, what the speaker quoted before goes on
    to say ("All pushbacks must end immediately."): an obligation laid on someone is a request,
    as it is after a verb of saying."""
    text, doc = sentence.text.strip(), sentence.doc
    after = doc[sentence.end].text if sentence.end < len(doc) else ""
    closed = text.endswith(CLOSING_QUOTES) or after in CLOSING_QUOTES  # split before its quote
    if not (text.startswith(OPENING_QUOTES) and closed) or inner:
        return None
    if any(t.pos_ == "VERB" and is_statement_verb(t, dicts) for t in sentence):
        return None  # a verb of saying codes it, or it is no request
    root = sentence.root
    modals = [c for c in root.children if c.dep_ == "aux" and c.lower_ in OBLIGATION_MODALS]
    if not modals or any(c.dep_ == "neg" for c in root.children):
        return None
    subjects = _subjects(root)
    if any(s.lower_ in FIRST_PERSON for s in subjects):
        return None  # "We must defend our border": resolve, asked of no one
    start, end = modals[0].idx, root.idx + len(root.text)
    evidence = f"quotation: {modals[0].lower_}"
    # coded at the modal, which has no subject: the quotation's speaker is not its subject
    return CodedPredicate(modals[0], start, end, None, "REQUEST", False, False, evidence, ())
