"""Who took part in a coded predicate: source and target from the dependency parse, each
named as the canonical actor it stands for.

The subject (or a passive's "by" agent) is the source; the object, a passive's subject, or
the argument of "against/with/on/to" is the target; coordinated phrases give one actor each.
A phrase is named, in order of trust, by the actor stage's mention inside it (canonical
names, "Lukashenko" -> "Alexander Lukashenko"), by a country or capital acting as its
government ("Warsaw accused Minsk": Poland, Belarus), by a Phoenix actor entry, and by a
Phoenix agent noun ("police", "soldiers", "migrants") kept with its modifiers and country.
Pronouns stand for the last actor of their kind named before them in the article.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.events.agent_heads import head_agent
from geo.events.aims import complement_targets, owner_heads
from geo.events.coordinated import coordinated_actors
from geo.events.dictionaries import CodingDictionaries
from geo.events.fired_at import countries_aimed_at
from geo.events.nouns import actor_heads
from geo.events.phrases import (
    elided_count,
    given_to,
    is_first_person,
    object_party_heads,
    previous_subject_it,
    recipient_heads,
    sought_heads,
    standoff_heads,
)
from geo.events.predicates import (
    PASSIVE_SUBJECT_DEPS,
    SUBJECT_DEPS,
    CodedPredicate,
)
from geo.events.senses import NATURAL_FORCES, counted
from geo.events.statements import is_statement_verb
from geo.events.subjects import opens_paragraph, subject_of
from geo.events.titles import DETERMINERS, title_holder
from geo.model import Actor, ActorMention, ResolvedToponym, Span
from geo.names import normalize_name
from geo.nlp import ActorRegistry, country_lexicon, country_name, role_actor, role_named

if TYPE_CHECKING:
    from spacy.tokens import Token

TARGET_PREPOSITIONS = frozenset({"against", "with", "on", "upon", "toward", "towards", "to", "at"})
"""Prepositions whose object is the one acted upon ("imposed sanctions on Belarus")."""
SPOKEN_AT = frozenset({"ACCUSE", "THREATEN", "REQUEST", "REJECT", "SUPPORT"})
"""Acts of saying, whose "at"/"to" place is the state addressed ("lashed out at Minsk",
"appealed to Washington"), not where they happened."""
OBJECT_TARGETS = frozenset({"against", "on", "upon"})
"""Prepositions of a verb's object that name the one it is aimed at ("sanctions on Minsk")."""
TOPIC_PREPOSITIONS = {"CONSULT": frozenset({"on", "upon"})}
"""Of these acts' objects, what the prepositions name is a topic: "held talks on Poland",
"discussed the crisis on the border" (the other side of talks is "with" them)."""

MOTION_LEMMAS = frozenset(
    {"cross", "enter", "reach", "arrive", "return", "travel", "move", "flee", "head", "go"}
    | {"come", "leave", "fly", "sail", "walk", "march", "drive", "push"}
)
"""Verbs whose place object is where they went, not a target."""

GOVERNMENT_FEATURES = frozenset({"PPLC", "PCLI", "PCLD", "PCLIX", "PCLS", "PCLF", "PCL"})
"""GeoNames features of capitals and independent political entities."""

SEATS = {2800866: "european_union"}
"""GeoNames ids of capitals that, acting, stand for the body seated there rather than their
country: "Washington and Brussels condemned" is the United States and the European Union."""

PLACE_HEADS = frozenset({"border", "borders", "frontier", "crossing", "checkpoint"})
"""Nouns heading a line between places, never an actor: "the Belarus-Poland border" is
neither state ("the Afghan capital", attacked, stands for Afghanistan)."""
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"they", "them"})
SKIPPED_HEADS = frozenset({"who", "which", "that", "it", "this", "these", "those", "what"})
NAMED_ENTITY_TYPES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
"""Entities the NER found that the actor stage did not link: named as written."""
PEOPLE_NOUNS = frozenset(
    {"official", "leader", "country", "nation", "state", "side", "party", "member", "delegate"}
    | {"representative", "delegation", "authority", "administration", "coalition", "alliance"}
    | {"crowd", "group", "family", "resident", "victim", "survivor", "patient", "voter"}
    | {"worker", "farmer", "driver", "passenger", "boater", "fisherman", "villager", "child"}
    | {"man", "woman", "boy", "girl", "son", "daughter", "mother", "father", "wife", "husband"}
    | {"brother", "sister", "neighbor", "neighbour", "baby", "teenager", "tenant", "firefighter"}
    | {"suspect", "prisoner", "hostage", "captive", "inmate", "fugitive", "convict", "militant"}
)
"""Nouns for people, bodies and states that Phoenix's agent list lacks ("officials agreed",
"the two countries signed"): an unnamed subject headed by one is a generic actor."""
CONDITION_HEADS = frozenset({"state"})
"""People nouns that, with an "of" phrase, name a condition: "a state of emergency"."""
_EVENT_NOUN_SUFFIXES = ("ing", "tion", "sion", "ment")
_PEOPLE_SUFFIXES = ("ist", "ian", "ent", "ee")
_THING_SUFFIXES = ("ment",)


@dataclass(frozen=True)
class Participants:
    sources: tuple[Actor, ...]
    targets: tuple[Actor, ...]
    inanimate_source: bool = False
    """A subject (or "by" agent) is there but is no actor: an epidemic, a flood, a fire."""
    inanimate_target: bool = False
    """A passive's subject is there but is no actor: homes, bridges, a name."""
    natural_force: bool = False
    """The one acting is a force of nature or a disease: "the epidemic has killed 1,200"."""
    government_heads: tuple[tuple[int, int], ...] = ()
    """Character spans of the phrase heads named as a state acting ("sanctions on Belarus",
    "lashed out at Minsk"): a place there is an actor, not where the event happened."""


class ArticleActors:
    """An article's actor mentions and places, for naming the phrases of its predicates."""

    def __init__(
        self,
        mentions: Sequence[ActorMention],
        toponyms: Sequence[ResolvedToponym],
        dicts: CodingDictionaries,
        on: dt.date | None,
        reporting: Sequence[Span] = (),
    ) -> None:
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self._reading_report = False
        self.reporting = tuple(reporting)
        """Spans saying who reports and from where (the dateline "KUZNICA, Poland (AP) -"):
        nothing in them is a party to an event."""
        self._starts = [m.start for m in self.mentions]
        self.toponyms = [t for t in toponyms if t.place is not None]
        self.dicts = dicts
        self.on = on

    def _reports(self, token: Token) -> bool:
        return any(s.start <= token.idx < s.end for s in self.reporting)

    def _mention_in(self, start: int, end: int, head: Token) -> Actor | None:
        inside = [m for m in self.mentions if start <= m.start and m.end <= end]
        if not inside:
            return None
        holding = [m for m in inside if m.start <= head.idx < m.end]
        return (holding or inside)[-1].actor

    def _government_in(self, start: int, end: int) -> Actor | None:
        for t in self.toponyms:
            place = t.place
            if place is None or not (start <= t.toponym.start and t.toponym.end <= end):
                continue
            feature = dict(place.raw).get("feature")
            seated = SEATS.get(place.geonameid or 0)
            if seated is not None:
                body = ActorRegistry.default().get(seated)
                if body is not None:
                    return body
            if place.kind == "country" or feature in GOVERNMENT_FEATURES:
                name = place.name if place.kind == "country" else country_name(place.country_code)
                if name:
                    code = place.country_code
                    return Actor(f"country_{(code or name).lower()}", name, "government", code)
        return None

    def _phoenix(self, words: Sequence[str], head_at: int) -> Actor | None:
        """A Phoenix entry spanning the phrase's head word."""
        for i in range(head_at + 1):
            found = self.dicts.match_actor(words, i, self.on)
            if found is not None and found[0].code != "---" and found[1] > head_at:
                name = found[0].name.title()
                return Actor(
                    f"phoenix_{normalize_name(name).replace(' ', '_')}", name, "organisation"
                )
        return None

    def _agent(self, head: Token, words: Sequence[str], start: int, end: int) -> Actor | None:
        """A generic actor ("police", "Polish border guards", "Toronto police"), kept apart
        per country: the country of a place named inside the phrase."""
        entry = (
            self.dicts.agent(head.lower_)
            or self.dicts.agent(head.lemma_.lower())
            or head_agent(self.dicts, head.lower_)
        )
        if entry is None:
            return None
        phrase = " ".join(w for w in words if w.lower() not in DETERMINERS)
        local = next(
            (
                t.place.country_code
                for t in self.toponyms
                if t.place is not None and start <= t.toponym.start and t.toponym.end <= end
            ),
            None,
        )  # "Kuznica police": a local body, kept with its place
        country = local or _demonym_country(head)
        if country is None and entry.label in FORCE_LABELS:
            country = self._reporting_state(head)
        named = role_named(list(words)) if not local else None
        if named is not None and _qualified(words, named[1], self.dicts):
            named = None  # "military police" is no police force of the role table
        before = self._named_before(named[0].key, head.idx) if named and not country else None
        if before is not None:
            return before  # "the police": the police named before, with their country
        if named is not None and country:
            role = named[0]
            actor_id, name = role_actor(role, country)
            known = ActorRegistry.default().get(actor_id)
            return known or Actor(actor_id, name, role.type, country)
        slug = normalize_name(phrase).replace(" ", "_")
        return Actor(
            f"agent_{entry.label}_{(country or 'xx').lower()}_{slug}", phrase, "group", country
        )

    def _named_before(self, role: str, before: int) -> Actor | None:
        """The body of that role last named with its country ("Polish police posted a video
        … as the police play an announcement"), or None."""
        earlier = [
            m.actor
            for m in self.mentions
            if m.start < before and m.actor.country_code and m.actor.id.endswith(f"_{role}")
        ]
        return earlier[-1] if earlier else None

    def _reporting_state(self, head: Token) -> str | None:
        """The country of the state body whose report names forces without a country
        ("troops and soldiers stopped it," Poland's defence ministry tweeted): a state
        reports its own forces' acts (as statements._own_side reads them)."""
        if self._reading_report:
            return None  # the speaker is itself forces with no country
        self._reading_report = True
        try:
            speaker = self._speaker(head)
        finally:
            self._reading_report = False
        if speaker is None or speaker.type == "person":
            return None
        return speaker.country_code

    def _pronoun(self, token: Token) -> Actor | None:
        word = token.lower_
        kinds = (
            ("person",)
            if word in PERSON_PRONOUNS
            else ("group", "government", "organisation")
            if word in GROUP_PRONOUNS
            else ()
        )
        if not kinds:
            return None
        i = bisect.bisect_left(self._starts, token.idx)
        earlier = [m for m in self.mentions[:i] if m.actor.type in kinds]
        if not earlier:
            return None
        # The latest sentence naming one; in it, its subject ("Lukashenko met Putin. He …").
        doc = token.doc
        latest = doc.char_span(earlier[-1].start, earlier[-1].end, alignment_mode="expand")
        if latest is None:
            return earlier[-1].actor
        sentence = latest.sent
        same = [m for m in earlier if sentence.start_char <= m.start < sentence.end_char]
        for m in same:  # the one the sentence is about, not one its quotation names
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None and _sentence_subject(span.root):
                return m.actor
        for m in same:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None and span.root.dep_ in SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS:
                return m.actor
        return earlier[-1].actor

    def speaker(self, token: Token) -> Actor | None:
        """Who speaks in the sentence of `token`: the subject of its verb of saying."""
        return self._speaker(token)

    def _speaker(self, pronoun: Token) -> Actor | None:
        """Who says "I" or "we" in a quotation: the subject of the sentence's verb of saying
        ("'We will not succumb,' Morawiecki tweeted")."""
        for verb in pronoun.sent:
            if verb.pos_ != "VERB" or not is_statement_verb(verb, self.dicts):
                continue
            for subject in verb.children:
                if subject.dep_ in SUBJECT_DEPS and not is_first_person(subject):
                    return self.name(subject)
        return None

    def _reporter(self, pronoun: Token) -> Actor | None:
        """Who "it" is in what a body said of itself ("Poland said it stopped migrants") or
        did next ("Warsaw announced the arrival of migrants, and it repelled an attempt"):
        the subject of the verb of saying whose complement holds the pronoun, or of the
        verb its clause is coordinated with."""
        clause = pronoun.head
        if pronoun.dep_ not in SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS:
            return None
        said = clause.dep_ == "ccomp" and is_statement_verb(clause.head, self.dicts)
        if not (said or clause.dep_ == "conj"):  # "Warsaw announced …, and it repelled"
            return None
        for subject in clause.head.children:
            opening_it = previous_subject_it(subject, self.name)  # "It said it would …"
            if subject.dep_ in SUBJECT_DEPS and (subject.pos_ != "PRON" or opening_it):
                actor = opening_it or self.name(subject)
                if actor is None:
                    return None
                person = actor.type == "person"
                if pronoun.lower_ in PERSON_PRONOUNS:
                    return actor if person else None
                if pronoun.lower_ in GROUP_PRONOUNS:  # "rebels said they would release"
                    return actor if not person and subject.tag_ in ("NNS", "NNPS") else None
                return actor if not person else None
        return None

    def name(self, head: Token) -> Actor | None:
        """The actor a noun phrase headed by `head` stands for, or None."""
        head = elided_count(counted(head))
        if is_first_person(head):
            return self._speaker(head)
        if head.lower_ == "it":
            reporter = self._reporter(head) or previous_subject_it(head, self.name)
            if reporter is not None:
                return reporter
        if head.lower_ in GROUP_PRONOUNS | PERSON_PRONOUNS and head.head.head.i < head.i:
            reporter = self._reporter(head)  # "the rebels said they would release": them
            named = self._pronoun(head) if reporter is None or not reporter.country_code else None
            if reporter is not None and (named is None or reporter.type == "person"):
                return reporter
        if head.pos_ == "PRON" or head.lower_ in SKIPPED_HEADS:
            return self._pronoun(head)
        if head.pos_ == "NOUN" and head.lemma_.lower() in PLACE_HEADS:
            return None  # "on the Belarus-Poland border" is a place, not a state acting
        if self._reports(head):
            return None
        tokens = [t for t in _name_tokens(head) if t is head or not self._reports(t)]
        start = min(t.idx for t in tokens)
        end = max(t.idx + len(t.text) for t in tokens)
        actor = self._mention_in(start, end, head)
        if actor is not None and actor.id == MERGED_GROUP:
            actor = None  # named below as written: "Turkish Kurd refugees", "Iraqi migrants"
        if actor is None:
            actor = title_holder(head, tokens, self.mentions, self.dicts, self.on)
        if actor is None:
            actor = self._government_in(start, end)
        words = [t.text for t in tokens]
        if actor is None:
            actor = self._phoenix([w.lower() for w in words], tokens.index(head))
        uncounted = [t.text for t in tokens if t is head or not _counting(t)]
        if actor is None:
            actor = self._agent(head, uncounted, start, end)
        if actor is None and head.ent_type_ in NAMED_ENTITY_TYPES:
            actor = _named_entity(head)
        plural_subject = head.tag_ == "NNS" and head.dep_ in SUBJECT_DEPS
        if actor is None and (is_people_noun(head) or plural_subject) and not is_thing_noun(head):
            phrase = " ".join(w for w in uncounted if w.lower() not in DETERMINERS)
            slug = normalize_name(phrase).replace(" ", "_")
            actor = Actor(f"group_{slug}", phrase, "group")
        return actor


NAME_DEPS = frozenset({"compound", "appos", "flat"})
"""Dependents that are part of a phrase's name ("Polish border guards", "Horst Seehofer, the
minister"); prepositional phrases and clauses hanging off it are not."""


FORCE_LABELS = frozenset({"military", "police"})
"""Phoenix agent labels of a state's forces."""
MERGED_GROUP = "migrants"
"""The actor stage's one group for migrants, refugees and asylum-seekers (the seeds' actor);
an event's party is the group the sentence names."""
COUNTING_DEPS = frozenset({"nummod", "quantmod"})


def _sentence_subject(token: Token) -> bool:
    """The subject of its sentence's main verb, or an apposition of it ("Germany's interior
    minister, Horst Seehofer, said …")."""
    while token.dep_ == "appos" and token.head.i != token.i:
        token = token.head
    return token.dep_ in SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS and token.head.i == token.sent.root.i


def _qualified(words: Sequence[str], size: int, dicts: CodingDictionaries) -> bool:
    """Whether a word before the role's own `size` words names another body: "military
    police"."""
    return any(dicts.agent(w.lower()) is not None for w in words[: len(words) - size])


def _counting(token: Token) -> bool:
    """A word counting a group ("more than 300 boaters", "12,000 troops"): not its name."""
    for t in (token, *token.ancestors):
        if t.dep_ in COUNTING_DEPS or t.like_num:
            return True
        if t.pos_ in ("NOUN", "PROPN"):
            return False
    return False


def _demonym_country(head: Token) -> str | None:
    """The country of a demonym modifying a noun ("Polish police", "Russian president")."""
    lexicon = country_lexicon()
    for t in head.lefts:
        if t.dep_ in ("amod", "compound"):
            found = lexicon.demonym_at(t.doc, t.i)
            if found is not None:
                return found[1]
    return None


def _name_tokens(head: Token) -> list[Token]:
    """The head, its left modifiers and the compounds and appositions hanging from them,
    never words inside its prepositional phrases or clauses: "the Belarusian president of
    seeking to destabilise the European Union" is "Belarusian president", not "… European"."""
    tokens = {head, *(t for t in head.lefts if t.dep_ not in ("punct", "cc", "prep"))}
    stack = [t for t in tokens if t != head] + [head]
    while stack:
        token = stack.pop()
        for child in token.children:
            of_phrase = (
                child.dep_ == "pobj"
                and token.lower_ == "of"
                or (child.dep_ == "prep" and child.lower_ == "of" and not _charged(token))
            )
            if (child.dep_ in NAME_DEPS or of_phrase) and child not in tokens:
                tokens.add(child)
                stack.append(child)
    return sorted(tokens, key=lambda t: t.i)


CHARGING_LEMMAS = frozenset({"accuse", "suspect", "convict", "acquit", "clear"})
"""Verbs whose object's "of" phrase is the charge ("accused the government of fraud")."""


def _charged(token: Token) -> bool:
    return token.dep_ == "dobj" and token.head.lemma_.lower() in CHARGING_LEMMAS


def is_thing_noun(token: Token) -> bool:
    """A common noun for a force of nature or a happening ("the floods", "the meetings"),
    which can be a subject but never an actor."""
    if token.pos_ != "NOUN":
        return False
    lemma = token.lemma_.lower()
    return lemma in NATURAL_FORCES or (
        lemma.endswith(_EVENT_NOUN_SUFFIXES) and not is_people_noun(token)
    )


def is_people_noun(token: Token) -> bool:
    """Whether a common noun stands for people or a body of them (not an epidemic, a flood,
    a house): a Phoenix agent, one of PEOPLE_NOUNS, or a word ending like one."""
    lemma = token.lemma_.lower()
    if lemma in CONDITION_HEADS and any(
        c.dep_ == "prep" and c.lower_ == "of" for c in token.children
    ):
        return False  # "a state of emergency" is a condition, not a state
    if lemma in PEOPLE_NOUNS:
        return True
    return lemma.endswith(_PEOPLE_SUFFIXES) and not lemma.endswith(_THING_SUFFIXES)


def _named_entity(head: Token) -> Actor:
    doc = head.doc
    start = end = head.i
    while start > 0 and doc[start - 1].ent_iob_ in ("B", "I") and doc[start].ent_iob_ == "I":
        start -= 1
    while end + 1 < len(doc) and doc[end + 1].ent_iob_ == "I":
        end += 1
    name = doc[start : end + 1].text
    if name.lower().startswith("the "):
        name = name[4:]
    kind = "person" if head.ent_type_ == "PERSON" else "organisation"
    return Actor(f"entity_{normalize_name(name).replace(' ', '_')}", name, kind)


def _with_conjuncts(token: Token) -> list[Token]:
    heads = [token]
    for t in token.conjuncts:
        if t.i > token.i:
            heads.append(t)
    return heads


def participants(predicate: CodedPredicate, actors: ArticleActors) -> Participants:
    verb = predicate.verb
    if verb.pos_ == "NOUN":  # a happening named by a noun: the people its phrase names
        named = [a for a in (actors.name(counted(h)) for h in actor_heads(verb)) if a]
        return Participants(tuple(dict.fromkeys(named)), ())
    sources: list[Actor] = []
    targets: list[Actor] = []
    forces: list[bool] = []
    governments: list[tuple[int, int]] = []

    def add(into: list[Actor], heads: list[Token]) -> bool:
        """Adds the actors the phrases name; False if a phrase is a thing, not an actor."""
        no_thing = True
        for head in heads:
            for token in _with_conjuncts(head):
                actor = actors.name(token)
                if actor is None:
                    thing = counted(token)
                    no_thing = no_thing and not is_thing_noun(thing)
                    forces.append(thing.lemma_.lower() in NATURAL_FORCES)
                else:
                    if actor.type == "government" or actor.id in SEATS.values():
                        governments.append((token.idx, token.idx + len(token.text)))
                    for one in coordinated_actors(token, actor):
                        if all(a.id != one.id for a in (*sources, *targets)):
                            into.append(one)
        return no_thing

    subjects = subject_of(verb)
    passive_subjects = [s for s in subjects if s.dep_ in PASSIVE_SUBJECT_DEPS]
    if any(c.dep_ == "auxpass" for c in verb.children) and all(s.head != verb for s in subjects):
        passive_subjects = subjects  # "pleaded guilty and was convicted": the one convicted
    inanimate_source = inanimate_target = False
    if passive_subjects:
        for agent in (c for c in verb.children if c.dep_ == "agent"):
            named = add(sources, [c for c in agent.children if c.dep_ == "pobj"])
            inanimate_source = inanimate_source or not named
        inanimate_target = not add(targets, passive_subjects)
    else:
        active = [s for s in subjects if s.dep_ in SUBJECT_DEPS or opens_paragraph(s)]
        inanimate_source = bool(active) and not add(sources, active)

    def add_aimed(heads: Sequence[Token]) -> None:
        """The targets of the phrases an act is aimed at; of an act or utterance, its owner
        ("condemned Belarus' manipulation of migrants": Belarus, "an Indian proposal")."""
        for obj in heads:
            owners, countries = owner_heads(obj, predicate.plover)
            if (owners or countries) and not is_people_noun(obj) and not obj.ent_type_:
                add(targets, owners)
                targets.extend(c for c in countries if all(c.id != t.id for t in targets))
            else:
                add(targets, [obj])

    if predicate.target_heads is not None:
        add(targets, list(predicate.target_heads))
        if not targets:  # "stressed that his country will not kneel in its crisis with X"
            add(targets, standoff_heads(verb))
        return Participants(
            tuple(sources),
            tuple(targets),
            inanimate_source and not sources,
            government_heads=tuple(governments),
        )
    objects = [c for c in verb.children if c.dep_ in ("dobj", "dative", "obj", "iobj")]
    objects = given_to(objects)  # "sent aid to Belarus": the dative "to" names Belarus
    if verb.lemma_.lower() in MOTION_LEMMAS:
        objects = [o for o in objects if o.ent_type_ not in ("GPE", "LOC", "FAC")]
    add_aimed(objects)
    aimed_preps = OBJECT_TARGETS - TOPIC_PREPOSITIONS.get(predicate.plover, frozenset())
    for obj in objects:  # "imposed sanctions on Minsk", "rejected accusations against Warsaw"
        for prep in (c for c in obj.children if c.dep_ == "prep" and c.lower_ in aimed_preps):
            add(targets, [c for c in prep.children if c.dep_ == "pobj"])
    people = {o.i for o in objects if is_people_noun(o) or o.ent_type_ in NAMED_ENTITY_TYPES}
    add(targets, object_party_heads(objects, predicate.plover, people))
    recipients = recipient_heads(objects)
    if verb.lemma_.lower() in MOTION_LEMMAS or predicate.plover == "MOBILIZE":
        recipients = [r for r in recipients if r.ent_type_ not in ("GPE", "LOC", "FAC")]
    add(targets, recipients)
    add(targets, sought_heads(verb))
    for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in TARGET_PREPOSITIONS):
        pobjs = [c for c in prep.children if c.dep_ == "pobj"]
        motion = verb.lemma_.lower() in MOTION_LEMMAS
        spoken = predicate.plover in SPOKEN_AT and not motion  # "lashed out at Minsk"
        if (prep.lower_ in ("to", "at") and not spoken) or motion:
            pobjs = [p for p in pobjs if p.ent_type_ not in ("GPE", "LOC", "FAC")]
        if not motion:  # "fired rockets at Israel"
            pobjs += countries_aimed_at(prep, predicate.plover, actors.toponyms)
        add(targets, pobjs)
    if not targets:  # "threatened to attack Serb towns": owners too
        add_aimed(complement_targets(verb, predicate.plover))
    if not targets:  # "will not kneel in its crisis with the EU"
        add(targets, standoff_heads(verb))
    return Participants(
        tuple(sources),
        tuple(targets),
        inanimate_source and not sources,
        inanimate_target,
        natural_force=any(forces) and not sources,
        government_heads=tuple(governments),
    )
