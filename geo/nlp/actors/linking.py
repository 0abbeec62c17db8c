"""Linking: candidate mentions -> canonical actors, coreference within one article.

Registry actors and role designations name their actor outright; full names
are looked up (spelling slips included); surnames, given names and acronyms
link to a full name of the same article; what is left gets an id of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from geo.model import Actor, ActorMention, ActorType
from geo.nlp.actors.candidates import Candidate, Cluster, char_span, looks_like_org
from geo.nlp.actors.countries import CountryLexicon, country_lexicon
from geo.nlp.actors.registry import ActorRegistry
from geo.nlp.actors.roles import role_by_key
from geo.nlp.actors.words import (
    ACRONYM_RE,
    DOMAIN_WORDS,
    GOVERNMENT_WORDS,
    HONORIFICS,
    POLICY_AREAS,
    TITLE_WORDS,
    fold,
    slug,
)


def prepare_mentions(
    doc: Doc, kept: list[Candidate], registry: ActorRegistry
) -> tuple[ActorMention, ...]:
    lexicon = country_lexicon()
    clusters: dict[str, Cluster] = {}
    full_names: list[tuple[int, Cluster]] = []  # person clusters by token position

    def cluster_for(actor: Actor) -> Cluster:
        found = clusters.get(actor.id)
        if found is None:
            found = clusters[actor.id] = Cluster(actor.id, actor.name, actor.type, fixed=actor)
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
        span = char_span(doc, c)
        mentions.append((span, c.cluster))
    text = doc.text
    return tuple(
        ActorMention(s.start, s.end, text[s.start : s.end], cl.to_actor()) for s, cl in mentions
    )


def _name_words(doc: Doc, c: Candidate) -> list[str]:
    return [t.text for t in doc[c.start : c.end] if t.lower_ not in HONORIFICS]


def _name_text(doc: Doc, c: Candidate) -> str:
    """The name as written, less honorifics: 'Lai Ching-te', not the tokens 'Lai Ching - te'."""
    written = "".join(t.text_with_ws for t in doc[c.start : c.end] if t.lower_ not in HONORIFICS)
    return " ".join(written.split())


def _acronym_expansions(doc: Doc, kept: list[Candidate]) -> dict[int, Candidate]:
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


def _initials(doc: Doc, c: Candidate) -> str:
    """'Rapid Support Forces' -> 'RSF'; lower-case words ('of', 'for') do not count."""
    return "".join(t.text[0] for t in doc[c.start : c.end] if t.text[:1].isupper())


def _folded_name(doc: Doc, c: Candidate) -> tuple[str, ...]:
    return tuple(fold(_name_text(doc, c)).split())


def _given_name_matches(
    word: str, full_names: list[tuple[int, Cluster]]
) -> list[tuple[int, Cluster]]:
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
    c: Candidate,
    registry: ActorRegistry,
    lexicon: CountryLexicon,
    clusters: dict[str, Cluster],
) -> Cluster:
    role = role_by_key(c.label)
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
        found = clusters[actor.id] = Cluster(actor.id, actor.name, actor.type, fixed=actor)
    return found


def _full_name_cluster(
    doc: Doc, c: Candidate, registry: ActorRegistry, clusters: dict[str, Cluster]
) -> Cluster:
    name = _name_text(doc, c)
    actor = registry.lookup(name) or registry.similar_person(name)
    if actor is not None:
        found = clusters.get(actor.id)
        if found is None:
            found = clusters[actor.id] = Cluster(actor.id, actor.name, actor.type, fixed=actor)
        return found
    actor_id = slug(name)
    found = clusters.get(actor_id)
    if found is None:
        found = clusters[actor_id] = Cluster(actor_id, name, "person")
    return found


def _short_name_cluster(
    doc: Doc,
    c: Candidate,
    registry: ActorRegistry,
    clusters: dict[str, Cluster],
    full_names: list[tuple[int, Cluster]],
) -> Cluster | None:
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
            found = clusters[actor.id] = Cluster(actor.id, actor.name, actor.type, fixed=actor)
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
        found = clusters[actor_id] = Cluster(actor_id, name, kind)  # type: ignore[arg-type]
    return found


def _is_generic_designation(doc: Doc, c: Candidate) -> bool:
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


def _org_type(doc: Doc, c: Candidate) -> ActorType:
    if c.media:
        return "media"
    return "government" if looks_like_org(doc, c.start, c.end) else "organisation"


def _eu_body(doc: Doc, c: Candidate, name: str, registry: ActorRegistry) -> Actor | None:
    """'the EU has a Border and Coast Guard Agency': EU bodies drop 'European'."""
    before = [t.text for t in doc[max(0, c.start - 3) : c.start]]
    if not any(w in ("EU", "European") for w in before):
        return None
    return registry.lookup(f"European {name}") or registry.lookup(f"European Union {name}")
