"""Load time and sample lookups of the event-coding dictionaries (geo/events/dictionaries.py).

    PYTHONPATH=. python bench/coding_dictionaries.py

The loader must stay under 2 s: it runs once per process before the first event is coded.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from geo.events.dictionaries import load_coding_dictionaries

BUDGET_S = 2.0
VERBS = ("accuse", "meet", "arrest", "attack", "protest", "accused", "ask", "sanction")
AGENTS = ("police", "soldiers", "protesters", "foreign minister")
ACTORS = (
    ("president barack obama said", dt.date(2010, 5, 1)),
    ("president barack obama said", dt.date(2005, 5, 1)),
    ("the united nations", None),
    ("ban ki-moon", dt.date(2010, 1, 1)),
)


def main() -> int:
    t0 = time.perf_counter()
    dicts = load_coding_dictionaries()
    elapsed = time.perf_counter() - t0
    print(f"load: {elapsed:.3f} s (budget {BUDGET_S:.1f} s)")
    for table, n in dicts.counts().items():
        print(f"  {table}: {n:,}")
    for lemma in VERBS:
        v = dicts.verb(lemma)
        if v is None:
            print(f"verb {lemma!r}: none")
            continue
        code = v.cameo or "---"
        plover = dicts.plover(v.cameo) if v.cameo else None
        print(
            f"verb {lemma!r}: {v.verb} [{code}] -> {plover} (block {v.block}, "
            f"{len(dicts.patterns(lemma))} patterns)"
        )
    for noun in AGENTS:
        a = dicts.agent(noun)
        print(f"agent {noun!r}: " + (f"{a.code} ({a.label})" if a else "none"))
    for text, on in ACTORS:
        hit = dicts.match_actor(text.split(), 0, on)
        where = f" on {on}" if on else ""
        if hit is None:
            print(f"actor {text!r}{where}: none")
        else:
            entry, end = hit
            print(
                f"actor {text!r}{where}: {' '.join(text.split()[:end])!r} -> {entry.name} "
                f"{entry.code} {entry.start or ''}..{entry.end or ''}"
            )
    for text in ("the australian open final", "talks in geneva"):
        d = dicts.is_discard(text.split())
        print(f"discard {text!r}: " + (f"{' '.join(d.phrase)} ({d.scope})" if d else "no"))
    return 0 if elapsed < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
