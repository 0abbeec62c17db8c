"""Names the NER took for places in other senses (issue 14 point 2): one test per mechanism.

A blank pipeline stands in for the model: entities are set by hand (or an entity_ruler) and,
where a mechanism reads the parse, the heads, dependency labels, tags and lemmas too, so each
test checks the mechanism and not what the statistical model happens to say.
"""

from __future__ import annotations

from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from geo.names import initials
from geo.nlp import find_toponyms


@dataclass(frozen=True)
class FakePlace:
    name: str
    kind: str
    population: int
    country_code: str | None = None


class FakeGazetteer:
    """Names (case-insensitive, like the gazetteer's lookup) and their candidate places."""

    def __init__(self, places: dict[str, list[FakePlace]], demonyms=()):
        self.places = {k.casefold(): v for k, v in places.items()}
        self.demonyms = {d.casefold() for d in demonyms}

    def is_known_name(self, name: str) -> bool:
        return name.casefold() in self.places

    def candidates(self, name: str):
        return tuple(self.places.get(name.casefold(), ()))

    def country_by_demonym(self, word: str) -> str | None:
        return "XX" if word.casefold() in self.demonyms else None


def city(name: str, population: int = 50_000, country: str = "US") -> list[FakePlace]:
    return [FakePlace(name, "city", population, country)]


def country(name: str, code: str = "XX") -> list[FakePlace]:
    return [FakePlace(name, "country", 10_000_000, code)]


GAZ = FakeGazetteer(
    {
        "MA": [FakePlace("Wiang Pa Pao", "village", 0, "TH")],  # an alternate name
        "AI": [FakePlace("‘Ayy", "city", 7_340, "JO")],
        "MD": [FakePlace("Maryland", "admin1", 5_800_000, "US")],  # a postal code
        "UAE": country("United Arab Emirates", "AE"),
        "DRC": country("Democratic Republic of the Congo", "CD"),
        "NYC": city("New York City", 8_800_000),
        "AP": [FakePlace("Andhra Pradesh", "admin1", 17_000_000, "IN")],
        "EU": [FakePlace("European Union", "region", 0)],
        "Cambridge": city("Cambridge", 120_000, "GB"),
        "Israel": country("Israel", "IL"),
        "Washington": city("Washington", 700_000),
        "DC": city("Washington, D.C.", 690_000),
        "Houston": city("Houston", 2_300_000),
        "Hamilton": city("Hamilton", 550_000, "CA"),
        "Casablanca": city("Casablanca", 3_100_000, "MA"),
        "Dallas": city("Dallas", 1_300_000),
        "Chicago": city("Chicago", 2_700_000),
        "Paris": city("Paris", 2_100_000, "FR"),
        "Philadelphia": city("Philadelphia", 1_600_000),
        "Labrador": city("Labrador", 8_000, "AU"),
        "Cheddar": city("Cheddar", 5_000, "GB"),
        "Texas": [FakePlace("Texas", "admin1", 29_000_000, "US")],
        "Brussels": city("Brussels", 1_200_000, "BE"),
        "Qatar": country("Qatar", "QA"),
        "Poland": country("Poland", "PL"),
        "South": [FakePlace("South", "admin1", 700_000, "CM")],
        "China": country("China", "CN"),
        "Harvard": city("Harvard", 6_500),
        "Mobile": city("Mobile", 190_000),
        "Gainesville": city("Gainesville", 140_000),
        "Minsk": city("Minsk", 2_000_000, "BY"),
        "Toyota": city("Toyota", 420_000, "JP"),
        "Africa": [FakePlace("Africa", "continent", 1_300_000_000)],
        "Porto": city("Porto", 250_000, "PT"),
        "Boston": city("Boston", 650_000),
        "Hong Kong": country("Hong Kong", "HK"),
    }
)


def blank_nlp(patterns=(), lookup=GAZ) -> Language:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": text} for label, text in patterns])
    nlp.add_pipe("toponym_fixer").lookup = lookup
    return nlp


def texts(doc) -> list[str]:
    return [t.text for t in find_toponyms(doc)]


def parsed(rows, ents, lookup=GAZ) -> Doc:
    """A Doc from (word, head index, dep, tag, lemma) rows and (start, end, label) entities,
    through the toponym fixer alone."""
    nlp = blank_nlp(lookup=lookup)
    words = [r[0] for r in rows]
    spaces = [i + 1 < len(words) and words[i + 1] not in {",", "."} for i in range(len(words))]
    doc = Doc(
        nlp.vocab,
        words=words,
        spaces=spaces,
        heads=[r[1] for r in rows],
        deps=[r[2] for r in rows],
        tags=[r[3] for r in rows],
        lemmas=[r[4] for r in rows],
    )
    doc.ents = [SpacySpan(doc, s, e, label) for s, e, label in ents]
    return nlp.get_pipe("toponym_fixer")(doc)


def test_initials():
    assert initials("Democratic Republic of the Congo") == "DRC"
    assert initials("New York City") == "NYC"


def test_all_caps_words_are_places_only_as_abbreviations_of_places():
    """MA and AI are alternate names of a Thai village and a Jordanian town; MD is Maryland
    only as a postal code; the UAE, the DRC and NYC are places even when the NER says ORG."""
    nlp = blank_nlp([("GPE", "MA"), ("GPE", "AI"), ("GPE", "MD")])
    assert texts(nlp("He has an MA and the AI boom made the MD rich.")) == []
    nlp = blank_nlp([("ORG", "UAE"), ("ORG", "DRC"), ("ORG", "NYC"), ("ORG", "EU"), ("ORG", "AP")])
    doc = nlp("The UAE and the EU sent aid to eastern DRC, the AP said from NYC.")
    assert texts(doc) == ["UAE", "DRC", "NYC"]
    nlp = blank_nlp([("GPE", "DC"), ("GPE", "NYC")])
    assert texts(nlp("Flights from DC to NYC were cancelled.")) == ["DC", "NYC"]


def test_a_place_entity_the_ner_cut_from_a_longer_name_is_no_place():
    nlp = blank_nlp([("GPE", "Cambridge"), ("LOC", "Analytica"), ("GPE", "Israel"),
                     ("GPE", "Adesanya"), ("ORG", "Hyundai"), ("FAC", "Cambridge")])  # fmt: skip
    assert texts(nlp("Cambridge Analytica harvested the data.")) == []
    assert texts(nlp("Israel Adesanya lost his fight.")) == []
    nlp = blank_nlp([("GPE", "Washington"), ("GPE", "DC"), ("GPE", "Israel")])
    assert texts(nlp("Washington DC and Israel signed.")) == ["Washington", "DC", "Israel"]


def test_a_name_the_sentence_calls_who_or_he_is_a_person():
    # Houston , who died , was inducted .
    rows = [("Houston", 6, "nsubjpass", "NNP", "Houston"), (",", 0, "punct", ",", ","),
            ("who", 3, "nsubj", "WP", "who"), ("died", 0, "relcl", "VBD", "die"),
            (",", 0, "punct", ",", ","), ("was", 6, "auxpass", "VBD", "be"),
            ("inducted", 6, "ROOT", "VBN", "induct"), (".", 6, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(0, 1, "GPE")])) == []
    # Hamilton said he was proud . / Hamilton said it was proud .
    for pronoun, expected in (("he", []), ("it", ["Hamilton"])):
        rows = [("Hamilton", 1, "nsubj", "NNP", "Hamilton"), ("said", 1, "ROOT", "VBD", "say"),
                (pronoun, 3, "nsubj", "PRP", pronoun), ("was", 1, "ccomp", "VBD", "be"),
                ("proud", 3, "acomp", "JJ", "proud"), (".", 1, "punct", ".", ".")]  # fmt: skip
        assert texts(parsed(rows, [(0, 1, "PERSON")])) == expected


def test_a_work_s_title_is_no_place():
    # Casablanca is being shown again .
    rows = [("Casablanca", 3, "nsubjpass", "NNP", "Casablanca"), ("is", 3, "aux", "VBZ", "be"),
            ("being", 3, "auxpass", "VBG", "be"), ("shown", 3, "ROOT", "VBN", "show"),
            ("again", 3, "advmod", "RB", "again"), (".", 3, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(0, 1, "GPE")])) == []
    # Dallas , the soap opera , is back .
    rows = [("Dallas", 6, "nsubj", "NNP", "Dallas"), (",", 0, "punct", ",", ","),
            ("the", 4, "det", "DT", "the"), ("soap", 4, "compound", "NN", "soap"),
            ("opera", 0, "appos", "NN", "opera"), (",", 0, "punct", ",", ","),
            ("is", 6, "ROOT", "VBZ", "be"), ("back", 6, "advmod", "RB", "back"),
            (".", 6, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(0, 1, "GPE")])) == []
    # Midnight in Paris is her favourite film .
    rows = [("Midnight", 3, "nsubj", "NN", "midnight"), ("in", 0, "prep", "IN", "in"),
            ("Paris", 1, "pobj", "NNP", "Paris"), ("is", 3, "ROOT", "VBZ", "be"),
            ("her", 6, "poss", "PRP$", "her"), ("favourite", 6, "amod", "JJ", "favourite"),
            ("film", 3, "attr", "NN", "film"), (".", 3, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(2, 3, "GPE")])) == []
    # The revival of Chicago closes . / Philadelphia won two Oscars .
    rows = [("The", 1, "det", "DT", "the"), ("revival", 4, "nsubj", "NN", "revival"),
            ("of", 1, "prep", "IN", "of"), ("Chicago", 2, "pobj", "NNP", "Chicago"),
            ("closes", 4, "ROOT", "VBZ", "close"), (".", 4, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(3, 4, "GPE")])) == []
    rows = [("Philadelphia", 1, "nsubj", "NNP", "Philadelphia"), ("won", 1, "ROOT", "VBD", "win"),
            ("two", 3, "nummod", "CD", "two"), ("Oscars", 1, "dobj", "NNPS", "Oscars"),
            (".", 1, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(0, 1, "GPE")])) == []


def test_places_in_frames_like_a_work_s_stay_places():
    """The work verb's subject is someone in the place; the place won a prize, not an Oscar."""
    # Protesters in Paris were shown on television .
    rows = [("Protesters", 4, "nsubjpass", "NNS", "protester"), ("in", 0, "prep", "IN", "in"),
            ("Paris", 1, "pobj", "NNP", "Paris"), ("were", 4, "auxpass", "VBD", "be"),
            ("shown", 4, "ROOT", "VBN", "show"), ("on", 4, "prep", "IN", "on"),
            ("television", 5, "pobj", "NN", "television"), (".", 4, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(2, 3, "GPE")])) == ["Paris"]
    rows = [("Philadelphia", 1, "nsubj", "NNP", "Philadelphia"), ("won", 1, "ROOT", "VBD", "win"),
            ("the", 3, "det", "DT", "the"), ("bid", 1, "dobj", "NN", "bid"),
            (".", 1, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(0, 1, "GPE")])) == ["Philadelphia"]


def test_a_bare_name_after_a_before_a_verb_is_a_thing():
    # A Labrador named Max found him . / A Gainesville man found him .
    rows = [("A", 1, "det", "DT", "a"), ("Labrador", 4, "nsubj", "NNP", "Labrador"),
            ("named", 1, "acl", "VBN", "name"), ("Max", 2, "oprd", "NNP", "Max"),
            ("found", 4, "ROOT", "VBD", "find"), ("him", 4, "dobj", "PRP", "he"),
            (".", 4, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(1, 2, "GPE")])) == []
    rows = [("A", 2, "det", "DT", "a"), ("Gainesville", 2, "compound", "NNP", "Gainesville"),
            ("man", 3, "nsubj", "NN", "man"), ("found", 3, "ROOT", "VBD", "find"),
            ("him", 3, "dobj", "PRP", "he"), (".", 3, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(1, 2, "GPE")])) == ["Gainesville"]


def test_x_and_other_ys_makes_x_a_y():
    for noun, expected in (("cheeses", []), ("states", ["Texas"])):
        name = "Cheddar" if noun == "cheeses" else "Texas"
        rows = [(name, 4, "nsubj", "NNP", name), ("and", 0, "cc", "CC", "and"),
                ("other", 3, "amod", "JJ", "other"), (noun, 0, "conj", "NNS", noun[:-1]),
                ("face", 4, "ROOT", "VBP", "face"), ("tariffs", 4, "dobj", "NNS", "tariff"),
                (".", 4, "punct", ".", ".")]  # fmt: skip
        assert texts(parsed(rows, [(0, 1, "GPE")])) == expected


def test_things_named_after_a_place_are_no_place():
    nlp = blank_nlp([("GPE", "Brussels"), ("GPE", "Texas"), ("GPE", "Paris")])
    assert texts(nlp("Brussels sprouts and Texas hold'em came up in Paris.")) == ["Paris"]


def test_a_country_opening_a_company_s_name_is_no_place():
    nlp = blank_nlp([("ORG", "Qatar Airways"), ("ORG", "Poland Border Guard")])
    assert texts(nlp("Qatar Airways flew and the Poland Border Guard watched.")) == ["Poland"]


def test_a_direction_word_is_not_cut_from_a_longer_name():
    nlp = blank_nlp([("LOC", "South China Morning Post")])
    assert texts(nlp("The South China Morning Post reported it.")) == []


def test_an_institution_after_at_is_no_place_but_after_in_it_is():
    nlp = blank_nlp([("ORG", "Harvard"), ("ORG", "Mobile")])
    assert texts(nlp("Researchers at Harvard moved.")) == []
    assert texts(nlp("The plant opened in Mobile.")) == ["Mobile"]


WHOLE = FakeGazetteer(
    {
        "Mato Grosso": [FakePlace("Mato Grosso", "village", 300, "BR")],
        "Mato Grosso do Sul": [FakePlace("Mato Grosso do Sul", "admin1", 2_800_000, "BR")],
        "British Virgin Islands": country("British Virgin Islands", "VG"),
        "California": [FakePlace("California", "admin1", 39_000_000, "US")],
        "California State": [FakePlace("California State", "village", 100, "US")],
        "Green Oaks": city("Green Oaks", 3_000),
        "Walker County": [FakePlace("Walker County", "admin2", 70_000, "US")],
    },
    demonyms=["British"],
)


def test_a_place_entity_grows_to_the_whole_known_name_around_it():
    """ "Mato Grosso do Sul", which the NER cuts to "Mato Grosso"; but a seat word opening
    an office's name is not grown into ("California State Senator")."""
    nlp = blank_nlp([("GPE", "Mato Grosso"), ("GPE", "California")], lookup=WHOLE)
    doc = nlp("Rain fell on the farms of Mato Grosso do Sul, said California State Senator Dunn.")
    assert texts(doc) == ["Mato Grosso do Sul", "California"]


def test_a_known_multi_word_name_with_a_place_word_is_a_place_the_ner_missed():
    nlp = blank_nlp([("NORP", "British")], lookup=WHOLE)
    doc = nlp("Rides open at the 2009 Walker County Fair on Friday, the organisers promised.")
    assert texts(doc) == ["Walker County"]
    # but not the opening of a street's name, nor a name without a place word
    doc = nlp("The farm lies at Green Oaks Boulevard, by the Green Oaks shop, far from anywhere.")
    assert texts(doc) == []


def test_a_city_opening_an_event_s_name_is_where_it_is_held():
    """ "The Paris Olympics" (ORG) and "the Geneva Motor Show" (LAW, as the model says) give
    the city; a city opening a company's name does not ("Paris Holdings")."""
    names = FakeGazetteer({"Paris": city("Paris", 300_000), "Geneva": city("Geneva", 200_000)})
    patterns = [("ORG", "The Paris Olympics"), ("LAW", "the Geneva Motor Show"),
                ("ORG", "Paris Holdings")]  # fmt: skip
    nlp = blank_nlp(patterns, lookup=names)
    doc = nlp("The Paris Olympics drew crowds, the Geneva Motor Show did not, nor Paris Holdings.")
    assert texts(doc) == ["Paris", "Geneva"]


def test_a_city_name_acting_as_a_company_or_club_is_no_place():
    """The subject of a company's verb, or of a match verb against a name the NER calls no
    place; a place that beats a place stays one."""
    # Toyota recalled cars .
    rows = [("Toyota", 1, "nsubj", "NNP", "Toyota"), ("recalled", 1, "ROOT", "VBD", "recall"),
            ("cars", 1, "dobj", "NNS", "car"), (".", 1, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(0, 1, "ORG")])) == []
    # Porto beat Benfica . / Porto beat Boston .
    for other, label, expected in (
        ("Benfica", "PERSON", []),
        ("Boston", "GPE", ["Porto", "Boston"]),
    ):
        rows = [("Porto", 1, "nsubj", "NNP", "Porto"), ("beat", 1, "ROOT", "VBD", "beat"),
                (other, 1, "dobj", "NNP", other), (".", 1, "punct", ".", ".")]  # fmt: skip
        assert texts(parsed(rows, [(0, 1, "PERSON"), (2, 3, label)])) == expected
    # Toyota welcomed cars . : no company's verb, a place
    rows = [("Toyota", 1, "nsubj", "NNP", "Toyota"), ("welcomed", 1, "ROOT", "VBD", "welcome"),
            ("cars", 1, "dobj", "NNS", "car"), (".", 1, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(0, 1, "ORG")])) == ["Toyota"]


def test_a_place_before_a_company_s_last_word_is_part_of_the_company_s_name():
    nlp = blank_nlp([("GPE", "Hong Kong")])
    assert texts(nlp("Shares in Hong Kong Exchanges and its rivals fell sharply today.")) == []
    assert texts(nlp("Shares in Hong Kong and its rivals fell sharply today.")) == ["Hong Kong"]


def test_a_title_opening_a_sentence_as_its_verb_s_missing_subject_is_a_work():
    # Out of Africa won seven Oscars . (the parser hangs the title on the verb as a phrase)
    rows = [("Out", 3, "prep", "IN", "out"), ("of", 0, "prep", "IN", "of"),
            ("Africa", 1, "pobj", "NNP", "Africa"), ("won", 3, "ROOT", "VBD", "win"),
            ("seven", 5, "nummod", "CD", "seven"), ("Oscars", 3, "dobj", "NNPS", "Oscars"),
            (".", 3, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(2, 3, "LOC")])) == []
    # Out of Paris she won two Oscars . : the verb has its subject, Paris is a place
    rows = [("Out", 4, "prep", "IN", "out"), ("of", 0, "prep", "IN", "of"),
            ("Paris", 1, "pobj", "NNP", "Paris"), ("she", 4, "nsubj", "PRP", "she"),
            ("won", 4, "ROOT", "VBD", "win"), ("two", 6, "nummod", "CD", "two"),
            ("Oscars", 4, "dobj", "NNPS", "Oscars"), (".", 4, "punct", ".", ".")]  # fmt: skip
    assert texts(parsed(rows, [(2, 3, "GPE")])) == ["Paris"]
