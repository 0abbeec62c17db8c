"""The toponym recogniser: runs every mechanism on a Doc and selects the toponyms.

`ToponymRecogniser` joins the NER repairs (`entities`) and the cues for missed names
(`missed`) over the shared lookup queries, drops names the document treats as a
person's, and returns exact character spans.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc

from geo.model import Toponym
from geo.nlp.toponyms.candidates import Candidate, select
from geo.nlp.toponyms.entities import EntityRepairs
from geo.nlp.toponyms.evidence import DocEvidence, person_names
from geo.nlp.toponyms.facilities import facility_candidates
from geo.nlp.toponyms.missed import MissedNames, natural_features
from geo.nlp.toponyms.whole import WholeNames
from geo.nlp.toponyms.words import STRONG_LABELS


class ToponymRecogniser(EntityRepairs, MissedNames, WholeNames):
    """Finds toponym candidates in a parsed Doc; see the `geo.nlp.toponyms` docstring.

    `lookup` answers "is this a known place name?"; without it only the
    NER- and pattern-based mechanisms run.
    """

    def __call__(self, doc: Doc) -> tuple[Toponym, ...]:
        persons = person_names(doc)
        evidence = DocEvidence(doc, persons)
        candidates: list[Candidate] = []
        candidates.extend(self._from_entities(doc, evidence))
        candidates.extend(self._compounds(doc))
        candidates.extend(self._class_word_patterns(doc))
        candidates.extend(self._gazetteer_names(doc, evidence))
        candidates.extend(self._cued_names(doc, evidence))
        candidates.extend(natural_features(doc, evidence))
        candidates.extend(self._listed_before_plural_class_word(doc))
        candidates.extend(self._multiword_names(doc, evidence))
        chosen = select([c for c in candidates if not self._personal(doc, c, evidence)])
        chosen = self._whole(doc, chosen)
        chosen.extend(self._after_comma(doc, chosen))
        chosen = select(chosen)
        chosen.extend(self._coordinated(doc, chosen))
        chosen = select(chosen)
        chosen.extend(self._propagate(doc, chosen, evidence))
        chosen = [
            self._with_abbreviation_dot(doc, c)
            for c in select(chosen)
            if not self._personal(doc, c, evidence)
        ]
        taken = {i for c in chosen for i in range(c.start, c.end)}
        chosen.extend(facility_candidates(doc, taken))
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

    def _with_abbreviation_dot(self, doc: Doc, candidate: Candidate) -> Candidate:
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

    def _personal(self, doc: Doc, candidate: Candidate, evidence: DocEvidence) -> bool:
        """The document treats this one-word name as a person elsewhere: after a title
        ("Mrs. Lincoln", "Officer Bell"), or, unless it is a prominent place, as the
        one who says something ("Petrova said"). Cues used only for places are kept."""
        if candidate.label in STRONG_LABELS or candidate.end - candidate.start != 1:
            return False
        text = doc[candidate.start].text
        if text in evidence.titled:
            return True
        return text in evidence.speakers and self._prominence_of(text) == 0
