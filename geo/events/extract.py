"""An analysed article and its parse -> `Event`s: who did what to whom, where and when.

Each sentence outside boilerplate is parsed into predicates coded with the CAMEO verb
dictionary (geo.events.predicates); each coded predicate that passes the event gate is one
event, with its source and target from the parse (geo.events.participants), the places that
locate it (geo.events.located) and its date. Sentences the Phoenix discard list marks
(sports, entertainment, disease) give only OTHER events; repeated captions give none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from geo.events.border_aims import border_targets
from geo.events.borders import at_border, crossing_places, find_borders, origin_side
from geo.events.clauses import coded_predicates
from geo.events.dictionaries import CodingDictionaries, load_coding_dictionaries
from geo.events.headlines import reparsed
from geo.events.implicit import answered_accusers, continued_quotations, ground_targets
from geo.events.located import (
    LOCATION_HEADS,
    ParsedDoc,
    dateline_place,
    dateline_span,
    event_places,
    place_roles,
)
from geo.events.nouns import governor, noun_predicates
from geo.events.officers import officers
from geo.events.participants import ArticleActors, Participants, participants
from geo.events.phrases import anonymous
from geo.events.predicates import CodedPredicate
from geo.events.restated import dated_restatements, shared_places
from geo.events.settle import is_force, settled_type
from geo.events.statements import REPORTING_EVIDENCE, statement_predicates
from geo.events.where import (
    acting_body_place,
    home_country,
    struck_places,
    topic_places,
    where_clause_places,
)
from geo.ingest import find_dateline_agency
from geo.model import (
    FACILITY_LABEL,
    Actor,
    AnalysedArticle,
    DateMention,
    Event,
    EventPlace,
    ResolvedToponym,
    Sentence,
    Span,
)
from geo.nlp import event_date

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

UNDATING_PREPOSITIONS = frozenset({"since", "until", "till", "before", "after", "from", "by"})
"""A date after these bounds a period ("since 2009"); it does not date the event."""

AT_A_DISTANCE = "041"
"""CAMEO's talks by phone or in a call: the parties are apart, the dateline is no place of
the talk ("MINSK — … Lukashenko and Putin spoke by phone")."""


def _trim_boilerplate(sentence: Sentence, boilerplate: Sequence[Span], text: str) -> Span | None:
    """The sentence without boilerplate at its edges; None if nothing is left."""
    start, end = sentence.start, sentence.end
    changed = True
    while changed and start < end:
        changed = False
        for b in boilerplate:
            if b.start <= start < b.end:
                start, changed = b.end, True
            if b.start < end <= b.end:
                end, changed = b.start, True
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
    if start >= end or not any(c.isalpha() for c in text[start:end]):
        return None
    return Span(start, end)


def event_id(article_id: str, start: int, end: int, trigger_start: int | None = None) -> str:
    """Stable across rebuilds: the same predicate of the same sentence keeps its id."""
    key = f"{article_id}\0{start}\0{end}"
    if trigger_start is not None:
        key += f"\0{trigger_start}"
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def _unique_actors(actors: Iterable[Actor]) -> tuple[Actor, ...]:
    return tuple({actor.id: actor for actor in actors}.values())


def _event_dates(dates: Sequence[DateMention], doc: Doc) -> list[DateMention]:
    """The sentence's dates that can date this event: not inside a noun phrase ("the Act of
    1956") nor bounding a period ("since 2009")."""
    kept = []
    for mention in dates:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        head = span.root.head
        if head.lower_ in UNDATING_PREPOSITIONS and _bounds(head, span):
            continue
        if head.dep_ == "prep" and head.lower_ == "of" and head.head.pos_ in ("NOUN", "PROPN"):
            continue
        kept.append(mention)
    return kept


def _bounds(preposition: Token, date: SpacySpan) -> bool:
    """Whether the preposition opens the date ("since 2009", "by late Monday"), not another
    noun the parse hung the date on ("spoke by phone Friday": the phone, then the day)."""
    between = preposition.doc[preposition.i + 1 : date.start]
    return all(t.pos_ in ("DET", "ADJ", "ADV") for t in between)


QUOTE_MARKS = '"“”'
CONTINUING_LEMMAS = frozenset({"add", "continue"})
"""Verbs of saying that go on with what was said before: "he added"."""


def _closing(text: str, i: int) -> bool:
    return text[i] == "”" or (text[i] == '"' and i > 0 and not text[i - 1].isspace())


def continues_previous(sentence: SpacySpan) -> bool:
    """Whether a sentence goes on with the one before it, and so with its time: a quotation
    opened before or opening it ("'People … threw rocks'"), "he added", "She said" (a
    pronoun standing for the one who spoke)."""
    text = sentence.text.strip()
    if text[:1] in QUOTE_MARKS:
        return True
    marks = [i for i, c in enumerate(text) if c in QUOTE_MARKS]
    if len(marks) % 2 and _closing(text, marks[0]):
        return True  # 'blind them," Michalska said.': the quotation opened before
    root = sentence.root
    if root.lemma_.lower() in CONTINUING_LEMMAS:
        return True
    return any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("he", "she", "it", "they")
        for c in root.children
    )


TIME_ENTITIES = frozenset({"DATE", "TIME"})


def _discarded(sentence: SpacySpan, dicts: CodingDictionaries) -> bool:
    """Phoenix's discard phrases mark sports, entertainment, disease and disaster stories,
    which political event data leaves out. EVENTS.md counts their happenings ("a sports
    result", "a natural disaster") as OTHER: "beat" in a match report is no assault. Its
    years (1914 … 1999) and relative times ("weeks ago", "years later"), meant to drop
    retrospectives, are left out: a time named makes a sentence no less an event, and is
    only not the event's date."""
    words = [t.lower_ for t in sentence if not t.is_digit and t.ent_type_ not in TIME_ENTITIES]
    return dicts.is_discard(words) is not None


def _sentence_spans(doc: Doc, span: Span) -> SpacySpan | None:
    return doc.char_span(span.start, span.end, alignment_mode="expand")


def extract_events(
    analysed: AnalysedArticle,
    doc: Doc,
    dictionaries: CodingDictionaries | None = None,
    parse: Language | None = None,
) -> tuple[Event, ...]:
    """Every event the article's sentences report, in text order.

    `doc` is the spaCy parse of `analysed.article.text`: the coding reads its dependency
    parse. Events without a resolved place are returned too: the caller decides what to
    map. An event's date is None when neither its sentence nor the article dates it.
    `parse` (the pipeline) parses a title-case headline again in sentence case.
    """
    article = analysed.article
    text = article.text
    if doc is None or doc.text != text:
        raise ValueError(f"doc of article {article.id!r} is not a parse of its text")
    dicts = dictionaries or load_coding_dictionaries()
    parsed = ParsedDoc(doc)
    places_named = [t for t in analysed.toponyms if t.toponym.label != FACILITY_LABEL]
    agency = find_dateline_agency(text)
    filed_from = dateline_span(text, analysed.toponyms)
    filed = [s for s in (filed_from, agency) if s is not None]
    actors = ArticleActors(analysed.actors, places_named, dicts, article.published.value, filed)
    spans = [
        span
        for span in (_trim_boilerplate(s, article.boilerplate, text) for s in analysed.sentences)
        if span is not None
    ]
    dateline = dateline_place(text, analysed.toponyms)
    countries = _country_places(analysed.toponyms)
    borders = find_borders(doc, parsed.lemmas, analysed.toponyms)
    pair = next((b.countries for b in borders if len(b.countries) == 2), ())
    origin = origin_side(doc, parsed.lemmas, pair)
    events: list[Event] = []
    reported: set[str] = set()
    carried: tuple[dt.date | None, str] | None = None
    for k, span in enumerate(spans):
        excerpt = text[span.start : span.end]
        normalised = " ".join(excerpt.split())
        if normalised in reported:
            continue  # a repeated caption or pull quote is one event, not two
        sentence = _sentence_spans(doc, span)
        if sentence is None:
            continue
        dates = [d for d in analysed.dates if span.contains(Span(d.start, d.end))]
        own_date = event_date(_event_dates(dates, doc), article.published.value)
        if own_date[1] != "publication":
            carried = own_date
        elif not continues_previous(sentence):
            carried = None
        discarded = _discarded(sentence, dicts)
        names = [Span(t.toponym.start, t.toponym.end) for t in places_named if t.place]
        coding = reparsed(sentence, parse, names) or sentence
        predicates = list(coded_predicates(coding, dicts))
        predicates += statement_predicates(coding, dicts, predicates)
        verbs = sorted(predicates, key=lambda p: p.trigger_start)
        predicates = sorted(verbs + noun_predicates(coding, dicts), key=lambda p: p.trigger_start)
        if not predicates:
            continue
        reported.add(normalised)
        toponyms = [
            t
            for t in analysed.toponyms
            if t.place is not None and span.contains(Span(t.toponym.start, t.toponym.end))
        ]
        places = _located_places(parsed, span, toponyms, text)
        heads = {p.verb.i for p in predicates}
        borders_here = [b for b in borders if span.start <= doc[b.i].idx < span.end]
        context_before = text[spans[k - 1].start : spans[k - 1].end] if k > 0 else ""
        context_after = text[spans[k + 1].start : spans[k + 1].end] if k + 1 < len(spans) else ""
        for predicate in predicates:
            if _accuses_the_dateline(predicate, filed):
                continue  # "KUZNICA (AP) - … police said": the place filed from did nothing
            roles = participants(predicate, actors)
            event_type = settled_type("OTHER" if discarded else predicate.plover, roles, predicate)
            if event_type is None:
                continue
            sources = officers(
                predicate.verb, predicate.passive, roles.sources, actors.mentions, actors.name
            )
            sources = tuple(a for a in sources if not anonymous(a))  # once the type is settled
            targets = tuple(a for a in roles.targets if not anonymous(a))
            if event_type == "MOBILIZE":  # the forces deployed are the source's own, no target
                targets = tuple(t for t in targets if not is_force(t))
            targets = border_targets(
                event_type, predicate.verb, sources, targets, borders_here, heads, pair, origin
            )
            targets = ground_targets(event_type, predicate.verb, sources, targets, actors.name)
            reporting = predicate
            if predicate.verb.pos_ == "NOUN":  # where and when the verb reporting it says
                reporting = replace(predicate, verb=governor(predicate.verb) or predicate.verb)
            own = _own_places(places, reporting, verbs, roles, doc)
            own = at_border(
                own,
                predicate.verb.i,
                borders,
                doc,
                (span.start, span.end),
                heads,
                sources,
                countries,
                origin,
            )
            own = crossing_places(own, predicate.verb, pair, countries)
            own = struck_places(own, reporting.verb, roles.natural_force, doc)
            own = where_clause_places(own, reporting.verb, doc)
            own = topic_places(own, reporting.verb, event_type, doc)
            if not _lede(filed_from, span, text):
                own = acting_body_place(own, reporting.verb, event_type, doc)
            if event_type == "OTHER":
                own = home_country(own, reporting.verb, doc, countries)
            if not (predicate.cameo or "").startswith(AT_A_DISTANCE):
                own = _with_dateline(own, dateline, (*sources, *roles.targets))
            date, precision = event_date(_event_dates(dates, doc), article.published.value)
            if precision == "publication" and carried is not None:
                date, precision = carried  # "he added", a quotation going on: the same day
            events.append(
                Event(
                    id=event_id(article.id, span.start, span.end, predicate.trigger_start),
                    article_id=article.id,
                    event_type=event_type,
                    actors=_unique_actors((*sources, *targets)),
                    date=date,
                    date_precision=precision,
                    places=_on_own_ground(own, event_type, sources, countries),
                    excerpt=excerpt,
                    start=span.start,
                    end=span.end,
                    context_before=context_before,
                    context_after=context_after,
                    source=article.source.value,
                    url=article.url.value,
                    published=article.published.value,
                    title=article.title.value,
                    trigger_start=predicate.trigger_start,
                    trigger_end=predicate.trigger_end,
                    source_actors=sources,
                    target_actors=targets,
                    cameo=predicate.cameo,
                )
            )
    events = answered_accusers(_one_act_each(events), doc)
    events = continued_quotations(events, doc, actors.speaker)
    return tuple(shared_places(dated_restatements(events, doc), doc))


def _one_act_each(events: Sequence[Event]) -> list[Event]:
    """One event per act: a sentence's second predicate of the same type between the same
    source and target ("discussed … and exchanged views") restates the first; EVENTS.md
    counts acts that differ "in type or target"."""
    kept: list[Event] = []
    for event in events:
        same = any(
            e.start == event.start
            and e.event_type == event.event_type
            and {a.id for a in e.source_actors} == {a.id for a in event.source_actors}
            and {a.id for a in e.target_actors} == {a.id for a in event.target_actors}
            for e in kept
        )
        if not same:
            kept.append(event)
    return kept


GROUND_ACTS = frozenset({"MOBILIZE", "COERCE", "OTHER"})
"""Acts a state does on its own territory unless a place says otherwise: "Poland massed
troops at the border", "Uganda stepped up surveillance", "Polish guards detained 45
migrants" happened in Poland, in Uganda."""


def _country_places(toponyms: Sequence[ResolvedToponym]) -> dict[str, ResolvedToponym]:
    """The article's first mention of each country, by country code."""
    found: dict[str, ResolvedToponym] = {}
    for t in toponyms:
        place = t.place
        if place is not None and place.kind == "country" and place.country_code:
            found.setdefault(place.country_code, t)
    return found


def _on_own_ground(
    places: tuple[EventPlace, ...],
    event_type: str,
    sources: Sequence[Actor],
    countries: dict[str, ResolvedToponym],
) -> tuple[EventPlace, ...]:
    """The acting country located, for an act on the ground that names no place of its own:
    a state, or a body of its own ("Polish border guards"), acting at home. The country is
    the sentence's mention of it, else the article's. A statement's place is not its
    speaker's country (EVENTS.md)."""
    if event_type not in GROUND_ACTS or any(p.role == "located" for p in places):
        return places
    states = {a.country_code for a in sources if a.country_code and a.type != "person"}
    if len(states) != 1:
        return places
    upgraded = tuple(
        replace(p, role="located")
        if p.place.kind == "country" and p.place.country_code in states
        else p
        for p in places
    )
    if upgraded != places:
        return upgraded
    (state,) = states
    named = countries.get(state)
    if named is None or named.place is None:
        return places
    t = named.toponym
    located = EventPlace(named.place, t.text, t.start, t.end, "located", named.precision)
    return (*places, located)


def _lede(filed_from: Span | None, span: Span, text: str) -> bool:
    """Whether the sentence is the one its dateline opens ("HAMMOND, Ind. (AP) — The …")."""
    if filed_from is None:
        return False
    if span.start <= filed_from.start < span.end:
        return True
    return filed_from.end <= span.start and not text[filed_from.end : span.start].strip()


def _accuses_the_dateline(predicate: CodedPredicate, filed: Sequence[Span]) -> bool:
    """A report taken for an accusation whose accused all stand in the dateline."""
    heads = predicate.target_heads
    if not heads or not predicate.evidence.startswith(REPORTING_EVIDENCE):
        return False
    return all(any(s.start <= h.idx < s.end for s in filed) for h in heads)


def _located_places(
    parsed: ParsedDoc, span: Span, toponyms: Sequence[ResolvedToponym], text: str
) -> tuple[EventPlace, ...]:
    words = parsed.words(span) or []
    roles = place_roles(words, toponyms, span.end, text) if words else ["mentioned"] * len(toponyms)
    return event_places(toponyms, roles)


def _mentioned(place: EventPlace) -> EventPlace:
    return replace(place, role="mentioned")


AIMING_PREPOSITIONS = frozenset({"on", "upon", "against"})


def _aimed_at(token: Token) -> bool:
    """A country an act is aimed at ("impose new sanctions on Belarus", "pressure on
    Poland"): the one acted upon, not where ("on the Polish side of the border" locates)."""
    prep = token.head
    if token.dep_ != "pobj" or prep.lower_ not in AIMING_PREPOSITIONS:
        return False
    return prep.head.lemma_.lower() not in LOCATION_HEADS


def _own_places(
    places: tuple[EventPlace, ...],
    predicate: CodedPredicate,
    predicates: Sequence[CodedPredicate],
    roles: Participants,
    doc: Doc,
) -> tuple[EventPlace, ...]:
    """The sentence's places as this event's: a place that locates another predicate of the
    sentence (the nearest coded verb above it) is that event's, and a place named as a state
    taking part ("imposed sanctions on Belarus", "lashed out at Minsk") is an actor."""
    verbs = {p.verb.i for p in predicates}
    own: list[EventPlace] = []
    for place in places:
        if place.role != "located":
            own.append(place)
            continue
        if any(s < place.end and place.start < e for s, e in roles.government_heads):
            own.append(_mentioned(place))
            continue
        mention = doc.char_span(place.start, place.end, alignment_mode="expand")
        token = mention.root if mention is not None else None
        if token is not None and place.place.kind == "country" and _aimed_at(token):
            own.append(_mentioned(place))
            continue
        for _ in range(len(doc)):
            if token is None or token.i in verbs or token.head == token:
                break
            token = token.head
        elsewhere = token is not None and token.i in verbs and token.i != predicate.verb.i
        own.append(_mentioned(place) if elsewhere else place)
    return tuple(own)


def _with_dateline(
    places: tuple[EventPlace, ...], dateline: ResolvedToponym | None, actors: Sequence[Actor]
) -> tuple[EventPlace, ...]:
    """Where nothing in the sentence locates the event, the dateline does ("KYIV (AP) —"),
    unless its actors are all of other countries ("Lukashenko and Merkel discussed" under a
    MOSCOW dateline did not happen in Moscow)."""
    if dateline is None or dateline.place is None or any(p.role == "located" for p in places):
        return places
    place, t = dateline.place, dateline.toponym
    countries = {a.country_code for a in actors if a.country_code}
    if countries and place.country_code not in countries:
        return places
    upgraded = tuple(replace(p, role="located") if p.place.key == place.key else p for p in places)
    if upgraded != places:
        return upgraded
    return (*places, EventPlace(place, t.text, t.start, t.end, "located", dateline.precision))
