"""How much of the actor F1 gap is naming convention: the scorer's figure beside the same
figure with country designations joined by the project's country lexicon.

    python bench/events_eval.py --save DIR      # predictions first
    python bench/events_country_join.py DIR

EVENTS.md names a country acting, or its body, by the country ("Britain" -> "United
Kingdom", "Serb forces" -> "Armed Forces of Serbia"); PLOVER's gold standard writes names as
the sentence does ("Britain", "Serb forces", "U.S."). The scorer joins names by six-letter
stems, which join "Belarusian" to "Belarus" but not "Sudanese" to "Sudan", "Serb" to
"Serbia", "British" to "United Kingdom" or "U.S." to "United States". Here every demonym,
country name or alias (countryinfo and geo/data/demonyms.csv, as the actor stage reads them)
in both gold and predicted names becomes one country token before the scorer's own
`names_match`: a diagnostic of which misses are the names' spelling and which the parse's,
never the official figure (bench/events_eval.py prints that).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.events_errors import _pairs  # noqa: E402
from bench.events_eval import SETS, _read, _scorer  # noqa: E402
from geo.nlp import country_lexicon  # noqa: E402
from geo.nlp.actors.words import fold, tokenize  # noqa: E402

COUNTRY_TOKEN = "ctry{code}"
"""Six characters, one six-letter stem for the scorer: "ctryrs" for Serbia in any spelling."""


def joined(name: str) -> str:
    """`name` with each country designation replaced by its country's token."""
    lexicon = country_lexicon()
    words = tokenize(name)
    folded = [fold(w) for w in words]
    out: list[str] = []
    i = 0
    while i < len(words):
        for length in range(min(lexicon.max_len, len(words) - i), 0, -1):
            key = tuple(folded[i : i + length])
            code = lexicon.demonyms.get(key) or lexicon.names.get(key)
            if code is not None and words[i][:1].isupper():
                out.append(COUNTRY_TOKEN.format(code=code.lower()))
                i += length
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


def actor_f1(gold: dict, pred: dict, join: bool) -> tuple[float, int, int, int]:
    """(F1, hits, gold names, predicted names) over the scorer's matched events."""
    sc = _scorer()
    hits = n_gold = n_pred = 0
    for _, _, g, p in _pairs(gold, pred):
        ga = sc._uniq(g.get("source", []) + g.get("target", []))
        pa = sc._uniq(p.get("source", []) + p.get("target", []) + p.get("actors", []))
        if join:
            ga, pa = [joined(n) for n in ga], [joined(n) for n in pa]
        h, ng, np_ = sc._set_f1(ga, pa)
        hits, n_gold, n_pred = hits + h, n_gold + ng, n_pred + np_
    f1 = 2 * hits / (n_gold + n_pred) if n_gold + n_pred else 0.0
    return f1, hits, n_gold, n_pred


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="predictions saved by events_eval.py --save")
    args = parser.parse_args()
    print(f"{'set':<12} {'actor F1 (scorer)':>24} {'actor F1 (countries joined)':>30}")
    for name, path in SETS.items():
        saved = args.dir / f"{name}.jsonl"
        if not saved.exists() or not path.exists():
            continue
        gold, pred = _read(path), _read(saved)
        plain = actor_f1(gold, pred, join=False)
        both = actor_f1(gold, pred, join=True)
        print(
            f"{name:<12} {plain[0]:>8.3f} ({plain[1]}/{plain[2]}/{plain[3]:>3}) "
            f"{both[0]:>14.3f} ({both[1]}/{both[2]}/{both[3]:>3})"
        )
    print("(hits / gold names / predicted names, over the events the scorer matches)")


if __name__ == "__main__":
    main()
