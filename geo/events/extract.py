"""Sentences that report something happening -> `Event`s.

An event is one sentence outside boilerplate whose main verb is an event
predicate. Its type comes from the editable PLOVER lexicon
(geo/data/plover.csv); its actors, date and places come from the mentions the
earlier stages found inside the sentence.

`AnalysedArticle` carries sentences as text spans only, so the dependency parse
is an optional argument: with the article's spaCy `Doc`, the parse decides
which verbs are main verbs and which role each place plays; without it (cached
analyses, tests, other NLP back ends) the same rules run on surface patterns.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from geo.events.lexicon import NOMINAL, VERBAL, WORD_RE, EventLexicon, Word, load_lexicon
from geo.ingest import find_dateline_agency
from geo.model import (
    Actor,
    AnalysedArticle,
    Event,
    EventPlace,
    PlaceRole,
    ResolvedToponym,
    Sentence,
    Span,
)
from geo.nlp import event_date

if TYPE_CHECKING:
    from spacy.tokens import Doc


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


STATIVE_LEMMAS = _wordset(
    "be have seem appear remain become consist contain include belong exist lie live know "
    "believe think want need like mean represent cost weigh look feel hope wish matter "
    "deserve own possess resemble depend involve concern equal remember"
)
"""Main verbs that describe a state, not something happening."""

NEGATED_BECOMES_REJECT = frozenset(
    {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"}
)
"""A refused concession is a rejection: "will not kneel", "did not agree"."""

NEGATED_WEIGHT = 0.3
"""Other negated predicates ("did not attack") barely count."""

NOUN_WEIGHT = 0.5
"""A predicate used as a noun ("a hybrid attack") reports less than a verb."""

CLAUSE_WEIGHTS = {
    "ccomp": 0.8,
    "xcomp": 0.9,
    "parataxis": 0.8,
    "advcl": 0.6,
    "pcomp": 0.6,
    "csubj": 0.6,
    "relcl": 0.5,
    "acl": 0.5,
}
"""How much a predicate counts per clause it is embedded in, by dependency label."""


LOCATIVE_PREPOSITIONS = _wordset(
    "in at near on inside outside along across into onto within between around through "
    "throughout over off beyond via past towards toward to from"
)
DIRECTIONAL_PREPOSITIONS = frozenset({"to", "from", "towards", "toward"})
"""Locative only when attached to a verb: "flew to Minsk" vs "a letter to Warsaw"."""

LOCATION_HEADS = _wordset(
    "border borders frontier region area city town village capital side territory forest "
    "camp crossing checkpoint province district coast airport zone outskirts street square "
    "river bank port county part north south east west centre center vicinity soil airspace "
    "shore sea lake mountain valley"
)
"""Nouns a place name can modify while still locating the event ("on the Poland border")."""

MOTION_VERBS = _wordset(
    "enter cross leave reach visit flee invade travel tour storm occupy return approach "
    "patrol bomb shell attack strike hit raid fly evacuate quit land"
)
"""Verbs whose direct object is where the event happens ("entered Iraq")."""

PLACE_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss", "npadvmod"})
MODIFIER_DEPS = frozenset({"amod", "compound"})
"""A predicate lemma used as a modifier ("freezing conditions") reports nothing."""
SUBJECT_DEPS = frozenset({"nsubj", "csubj", "agent", "expl"})
"""Metonymic actors ("Warsaw announced"). Passive subjects ("Kuznica was shelled") are not."""
PASSIVE_AUXILIARIES = frozenset({"is", "was", "were", "are", "been", "being"})
NEGATION_STOPS = frozenset({"but", "and", "or", "while", ",", ";", ".", ":"})
NEGATORS = frozenset({"not", "n't", "never", "no"})
SKIPPED_BEFORE_PLACE = frozenset({"the", "a", "an", "-", "–", "and", ",", "or", "its", "their"})
CONNECTIVES_AFTER_PLACE = frozenset(
    {"and", "or", "but", "as", "than", "that", "which", "who", "where", "while", "when"}
)

_POSSESSIVE_RE = re.compile(r"['’]s?\b|['’](?=\s|$)")


def _words_from_text(text: str, offset: int, lexicon: EventLexicon) -> list[Word]:
    words = []
    for m in WORD_RE.finditer(text):
        words.append(
            Word(m.group(), lexicon.lemma_of(m.group()), offset + m.start(), offset + m.end())
        )
    negated_at = set()
    for i, word in enumerate(words):
        if word.lemma in NEGATORS:
            for k in range(i + 1, min(i + 4, len(words))):
                if words[k].lemma in NEGATION_STOPS:
                    break
                negated_at.add(k)
    return [
        Word(w.text, w.lemma, w.start, w.end, negated=True) if i in negated_at else w
        for i, w in enumerate(words)
    ]


class _ParsedDoc:
    """A Doc's parse as plain columns, read once per article: per-token attribute
    access from Python would cost more than the rest of event extraction."""

    def __init__(self, doc: Doc) -> None:
        import numpy as np
        from spacy.attrs import DEP, HEAD, IDX, LEMMA, LENGTH, POS

        table = doc.to_array([IDX, LENGTH, LEMMA, POS, DEP, HEAD])
        strings = doc.vocab.strings
        names: dict[int, str] = {}

        def name(key: int) -> str:
            if key not in names:
                names[key] = strings[key] if key else ""
            return names[key]

        self.text = doc.text
        self.starts = table[:, 0].astype(np.int64).tolist()
        self.ends = (table[:, 0] + table[:, 1]).astype(np.int64).tolist()
        self.lemmas = [name(int(k)).lower() for k in table[:, 2]]
        self.pos = [name(int(k)) or "X" for k in table[:, 3]]
        self.deps = [name(int(k)) for k in table[:, 4]]
        self.heads = (np.arange(len(doc)) + table[:, 5].astype(np.int64)).tolist()
        self.negated = {self.heads[i] for i, dep in enumerate(self.deps) if dep == "neg"}

    def words(self, span: Span) -> list[Word] | None:
        first = bisect.bisect_right(self.ends, span.start)
        last = bisect.bisect_left(self.starts, span.end)
        if first >= last:
            return None
        words = []
        for i in range(first, last):
            start, end = self.starts[i], self.ends[i]
            head = self.heads[i]
            words.append(
                Word(
                    text=self.text[start:end],
                    lemma=self.lemmas[i] or self.text[start:end].lower(),
                    start=start,
                    end=end,
                    pos=self.pos[i],
                    dep=self.deps[i],
                    head=head - first if first <= head < last and head != i else -1,
                    negated=i in self.negated,
                )
            )
        return words


def _clause_weight(words: Sequence[Word], index: int) -> float:
    weight = 1.0
    for _ in range(len(words)):
        word = words[index]
        if word.head < 0:
            break
        weight *= CLAUSE_WEIGHTS.get(word.dep, 1.0)
        index = word.head
    return weight


def _classify(words: Sequence[Word], lexicon: EventLexicon) -> str | None:
    """The sentence's event type, or None when it reports nothing happening."""
    best: tuple[float, str] | None = None
    verb_hit = False
    for index, entry in lexicon.matches(words):
        word = words[index]
        category, score = entry.category, entry.weight
        if word.dep in MODIFIER_DEPS and len(entry.lemmas) == 1:
            continue
        if word.parsed:
            score *= _clause_weight(words, index)
            if word.pos in NOMINAL and len(entry.lemmas) == 1:
                score *= NOUN_WEIGHT
            else:
                verb_hit = verb_hit or word.pos in VERBAL or len(entry.lemmas) > 1
        else:
            verb_hit = True
        if word.negated:
            if category in NEGATED_BECOMES_REJECT:
                category = "REJECT"
            else:
                score *= NEGATED_WEIGHT
        if _outranks(score, category, best):
            best = (score, category)
    if not verb_hit and not _has_eventive_root(words):
        return None
    return best[1] if best else "OTHER"


def _outranks(score: float, category: str, best: tuple[float, str] | None) -> bool:
    """Higher score wins; at equal scores a PLOVER class beats OTHER, which only says
    something happened ('launched' against 'drills' in 'launched large-scale drills')."""
    if best is None:
        return True
    if math.isclose(score, best[0]):
        return best[1] == "OTHER" and category != "OTHER"
    return score > best[0]


def _has_eventive_root(words: Sequence[Word]) -> bool:
    roots = [i for i, w in enumerate(words) if w.parsed and w.head < 0]
    return any(
        words[j].pos == "VERB" and words[j].lemma not in STATIVE_LEMMAS
        for j in roots + [k for k, w in enumerate(words) if w.dep == "conj" and w.head in roots]
    )


def _role_from_parse(words: Sequence[Word], index: int, place_words: set[int]) -> PlaceRole | None:
    for _ in range(len(words)):
        word = words[index]
        if word.head < 0:
            break
        head = words[word.head]
        if word.dep in ("conj", "appos"):
            index = word.head
        elif word.dep in PLACE_MODIFIER_DEPS:
            if head.lemma not in LOCATION_HEADS and word.head not in place_words:
                return "mentioned"
            index = word.head
        else:
            break
    word = words[index]
    if word.dep in SUBJECT_DEPS:
        return "mentioned"
    if word.dep == "pobj" and word.head >= 0:
        preposition = words[word.head]
        if preposition.lemma in DIRECTIONAL_PREPOSITIONS:
            attached_to_noun = preposition.head >= 0 and words[preposition.head].pos in NOMINAL
            return "mentioned" if attached_to_noun else "located"
        return "located" if preposition.lemma in LOCATIVE_PREPOSITIONS else "mentioned"
    if word.dep == "dobj" and word.head >= 0:
        return "located" if words[word.head].lemma in MOTION_VERBS else "mentioned"
    return None


def _role_from_text(
    words: Sequence[Word], first: int, last: int, place_words: set[int], text_after: str
) -> PlaceRole | None:
    if _POSSESSIVE_RE.match(text_after):
        return "mentioned"
    before = first - 1
    while before >= 0 and (words[before].lemma in SKIPPED_BEFORE_PLACE or before in place_words):
        before -= 1
    if before >= 0 and words[before].lemma in LOCATIVE_PREPOSITIONS:
        return "located"
    if before >= 0 and words[before].lemma in ("of", "by", "against", "for", "with", "about"):
        return "mentioned"
    after = last + 1
    while after < len(words) and (after in place_words or words[after].text in ("-", "–")):
        after += 1
    if after < len(words):
        nxt = words[after]
        if nxt.text[:1].islower() and nxt.lemma not in CONNECTIVES_AFTER_PLACE:
            if nxt.lemma in LOCATION_HEADS or nxt.lemma in PASSIVE_AUXILIARIES:
                return None
            return "mentioned"
    return None


def _place_roles(
    words: Sequence[Word], toponyms: Sequence[ResolvedToponym], sentence_end: int, text: str
) -> list[PlaceRole]:
    spans = [
        [i for i, w in enumerate(words) if w.start < t.toponym.end and t.toponym.start < w.end]
        for t in toponyms
    ]
    place_words = {i for indices in spans for i in indices}
    distinct_places = {t.place.key for t in toponyms if t.place is not None}
    roles: list[PlaceRole] = []
    for resolved, indices in zip(toponyms, spans, strict=True):
        role: PlaceRole | None = None
        if indices and words[indices[0]].parsed:
            inside = set(indices)
            root = next((i for i in indices if words[i].head not in inside), indices[-1])
            role = _role_from_parse(words, root, place_words)
        if role is None and indices:
            # No parse, or a parse that attaches the name outside the sentence.
            after = text[resolved.toponym.end : sentence_end]
            role = _role_from_text(words, indices[0], indices[-1], place_words, after)
        if role is None:
            role = "located" if len(distinct_places) == 1 else "mentioned"
        roles.append(role)
    return roles


def _event_places(
    toponyms: Sequence[ResolvedToponym], roles: Sequence[PlaceRole]
) -> tuple[EventPlace, ...]:
    """One EventPlace per place: its first mention, `located` if any mention is."""
    by_key: dict[str, EventPlace] = {}
    for resolved, role in zip(toponyms, roles, strict=True):
        place, t = resolved.place, resolved.toponym
        if place is None:
            continue
        known = by_key.get(place.key)
        if known is None:
            by_key[place.key] = EventPlace(place, t.text, t.start, t.end, role)
        elif role == "located" and known.role != "located":
            by_key[place.key] = EventPlace(known.place, known.mention, known.start, known.end, role)
    return tuple(by_key.values())


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


def event_id(article_id: str, start: int, end: int) -> str:
    """Stable across rebuilds: the same sentence of the same article keeps its id."""
    return hashlib.sha1(f"{article_id}\0{start}\0{end}".encode()).hexdigest()[:16]


def _unique_actors(actors: Iterable[Actor]) -> tuple[Actor, ...]:
    return tuple({actor.id: actor for actor in actors}.values())


def extract_events(
    analysed: AnalysedArticle, doc: Doc | None = None, lexicon: EventLexicon | None = None
) -> tuple[Event, ...]:
    """Every sentence of the article that reports something happening, as an Event.

    `doc` is the spaCy parse of `analysed.article.text`; without it the
    classification and place roles use surface patterns. Events without a
    resolved place are returned too: the caller decides what to map. An
    event's date is None when neither its sentence nor the article dates it.
    A sentence repeated verbatim in the article (duplicated captions) gives
    one event.
    """
    article = analysed.article
    parsed = _ParsedDoc(doc) if doc is not None else None
    if parsed is not None and parsed.text != article.text:
        raise ValueError(f"doc of article {article.id!r} is not a parse of its text")
    lexicon = lexicon or load_lexicon()
    text = article.text
    spans = [
        span
        for span in (_trim_boilerplate(s, article.boilerplate, text) for s in analysed.sentences)
        if span is not None
    ]
    agency = find_dateline_agency(text)
    events = []
    reported: set[str] = set()
    for k, span in enumerate(spans):
        excerpt = text[span.start : span.end]
        if " ".join(excerpt.split()) in reported:
            continue  # a repeated caption or pull quote is one event, not two
        words = (parsed.words(span) if parsed is not None else None) or _words_from_text(
            text[span.start : span.end], span.start, lexicon
        )
        event_type = _classify(words, lexicon)
        if event_type is None:
            continue
        reported.add(" ".join(excerpt.split()))
        toponyms = [
            t for t in analysed.toponyms if span.contains(Span(t.toponym.start, t.toponym.end))
        ]
        resolved = [t for t in toponyms if t.place is not None]
        roles = _place_roles(words, resolved, span.end, text)
        dates = [d for d in analysed.dates if span.contains(Span(d.start, d.end))]
        date, precision = event_date(dates, article.published.value)
        actors = [
            m.actor
            for m in analysed.actors
            if span.contains(Span(m.start, m.end))
            and not (agency is not None and agency.contains(Span(m.start, m.end)))
        ]
        events.append(
            Event(
                id=event_id(article.id, span.start, span.end),
                article_id=article.id,
                event_type=event_type,
                actors=_unique_actors(actors),
                date=date,
                date_precision=precision,
                places=_event_places(resolved, roles),
                excerpt=excerpt,
                start=span.start,
                end=span.end,
                context_before=text[spans[k - 1].start : spans[k - 1].end] if k > 0 else "",
                context_after=text[spans[k + 1].start : spans[k + 1].end]
                if k + 1 < len(spans)
                else "",
                source=article.source.value,
                url=article.url.value,
                published=article.published.value,
                title=article.title.value,
            )
        )
    return tuple(events)
