"""The words toponym recognition reads: entity labels, cue words and the class-word lexicon.

Kept apart from the mechanisms so the vocabulary reads and edits in one place;
`class_words` loads the editable geo/data/place_class_words.csv.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Token

from geo.model import PlaceKind

PLACE_LABELS = frozenset({"GPE", "LOC"})
METONYM_LABELS = frozenset({"ORG", "PERSON", "NORP"})
"""NER labels whose spans become toponyms when their text is a known place name."""
OPAQUE_LABELS = frozenset({"ORG", "PERSON", "WORK_OF_ART", "FAC", "PRODUCT", "LAW"})
"""Names whose parts are not place mentions ("Council of Europe", "Sky News")."""
NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
"""Entities that are never places, though a word of them may be a place's name ("June")."""


DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’", "s"})
PLACE_PREPOSITIONS = frozenset(
    {
        "in",
        "near",
        "at",
        "from",
        "to",
        "into",
        "outside",
        "across",
        "around",
        "via",
        "toward",
        "towards",
        "through",
        "throughout",
        "inside",
        "within",
        "along",
        "between",
        "reach",
        "reached",
        "visit",
        "visited",
    }
)
STRICT_PLACE_PREPOSITIONS = frozenset(
    {"in", "near", "outside", "across", "around", "throughout", "within", "inside"}
)
"""Prepositions that rarely take a person ("from Welch", "to Jones" do)."""
DIRECTION_WORDS = frozenset(
    {
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "central",
        "upper",
        "lower",
    }
)
FEATURE_HEADS = frozenset(
    {"river", "creek", "lake", "lakes", "bay", "island", "islands", "valley", "mountains",
     "hills", "falls", "canyon", "forest", "wilderness", "park", "peninsula", "sea", "ocean",
     "harbor", "harbour", "reservoir", "ridge", "basin", "sound", "lakeshore", "swamp"}
)  # fmt: skip
FEATURE_OPENERS = frozenset({"lake", "mount", "mt.", "isle", "cape"})
"""Capitalised words that make a name a natural or park feature ("Neches River", "Lake Lanier")."""
QUALIFIERS = frozenset(
    {"historic", "downtown", "uptown", "rural", "suburban", "n.", "s.", "e.", "w.", "n.e.",
     "n.w.", "s.e.", "s.w.", "ne", "nw", "se", "sw"}
)  # fmt: skip
"""Words before a place name that are not part of it ("downtown Greer", "S.E. Paris")."""
STREET_WORDS = frozenset(
    {
        "road",
        "street",
        "st.",
        "avenue",
        "ave.",
        "boulevard",
        "blvd.",
        "highway",
        "lane",
        "drive",
        "pike",
        "parkway",
        "rd.",
        "dr.",
        "ln.",
        "way",
        "trail",
    }
)
DATELINE_DASHES = frozenset({"—", "–", "-", "--", ","})

NAME_TAILS = frozenset(
    {"virus", "flu", "fever", "disease", "influenza", "encephalitis", "ebolavirus", "syndrome",
     # things named after a place: dishes, breeds, games, agreements ("Brussels sprouts",
     # "Dijon mustard", "Texas hold'em", "a Jack Russell terrier", "the Minsk agreements")
     "sprouts", "mustard", "hold'em", "sauce", "ham", "sausage", "sausages", "pudding",
     "chowder", "stew", "bun", "buns", "retriever", "retrievers", "terrier", "terriers",
     "spaniel", "spaniels", "setter", "mastiff", "cattle", "agreement", "agreements", "accords",
     "protocol", "conventions"}
)  # fmt: skip
"""Lower-case words after a place name that make it part of another name ("West Nile virus")."""
PROPAGATING_LABELS = frozenset({"GPE", "LOC", "FAC", "compound", "dateline"})
"""Candidates reliable enough to vouch for other mentions of the same name."""

FACILITY_HEADS = frozenset(
    {
        "jail", "sheriff", "clerk", "hospital", "airport", "station", "church", "center",
        "centre", "fire", "high", "board", "authority", "chamber", "society", "library",
        "commissioners", "schools", "museum", "zoo", "park",
    }
)  # fmt: skip
EMBEDDING_LABELS = frozenset({"ORG", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT"})
"""Names that may contain a place name ("Nashville Film Festival")."""
ORGANISATION_HEADS = frozenset(
    {
        "union",
        "council",
        "commission",
        "ministry",
        "agency",
        "department",
        "organisation",
        "organization",
        "committee",
        "office",
        "bank",
        "party",
        "court",
        "parliament",
        "assembly",
        "police",
        "army",
        "forces",
        "guard",
        "service",
        "services",
        "government",
        "university",
        "school",
        "college",
        "institute",
        "association",
        "corporation",
        "company",
        "group",
        "times",
        "news",
        "post",
        "daily",
        "herald",
    }  # fmt: skip
)
"""Last words that make an ORG entity an organisation even when a place shares its name."""
GOVERNMENT_HEADS = frozenset(
    {
        "sheriff", "police", "coroner", "court", "courts", "courthouse", "jail", "detention",
        "commission", "commissioners", "commissioner", "council", "board", "department",
        "office", "attorney", "prosecutor", "clerk", "auditor", "assessor", "treasurer", "mayor",
        "judge", "magistrate", "schools", "fire", "health", "emergency", "administration",
        "government", "legislature", "patrol", "works", "ems", "crimestoppers", "manager",
        "supervisors", "selectmen", "aldermen", "trustees", "elections", "planning", "zoning",
    }
)  # fmt: skip
"""Words of a public body or office: a place opening its name is its jurisdiction, a
noun-modifier use like "US Secretary of State" ("Douglas County Sheriff's Office")."""
SEAT_WORDS = frozenset({"city", "state", "town", "village"})
"""Words between a place and its public body that are not part of the place name."""

MOTION_VERBS = frozenset(
    {"drive", "go", "move", "travel", "return", "head", "come", "fly", "walk", "relocate",
     "transfer", "bring", "take", "send", "flee", "evacuate", "commute", "ride"}
)  # fmt: skip
"""Verbs whose "to X" is a place even when X is labelled a person ("drove to Lanexa")."""
PERSON_TITLES = frozenset(
    {"Mr.", "Mrs.", "Ms.", "Mr", "Mrs", "Ms", "Dr.", "Dr", "Sgt.", "Officer", "Judge", "Det.",
     "Capt.", "Lt.", "Coach", "Deputy", "Trooper", "Pastor", "Rev.", "Miss", "Sen.", "Rep.",
     "Gov.", "Cpl.", "Pvt.", "Prof."}
)  # fmt: skip
"""Titles before a person's name: the name is a person wherever else it occurs."""
SPEECH_VERBS = frozenset({"say", "tell", "add", "explain", "recall", "note", "testify"})
STRONG_LABELS = frozenset(
    {"affiliation", "dateline", "residence", "feature", "jurisdiction", "compound", "listed"}
)
"""Candidate labels from cues used only for places; person evidence does not undo them."""
PLACE_OF_NOUNS = DIRECTION_WORDS | {
    "outskirts", "suburbs", "suburb", "outside", "native", "natives", "resident", "residents",
    "heart", "streets", "downtown", "mayor", "citizens", "people", "parts", "rest",
}  # fmt: skip
"""Words whose "of X" names a place: "north of Moorhead", "residents of Kuznica"."""
PROPER_TAGS = frozenset({"NNP", "NNPS", ""})
"""Proper-noun tags; "" when no tagger ran (tests on a blank pipeline)."""
PARTY_LETTERS = frozenset({"D", "R", "I", "DFL", "D.", "R.", "I."})
"""Party labels glued to a home district or state: "Rep. Jay Roberts (R-Ocilla)"."""
RESIDENT_NOUNS = frozenset(
    {
        "man", "woman", "men", "women", "boy", "girl", "teen", "teenager", "couple", "family",
        "resident", "residents", "native", "natives", "police", "officers", "firefighters",
        "homeowner", "homeowners", "voters", "taxpayers", "businesses", "merchants", "students",
        "motorist", "driver", "mayor", "officials", "schools", "area", "neighborhood",
        "funeral", "apartment", "store", "bar", "restaurant", "mother", "father", "son",
        "daughter", "teacher", "pastor", "landlord", "company", "firm", "plant", "farmer",
    }
)  # fmt: skip
"""Nouns a place name modifies as a place ("A Gainesville man", "Danbury police")."""
PLURAL_CLASS_WORDS = frozenset(
    {"counties", "parishes", "townships", "provinces", "states", "regions", "districts"}
)
"""Plural class words after a list of names: "Barrow and Jackson counties"."""

NOT_FEATURE_WORDS = ORGANISATION_HEADS | FACILITY_HEADS | GOVERNMENT_HEADS | STREET_WORDS | {
    "hotel", "resort", "chamber", "civic", "city", "county", "home", "studios", "apartments"
}  # fmt: skip
"""Words that make a name with a feature word something else ("Mount Pleasant City Council")."""


@dataclass(frozen=True)
class ClassWord:
    """A generic word naming a kind of place ("river", "region", "village of")."""

    word: str
    kind: PlaceKind | None
    position: str  # "after": "Bug river"; "before": "village of Kuznica"


@lru_cache(maxsize=1)
def class_words() -> dict[tuple[str, str], ClassWord]:
    """Load geo/data/place_class_words.csv once (editable lexicon)."""
    path = resources.files("geo") / "data" / "place_class_words.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    words = {}
    for row in rows:
        kind = row["kind"] or None
        entry = ClassWord(row["word"], kind, row["position"])  # type: ignore[arg-type]
        words[(entry.word, entry.position)] = entry
    return words


def class_word(token: Token, position: str) -> ClassWord | None:
    return class_words().get((token.lower_, position))


COMPANY_HEADS = frozenset(
    {"airways", "airlines", "air", "telecom", "telecoms", "motors", "holdings", "petroleum",
     "exchanges", "bancorp", "brewery", "pharmaceuticals", "instruments", "electronics"}
)  # fmt: skip
"""Last words of a company's name: a country opening it ("Qatar Airways") is no place."""
CLUB_AFFIXES = frozenset(
    {"real", "sporting", "atletico", "atlético", "athletico", "dynamo", "dinamo", "olympique",
     "olympiacos", "borussia", "racing", "rapid", "fc", "afc", "cf", "sc", "ac", "fk", "sk"}
)  # fmt: skip
"""Words that clubs named after a city put beside the city's name and places never do
("Real Madrid", "Sporting Lisbon", "Dynamo Kyiv", "Olympique Lyon", "FC Porto", "Lyon FC"):
the city is part of the club's name, which gives no place (FALSE_PLACES.md)."""
NAME_LINK_WORDS = frozenset(
    {"war", "olympics", "games", "summit", "marathon", "president", "minister", "prime",
     "foreign", "governor", "senator", "secretary", "ambassador", "premier", "chief", "general",
     "gen.", "international", "metro", "greater", "national", "federal", "regional", "state",
     "provincial", "municipal", "city", "county", "capital", "region", "area", "zone", "strip"}
)  # fmt: skip
"""Capitalised words beside a place name that keep it a place ("Iraq War", "Belarus
President", "Greater London", "Gaza Strip"): see `senses.in_longer_name`."""
PLACE_NOUNS = frozenset(
    {"state", "country", "city", "town", "village", "county", "province", "region", "suburb",
     "neighbourhood", "neighborhood", "area", "capital", "territory", "island", "nation",
     "district", "community", "municipality", "borough", "parish", "port", "coast", "border",
     "countryside", "surroundings", "environs", "outskirts", "ally", "neighbour", "neighbor",
     "partner", "government", "people", "economy", "place", "part", "continent", "world",
     "other", "others", "abroad"}
)  # fmt: skip
"""Common nouns a place is listed with as a place ("Texas and other states")."""
WORK_NOUNS = frozenset(
    {"film", "movie", "show", "series", "sitcom", "musical", "play", "opera", "song",
     "single", "album", "novel", "book", "documentary", "drama", "comedy", "thriller",
     "miniseries", "franchise", "sequel", "biopic", "ballad", "anthem", "poem", "painting",
     "soap", "cartoon", "classic", "blockbuster", "hit"}
)  # fmt: skip
"""Nouns naming a work: a name predicated of them is its title ("Dallas, the soap opera")."""
WORK_OF_NOUNS = frozenset(
    {"revival", "remake", "sequel", "adaptation", "staging", "premiere", "screening", "rerun",
     "reboot", "soundtrack"}
)  # fmt: skip
"""Nouns whose "of X" is a work's title ("the revival of Chicago")."""
MEDIUM_NOUNS = frozenset(
    {"television", "tv", "radio", "broadway", "netflix", "seasons", "episodes", "cinemas",
     "theatres", "theaters", "screens"}
)  # fmt: skip
"""Where a work runs: "Nashville ran for six seasons on network television"."""
AWARD_NOUNS = frozenset(
    {"oscar", "oscars", "emmy", "emmys", "grammy", "grammys", "tonys", "bafta", "baftas",
     "globes"}
)  # fmt: skip
"""Awards only works and their makers win: "Philadelphia won two Oscars"."""
ACTIVE_WORK_VERBS = frozenset({"gross", "premiere"})
"""Verbs whose subject is a work: "Hamilton has now grossed $1 billion"."""
PASSIVE_WORK_VERBS = frozenset(
    {"show", "screen", "screened", "remake", "remade", "adapt", "adapted", "stream",
     "streamed", "air", "aired", "dub", "dubbed", "rerun", "reboot", "rebooted", "broadcast",
     "serialise", "serialize", "serialised", "serialized"}
)  # fmt: skip
"""Verbs whose passive subject is a work: "Casablanca is being shown again"."""
NAME_PARTICLES = frozenset(
    {"do", "da", "dos", "das", "de", "del", "della", "di", "du", "des", "la", "le", "el", "al",
     "upon", "on", "am", "an", "der", "sur", "y", "of", "the", "and"}
)  # fmt: skip
"""Lower-case words inside place names: "Mato Grosso do Sul", "Kingston upon Hull",
"Democratic Republic of the Congo", "Trinidad and Tobago"."""
EVENT_HEADS = frozenset(
    {"olympics", "paralympics", "games", "show", "prix", "marathon", "festival", "summit",
     "expo", "biennale", "carnival", "championships"}
)  # fmt: skip
"""Last words of an event's name: a city opening it says where the event is held ("the
Paris Olympics", "the Geneva Motor Show"; the seeds gold's "Iraq war")."""
