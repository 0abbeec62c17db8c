"""The resolver's score terms and their weights.

A candidate's score is its feature row (FEATURES) dotted with the weights: learned ones from
geo/places/ranker_weights.py (bench/train_ranker.py), each falling back to the hand-set
HAND_WEIGHTS built from the constants here. This is the module's only job, so the trainer, the
tests and the feature code below all read one definition. It imports nothing of the resolver.
"""

from __future__ import annotations

import numpy as np

# Weights of the score terms, in log-odds-like units. A place's prominence
# (population, kind, capital) is weighed against how well it fits the
# document; big places need no context, small ones need a lot.
POPULATION_WEIGHT = 0.6
KIND_BONUS: dict[str, float] = {
    "country": 6.0,
    "continent": 6.0,
    "admin1": 2.0,
    "admin2": 0.5,
    "sea": 6.0,
    "river": 5.0,
    "region": 6.0,
    "crossing": 2.0,
    "city": 0.0,
    "village": 0.0,
    "other": 0.0,
}
CAPITAL_BONUS = 3.0
SHADOWED_REGION = -2.5
"""A region named like a city inside it ("New York", "Grodno") means the city
unless the text says region."""
SHADOW_KM = 50.0
HINT_MATCH = 4.0
HINT_MISMATCH = -1.5
CONTAINER_MATCH = 6.0
CONTAINER_MISMATCH = -3.0
CONTAINER_ROLE = 3.0
"""The name is the Y of "X, Y": a country or region."""
DEMONYM_MATCH = 4.0
DEMONYM_MISMATCH = -2.0
DEMONYM_SELF = 8.0
"""The mention is itself a demonym ("Russian"): the country."""
COUNTRY_SHARE_WEIGHT = 1.0
COUNTRY_PRESENT = 1.5
ADMIN1_PRESENT = 2.5
CONTAINS_OTHERS = 3.0
KIND_COHERENCE = 2.0
"""Lists of states or of countries: the share of other places of the same kind."""
ADMIN2_BARE = -2.5
"""A county named without "County" ("Decatur") is rarely the county."""
HOME_BONUS = 4.0
"""Seeds the first picks in the region that best explains the document's
names; the context rounds may then move them."""
HOME_SUPPORT = 2
"""Names that must fall in a region before it counts as the document's home."""
HOME_WEIGHT = 3.0
"""The share of the document's (confidently resolved) places in the
candidate's first-level region."""
PROXIMITY_WEIGHT = 1.5
PROXIMITY_KM = 100.0
PROXIMITY_NEIGHBOURS = 3
"""Nearness to up to this many other places of the text adds up."""
FUZZY_EDIT_PENALTY = 1.5
ALIAS_ONLY = -3.0
"""The name is only an alternate name of the place (a former, foreign or
historical name: "Philadelphia" for Amman, "Franklinton" for Columbus) while
another candidate bears it as its own name."""
EXONYM_POPULATION_RATIO = 10.0
ALIAS_EXEMPT_KINDS = frozenset({"country", "continent", "region", "sea", "river"})

FEATURES: tuple[str, ...] = (
    # prior: how prominent the place is
    "log_population",
    "kind_country",
    "kind_continent",
    "kind_admin1",
    "kind_admin2",
    "kind_sea",
    "kind_river",
    "kind_region",
    "kind_crossing",
    "kind_village",
    "capital",
    # local cues at its mentions
    "hint_match",
    "hint_mismatch",
    "container_match",
    "container_mismatch",
    "container_role",
    "demonym_match",
    "demonym_mismatch",
    "demonym_self",
    "shadowed_region",
    "admin2_bare",
    "fuzzy_edit",
    "alias_only",
    # document context: the other places' votes
    "country_present",
    "country_share",
    "country_contains",
    "admin1_contains",
    "admin1_present",
    "home_share",
    "kind_coherence",
    "proximity",
)
"""A candidate's score is the dot product of these terms with WEIGHTS."""
_F = {name: i for i, name in enumerate(FEATURES)}
_PRIOR_FEATURES = FEATURES[: _F["hint_match"]]
_LOCAL_FEATURES = FEATURES[_F["hint_match"] : _F["country_present"]]
_CONTEXT_FEATURES = FEATURES[_F["country_present"] :]

HAND_WEIGHTS: dict[str, float] = {
    "log_population": POPULATION_WEIGHT,
    **{
        f"kind_{kind}": KIND_BONUS.get(kind, 0.0)
        for kind in (
            "country",
            "continent",
            "admin1",
            "admin2",
            "sea",
            "river",
            "region",
            "crossing",
            "village",
        )
    },
    "capital": CAPITAL_BONUS,
    "hint_match": HINT_MATCH,
    "hint_mismatch": HINT_MISMATCH,
    "container_match": CONTAINER_MATCH,
    "container_mismatch": CONTAINER_MISMATCH,
    "container_role": CONTAINER_ROLE,
    "demonym_match": DEMONYM_MATCH,
    "demonym_mismatch": DEMONYM_MISMATCH,
    "demonym_self": DEMONYM_SELF,
    "shadowed_region": SHADOWED_REGION,
    "admin2_bare": ADMIN2_BARE,
    "fuzzy_edit": -FUZZY_EDIT_PENALTY,
    "alias_only": ALIAS_ONLY,
    "country_present": COUNTRY_PRESENT,
    "country_share": COUNTRY_SHARE_WEIGHT,
    "country_contains": CONTAINS_OTHERS,
    "admin1_contains": CONTAINS_OTHERS,
    "admin1_present": ADMIN1_PRESENT,
    "home_share": HOME_WEIGHT,
    "kind_coherence": KIND_COHERENCE,
    "proximity": PROXIMITY_WEIGHT,
}
"""The hand-set weights the learned ranker started from (and falls back to)."""


def weights_vector(weights: dict[str, float] | None = None) -> np.ndarray:
    """The weights in FEATURES order: the given ones, else the learned ones
    (geo/places/ranker_weights.py), each falling back to the hand-set value."""
    if weights is None:
        from geo.places.ranker_weights import LEARNED_WEIGHTS

        weights = LEARNED_WEIGHTS
    return np.array([weights.get(name, HAND_WEIGHTS[name]) for name in FEATURES])
