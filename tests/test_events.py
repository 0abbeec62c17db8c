import datetime as dt

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from geo.events import event_id, extract_events
from geo.events.lexicon import EventLexicon, LexiconEntry, load_lexicon
from geo.model import (
    EVENT_TYPES,
    Actor,
    ActorMention,
    AnalysedArticle,
    Article,
    DateMention,
    Place,
    ResolvedToponym,
    Sentence,
    Sourced,
    Span,
    Toponym,
)

PUBLISHED = dt.date(2021, 11, 9)
PLACES = {
    "Kuznica": Place("Kuznica", "village", "PL", 53.51, 23.64, "geonames", geonameid=766927),
    "Poland": Place("Poland", "country", "PL", 52.0, 20.0, "geonames", geonameid=798544),
    "Belarus": Place("Belarus", "country", "BY", 53.0, 28.0, "geonames", geonameid=630336),
    "Warsaw": Place("Warsaw", "city", "PL", 52.23, 21.01, "geonames", geonameid=756135),
    "Minsk": Place("Minsk", "city", "BY", 53.9, 27.57, "geonames", geonameid=625144),
}
ACTORS = {
    "Lukashenko": Actor("lukashenko", "Alexander Lukashenko", "person", "BY"),
    "Putin": Actor("putin", "Vladimir Putin", "person", "RU"),
    "Duda": Actor("duda", "Andrzej Duda", "person", "PL"),
}


def _occurrences(text, needle):
    start = text.find(needle)
    while start >= 0:
        yield start
        start = text.find(needle, start + 1)


def _analysed(sentences, *, boilerplate=(), dates=(), unresolved=(), published=PUBLISHED):
    """An AnalysedArticle whose mentions are every occurrence of the known names."""
    text = ""
    spans = []
    for sentence in sentences:
        if text:
            text += " "
        spans.append(Sentence(len(text), len(text) + len(sentence), sentence))
        text += sentence
    toponyms = []
    for name, place in PLACES.items():
        for start in _occurrences(text, name):
            toponyms.append(ResolvedToponym(Toponym(start, start + len(name), name), place, 1.0))
    for name in unresolved:
        for start in _occurrences(text, name):
            toponyms.append(ResolvedToponym(Toponym(start, start + len(name), name), None))
    actors = [
        ActorMention(start, start + len(name), name, actor)
        for name, actor in ACTORS.items()
        for start in _occurrences(text, name)
    ]
    date_mentions = [
        DateMention(start, start + len(phrase), phrase, date, "day")
        for phrase, date in dates
        for start in _occurrences(text, phrase)
    ]
    bp = tuple(Span(s, s + len(b)) for b in boilerplate for s in _occurrences(text, b))
    article = Article(
        id="a1",
        text=text,
        path="a1.txt",
        title=Sourced("Border crisis", "explicit"),
        source=Sourced("AFP", "inferred"),
        url=Sourced("https://example.org/a1", "explicit"),
        published=Sourced(published, "explicit" if published else "unknown"),
        boilerplate=bp,
    )
    return AnalysedArticle(
        article,
        tuple(spans),
        tuple(sorted(toponyms, key=lambda t: t.toponym.start)),
        tuple(sorted(actors, key=lambda a: a.start)),
        tuple(date_mentions),
    )


def _only(events):
    assert len(events) == 1, events
    return events[0]


def _roles(event):
    return {ep.mention: ep.role for ep in event.places}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Minsk accused Warsaw of staging provocations.", "ACCUSE"),
        ("Poland deployed 15,000 soldiers to the border.", "MOBILIZE"),
        ("Lukashenko and Putin spoke by phone on Tuesday.", "CONSULT"),
        ("Duda called for an urgent European meeting.", "REQUEST"),
        ("Guards pushed the migrants back into the forest.", "COERCE"),
        ("The European Union imposed new sanctions on Minsk.", "SANCTION"),
        ("Lukashenko said that his country will not kneel.", "REJECT"),
        ("The ministry announced a new fence.", "OTHER"),
    ],
)
def test_event_type_from_lexicon_without_parse(sentence, expected):
    assert _only(extract_events(_analysed([sentence]))).event_type == expected


def test_descriptive_sentence_without_event_predicate_is_no_event():
    assert extract_events(_analysed(["The migrants are cold and hungry in the forest."])) == ()


def test_negated_attack_counts_less_than_a_positive_predicate():
    event = _only(extract_events(_analysed(["Guards did not attack but detained the migrants."])))
    assert event.event_type == "COERCE"


def test_place_roles_from_surface_patterns():
    event = _only(
        extract_events(
            _analysed(["Warsaw announced that guards detained 50 migrants near Kuznica."])
        )
    )
    assert _roles(event) == {"Warsaw": "mentioned", "Kuznica": "located"}


def test_possessive_and_border_compound():
    event = _only(
        extract_events(_analysed(["Minsk's army deployed troops on the Belarus-Poland border."]))
    )
    assert _roles(event) == {"Minsk": "mentioned", "Belarus": "located", "Poland": "located"}


def test_only_location_is_located_and_repeated_place_is_one_event_place():
    event = _only(extract_events(_analysed(["Kuznica was attacked, and Kuznica burned."])))
    assert [(ep.mention, ep.role) for ep in event.places] == [("Kuznica", "located")]
    assert event.places[0].start == event.excerpt.find("Kuznica") + event.start


def test_unresolved_toponyms_are_not_places_and_placeless_events_are_kept():
    event = _only(
        extract_events(
            _analysed(["Guards arrested two men in Nowhereville."], unresolved=["Nowhereville"])
        )
    )
    assert event.places == () and event.event_type == "COERCE"


def test_actors_are_those_inside_the_sentence_deduplicated():
    events = extract_events(
        _analysed(
            [
                "Lukashenko and Putin discussed the crisis, Putin said.",
                "Duda urged Brussels to act.",
            ]
        )
    )
    assert [a.id for a in events[0].actors] == ["lukashenko", "putin"]
    assert [a.id for a in events[1].actors] == ["duda"]


def test_date_from_sentence_else_publication():
    analysed = _analysed(
        ["Poland closed the crossing on Monday.", "Belarus condemned the move."],
        dates=[("Monday", dt.date(2021, 11, 8))],
    )
    first, second = extract_events(analysed)
    assert (first.date, first.date_precision) == (dt.date(2021, 11, 8), "day")
    assert (second.date, second.date_precision) == (PUBLISHED, "publication")


def test_excerpt_offsets_context_and_metadata():
    sentences = [
        "Poland accused Belarus of a hybrid attack.",
        "Photo: AFP",
        "Minsk denied the accusations.",
        "Putin backed Lukashenko.",
    ]
    analysed = _analysed(sentences, boilerplate=["Photo: AFP"])
    events = extract_events(analysed)
    text = analysed.article.text
    assert [e.excerpt for e in events] == [sentences[0], sentences[2], sentences[3]]
    for event in events:
        assert text[event.start : event.end] == event.excerpt
    assert events[1].context_before == sentences[0]
    assert events[1].context_after == sentences[3]
    assert events[0].context_before == "" and events[2].context_after == ""
    assert (events[0].source, events[0].url, events[0].title) == (
        "AFP",
        "https://example.org/a1",
        "Border crisis",
    )
    assert events[0].published == PUBLISHED and events[0].article_id == "a1"


def test_boilerplate_at_sentence_edge_is_trimmed_from_the_excerpt():
    analysed = _analysed(
        ["Zakharova blamed Poland for the crisis (Reuters)"], boilerplate=["(Reuters)"]
    )
    event = _only(extract_events(analysed))
    assert event.excerpt == "Zakharova blamed Poland for the crisis"
    assert analysed.article.text[event.start : event.end] == event.excerpt


def test_event_ids_are_stable_and_distinct():
    first = extract_events(_analysed(["Minsk accused Warsaw.", "Warsaw denied it."]))
    again = extract_events(_analysed(["Minsk accused Warsaw.", "Warsaw denied it."]))
    assert [e.id for e in first] == [e.id for e in again]
    assert first[0].id != first[1].id
    assert first[0].id == event_id("a1", first[0].start, first[0].end)


def _parsed(words, heads, deps, pos, lemmas):
    """A hand-made dependency parse; heads are absolute token indices."""
    doc = Doc(Vocab(), words=words, heads=heads, deps=deps, pos=pos, lemmas=lemmas)
    return doc


def _analysed_from_doc(doc):
    analysed = _analysed([doc.text])
    return analysed


def test_parse_decides_roles_and_main_verb():
    # "Warsaw sent troops to Kuznica after Minsk condemned the attack ."
    doc = _parsed(
        [
            "Warsaw",
            "sent",
            "troops",
            "to",
            "Kuznica",
            "after",
            "Minsk",
            "condemned",
            "the",
            "attack",
            ".",
        ],
        [1, 1, 1, 1, 3, 7, 7, 1, 9, 7, 1],
        ["nsubj", "ROOT", "dobj", "prep", "pobj", "mark", "nsubj", "advcl", "det", "dobj", "punct"],
        ["PROPN", "VERB", "NOUN", "ADP", "PROPN", "SCONJ", "PROPN", "VERB", "DET", "NOUN", "PUNCT"],
        [
            "Warsaw",
            "send",
            "troop",
            "to",
            "Kuznica",
            "after",
            "Minsk",
            "condemn",
            "the",
            "attack",
            ".",
        ],
    )
    analysed = _analysed_from_doc(doc)
    event = _only(extract_events(analysed, doc))
    # "send troop" (main clause) outweighs "condemn" in the subordinate clause.
    assert event.event_type == "MOBILIZE"
    assert _roles(event) == {"Warsaw": "mentioned", "Kuznica": "located", "Minsk": "mentioned"}


def test_parse_noun_predicate_counts_less_than_verb():
    # "Poland condemned the attack in Minsk ."
    doc = _parsed(
        ["Poland", "condemned", "the", "attack", "in", "Minsk", "."],
        [1, 1, 3, 1, 3, 4, 1],
        ["nsubj", "ROOT", "det", "dobj", "prep", "pobj", "punct"],
        ["PROPN", "VERB", "DET", "NOUN", "ADP", "PROPN", "PUNCT"],
        ["Poland", "condemn", "the", "attack", "in", "Minsk", "."],
    )
    event = _only(extract_events(_analysed_from_doc(doc), doc))
    assert event.event_type == "ACCUSE"
    assert _roles(event) == {"Poland": "mentioned", "Minsk": "located"}


def test_parse_copula_root_is_no_event():
    # "Minsk is cold ."
    doc = _parsed(
        ["Minsk", "is", "cold", "."],
        [1, 1, 1, 1],
        ["nsubj", "ROOT", "acomp", "punct"],
        ["PROPN", "AUX", "ADJ", "PUNCT"],
        ["Minsk", "be", "cold", "."],
    )
    assert extract_events(_analysed_from_doc(doc), doc) == ()


def test_doc_of_another_text_is_refused():
    doc = Doc(Vocab(), words=["Other", "text"])
    with pytest.raises(ValueError, match="not a parse"):
        extract_events(_analysed(["Minsk accused Warsaw."]), doc)


def test_shipped_lexicon_is_large_and_valid():
    lexicon = load_lexicon()
    assert len(lexicon.entries) >= 150
    assert {e.category for e in lexicon.entries} == set(EVENT_TYPES)


def test_lexicon_rejects_unknown_category():
    with pytest.raises(ValueError, match="unknown event category"):
        EventLexicon([LexiconEntry("GOSSIP", ("chat",))])


def test_lexicon_knows_irregular_and_inflected_forms():
    lexicon = load_lexicon()
    assert [lexicon.lemma_of(w) for w in ("met", "withdrew", "detained", "urges", "banned")] == [
        "meet",
        "withdraw",
        "detain",
        "urge",
        "ban",
    ]


def test_no_date_anywhere_gives_no_date():
    event = _only(extract_events(_analysed(["Minsk accused Warsaw."], published=None)))
    assert (event.date, event.date_precision, event.published) == (None, "publication", None)


def test_repeated_caption_is_one_event():
    caption = "Migrants gathered near Kuznica."
    events = extract_events(_analysed([caption, "Minsk denied it.", caption]))
    assert [e.excerpt for e in events] == [caption, "Minsk denied it."]


def test_dateline_agency_is_no_party_to_the_event():
    analysed = _analysed(["KYIV (AP) — Lukashenko met Putin in Minsk."])
    agency = Actor("associated_press", "Associated Press", "media", "US")
    start = analysed.article.text.index("AP")
    mention = ActorMention(start, start + 2, "AP", agency)
    analysed = AnalysedArticle(
        analysed.article,
        analysed.sentences,
        analysed.toponyms,
        tuple(sorted((*analysed.actors, mention), key=lambda a: a.start)),
        analysed.dates,
    )
    event = _only(extract_events(analysed))
    assert [a.id for a in event.actors] == ["lukashenko", "putin"]


def test_parse_action_taken_in_protest_is_a_protest():
    # "Farmers blocked roads near Warsaw in protest ."
    doc = _parsed(
        ["Farmers", "blocked", "roads", "near", "Warsaw", "in", "protest", "."],
        [1, 1, 1, 1, 3, 1, 5, 1],
        ["nsubj", "ROOT", "dobj", "prep", "pobj", "prep", "pobj", "punct"],
        ["NOUN", "VERB", "NOUN", "ADP", "PROPN", "ADP", "NOUN", "PUNCT"],
        ["farmer", "block", "road", "near", "Warsaw", "in", "protest", "."],
    )
    assert _only(extract_events(_analysed_from_doc(doc), doc)).event_type == "PROTEST"


def test_parse_launching_drills_is_mobilising():
    # "Minsk launched military drills near Kuznica ."
    doc = _parsed(
        ["Minsk", "launched", "military", "drills", "near", "Kuznica", "."],
        [1, 1, 3, 1, 3, 4, 1],
        ["nsubj", "ROOT", "amod", "dobj", "prep", "pobj", "punct"],
        ["PROPN", "VERB", "ADJ", "NOUN", "ADP", "PROPN", "PUNCT"],
        ["Minsk", "launch", "military", "drill", "near", "Kuznica", "."],
    )
    assert _only(extract_events(_analysed_from_doc(doc), doc)).event_type == "MOBILIZE"


def test_parse_a_plover_class_beats_other_at_equal_weight():
    # "Minsk launched large - scale military drills near Kuznica ."
    doc = _parsed(
        ["Minsk", "launched", "large", "-", "scale", "military", "drills", "near", "Kuznica", "."],
        [1, 1, 4, 4, 6, 6, 1, 1, 7, 1],
        ["nsubj", "ROOT", "amod", "punct", "compound", "amod", "dobj", "prep", "pobj", "punct"],
        ["PROPN", "VERB", "ADJ", "PUNCT", "NOUN", "ADJ", "NOUN", "ADP", "PROPN", "PUNCT"],
        ["Minsk", "launch", "large", "-", "scale", "military", "drill", "near", "Kuznica", "."],
    )
    assert _only(extract_events(_analysed_from_doc(doc), doc)).event_type == "MOBILIZE"
