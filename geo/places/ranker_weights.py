"""Learned weights of the resolver's score terms: written by bench/train_ranker.py.

8000 synthetic documents, seed 20261202, alpha 0.25, 3 rounds,
L2 0.0001 towards the hand-set weights.
"""

LEARNED_WEIGHTS: dict[str, float] = {
    "log_population": 0.7763,
    "kind_country": 2.8778,
    "kind_continent": 5.7270,
    "kind_admin1": 0.0026,
    "kind_admin2": -1.3979,
    "kind_sea": 6.7772,
    "kind_river": 7.1310,
    "kind_region": 8.2165,
    "kind_crossing": 2.0000,
    "kind_village": -0.0915,
    "capital": 2.4262,
    "hint_match": 4.0377,
    "hint_mismatch": -1.5377,
    "container_match": 6.0023,
    "container_mismatch": -3.0023,
    "container_role": 2.3915,
    "demonym_match": 4.0001,
    "demonym_mismatch": -2.0001,
    "demonym_self": 8.0000,
    "shadowed_region": -1.8540,
    "admin2_bare": -2.9591,
    "fuzzy_edit": -1.5000,
    "alias_only": -4.7936,
    "country_present": 3.1331,
    "country_share": 2.1440,
    "country_contains": 2.5435,
    "admin1_contains": 4.2770,
    "admin1_present": 0.3837,
    "home_share": 3.4453,
    "kind_coherence": 0.9745,
    "proximity": 1.1010,
}
