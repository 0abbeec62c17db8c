"""The false-place set (tests/data/false_places.jsonl) is valid and built from its source.

Fast: reads JSON only (no spaCy, no gazetteer). The builder's --verify-ids checks the ids
against the gazetteer and is run by hand after editing the source.
"""

import copy
import importlib.util
import json
import sys
from pathlib import Path

import pytest

_DATA = Path(__file__).resolve().parent / "data"
_BUILDER = _DATA / "build_false_places.py"


@pytest.fixture(scope="module")
def builder():
    spec = importlib.util.spec_from_file_location("build_false_places", _BUILDER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def source_items(builder):
    return json.loads(builder.SOURCE.read_text(encoding="utf-8"))


def test_jsonl_is_up_to_date_with_its_source(builder, capsys):
    assert builder.main(["--check"]) == 0, capsys.readouterr().err


def test_every_span_is_its_place_name_and_every_id_an_int(builder):
    rows = [json.loads(line) for line in builder.OUT.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= builder.MIN_ITEMS
    for row in rows:
        assert row["kind"] in builder.KINDS
        for place in row["places"]:
            assert row["text"][place["start"] : place["end"]] == place["name"], row["id"]
            assert type(place["geonameid"]) is int, row["id"]


def _broken(builder, source_items, tmp_path, change) -> str:
    items = copy.deepcopy(source_items)
    change(items)
    path = tmp_path / "src.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    with pytest.raises(builder.SourceError) as error:
        builder.build(path)
    return str(error.value)


def _first_with_place(items):
    return next(item for item in items if item["places"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda items: _first_with_place(items)["places"][0].update(name="Atlantis"), "substring"),
        (lambda items: _first_with_place(items)["places"][0].update(geonameid="2643743"), "int"),
        (lambda items: _first_with_place(items)["places"][0].update(geonameid=True), "int"),
        (lambda items: items[0].update(kind="sport"), "kind"),
        (lambda items: items[1].update(id=items[0]["id"]), "more than once"),
        (lambda items: items.__delitem__(slice(100, None)), "at least"),
        (lambda items: items[0].pop("note"), "keys"),
    ],
    ids=["name-not-in-text", "id-string", "id-bool", "kind", "duplicate-id", "too-few", "keys"],
)
def test_builder_rejects_a_broken_item(builder, source_items, tmp_path, change, message):
    assert message in _broken(builder, source_items, tmp_path, change)


def test_a_place_inside_a_longer_word_is_not_found(builder):
    assert builder.word_occurrences("Parisian cafés in Paris", "Paris") == [18]


def test_a_repeated_name_needs_its_occurrence(builder):
    item = {
        "id": "x",
        "kind": "organisation",
        "text": "Real Madrid fans celebrated in Madrid.",
        "places": [{"name": "Madrid", "geonameid": 3117735}],
        "note": "",
    }
    with pytest.raises(builder.SourceError, match="occurrence"):
        builder.build_item(item, 1)
    item["places"][0]["occurrence"] = 2
    assert builder.build_item(item, 1)["places"][0]["start"] == 31
