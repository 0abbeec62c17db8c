"""bench/events_eval.py --kinds: the scorer's matching, its failures sorted by kind."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("events_eval", ROOT / "bench" / "events_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["events_eval"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _event(start, end, trigger, kind):
    return {"start": start, "end": end, "trigger_start": trigger, "trigger_end": trigger + 4,
            "type": kind}  # fmt: skip


def test_errors_are_sorted_into_false_missed_and_wrong_type():
    bench = _bench()
    text = "Duda met Putin. Duda hit Putin. Duda saw Putin."
    gold = {
        "a": {"text": text, "events": [_event(0, 15, 5, "CONSULT"), _event(16, 31, 21, "ASSAULT")]}
    }
    predicted = {
        "a": {"events": [_event(0, 15, 5, "AGREE"), _event(32, 47, 37, "OTHER")]}
    }  # the first sentence's type is wrong, the second's event missed, the third's false
    kinds = [(e.kind, e.gold_type, e.pred_type) for e in bench.error_kinds(gold, predicted)]
    assert kinds == [
        ("type", "CONSULT", "AGREE"),
        ("missed", "ASSAULT", None),
        ("false", None, "OTHER"),
    ]
