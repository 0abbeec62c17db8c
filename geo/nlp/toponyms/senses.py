"""Other senses of a place name: the cues that a name the NER took for a place is not one.

A place name is also a word of a longer name ("Cambridge Analytica", "Israel Adesanya"),
a person the sentence calls "who" or "he", a work ("Casablanca is being shown again",
"Dallas, the soap opera", "Out of Africa won seven Oscars"), a thing named after a place
("a Labrador named Max"), a company or club ("Toyota recalled", "Porto beat Benfica") or
a kind of thing ("Cheddar and other hard cheeses"). Functions of the Doc
and its parse alone, like `spans`; the recogniser asks them before it takes an entity.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from geo.nlp.toponyms.spans import is_capitalised
from geo.nlp.toponyms.words import (
    ACTIVE_WORK_VERBS,
    AWARD_NOUNS,
    CLUB_AFFIXES,
    COMPANY_HEADS,
    DIRECTION_WORDS,
    FACILITY_HEADS,
    FEATURE_HEADS,
    GOVERNMENT_HEADS,
    MEDIUM_NOUNS,
    NAME_LINK_WORDS,
    ORGANISATION_HEADS,
    PASSIVE_WORK_VERBS,
    PERSON_TITLES,
    PLACE_NOUNS,
    QUALIFIERS,
    SEAT_WORDS,
    STREET_WORDS,
    WORK_NOUNS,
    WORK_OF_NOUNS,
    class_word,
)

NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
DATE_WORDS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
     "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
     "saturday", "sunday", "christmas", "easter", "eve", "day", "new", "year", "the", "last",
     "next", "this", "early", "late", "mid", "spring", "summer", "autumn", "fall", "winter",
     "ramadan", "thanksgiving", "halloween", "bc", "ad"}
)  # fmt: skip
"""Words of a DATE entity ("May 4", "Christmas Eve", "Last Tuesday")."""
NOT_NAME_WORDS = (
    ORGANISATION_HEADS
    | GOVERNMENT_HEADS
    | FACILITY_HEADS
    | FEATURE_HEADS
    | SEAT_WORDS
    | STREET_WORDS
    | DIRECTION_WORDS
    | QUALIFIERS
    | NAME_LINK_WORDS
    | {t.lower() for t in PERSON_TITLES}
)
"""Capitalised words beside a place name that do not make it part of another name:
"Nashville Mayor", "Texas Gov.", "Kaduna State", "Downtown Dallas", "Iraq War"."""


def acronym(text: str) -> bool:
    """ "MA", "NYC", "DRC": two to five capital letters."""
    return 2 <= len(text) <= 5 and text.isalpha() and text.isupper()


def in_longer_name(
    span: SpacySpan, title_case: frozenset[int], known: Callable[[str], bool]
) -> bool:
    """The place entity is one word of a longer name the NER cut: a capitalised word
    right beside it, outside place entities and not one that modifies or classifies a
    place ("Cambridge Analytica", "Hong Kong Exchanges", "Israel Adesanya", a club's
    "Real Madrid" or "FC Porto" even at a sentence's start or in a title-case line,
    but "Nashville Mayor Karl Dean", "Kaduna State", "Downtown Dallas"). Title-case lines
    capitalise every word, so they say nothing."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    if any(
        t is not None and t.whitespace_ and _club_affix(t)
        for t in (before, after if span[-1].whitespace_ else None)
    ):
        return True
    if span.start in title_case:
        return False
    if (
        after is not None
        and span[-1].whitespace_
        and not span[-1].text.endswith(".")  # "in the U.S. Jon Prinsell": a sentence ends
        and not after.is_sent_start
        and _name_word(after, known)
    ):
        return True
    return before is not None and before.whitespace_ and _name_word(before, known)


def _misread_date(token: Token) -> bool:
    """ "Georgia May Jagger": a DATE entity that holds a capitalised word that is no date's
    ("May Jagger") is a name the NER misread for one; "Paris Monday" stays a date."""
    if token.ent_type_ != "DATE":
        return False
    ent = next(e for e in token.doc.ents if e.start <= token.i < e.end)
    return any(
        is_capitalised(t) and t.is_alpha and not t.like_num and t.lower_ not in DATE_WORDS
        for t in ent
    )


def _club_affix(token: Token) -> bool:
    """ "Real", "FC": a club's word, capitalised (or all caps) and outside place entities."""
    return (
        token.lower_ in CLUB_AFFIXES
        and token.text[:1].isupper()
        and token.ent_type_ not in {"GPE", "LOC", "FAC"}
    )


def _name_word(token: Token, known: Callable[[str], bool]) -> bool:
    if not (is_capitalised(token) and token.is_alpha) or token.is_upper:
        return False  # acronyms and credits beside a name: "Paris AFP", "US ARMY"
    if _misread_date(token):
        return True  # "Georgia May Jagger": "May Jagger" is no date
    if token.ent_type_ in {"NORP", "DATE", "TIME", "EVENT"} or known(token.text):
        return False  # "Paris Monday", "Iowa Democrats", "Washington DC", "Atlanta Georgia"
    if token.ent_type_ in {"GPE", "LOC", "FAC"}:
        ent = next(e for e in token.doc.ents if e.start <= token.i < e.end)
        return len(ent) == 1  # "Cambridge Analytica" (LOC); not "Dublin Veterans Park"
    lower = token.lower_
    if lower in NOT_NAME_WORDS or token.is_stop or class_word(token, "after"):
        return False
    # a word the NER put in another entity: it cut one name; or a company's last word
    # outside any entity ("Hong Kong Exchanges", "Qatar Airways")
    return token.ent_type_ != "" or lower in COMPANY_HEADS


BODY_WORDS = frozenset(
    {"house", "senate", "navy", "congress", "cabinet", "military", "legislature", "marines",
     "embassy", "census", "fed", "treasury", "customs", "immigration", "times", "today"}
)  # fmt: skip
"""Last words of bodies named "Place Noun" that are not organisation heads elsewhere
("Iowa House voted", "US Navy said")."""


def forename_and_surname(span: SpacySpan) -> bool:
    """ "India Knight wrote a column", "India Arie cancelled her tour": a two-word name the
    NER called an organisation, with no article before it, whose second word is the verb's
    subject and no word of a body, is a person whose forename is a place's name. A body
    named "Place Noun" takes the article ("The China Daily quotes", "the U.S. Army
    relocates") or ends in a body's word ("Iowa House voted", "Kenya Airways")."""
    if len(span) != 2 or not all(is_capitalised(t) and t.is_alpha for t in span):
        return False
    doc, last = span.doc, span[-1]
    if span.start > 0 and doc[span.start - 1].dep_ in {"det", "poss"}:
        return False
    if last.dep_ not in {"nsubj", "nsubjpass"} or last.tag_ != "NNP":
        return False
    lower = last.lower_
    return lower not in NOT_NAME_WORDS | COMPANY_HEADS | BODY_WORDS and not any(
        lower in words for words in (AWARD_NOUNS, WORK_NOUNS)
    )


def person_cue(span: SpacySpan) -> bool:
    """The sentence treats the name as a person: "Houston, who died in 2012", "Hamilton said
    he was proud". A place is "which" and "it"."""
    root = span.root
    if root.dep_ not in {"nsubj", "nsubjpass"}:
        return False  # "a Republican from Florence, who": the parser may attach "who" wrongly
    for clause in root.children:
        if clause.dep_ == "relcl" and any(t.lower_ in {"who", "whom"} for t in clause.children):
            return True
    verb = root.head
    for clause in verb.children:
        if clause.dep_ not in {"ccomp", "conj"}:
            continue
        subjects = [c for c in clause.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if any(c.lower_ in {"he", "she"} for c in subjects):
            return True
    return False


def work_title(span: SpacySpan) -> bool:
    """The name is a work's title: the subject of a work's verb ("Casablanca is being shown
    again", "Hamilton has grossed $1 billion"), or of a predicate naming a work, its award or
    its medium ("Waterloo was voted the best song", "Philadelphia won two Oscars", "Nashville
    ran for six seasons on television"), a title whose subject is a work ("Midnight in Paris
    is her favourite film"), in apposition to a work ("Dallas, the soap opera") or after a
    work's noun and "of" ("the revival of Chicago")."""
    root = span.root
    if any(c.dep_ == "appos" and _work_noun(c) for c in root.children):
        return True
    if root.dep_ == "pobj" and root.head.lower_ == "of" and _work_of_noun(root.head.head):
        return True
    head, through_noun = root, False
    while True:
        if head.dep_ in {"compound", "poss"}:
            head = head.head
        elif head.dep_ == "pobj" and head.head.dep_ == "prep" and head.head.head.tag_ in NOUN_TAGS:
            head, through_noun = head.head.head, True  # "Midnight in Paris"
        else:
            break
    if head.dep_ not in {"nsubj", "nsubjpass"}:
        head = _title_opening(root)
        if head is None:
            return False
    verb = head.head
    predicates = [c for c in verb.children if c.dep_ in {"attr", "oprd"}]
    if any(_work_noun(c) for c in predicates):
        return True
    if through_noun:
        return False  # "Protesters in Paris were shown on television": the protesters were
    lemma = verb.lemma_.lower()
    if lemma in ACTIVE_WORK_VERBS or (head.dep_ == "nsubjpass" and lemma in PASSIVE_WORK_VERBS):
        return True
    for child in verb.children:
        if child.dep_ == "acomp" and child.lower_ in PASSIVE_WORK_VERBS:
            return True  # "was remade", tagged an adjective
        if child.dep_ == "dobj" and child.lower_ in AWARD_NOUNS:
            return True
        if child.dep_ == "prep" and any(
            t.dep_ == "pobj" and t.lower_ in MEDIUM_NOUNS for t in child.subtree
        ):
            return True
    return False


def _title_opening(root: Token) -> Token | None:
    """ "Out of Africa won seven Oscars": a capitalised prepositional phrase opening the
    sentence, attached to a verb that has no subject, is the verb's subject, a title."""
    prep = root.head
    if root.dep_ != "pobj" or prep.dep_ != "prep":
        return None
    opening = prep.head if prep.head.dep_ == "prep" else prep
    verb = opening.head
    if opening.dep_ != "prep" or not opening.is_sent_start or not is_capitalised(opening):
        return None
    if not verb.tag_.startswith("VB") or any(
        c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in verb.children
    ):
        return None
    return opening


def _work_noun(token: Token) -> bool:
    return token.lower_ in WORK_NOUNS or token.lemma_.lower() in WORK_NOUNS


def _work_of_noun(token: Token) -> bool:
    return token.lemma_.lower() in WORK_OF_NOUNS or token.lower_ in WORK_OF_NOUNS


def common_noun_sense(span: SpacySpan) -> bool:
    """ "X and other Ys" says X is a Y: when Y is no kind of place, X is no place ("Cheddar
    and other hard cheeses"; but "Texas and other states")."""
    return any(
        c.dep_ == "conj"
        and c.tag_ in {"NN", "NNS"}
        and c.lemma_.lower() not in PLACE_NOUNS
        and any(a.lower_ == "other" and a.dep_ == "amod" for a in c.children)
        for c in span.root.children
    )


def a_thing(doc: Doc, span: SpacySpan) -> bool:
    """ "A Labrador named Max": a bare one-word name after "a"/"an" and before a verb, with
    no noun for it to modify ("a Gainesville man" is a place's man)."""
    if len(span) != 1 or span.start == 0 or doc[span.start - 1].lower_ not in {"a", "an"}:
        return False
    after = doc[span.end] if span.end < len(doc) else None
    return after is not None and after.tag_.startswith("VB")


PRODUCT_NOUNS = frozenset(
    {"production", "sales", "launch", "recall", "recalls", "version", "versions", "model",
     "models", "owners", "buyers", "drivers", "successor", "maker", "makers", "price",
     "prices", "redesign", "facelift", "edition", "variant", "variants"}
)  # fmt: skip
"""What a product has and a place does not: "production of the Malibu", "owners of the
Santa Fe" ("residents of Malibu" has no article)."""


def product_name(span: SpacySpan) -> bool:
    """ "Chevrolet is ending production of the Malibu": a place's name after "the", with
    nothing after it in its phrase, that a product's noun and "of" govern, is a product's;
    towns take no article here ("sales of cars in Malibu"). The recogniser leaves countries
    and continents alone ("the production of the Netherlands")."""
    doc, root = span.doc, span.root
    if span.start == 0 or doc[span.start - 1].lower_ != "the":
        return False
    if root.dep_ != "pobj" or root.head.lower_ != "of" or root.i != span.end - 1:
        return False
    noun = root.head.head
    return noun.lower_ in PRODUCT_NOUNS or noun.lemma_.lower() in PRODUCT_NOUNS


COMPANY_VERBS = frozenset({"recall", "manufacture", "acquire", "merge"})
"""What companies do and places do not: "Toyota recalled a million vehicles"."""
MATCH_VERBS = frozenset({"beat", "defeat", "thrash", "outplay", "edge"})
"""What clubs do to clubs: "Porto beat Benfica"."""


def company_or_club(span: SpacySpan) -> bool:
    """A name the NER called an organisation or a person that acts as a company or a club:
    the subject of a company's verb, or of a match verb whose object the NER also calls an
    organisation or a person ("Porto beat Benfica"; a place beats a place: "Chicago beat
    Boston", both GPE)."""
    root = span.root
    if root.dep_ != "nsubj":
        return False
    verb = root.head
    lemma = verb.lemma_.lower()
    if lemma in COMPANY_VERBS:
        return True
    return lemma in MATCH_VERBS and any(
        obj.dep_ == "dobj" and obj.ent_type_ in {"ORG", "PERSON"} for obj in verb.children
    )
