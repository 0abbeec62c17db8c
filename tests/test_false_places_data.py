"""The false-place test set is valid and its JSON Lines are built from the source."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "data"
spec = importlib.util.spec_from_file_location("build_false_places", HERE / "build_false_places.py")
builder = importlib.util.module_from_spec(spec)
spec.loader.exec_module(builder)


def test_the_jsonl_is_up_to_date():
    assert builder.main(["--check"]) == 0


def test_offsets_point_at_the_places():
    for line in (HERE / "false_places.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        for place in item["places"]:
            assert item["text"][place["start"] : place["end"]] == place["name"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda items: items[-1]["places"][0].update(name="Atlantis"), "not in its text"),
        (lambda items: items[0].update(kind="joke"), "kind"),
        (lambda items: items.append(dict(items[0])), "used twice"),
        (lambda items: items[-1]["places"][0].update(geonameid="1"), "integer geonameid"),
        (lambda items: del_kind(items, "title"), "title items"),
    ],
)
def test_a_broken_source_is_refused(change, problem):
    source = json.loads((HERE / "false_places_src.json").read_text(encoding="utf-8"))
    broken = copy.deepcopy(source)
    change(broken["items"])
    with pytest.raises(builder.SourceError, match=problem):
        builder.build(broken)


def del_kind(items, kind):
    items[:] = [i for i in items if i["kind"] != kind] + [
        dict(i, id=f"{i['id']}-copy") for i in items if i["kind"] == "control"
    ]
