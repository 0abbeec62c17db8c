"""What each surface form could mean, and what its mentions say around it.

Toponyms are grouped by surface form (_Group, one sense per document); each group collects
the cues at its mentions (kind words, demonyms, "X, Y" / "X in Y" containers, lists) and its
candidate places from the gazetteer: spelling variants, inhabitants' names, parts of towns, the
post-town fallback and fuzzy matches. Text and gazetteer only: no feature rows are built here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from geo.model import Place, PlaceKind, Toponym
from geo.places.features import EXONYM_POPULATION_RATIO, KIND_BONUS, POPULATION_WEIGHT
from geo.places.gazetteer import Gazetteer, normalize_name
from geo.places.geometry import distance_km

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


_SHORT_FORM_LINKS = re.compile(r" (?:upon|on|am|an|sur) ")
"""Links of a two-part name whose either part is its short form when the place also bears
it: "Kingston upon Hull" is Hull, "Newcastle upon Tyne" Newcastle, "Stoke-on-Trent" Stoke,
"Frankfurt am Main" Frankfurt."""


def _bears_name(place: Place, key: str) -> bool:
    """The place's own name is `key`, possibly followed by a qualifier
    ("Washington, D.C.", "New York City", "Henry County"), or is one part of its two-part
    name (`_SHORT_FORM_LINKS`): the candidates of `key` all bear it, so a place whose name
    holds it so bears it as its short form, not a foreign or former name."""
    name = normalize_name(place.name)
    if name == key or (name.startswith(key + " ") and name[len(key) + 1 :] in _NAME_QUALIFIERS):
        return True
    parts = _SHORT_FORM_LINKS.split(name)
    return len(parts) == 2 and key in parts


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
