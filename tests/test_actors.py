"""Actor mentions and their canonical actors.

Unit tests build spacy.blank("en") with an entity_ruler standing in for the
statistical NER, so they test our linking, not the model. The slow test runs
the real model on the five seeds and scores against tests/data/seeds_gold.json
with the metric documented in bench/actors_dates_eval.py:

  * only gold mentions with mention == "name" count (the strict tier);
  * a gold mention is correct when our mention at the same or an overlapping
    span is linked to an actor whose name equals the gold actor's name modulo
    case, diacritics and a leading "the" ("Long Name (ACRONYM)" may match
    either part);
  * ids may differ from the gold's, but each gold actor must map to ONE of our
    ids over the whole corpus: correct mentions spread over several of our ids
    count only for the largest group (so surname-only mentions that fail to
    join the full name, or split clusters, cost).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import spacy

from geo.model import Actor, Span
from geo.nlp import ActorRegistry, find_actors
from geo.nlp.actors.registry import ActorDataError
from geo.nlp.actors.words import fold, slug

ROOT = Path(__file__).resolve().parent.parent

PATTERNS = [
    ("PERSON", "Alexander Lukashenko"),
    ("PERSON", "Lukashenko"),
    ("PERSON", "Mateusz Morawiecki"),
    ("PERSON", "Maria Zakharova"),
    ("PERSON", "Anna Kowalska"),
    ("PERSON", "Kowalska"),
    ("PERSON", "Ivan Kobrakov"),
    ("PERSON", "Twitter"),
    ("PERSON", "Map"),
    ("PERSON", "Jan Nowak"),
    ("PERSON", "H5N1"),
    ("PERSON", "Sri Lankan"),
    ("PERSON", "Tom Ahlstrom and Ann Soule"),
    ("ORG", "Department of Agriculture (DA"),
    ("ORG", "Health Ministry"),
    ("ORG", "Belta"),
    ("ORG", "Onet"),
    ("ORG", "Warsaw"),
    ("ORG", "Defence"),
    ("ORG", "Kremlin"),
    ("PERSON", "Jean-Luc Moreau"),
    ("PERSON", "Lai Ching-te"),
    ("PERSON", "Lai"),
    ("PERSON", "Donald Tusk"),
    ("PERSON", "Donald Trump"),
    ("PERSON", "Donald"),
    ("PERSON", "Maria Elena Garcia Lopez"),
    ("PERSON", "Garcia Lopez"),
    ("ORG", "Rapid Support Forces"),
    ("ORG", "RSF"),
]


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": text} for label, text in PATTERNS])
    return nlp


@pytest.fixture(scope="module")
def empty() -> ActorRegistry:
    return ActorRegistry([])


def by_text(mentions):
    return {m.text: m.actor for m in mentions}


def test_aliases_of_one_person_share_one_actor(nlp):
    doc = nlp(
        "Belarusian President Alexander Lukashenko spoke. Mr Lukashenko said no. "
        "Later Lukashenko left."
    )
    mentions = find_actors(doc)
    people = [m for m in mentions if m.actor.type == "person"]
    assert [m.text for m in people] == ["Alexander Lukashenko", "Mr Lukashenko", "Lukashenko"]
    assert {m.actor for m in people} == {
        Actor("alexander_lukashenko", "Alexander Lukashenko", "person", "BY")
    }


def test_surname_links_to_full_name_of_the_same_article_without_registry(nlp, empty):
    doc = nlp(
        "Polish border guard spokeswoman Anna Kowalska spoke on Friday. "
        "Kowalska said the fence held."
    )
    actors = by_text(find_actors(doc, registry=empty))
    assert actors["Anna Kowalska"] == actors["Kowalska"]
    assert actors["Kowalska"] == Actor("anna_kowalska", "Anna Kowalska", "person", "PL")
    assert actors["Polish border guard"].id == "pl_border_guard"


def test_two_word_short_form_links_to_the_full_name(nlp, empty):
    doc = nlp("Maria Elena Garcia Lopez met the minister. Garcia Lopez said the talks went well.")
    actors = by_text(find_actors(doc, registry=empty))
    assert actors["Garcia Lopez"] == actors["Maria Elena Garcia Lopez"]
    assert actors["Garcia Lopez"].id == "maria_elena_garcia_lopez"


@pytest.mark.parametrize(
    "text",
    [
        "The army accused the Rapid Support Forces of the attack. The RSF denied it.",
        "The RSF denied it. The army had accused the Rapid Support Forces of the attack.",
    ],
)
def test_acronym_links_to_the_organisation_it_abbreviates(nlp, empty, text):
    actors = by_text(find_actors(nlp(text), registry=empty))
    assert actors["RSF"] == actors["Rapid Support Forces"]
    assert actors["RSF"].name == "Rapid Support Forces"


def test_acronym_of_no_organisation_in_the_article_stays_its_own_actor(nlp, empty):
    actors = by_text(find_actors(nlp("The RSF denied it. The Kremlin said so."), registry=empty))
    assert actors["RSF"].id == "rsf"


def test_family_name_first_links_to_the_only_full_name_opening_with_it(nlp, empty):
    doc = nlp("President Lai Ching-te was sworn in. Lai said Taiwan would stand firm.")
    actors = by_text(find_actors(doc, registry=empty))
    assert actors["Lai"] == actors["Lai Ching-te"]


def test_first_name_shared_by_two_people_stays_unlinked(nlp, empty):
    doc = nlp("Donald Tusk met Donald Trump. Donald said nothing.")
    actors = by_text(find_actors(doc, registry=empty))
    assert actors["Donald"].id not in ("donald_tusk", "donald_trump")


def test_surname_seen_before_the_full_name_also_links(nlp, empty):
    doc = nlp("Kowalska spoke first. Then Anna Kowalska added more.")
    actors = by_text(find_actors(doc, registry=empty))
    assert actors["Kowalska"].id == actors["Anna Kowalska"].id == "anna_kowalska"


def test_hyphenated_name_keeps_its_spelling(nlp, empty):
    actors = by_text(find_actors(nlp("Jean-Luc Moreau spoke on Friday."), registry=empty))
    assert actors["Jean-Luc Moreau"].name == "Jean-Luc Moreau"


def test_country_from_title_and_from_apposition(nlp, empty):
    titled = by_text(
        find_actors(nlp("Polish Prime Minister Mateusz Morawiecki wrote."), [], [], empty)
    )
    assert titled["Mateusz Morawiecki"].country_code == "PL"
    apposed = nlp("Maria Zakharova, Russian Foreign Ministry spokeswoman, spoke.")
    actors = by_text(find_actors(apposed, registry=empty))
    assert actors["Maria Zakharova"].country_code == "RU"
    assert actors["Russian Foreign Ministry"] == Actor(
        "ru_mfa", "Ministry of Foreign Affairs of Russia", "government", "RU"
    )


def test_unknown_person_without_country_cue_has_none(nlp, empty):
    actors = by_text(find_actors(nlp("Yesterday Jan Nowak arrived."), registry=empty))
    assert actors["Jan Nowak"] == Actor("jan_nowak", "Jan Nowak", "person", None)


def test_institutional_and_group_actors(nlp):
    doc = nlp(
        "Polish border guards and Belarusian soldiers met migrants. Polish officials said "
        "Poland's defence ministry and Russia's security council disagreed."
    )
    actors = by_text(find_actors(doc))
    assert actors["Polish border guards"].id == "pl_border_guard"
    assert actors["Polish border guards"].country_code == "PL"
    assert actors["Belarusian soldiers"] == Actor(
        "by_armed_forces", "Armed Forces of Belarus", "government", "BY"
    )
    assert actors["Polish officials"].id == "pl_government"
    assert actors["Poland's defence ministry"].id == "pl_defence_ministry"
    assert actors["Russia's security council"].id == "ru_security_council"
    assert actors["migrants"] == Actor("migrants", "Migrants", "group", None)


def test_side_of_the_border_is_a_place_not_a_body(nlp):
    doc = nlp("They camp on the Polish side of the fence. They came from the Belarusian side.")
    assert not [m for m in find_actors(doc) if m.actor.type == "government"]


def test_media_type_and_country_from_context(nlp, empty):
    doc = nlp("The Belarusian state news agency Belta and the Polish news portal Onet reported.")
    with_registry = by_text(find_actors(doc))
    assert with_registry["Belta"] == Actor("belta", "BelTA", "media", "BY")
    without = by_text(find_actors(doc, registry=empty))
    assert without["Belta"] == Actor("belta", "Belta", "media", "BY")
    assert without["Onet"] == Actor("onet", "Onet", "media", "PL")


def test_boilerplate_venues_noise_and_toponyms_are_not_actors(nlp):
    text = "Photo: Belta. Police posted on Twitter a Map. Warsaw said the Defence Minister left."
    doc = nlp(text)
    credit = Span(text.index("Belta"), text.index("Belta") + 5)
    warsaw = Span(text.index("Warsaw"), text.index("Warsaw") + 6)
    mentions = find_actors(doc, exclude=[credit], toponym_spans=[warsaw])
    assert [m.text for m in mentions] == []


def test_ner_noise_is_cleaned(nlp, empty):
    doc = nlp("The H5N1 virus hit Sri Lankan farms, said Tom Ahlstrom and Ann Soule.")
    assert [m.text for m in find_actors(doc, registry=empty)] == ["Tom Ahlstrom", "Ann Soule"]
    doc = nlp("A new Department of Agriculture (DA) rule.")
    assert [m.text for m in find_actors(doc, registry=empty)] == ["Department of Agriculture"]


def test_generic_designations_get_a_country_in_their_id(nlp, empty):
    doc = nlp("The Egyptian state's Health Ministry said so.")
    actors = by_text(find_actors(doc, registry=empty))
    assert actors["Health Ministry"] == Actor(
        "eg_health_ministry", "Health Ministry", "government", "EG"
    )


def test_country_named_organisation_is_dropped_without_toponym_spans(nlp, empty):
    assert find_actors(nlp("Then Warsaw said no."), registry=empty) == ()


def test_registry_acronyms_are_case_sensitive_and_the_west_needs_the(nlp):
    mentions = find_actors(nlp("The EU and NATO met. The eu-style rule. the West warned."))
    assert [(m.text, m.actor.id) for m in mentions] == [
        ("EU", "european_union"),
        ("NATO", "nato"),
        ("West", "the_west"),
    ]
    assert find_actors(nlp("They went to the West Bank.")) == ()


def test_parenthesised_only_alias(nlp):
    assert by_text(find_actors(nlp("MOSCOW (AA) - Talks began.")))["AA"].id == "anadolu_agency"
    assert find_actors(nlp("AA batteries ran out.")) == ()


def test_spelling_slip_of_a_known_person(nlp):
    doc = nlp("Interior Minister Ivan Kobrakov confirmed it.")
    assert by_text(find_actors(doc))["Ivan Kobrakov"].id == "ivan_kubrakov"


def test_same_actor_across_documents(nlp):
    first = by_text(find_actors(nlp("Mr Lukashenko spoke.")))
    second = by_text(find_actors(nlp("Alexander Lukashenko spoke.")))
    assert first["Mr Lukashenko"] == second["Alexander Lukashenko"]


def test_mention_text_matches_offsets(nlp):
    text = "Belarusian President Alexander Lukashenko met Polish border guards."
    for m in find_actors(nlp(text)):
        assert text[m.start : m.end] == m.text


def test_rejects_non_doc():
    with pytest.raises(TypeError):
        find_actors("not a doc")  # type: ignore[arg-type]


def test_fold_and_slug():
    assert fold("Błaszczak") == fold("BLASZCZAK") == "blaszczak"
    assert slug("Ursula von der Leyen") == "ursula_von_der_leyen"


def test_registry_csv_round_trip_and_errors(tmp_path):
    good = tmp_path / "actors.csv"
    good.write_text(
        "id,name,type,country_code,aliases\nacme,Acme Corp,organisation,us,ACME|Acme\n",
        encoding="utf-8",
    )
    registry = ActorRegistry.from_csv(good)
    assert registry.lookup("acme corp") == Actor("acme", "Acme Corp", "organisation", "US")
    assert registry.lookup("ACME") is not None
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,type,country_code,aliases\nx,X,wizard,,\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match="wizard"):
        ActorRegistry.from_csv(bad)
    dup = tmp_path / "dup.csv"
    dup.write_text("id,name,type,country_code,aliases\nx,X,person,,\nx,Y,person,,\n")
    with pytest.raises(ActorDataError, match="duplicate"):
        ActorRegistry.from_csv(dup)


def test_bundled_registry_is_consistent():
    registry = ActorRegistry.default()
    assert 100 <= len(registry) <= 250
    # No alias may name two different actors.
    seen: dict[tuple[str, ...], str] = {}
    for key, aliases in registry._by_key.items():
        ids = {a.actor.id for a in aliases if not a.needs_parens}
        assert len(ids) <= 1, (key, ids)
        seen[key] = next(iter(ids), "")
    for actor_id in ("alexander_lukashenko", "european_union", "nato", "frontex", "kremlin"):
        assert registry.get(actor_id) is not None


@pytest.mark.slow
def test_seed_named_actors_link_to_the_gold_actor():
    sys.path.insert(0, str(ROOT / "bench"))
    import actors_dates_eval as evaluation

    gold = evaluation.load_gold()
    nlp = evaluation.load_model()
    score = evaluation.run_actors(nlp, gold, "gold", None)
    print(
        f"\nname-tier actor mentions linked to the gold actor: {score.correct}/{score.total}"
        f" = {score.accuracy:.1%}; spurious {len(score.spurious)}"
    )
    for line in score.missed + score.wrong + score.split:
        print("  ", line)
    assert score.total == 142
    assert score.accuracy >= 0.90
    assert len(score.spurious) <= 5
