"""Place names the NER missed or mislabelled, found by patterns and cues.

Hyphenated compounds, class-word patterns ("the Bug river"), known names in
place-like contexts, cues news uses only for places (datelines, residences, party
affiliations), natural features and lists before a plural class word; then, from
the chosen candidates, names after a comma, coordinated names and
one-sense-per-document propagation.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from geo.nlp.toponyms.candidates import Candidate
from geo.nlp.toponyms.commonword import described_as_place
from geo.nlp.toponyms.evidence import DocEvidence
from geo.nlp.toponyms.queries import NameQueries
from geo.nlp.toponyms.spans import (
    before_name_tail,
    comma_place_token,
    dateline,
    entity_of,
    is_capitalised,
    list_neighbour,
    name_before,
    name_from,
    name_word,
    party_prefix,
    place_context,
    place_cue,
)
from geo.nlp.toponyms.words import (
    FEATURE_HEADS,
    FEATURE_OPENERS,
    NOT_FEATURE_WORDS,
    NUMERIC_LABELS,
    OPAQUE_LABELS,
    PLACE_LABELS,
    PLURAL_CLASS_WORDS,
    POSSESSIVES,
    PROPAGATING_LABELS,
    class_word,
)

NEAR_WORDS = frozenset({"near", "outside"})
"""After a name and a comma, they say where it is: "Sale, near Manchester"."""


class MissedNames(NameQueries):
    """Candidates NER did not give; a base of `ToponymRecogniser`."""

    def _compounds(self, doc: Doc) -> Iterable[Candidate]:
        """ "Belarus-Poland border", "US-Ukraine": both parts, when both are places."""
        for i in range(1, len(doc) - 1):
            hyphen = doc[i]
            if hyphen.text not in {"-", "–"} or hyphen.whitespace_ or doc[i - 1].whitespace_:
                continue
            left, right = doc[i - 1], doc[i + 1]
            if not (is_capitalised(left) and is_capitalised(right)):
                continue
            labels = {left.ent_type_, right.ent_type_}
            if labels & OPAQUE_LABELS or not labels & PLACE_LABELS:
                continue  # "Wal-Mart", "El-Feki", "Lennon-Ono"
            if self._known(f"{left.text}-{right.text}"):
                continue  # "Miami-Dade" is one name
            if self._known(left.text) and self._known(right.text):
                yield Candidate(left.i, left.i + 1, "compound", None, 4)
                yield Candidate(right.i, right.i + 1, "compound", None, 4)

    def _class_word_patterns(self, doc: Doc) -> Iterable[Candidate]:
        """ "the Bug river", "Grodno region", "the village of Kosnica"."""
        for token in doc:
            if not token.is_lower:
                continue
            after = class_word(token, "after")
            if after is not None and token.i > 0:
                name = name_before(doc, token.i)
                if name is not None and self._plausible_name(doc, name):
                    yield Candidate(name.start, name.end, f"pattern:{token.lower_}", after.kind, 4)
            before = class_word(token, "before")
            if before is not None and token.i + 2 < len(doc) and doc[token.i + 1].lower_ == "of":
                name = name_from(doc, token.i + 2)
                if name is not None and self._plausible_name(doc, name, after_of=True):
                    yield Candidate(
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

    def _gazetteer_names(self, doc: Doc, evidence: DocEvidence) -> Iterable[Candidate]:
        """Known place names NER missed, in place-like contexts ("in X", datelines) or
        countries in title-case headlines, where NER misses most names ("Poland Stops
        Migrants")."""
        if self.lookup is None:
            return
        # Which tokens may be in such a name, read once: a span is made only of these.
        free = [not t.ent_type_ and is_capitalised(t) for t in doc]
        i = 0
        while i < len(doc):
            if not free[i]:
                i += 1
                continue
            found = None
            for length in range(4, 0, -1):
                if i + length > len(doc) or not all(free[i : i + length]):
                    continue
                span = doc[i : i + length]
                if self._known(span.text) and not self._is_demonym(span.text):
                    found = span
                    break
            if found is not None:
                if dateline(doc, found):
                    yield Candidate(found.start, found.end, "dateline", None, 2)
                elif place_context(doc, found) and found[-1].tag_ in {"NNP", "NNPS"}:
                    yield Candidate(found.start, found.end, "context", None, 1)
                elif found[-1].tag_ != "NNS" and described_as_place(
                    found.root, settlement=True
                ):  # "Liberty, a small city in Missouri"; not "Voters in Georgia, the state"
                    yield Candidate(found.start, found.end, "described", None, 1)
                elif self._near_a_place(doc, found):
                    yield Candidate(found.start, found.end, "near", None, 1)
                elif found.start in evidence.title_case and self._prominence_of(found.text) == 2:
                    yield Candidate(found.start, found.end, "headline", None, 1)
                i = found.end
            else:
                i += 1

    def _near_a_place(self, doc: Doc, found: SpacySpan) -> bool:
        """ "Sale, near Manchester, ...": a comma, "near" or "outside" and a known place
        name locate the name before them as a place."""
        end = found.end
        if end + 2 >= len(doc) or doc[end].text != "," or doc[end + 1].lower_ not in NEAR_WORDS:
            return False
        after = doc[end + 2]
        return is_capitalised(after) and (
            after.ent_type_ in PLACE_LABELS or self._known(after.text)
        )

    def _cued_names(self, doc: Doc, evidence: DocEvidence) -> Iterable[Candidate]:
        """Known names in cues that news uses only for places, whatever NER said:
        a party affiliation ("Sen. Ray Miller, D-Columbus"), a dateline ("MANSFIELD --"),
        a modifier of residents or local things ("A Gainesville man", "Danbury police",
        "Northbrook-based") and a residence after a person ("Allison Grodin of Squirrel Hill")."""
        if self.lookup is None:
            return
        i = 0
        while i < len(doc):
            if not is_capitalised(doc[i]) or (i > 0 and name_word(doc[i - 1])):
                i += 1
                continue
            name = self._known_run(doc, i)
            if name is None:
                i += 1
                continue
            cue = place_cue(doc, name)
            if cue is not None and (
                cue in {"affiliation", "dateline", "residence"}
                or not evidence.persons.is_person(name, self_ent=entity_of(name))
            ):
                yield Candidate(name.start, name.end, cue, None, 3)
            i = name.end

    def _known_run(self, doc: Doc, start: int) -> SpacySpan | None:
        """The run of capitalised tokens (max 4) from `start` when it is a known name, not
        the opening of a longer capitalised name nor part of an opaque multi-word entity."""
        end = start
        while end < len(doc) and end - start < 4 and is_capitalised(doc[end]):
            end += 1
        if end == start or (end < len(doc) and is_capitalised(doc[end])):
            return None
        span = doc[start:end]
        if not self._known(span.text) or self._is_demonym(span.text):
            return None
        first = doc[start]
        if first.ent_type_ in OPAQUE_LABELS and first.ent_iob_ == "I":
            ent = next(e for e in doc.ents if e.start <= start < e.end)
            if not party_prefix(doc, ent.start, start):
                return None
        return span

    def _listed_before_plural_class_word(self, doc: Doc) -> Iterable[Candidate]:
        """ "Barrow and Jackson counties", "Grant, Mahnomen and Wilkin counties"."""
        text = doc.text  # built from the tokens on each access: once, not once per word
        if not any(word in text for word in PLURAL_CLASS_WORDS):
            return
        for token in doc:
            if token.text not in PLURAL_CLASS_WORDS or token.i == 0:
                continue
            end = token.i
            while end > 0:
                start = end
                while start > 0 and end - start < 3 and name_word(doc[start - 1]):
                    start -= 1
                if start == end:
                    break
                name = doc[start:end]
                if (
                    self._known(name.text)
                    and not self._is_demonym(name.text)
                    and not any(t.ent_type_ == "NORP" for t in name)
                ):
                    yield Candidate(name.start, name.end, "listed", None, 3)
                if start == 0 or doc[start - 1].lower_ not in {",", "and", "or", "/", "&"}:
                    break
                end = start - 1
                if end > 0 and doc[end - 1].text == "," and doc[end].lower_ in {"and", "or"}:
                    end -= 1

    def _after_comma(self, doc: Doc, chosen: list[Candidate]) -> Iterable[Candidate]:
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
                if not all(is_capitalised(t) and comma_place_token(t) for t in span):
                    continue
                if self._known(span.text) and not self._is_demonym(span.text):
                    yield Candidate(span.start, span.end, "after-comma", None, 2)
                    break

    def _coordinated(self, doc: Doc, chosen: list[Candidate]) -> list[Candidate]:
        """Known names listed with places: "Rogaland, Vestfold, Buskerud and Telemark"."""
        taken = {i for c in chosen for i in range(c.start, c.end)}
        added: list[Candidate] = []
        frontier = list(chosen)
        while frontier:
            c = frontier.pop()
            for span in (list_neighbour(doc, c.start, -1), list_neighbour(doc, c.end, 1)):
                if span is None or any(t.i in taken for t in span):
                    continue
                if any(t.ent_type_ in (OPAQUE_LABELS - {"PERSON"}) | NUMERIC_LABELS for t in span):
                    continue  # "NAIROBI, June 25": a dateline's date, not a listed place
                if self._known(span.text) and not self._is_demonym(span.text):
                    new = Candidate(span.start, span.end, "coordinated", None, 1)
                    taken.update(range(new.start, new.end))
                    added.append(new)
                    frontier.append(new)
        return added

    def _propagate(
        self, doc: Doc, chosen: list[Candidate], evidence: DocEvidence
    ) -> Iterable[Candidate]:
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
                    (end < len(doc) and is_capitalised(doc[end]))
                    or (token.i > 0 and is_capitalised(doc[token.i - 1]))
                ):
                    continue  # part of a longer name: "Washington Newsday", "Mr Wood"
                if before_name_tail(span):
                    continue
                yield Candidate(span.start, span.end, "propagated", None, 0)
                break


def natural_features(doc: Doc, evidence: DocEvidence) -> Iterable[Candidate]:
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
        if end - start < 2 or (end < len(doc) and is_capitalised(doc[end])):
            continue  # no name, or a longer name: "Lake Street", "Park Service"
        if start > 0 and doc[start - 1].text in {"-", "–", "'s", "’s"}:
            continue
        span = doc[start:end]
        if any(t.lower_ in NOT_FEATURE_WORDS for t in span):
            continue  # "Mount Pleasant Civic Center", "Mount Washington Hotel"
        if len(span) == 2 and span[0].ent_type_ == "PERSON" and span[1].ent_iob_ == "I":
            continue  # "Robin Lake", a person
        yield Candidate(start, end, "feature", None, 3)


def _feature_name_word(token: Token) -> bool:
    return is_capitalised(token) and not token.is_stop and token.lower_ not in FEATURE_OPENERS
