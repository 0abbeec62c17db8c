"""The registered spaCy component `toponym_fixer`, and `find_toponyms` that reads it.

`geo.nlp.language` imports this module so that the factory is registered before
`nlp.add_pipe("toponym_fixer")`; the component stores the recogniser's toponyms
in `Doc._.toponyms`.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from geo.model import FACILITY_LABEL, PlaceNameLookup, Span, Toponym
from geo.nlp.toponyms.candidates import RecognitionPolicy
from geo.nlp.toponyms.recogniser import ToponymRecogniser

DOC_EXTENSION = "toponyms"


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


def find_toponyms(
    doc: Doc, exclude: Sequence[Span] = (), facilities: bool = False
) -> tuple[Toponym, ...]:
    """The document's toponyms, sorted and non-overlapping, outside `exclude`; with
    `facilities`, also the facility and street names that hold no place name, labelled
    FACILITY_LABEL (the resolver places them in their settlement).

    Uses what `toponym_fixer` stored; a Doc from a pipeline without it is
    recognised on the spot with the default policy and no gazetteer.
    """
    _register_extensions()
    found = doc._.get(DOC_EXTENSION)
    if found is None:
        found = ToponymRecogniser()(doc)
    return tuple(
        t
        for t in found
        if (facilities or t.label != FACILITY_LABEL)
        and not any(Span(t.start, t.end).overlaps(b) for b in exclude)
    )
