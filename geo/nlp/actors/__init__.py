"""Actor mentions: who an article names, each linked to one canonical actor.

Three sources of mentions, in order of trust:

1. the actor registry (`geo/data/actors.csv`): well-known people, bodies,
   international organisations and media, matched by alias anywhere in the text;
2. institutional designations: a country modifier plus a role noun
   ("Polish border guards", "Poland's defence ministry", "Russian Foreign
   Ministry") from `geo/data/actor_roles.csv`, giving ids such as
   `pl_border_guard` that are the same in every article;
3. the statistical NER's PERSON and ORG entities, cleaned of titles and
   honorific noise, with surname-only mentions linked to the full name seen in
   the same article ("Lukashenko" -> "Alexander Lukashenko").

Spans follow the gold conventions: a person's span is the name (with "Mr"),
never the title; leading determiners are left out; spans never overlap.
"""

from geo.nlp.actors.countries import country_lexicon, country_name
from geo.nlp.actors.find import find_actors
from geo.nlp.actors.registry import ActorRegistry
from geo.nlp.actors.roles import role_actor, role_keyed, role_named
from geo.nlp.actors.words import TITLE_WORDS

__all__ = [
    "TITLE_WORDS",
    "ActorRegistry",
    "country_lexicon",
    "country_name",
    "find_actors",
    "role_actor",
    "role_keyed",
    "role_named",
]
