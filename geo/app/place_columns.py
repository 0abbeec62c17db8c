"""The map's markers as columns (`PlaceColumns`), and what a query database says about its
places, event types and sources once per process (`lookups`), not on every rerun.

`PlaceTable` holds each place of the database by its code (geo.store.query_db's
`place_code`: the rank by name and key) with its key, name, kind, point and the pieces of
the layer's JSON already written (`safe_json` of each name, each rounded coordinate), so a
rerun fetches only (code, events) pairs and indexes arrays: no join, no 30,000 strings out
of DuckDB, no JSON of every name per filter change.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

import numpy as np

from geo.app import mapview
from geo.app.safetext import safe_json

if TYPE_CHECKING:
    import duckdb


_POWERS = 10 ** np.arange(1, 19, dtype=np.int64)


_ESCAPED = re.compile("[<>&$`\u2028\u2029{]")
"""The characters safe_json may change: a text without any is plain JSON already."""


def _name_json(text: str) -> str:
    """safe_json(text), without its passes over a text they would not change."""
    if _ESCAPED.search(text):
        return safe_json(text)
    return json.dumps(text, ensure_ascii=False)


def _cost(text: str) -> int:
    """A text's share of mapview.layer_payload_bytes: its UTF-8 bytes, 5 per escape."""
    return len(text.encode("utf-8")) + 5 * sum(text.count(c) for c in '<>&$`"\\')


@dataclass(frozen=True, eq=False)
class PlaceTable:
    """Every place of one query database, indexed by its code."""

    keys: np.ndarray
    names: np.ndarray
    kinds: np.ndarray
    kind_names: np.ndarray
    """Every kind, sorted; `kind_codes` is each place's position in it."""
    kind_codes: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    name_json: np.ndarray
    """safe_json of each name: the layer's `name` list is these joined by commas."""
    lat_json: np.ndarray
    lon_json: np.ndarray
    name_cost: np.ndarray
    """Each name's share of the layer's bytes (`_cost`)."""

    @classmethod
    def from_columns(cls, keys, names, kinds, lat, lon) -> PlaceTable:
        names, kinds = np.asarray(names, dtype=object), np.asarray(kinds, dtype=object)
        lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        kind_names = np.array(sorted(set(kinds.tolist())), dtype=object)
        code = {kind: i for i, kind in enumerate(kind_names.tolist())}

        def dumped(values: np.ndarray) -> np.ndarray:
            # One json.dumps of the list, cut at its commas: numbers hold none.
            text = json.dumps([round(v, 5) for v in values.tolist()], separators=(",", ":"))
            return np.array(text[1:-1].split(",") if len(values) else [], dtype=object)

        return cls(
            keys=np.asarray(keys, dtype=object),
            names=names,
            kinds=kinds,
            kind_names=kind_names,
            kind_codes=np.array([code[k] for k in kinds.tolist()], dtype=np.int64),
            lat=lat,
            lon=lon,
            name_json=np.array([_name_json(n) for n in names.tolist()] or [], dtype=object),
            lat_json=dumped(lat),
            lon_json=dumped(lon),
            name_cost=np.array([_cost(n) for n in names.tolist()], dtype=np.int64),
        )


@dataclass(frozen=True)
class StoreCodes:
    """The codes the query database gives event types and sources (the filters' values
    become codes), how many articles and events (ranks `ev`) it holds and the most rows an
    event has."""

    types: Mapping[str, int]
    sources: Mapping[str, int]
    articles: int
    events: int
    max_rows: int


@dataclass(frozen=True, eq=False)
class Lookups:
    places: PlaceTable
    codes: StoreCodes


_LOADED: dict[str, Lookups] = {}
_LOCK = threading.Lock()


def lookups(cur: duckdb.DuckDBPyConnection) -> Lookups:
    """The places and codes of the query database `cur` reads (attached as `q` by
    geo.app.store_view.open_store), loaded once per database file and process: the file's
    name carries its store version, so a new version is a new entry."""
    ((path,),) = cur.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = 'q'"
    ).fetchall()
    found = _LOADED.get(path)
    if found is None:
        found = _load(cur)
        with _LOCK:
            if len(_LOADED) >= 4:  # old versions of the store: their files are gone
                _LOADED.clear()
            _LOADED[path] = found
    return found


def _load(cur: duckdb.DuckDBPyConnection) -> Lookups:
    rows = cur.execute(
        "SELECT place_code, key, name, kind, lat, lon FROM place_info ORDER BY place_code"
    ).fetchnumpy()
    if not np.array_equal(rows["place_code"], np.arange(len(rows["place_code"]))):
        raise ValueError("the query database's place codes are not 0..n-1")
    places = PlaceTable.from_columns(
        rows["key"], rows["name"], rows["kind"], rows["lat"], rows["lon"]
    )
    types = dict(cur.execute("SELECT event_type, type_code FROM type_info").fetchall())
    sources = dict(cur.execute("SELECT source, source_code FROM source_info").fetchall())
    articles, events, max_rows = cur.execute(
        "SELECT articles, events, max_rows FROM store_meta"
    ).fetchone()
    return Lookups(places, StoreCodes(types, sources, int(articles), int(events), int(max_rows)))


@dataclass(frozen=True, eq=False)
class PlaceColumns(Sequence[mapview.PlaceMarker]):
    """The markers of a view as columns, most events first: the map's script is written
    from them (`payload`, what mapview.layer_payload makes of the same markers) and a
    PlaceMarker is made only for the place asked for, not for 30,000 on every rerun.
    `codes` and `table`: the places' codes in the database's PlaceTable, whose written
    JSON pieces `payload_json` joins (None: written from the columns)."""

    keys: tuple[str, ...]
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    events: np.ndarray
    sizes: np.ndarray
    entries: dict[int, tuple[mapview.PopupEntry, ...]]
    """Popup entries by position; places without any are left out."""
    codes: np.ndarray | None = None
    table: PlaceTable | None = None

    @classmethod
    def of_places(
        cls,
        table: PlaceTable,
        codes: np.ndarray,
        counts: np.ndarray,
        entries: dict[int, tuple[mapview.PopupEntry, ...]],
    ) -> PlaceColumns:
        """The markers of the places `codes` of `table` (in this order), with their counts."""
        return cls(
            keys=tuple(table.keys[codes].tolist()),
            names=tuple(table.names[codes].tolist()),
            kinds=tuple(table.kinds[codes].tolist()),
            lat=table.lat[codes],
            lon=table.lon[codes],
            events=counts,
            sizes=mapview.marker_sizes(counts, int(counts.max(initial=0))),
            entries=entries,
            codes=codes,
            table=table,
        )

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, i: int) -> mapview.PlaceMarker: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[mapview.PlaceMarker, ...]: ...
    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        name, events = self.names[i], int(self.events[i])
        return mapview.PlaceMarker(
            key=self.keys[i],
            name=name,
            kind=self.kinds[i],
            lat=float(self.lat[i]),
            lon=float(self.lon[i]),
            events=events,
            size=int(self.sizes[i]),
            tooltip=mapview.tooltip_text(name, events),
            entries=self.entries.get(i, ()),
        )

    def __iter__(self) -> Iterator[mapview.PlaceMarker]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(other) == len(self) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def labels(self) -> dict[str, str]:
        """Each place's key and "name (events)", in the markers' order: the place list."""
        return {
            k: f"{n} ({e})"
            for k, n, e in zip(self.keys, self.names, self.events.tolist(), strict=True)
        }

    def bounds(self) -> tuple[tuple[float, float], ...]:
        """mapview.marker_bounds of these markers."""
        if not len(self):
            return mapview.DEFAULT_BOUNDS
        pad = 0.5
        return (
            (float(self.lat.min()) - pad, float(self.lon.min()) - pad),
            (float(self.lat.max()) + pad, float(self.lon.max()) + pad),
        )

    def _kinds(self) -> tuple[list[str], list[int]]:
        kinds = sorted(set(self.kinds))
        code = {kind: i for i, kind in enumerate(kinds)}
        return kinds, [code[k] for k in self.kinds]

    def _entries(self) -> list[tuple[mapview.PopupEntry, ...]]:
        last = max(self.entries, default=-1)
        return [self.entries.get(i, ()) for i in range(last + 1)]

    def payload(self) -> dict[str, list]:
        """mapview.layer_payload of these markers, from the columns."""
        kinds, kind = self._kinds()
        return {
            "kinds": kinds,
            "areas": [int(mapview.is_area(k)) for k in kinds],
            "kind": kind,
            "lat": [round(v, 5) for v in self.lat.tolist()],
            "lon": [round(v, 5) for v in self.lon.tolist()],
            "size": self.sizes.tolist(),
            "name": list(self.names),
            "events": self.events.tolist(),
            "entries": self._entries(),
        }

    def payload_json(self) -> str:
        """safe_json(self.payload()), joined from the PlaceTable's written names and
        coordinates (each escaped alone: the escapes only ever touch a string's own
        characters, so the pieces joined are the whole escaped)."""
        if self.table is None or self.codes is None:
            return safe_json(self.payload())
        table, codes = self.table, self.codes
        # The view's kinds, sorted: the table's codes of those present, renumbered.
        present = np.unique(table.kind_codes[codes])
        kinds = table.kind_names[present].tolist()
        kind = np.searchsorted(present, table.kind_codes[codes])

        def joined(values: np.ndarray) -> str:
            return "[" + ",".join(values.tolist()) + "]"

        def numbers(values: np.ndarray) -> str:  # integers: nothing to escape
            return json.dumps(values.tolist(), separators=(",", ":"))

        return (
            f'{{"kinds":{safe_json(kinds)}'
            f',"areas":{numbers(np.array([int(mapview.is_area(k)) for k in kinds], int))}'
            f',"kind":{numbers(kind)},"lat":{joined(table.lat_json[codes])}'
            f',"lon":{joined(table.lon_json[codes])},"size":{numbers(self.sizes)}'
            f',"name":{joined(table.name_json[codes])},"events":{numbers(self.events)}'
            f',"entries":{safe_json(self._entries())}}}'
        )

    def payload_bytes(self) -> int:
        """mapview.layer_payload_bytes of these markers, from the columns."""
        if self.table is not None and self.codes is not None:
            kinds = self.table.kind_names[np.unique(self.table.kind_codes[self.codes])].tolist()
            texts, named = list(kinds), int(self.table.name_cost[self.codes].sum())
        else:
            kinds = sorted(set(self.kinds))
            texts, named = kinds + list(self.names), 0
        punctuation = (
            120 + 4 * len(kinds) + 36 * len(self) + 25 * sum(map(len, self.entries.values()))
        )
        # The digits of every count (a count of 0 has one), without a str() each.
        events = np.asarray(self.events, dtype=np.int64)
        punctuation += int(np.searchsorted(_POWERS, np.abs(events), side="right").sum())
        punctuation += len(events) + int((events < 0).sum())
        for entries in self.entries.values():
            for entry in entries:
                texts += entry
        return named + _cost("".join(texts)) + punctuation
