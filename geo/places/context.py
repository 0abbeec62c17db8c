"""The document-context score terms: what the other places' current picks say.

_context summarises the picks (countries, first-level regions, kinds, points, the home region
weighted by confidence); _context_features scores each candidate against that summary minus its
own votes, with proximity to the other places' points. Recomputed every round by geo.places.resolve.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from geo.model import Place
from geo.places.candidates import _Group
from geo.places.features import _F, FEATURES, PROXIMITY_KM, PROXIMITY_NEIGHBOURS
from geo.places.gazetteer import Gazetteer
from geo.places.geometry import distance_km

BROAD_KINDS = frozenset({"country", "continent", "region", "sea", "river", "admin1"})


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
