"""The country lexicon: words that tie a designation or a name to a country.

Demonyms and country names from `countryinfo` plus the shared
geo/data/demonyms.csv, matched token-wise in a Doc ("Polish", "Russia's").
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from geo.nlp.actors.registry import DEMONYMS_CSV
from geo.nlp.actors.words import fold, folded_texts, tokenize


@dataclass(frozen=True)
class CountryLexicon:
    """Words that tie a designation to a country: demonyms and country names."""

    demonyms: Mapping[tuple[str, ...], str]  # folded tokens -> ISO alpha-2
    names: Mapping[tuple[str, ...], str]
    country_names: Mapping[str, str]  # ISO alpha-2 -> short English name
    country_demonyms: Mapping[str, str]  # ISO alpha-2 -> demonym
    capitals: frozenset[str] = frozenset()  # folded capital city names
    max_len: int = 3
    first_words: frozenset[str] = frozenset()  # first tokens of demonyms and names

    def demonym_at(self, doc: Doc, i: int) -> tuple[int, str] | None:
        """(end token, country) of a demonym starting at token i, if any."""
        return self._at(self.demonyms, doc, i, need_title=True)

    def name_at(self, doc: Doc, i: int) -> tuple[int, str] | None:
        return self._at(self.names, doc, i, need_title=False)

    def _at(
        self, table: Mapping[tuple[str, ...], str], doc: Doc, i: int, need_title: bool
    ) -> tuple[int, str] | None:
        folded = folded_texts(doc)  # computed once a Doc
        if folded[i] not in self.first_words:  # first: most words start no name, and this
            return None  # costs a list index where the test below makes a Token
        if not doc[i].text[:1].isupper():
            return None
        for length in range(min(self.max_len, len(doc) - i), 0, -1):
            code = table.get(tuple(folded[i : i + length]))
            if code is not None:
                return i + length, code
        return None


@lru_cache(maxsize=1)
def country_lexicon() -> CountryLexicon:
    """Demonyms and country names: `countryinfo` plus the shared geo/data/demonyms.csv."""
    try:
        from countryinfo import all_countries
    except ImportError as missing:  # pragma: no cover - declared dependency
        raise ImportError("install countryinfo: pip install countryinfo==1.0.1") from missing

    demonyms: dict[tuple[str, ...], tuple[int, str]] = {}
    names: dict[tuple[str, ...], str] = {}
    country_names: dict[str, str] = {}
    country_demonyms: dict[str, str] = {}
    capitals: set[str] = set()
    for record in (country.info() for country in all_countries()):
        capital = record.get("capital") or []
        capitals.update(fold(c) for c in ([capital] if isinstance(capital, str) else capital))
        code = (record.get("ISO") or {}).get("alpha2")
        if not code:
            continue
        population = int(record.get("population") or 0)
        name = record.get("name") or ""
        country_names.setdefault(code, name)
        for alias in [name, *(record.get("altSpellings") or [])]:
            if alias and not (alias.isupper() and len(alias) <= 3):
                names.setdefault(tuple(fold(t) for t in tokenize(alias)), code)
        for demonym in (record.get("demonym") or "").split(","):
            key = tuple(fold(t) for t in tokenize(demonym.strip()))
            if key and (key not in demonyms or demonyms[key][0] < population):
                demonyms[key] = (population, code)
                country_demonyms.setdefault(code, demonym.strip())
    with open(DEMONYMS_CSV, encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines):
            key = tuple(fold(t) for t in tokenize(row["demonym"].strip()))
            demonyms[key] = (1 << 62, row["country_code"].strip().upper())
    for alias, code in (
        ("US", "US"),
        ("U.S.", "US"),
        ("USA", "US"),
        ("America", "US"),
        ("UK", "GB"),
        ("Britain", "GB"),
        ("Great Britain", "GB"),
        ("Russian Federation", "RU"),
        ("Turkiye", "TR"),
    ):
        names[tuple(fold(t) for t in tokenize(alias))] = code
    country_names.update({"US": "United States", "GB": "United Kingdom", "RU": "Russia"})
    country_demonyms.update({"US": "American", "GB": "British"})
    table = {key: code for key, (_, code) in demonyms.items()}
    for key, code in table.items():
        country_demonyms.setdefault(code, " ".join(key).title())
    first_words = frozenset(key[0] for key in [*table, *names] if key)
    max_len = max(len(key) for key in [*table, *names])
    return CountryLexicon(
        table, names, country_names, country_demonyms, frozenset(capitals), max_len, first_words
    )


def country_name(code: str | None) -> str | None:
    """The short English name of a country by its ISO alpha-2 code ("PL" -> "Poland")."""
    if not code:
        return None
    return country_lexicon().country_names.get(code.upper())
