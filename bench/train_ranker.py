"""Learn the resolver's score weights from synthetic documents drawn from the gazetteer.

No benchmark data is read: every document is sampled from the gazetteer itself.
A document picks a country (population-weighted, like news coverage) and one of
its first-level regions (population-weighted), then 2-10 places in and around
it, drawn in proportion to population**ALPHA (capitals boosted), sometimes the
region's or the country's own name, "X, Y" and "X in Y" containers, kind words
("the village of X"), a demonym ("the Polish border town of X"), lists, a
continent, sea, river or region near it, and places of a second country. Each
mention's surface is the place's own name, so the ambiguity is the gazetteer's
namesakes.

The weights maximise the softmax log-likelihood of the right candidates (any
candidate within 161 km of the sampled place counts) with a light L2 pull
towards the hand-set weights; terms the text never exercises stay hand-set.
The context terms depend on the other picks, so documents are resolved again
with the new weights and refitted, a few times. Same seed, same weights.

    python bench/train_ranker.py                 # writes geo/places/ranker_weights.py
    python bench/train_ranker.py --docs 3000 --dry-run
    python bench/train_ranker.py --evaluate      # held-out documents, no training

`--evaluate` draws documents from another seed than training and prints how
often the hand-set and the shipped weights pick a place within 161 km: a
held-out estimate on synthetic text, free of the benchmark.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.model import Place, Toponym  # noqa: E402
from geo.names import is_latin_name, normalize_name  # noqa: E402
from geo.places import Gazetteer, distance_km, load_gazetteer  # noqa: E402
from geo.places.features import FEATURES, HAND_WEIGHTS, weights_vector  # noqa: E402
from geo.places.resolve import candidate_features  # noqa: E402
from geo.places.sources import KINDS  # noqa: E402

SEED = 20261202
HELDOUT_SEED = SEED + 1
"""Training never draws from this stream."""
ACCEPT_KM = 161.0
"""A candidate this near the sampled place is as good as the place itself."""
ALPHA = 0.25
"""Places are drawn in proportion to population**ALPHA: news names small
places far more often than their share of people (a local paper's towns)."""
CAPITAL_BOOST = 10.0
"""News names capitals (the seat of government) far beyond their population."""
BROAD_KINDS = ("continent", "sea", "river", "region")
BROAD_KM = 3000.0
UNEXERCISED = ("demonym_self", "fuzzy_edit")
"""Terms the synthetic text never exercises (demonyms as mentions, misspellings):
they keep their hand-set weight."""
OUTPUT = ROOT / "geo" / "places" / "ranker_weights.py"

_SINGLE = (
    "Police in {p} said a man was arrested on Monday.",
    "The council of {p} approved the new budget.",
    "Residents of {p} gathered outside the town hall.",
    "Flooding closed several roads around {p}.",
    "A school in {p} reopened after the storm.",
    "The company opened a plant in {p} last year.",
    "Officials from {p} declined to comment.",
    "Heavy rain hit {p} overnight.",
    "The hospital near {p} treated the injured.",
    "Farmers outside {p} reported losses.",
)
_KIND_PHRASE = {"city": "the city of {p}", "village": "the village of {p}"}
_REGION = (
    "Across {r}, officials urged caution.",
    "The governor of {r} declared an emergency.",
    "Lawmakers in {r} passed the bill.",
)
_COUNTRY = (
    "The government of {c} announced new measures.",
    "Elsewhere in {c}, markets were calm.",
    "{c} has seen similar protests before.",
)
_BROAD = (
    "The crisis has spread across the {b}.",
    "Shipping in the {b} was disrupted.",
    "Aid groups working in the {b} warned of shortages.",
)
_LIST = "Storms also hit {items}."
_DEMONYM = "Troops reached the {d} border town of {p}."


@dataclass(frozen=True)
class SyntheticDoc:
    text: str
    toponyms: tuple[Toponym, ...]
    truths: tuple[Place, ...]


class Sampler:
    """Population-weighted draws of countries, regions and places."""

    def __init__(self, gazetteer: Gazetteer, rng: np.random.Generator, alpha: float = ALPHA):
        self.g = gazetteer
        self.rng = rng
        a = gazetteer._a
        kind = np.asarray(a["kind"])
        pop = np.asarray(a["population"]).astype(float)
        country = np.asarray(a["country"])
        admin1 = np.asarray(a["admin1"])
        self.lat = np.asarray(a["lat"])
        self.lon = np.asarray(a["lon"])
        local = np.isin(kind, [KINDS.index(k) for k in ("city", "village", "admin2")])
        weight = pop**alpha
        weight[kind == KINDS.index("admin2")] *= 0.1  # counties are named less than towns
        capital = np.asarray(a["feature"]) == list(gazetteer._meta["feature"]).index("PPLC")
        weight[capital] *= CAPITAL_BOOST
        broad = np.isin(kind, [KINDS.index(k) for k in BROAD_KINDS])
        self.broad = np.flatnonzero(broad)
        self.capital_of = {int(country[i]): int(i) for i in np.flatnonzero(capital)}
        self.local = np.flatnonzero(local & (pop > 0))
        self.local_weight = weight[self.local]
        self.local_country = country[self.local]
        self.local_admin1 = admin1[self.local]
        countries = np.flatnonzero((kind == KINDS.index("country")) & (pop > 0))
        self.countries = countries
        self.country_weight = pop[countries] / pop[countries].sum()
        self.regions = np.flatnonzero((kind == KINDS.index("admin1")) & (admin1 >= 0))
        self.region_pop = np.maximum(pop[self.regions], 1.0)
        self.region_country = country[self.regions]
        self.region_admin1 = admin1[self.regions]

    def place(self, i: int) -> Place:
        return self.g._place(int(i))

    def _pick(self, pool: np.ndarray, weight: np.ndarray) -> int | None:
        if not len(pool) or weight.sum() <= 0:
            return None
        return int(pool[self.rng.choice(len(pool), p=weight / weight.sum())])

    def country(self) -> int:
        return int(self.rng.choice(self.countries, p=self.country_weight))

    def broad_near(self, row: int) -> int | None:
        """A continent, sea, river or region, the nearer the likelier."""
        km = distance_km(self.lat[row], self.lon[row], self.lat[self.broad], self.lon[self.broad])
        return self._pick(self.broad, np.exp(-km / BROAD_KM))

    def region(self, country_row: int) -> int | None:
        code = self.g._a["country"][country_row]
        mask = self.region_country == code
        return self._pick(self.regions[mask], self.region_pop[mask])

    def local_in(self, country_row: int, region_row: int | None) -> int | None:
        code = self.g._a["country"][country_row]
        mask = self.local_country == code
        if region_row is not None:
            mask &= self.local_admin1 == self.g._a["admin1"][region_row]
        return self._pick(self.local[mask], self.local_weight[mask])

    def local_near(self, row: int, km: float = 150.0) -> int | None:
        near = distance_km(self.lat[row], self.lon[row], self.lat[self.local], self.lon[self.local])
        mask = near < km
        return self._pick(self.local[mask], self.local_weight[mask])


Part = str | Place


class Writer:
    """Appends sentences made of text and places, recording each place name's span."""

    def __init__(self) -> None:
        self.text = ""
        self.toponyms: list[Toponym] = []
        self.truths: list[Place] = []

    def add(self, parts: Sequence[Part]) -> None:
        if self.text:
            self.text += " "
        for part in parts:
            if isinstance(part, str):
                self.text += part
                continue
            start = len(self.text)
            self.text += part.name
            self.toponyms.append(Toponym(start, len(self.text), part.name))
            self.truths.append(part)


def _fill(template: str, slot: str, *parts: Part) -> list[Part]:
    """ "Police in {p} said" with parts -> ["Police in ", *parts, " said"]."""
    before, after = template.split("{" + slot + "}", 1)
    return [before, *parts, after]


def _usable(place: Place | None, used: set[str]) -> bool:
    """A Latin-script name not yet used in this document (one sense per document)."""
    if place is None or not is_latin_name(place.name) or len(place.name) < 3:
        return False
    key = normalize_name(place.name)
    if key in used:
        return False
    used.add(key)
    return True


def make_doc(s: Sampler) -> SyntheticDoc | None:
    rng = s.rng
    country_row = s.country()
    region_row = s.region(country_row)
    country = s.place(country_row)
    region = s.place(region_row) if region_row is not None else None
    used: set[str] = set()
    w = Writer()
    show_region = region is not None and rng.random() < 0.4 and _usable(region, used)
    show_country = rng.random() < 0.3 and _usable(country, used)
    locals_: list[Place] = []
    first: int | None = None
    for _ in range(int(rng.integers(2, 11))):
        r = rng.random()
        if r < 0.7 or first is None:
            row = s.local_in(country_row, region_row)
        elif r < 0.85:
            row = s.local_in(country_row, None)
        else:
            row = s.local_near(first)
        if row is None:
            continue
        first = first if first is not None else row
        place = s.place(row)
        if _usable(place, used):
            locals_.append(place)
    if not locals_:
        return None
    if show_region and region is not None:
        w.add(_fill(str(rng.choice(_REGION)), "r", region))
    if show_country:
        w.add(_fill(str(rng.choice(_COUNTRY)), "c", country))
    _write_locals(w, s, locals_, region, country, used)
    broad_row = s.broad_near(country_row) if rng.random() < 0.2 else None
    broad = s.place(broad_row) if broad_row is not None else None
    if broad is not None and _usable(broad, used):
        w.add(_fill(str(rng.choice(_BROAD)), "b", broad))
    if rng.random() < 0.3:
        _second_country(w, s, used)
    if len(w.toponyms) < 2:
        return None
    return SyntheticDoc(w.text, tuple(w.toponyms), tuple(w.truths))


def _write_locals(
    w: Writer,
    s: Sampler,
    places: Sequence[Place],
    region: Place | None,
    country: Place,
    used: set[str],
) -> None:
    rng = s.rng
    i = 0
    while i < len(places):
        place = places[i]
        if rng.random() < 0.12 and i + 2 < len(places):
            a, b, c = places[i : i + 3]
            w.add(_fill(_LIST, "items", a, ", ", b, " and ", c))
            i += 3
            continue
        named: list[Part] = [place]
        container = _container_of(place, region, country)
        known = {t.key for t in w.truths}
        r = rng.random()
        if container is not None and r < 0.32:
            if container.key in known or _usable(container, used):
                named = [place, ", " if r < 0.25 else " in ", container]
        elif r < 0.37 and place.country_code == "US" and place.admin1:
            named = [place, f", {place.admin1}"]
        template = str(rng.choice(_SINGLE))
        k = rng.random()
        if k < 0.1 and place.kind in _KIND_PHRASE:
            template = template.replace("{p}", _KIND_PHRASE[place.kind])
        elif k < 0.15 and place.country_code:
            demonym = _demonym(s.g, place.country_code)
            if demonym:
                template = _DEMONYM.replace("{d}", demonym)
        w.add(_fill(template, "p", *named))
        i += 1


def _container_of(place: Place, region: Place | None, country: Place) -> Place | None:
    if region is not None and (place.country_code, place.admin1) == (
        region.country_code,
        region.admin1,
    ):
        return region
    return country if place.country_code == country.country_code else None


_DEMONYM_CACHE: dict[str, str | None] = {}


def _demonym(g: Gazetteer, code: str) -> str | None:
    if code not in _DEMONYM_CACHE:
        words = sorted(k for k, v in g._meta["demonyms"].items() if v == code and " " not in k)
        _DEMONYM_CACHE[code] = words[0].title() if words else None
    return _DEMONYM_CACHE[code]


def _second_country(w: Writer, s: Sampler, used: set[str]) -> None:
    """A foreign country: its name, often its capital (the seat of its
    government), a town or two."""
    row = s.country()
    country = s.place(row)
    if _usable(country, used):
        w.add(_fill(str(s.rng.choice(_COUNTRY)), "c", country))
    capital_row = s.capital_of.get(int(s.g._a["country"][row]))
    if capital_row is not None and s.rng.random() < 0.5:
        capital = s.place(capital_row)
        if _usable(capital, used):
            w.add(_fill(str(s.rng.choice(_SINGLE)), "p", capital))
    for _ in range(int(s.rng.integers(1, 3))):
        local = s.local_in(row, None)
        place = s.place(local) if local is not None else None
        if place is not None and _usable(place, used):
            w.add(_fill(str(s.rng.choice(_SINGLE)), "p", place))


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Examples:
    features: np.ndarray
    """All candidates of all mentions, stacked."""
    starts: np.ndarray
    """Where each mention's candidates begin."""
    accept: np.ndarray
    """Whether each candidate is within ACCEPT_KM of the sampled place."""
    picked_ok: int
    mentions: int
    ambiguous_ok: int
    """Picks right among the mentions with a choice to make (those in `starts`)."""


def collect(docs: Sequence[SyntheticDoc], g: Gazetteer, weights: np.ndarray) -> Examples:
    """Mentions with a choice to make: several candidates, some right, some wrong."""
    blocks, accepts, starts = [], [], []
    total, picked_ok, mentions, ambiguous_ok = 0, 0, 0, 0
    for doc in docs:
        truth_by_surface = {t.text: p for t, p in zip(doc.toponyms, doc.truths, strict=True)}
        for item in candidate_features(doc.toponyms, doc.text, g, weights):
            truth = truth_by_surface.get(item.surface)
            if truth is None:
                continue
            lats = np.array([p.lat for p in item.candidates])
            lons = np.array([p.lon for p in item.candidates])
            ok = distance_km(truth.lat, truth.lon, lats, lons) < ACCEPT_KM
            mentions += 1
            picked_ok += int(ok[item.pick])
            if ok.all() or not ok.any():
                continue
            ambiguous_ok += int(ok[item.pick])
            starts.append(total)
            blocks.append(item.features)
            accepts.append(ok)
            total += len(ok)
    return Examples(
        np.vstack(blocks),
        np.array(starts),
        np.concatenate(accepts),
        picked_ok,
        mentions,
        ambiguous_ok,
    )


def _loss(w: np.ndarray, ex: Examples, prior: np.ndarray, l2: float) -> tuple[float, np.ndarray]:
    scores = ex.features @ w
    seg_max = np.maximum.reduceat(scores, ex.starts)
    lengths = np.diff(np.append(ex.starts, len(scores)))
    shifted = np.exp(scores - np.repeat(seg_max, lengths))
    z_all = np.add.reduceat(shifted, ex.starts)
    z_ok = np.add.reduceat(shifted * ex.accept, ex.starts)
    nll = -np.sum(np.log(z_ok) - np.log(z_all))
    p_all = shifted / np.repeat(z_all, lengths)
    p_ok = shifted * ex.accept / np.repeat(z_ok, lengths)
    grad = ex.features.T @ (p_all - p_ok)
    n = len(ex.starts)
    diff = w - prior
    return nll / n + l2 * diff @ diff, grad / n + 2 * l2 * diff


def fit(
    ex: Examples, start: np.ndarray, prior: np.ndarray, l2: float, frozen: Sequence[str] = ()
) -> np.ndarray:
    """Minimise the loss; `frozen` terms keep their hand-set weight."""
    bounds = [
        (h, h) if name in frozen else (None, None) for name, h in zip(FEATURES, prior, strict=True)
    ]
    start = np.where([name in frozen for name in FEATURES], prior, start)
    result = minimize(
        _loss, start, args=(ex, prior, l2), jac=True, method="L-BFGS-B", bounds=bounds
    )
    return result.x


def write_weights(weights: np.ndarray, path: Path, note: str) -> None:
    lines = [
        '"""Learned weights of the resolver\'s score terms: written by bench/train_ranker.py.',
        "",
        f"{note}",
        '"""',
        "",
        "LEARNED_WEIGHTS: dict[str, float] = {",
        *(f'    "{name}": {value:.4f},' for name, value in zip(FEATURES, weights, strict=True)),
        "}",
        "",
    ]
    path.write_text("\n".join(lines), "utf-8")


def sample_docs(g: Gazetteer, seed: int, n: int, alpha: float) -> list[SyntheticDoc]:
    sampler = Sampler(g, np.random.default_rng(seed), alpha)
    docs: list[SyntheticDoc] = []
    while len(docs) < n:
        doc = make_doc(sampler)
        if doc is not None:
            docs.append(doc)
    return docs


def evaluate(g: Gazetteer, n: int, alpha: float) -> None:
    """Picks right on held-out synthetic documents, all mentions and ambiguous ones."""
    docs = sample_docs(g, HELDOUT_SEED, n, alpha)
    print(f"held out: {n} docs, seed {HELDOUT_SEED}, alpha {alpha}")
    for label, weights in (
        ("hand-set", weights_vector(HAND_WEIGHTS)),
        ("shipped", weights_vector()),
    ):
        ex = collect(docs, g, weights)
        print(
            f"  {label:9s} picks right {ex.picked_ok / ex.mentions:.4f} of {ex.mentions}; "
            f"ambiguous {ex.ambiguous_ok / len(ex.starts):.4f} of {len(ex.starts)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=8000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--l2", type=float, default=0.0001)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--alpha",
        type=float,
        default=ALPHA,
        help="places are drawn in proportion to population**alpha",
    )
    parser.add_argument(
        "--freeze", nargs="*", default=list(UNEXERCISED), choices=FEATURES, metavar="TERM"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument(
        "--evaluate",
        action="store_true",
        help="score hand-set and shipped weights on held-out documents (--docs of them)",
    )
    args = parser.parse_args()
    g = load_gazetteer()
    if args.evaluate:
        evaluate(g, args.docs, args.alpha)
        return
    started = time.perf_counter()
    docs = sample_docs(g, args.seed, args.docs, args.alpha)
    print(
        f"{len(docs)} docs, {sum(len(d.toponyms) for d in docs)} mentions "
        f"in {time.perf_counter() - started:.0f}s"
    )
    print("example:", docs[0].text)
    hand = weights_vector(HAND_WEIGHTS)
    weights = hand.copy()
    for round_ in range(args.rounds):
        ex = collect(docs, g, weights)
        print(
            f"round {round_}: picks right {ex.picked_ok / ex.mentions:.4f} of {ex.mentions}; "
            f"{len(ex.starts)} ambiguous mentions"
        )
        weights = fit(ex, weights, hand, args.l2, args.freeze)
    ex = collect(docs, g, weights)
    print(f"final: picks right {ex.picked_ok / ex.mentions:.4f} of {ex.mentions}")
    for name, h, v in zip(FEATURES, hand, weights, strict=True):
        print(f"  {name:20s} {h:7.2f} -> {v:7.2f}")
    if not args.dry_run:
        note = (
            f"{args.docs} synthetic documents, seed {args.seed}, alpha {args.alpha}, "
            f"{args.rounds} rounds,\n"
            f"L2 {args.l2} towards the hand-set weights."
        )
        write_weights(weights, args.output, note)
        print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
