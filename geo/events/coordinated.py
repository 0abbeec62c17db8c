"""Coordinated country modifiers sharing one head noun: "Pakistani and Afghan officials",
"French and British troops" are one actor per country (EVENTS.md: coordinated actors are each
kept), where the parse hangs the second demonym off the first and names the phrase once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.model import Actor
from geo.names import normalize_name
from geo.nlp import ActorRegistry, country_lexicon, country_name, role_actor, role_keyed

if TYPE_CHECKING:
    from spacy.tokens import Token

MODIFIER_DEPS = frozenset({"amod", "compound"})


def modifier_countries(head: Token) -> list[tuple[Token, str]]:
    """(token, ISO code) of the coordinated country words modifying `head`, in text order;
    empty unless they name two countries or more."""
    lexicon = country_lexicon()
    found: list[tuple[Token, str]] = []
    for left in (t for t in head.lefts if t.dep_ in MODIFIER_DEPS):
        if not left.conjuncts:
            continue
        for token in sorted((left, *left.conjuncts), key=lambda t: t.i):
            hit = lexicon.demonym_at(token.doc, token.i) or lexicon.name_at(token.doc, token.i)
            if hit is not None and all(code != hit[1] for _, code in found):
                found.append((token, hit[1]))
    return found if len(found) > 1 else []


def _for_country(actor: Actor, country: str, written: dict[str, str]) -> Actor | None:
    """The same kind of actor as `actor` (a state's body, a state, a generic group) for
    another country."""
    own = actor.country_code
    if not own or own == country:
        return None
    prefix = f"{own.lower()}_"
    if actor.id == f"country_{own.lower()}":
        name = country_name(country) or country
        return Actor(f"country_{country.lower()}", name, actor.type, country)
    if actor.id.startswith(prefix):
        role = role_keyed(actor.id[len(prefix) :])
        if role is None:
            return None  # not a role actor of the actor stage
        actor_id, name = role_actor(role, country)
        return ActorRegistry.default().get(actor_id) or Actor(actor_id, name, role.type, country)
    marker = f"_{own.lower()}_"
    if actor.id.startswith("agent_") and marker in actor.id and own in written:
        name = actor.name.replace(written[own], written[country], 1)
        if name == actor.name:
            return None
        actor_id = actor.id.replace(marker, f"_{country.lower()}_", 1)
        return Actor(actor_id, name, actor.type, country)
    return None


def _written_group(actor: Actor, own: str, country: str, written: dict[str, str]) -> Actor:
    """A group named as written with no country ("Chinese leaders") for another country:
    the same words with that country's demonym ("Russian leaders")."""
    name = " ".join(written[country] if w == written[own] else w for w in actor.name.split())
    slug = normalize_name(name).replace(" ", "_")
    return Actor(f"group_{slug}", name, actor.type, actor.country_code)


def coordinated_actors(head: Token, actor: Actor) -> list[Actor]:
    """`actor` and the actors of the other countries coordinated with the one it was named
    for, in text order ("Pakistani and Afghan officials": Pakistan's, then Afghanistan's)."""
    countries = modifier_countries(head)
    written = {code: token.text for token, code in countries}
    if countries and actor.country_code is None and actor.type == "group":
        words = actor.name.split()
        own = next((code for code, word in written.items() if word in words), None)
        if own is None:
            return [actor]
        return [
            actor if code == own else _written_group(actor, own, code, written)
            for _, code in countries
        ]
    if not countries or actor.country_code not in written:
        return [actor]
    each = (
        actor if code == actor.country_code else _for_country(actor, code, written)
        for _, code in countries
    )
    return [a for a in each if a is not None]
