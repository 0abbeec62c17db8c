"""NLP: the shared spaCy pipeline and what is read from it: toponyms, actors and dates.
Other stages import from here only.
"""

from geo.nlp.actors import (
    TITLE_WORDS,
    ActorRegistry,
    country_lexicon,
    country_name,
    find_actors,
    role_actor,
    role_keyed,
    role_named,
)
from geo.nlp.dates import event_date, find_dates
from geo.nlp.language import ModelNotInstalledError, load_nlp
from geo.nlp.toponyms import find_toponyms

__all__ = [
    "TITLE_WORDS",
    "ActorRegistry",
    "ModelNotInstalledError",
    "country_lexicon",
    "country_name",
    "event_date",
    "find_actors",
    "find_dates",
    "find_toponyms",
    "load_nlp",
    "role_actor",
    "role_keyed",
    "role_named",
]
