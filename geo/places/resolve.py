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
(bench/train_ranker.py -> geo/places/ranker_weights.py; no benchmark data), each
falling back to the hand-set HAND_WEIGHTS.

This module runs the rounds (first picks, the home-region seed, the context passes) and holds
the public functions. Below it, without circles: geo.places.features (the terms and weights),
geo.places.candidates (groups, cues, candidate lookup), geo.places.static_features (prior and
local terms) and geo.places.context (document-context terms).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from geo.model import FACILITY_LABEL, Place, ResolvedToponym, Toponym
from geo.names import is_facility_name
from geo.places.candidates import _candidates, _Group, _group
from geo.places.context import _context, _context_features, _demonym_votes
from geo.places.facilities import place_airport_mentions, place_facilities
from geo.places.features import HOME_BONUS, HOME_SUPPORT, weights_vector
from geo.places.gazetteer import Gazetteer
from geo.places.precision import mention_precision
from geo.places.static_features import _static_features

if TYPE_CHECKING:
    from geo.places.geocoder import Geocoder

ROUNDS = 3
"""Context passes after the first pick; picks stop changing after two or three."""


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
    no candidate exists. `weights` (FEATURES order) defaults to the shipped ones.

    Facility mentions (label FACILITY_LABEL), and names ending in a facility word that no
    candidate matched ("Elm Street"), take the place that contains them, found from the
    places resolved here (geo.places.facilities), and never sway those places."""
    names = [t for t in toponyms if t.label != FACILITY_LABEL]
    resolved: list[ResolvedToponym] = []
    if names:
        groups = _resolve_groups(names, text, gazetteer, weights)
        resolved = place_airport_mentions(_prepare_result(names, groups, text), text, gazetteer)
    # A street or facility name the gazetteer lacks ("Elm Street" after "of") is one too.
    unplaced = [
        i for i, r in enumerate(resolved) if r.place is None and is_facility_name(r.toponym.text)
    ]
    if len(names) == len(toponyms) and not unplaced:
        return tuple(resolved)
    facilities = [t for t in toponyms if t.label == FACILITY_LABEL]
    placed = place_facilities(
        [resolved[i].toponym for i in unplaced] + facilities, resolved, text, gazetteer
    )
    for i, r in zip(unplaced, placed, strict=False):
        resolved[i] = r
    rest = iter(placed[len(unplaced) :])
    found = iter(resolved)
    return tuple(next(rest) if t.label == FACILITY_LABEL else next(found) for t in toponyms)


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


def _prepare_result(
    toponyms: Sequence[Toponym], groups: Sequence[_Group], text: str
) -> tuple[ResolvedToponym, ...]:
    out: list[ResolvedToponym | None] = [None] * len(toponyms)
    for group in groups:
        place, confidence = None, 0.0
        if group.pick >= 0 and group.scores is not None:
            place = group.candidates[group.pick]
            shifted = np.exp(group.scores - group.scores.max())
            confidence = float(shifted[group.pick] / shifted.sum())
        for i in group.indices:
            t = toponyms[i]
            precision = mention_precision(place, text, t.start, t.end)
            out[i] = ResolvedToponym(t, place, round(confidence, 4), precision)
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
    resolved: Sequence[ResolvedToponym],
    geocoder: Geocoder,
    gazetteer: Gazetteer | None = None,
    text: str = "",
) -> tuple[ResolvedToponym, ...]:
    """Ask another geocoder (the optional online one) for the names the
    gazetteer has no place for; the offline picks are never replaced. An answer
    with no country takes the country and region of the gazetteer's nearest
    settlement, so the country filter and the place key know it. Facility mentions are not
    asked (a street's name alone finds a namesake anywhere). `text` is the document's, for
    the answers' precision (geo.places.precision)."""
    from geo.places.geocoder import place_from_location

    answered: dict[str, Place | None] = {}
    result = []
    for item in resolved:
        if item.place is None and item.toponym.label != FACILITY_LABEL:
            name = item.toponym.text
            if name not in answered:
                location = geocoder.geocode(name, exactly_one=True)
                place = None if location is None else place_from_location(location)
                if place is not None and place.country_code is None and gazetteer is not None:
                    place = _with_region_of_nearest(place, gazetteer)
                answered[name] = place
            place = answered[name]
            if place is not None:
                t = item.toponym
                precision = mention_precision(place, text, t.start, t.end)
                item = ResolvedToponym(t, place, score=0.0, precision=precision)
        result.append(item)
    return tuple(result)


def _with_region_of_nearest(place: Place, gazetteer: Gazetteer) -> Place:
    nearest = gazetteer.nearest_settlement(place.lat, place.lon)
    if nearest is None:
        return place
    return replace(place, country_code=nearest.country_code, admin1=nearest.admin1)
