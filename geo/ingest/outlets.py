"""The outlets table: news outlets and agencies, the names texts call them, their domains.

The metadata finders and the boilerplate (photo credits) both look outlets up, so the
table is loaded here, once and lazily, from the editable `geo/data/outlets.csv`
(name, aliases, domains, kind, country).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

OutletKind = str
"""`agency` (wire service), `outlet` (publisher) or `photo` (picture agency)."""


@dataclass(frozen=True)
class Outlet:
    """A news outlet or agency from the outlets table."""

    name: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    kind: OutletKind
    country: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class OutletTable:
    """Lookup of outlets by the names a text uses and by the hosts of their URLs."""

    def __init__(self, outlets: Sequence[Outlet]) -> None:
        self.outlets = tuple(outlets)
        self._by_name: dict[str, Outlet] = {}
        self._by_folded_name: dict[str, Outlet] = {}
        self._by_domain: dict[str, Outlet] = {}
        self._patterns: dict[tuple[str, ...], re.Pattern[str]] = {}
        for outlet in self.outlets:
            for name in outlet.names:
                self._by_name.setdefault(name, outlet)
                self._by_folded_name.setdefault(name.casefold(), outlet)
            for domain in outlet.domains:
                self._by_domain.setdefault(domain.lower(), outlet)

    def find(self, name: str) -> Outlet | None:
        """The outlet called `name`; case matters for short acronyms (AP, AA, RT)."""
        name = " ".join(name.split())
        if name in self._by_name:
            return self._by_name[name]
        if len(name) >= 4:
            return self._by_folded_name.get(name.casefold())
        return None

    def for_host(self, host: str) -> Outlet | None:
        """The outlet owning `host` or a parent domain of it (`edition.cnn.com` -> CNN)."""
        labels = host.lower().rstrip(".").removeprefix("www.").split(".")
        for first in range(len(labels) - 1):
            outlet = self._by_domain.get(".".join(labels[first:]))
            if outlet is not None:
                return outlet
        return None

    def name_regex(
        self, kinds: tuple[OutletKind, ...] = ("agency", "outlet", "photo")
    ) -> re.Pattern[str]:
        """An alternation of every name of the outlets of `kinds`, longest first (compiled once)."""
        if kinds not in self._patterns:
            names = {n for o in self.outlets if o.kind in kinds for n in o.names}
            variants = set()
            for name in names:
                variants.add(re.escape(name))
                if name.startswith("The "):
                    variants.add("[Tt]he " + re.escape(name[4:]))
            alternation = "|".join(sorted(variants, key=len, reverse=True))
            self._patterns[kinds] = re.compile(alternation or r"(?!x)x")
        return self._patterns[kinds]


def load_outlets(path: str | Path | None = None) -> OutletTable:
    """The outlets table: `geo/data/outlets.csv` unless another CSV is given."""
    if path is None:
        return _default_outlets()
    with open(path, encoding="utf-8", newline="") as handle:
        return _parse_outlets(handle, str(path))


@cache
def _default_outlets() -> OutletTable:
    resource = resources.files("geo") / "data" / "outlets.csv"
    with resource.open(encoding="utf-8", newline="") as handle:
        return _parse_outlets(handle, str(resource))


def _parse_outlets(lines: Iterator[str], where: str) -> OutletTable:
    outlets = []
    for row in csv.DictReader(lines):
        if not row.get("name"):
            raise ValueError(f"{where}: a row has no name; fill the 'name' column or delete it")
        outlets.append(
            Outlet(
                name=row["name"].strip(),
                aliases=_split_list(row.get("aliases")),
                domains=_split_list(row.get("domains")),
                kind=(row.get("kind") or "outlet").strip(),
                country=(row.get("country") or "").strip() or None,
            )
        )
    return OutletTable(outlets)


def _split_list(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split("|") if part.strip())
