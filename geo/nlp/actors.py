"""Actor mentions: who an article names, each linked to one canonical actor.

Three sources of mentions, in order of trust:

1. the actor registry (`geo/data/actors.csv`): well-known people, bodies,
   international organisations and media, matched by alias anywhere in the text;
2. institutional designations: a country modifier plus a role noun
   ("Polish border guards", "Poland's defence ministry", "Russian Foreign
   Ministry") from `geo/data/actor_roles.csv`, giving ids such as
   `pl_border_guard` that are the same in every article;
3. the statistical NER's PERSON and ORG entities, cleaned of titles and
   honorific noise, with surname-only mentions linked to the full name seen in
   the same article ("Lukashenko" -> "Alexander Lukashenko").

Spans follow the gold conventions: a person's span is the name (with "Mr"),
never the title; leading determiners are left out; spans never overlap.
"""

from __future__ import annotations

import calendar
import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from geo.model import Actor, ActorMention, ActorType, Span

DATA_DIR = Path(__file__).parents[1] / "data"
ACTORS_CSV = DATA_DIR / "actors.csv"
ROLES_CSV = DATA_DIR / "actor_roles.csv"
DEMONYMS_CSV = DATA_DIR / "demonyms.csv"  # shared with the gazetteer; '#' lines are comments

ACTOR_TYPES: frozenset[str] = frozenset({"person", "organisation", "government", "group", "media"})


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr."})
NAME_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "la", "le", "bin"}
)
TITLE_WORDS = _wordset(
    """president presidents prime minister ministers chancellor secretary general foreign interior
    defence defense affairs home deputy vice acting outgoing incoming former spokeswoman
    spokesman spokesperson counterpart leader opposition ambassador envoy head chief
    commissioner human rights chairman chairwoman chair state news agency service press
    official diplomat senator sen. mayor governor king queen prince premier lawmaker mp mep
    commander army navy border guard police ministry of the national security council
    coordinator special services government chief-of-staff adviser advisor aide
    minister-coordinator representative high economy finance justice health culture
    spokespeople opposition-leader activist journalist correspondent editor reporter"""
)
POLICY_AREAS = _wordset(
    """agriculture education environment trade transport energy labour labor industry
    development food rural public emergency emergencies situations migration immigration
    internal external social welfare science technology communications infrastructure
    housing sport sports tourism work employment digital climate water fisheries"""
)
APPOSITION_LINKS = _wordset("in of for at to caretaker interim transitional")
MEDIA_CUES = _wordset(
    """newspaper daily tabloid broadcaster channel television tv radio magazine outlet portal
    website weekly"""
)
GOVERNMENT_WORDS = _wordset(
    """ministry ministries department government parliament senate cabinet presidency police
    army guard forces navy embassy office"""
)
VENUE_PLATFORMS = frozenset(
    {"twitter", "facebook", "telegram", "instagram", "youtube", "tiktok", "whatsapp", "x"}
)
VENUE_CUES = frozenset({"on", "via", "in"})
NOT_ACTORS = _wordset(
    """map maps photo photos picture video videos graphic graphics file getty images reuters/
    afp/ epa caption update breaking live"""
)
DOMAIN_WORDS = _wordset(
    """defence defense interior state foreign finance justice health cabinet home economy
    treasury"""
)
WEEKDAY_WORDS = frozenset(d.lower() for d in calendar.day_name)  # months are also names
ACRONYM_RE = re.compile(r"[A-Z]{2,6}")
MIGRANT_WORDS = frozenset({"migrants", "refugees", "asylum-seekers"})

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case- and diacritic-insensitive key: 'Błaszczak' and 'Blaszczak' agree."""
    return _strip_marks(text).translate(_APOSTROPHES).casefold()


def _folded(doc: Doc) -> list[str]:
    """The folded token texts of `doc`, computed once per Doc."""
    cached = doc.user_data.get(_FOLDED_KEY)
    if cached is None or len(cached) != len(doc):
        cached = doc.user_data[_FOLDED_KEY] = [fold(t.text) for t in doc]
    return cached


_FOLDED_KEY = "geo.nlp.actors.folded"


def _strip_marks(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slug(text: str) -> str:
    """An id from a name: 'Alexander Lukashenko' -> 'alexander_lukashenko'."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


class ActorDataError(ValueError):
    """An actor data file is malformed; the message names the file and row to fix."""


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class _Alias:
    actor: Actor
    tokens: tuple[str, ...]  # diacritic-folded token texts, case kept
    exact_case: bool  # acronyms: 'EU' must not match 'eu'
    needs_the: bool  # 'the West': only after 'the', span without it
    needs_parens: bool  # '(AA)': only in parentheses, span without them


class ActorRegistry:
    """Canonical actors known in advance, found by any of their aliases.

    Give it actors and their aliases, or load the editable CSV with
    `ActorRegistry.from_csv()` (`ActorRegistry.default()` caches the bundled one).
    """

    def __init__(self, actors: Iterable[Actor], aliases: Mapping[str, Sequence[str]] = ()):
        aliases = dict(aliases)
        self._actors: dict[str, Actor] = {}
        self._by_key: dict[tuple[str, ...], list[_Alias]] = {}
        self._by_first: dict[str, set[int]] = {}
        self._persons_by_first: dict[str, list[Actor]] = {}
        for actor in actors:
            if actor.type not in ACTOR_TYPES:
                raise ActorDataError(
                    f"actor {actor.id!r} has type {actor.type!r}; use one of {sorted(ACTOR_TYPES)}"
                )
            self._actors[actor.id] = actor
            for text in (actor.name, *aliases.get(actor.id, ())):
                if text.strip():
                    self._add_alias(actor, text.strip())
            if actor.type == "person":
                first = fold(actor.name).split()[0]
                self._persons_by_first.setdefault(first, []).append(actor)

    @classmethod
    def from_csv(cls, path: str | Path = ACTORS_CSV) -> ActorRegistry:
        """Read `id,name,type,country_code,aliases` rows (aliases separated by '|')."""
        actors: list[Actor] = []
        aliases: dict[str, list[str]] = {}
        with open(path, encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    actor_id, name, kind = row["id"].strip(), row["name"].strip(), row["type"]
                except KeyError as missing:
                    raise ActorDataError(f"{path}: header must have column {missing}") from None
                if not actor_id or not name:
                    raise ActorDataError(f"{path}:{line}: id and name are required")
                if actor_id in aliases:
                    raise ActorDataError(f"{path}:{line}: duplicate id {actor_id!r}")
                country = (row.get("country_code") or "").strip().upper() or None
                actors.append(Actor(actor_id, name, kind.strip(), country))  # type: ignore[arg-type]
                aliases[actor_id] = [a for a in (row.get("aliases") or "").split("|") if a.strip()]
        return cls(actors, aliases)

    @classmethod
    def default(cls) -> ActorRegistry:
        return _default_registry()

    def __len__(self) -> int:
        return len(self._actors)

    def get(self, actor_id: str) -> Actor | None:
        return self._actors.get(actor_id)

    def lookup(self, text: str) -> Actor | None:
        """The actor one of whose aliases is `text` (case-insensitive except acronyms)."""
        tokens = tuple(_strip_marks(t).translate(_APOSTROPHES) for t in _tokenize(text))
        for alias in self._by_key.get(tuple(t.casefold() for t in tokens), ()):
            if alias.needs_parens or alias.needs_the:
                continue
            if not alias.exact_case or alias.tokens == tokens:
                return alias.actor
        return None

    def similar_person(self, name: str, min_ratio: float = 0.85) -> Actor | None:
        """A registry person whose name differs from `name` by a spelling slip.

        Transliterated names come in many spellings ('Kobrakov'/'Kubrakov'): the
        first name must agree exactly, the surname initial too, and the whole
        name must be close.
        """
        words = fold(name).split()
        if len(words) < 2:
            return None
        best, best_ratio = None, min_ratio
        for actor in self._persons_by_first.get(words[0], ()):
            other = fold(actor.name).split()
            if other[-1][:1] != words[-1][:1]:
                continue
            ratio = difflib.SequenceMatcher(None, " ".join(words), " ".join(other)).ratio()
            if ratio >= best_ratio:
                best, best_ratio = actor, ratio
        return best

    def matches(self, doc: Doc) -> list[tuple[int, int, Actor]]:
        """Token ranges [start, end) of alias occurrences, longest first at each position."""
        texts = [_strip_marks(t.text).translate(_APOSTROPHES) for t in doc]
        folded = [t.casefold() for t in texts]
        found: list[tuple[int, int, Actor]] = []
        i = 0
        while i < len(doc):
            hit = self._match_at(doc, texts, folded, i)
            if hit is None:
                i += 1
                continue
            found.append(hit)
            i = hit[1]
        return found

    def _match_at(
        self, doc: Doc, texts: list[str], folded: list[str], i: int
    ) -> tuple[int, int, Actor] | None:
        for length in sorted(self._by_first.get(folded[i], ()), reverse=True):
            end = i + length
            if end > len(doc):
                continue
            for alias in self._by_key.get(tuple(folded[i:end]), ()):
                if self._alias_fits(doc, texts, alias, i, end):
                    return i, end, alias.actor
        return None

    @staticmethod
    def _alias_fits(doc: Doc, texts: list[str], alias: _Alias, start: int, end: int) -> bool:
        if alias.exact_case:
            if tuple(texts[start:end]) != alias.tokens:
                return False
        elif not (texts[start][:1].isupper() or folded_is_particle(texts[start])):
            return False
        if alias.needs_parens and not (
            start > 0 and doc[start - 1].text == "(" and end < len(doc) and doc[end].text == ")"
        ):
            return False
        if alias.needs_the:
            if start == 0 or doc[start - 1].lower_ != "the":
                return False
            if end < len(doc) and doc[end].is_title:
                return False  # 'the West Bank' is not 'the West'
        return True

    def _add_alias(self, actor: Actor, text: str) -> None:
        needs_parens = text.startswith("(") and text.endswith(")")
        text = text.strip("()")
        needs_the = text.lower().startswith("the ") and text.split()[1][:1].isupper()
        if needs_the:
            text = text[4:]
        tokens = tuple(_strip_marks(t).translate(_APOSTROPHES) for t in _tokenize(text))
        if not tokens:
            return
        exact_case = any(c.isupper() for c in text) and not any(c.islower() for c in text)
        key = tuple(t.casefold() for t in tokens)
        self._by_key.setdefault(key, []).append(
            _Alias(actor, tokens, exact_case, needs_the, needs_parens)
        )
        self._by_first.setdefault(key[0], set()).add(len(key))


def folded_is_particle(text: str) -> bool:
    return text.casefold() in NAME_PARTICLES


@lru_cache(maxsize=1)
def _default_registry() -> ActorRegistry:
    return ActorRegistry.from_csv(ACTORS_CSV)


@lru_cache(maxsize=1)
def _tokenizer():
    import spacy

    return spacy.blank("en").tokenizer


def _tokenize(text: str) -> list[str]:
    return [t.text for t in _tokenizer()(text)]


# --------------------------------------------------------------------------- countries


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
        if not doc[i].text[:1].isupper():
            return None
        folded = _folded(doc)
        if folded[i] not in self.first_words:
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
                names.setdefault(tuple(fold(t) for t in _tokenize(alias)), code)
        for demonym in (record.get("demonym") or "").split(","):
            key = tuple(fold(t) for t in _tokenize(demonym.strip()))
            if key and (key not in demonyms or demonyms[key][0] < population):
                demonyms[key] = (population, code)
                country_demonyms.setdefault(code, demonym.strip())
    with open(DEMONYMS_CSV, encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines):
            key = tuple(fold(t) for t in _tokenize(row["demonym"].strip()))
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
        names[tuple(fold(t) for t in _tokenize(alias))] = code
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


# --------------------------------------------------------------------------- roles


@dataclass(frozen=True)
class Role:
    """A kind of state body ('border_guard') and the words that designate it."""

    key: str
    type: ActorType
    name_template: str
    phrases: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=1)
def _role_first_words() -> frozenset[str]:
    return frozenset(phrase[0] for phrase in _roles()[0])


def _role_by_key(key: str) -> Role:
    return next(r for r in _roles()[0].values() if r.key == key)


@lru_cache(maxsize=1)
def _roles() -> tuple[dict[tuple[str, ...], Role], int]:
    table: dict[tuple[str, ...], Role] = {}
    with open(ROLES_CSV, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row["type"] not in ACTOR_TYPES:
                raise ActorDataError(f"{ROLES_CSV}:{line}: unknown type {row['type']!r}")
            phrases = tuple(
                tuple(fold(t) for t in _tokenize(p.strip())) for p in row["phrases"].split("|")
            )
            role = Role(row["role"], row["type"], row["name"], phrases)  # type: ignore[arg-type]
            for phrase in phrases:
                table.setdefault(phrase, role)
    return table, max(len(p) for p in table)


def _role_at(doc: Doc, i: int) -> tuple[int, Role] | None:
    table, max_len = _roles()
    folded = _folded(doc)
    if folded[i] not in _role_first_words():
        return None
    for length in range(min(max_len, len(doc) - i), 0, -1):
        role = table.get(tuple(folded[i : i + length]))
        if role is not None:
            end = i + length
            if _spatial_side(doc, i, end) or doc[end - 1].tag_ == "JJ":
                return None  # 'from the Polish side', 'military drills': no body
            return end, role
    return None


def _spatial_side(doc: Doc, start: int, end: int) -> bool:
    """'the Polish side of the border', 'from the Polish side': a place, not a body."""
    if doc[end - 1].lower_ != "side":
        return False
    if end < len(doc) and doc[end].lower_ == "of":
        return True
    before = [t.lower_ for t in doc[max(0, start - 3) : start]]
    return "the" in before and any(w in ("on", "from", "at", "to", "across") for w in before)


# --------------------------------------------------------------------------- candidates


@dataclass
class _Candidate:
    start: int  # token offsets
    end: int
    priority: int
    kind: str  # 'registry' | 'role' | 'person' | 'org' | 'group'
    actor: Actor | None = None
    country: str | None = None
    media: bool = False
    label: str = ""
    cluster: _Cluster | None = field(default=None, repr=False)


@dataclass
class _Cluster:
    """One person or organisation of this document, before it becomes an Actor."""

    id: str
    name: str
    type: ActorType
    countries: list[str] = field(default_factory=list)
    fixed: Actor | None = None  # from the registry: never renamed

    def to_actor(self) -> Actor:
        if self.fixed is not None:
            return self.fixed
        country = max(self.countries, key=self.countries.count) if self.countries else None
        return Actor(self.id, self.name, self.type, country)


def find_actors(
    doc: Doc,
    exclude: Sequence[Span] = (),
    toponym_spans: Sequence[Span] = (),
    registry: ActorRegistry | None = None,
) -> tuple[ActorMention, ...]:
    """Actor mentions of `doc`, in text order, each linked to a canonical Actor.

    `exclude` (boilerplate: credits, footers) yields no actor; `toponym_spans`
    are places, so an NER entity that is mostly a toponym is not an actor.
    """
    if not isinstance(doc, Doc):
        raise TypeError(f"find_actors needs a spaCy Doc, got {type(doc).__name__}")
    registry = ActorRegistry.default() if registry is None else registry
    try:
        candidates = _query(doc, registry, toponym_spans)
        kept = [c for c in _without_overlaps(candidates) if not _excluded(doc, c, exclude)]
        return _prepare_mentions(doc, kept, registry)
    finally:
        doc.user_data.pop(_FOLDED_KEY, None)  # a per-call cache: keep the Doc as it came


def _query(doc: Doc, registry: ActorRegistry, toponym_spans: Sequence[Span]) -> list[_Candidate]:
    candidates = [
        _Candidate(s, e, 4, "registry", actor=a)
        for s, e, a in registry.matches(doc)
        if not _is_venue(doc, s, e)
    ]
    candidates += _role_candidates(doc)
    candidates += _entity_candidates(doc, toponym_spans)
    candidates += _surname_candidates(doc, candidates)
    candidates += [_Candidate(t.i, t.i + 1, 0, "group") for t in doc if t.lower_ in MIGRANT_WORDS]
    for c in candidates:
        if c.actor is not None and c.actor.type == "person":
            c.start = _with_honorific(doc, c.start)
    return candidates


def _with_honorific(doc: Doc, start: int) -> int:
    if start > 0 and doc[start - 1].lower_ in HONORIFICS and doc[start - 1].text[:1].isupper():
        return start - 1
    return start


def _is_venue(doc: Doc, start: int, end: int) -> bool:
    """'posted on Twitter': the platform is where, not who."""
    return (
        end - start == 1
        and doc[start].lower_ in VENUE_PLATFORMS
        and start > 0
        and doc[start - 1].lower_ in VENUE_CUES
    )


def _role_candidates(doc: Doc) -> list[_Candidate]:
    """Country-modified designations of state bodies and their personnel."""
    lexicon = country_lexicon()
    found: list[_Candidate] = []
    i = 0
    while i < len(doc):
        hit = _modified_role_at(doc, i, lexicon)
        if hit is None:
            i += 1
            continue
        found.append(hit)
        i = hit.end
    return found + _bare_capitalised_roles(doc, found, lexicon)


def _modified_role_at(doc: Doc, i: int, lexicon: CountryLexicon) -> _Candidate | None:
    # 'Polish border guards', "Poland's defence ministry", 'Russia's security council'
    modifier = lexicon.demonym_at(doc, i) or lexicon.name_at(doc, i)
    if modifier is not None:
        after, country = modifier
        if after < len(doc) and doc[after].lower_ in ("'s", "\u2019s", "'"):
            after += 1
        role = _role_at(doc, after) if after < len(doc) else None
        if role is not None:
            return _role_candidate(i, role[0], role[1], country)
        return None
    # 'caretaker government in Germany', 'Ministry of Foreign Affairs of Russia'
    role = _role_at(doc, i)
    if role is None or not (doc[i].is_title or (i > 0 and doc[i - 1].lower_ == "the")):
        return None
    end, kind = role
    if end + 1 < len(doc) and doc[end].lower_ in ("of", "in"):
        tail = lexicon.name_at(doc, end + 1)
        if tail is not None:
            return _role_candidate(i, tail[0], kind, tail[1])
    return None


def _role_candidate(start: int, end: int, role: Role, country: str) -> _Candidate:
    return _Candidate(start, end, 3, "role", country=country, label=role.key)


def _bare_capitalised_roles(
    doc: Doc, modified: list[_Candidate], lexicon: CountryLexicon
) -> list[_Candidate]:
    """'Interior Ministry troops' with no country: take the sentence's only country."""
    taken = {t for c in modified for t in range(c.start, c.end)}
    has_sentences = doc.has_annotation("SENT_START")
    found: list[_Candidate] = []
    for token in doc:
        if token.i in taken or not token.is_title or token.is_sent_start:
            continue
        role = _role_at(doc, token.i)
        if role is None or not all(t.is_title or t.is_stop for t in doc[token.i : role[0]]):
            continue
        if role[0] - token.i < 2:
            continue  # a lone capitalised 'Government' is too vague
        sent = token.sent if has_sentences else doc[max(0, token.i - 20) : token.i + 20]
        countries = _sentence_countries(doc, sent, lexicon)
        if len(countries) == 1:
            found.append(_role_candidate(token.i, role[0], role[1], countries.pop()))
    return found


def _sentence_countries(doc: Doc, sent: SpacySpan, lexicon: CountryLexicon) -> set[str]:
    codes: set[str] = set()
    for i in range(sent.start, sent.end):
        hit = lexicon.demonym_at(doc, i) or lexicon.name_at(doc, i)
        if hit is not None:
            codes.add(hit[1])
    return codes


def _entity_candidates(doc: Doc, toponym_spans: Sequence[Span]) -> list[_Candidate]:
    lexicon = country_lexicon()
    found: list[_Candidate] = []
    for label, ent_start, ent_end in _entity_ranges(doc):
        start, end = _clean_entity(doc, ent_start, ent_end, label == "PERSON")
        if label == "PERSON":
            end = _extend_particles(doc, end)
        if start >= end or _is_noise(doc, start, end, label, lexicon):
            continue
        if _mostly_toponym(doc, start, end, toponym_spans):
            continue
        kind = "person" if label == "PERSON" else "org"
        if kind == "person" and (end - start > 5 or _looks_like_org(doc, start, end)):
            kind = "org"
        candidate = _Candidate(start, end, 2 if kind == "person" else 1, kind, label=label)
        if kind == "person":
            candidate.start = _with_honorific(doc, start)
        candidate.country = _context_country(doc, start, end, lexicon)
        candidate.media = _has_media_cue(doc, start)
        found.append(candidate)
    return found


def _entity_ranges(doc: Doc) -> list[tuple[str, int, int]]:
    """PERSON and ORG entities; 'Ahlstrom and Soule' is two people."""
    ranges = []
    for ent in doc.ents:
        if ent.label_ == "ORG":
            ranges.append((ent.label_, ent.start, ent.end))
        elif ent.label_ == "PERSON":
            start = ent.start
            for token in ent:
                if token.lower_ in ("and", "&"):
                    ranges.append((ent.label_, start, token.i))
                    start = token.i + 1
            ranges.append((ent.label_, start, ent.end))
    return ranges


def _surname_candidates(doc: Doc, candidates: list[_Candidate]) -> list[_Candidate]:
    """Surnames the NER missed ('Muller said') of people named in full in the article."""
    surnames: set[str] = set()
    for c in candidates:
        is_person = c.kind == "person" or (c.actor is not None and c.actor.type == "person")
        words = [t for t in doc[c.start : c.end] if t.lower_ not in HONORIFICS]
        if is_person and len(words) >= 2:
            surnames.add(fold(words[-1].text))
    tagged = doc.has_annotation("TAG")
    found = []
    for token in doc:
        if not token.is_title or fold(token.text) not in surnames:
            continue
        if (tagged and token.tag_ != "NNP") or (not tagged and token.is_sent_start):
            continue
        found.append(_Candidate(token.i, token.i + 1, 1, "person", label="SURNAME"))
    return found


def _clean_entity(doc: Doc, start: int, end: int, person: bool) -> tuple[int, int]:
    """Strip determiners, possessives and text past a line break; of a person's
    name also the titles and demonyms before it ('Belarusian President')."""
    lexicon = country_lexicon()
    for i in range(start, end):
        if "\n" in doc[i].text or "\n" in doc[i].whitespace_:
            end = i if "\n" in doc[i].text else i + 1
            break
    for i in range(start, end):
        if doc[i].text == "(" and not any(t.text == ")" for t in doc[i:end]):
            end = i  # 'Department of Agriculture (DA': the NER cut the parenthesis
            break
    while end > start and (doc[end - 1].lower_ in ("'s", "\u2019s", "'") or doc[end - 1].is_punct):
        end -= 1
    while start < end:
        token = doc[start]
        demonym = lexicon.demonym_at(doc, start) if person else None
        if token.lower_ in ("the", "a", "an") or (person and token.lower_ in TITLE_WORDS):
            start += 1
        elif demonym is not None and demonym[0] < end:
            start = demonym[0]
        elif token.lower_ in ("'s", "\u2019s") or token.is_punct:
            start += 1
        else:
            break
    return start, end


def _extend_particles(doc: Doc, end: int) -> int:
    """'Ursula von der' + 'Leyen': the NER often cuts names at particles."""
    if not (doc[end - 1].lower_ in NAME_PARTICLES or (end < len(doc) and _is_particle(doc[end]))):
        return end
    while end < len(doc) and not doc[end - 1].whitespace_.count("\n"):
        token = doc[end]
        if _is_particle(token) or (token.is_title and token.is_alpha):
            end += 1
            if token.is_title and not _is_particle(token):
                break
        else:
            break
    return end


def _is_particle(token: Token) -> bool:
    return token.text in NAME_PARTICLES  # lower-case only: 'Van' may start a name


def _is_noise(doc: Doc, start: int, end: int, label: str, lexicon: CountryLexicon) -> bool:
    text = doc[start:end].text
    words = [t.lower_ for t in doc[start:end]]
    if fold(text) in NOT_ACTORS or any(w in NOT_ACTORS for w in words if w.endswith("/")):
        return True
    if "/" in text or "http" in text or not any(c.isalpha() for c in text):
        return True  # credits 'AFP / Name', URLs
    if label == "PERSON" and any(c.isdigit() for c in text):
        return True  # 'H5N1': people's names carry no digits
    if end - start == 1 and words[0] in DOMAIN_WORDS:
        return True  # 'Defence' of 'Defence Minister'
    if _is_venue(doc, start, end):
        return True
    if end - start == 1 and doc[start].tag_ == "NNPS":
        return True  # plural proper nouns are peoples ('Slavs'), not persons
    if words[0] in WEEKDAY_WORDS:
        return True  # 'Tuesday's' taken for an organisation
    place = lexicon.name_at(doc, start)
    demonym = lexicon.demonym_at(doc, start)
    if (place is not None and place[0] == end) or (demonym is not None and demonym[0] == end):
        return True  # 'Sri Lanka', 'Sri Lankan' taken for a person or organisation
    return label == "ORG" and fold(text) in lexicon.capitals


def _mostly_toponym(doc: Doc, start: int, end: int, toponym_spans: Sequence[Span]) -> bool:
    first, last = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    covered = sum(
        max(0, min(last, t.end) - max(first, t.start)) for t in toponym_spans if t.start < last
    )
    return covered * 2 >= last - first


def _looks_like_org(doc: Doc, start: int, end: int) -> bool:
    return any(t.lower_ in GOVERNMENT_WORDS for t in doc[start:end])


def _context_country(doc: Doc, start: int, end: int, lexicon: CountryLexicon) -> str | None:
    """Country of a name from its title or apposition.

    'Polish Prime Minister Mateusz Morawiecki' and 'Maria Zakharova, Russian
    Foreign Ministry spokeswoman' both tie the name to a country.
    """
    inside = next((hit[1] for i in range(start, end) if (hit := lexicon.demonym_at(doc, i))), None)
    if inside is not None:
        return inside
    i = start - 1
    if i >= 0 and doc[i].lower_ in HONORIFICS:
        i -= 1
    if i >= 0 and doc[i].text == ",":
        i -= 1
    steps = 0
    while i >= 0 and steps < 7:
        token = doc[i]
        hit = _country_ending_at(doc, i, lexicon)
        if hit is not None:
            return hit
        if not (
            token.lower_ in TITLE_WORDS
            or token.lower_ in MEDIA_CUES
            or token.is_title
            or token.lower_ in ("'s", "\u2019s")
        ):
            break
        if "\n" in token.whitespace_:
            break
        i -= 1
        steps += 1
    if end < len(doc) and doc[end].text == ",":
        for j in range(end + 1, min(end + 9, len(doc))):
            token = doc[j]
            hit = lexicon.demonym_at(doc, j) or lexicon.name_at(doc, j)
            if hit is not None:
                return hit[1]
            if token.is_punct or not (
                token.lower_ in TITLE_WORDS or token.lower_ in APPOSITION_LINKS or token.is_title
            ):
                break
    return None


def _country_ending_at(doc: Doc, i: int, lexicon: CountryLexicon) -> str | None:
    for start in range(i, max(-1, i - lexicon.max_len), -1):
        hit = lexicon.demonym_at(doc, start) or lexicon.name_at(doc, start)
        if hit is not None and hit[0] == i + 1:
            return hit[1]
    return None


def _has_media_cue(doc: Doc, start: int) -> bool:
    window = doc[max(0, start - 4) : start]
    words = [t.lower_ for t in window]
    return any(w in MEDIA_CUES for w in words) or ("agency" in words and "news" in words)


# --------------------------------------------------------------------------- selection


def _without_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    """Trusted sources first, then longer spans; nothing overlaps what is kept."""
    ranked = sorted(candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    taken: set[int] = set()
    kept: list[_Candidate] = []
    for c in ranked:
        tokens = range(c.start, c.end)
        if any(t in taken for t in tokens):
            continue
        taken.update(tokens)
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _excluded(doc: Doc, c: _Candidate, exclude: Sequence[Span]) -> bool:
    span = _char_span(doc, c)
    return any(span.overlaps(b) for b in exclude)


def _char_span(doc: Doc, c: _Candidate) -> Span:
    return Span(doc[c.start].idx, doc[c.end - 1].idx + len(doc[c.end - 1]))


# --------------------------------------------------------------------------- linking


def _prepare_mentions(
    doc: Doc, kept: list[_Candidate], registry: ActorRegistry
) -> tuple[ActorMention, ...]:
    lexicon = country_lexicon()
    clusters: dict[str, _Cluster] = {}
    full_names: list[tuple[int, _Cluster]] = []  # person clusters by token position

    def cluster_for(actor: Actor) -> _Cluster:
        found = clusters.get(actor.id)
        if found is None:
            found = clusters[actor.id] = _Cluster(actor.id, actor.name, actor.type, fixed=actor)
        return found

    long_names = [
        _folded_name(doc, c)
        for c in kept
        if c.kind == "person" or (c.kind == "registry" and c.actor and c.actor.type == "person")
    ]
    # Pass 1: everything that names its actor outright.
    for c in kept:
        if c.kind == "registry" and c.actor is not None:
            if c.actor.type == "person" and len(_name_words(doc, c)) == 1:
                continue  # a surname: a namesake of this article goes first (pass 2)
            c.cluster = cluster_for(c.actor)
            if c.actor.type == "person":
                full_names.append((c.start, c.cluster))
        elif c.kind == "role":
            c.cluster = _role_cluster(c, registry, lexicon, clusters)
        elif c.kind == "group":
            c.cluster = cluster_for(Actor("migrants", "Migrants", "group"))
        elif c.kind == "person" and len(_name_words(doc, c)) >= 2:
            if _is_name_tail(_folded_name(doc, c), long_names):
                continue  # 'Lopez Obrador' of 'Andres Manuel Lopez Obrador': pass 2
            c.cluster = _full_name_cluster(doc, c, registry, clusters)
            full_names.append((c.start, c.cluster))
    # Pass 2: surnames and other short forms link to a full name of the same article.
    spelled_out = _acronym_expansions(doc, kept)
    for k, c in enumerate(kept):
        if c.cluster is None and c.kind in ("person", "org", "registry") and k not in spelled_out:
            c.cluster = _short_name_cluster(doc, c, registry, clusters, full_names)
    # Pass 3: an acronym ('RSF') is the organisation it abbreviates ('Rapid Support Forces').
    for k, expansion in spelled_out.items():
        c = kept[k]
        c.cluster = expansion.cluster or _short_name_cluster(doc, c, registry, clusters, full_names)
    mentions = []
    for c in kept:
        if c.cluster is None:
            continue
        if c.country and c.cluster.fixed is None:
            c.cluster.countries.append(c.country)
        span = _char_span(doc, c)
        mentions.append((span, c.cluster))
    text = doc.text
    return tuple(
        ActorMention(s.start, s.end, text[s.start : s.end], cl.to_actor()) for s, cl in mentions
    )


def _name_words(doc: Doc, c: _Candidate) -> list[str]:
    return [t.text for t in doc[c.start : c.end] if t.lower_ not in HONORIFICS]


def _name_text(doc: Doc, c: _Candidate) -> str:
    """The name as written, less honorifics: 'Lai Ching-te', not the tokens 'Lai Ching - te'."""
    written = "".join(t.text_with_ws for t in doc[c.start : c.end] if t.lower_ not in HONORIFICS)
    return " ".join(written.split())


def _acronym_expansions(doc: Doc, kept: list[_Candidate]) -> dict[int, _Candidate]:
    """Unlinked acronyms ('RSF') -> the organisation of the article they abbreviate.

    The nearest spelled-out name before the acronym wins, else the first after it.
    """
    names = [
        (k, c, _initials(doc, c))
        for k, c in enumerate(kept)
        if c.end - c.start >= 2
        and (c.kind == "org" or (c.kind == "registry" and c.actor and c.actor.type != "person"))
    ]
    found = {}
    for k, c in enumerate(kept):
        token = doc[c.start]
        if c.kind != "org" or c.end - c.start != 1 or not ACRONYM_RE.fullmatch(token.text):
            continue
        matching = [(j, other) for j, other, initials in names if initials == token.text]
        before = [other for j, other in matching if j < k]
        if matching:
            found[k] = before[-1] if before else matching[0][1]
    return found


def _initials(doc: Doc, c: _Candidate) -> str:
    """'Rapid Support Forces' -> 'RSF'; lower-case words ('of', 'for') do not count."""
    return "".join(t.text[0] for t in doc[c.start : c.end] if t.text[:1].isupper())


def _folded_name(doc: Doc, c: _Candidate) -> tuple[str, ...]:
    return tuple(fold(_name_text(doc, c)).split())


def _given_name_matches(
    word: str, full_names: list[tuple[int, _Cluster]]
) -> list[tuple[int, _Cluster]]:
    """The full names of one person the article has that open with `word`, else none.

    'Lai' after 'Lai Ching-te' (family name first) or 'Hunter' after 'Hunter Biden';
    with two people named 'Donald' a lone 'Donald' stays unlinked.
    """
    same = [(pos, cl) for pos, cl in full_names if fold(cl.name).split()[0] == word]
    return same if len({cl.id for _, cl in same}) == 1 else []


def _is_name_tail(words: tuple[str, ...], names: Sequence[tuple[str, ...]]) -> bool:
    """`words` end a longer name: a surname, or a two-part one ('Lopez Obrador')."""
    return any(len(name) > len(words) and name[-len(words) :] == words for name in names)


def _role_cluster(
    c: _Candidate,
    registry: ActorRegistry,
    lexicon: CountryLexicon,
    clusters: dict[str, _Cluster],
) -> _Cluster:
    role = _role_by_key(c.label)
    actor_id = f"{(c.country or 'xx').lower()}_{role.key}"
    known = registry.get(actor_id)
    if known is not None:
        actor = known
    else:
        name = role.name_template.format(
            country=lexicon.country_names.get(c.country or "", c.country or ""),
            demonym=lexicon.country_demonyms.get(c.country or "", c.country or ""),
        )
        actor = Actor(actor_id, name, role.type, c.country)
    found = clusters.get(actor.id)
    if found is None:
        found = clusters[actor.id] = _Cluster(actor.id, actor.name, actor.type, fixed=actor)
    return found


def _full_name_cluster(
    doc: Doc, c: _Candidate, registry: ActorRegistry, clusters: dict[str, _Cluster]
) -> _Cluster:
    name = _name_text(doc, c)
    actor = registry.lookup(name) or registry.similar_person(name)
    if actor is not None:
        found = clusters.get(actor.id)
        if found is None:
            found = clusters[actor.id] = _Cluster(actor.id, actor.name, actor.type, fixed=actor)
        return found
    actor_id = slug(name)
    found = clusters.get(actor_id)
    if found is None:
        found = clusters[actor_id] = _Cluster(actor_id, name, "person")
    return found


def _short_name_cluster(
    doc: Doc,
    c: _Candidate,
    registry: ActorRegistry,
    clusters: dict[str, _Cluster],
    full_names: list[tuple[int, _Cluster]],
) -> _Cluster | None:
    words = _name_words(doc, c)
    name = _name_text(doc, c)
    if len(words) == 1 or c.kind == "person":
        key = _folded_name(doc, c)
        same = [
            (pos, cl)
            for pos, cl in full_names
            if _is_name_tail(key, [tuple(fold(cl.name).split())])
            or (len(key) == 1 and fold(cl.name).split()[-1] == key[0])
        ]
        if not same and len(key) == 1 and c.kind == "person":
            same = _given_name_matches(key[0], full_names)
        if same:
            before = [item for item in same if item[0] < c.start]
            return (before[-1] if before else same[0])[1]
    actor = c.actor if c.kind == "registry" else registry.lookup(name)
    if actor is None and c.kind == "org":
        actor = _eu_body(doc, c, name, registry)
    if actor is not None:
        found = clusters.get(actor.id)
        if found is None:
            found = clusters[actor.id] = _Cluster(actor.id, actor.name, actor.type, fixed=actor)
        return found
    if c.kind == "person":
        actor_id, kind = slug(name), "person"
    else:
        if len(words) == 1 and doc[c.start].is_lower:
            return None
        kind = _org_type(doc, c)
        actor_id = slug(name)
        if c.country and _is_generic_designation(doc, c):
            actor_id = f"{c.country.lower()}_{actor_id}"  # one 'Health Ministry' per country
    if not actor_id:
        return None
    found = clusters.get(actor_id)
    if found is None:
        found = clusters[actor_id] = _Cluster(actor_id, name, kind)  # type: ignore[arg-type]
    return found


def _is_generic_designation(doc: Doc, c: _Candidate) -> bool:
    """'Health Ministry', 'Department of Agriculture': common words only, no proper name."""
    words = [t.lower_ for t in doc[c.start : c.end]]
    return any(w in GOVERNMENT_WORDS for w in words) and all(
        w in GOVERNMENT_WORDS
        or w in TITLE_WORDS
        or w in DOMAIN_WORDS
        or w in POLICY_AREAS
        or w in ("and", "of", "for", "the", "&")
        for w in words
    )


def _org_type(doc: Doc, c: _Candidate) -> ActorType:
    if c.media:
        return "media"
    return "government" if _looks_like_org(doc, c.start, c.end) else "organisation"


def _eu_body(doc: Doc, c: _Candidate, name: str, registry: ActorRegistry) -> Actor | None:
    """'the EU has a Border and Coast Guard Agency': EU bodies drop 'European'."""
    before = [t.text for t in doc[max(0, c.start - 3) : c.start]]
    if not any(w in ("EU", "European") for w in before):
        return None
    return registry.lookup(f"European {name}") or registry.lookup(f"European Union {name}")
