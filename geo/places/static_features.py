"""The prior and local score terms: what does not depend on the other picks.

Feature rows of a group's candidates from the place itself (population, kind, capital) and the
cues found at its mentions (geo.places.candidates). Computed once per document; the context
rounds (geo.places.context) add their terms on top.
"""

from __future__ import annotations

import math

import numpy as np

from geo.model import Place
from geo.places.candidates import _KIND_WORDS, CONTAINER_KINDS, HINT_KINDS, _contains, _Group
from geo.places.features import _F, ALIAS_EXEMPT_KINDS, FEATURES, SHADOW_KM
from geo.places.gazetteer import normalize_name
from geo.places.geometry import distance_km


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


def _static_features(group: _Group) -> np.ndarray:
    """Prior and local terms: what does not depend on the other picks."""
    if not group.candidates:
        return np.zeros((0, len(FEATURES)))
    prior = np.array([_prior_features(p) for p in group.candidates])
    return prior + _local_features(group)
