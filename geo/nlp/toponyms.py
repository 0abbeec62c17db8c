"""Toponym recognition: a parsed Doc -> place-name candidates with exact spans.

The statistical NER of a small model is the backbone; this module repairs what
it is known to get wrong in news text: determiners and possessives inside
spans, metonymic place names labelled ORG/PERSON ("Belarus said"), surnames
labelled GPE ("Zakharova"), class words ("the Bug river", "Grodno region"),
hyphenated compounds ("Belarus-Poland border"), place names NER missed in
place-like contexts, and one-sense-per-document propagation.

The recogniser runs as the registered pipeline component `toponym_fixer`
(added by `geo.nlp.language.load_nlp`); `find_toponyms` reads what it stored on the Doc.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from geo.model import Place, PlaceKind, PlaceNameLookup, Span, Toponym

PLACE_LABELS = frozenset({"GPE", "LOC"})
METONYM_LABELS = frozenset({"ORG", "PERSON", "NORP"})
"""NER labels whose spans become toponyms when their text is a known place name."""
OPAQUE_LABELS = frozenset({"ORG", "PERSON", "WORK_OF_ART", "FAC", "PRODUCT", "LAW"})
"""Names whose parts are not place mentions ("Council of Europe", "Sky News")."""
NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
"""Entities that are never places, though a word of them may be a place's name ("June")."""
ALIAS_PROMINENCE = 1_000_000
"""A place known by an alternate name ("Kiev", "Bombay") is prominent under it only when this
big: alternates of smaller towns are foreign spellings that collide with English words."""

DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’", "s"})
PLACE_PREPOSITIONS = frozenset(
    {
        "in",
        "near",
        "at",
        "from",
        "to",
        "into",
        "outside",
        "across",
        "around",
        "via",
        "toward",
        "towards",
        "through",
        "throughout",
        "inside",
        "within",
        "along",
        "between",
        "reach",
        "reached",
        "visit",
        "visited",
    }
)
STRICT_PLACE_PREPOSITIONS = frozenset(
    {"in", "near", "outside", "across", "around", "throughout", "within", "inside"}
)
"""Prepositions that rarely take a person ("from Welch", "to Jones" do)."""
DIRECTION_WORDS = frozenset(
    {
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "central",
        "upper",
        "lower",
    }
)
FEATURE_HEADS = frozenset(
    {"river", "creek", "lake", "lakes", "bay", "island", "islands", "valley", "mountains",
     "hills", "falls", "canyon", "forest", "wilderness", "park", "peninsula", "sea", "ocean",
     "harbor", "harbour", "reservoir", "ridge", "basin", "sound", "lakeshore", "swamp"}
)  # fmt: skip
FEATURE_OPENERS = frozenset({"lake", "mount", "mt.", "isle", "cape"})
"""Capitalised words that make a name a natural or park feature ("Neches River", "Lake Lanier")."""
QUALIFIERS = frozenset(
    {"historic", "downtown", "uptown", "rural", "suburban", "n.", "s.", "e.", "w.", "n.e.",
     "n.w.", "s.e.", "s.w.", "ne", "nw", "se", "sw"}
)  # fmt: skip
"""Words before a place name that are not part of it ("downtown Greer", "S.E. Paris")."""
STREET_WORDS = frozenset(
    {
        "road",
        "street",
        "st.",
        "avenue",
        "ave.",
        "boulevard",
        "blvd.",
        "highway",
        "lane",
        "drive",
        "pike",
        "parkway",
        "rd.",
        "dr.",
        "ln.",
        "way",
        "trail",
    }
)
DATELINE_DASHES = frozenset({"—", "–", "-", "--", ","})

NAME_TAILS = frozenset(
    {"virus", "flu", "fever", "disease", "influenza", "encephalitis", "ebolavirus", "syndrome"}
)
"""Words after a place name that make it part of another name ("West Nile virus")."""
PROPAGATING_LABELS = frozenset({"GPE", "LOC", "FAC", "compound", "dateline"})
"""Candidates reliable enough to vouch for other mentions of the same name."""

FACILITY_HEADS = frozenset(
    {
        "jail", "sheriff", "clerk", "hospital", "airport", "station", "church", "center",
        "centre", "fire", "high", "board", "authority", "chamber", "society", "library",
        "commissioners", "schools", "museum", "zoo", "park",
    }
)  # fmt: skip
EMBEDDING_LABELS = frozenset({"ORG", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT"})
"""Names that may contain a place name ("Nashville Film Festival")."""
ORGANISATION_HEADS = frozenset(
    {
        "union",
        "council",
        "commission",
        "ministry",
        "agency",
        "department",
        "organisation",
        "organization",
        "committee",
        "office",
        "bank",
        "party",
        "court",
        "parliament",
        "assembly",
        "police",
        "army",
        "forces",
        "guard",
        "service",
        "services",
        "government",
        "university",
        "school",
        "college",
        "institute",
        "association",
        "corporation",
        "company",
        "group",
        "times",
        "news",
        "post",
        "daily",
        "herald",
    }  # fmt: skip
)
"""Last words that make an ORG entity an organisation even when a place shares its name."""
GOVERNMENT_HEADS = frozenset(
    {
        "sheriff", "police", "coroner", "court", "courts", "courthouse", "jail", "detention",
        "commission", "commissioners", "commissioner", "council", "board", "department",
        "office", "attorney", "prosecutor", "clerk", "auditor", "assessor", "treasurer", "mayor",
        "judge", "magistrate", "schools", "fire", "health", "emergency", "administration",
        "government", "legislature", "patrol", "works", "ems", "crimestoppers", "manager",
        "supervisors", "selectmen", "aldermen", "trustees", "elections", "planning", "zoning",
    }
)  # fmt: skip
"""Words of a public body or office: a place opening its name is its jurisdiction, a
noun-modifier use like "US Secretary of State" ("Douglas County Sheriff's Office")."""
SEAT_WORDS = frozenset({"city", "state", "town", "village"})
"""Words between a place and its public body that are not part of the place name."""

MOTION_VERBS = frozenset(
    {"drive", "go", "move", "travel", "return", "head", "come", "fly", "walk", "relocate",
     "transfer", "bring", "take", "send", "flee", "evacuate", "commute", "ride"}
)  # fmt: skip
"""Verbs whose "to X" is a place even when X is labelled a person ("drove to Lanexa")."""
PERSON_TITLES = frozenset(
    {"Mr.", "Mrs.", "Ms.", "Mr", "Mrs", "Ms", "Dr.", "Dr", "Sgt.", "Officer", "Judge", "Det.",
     "Capt.", "Lt.", "Coach", "Deputy", "Trooper", "Pastor", "Rev.", "Miss", "Sen.", "Rep.",
     "Gov.", "Cpl.", "Pvt.", "Prof."}
)  # fmt: skip
"""Titles before a person's name: the name is a person wherever else it occurs."""
SPEECH_VERBS = frozenset({"say", "tell", "add", "explain", "recall", "note", "testify"})
STRONG_LABELS = frozenset(
    {"affiliation", "dateline", "residence", "feature", "jurisdiction", "compound", "listed"}
)
"""Candidate labels from cues used only for places; person evidence does not undo them."""
PLACE_OF_NOUNS = DIRECTION_WORDS | {
    "outskirts", "suburbs", "suburb", "outside", "native", "natives", "resident", "residents",
    "heart", "streets", "downtown", "mayor", "citizens", "people", "parts", "rest",
}  # fmt: skip
"""Words whose "of X" names a place: "north of Moorhead", "residents of Kuznica"."""
PROPER_TAGS = frozenset({"NNP", "NNPS", ""})
"""Proper-noun tags; "" when no tagger ran (tests on a blank pipeline)."""
PARTY_LETTERS = frozenset({"D", "R", "I", "DFL", "D.", "R.", "I."})
"""Party labels glued to a home district or state: "Rep. Jay Roberts (R-Ocilla)"."""
RESIDENT_NOUNS = frozenset(
    {
        "man", "woman", "men", "women", "boy", "girl", "teen", "teenager", "couple", "family",
        "resident", "residents", "native", "natives", "police", "officers", "firefighters",
        "homeowner", "homeowners", "voters", "taxpayers", "businesses", "merchants", "students",
        "motorist", "driver", "mayor", "officials", "schools", "area", "neighborhood",
        "funeral", "apartment", "store", "bar", "restaurant", "mother", "father", "son",
        "daughter", "teacher", "pastor", "landlord", "company", "firm", "plant", "farmer",
    }
)  # fmt: skip
"""Nouns a place name modifies as a place ("A Gainesville man", "Danbury police")."""
PLURAL_CLASS_WORDS = frozenset(
    {"counties", "parishes", "townships", "provinces", "states", "regions", "districts"}
)
"""Plural class words after a list of names: "Barrow and Jackson counties"."""

NOT_FEATURE_WORDS = ORGANISATION_HEADS | FACILITY_HEADS | GOVERNMENT_HEADS | STREET_WORDS | {
    "hotel", "resort", "chamber", "civic", "city", "county", "home", "studios", "apartments"
}  # fmt: skip
"""Words that make a name with a feature word something else ("Mount Pleasant City Council")."""
DOC_EXTENSION = "toponyms"


@dataclass(frozen=True)
class ClassWord:
    """A generic word naming a kind of place ("river", "region", "village of")."""

    word: str
    kind: PlaceKind | None
    position: str  # "after": "Bug river"; "before": "village of Kuznica"


@lru_cache(maxsize=1)
def class_words() -> dict[tuple[str, str], ClassWord]:
    """Load geo/data/place_class_words.csv once (editable lexicon)."""
    path = resources.files("geo") / "data" / "place_class_words.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    words = {}
    for row in rows:
        kind = row["kind"] or None
        entry = ClassWord(row["word"], kind, row["position"])  # type: ignore[arg-type]
        words[(entry.word, entry.position)] = entry
    return words


def _class_word(token: Token, position: str) -> ClassWord | None:
    return class_words().get((token.lower_, position))


@dataclass(frozen=True)
class RecognitionPolicy:
    """Annotation conventions that differ between corpora.

    Defaults follow the project's gold (seeds): no demonyms, no place names
    inside organisation names, no street names; but a place opening the name of
    a public body or office is its jurisdiction, a noun-modifier use like the
    gold's "US Secretary of State" ("Columbus Police Department" -> "Columbus";
    `jurisdictions`). Benchmarks such as LGL also annotate demonyms ("Russian")
    and places embedded in any name ("Nashville Film Festival" -> "Nashville").
    """

    demonyms: bool = False
    embedded: bool = False
    streets: bool = False
    jurisdictions: bool = True


@dataclass(frozen=True)
class _Candidate:
    start: int  # token indices, half-open
    end: int
    label: str
    hint_kind: PlaceKind | None
    priority: int


class ToponymRecogniser:
    """Finds toponym candidates in a parsed Doc; see the module docstring.

    `lookup` answers "is this a known place name?"; without it only the
    NER- and pattern-based mechanisms run.
    """

    def __init__(
        self,
        lookup: PlaceNameLookup | None = None,
        policy: RecognitionPolicy | None = None,
    ) -> None:
        self._lookup = lookup
        self.policy = policy or RecognitionPolicy()
        self._prominence: dict[str, bool] = {}
        self._known_cache: dict[str, bool] = {}

    @property
    def lookup(self) -> PlaceNameLookup | None:
        return self._lookup

    @lookup.setter
    def lookup(self, value: PlaceNameLookup | None) -> None:
        self._lookup = value
        self._prominence = {}
        self._known_cache = {}

    # -- lookup helpers -------------------------------------------------
    def _known(self, text: str) -> bool:
        known = self._known_cache.get(text)
        if known is None:
            known = self._ask_known(text)
            if len(self._known_cache) > 200_000:
                self._known_cache.clear()
            self._known_cache[text] = known
        return known

    def _ask_known(self, text: str) -> bool:
        if self.lookup is None or not text:
            return False
        if self.lookup.is_known_name(text):
            return True
        if text.isupper() and len(text) > 3:
            return self.lookup.is_known_name(text.title())
        return False

    def _prominence_of(self, text: str) -> int:
        """2: a country or continent; 1: a big region or city; 0: anything else.

        Prominent places are the ones news names metonymically ("Minsk managed");
        US counties named by one bare word are not ("Bell", "Pierce": surnames).
        Needs a lookup that also offers `candidates(name) -> Sequence[Place]`
        (geo.places.Gazetteer does); otherwise nothing is prominent.
        """
        level = self._prominence.get(text)
        if level is not None:
            return level
        from geo.names import normalize_name

        candidates = getattr(self.lookup, "candidates", None)
        level, key = 0, normalize_name(text)
        for place in candidates(text) if candidates is not None else ():
            if normalize_name(place.name) != key and place.population < ALIAS_PROMINENCE:
                continue  # "Hamas" is an alternate name of Hamm (180,000 people), not its name
            if place.kind in {"country", "continent"}:
                level = 2
                break
            if (
                place.kind in {"region", "sea"}
                or (place.kind == "admin1" and place.population >= 1_000_000)
                or (place.population >= 100_000 and not _surname_county(text, place))
            ):
                level = 1
        if len(self._prominence) > 100_000:
            self._prominence.clear()
        self._prominence[text] = level
        return level

    def _is_demonym(self, text: str) -> bool:
        return self.lookup is not None and self.lookup.country_by_demonym(text) is not None

    # -- main entry -----------------------------------------------------
    def __call__(self, doc: Doc) -> tuple[Toponym, ...]:
        persons = _person_names(doc)
        evidence = _DocEvidence(doc, persons)
        candidates: list[_Candidate] = []
        candidates.extend(self._from_entities(doc, evidence))
        candidates.extend(self._compounds(doc))
        candidates.extend(self._class_word_patterns(doc))
        candidates.extend(self._gazetteer_names(doc, evidence))
        candidates.extend(self._cued_names(doc, evidence))
        candidates.extend(_natural_features(doc, evidence))
        candidates.extend(self._listed_before_plural_class_word(doc))
        chosen = _select([c for c in candidates if not self._personal(doc, c, evidence)])
        chosen.extend(self._after_comma(doc, chosen))
        chosen = _select(chosen)
        chosen.extend(self._coordinated(doc, chosen))
        chosen = _select(chosen)
        chosen.extend(self._propagate(doc, chosen, evidence))
        chosen = [
            self._with_abbreviation_dot(doc, c)
            for c in _select(chosen)
            if not self._personal(doc, c, evidence)
        ]
        return tuple(
            Toponym(
                start=doc[c.start].idx,
                end=doc[c.end - 1].idx + len(doc[c.end - 1].text),
                text=doc[c.start : c.end].text,
                label=c.label,
                hint_kind=c.hint_kind,
            )
            for c in sorted(chosen, key=lambda c: c.start)
        )

    def _with_abbreviation_dot(self, doc: Doc, candidate: _Candidate) -> _Candidate:
        """ "W.Va" + "." -> "W.Va.": the tokenizer gives an abbreviation's last dot to the
        sentence end."""
        end = candidate.end
        if end >= len(doc) or doc[end].text != "." or doc[end - 1].whitespace_:
            return candidate
        if "." not in doc[end - 1].text:
            return candidate
        if not self._known(doc[candidate.start : end].text + "."):
            return candidate
        return replace(candidate, end=end + 1)

    def _personal(self, doc: Doc, candidate: _Candidate, evidence: _DocEvidence) -> bool:
        """The document treats this one-word name as a person elsewhere: after a title
        ("Mrs. Lincoln", "Officer Bell"), or, unless it is a prominent place, as the
        one who says something ("Petrova said"). Cues used only for places are kept."""
        if candidate.label in STRONG_LABELS or candidate.end - candidate.start != 1:
            return False
        text = doc[candidate.start].text
        if text in evidence.titled:
            return True
        return text in evidence.speakers and self._prominence_of(text) == 0

    # -- mechanisms -----------------------------------------------------
    def _from_entities(self, doc: Doc, evidence: _DocEvidence) -> Iterable[_Candidate]:
        for ent in doc.ents:
            label = ent.label_
            span = _trim(ent)
            if span is None:
                continue
            span, hint = _strip_class_word(span)
            if span is None or not any(t.text[:1].isupper() for t in span):
                continue
            if _before_name_tail(span):
                continue
            if label in PLACE_LABELS:
                candidate = self._place_entity(doc, span, label, hint, evidence.persons)
            elif label == "FAC":
                candidate = self._facility_entity(span, hint)
            elif label in METONYM_LABELS:
                candidate = self._metonym_entity(doc, ent, span, label, evidence)
            else:
                candidate = None
            if candidate is not None:
                yield candidate
                continue
            if label not in PLACE_LABELS and len(span) > 1 and self.policy.jurisdictions:
                candidate = self._jurisdiction(span, evidence)
                if candidate is not None:
                    yield candidate
                    continue
            if label == "ORG" and len(span) > 1:
                modifier = self._leading_modifier(span, evidence)
                if modifier is not None:
                    yield modifier
                elif self.policy.embedded:
                    yield from self._embedded(span, evidence)
            elif self.policy.embedded and label in EMBEDDING_LABELS:
                yield from self._embedded(span, evidence)

    def _place_entity(
        self,
        doc: Doc,
        span: SpacySpan,
        label: str,
        hint: PlaceKind | None,
        persons: _PersonNames,
    ) -> _Candidate | None:
        text = span.text
        if all(t.lower_ in DIRECTION_WORDS for t in span):
            return None  # "the West" is a political actor, not a place
        if self._is_demonym(text) and not self._known(text):
            if self.policy.demonyms:
                return _Candidate(span.start, span.end, "demonym", None, 2)
            return None
        if (
            persons.is_person(span)
            and not _place_context(doc, span)
            and self._prominence_of(text) < 2  # NER also calls "Sri Lanka" a person
        ):
            return None
        if self._known(text) or self.lookup is None:
            return _Candidate(span.start, span.end, label, hint, 3)
        if len(span) > 1 and (span[0].lower_ in DIRECTION_WORDS | QUALIFIERS):
            rest = span[1:]  # "Historic Dublin", "S.E. Paris"
            if self._known(rest.text):
                return _Candidate(rest.start, rest.end, label, hint, 3)
        if len(span) > 1 and span[-1].lower_ in SEAT_WORDS and self._known(span[:-1].text):
            head = span[:-1]  # "Fargo City (Commissioner)", "San Diego State"
            return _Candidate(head.start, head.end, label, hint, 3)
        for end in range(span.end - 1, span.start, -1):
            head = doc[span.start : end]  # "Butler County Jail" -> "Butler County"
            tail = doc[end : span.end]
            if head[-1].is_alpha and self._known(head.text) and _institution(tail):
                return _Candidate(head.start, head.end, label, hint, 3)
        # Not in the gazetteer: a misspelling if the context is place-like, else
        # most often a person or a thing ("Petrova said").
        if _place_context(doc, span) or _followed_by_known(self, doc, span):
            return _Candidate(span.start, span.end, f"{label}:unknown", hint, 3)
        return None

    def _facility_entity(self, span: SpacySpan, hint: PlaceKind | None) -> _Candidate | None:
        if self._known(span.text):
            return _Candidate(span.start, span.end, "FAC", hint, 3)
        if self.policy.streets and span[-1].lower_ in STREET_WORDS:
            return _Candidate(span.start, span.end, "FAC", hint, 2)
        return None

    def _metonym_entity(
        self,
        doc: Doc,
        ent: SpacySpan,
        span: SpacySpan,
        label: str,
        evidence: _DocEvidence,
    ) -> _Candidate | None:
        text = span.text
        if label == "NORP":
            proper = all(t.tag_ in {"NNP", "NNPS"} for t in span)
            if proper and self._known(text) and not self._is_demonym(text):
                return _Candidate(span.start, span.end, "NORP", None, 2)
            if self.policy.demonyms and self._is_demonym(text):
                return _Candidate(span.start, span.end, "demonym", None, 2)
            return None
        if not self._known(text):
            return None
        if label == "ORG" and _organisation_like(ent):
            return None
        if label == "PERSON" and evidence.persons.is_person(span, self_ent=ent):
            return None
        # Every surname is a village somewhere: ask for evidence that this one is a place.
        if text in evidence.place_texts or self._prominence_of(text) > 0:
            return _Candidate(span.start, span.end, label, None, 2)
        prepositions = PLACE_PREPOSITIONS if label == "ORG" else STRICT_PLACE_PREPOSITIONS
        if _place_context(doc, span, prepositions) or _motion_goal(doc, span):
            return _Candidate(span.start, span.end, label, None, 2)
        return None

    def _jurisdiction(self, span: SpacySpan, evidence: _DocEvidence) -> _Candidate | None:
        """ "Douglas County Sheriff's Office" -> "Douglas County", "Fargo City Council"
        -> "Fargo": a place opening the name of a public body or office. Places after
        "of" ("Council of Europe") and in private names ("Nashville Film Festival") are not.
        Common words that are also places ("Superior Court", "Home Office") need evidence:
        a class word, a prominent place or another mention as a place."""
        for length in range(min(4, len(span) - 1), 0, -1):
            part = span[:length]
            following = span[length]
            if not all(_is_capitalised(t) for t in part) or not (
                _is_capitalised(following) or following.text in POSSESSIVES
            ):
                continue  # "Alexandria's Circuit Court" is a jurisdiction too
            if part[0].lower_ in DIRECTION_WORDS or self._is_demonym(part.text):
                continue
            rest = span[length:]
            if part[-1].lower_ in SEAT_WORDS and len(part) > 1 and _public_body(rest[:1]):
                part = part[:-1]  # "Dublin City Council", "Illinois State Police"
            if not self._known(part.text) or not _public_body(rest):
                continue
            vouched = (
                len(part) > 1  # "Douglas County", "Mount Pleasant": not a common word
                or part.text in evidence.place_texts
                or self._prominence_of(part.text) > 0
            )
            return _Candidate(part.start, part.end, "jurisdiction", None, 2) if vouched else None
        return None

    def _leading_modifier(self, span: SpacySpan, evidence: _DocEvidence) -> _Candidate | None:
        """ "US Federal Emergency Management Agency" -> "US": a country or region
        modifying an organisation name. Places after "of" ("Council of Europe") stay
        part of the name."""
        for length in range(min(3, len(span) - 1), 0, -1):
            part = span[:length]
            if not all(_is_capitalised(t) for t in part):
                continue
            if not _is_capitalised(span[length]):
                continue
            if part[0].lower_ in DIRECTION_WORDS or not self._known(part.text):
                continue
            level = self._prominence_of(part.text)
            if level == 2 or (level == 1 and part.text in evidence.place_texts):
                return _Candidate(part.start, part.end, "modifier", None, 2)
        return None

    def _embedded(self, span: SpacySpan, evidence: _DocEvidence) -> Iterable[_Candidate]:
        """Longest known place name opening a multi-word name, or after its "of"
        ("Columbus Police Department", "University of Toronto"), when the document
        or the gazetteer vouches for it."""
        if len(span) < 2:
            return
        starts = [0] + [i + 1 for i, t in enumerate(span) if t.lower_ == "of"]
        for offset in starts:
            for length in range(min(4, len(span) - offset), 0, -1):
                part = span[offset : offset + length]
                if not (part[0].is_title or part[0].is_upper):
                    continue
                if part.end == span.end and offset == 0:
                    continue
                if not self._known(part.text) or self._is_demonym(part.text):
                    continue
                if part[0].lower_ in DIRECTION_WORDS or part[0].is_stop:
                    continue
                vouched = part.text in evidence.place_texts or _institution(span[offset + length :])
                if vouched or self._prominence_of(part.text) == 2:
                    yield _Candidate(part.start, part.end, "embedded", None, 1)
                    break

    def _compounds(self, doc: Doc) -> Iterable[_Candidate]:
        """ "Belarus-Poland border", "US-Ukraine": both parts, when both are places."""
        for i in range(1, len(doc) - 1):
            hyphen = doc[i]
            if hyphen.text not in {"-", "–"} or hyphen.whitespace_ or doc[i - 1].whitespace_:
                continue
            left, right = doc[i - 1], doc[i + 1]
            if not (_is_capitalised(left) and _is_capitalised(right)):
                continue
            labels = {left.ent_type_, right.ent_type_}
            if labels & OPAQUE_LABELS or not labels & PLACE_LABELS:
                continue  # "Wal-Mart", "El-Feki", "Lennon-Ono"
            if self._known(f"{left.text}-{right.text}"):
                continue  # "Miami-Dade" is one name
            if self._known(left.text) and self._known(right.text):
                yield _Candidate(left.i, left.i + 1, "compound", None, 4)
                yield _Candidate(right.i, right.i + 1, "compound", None, 4)

    def _class_word_patterns(self, doc: Doc) -> Iterable[_Candidate]:
        """ "the Bug river", "Grodno region", "the village of Kosnica"."""
        for token in doc:
            if not token.is_lower:
                continue
            after = _class_word(token, "after")
            if after is not None and token.i > 0:
                name = _name_before(doc, token.i)
                if name is not None and self._plausible_name(doc, name):
                    yield _Candidate(name.start, name.end, f"pattern:{token.lower_}", after.kind, 4)
            before = _class_word(token, "before")
            if before is not None and token.i + 2 < len(doc) and doc[token.i + 1].lower_ == "of":
                name = _name_from(doc, token.i + 2)
                if name is not None and self._plausible_name(doc, name, after_of=True):
                    yield _Candidate(
                        name.start, name.end, f"pattern:{token.lower_} of", before.kind, 4
                    )

    def _plausible_name(self, doc: Doc, name: SpacySpan, after_of: bool = False) -> bool:
        """A capitalised name before a class word: not a demonym, not sentence-initial noise."""
        if {t.ent_type_ for t in name} & (OPAQUE_LABELS | {"NORP", "EVENT"}):
            return False
        if self._is_demonym(name.text) and not self._known(name.text):
            return False
        if self._known(name.text) or after_of:
            return True  # "the village of Kosnica": the class word vouches for a misspelling
        return not name[0].is_sent_start and all(t.tag_ in {"NNP", "NNPS"} for t in name)

    def _gazetteer_names(self, doc: Doc, evidence: _DocEvidence) -> Iterable[_Candidate]:
        """Known place names NER missed, in place-like contexts ("in X", datelines) or
        countries in title-case headlines, where NER misses most names ("Poland Stops
        Migrants")."""
        if self.lookup is None:
            return
        i = 0
        while i < len(doc):
            token = doc[i]
            if token.ent_type_ or not _is_capitalised(token):
                i += 1
                continue
            found = None
            for length in range(4, 0, -1):
                span = doc[i : i + length]
                if len(span) < length or any(t.ent_type_ or not _is_capitalised(t) for t in span):
                    continue
                if self._known(span.text) and not self._is_demonym(span.text):
                    found = span
                    break
            if found is not None:
                if _dateline(doc, found):
                    yield _Candidate(found.start, found.end, "dateline", None, 2)
                elif _place_context(doc, found) and found[-1].tag_ in {"NNP", "NNPS"}:
                    yield _Candidate(found.start, found.end, "context", None, 1)
                elif found.start in evidence.title_case and self._prominence_of(found.text) == 2:
                    yield _Candidate(found.start, found.end, "headline", None, 1)
                i = found.end
            else:
                i += 1

    def _cued_names(self, doc: Doc, evidence: _DocEvidence) -> Iterable[_Candidate]:
        """Known names in cues that news uses only for places, whatever NER said:
        a party affiliation ("Sen. Ray Miller, D-Columbus"), a dateline ("MANSFIELD --"),
        a modifier of residents or local things ("A Gainesville man", "Danbury police",
        "Northbrook-based") and a residence after a person ("Allison Grodin of Squirrel Hill")."""
        if self.lookup is None:
            return
        i = 0
        while i < len(doc):
            if not _is_capitalised(doc[i]) or (i > 0 and _name_word(doc[i - 1])):
                i += 1
                continue
            name = self._known_run(doc, i)
            if name is None:
                i += 1
                continue
            cue = _place_cue(doc, name)
            if cue is not None and (
                cue in {"affiliation", "dateline", "residence"}
                or not evidence.persons.is_person(name, self_ent=_entity_of(name))
            ):
                yield _Candidate(name.start, name.end, cue, None, 3)
            i = name.end

    def _known_run(self, doc: Doc, start: int) -> SpacySpan | None:
        """The run of capitalised tokens (max 4) from `start` when it is a known name, not
        the opening of a longer capitalised name nor part of an opaque multi-word entity."""
        end = start
        while end < len(doc) and end - start < 4 and _is_capitalised(doc[end]):
            end += 1
        if end == start or (end < len(doc) and _is_capitalised(doc[end])):
            return None
        span = doc[start:end]
        if not self._known(span.text) or self._is_demonym(span.text):
            return None
        first = doc[start]
        if first.ent_type_ in OPAQUE_LABELS and first.ent_iob_ == "I":
            ent = next(e for e in doc.ents if e.start <= start < e.end)
            if not _party_prefix(doc, ent.start, start):
                return None
        return span

    def _listed_before_plural_class_word(self, doc: Doc) -> Iterable[_Candidate]:
        """ "Barrow and Jackson counties", "Grant, Mahnomen and Wilkin counties"."""
        if not any(word in doc.text for word in PLURAL_CLASS_WORDS):
            return
        for token in doc:
            if token.text not in PLURAL_CLASS_WORDS or token.i == 0:
                continue
            end = token.i
            while end > 0:
                start = end
                while start > 0 and end - start < 3 and _name_word(doc[start - 1]):
                    start -= 1
                if start == end:
                    break
                name = doc[start:end]
                if (
                    self._known(name.text)
                    and not self._is_demonym(name.text)
                    and not any(t.ent_type_ == "NORP" for t in name)
                ):
                    yield _Candidate(name.start, name.end, "listed", None, 3)
                if start == 0 or doc[start - 1].lower_ not in {",", "and", "or", "/", "&"}:
                    break
                end = start - 1
                if end > 0 and doc[end - 1].text == "," and doc[end].lower_ in {"and", "or"}:
                    end -= 1

    def _after_comma(self, doc: Doc, chosen: list[_Candidate]) -> Iterable[_Candidate]:
        """ "Minsk airport, Belarus": a known name after a place and a comma."""
        taken = {i for c in chosen for i in range(c.start, c.end)}
        for c in chosen:
            comma = c.end
            if comma >= len(doc) or doc[comma].text != ",":
                # allow one class word in between: "Minsk airport, Belarus"
                if comma + 1 < len(doc) and doc[comma].is_lower and doc[comma + 1].text == ",":
                    comma += 1
                else:
                    continue
            for length in (3, 2, 1):
                span = doc[comma + 1 : comma + 1 + length]
                if len(span) < length or any(t.i in taken for t in span):
                    continue
                following = doc[span.end] if span.end < len(doc) else None
                if following is not None and (following.is_title or following.text in POSSESSIVES):
                    continue  # "Arlington, Nadia Moayyad", "Mundy's Mill"
                if not all(_is_capitalised(t) and _comma_place_token(t) for t in span):
                    continue
                if self._known(span.text) and not self._is_demonym(span.text):
                    yield _Candidate(span.start, span.end, "after-comma", None, 2)
                    break

    def _coordinated(self, doc: Doc, chosen: list[_Candidate]) -> list[_Candidate]:
        """Known names listed with places: "Rogaland, Vestfold, Buskerud and Telemark"."""
        taken = {i for c in chosen for i in range(c.start, c.end)}
        added: list[_Candidate] = []
        frontier = list(chosen)
        while frontier:
            c = frontier.pop()
            for span in (_list_neighbour(doc, c.start, -1), _list_neighbour(doc, c.end, 1)):
                if span is None or any(t.i in taken for t in span):
                    continue
                if any(t.ent_type_ in (OPAQUE_LABELS - {"PERSON"}) | NUMERIC_LABELS for t in span):
                    continue  # "NAIROBI, June 25": a dateline's date, not a listed place
                if self._known(span.text) and not self._is_demonym(span.text):
                    new = _Candidate(span.start, span.end, "coordinated", None, 1)
                    taken.update(range(new.start, new.end))
                    added.append(new)
                    frontier.append(new)
        return added

    def _propagate(
        self, doc: Doc, chosen: list[_Candidate], evidence: _DocEvidence
    ) -> Iterable[_Candidate]:
        """One sense per document: repeat accepted names where NER was silent. In
        title-case headlines a capitalised neighbour does not make a longer name."""
        names: dict[str, set[tuple[str, ...]]] = {}
        for c in chosen:
            words = tuple(t.text for t in doc[c.start : c.end])
            if c.label not in PROPAGATING_LABELS and not c.label.startswith("pattern:"):
                continue
            names.setdefault(words[0], set()).add(words)
        if not names:
            return
        taken = {i for c in chosen for i in range(c.start, c.end)}
        for token in doc:
            options = names.get(token.text)
            if not options or token.i in taken:
                continue
            for words in sorted(options, key=len, reverse=True):
                end = token.i + len(words)
                if end > len(doc) or tuple(t.text for t in doc[token.i : end]) != words:
                    continue
                span = doc[token.i : end]
                if any(t.i in taken or t.ent_type_ in OPAQUE_LABELS for t in span):
                    continue
                if token.i not in evidence.title_case and (
                    (end < len(doc) and _is_capitalised(doc[end]))
                    or (token.i > 0 and _is_capitalised(doc[token.i - 1]))
                ):
                    continue  # part of a longer name: "Washington Newsday", "Mr Wood"
                if _before_name_tail(span):
                    continue
                yield _Candidate(span.start, span.end, "propagated", None, 0)
                break


class _PersonNames:
    """Surnames and full names of PERSON entities in a document."""

    def __init__(self, doc: Doc) -> None:
        self.full: set[str] = set()
        self.parts: set[str] = set()
        self.ends: dict[int, SpacySpan] = {}
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            self.ends[ent.end] = ent
            words = [t for t in ent if t.is_alpha and t.is_title]
            if len(words) >= 2:  # a lone word labelled PERSON is as often a place ("Mansfield")
                self.full.add(ent.text)
                self.parts.add(words[-1].text)

    def is_person(self, span: SpacySpan, self_ent: SpacySpan | None = None) -> bool:
        text = span.text
        if text in self.parts:
            return True
        if self_ent is None and text in self.full:
            return True
        before = self.ends.get(span.start)
        return (
            before is not None and before is not self_ent and not span.doc[span.start - 1].is_punct
        )


def _person_names(doc: Doc) -> _PersonNames:
    return _PersonNames(doc)


class _DocEvidence:
    """What the whole document says about names: one sense per discourse."""

    def __init__(self, doc: Doc, persons: _PersonNames) -> None:
        self.persons = persons
        self.titled: set[str] = set()
        self.speakers: set[str] = set()
        title_case: set[int] = set()
        start = content = capitalised = 0
        after_title = False
        for token in doc:  # one pass: this runs on every article
            i = token.i
            newline = "\n" in token.text
            if newline or (i > start and token.is_sent_start):
                end = i + 1 if newline else i
                if capitalised >= 3 and capitalised >= 0.75 * content:
                    title_case.update(range(start, end))
                start, content, capitalised = end, 0, 0
            title = token.is_title
            if token.is_alpha and len(token) > 3 and not token.is_stop:
                content += 1
                capitalised += title
            if after_title and title and token.is_alpha:
                self.titled.add(token.text)
            elif title and token.dep_ == "nsubj" and token.head.lemma_ in SPEECH_VERBS:
                self.speakers.add(token.text)
            after_title = token.text in PERSON_TITLES
        if capitalised >= 3 and capitalised >= 0.75 * content:
            title_case.update(range(start, len(doc)))
        # Title-case lines ("Poland Stops Migrants at the Border"): most content words
        # capitalised, so capitals there say nothing about names.
        self.title_case = frozenset(title_case)
        self.place_texts: set[str] = set()
        for ent in doc.ents:
            if ent.label_ in PLACE_LABELS:
                span = _trim(ent)
                if span is not None:
                    self.place_texts.add(span.text)


def _organisation_like(ent: SpacySpan) -> bool:
    """'the Kremlin', 'the Interior', acronyms ('EU', 'NATO'): names of organisations."""
    doc = ent.doc
    if ent[0].lower_ in DETERMINERS or (ent.start > 0 and doc[ent.start - 1].lower_ in DETERMINERS):
        return True
    if ent[-1].lower_ in ORGANISATION_HEADS:
        return True
    text = ent.text.strip()
    return text.isupper() and text.isalpha()


def _is_capitalised(token: Token) -> bool:
    text = token.text
    return bool(text) and text[0].isupper() and (token.is_alpha or "." in text)


def _trim(span: SpacySpan) -> SpacySpan | None:
    """Drop leading determiners/punctuation and trailing possessives/punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (
        doc[start].lower_ in DETERMINERS or doc[start].is_punct or doc[start].is_space
    ):
        start += 1
    while end > start and (
        doc[end - 1].text in POSSESSIVES
        or doc[end - 1].is_space
        or (doc[end - 1].is_punct and doc[end - 1].text != ".")
    ):
        end -= 1
    if start >= end:
        return None
    return doc[start:end]


def _institution(tail: SpacySpan) -> bool:
    """The words after a place in a name that make it an institution ("County Jail")."""
    return any(t.lower_ in ORGANISATION_HEADS or t.lower_ in FACILITY_HEADS for t in tail)


def _surname_county(text: str, place: Place) -> bool:
    """A US county asked for by one bare word: most such names are surnames."""
    return place.kind == "admin2" and place.country_code == "US" and " " not in text


def _public_body(words: SpacySpan) -> bool:
    """The capitalised words opening `words` name a public body or office."""
    for token in words:
        if token.text in POSSESSIVES:
            continue
        if not _is_capitalised(token):
            return False
        if token.lower_ in GOVERNMENT_HEADS:
            return True
    return False


def _party_prefix(doc: Doc, ent_start: int, name_start: int) -> bool:
    """ "D-Columbus" glued into one entity: a party letter and a hyphen before the name."""
    return name_start - ent_start == 2 and doc[name_start - 1].text in {"-", "–"}


def _place_cue(doc: Doc, name: SpacySpan) -> str | None:
    """Which place-only cue surrounds `name`, if any (see `_cued_names`)."""
    before = doc[name.start - 1] if name.start > 0 else None
    after = doc[name.end] if name.end < len(doc) else None
    if any(t.ent_type_ in {"DATE", "TIME", "CARDINAL", "ORDINAL"} for t in name):
        return None
    if (
        before is not None
        and before.text in {"-", "–"}
        and name.start > 1
        and doc[name.start - 2].text in PARTY_LETTERS
        and not doc[name.start - 2].whitespace_
        and not before.whitespace_
    ):
        return "affiliation"
    if _dateline_cue(doc, name):
        return "dateline"
    if name[0].is_stop or after is None or not all(t.tag_ in PROPER_TAGS for t in name):
        return None
    glued = {"-", "–", "/"}
    if (before is not None and before.text in glued and not doc[name.start - 2].whitespace_) or (
        after.text in glued and not after.whitespace_ and doc[name.end + 1].is_title
    ):
        return None  # part of a compound name: "Miami-Dade", "Batesburg-Leesville"
    if name.text.isupper() and len(name.text) <= 4:
        return None  # acronyms: "PA officials", "SWAT officers"
    if (
        not name[0].ent_type_
        and _is_capitalised(after)
        and _public_body(doc[name.end : name.end + 4])
    ):
        return "jurisdiction"  # "Chiefland Police Chief" that NER missed
    if after.lower_ in RESIDENT_NOUNS or (
        after.text in {"-", "–"} and name.end + 1 < len(doc) and doc[name.end + 1].lower_ == "based"
    ):
        return "resident"
    if before is not None and before.lower_ in {"of", "from"} and name.start > 2:
        person_end = doc[name.start - 2]
        if person_end.text == "," and doc[name.start - 3].is_digit:
            return "residence"  # "Kevin Fulmer, 31, of Swansea"
        if person_end.text == ",":
            person_end = doc[name.start - 3]
        if (
            person_end.ent_type_ == "PERSON"
            and person_end.ent_iob_ != "B"
            or (
                person_end.ent_type_ == "PERSON"
                and person_end.i + 1 < len(doc)
                and doc[person_end.i + 1].ent_iob_ != "I"
            )
        ):
            return "residence"
    return None


def _natural_features(doc: Doc, evidence: _DocEvidence) -> Iterable[_Candidate]:
    """ "the Neches River", "Lake Lanier", "Zion National Park": a capitalised feature
    word makes the name a place, known to the gazetteer or not, whatever NER said."""
    for token in doc:
        lower = token.lower_
        if not token.is_title or token.i in evidence.title_case:
            continue
        start, end = token.i, token.i + 1
        if lower in FEATURE_HEADS:
            while start > 0 and token.i - start < 4 and _feature_name_word(doc[start - 1]):
                start -= 1
        if start == token.i and lower in FEATURE_OPENERS:
            while end < len(doc) and end - token.i < 3 and _feature_name_word(doc[end]):
                end += 1
        if end - start < 2 or (end < len(doc) and _is_capitalised(doc[end])):
            continue  # no name, or a longer name: "Lake Street", "Park Service"
        if start > 0 and doc[start - 1].text in {"-", "–", "'s", "’s"}:
            continue
        span = doc[start:end]
        if any(t.lower_ in NOT_FEATURE_WORDS for t in span):
            continue  # "Mount Pleasant Civic Center", "Mount Washington Hotel"
        if len(span) == 2 and span[0].ent_type_ == "PERSON" and span[1].ent_iob_ == "I":
            continue  # "Robin Lake", a person
        yield _Candidate(start, end, "feature", None, 3)


def _feature_name_word(token: Token) -> bool:
    return _is_capitalised(token) and not token.is_stop and token.lower_ not in FEATURE_OPENERS


def _entity_of(span: SpacySpan) -> SpacySpan | None:
    """The entity exactly covering `span`, if any."""
    for ent in span.doc.ents:
        if ent.start == span.start and ent.end == span.end:
            return ent
    return None


def _motion_goal(doc: Doc, span: SpacySpan) -> bool:
    """ "drove to Lanexa", "heading through Bright": the goal of a verb of motion."""
    i = span.start - 1
    if i < 1 or doc[i].lower_ not in {"to", "through", "toward", "towards", "into"}:
        return False
    return doc[i].head.lemma_ in MOTION_VERBS


def _dateline_cue(doc: Doc, name: SpacySpan) -> bool:
    """ "MANSFIELD -- Mayor ...", "ORLANDO, Fla. (AP)": an upper-case name after a line
    start, a sentence end or a date, before a spaced dash, "(" or ", State"."""
    if not (name.text.isupper() and len(name.text) > 3) or name.end >= len(doc):
        return False
    if name.start > 0:
        before = doc[name.start - 1]
        if not (before.is_space or before.like_num or before.text in {".", '"', "”", "’", "'"}):
            return False
        if before.text == "." and name.start > 1 and doc[name.start - 2].is_upper:
            return False  # "ST. PAUL": the end of a longer name
    after = doc[name.end]
    if after.text in DATELINE_DASHES - {","} or after.text in {"---", "—-"}:
        return bool(name[-1].whitespace_)
    if after.text in {"(", ":"} or (after.is_space and name.end + 1 < len(doc)):
        return True
    return (
        after.text == ","
        and name.end + 1 < len(doc)
        and _is_capitalised(doc[name.end + 1])
        and doc[name.end + 1].text != doc[name.end + 1].text.upper()
    )


def _followed_by_known(recogniser: ToponymRecogniser, doc: Doc, span: SpacySpan) -> bool:
    """ "Gun Barrel City, Texas": a comma and a known name follow."""
    end = span.end
    return (
        end + 1 < len(doc)
        and doc[end].text == ","
        and _is_capitalised(doc[end + 1])
        and recogniser._known(doc[end + 1].text)
    )


def _before_name_tail(span: SpacySpan) -> bool:
    """The place name opens another name: "West Nile virus", "Ebola-Reston virus"."""
    doc = span.doc
    i = span.end
    while i + 1 < len(doc) and doc[i].text in {"-", "–"} and _is_capitalised(doc[i + 1]):
        i += 2
    return i < len(doc) and doc[i].lower_ in NAME_TAILS


def _strip_class_word(span: SpacySpan) -> tuple[SpacySpan | None, PlaceKind | None]:
    """'Grodno region' -> ('Grodno', region); 'Black Sea' keeps its capitalised class word;
    'City of Santa Ana' -> ('Santa Ana', city)."""
    if len(span) > 2 and span[1].lower_ == "of":
        entry = _class_word(span[0], "before")
        if entry is not None:
            return span[2:], entry.kind
    last = span[-1]
    entry = _class_word(last, "after")
    if entry is None:
        return span, None
    if last.is_lower:
        rest = span[:-1]
        return (rest if len(rest) else None), entry.kind
    return span, entry.kind


def _list_neighbour(doc: Doc, index: int, direction: int) -> SpacySpan | None:
    """The capitalised name across one list separator ("," / "and" / "or") from `index`."""
    sep = index if direction > 0 else index - 1
    if not 0 <= sep < len(doc) or doc[sep].text not in {",", "and", "or"}:
        return None
    if direction > 0:
        start = sep + 1
        if start < len(doc) and doc[start].lower_ in {"and", "or"} and doc[sep].text == ",":
            start += 1
        end = start
        while end < len(doc) and end - start < 3 and _name_word(doc[end]):
            end += 1
        if end == start or (
            end < len(doc) and (_is_capitalised(doc[end]) or doc[end].text in POSSESSIVES)
        ):
            return None
        return doc[start:end]
    end = sep
    if end > 0 and doc[end - 1].text == "," and doc[sep].lower_ in {"and", "or"}:
        end -= 1
    start = end
    while start > 0 and end - start < 3 and _name_word(doc[start - 1]):
        start -= 1
    if start == end or (start > 0 and _is_capitalised(doc[start - 1])):
        return None
    return doc[start:end]


def _comma_place_token(token: Token) -> bool:
    """Outside entities, in a place entity, or in a PERSON entity glued to a credit."""
    label = token.ent_type_
    if not label or label in PLACE_LABELS:
        return True
    if label == "PERSON":
        ent = next(e for e in token.doc.ents if e.start <= token.i < e.end)
        words = [t for t in ent if not t.is_space]
        return words[-1].i > token.i and words[-1].is_upper  # "Belarus AFP\n\n"
    return False


def _name_word(token: Token) -> bool:
    return _is_capitalised(token) and not token.is_stop


def _name_before(doc: Doc, index: int) -> SpacySpan | None:
    """The run of capitalised tokens (max 3) ending just before `index`."""
    end = index
    start = end
    while start > 0 and end - start < 3 and _name_word(doc[start - 1]):
        start -= 1
    if start == end or (start > 0 and doc[start - 1].text in {"-", "–"}):
        return None  # nothing, or the tail of a compound ("Tri-City area")
    return doc[start:end]


def _name_from(doc: Doc, index: int) -> SpacySpan | None:
    end = index
    while end < len(doc) and end - index < 3 and _name_word(doc[end]):
        end += 1
    if end == index or (end < len(doc) and doc[end].text in {"-", "–"}):
        return None
    return doc[index:end]


def _place_context(
    doc: Doc, span: SpacySpan, prepositions: frozenset[str] = PLACE_PREPOSITIONS
) -> bool:
    """A preposition of place right before the name ("in X", "near the X")."""
    i = span.start - 1
    if i >= 0 and doc[i].lower_ in DETERMINERS:
        i -= 1
    if i >= 1 and doc[i].lower_ == "of" and doc[i - 1].lower_ in PLACE_OF_NOUNS:
        return True  # "north of Moorhead", "a native of Augusta"
    return i >= 0 and doc[i].lower_ in prepositions


def _dateline(doc: Doc, span: SpacySpan) -> bool:
    """An upper-case name opening a line and followed by a dash or comma: 'SALINA, Kan.'"""
    if not span.text.isupper():
        return False
    first = span.start
    line_start = first == 0 or "\n" in doc[first - 1].text or doc[first - 1].text in {".", '"'}
    return line_start and span.end < len(doc) and doc[span.end].text in DATELINE_DASHES


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates, higher priority first, then longer."""
    ordered = sorted(candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    taken: set[int] = set()
    chosen = []
    for c in ordered:
        if any(i in taken for i in range(c.start, c.end)):
            continue
        taken.update(range(c.start, c.end))
        chosen.append(c)
    return chosen


@Language.factory(
    "toponym_fixer",
    default_config={"demonyms": False, "embedded": False, "streets": False},
)
def make_toponym_fixer(
    nlp: Language, name: str, demonyms: bool, embedded: bool, streets: bool
) -> ToponymFixer:
    return ToponymFixer(RecognitionPolicy(demonyms, embedded, streets))


class ToponymFixer:
    """Pipeline component: stores the document's toponyms in `Doc._.toponyms`.

    Set `lookup` after creation (`nlp.get_pipe("toponym_fixer").lookup = gaz`):
    a gazetteer cannot live in a serialisable factory config.
    """

    def __init__(self, policy: RecognitionPolicy | None = None) -> None:
        _register_extensions()
        self.recogniser = ToponymRecogniser(None, policy)

    @property
    def lookup(self) -> PlaceNameLookup | None:
        return self.recogniser.lookup

    @lookup.setter
    def lookup(self, value: PlaceNameLookup | None) -> None:
        self.recogniser.lookup = value

    @property
    def policy(self) -> RecognitionPolicy:
        return self.recogniser.policy

    @policy.setter
    def policy(self, value: RecognitionPolicy) -> None:
        self.recogniser.policy = value

    def __call__(self, doc: Doc) -> Doc:
        doc._.set(DOC_EXTENSION, self.recogniser(doc))
        return doc


def _register_extensions() -> None:
    if not Doc.has_extension(DOC_EXTENSION):
        Doc.set_extension(DOC_EXTENSION, default=None)


def find_toponyms(doc: Doc, exclude: Sequence[Span] = ()) -> tuple[Toponym, ...]:
    """The document's toponyms, sorted and non-overlapping, outside `exclude`.

    Uses what `toponym_fixer` stored; a Doc from a pipeline without it is
    recognised on the spot with the default policy and no gazetteer.
    """
    _register_extensions()
    found = doc._.get(DOC_EXTENSION)
    if found is None:
        found = ToponymRecogniser()(doc)
    return tuple(t for t in found if not any(Span(t.start, t.end).overlaps(b) for b in exclude))
