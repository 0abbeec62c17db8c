"""The offline gazetteer: GeoNames-derived places, looked up by normalised name.

Rows come from geo.places.sources; this module packs them into flat tables (names hashed,
strings packed) that the disk cache (geo.places.cache) memory-maps, and answers lookups by
name, id, code and point.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from geo.model import Place
from geo.names import normalize_name
from geo.places.sources import KINDS, _Row

if TYPE_CHECKING:
    from geo.places.geonames_index import GeoNamesIndex

REPLACEABLE_POINTS = frozenset(
    {"countryinfo", "iso3166-2", "member-towns", "capital", "largest-town", "country"}
)
"""Point sources an imported GeoNames index overrides with GeoNames' own point of the feature
(a supplement point is a person's correction, and is kept)."""


# --------------------------------------------------------------------------
# Flat tables
# --------------------------------------------------------------------------


def _name_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def _pack_strings(strings: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [s.encode("utf-8") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), offsets


def _unpack_string(blob: np.ndarray, offsets: np.ndarray, i: int) -> str:
    return bytes(blob[offsets[i] : offsets[i + 1]]).decode("utf-8")


_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def _tables_from_rows(rows: Sequence[_Row], demonyms: Mapping[str, str]) -> dict[str, object]:
    """Columnar arrays + a hashed name index (sorted hash -> posting list)."""
    codes = sorted({r.country_code for r in rows if r.country_code})
    code_index = {c: i + 1 for i, c in enumerate(codes)}
    strings: dict[str, dict[str, int]] = {
        "admin1": {},
        "admin2": {},
        "feature": {},
        "gazetteer": {},
        "point": {},
    }

    def intern(table: str, value: str | None) -> int:
        if value is None:
            return -1
        return strings[table].setdefault(value, len(strings[table]))

    n = len(rows)
    arrays: dict[str, np.ndarray] = {
        "geonameid": np.array(
            [r.geonameid if r.geonameid is not None else -1 for r in rows], np.int64
        ),
        "lat": np.array([r.lat for r in rows], np.float64),
        "lon": np.array([r.lon for r in rows], np.float64),
        "population": np.array([r.population for r in rows], np.int64),
        "kind": np.array([_KIND_ORDER[r.kind] for r in rows], np.uint8),
        "country": np.array([code_index.get(r.country_code or "", 0) for r in rows], np.uint16),
        "admin1": np.array([intern("admin1", r.admin1) for r in rows], np.int32),
        "admin2": np.array([intern("admin2", r.admin2) for r in rows], np.int32),
        "feature": np.array([intern("feature", r.feature) for r in rows], np.int16),
        "gazetteer": np.array([intern("gazetteer", r.gazetteer) for r in rows], np.int16),
        "point": np.array([intern("point", r.point) for r in rows], np.int16),
    }
    arrays["name_blob"], arrays["name_offsets"] = _pack_strings([r.name for r in rows])
    arrays["gid_order"] = np.argsort(arrays["geonameid"], kind="stable").astype(np.int32)

    postings: dict[str, set[int]] = defaultdict(set)
    for i, r in enumerate(rows):
        for alias in (r.name, *r.aliases):
            key = normalize_name(alias)
            if key:
                postings[key].add(i)
    keys = list(postings)
    hashes = np.array([_name_hash(k) for k in keys], dtype=np.uint64)
    order = np.argsort(hashes, kind="stable")
    population = arrays["population"]
    sorted_keys = [keys[j] for j in order]
    posting_lists = [sorted(postings[k], key=lambda i: -population[i]) for k in sorted_keys]
    arrays["key_hash"] = hashes[order]
    arrays["key_offsets"] = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in posting_lists], out=arrays["key_offsets"][1:])
    arrays["postings"] = np.fromiter(
        (i for p in posting_lists for i in p), dtype=np.int32, count=int(arrays["key_offsets"][-1])
    )
    arrays["key_blob"], arrays["key_str_offsets"] = _pack_strings(sorted_keys)
    point_sources: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        point_sources[r.kind][r.point] += 1
    meta = {
        "countries": [""] + codes,
        **{table: list(values) for table, values in strings.items()},
        "demonyms": dict(demonyms),
        "size": n,
        "point_sources": {kind: dict(counts) for kind, counts in point_sources.items()},
    }
    return {"arrays": arrays, "meta": meta}


# --------------------------------------------------------------------------
# The gazetteer
# --------------------------------------------------------------------------


class Gazetteer:
    """Name -> places lookups over flat arrays; Places are made on demand.

    Build one from the cached full data with `load_gazetteer()`, or from a
    few Places (tests) with `Gazetteer.from_places`.
    """

    def __init__(self, arrays: Mapping[str, np.ndarray], meta: Mapping[str, object]):
        self._a = arrays
        self._meta = meta
        self._countries: list[str] = list(meta["countries"])  # type: ignore[arg-type]
        self._admin1: list[str] = list(meta["admin1"])  # type: ignore[arg-type]
        self._admin2: list[str] = list(meta["admin2"])  # type: ignore[arg-type]
        self._features: list[str] = list(meta["feature"])  # type: ignore[arg-type]
        self._gazetteers: list[str] = list(meta["gazetteer"])  # type: ignore[arg-type]
        self._point_sources: list[str] = list(meta["point"])  # type: ignore[arg-type]
        self._demonyms: dict[str, str] = dict(meta["demonyms"])  # type: ignore[arg-type]
        self._places: dict[int, Place] = {}
        self._country_index: dict[str, int] | None = None
        self._admin1_index: dict[tuple[str, str], int] | None = None
        self._key_strings: tuple[bytes, list[int]] | None = None
        self._fuzzy_choices: dict[str | None, dict[int, tuple[list[str], np.ndarray]]] = {}
        self._fallback_loader: Callable[[], Gazetteer] | None = None
        self._fallback: Gazetteer | None = None
        self._index: GeoNamesIndex | None = None

    # -- construction -----------------------------------------------------

    @classmethod
    def from_places(
        cls,
        places: Iterable[Place],
        aliases: Mapping[str, Sequence[str]] | None = None,
        demonyms: Mapping[str, str] | None = None,
    ) -> Gazetteer:
        """A small in-memory gazetteer; `aliases` maps Place.key -> extra names."""
        aliases = aliases or {}
        rows = []
        for p in places:
            raw = dict(p.raw)
            rows.append(
                _Row(
                    name=p.name,
                    kind=p.kind,
                    country_code=p.country_code,
                    lat=p.lat,
                    lon=p.lon,
                    gazetteer=p.gazetteer,
                    geonameid=p.geonameid,
                    population=p.population,
                    admin1=p.admin1,
                    admin2=raw.get("admin2"),  # type: ignore[arg-type]
                    feature=str(raw.get("feature", "")),
                    aliases=list(aliases.get(p.key, ())),
                    point=str(raw.get("point", "")),
                )
            )
        tables = _tables_from_rows(
            rows, {normalize_name(k): v for k, v in (demonyms or {}).items()}
        )
        return cls(tables["arrays"], tables["meta"])  # type: ignore[arg-type]

    def __len__(self) -> int:
        return int(self._meta["size"])  # type: ignore[call-overload]

    @property
    def index(self) -> GeoNamesIndex | None:
        """The imported GeoNames dump this gazetteer also answers from (full-GeoNames mode)."""
        return self._index

    def set_index(self, index: GeoNamesIndex | None) -> None:
        """Answer also from GeoNames' dump: its places are added to each name's candidates
        (after this gazetteer's own, which keep their order), and this gazetteer's places
        that lack GeoNames' point take the dump's."""
        self._index = index
        self._places.clear()

    def point_sources(self) -> dict[str, dict[str, int]]:
        """How many places of each kind have their point from each source
        (geo.places.sources.POINT_SOURCES): {"country": {"geonames": 219, ...}, ...}."""
        counts = self._meta["point_sources"]  # type: ignore[assignment]
        return {kind: dict(by_source) for kind, by_source in counts.items()}  # type: ignore[attr-defined]

    # -- records ------------------------------------------------------------

    def _place(self, i: int) -> Place:
        place = self._places.get(i)
        if place is not None:
            return place
        a = self._a
        gid = int(a["geonameid"][i])
        admin1 = int(a["admin1"][i])
        admin2 = int(a["admin2"][i])
        fields = {
            "geonameid": gid if gid >= 0 else None,
            "name": _unpack_string(a["name_blob"], a["name_offsets"], i),
            "kind": KINDS[int(a["kind"][i])],
            "country_code": self._countries[int(a["country"][i])] or None,
            "lat": float(a["lat"][i]),
            "lon": float(a["lon"][i]),
            "population": int(a["population"][i]),
            "admin1": self._admin1[admin1] if admin1 >= 0 else None,
            "admin2": self._admin2[admin2] if admin2 >= 0 else None,
            "feature": self._features[int(a["feature"][i])],
            "gazetteer": self._gazetteers[int(a["gazetteer"][i])],
            "point": self._point_sources[int(a["point"][i])],
        }
        place = Place(
            name=fields["name"],  # type: ignore[arg-type]
            kind=fields["kind"],  # type: ignore[arg-type]
            country_code=fields["country_code"],  # type: ignore[arg-type]
            lat=fields["lat"],  # type: ignore[arg-type]
            lon=fields["lon"],  # type: ignore[arg-type]
            gazetteer=fields["gazetteer"],  # type: ignore[arg-type]
            geonameid=fields["geonameid"],  # type: ignore[arg-type]
            population=fields["population"],  # type: ignore[arg-type]
            admin1=fields["admin1"],  # type: ignore[arg-type]
            raw=tuple(fields.items()),
        )
        if self._index is not None and place.geonameid and fields["point"] in REPLACEABLE_POINTS:
            point = self._index.point(place.geonameid)
            if point is not None:
                fields.update(lat=point[0], lon=point[1], point="geonames")
                place = replace(place, lat=point[0], lon=point[1], raw=tuple(fields.items()))
        self._places[i] = place
        return place

    def _lookup(self, key: str) -> np.ndarray:
        if not key:
            return self._a["postings"][:0]
        h = np.uint64(_name_hash(key))
        hashes = self._a["key_hash"]
        j = int(np.searchsorted(hashes, h))
        if j >= len(hashes) or hashes[j] != h:
            return self._a["postings"][:0]
        offsets = self._a["key_offsets"]
        return self._a["postings"][offsets[j] : offsets[j + 1]]

    # -- public API -------------------------------------------------------

    def candidates(self, name: str) -> tuple[Place, ...]:
        """Every place one of whose names normalises to the same key."""
        key = normalize_name(name)
        own = tuple(self._place(int(i)) for i in self._lookup(key))
        if self._index is None:
            return own
        ids = {p.geonameid for p in own}
        extra = []
        for place in self._index.candidates(key):
            if place.geonameid not in ids:  # a place of both under a name only the dump has:
                row = self._row_of(place.geonameid)  # this gazetteer's record of it
                extra.append(place if row is None else self._place(row))
        return own + tuple(extra)

    def is_known_name(self, name: str) -> bool:
        key = normalize_name(name)
        return len(self._lookup(key)) > 0 or (self._index is not None and self._index.is_known(key))

    def set_fallback(self, loader: Callable[[], Gazetteer] | None) -> None:
        """A second gazetteer, loaded on first need, for names this one lacks
        (geo.places.postal's post towns); never consulted by `candidates`, so recognition
        and ranking among this gazetteer's places are unchanged."""
        self._fallback_loader, self._fallback = loader, None

    def load_fallback(self) -> Gazetteer | None:
        """The fallback, loaded now: worker processes forked after this share it, where
        each would otherwise build or map its own (geo.places.postal's takes 1.2 GB to build)."""
        if self._fallback is None and self._fallback_loader is not None:
            self._fallback = self._fallback_loader()
        return self._fallback

    def fallback_candidates(self, name: str) -> tuple[Place, ...]:
        fallback = self.load_fallback()
        return fallback.candidates(name) if fallback is not None else ()

    def nearest_settlement(self, lat: float, lon: float, max_km: float = 25.0) -> Place | None:
        """The city or village nearest a point, within `max_km`: the country and region of
        an online answer, which carries neither. A scan of every point (milliseconds):
        online answers come one a second at most."""
        a = self._a
        settlements = (a["kind"] == _KIND_ORDER["city"]) | (a["kind"] == _KIND_ORDER["village"])
        near = settlements & (np.abs(a["lat"] - lat) <= max_km / 111.0)  # 111 km a degree of lat
        rows = np.flatnonzero(near)
        if not len(rows):
            return None
        from geo.places.geometry import distance_km

        km = distance_km(lat, lon, a["lat"][rows], a["lon"][rows])
        best = int(np.argmin(km))
        return self._place(int(rows[best])) if km[best] <= max_km else None

    def by_geonameid(self, geonameid: int) -> Place | None:
        row = self._row_of(geonameid)
        if row is not None:
            return self._place(row)
        return self._index.by_geonameid(geonameid) if self._index is not None else None

    def _row_of(self, geonameid: int | None) -> int | None:
        if geonameid is None:
            return None
        ids = self._a["geonameid"]
        order = self._a["gid_order"]
        lo, hi = 0, len(order)
        while lo < hi:  # binary search through the argsort permutation
            mid = (lo + hi) // 2
            if ids[order[mid]] < geonameid:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(order) and ids[order[lo]] == geonameid:
            return int(order[lo])
        return None

    def country(self, code: str) -> Place | None:
        if self._country_index is None:
            kind = self._a["kind"]
            rows = np.flatnonzero(kind == _KIND_ORDER["country"])
            self._country_index = {
                self._countries[int(self._a["country"][i])]: int(i) for i in rows
            }
        i = self._country_index.get(code.upper())
        return self._place(i) if i is not None else None

    def admin1(self, country_code: str, admin1_code: str) -> Place | None:
        """The first-level region with this GeoNames admin-1 code ("US", "IN")."""
        if self._admin1_index is None:
            rows = np.flatnonzero(self._a["kind"] == _KIND_ORDER["admin1"])
            self._admin1_index = {
                (
                    self._countries[int(self._a["country"][i])],
                    self._admin1[int(self._a["admin1"][i])],
                ): int(i)
                for i in rows
                if int(self._a["admin1"][i]) >= 0
            }
        i = self._admin1_index.get((country_code.upper(), admin1_code.upper()))
        if i is not None:
            return self._place(i)
        return self._index.admin1(country_code, admin1_code) if self._index is not None else None

    def needs_context(self, name: str) -> bool:
        """A name the build derived rather than read from a source ("KSA", the initials of
        the Kingdom of Saudi Arabia): a place only where the text says it is one."""
        from geo.places.sources import derived_country_initials

        return name in derived_country_initials()

    def country_by_demonym(self, word: str) -> str | None:
        """ "Polish" -> "PL"; plural nouns ("Iraqis") fall back to the singular."""
        key = normalize_name(word)
        code = self._demonyms.get(key)
        if code is None and key.endswith("s"):
            code = self._demonyms.get(key[:-1])
        return code

    def fuzzy_candidates(
        self, name: str, max_edits: int = 2, country_code: str | None = None
    ) -> tuple[Place, ...]:
        """Places whose name is within `max_edits` edits of `name`, nearest first
        ("Kosnica" -> Kuźnica); restricted to one country when given."""
        return tuple(place for place, _ in self.fuzzy_matches(name, max_edits, country_code))

    def fuzzy_matches(
        self, name: str, max_edits: int = 2, country_code: str | None = None
    ) -> tuple[tuple[Place, int], ...]:
        """Like `fuzzy_candidates`, with the edit distance of each place."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        key = normalize_name(name)
        if not key:
            return ()
        code = country_code.upper() if country_code else None
        buckets = self._fuzzy_index(code)
        matches = []
        for length in range(len(key) - max_edits, len(key) + max_edits + 1):
            if length not in buckets:
                continue
            choices, key_ids = buckets[length]
            for _, distance, position in process.extract(
                key, choices, scorer=Levenshtein.distance, score_cutoff=max_edits, limit=None
            ):
                matches.append((distance, int(key_ids[position])))
        offsets = self._a["key_offsets"]
        postings = self._a["postings"]
        country = self._a["country"]
        wanted = self._countries.index(code) if code in self._countries else -1
        ranked: dict[int, tuple[int, int]] = {}
        for distance, j in matches:
            for i in postings[offsets[j] : offsets[j + 1]]:
                i = int(i)
                if code is not None and int(country[i]) != wanted:
                    continue
                rank = (int(distance), -int(self._a["population"][i]))
                if i not in ranked or rank < ranked[i]:
                    ranked[i] = rank
        ordered = sorted(ranked, key=ranked.__getitem__)
        return tuple((self._place(i), ranked[i][0]) for i in ordered)

    def _fuzzy_index(self, code: str | None) -> dict[int, tuple[list[str], np.ndarray]]:
        """Normalised names (of one country, or all) bucketed by length, so a
        query only compares names that can be within reach."""
        cached = self._fuzzy_choices.get(code)
        if cached is not None:
            return cached
        offsets = self._a["key_offsets"]
        if code is None:
            key_ids = np.arange(len(offsets) - 1)
        else:
            wanted = self._countries.index(code) if code in self._countries else -1
            hits = np.flatnonzero(self._a["country"][self._a["postings"]] == wanted)
            key_ids = np.unique(np.searchsorted(offsets, hits, side="right") - 1)
        if self._key_strings is None:
            self._key_strings = (bytes(self._a["key_blob"]), self._a["key_str_offsets"].tolist())
        data, str_offsets = self._key_strings
        by_length: dict[int, tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
        for j in key_ids.tolist():
            name = data[str_offsets[j] : str_offsets[j + 1]].decode("utf-8")
            names, ids = by_length[len(name)]
            names.append(name)
            ids.append(j)
        buckets = {n: (names, np.array(ids)) for n, (names, ids) in by_length.items()}
        self._fuzzy_choices[code] = buckets
        return buckets
