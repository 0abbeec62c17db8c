"""Toponym resolution: which gazetteer place each place name in a document means.

Every candidate gets a score made of
  * a prior: how prominent the place is (population, feature kind, capital),
  * local cues at its mentions: "X, Y" / "X in Y" containers, a demonym just
    before it ("the Polish border village of Kosnica"), a kind word ("Bug
    river", hint_kind),
  * document context: the countries and first-level regions of the other
    places (and demonyms) in the text, and distance to the other places.
Context is recomputed a few times from the current best picks, so clear
names ("Indiana", "Tbilisi") settle ambiguous ones ("Lafayette", "Georgia").
All mentions of one surface form share one place (one sense per document).

The score is linear: a feature vector per candidate (FEATURES) dotted with
weights learned from synthetic documents sampled from the gazetteer
(bench/train_ranker.py -> geo/ranker_weights.py; no benchmark data), each
falling back to the hand-set HAND_WEIGHTS.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from geo.model import Place, PlaceKind, ResolvedToponym, Toponym
from geo.places.gazetteer import Gazetteer, normalize_name
from geo.places.geometry import distance_km

if TYPE_CHECKING:
    from geo.places.geocoder import Geocoder

ROUNDS = 3
"""Context passes after the first pick; picks stop changing after two or three."""

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

HINT_KINDS: dict[str, frozenset[str]] = {
    # "the Pacific region", "the Baltic region": a sea names a region too.
    "region": frozenset({"admin1", "admin2", "region", "sea"}),
    "admin1": frozenset({"admin1"}),
    "admin2": frozenset({"admin2"}),
    "river": frozenset({"river"}),
    "sea": frozenset({"sea"}),
    "city": frozenset({"city", "village", "admin2"}),
    "village": frozenset({"village", "city"}),
    "country": frozenset({"country"}),
    "continent": frozenset({"continent"}),
    "crossing": frozenset({"crossing", "village", "city"}),
}
CONTAINER_KINDS = frozenset({"country", "admin1", "admin2", "region"})
BROAD_KINDS = frozenset({"country", "continent", "region", "sea", "river", "admin1"})

_KIND_WORDS: dict[str, PlaceKind] = {
    "village": "village",
    "town": "city",
    "city": "city",
    "capital": "city",
    "region": "region",
    "province": "region",
    "oblast": "region",
    "district": "region",
    "county": "admin2",
    "state": "admin1",
    "river": "river",
    "sea": "sea",
    "crossing": "crossing",
}
_NAME_QUALIFIERS = frozenset(
    {"city", "county", "parish", "borough", "township", "town", "village", "dc", "d c"}
)
_ABBREVIATED_CLASS_WORDS = {"Co.": "County", "Co": "County", "Twp.": "Township", "Twp": "Township"}
_INHABITANTS = re.compile(r"^([A-Z][A-Za-z ]+?)(?:ians|ans|ns|ers|ites)$")
"""Minnesotans, Ohioans, Ontarians, New Londoners: the people of a place."""
_PLURAL_KIND_WORDS: dict[str, PlaceKind] = {
    "counties": "admin2",
    "states": "admin1",
    "provinces": "region",
    "regions": "region",
    "oblasts": "region",
    "districts": "region",
    "rivers": "river",
    "seas": "sea",
    "countries": "country",
    "nations": "country",
    "cities": "city",
    "towns": "city",
    "villages": "village",
}
_CLASS_WORDS = frozenset(
    {*_KIND_WORDS, "township", "borough", "parish", "island", "islands", "valley", "area"}
)
_TOWN_LIKE_WORDS = frozenset({"township", "borough"})  # a civil town: its post town's name
TOWN_PART_MIN_POPULATION = 100_000
_TOWN_PART_WORDS = frozenset(
    {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"}
    | {"northern", "southern", "eastern", "western", "central", "downtown", "uptown"}
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$")
_AFTER_COMMA = re.compile(r"^\s*,\s*((?:[A-Z][A-Za-z.'’-]*\.?)(?:\s+[A-Z][A-Za-z.'’-]*\.?){0,2})")
_IN_PREP = re.compile(r"^\s+in\s+(?:the\s+)?$")
_COMMA_ONLY = re.compile(r"^\s*,\s*$")
_LIST_AND = re.compile(r"^\s*,?\s*(?:and|or|&)\s+$")


# --------------------------------------------------------------------------
# Local cues
# --------------------------------------------------------------------------


@dataclass
class _Group:
    """All mentions of one surface form, with the cues found around them."""

    key: str
    surface: str
    indices: list[int] = field(default_factory=list)
    hint_kinds: set[str] = field(default_factory=set)
    demonym_countries: set[str] = field(default_factory=set)
    containers: list[Place] = field(default_factory=list)
    is_container: bool = False
    demonym_of: str | None = None
    candidates: tuple[Place, ...] = ()
    edits: dict[str, float] = field(default_factory=dict)
    own_name: set[str] = field(default_factory=set)
    """Keys of the candidates whose own (primary) name is the one looked up."""
    features: np.ndarray | None = None
    """Candidates x FEATURES: the terms whose weighted sum is the score."""
    pick: int = -1
    scores: np.ndarray | None = None


def _surface(toponym: Toponym) -> str:
    text = toponym.text.strip()
    if text.lower().startswith("the "):
        text = text[4:]
    return _POSSESSIVE.sub("", text) if len(text) > 3 else text


def _preceding_words(text: str, start: int, count: int = 5) -> list[str]:
    window = text[max(0, start - 60) : start]
    window = re.split(r"[.;:!?\n]\s", window)[-1]
    return _WORD.findall(window)[-count:]


def _demonym_before(text: str, toponym: Toponym, gazetteer: Gazetteer) -> str | None:
    """ "the Polish border village of Kosnica" -> "PL": a demonym that heads a
    short lower-case phrase with a kind word, right before the name."""
    words = _preceding_words(text, toponym.start, 6)
    for k in range(len(words) - 1, -1, -1):
        word = words[k]
        if not word[:1].isupper():
            continue
        between = [w.lower() for w in words[k + 1 :]]
        if len(between) > 4 or any(w[:1].isupper() for w in words[k + 1 :]):
            return None
        if not any(w in _KIND_WORDS or w == "border" for w in between):
            return None
        return gazetteer.country_by_demonym(word)
    return None


_OFFICE_WORDS: dict[str, PlaceKind] = {"governor": "admin1", "gov": "admin1", "mayor": "city"}
"""Offices that say what a place is: "Texas Gov. Greg Abbott" is the state's (not a Mexican
village's), "Moscow Mayor" the city's."""
_KIND_AND_OFFICE_WORDS: dict[str, PlaceKind] = {**_KIND_WORDS, **_OFFICE_WORDS}


def _kind_words_around(text: str, toponym: Toponym) -> set[str]:
    """Kind words right before ("village of X", "governor of X") or after ("X river",
    "X Governor") a name."""
    kinds = set()
    words = _KIND_AND_OFFICE_WORDS
    before = [w.lower() for w in _preceding_words(text, toponym.start, 3)]
    if len(before) >= 2 and before[-1] == "of" and before[-2] in words:
        kinds.add(words[before[-2]])
    after = [w.lower().rstrip(".") for w in _WORD.findall(text[toponym.end : toponym.end + 20])[:1]]
    if after and after[0] in words:  # "the Grodno region." ends a sentence
        kinds.add(words[after[0]])
    return kinds


def _container_after_comma(text: str, end: int, gazetteer: Gazetteer) -> Place | None:
    """ "Lafayette, Ind." / "Lafayette, IN" / "Gomel, Belarus" -> the container."""
    match = _AFTER_COMMA.match(text[end : end + 40])
    if not match:
        return None
    words = match.group(1).split()
    for n in range(len(words), 0, -1):
        phrase = " ".join(words[:n])
        if len(phrase) == 2 and phrase.isupper():
            place = gazetteer.admin1("US", phrase)
            if place is not None:
                return place
            continue
        containers = [p for p in gazetteer.candidates(phrase) if p.kind in CONTAINER_KINDS]
        if containers:
            return max(containers, key=_prominence)
    return None


def _prominence(place: Place) -> float:
    return KIND_BONUS.get(place.kind, 0.0) + POPULATION_WEIGHT * math.log10(place.population + 1)


def _contains(container: Place, place: Place) -> bool:
    if container.key == place.key:
        return False
    if container.kind == "country":
        return place.country_code == container.country_code
    if container.kind == "admin1":
        return place.country_code == container.country_code and place.admin1 == container.admin1
    if container.kind == "admin2":
        raw = dict(place.raw)
        return raw.get("admin2") is not None and raw.get("admin2") == dict(container.raw).get(
            "admin2"
        )
    return distance_km(container.lat, container.lon, place.lat, place.lon) < 800


# --------------------------------------------------------------------------
# Candidates and scores
# --------------------------------------------------------------------------


def _variants(surface: str) -> list[str]:
    """Spellings to try when the surface itself is unknown."""
    out = []
    if surface.startswith(("St ", "St. ")):
        out.append("Saint " + surface.split(" ", 1)[1])
    if surface.startswith("Saint "):
        out.append("St. " + surface.split(" ", 1)[1])
    if surface.startswith("Mt. ") or surface.startswith("Mt "):
        out.append("Mount " + surface.split(" ", 1)[1])
    words = surface.split()
    if len(words) > 1 and words[-1] in _ABBREVIATED_CLASS_WORDS:
        out.append(" ".join([*words[:-1], _ABBREVIATED_CLASS_WORDS[words[-1]]]))
    if len(words) > 1 and words[-1].lower() in _CLASS_WORDS:
        out.append(" ".join(words[:-1]))
    if surface.isupper() and len(surface) > 4:
        out.append(surface.title())
    return out


def _bears_name(place: Place, key: str) -> bool:
    """The place's own name is `key`, possibly followed by a qualifier
    ("Washington, D.C.", "New York City", "Henry County")."""
    name = normalize_name(place.name)
    return name == key or (name.startswith(key + " ") and name[len(key) + 1 :] in _NAME_QUALIFIERS)


def _inhabitants_place(surface: str, gazetteer: Gazetteer) -> tuple[Place, ...]:
    """ "Ohioans" -> Ohio, "Ontarians" -> Ontario, "Iowans" -> Iowa: the region
    or country whose people a plural noun names (only broad places: a town's
    name plus -ans is too often something else)."""
    match = _INHABITANTS.match(surface)
    if not match:
        return ()
    stem = match.group(1)
    for ending in ("", "a", "o", "s", "e", "ia", "as"):
        found = tuple(
            p for p in gazetteer.candidates(stem + ending) if p.kind in ("admin1", "country")
        )
        if found:
            return found
    return ()


def _town_part(surface: str, gazetteer: Gazetteer) -> tuple[str, tuple[Place, ...]] | None:
    """ "North Dallas", "Downtown Houston": an unknown part of a known city lies
    in the city. Only cities big enough to have named parts ("Western Kasai" is
    not in Kasai, Japan) and only cities ("Eastern Ukraine" is not at Ukraine's
    point)."""
    words = surface.split()
    if len(words) < 2 or words[0].lower() not in _TOWN_PART_WORDS:
        return None
    rest = " ".join(words[1:])
    towns = tuple(
        p
        for p in gazetteer.candidates(rest)
        if p.kind == "city" and p.population >= TOWN_PART_MIN_POPULATION
    )
    return (rest, towns) if towns else None


def _candidates(group: _Group, gazetteer: Gazetteer, doc_countries: Sequence[str]) -> None:
    looked_up = group.surface
    found = gazetteer.candidates(looked_up)
    for variant in _variants(group.surface) if not found else ():
        found = gazetteer.candidates(variant)
        if found:
            looked_up = variant
            break
    if not found:
        found = _inhabitants_place(group.surface, gazetteer)
    if not found:
        looked_up, found = _town_part(group.surface, gazetteer) or (looked_up, ())
    for variant in _fallback_names(group) if not found else ():
        found = gazetteer.fallback_candidates(variant)
        if found:
            looked_up = variant
            break
    keys = {normalize_name(name) for name in (looked_up, *_variants(looked_up))}
    own = [p for p in found if any(_bears_name(p, key) for key in keys)]
    # An exonym of a far bigger place ("Mecca" for Makkah) is its usual English name.
    exonym_population = EXONYM_POPULATION_RATIO * max([1, *(p.population for p in own)])
    group.own_name = {p.key for p in own} | {
        p.key for p in found if own and p.population >= exonym_population
    }
    if group.demonym_of and not any(p.kind == "country" for p in found):
        country = gazetteer.country(group.demonym_of)
        found = found + ((country,) if country is not None else ())
    if group.demonym_countries and not any(
        p.country_code in group.demonym_countries for p in found
    ):
        found = found + _fuzzy(group, gazetteer, sorted(group.demonym_countries))
    elif not found:
        found = _fuzzy(group, gazetteer, doc_countries[:3], max_edits=1)
    group.candidates = found


def _fallback_names(group: _Group) -> tuple[str, ...]:
    """Names to ask the fallback's post towns for: none when the text says the
    place is something a post town is not ("the Neches River", "Clay County")."""
    hints = set(group.hint_kinds)
    words = group.surface.split()
    last = words[-1].lower() if len(words) > 1 else ""
    if last in _CLASS_WORDS and last not in _TOWN_LIKE_WORDS:
        hints.add(_KIND_WORDS.get(last, "other"))  # "Valley", "Island": not towns
    allowed = set().union(*(HINT_KINDS.get(k, {k}) for k in hints))
    if allowed and "village" not in allowed:
        return ()
    return (group.surface, *_variants(group.surface))


def _fuzzy(
    group: _Group, gazetteer: Gazetteer, countries: Sequence[str], max_edits: int = 2
) -> tuple[Place, ...]:
    """Misspelt or mistranslated names, only inside countries the text is about:
    up to two edits after a cue ("Polish border village of"), else one."""
    key = normalize_name(group.surface)
    if len(key) < 5 or not group.surface[:1].isupper():
        return ()
    max_edits = min(max_edits, 1 if len(key) < 7 else 2)
    found: list[Place] = []
    for code in countries:
        for place, _ in gazetteer.fuzzy_matches(group.surface, max_edits, country_code=code):
            group.edits[place.key] = _spelling_distance(key, normalize_name(place.name))
            found.append(place)
    return tuple(found)


_SOUND_CLASSES = ("aeiouy", "sz", "ckqg", "vw", "ijy", "dt", "bp", "lr", "mn")


def _similar(a: str, b: str) -> bool:
    return any(a in group and b in group for group in _SOUND_CLASSES)


def _spelling_distance(a: str, b: str) -> float:
    """Edit distance where swapping similar sounds costs half ("Kosnica" is
    nearer "Kuznica" than "Sosnica"), plus half an edit for a different first
    letter: transliterations keep the first sound."""
    previous = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        current = [float(i)]
        for j, cb in enumerate(b, 1):
            swap = 0.0 if ca == cb else (0.5 if _similar(ca, cb) else 1.0)
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + swap))
        previous = current
    return previous[-1] + (0.5 if a[:1] != b[:1] else 0.0)


def weights_vector(weights: dict[str, float] | None = None) -> np.ndarray:
    """The weights in FEATURES order: the given ones, else the learned ones
    (geo/ranker_weights.py), each falling back to the hand-set value."""
    if weights is None:
        from geo.places.ranker_weights import LEARNED_WEIGHTS

        weights = LEARNED_WEIGHTS
    return np.array([weights.get(name, HAND_WEIGHTS[name]) for name in FEATURES])


def _prior_features(place: Place) -> np.ndarray:
    row = np.zeros(len(FEATURES))
    row[_F["log_population"]] = math.log10(place.population + 1)
    kind = _F.get(f"kind_{place.kind}")
    if kind is not None:
        row[kind] = 1.0
    if dict(place.raw).get("feature") == "PPLC":
        row[_F["capital"]] = 1.0
    return row


def _local_features(group: _Group) -> np.ndarray:
    rows = np.zeros((len(group.candidates), len(FEATURES)))
    allowed = set().union(*(HINT_KINDS.get(k, {k}) for k in group.hint_kinds))
    cities = [p for p in group.candidates if p.kind in ("city", "village")]
    for j, place in enumerate(group.candidates):
        row = rows[j]
        if allowed:
            match = place.kind in allowed and _hint_fits_class_word(group, place)
            row[_F["hint_match" if match else "hint_mismatch"]] = 1.0
        if group.containers:
            inside = any(_contains(c, place) for c in group.containers)
            row[_F["container_match" if inside else "container_mismatch"]] = 1.0
        if group.is_container and place.kind in CONTAINER_KINDS:
            row[_F["container_role"]] = 1.0
        if group.demonym_countries:
            match = place.country_code in group.demonym_countries
            row[_F["demonym_match" if match else "demonym_mismatch"]] = 1.0
        if group.demonym_of and place.kind == "country":
            row[_F["demonym_self"]] = float(place.country_code == group.demonym_of)
        if (
            place.kind in ("admin1", "admin2")
            and not allowed
            and not group.is_container
            and any(_same_region(place, c) for c in cities)
        ):
            row[_F["shadowed_region"]] = 1.0
        if place.kind == "admin2" and not allowed and _bare_admin2(group.key, place):
            row[_F["admin2_bare"]] = 1.0
        row[_F["fuzzy_edit"]] = group.edits.get(place.key, 0)
        if (
            group.own_name
            and place.key not in group.own_name
            and place.kind not in ALIAS_EXEMPT_KINDS
            and place.key not in group.edits
        ):
            row[_F["alias_only"]] = 1.0
    return rows


def _hint_fits_class_word(group: _Group, place: Place) -> bool:
    """A county met without its class word ("the Houston region" for Houston
    County) takes a kind word only if it is that class word's kind: a writer
    who means the county names it a county."""
    if place.kind != "admin2" or not _bare_admin2(group.key, place):
        return True
    class_word = normalize_name(place.name).rsplit(" ", 1)[-1]
    return _KIND_WORDS.get(class_word, "admin2") in group.hint_kinds


def _bare_admin2(key: str, place: Place) -> bool:
    name = normalize_name(place.name)
    return name != key and name.startswith(key + " ")


def _same_region(region: Place, city: Place) -> bool:
    if city.country_code != region.country_code:
        return False
    if region.kind == "admin1":
        return city.admin1 == region.admin1
    return distance_km(region.lat, region.lon, city.lat, city.lon) < SHADOW_KM


@dataclass
class _Context:
    """What the current picks say about the document. Each distinct place
    votes once, however often it is mentioned."""

    countries: Counter
    admin1s: Counter
    kinds: Counter
    places: dict[str, Place]
    lats: np.ndarray
    lons: np.ndarray
    point_keys: list[str]
    home: Counter = field(default_factory=Counter)
    """First-level regions weighted by how sure each place's pick is: where
    the document is at home (a local paper's state)."""
    weights: dict[str, float] = field(default_factory=dict)


def _confidence(group: _Group) -> float:
    if group.pick < 0 or group.scores is None:
        return 0.0
    shifted = np.exp(group.scores - group.scores.max())
    return float(shifted[group.pick] / shifted.sum())


def _context(groups: Sequence[_Group], demonym_votes: Counter) -> _Context:
    countries: Counter = Counter(demonym_votes)
    admin1s: Counter = Counter()
    kinds: Counter = Counter()
    places: dict[str, Place] = {}
    weights: dict[str, float] = {}
    for group in groups:
        if group.pick >= 0:
            place = group.candidates[group.pick]
            places[place.key] = place
            weights[place.key] = max(weights.get(place.key, 0.0), _confidence(group))
    home: Counter = Counter()
    for key, place in places.items():
        if place.admin1 and place.kind != "country":
            home[(place.country_code, place.admin1)] += weights[key]
    lats, lons, keys = [], [], []
    for key, place in places.items():
        kinds[place.kind] += 1
        if place.country_code:
            countries[place.country_code] += 1
        if place.admin1 and place.kind != "country":
            admin1s[(place.country_code, place.admin1)] += 1
        if place.kind not in ("country", "continent", "sea", "region"):
            lats.append(place.lat)
            lons.append(place.lon)
            keys.append(key)
    return _Context(
        countries, admin1s, kinds, places, np.array(lats), np.array(lons), keys, home, weights
    )


def _without(ctx: _Context, place: Place | None) -> tuple[Counter, Counter, Counter]:
    """The context's votes minus those of one place."""
    countries, admin1s, kinds = ctx.countries.copy(), ctx.admin1s.copy(), ctx.kinds.copy()
    if place is not None and place.key in ctx.places:
        kinds[place.kind] -= 1
        if place.country_code:
            countries[place.country_code] -= 1
        if place.admin1 and place.kind != "country":
            admin1s[(place.country_code, place.admin1)] -= 1
    return countries, admin1s, kinds


def _context_features(group: _Group, ctx: _Context) -> np.ndarray:
    """Agreement of each candidate with the rest of the document: the votes
    of the other places, never its own or those of its current pick."""
    rows = np.zeros((len(group.candidates), len(FEATURES)))
    own = group.candidates[group.pick] if group.pick >= 0 else None
    base = _without(ctx, own)
    home = ctx.home.copy()
    if own is not None and own.key in ctx.weights and own.admin1 and own.kind != "country":
        home[(own.country_code, own.admin1)] -= ctx.weights[own.key]
    home_total = sum(home.values())
    for j, place in enumerate(group.candidates):
        row = rows[j]
        countries, admin1s, kinds = (
            base if own is None or place.key == own.key else _without_both(base, ctx, place)
        )
        total = sum(countries.values())
        code = place.country_code
        votes = countries.get(code, 0) if code else 0
        if votes > 0:
            row[_F["country_present"]] = 1.0
            row[_F["country_share"]] = votes / max(total, 1)
            if place.kind == "country":
                row[_F["country_contains"]] = 1.0
        if place.admin1 and admin1s.get((code, place.admin1), 0) > 0:
            row[_F["admin1_contains" if place.kind == "admin1" else "admin1_present"]] = 1.0
        if place.admin1 and place.kind != "country" and home_total > 0:
            votes_home = home.get((code, place.admin1), 0.0)
            if place.key in ctx.weights and (own is None or place.key != own.key):
                votes_home -= ctx.weights[place.key]
            row[_F["home_share"]] = max(votes_home, 0.0) / home_total
        if place.kind in ("country", "admin1"):
            others = sum(kinds.values())
            if others:
                row[_F["kind_coherence"]] = kinds.get(place.kind, 0) / others
    if len(ctx.point_keys):
        rows[:, _F["proximity"]] = _proximity(group, ctx, own)
    return rows


def _proximity(group: _Group, ctx: _Context, own: Place | None) -> np.ndarray:
    """Nearness of each local candidate to the other places' points."""
    local = np.array([p.kind not in BROAD_KINDS for p in group.candidates])
    scores = np.zeros(len(group.candidates))
    if not local.any():
        return scores
    lats = np.array([p.lat for p in group.candidates])[local]
    lons = np.array([p.lon for p in group.candidates])[local]
    km = distance_km(lats[:, None], lons[:, None], ctx.lats[None, :], ctx.lons[None, :])
    column = {key: c for c, key in enumerate(ctx.point_keys)}
    if own is not None and own.key in column:
        km[:, column[own.key]] = np.inf
    rows = np.flatnonzero(local)
    for r, j in enumerate(rows):
        c = column.get(group.candidates[j].key)
        if c is not None:
            km[r, c] = np.inf
    nearest = np.sort(km, axis=1)[:, :PROXIMITY_NEIGHBOURS]
    scores[rows] = np.exp(-nearest / PROXIMITY_KM).sum(axis=1)
    return scores


def _without_both(
    base: tuple[Counter, Counter, Counter], ctx: _Context, place: Place
) -> tuple[Counter, Counter, Counter]:
    if place.key not in ctx.places:
        return base
    countries, admin1s, kinds = (c.copy() for c in base)
    kinds[place.kind] -= 1
    if place.country_code:
        countries[place.country_code] -= 1
    if place.admin1 and place.kind not in ("country", "admin1"):
        admin1s[(place.country_code, place.admin1)] -= 1
    return countries, admin1s, kinds


def _demonym_votes(text: str, gazetteer: Gazetteer) -> Counter:
    votes: Counter = Counter()
    for word in set(re.findall(r"\b[A-Z][a-z]{3,}\b", text)):
        code = gazetteer.country_by_demonym(word)
        if code:
            votes[code] += 1
    return votes


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def resolve_toponyms(
    toponyms: Sequence[Toponym],
    text: str,
    gazetteer: Gazetteer,
    weights: np.ndarray | None = None,
) -> tuple[ResolvedToponym, ...]:
    """One ResolvedToponym per input toponym, same order; place None when
    no candidate exists. `weights` (FEATURES order) defaults to the shipped ones."""
    if not toponyms:
        return ()
    groups = _resolve_groups(toponyms, text, gazetteer, weights)
    return _prepare_result(toponyms, groups)


@dataclass(frozen=True)
class CandidateFeatures:
    """One surface form's candidates and their final score terms (training data)."""

    surface: str
    candidates: tuple[Place, ...]
    features: np.ndarray
    pick: int


def candidate_features(
    toponyms: Sequence[Toponym],
    text: str,
    gazetteer: Gazetteer,
    weights: np.ndarray | None = None,
) -> tuple[CandidateFeatures, ...]:
    """Resolve as resolve_toponyms does and return each surface form's
    feature matrix of the last round: what a ranker is trained on."""
    if not toponyms:
        return ()
    groups = _resolve_groups(toponyms, text, gazetteer, weights)
    return tuple(
        CandidateFeatures(g.surface, g.candidates, g.features, g.pick)
        for g in groups
        if g.features is not None and len(g.candidates)
    )


def _resolve_groups(
    toponyms: Sequence[Toponym],
    text: str,
    gazetteer: Gazetteer,
    weights: np.ndarray | None,
) -> list[_Group]:
    w = weights_vector() if weights is None else weights
    groups = _group(toponyms, text, gazetteer)
    demonym_votes = _demonym_votes(text, gazetteer)
    doc_countries = [c for c, _ in demonym_votes.most_common()]
    for group in groups:
        if not group.demonym_countries:
            _candidates(group, gazetteer, ())
    unambiguous = Counter(
        group.candidates[0].country_code
        for group in groups
        if len(group.candidates) == 1 and group.candidates[0].country_code
    )
    doc_countries = [c for c, _ in (unambiguous + demonym_votes).most_common()]
    for group in groups:
        if group.demonym_countries or not group.candidates:
            _candidates(group, gazetteer, doc_countries)
        group.features = _static_features(group)
        group.scores = group.features @ w
        group.pick = int(np.argmax(group.scores)) if len(group.candidates) else -1

    home = _home_region(groups)
    if home is not None:
        for group in groups:
            inside = np.array([_in_region(p, home) for p in group.candidates])
            if inside.any():
                group.pick = int(np.argmax(group.scores + HOME_BONUS * inside))

    static = {id(group): group.features for group in groups}
    for _ in range(ROUNDS):
        ctx = _context(groups, demonym_votes)
        changed = False
        for group in groups:
            if not group.candidates:
                continue
            group.features = static[id(group)] + _context_features(group, ctx)
            group.scores = group.features @ w
            pick = int(np.argmax(group.scores))
            changed |= pick != group.pick
            group.pick = pick
        if not changed:
            break
    return groups


def _static_features(group: _Group) -> np.ndarray:
    """Prior and local terms: what does not depend on the other picks."""
    if not group.candidates:
        return np.zeros((0, len(FEATURES)))
    prior = np.array([_prior_features(p) for p in group.candidates])
    return prior + _local_features(group)


def _in_region(place: Place, region: tuple[str | None, str | None]) -> bool:
    return place.kind != "country" and (place.country_code, place.admin1) == region


def _home_region(groups: Sequence[_Group]) -> tuple[str | None, str | None] | None:
    """The first-level region that explains the most names at the least cost.

    For each region, every name adds how much placing it there would gain,
    given a HOME_BONUS: an unambiguous name or a state's own name adds the
    whole bonus, an ambiguous one adds what remains after the gap to its best
    reading elsewhere. The names of a local paper's article ("Albany",
    "Douglas County", "Alexandria", "Brandon") fall together in one state
    even when each alone would go to a bigger namesake."""
    gains: Counter = Counter()
    support: Counter = Counter()
    for group in groups:
        if not group.candidates or group.scores is None:
            continue
        best = float(group.scores.max())
        by_region: dict[tuple[str | None, str | None], float] = {}
        for place, score in zip(group.candidates, group.scores, strict=True):
            if place.kind == "country" or not place.admin1:
                continue
            region = (place.country_code, place.admin1)
            gain = float(score) + HOME_BONUS - best
            if gain > by_region.get(region, 0.0):
                by_region[region] = gain
        for region, gain in by_region.items():
            gains[region] += gain
            support[region] += 1
    ranked = [(gain, region) for region, gain in gains.items() if support[region] >= HOME_SUPPORT]
    if not ranked:
        return None
    return max(ranked)[1]


def _group(toponyms: Sequence[Toponym], text: str, gazetteer: Gazetteer) -> list[_Group]:
    by_key: dict[str, _Group] = {}
    groups_in_order: list[_Group] = []
    for toponym in toponyms:
        surface = _surface(toponym)
        key = normalize_name(surface)
        group = by_key.setdefault(key, _Group(key=key, surface=surface))
        group.indices.append(len(groups_in_order))
        groups_in_order.append(group)
        if toponym.hint_kind:
            group.hint_kinds.add(toponym.hint_kind)
        group.hint_kinds |= _kind_words_around(text, toponym)
        code = _demonym_before(text, toponym, gazetteer)
        if code:
            group.demonym_countries.add(code)
        if surface[:1].isupper():
            group.demonym_of = gazetteer.country_by_demonym(surface)
    listed, list_kinds = _listed(toponyms, text)
    for i, kind in list_kinds.items():
        groups_in_order[i].hint_kinds.add(kind)
    for i, toponym in enumerate(toponyms):
        group = groups_in_order[i]
        containers: list[Place] = []
        following = toponyms[i + 1] if i + 1 < len(toponyms) else None
        between = text[toponym.end : following.start] if following else ""
        if following is not None and (_COMMA_ONLY.match(between) or _IN_PREP.match(between)):
            containers = [
                p for p in gazetteer.candidates(_surface(following)) if p.kind in CONTAINER_KINDS
            ]
            if listed[i] and _COMMA_ONLY.match(between):
                peers = {p.kind for p in gazetteer.candidates(_surface(toponym))}
                containers = [c for c in containers if c.kind not in peers]
            if containers:
                groups_in_order[i + 1].is_container = True
        else:
            container = _container_after_comma(text, toponym.end, gazetteer)
            containers = [container] if container is not None else []
        group.containers.extend(c for c in containers if normalize_name(c.name) != group.key)
    return list(by_key.values())


def _listed(toponyms: Sequence[Toponym], text: str) -> tuple[list[bool], dict[int, str]]:
    """Enumerations of names joined by commas and a final "and"/"or".

    Returns which toponyms stand in a list of three or more ("Georgia,
    Oklahoma, Texas and Ohio": there "X, Y" is two peers, not a place and its
    container, whenever X can be of Y's kind; "Springfield, Ill., and
    Columbia, Mo." keeps its containers), and the kind a plural class word
    right after a list gives all its items ("Clarke, Madison and Oconee
    counties", "Barrow and Jackson counties")."""
    flags = [False] * len(toponyms)
    kinds: dict[int, str] = {}
    start = 0
    while start < len(toponyms):
        end, conjunctions = start, 0
        while end + 1 < len(toponyms):
            between = text[toponyms[end].end : toponyms[end + 1].start]
            if _COMMA_ONLY.match(between):
                end += 1
            elif _LIST_AND.match(between):
                end += 1
                conjunctions += 1
            else:
                break
        if end - start >= 2 and conjunctions:
            for i in range(start, end + 1):
                flags[i] = True
        if end > start and conjunctions:
            after = _WORD.findall(text[toponyms[end].end : toponyms[end].end + 20])[:1]
            kind = _PLURAL_KIND_WORDS.get(after[0].lower()) if after else None
            if kind:
                kinds.update(dict.fromkeys(range(start, end + 1), kind))
        start = end + 1
    return flags, kinds


def _prepare_result(
    toponyms: Sequence[Toponym], groups: Sequence[_Group]
) -> tuple[ResolvedToponym, ...]:
    out: list[ResolvedToponym | None] = [None] * len(toponyms)
    for group in groups:
        place, confidence = None, 0.0
        if group.pick >= 0 and group.scores is not None:
            place = group.candidates[group.pick]
            shifted = np.exp(group.scores - group.scores.max())
            confidence = float(shifted[group.pick] / shifted.sum())
        for i in group.indices:
            out[i] = ResolvedToponym(toponyms[i], place, round(confidence, 4))
    return tuple(r for r in out if r is not None)


def rank_candidates(toponym: Toponym, text: str, gazetteer: Gazetteer) -> tuple[Place, ...]:
    """The candidates of one toponym, best first, judged by its own text."""
    groups = _group([toponym], text, gazetteer)
    group = groups[0]
    _candidates(group, gazetteer, sorted(group.demonym_countries))
    if not group.candidates:
        return ()
    scores = _static_features(group) @ weights_vector()
    order = np.argsort(-scores, kind="stable")
    return tuple(group.candidates[int(j)] for j in order)


def resolve_unplaced(
    resolved: Sequence[ResolvedToponym], geocoder: Geocoder, gazetteer: Gazetteer | None = None
) -> tuple[ResolvedToponym, ...]:
    """Ask another geocoder (the optional online one) for the names the
    gazetteer has no place for; the offline picks are never replaced. An answer
    with no country takes the country and region of the gazetteer's nearest
    settlement, so the country filter and the place key know it."""
    from geo.places.geocoder import place_from_location

    answered: dict[str, Place | None] = {}
    result = []
    for item in resolved:
        if item.place is None:
            name = item.toponym.text
            if name not in answered:
                location = geocoder.geocode(name, exactly_one=True)
                place = None if location is None else place_from_location(location)
                if place is not None and place.country_code is None and gazetteer is not None:
                    place = _with_region_of_nearest(place, gazetteer)
                answered[name] = place
            if answered[name] is not None:
                item = ResolvedToponym(item.toponym, answered[name], score=0.0)
        result.append(item)
    return tuple(result)


def _with_region_of_nearest(place: Place, gazetteer: Gazetteer) -> Place:
    nearest = gazetteer.nearest_settlement(place.lat, place.lon)
    if nearest is None:
        return place
    return replace(place, country_code=nearest.country_code, admin1=nearest.admin1)
