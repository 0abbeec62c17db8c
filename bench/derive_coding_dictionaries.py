"""Derive the event-coding dictionaries in geo/data/coding/ from the shared source files.

The product must run without ../shared, so the PETRARCH2 verb dictionary, the Phoenix actor,
agent and discard dictionaries and PLOVER's CAMEO table are parsed once here into compact TSV
files that keep their licence and attribution in their header comments.

    python bench/derive_coding_dictionaries.py [--shared DIR] [--check]

--check derives into memory and exits 1 naming every committed file that differs (stale).
The output depends only on the source files: running twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _default_shared() -> Path:
    """../shared/events from the repo root; in a git worktree nested deeper (wt/NAME), the
    nearest ancestor's shared/events."""
    for parent in REPO.parents:
        if (parent / "shared" / "events").is_dir():
            return parent / "shared" / "events"
    return REPO.parent / "shared" / "events"


DEFAULT_SHARED = _default_shared()
OUT_DIR = REPO / "geo" / "data" / "coding"
SCRIPT = "bench/derive_coding_dictionaries.py"

CAMEO_FILE = "petrarch2/CAMEO.2.0.txt"
PLOVER_FILE = "plover/CAMEO2PLOVER-2021.txt"
ACTOR_FILES = (
    ("countries", "petrarch2/Phoenix.Countries.actors.txt"),
    ("international", "petrarch2/Phoenix.International.actors.txt"),
    ("milnonstate", "petrarch2/Phoenix.MilNonState.actors.txt"),
)
AGENTS_FILE = "petrarch2/Phoenix.agents.txt"
DISCARDS_FILE = "petrarch2/Phoenix.discards.txt"

PLOVER_CATEGORIES = frozenset(
    {
        "AGREE",
        "CONSULT",
        "SUPPORT",
        "CONCEDE",
        "COOPERATE",
        "AID",
        "RETREAT",
        "REQUEST",
        "ACCUSE",
        "REJECT",
        "THREATEN",
        "PROTEST",
        "SANCTION",
        "MOBILIZE",
        "COERCE",
        "ASSAULT",
        "OTHER",
    }
)
# Older PLOVER names, as mapped in ../shared/events/README.md.
PLOVER_RENAMES = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}

# Readable labels for the three-letter CAMEO role codes used by Phoenix.agents.txt. Written
# for this project (the agents file has codes only); a code missing here fails the derivation.
ROLE_LABELS = {
    "AGR": "agriculture",
    "BUD": "Buddhist",
    "BUS": "business",
    "CHR": "Christian",
    "COP": "police",
    "CRM": "criminal",
    "CTH": "Catholic",
    "CVL": "civilian",
    "DEV": "development",
    "EDU": "education",
    "ELI": "elite",
    "ENV": "environment",
    "GOV": "government",
    "HIN": "Hindu",
    "HLH": "health",
    "HRI": "human rights",
    "IGO": "intergovernmental organisation",
    "IMG": "international militarised group",
    "JEW": "Jewish",
    "JUD": "judiciary",
    "LAB": "labour",
    "LEG": "legislature",
    "MAR": "Maronite",
    "MED": "media",
    "MIL": "military",
    "MUS": "Muslim",
    "NGO": "non-governmental organisation",
    "OPP": "opposition",
    "PPL": "people",
    "PRO": "Protestant",
    "PTY": "political party",
    "RAD": "radical",
    "REB": "rebel",
    "REF": "refugee",
    "REL": "religious",
    "SPY": "intelligence",
    "UAF": "unaligned armed forces",
}

MIT_ATTRIBUTION = (
    "Copyright (c) 2014-2015 Open Event Data Alliance (openeventdata/petrarch2; dictionaries "
    "from the Computational Event Data System project, NSF-funded); MIT licence, full text "
    "in geo/data/coding/README.md"
)
PLOVER_ATTRIBUTION = (
    "PLOVER CAMEO-to-PLOVER conversion table, draft 0.8, 17 September 2021, edited by "
    "Philip Schrodt (openeventdata/PLOVER); CC BY-SA 4.0 "
    "(https://creativecommons.org/licenses/by-sa/4.0/), ShareAlike: adaptations of this "
    "table must carry the same licence"
)


class SourceError(ValueError):
    """A shared source file has syntax this script does not understand."""


@dataclass
class Notes:
    """Counts of what the derivation had to repair or drop, printed so nothing is silent."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


def _lower_tokens(text: str) -> str:
    """Lower-cases a TABARI phrase and turns its '_' connectors into spaces."""
    return " ".join(text.replace("_", " ").lower().split())


def _strip_comment(line: str) -> str:
    """Drops a '#' comment (PETRARCH's rule) and a legacy TABARI ';' comment after a space/'}'."""
    line = line.split("#", 1)[0]
    m = re.search(r"(?:(?<=\s)|(?<=\}));", line)
    return line[: m.start()] if m else line


# ---------------------------------------------------------------- CAMEO -> PLOVER table


@dataclass(frozen=True)
class PloverRow:
    cameo: str
    plover: str
    mode: str
    context: str
    description: str
    line: int


def parse_plover_table(text: str, notes: Notes) -> list[PloverRow]:
    """Reads 'CODE: CATEGORY, mode, context # description' rows; 2-digit headings included
    unless the table gives one heading two categories (08: CONCEDE and RETREAT)."""
    rows: list[PloverRow] = []
    headings: dict[str, list[tuple[str, int]]] = {}
    seen: set[str] = set()
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#") or set(line) == {"~"}:
            continue
        m = re.fullmatch(r"(\d{2,4}):\s*([^#]*?)\s*(?:#\s*(.*))?", line)
        if not m:
            raise SourceError(f"{PLOVER_FILE}:{n}: cannot read {raw!r}")
        code, body, description = m.group(1), m.group(2), (m.group(3) or "").strip()
        parts = [p.strip() for p in body.split(",")]
        category = PLOVER_RENAMES.get(parts[0], parts[0])
        if category not in PLOVER_CATEGORIES:
            raise SourceError(f"{PLOVER_FILE}:{n}: unknown PLOVER category {parts[0]!r}")
        if len(code) == 2:
            headings.setdefault(code, []).append((category, n))
            continue
        if code in seen:
            notes.add("plover: duplicate CAMEO code row dropped (first kept)")
            continue
        seen.add(code)
        mode = parts[1] if len(parts) > 1 else ""
        context = ",".join(parts[2:]).strip() if len(parts) > 2 else ""
        rows.append(PloverRow(code, category, mode, context, description, n))
    for code, cats in headings.items():
        if len({c for c, _ in cats}) > 1:
            notes.add(f"plover: heading {code} names {len(cats)} categories, heading dropped")
            continue
        rows.append(PloverRow(code, cats[0][0], "", "", "(heading)", cats[0][1]))
    rows.sort(key=lambda r: (r.cameo.ljust(4, " "), r.line))
    return rows


def plover_lookup(rows: Sequence[PloverRow]) -> Callable[[str], str]:
    """CAMEO code -> PLOVER category via the table, falling back to the parent code
    (0213 -> 021 -> 02); '' when the table has no ancestor (CAMEO 01 and 02)."""
    table = {r.cameo: r.plover for r in rows}

    def lookup(code: str) -> str:
        while len(code) >= 2:
            if code in table:
                return table[code]
            code = code[:-1]
        return ""

    return lookup


# ---------------------------------------------------------------- CAMEO verb dictionary


@dataclass(frozen=True)
class VerbRow:
    verb: str
    before: str
    after: str
    forms: str
    code: str
    code_reverse: str
    block: str
    line: int


@dataclass(frozen=True)
class PatternRow:
    block: str
    origin: str
    before: str
    after: str
    code: str
    code_reverse: str
    line: int


@dataclass(frozen=True)
class SynsetRow:
    synset: str
    phrase: str
    plural: str
    line: int


CODE_RE = re.compile(r"\[([^\]]*)\]")


def _verb_code(raw: str, where: str, notes: Notes) -> tuple[str, str]:
    """'[112]' -> ('112', ''); '[042:043]' -> ('042', '043'); '[---]' -> ('', '')."""
    raw = raw.strip()
    if raw.endswith("!"):
        notes.add("cameo: stray '!' after a code removed")
        raw = raw[:-1]
    if raw == "---":
        return "", ""
    m = re.fullmatch(r"(\d{2,4})?(?::(\d{2,4}))?", raw)
    if not m or raw == "":
        raise SourceError(f"{where}: cannot read CAMEO code [{raw}]")
    return m.group(1) or "", m.group(2) or ""


def _regular_forms(stem: str) -> list[str]:
    """PETRARCH2's regular forms (-S/-ES/-IES, -ED/-D, -ING), with consonant+Y -> -IED."""
    forms = []
    if stem.endswith(("S", "X", "Z")):
        forms.append(stem + "ES")
    elif stem.endswith("Y") and len(stem) > 1 and stem[-2] not in "AEIOU":
        forms.append(stem[:-1] + "IES")
    else:
        forms.append(stem + "S")
    if stem.endswith("E"):
        forms.append(stem + "D")
    elif stem.endswith("Y") and len(stem) > 1 and stem[-2] not in "AEIOU":
        forms.append(stem[:-1] + "IED")
    else:
        forms.append(stem + "ED")
    if stem.endswith("E") and len(stem) > 1 and stem[-2] not in "AEIOU":
        forms.append(stem[:-1] + "ING")
    else:
        forms.append(stem + "ING")
    return forms


def _split_compound(word: str, where: str) -> tuple[list[str], str, list[str]]:
    """'RE_+ARREST' -> (['RE'], 'ARREST', []); '+ASK_FOR' -> ([], 'ASK', ['FOR'])."""
    parts = word.split("_")
    heads = [i for i, p in enumerate(parts) if p.startswith("+")]
    if len(heads) != 1:
        raise SourceError(f"{where}: multi-word verb {word!r} needs exactly one '+'")
    i = heads[0]
    return parts[:i], parts[i][1:], [p for p in parts[i + 1 :] if p]


def _pattern_tokens(text: str) -> str:
    """Lower-cases a pattern half, keeping its markers: (prep phrase), {noun phrase},
    &synset, $ source, + target, % compound actor, ^ skip."""
    return " ".join(text.lower().split())


def parse_cameo(text: str, notes: Notes) -> tuple[list[VerbRow], list[PatternRow], list[SynsetRow]]:
    """Reads the synonym sets, then the verb blocks ('--- MEANING [CODE] ---', verb lines,
    '- pre * post [CODE] # ORIGIN' patterns); the closing transformations are not kept."""
    verbs: list[VerbRow] = []
    patterns: list[PatternRow] = []
    synsets: list[SynsetRow] = []
    section = "preamble"
    synset = ""
    synset_noplural = False
    block = ""
    block_code = block_reverse = ""
    for n, raw in enumerate(text.splitlines(), 1):
        where = f"{CAMEO_FILE}:{n}"
        if raw.startswith("####### SYNONYM SETS"):
            section = "synsets"
            continue
        if raw.startswith("####### VERB PATTERNS"):
            section = "verbs"
            continue
        if raw.startswith("######## TRANSFORMATIONS"):
            section = "transformations"
            continue
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if section == "preamble":
            raise SourceError(f"{where}: content before the synonym sets: {raw!r}")
        if section == "transformations":
            if raw.startswith("~"):
                notes.add("cameo: verb transformation not derived")
                continue
            raise SourceError(f"{where}: unexpected line in transformations: {raw!r}")
        line = _strip_comment(raw).rstrip()
        if section == "synsets":
            if line.startswith("&"):
                name = line.strip()
                synset_noplural = name.endswith("_")
                synset = "&" + name[1:].rstrip("_").lower()
            elif line.startswith("+") and synset:
                term = line[1:].strip()
                noplural = synset_noplural or term.endswith("_")
                phrase = _lower_tokens(term)
                if not phrase:
                    raise SourceError(f"{where}: empty synonym")
                plural = "" if noplural else _plural(phrase)
                synsets.append(SynsetRow(synset, phrase, plural, n))
            else:
                raise SourceError(f"{where}: unexpected line in synonym sets: {raw!r}")
            continue
        # verb patterns section
        if line.startswith("---"):
            m = re.fullmatch(r"---\s+(\S+)\s+\[([^\]]*)\][-\s]*---", line.strip())
            if not m:
                raise SourceError(f"{where}: cannot read block header {raw!r}")
            block = m.group(1).lower()
            block_code, block_reverse = _verb_code(m.group(2), where, notes)
            continue
        if not block:
            raise SourceError(f"{where}: verb line before the first block: {raw!r}")
        if line.startswith("-"):
            comment = raw.split("#", 1)[1].strip() if "#" in raw else ""
            origin = comment.split()[0].lower() if comment else ""
            if not re.fullmatch(r"[a-z_+\-']*", origin):
                origin = ""
            codes = CODE_RE.findall(line)
            if len(codes) != 1 or not line.rstrip().endswith("]"):
                raise SourceError(f"{where}: pattern needs one final [code]: {raw!r}")
            body = line[1 : line.rfind("[")]
            if body.count("*") != 1:
                raise SourceError(f"{where}: pattern needs exactly one '*': {raw!r}")
            pre, post = body.split("*")
            code, reverse = _verb_code(codes[0], where, notes)
            patterns.append(
                PatternRow(
                    block, origin, _pattern_tokens(pre), _pattern_tokens(post), code, reverse, n
                )
            )
            continue
        # a verb line: WORD {FORMS} [CODE]
        m = re.fullmatch(r"\s*([A-Z+_'\-]+)\s*(\{[^}]*\})?\s*(\[[^\]]*\])?\s*", line)
        if not m:
            raise SourceError(f"{where}: cannot read verb line {raw!r}")
        word, braces, own = m.group(1), m.group(2), m.group(3)
        code, reverse = block_code, block_reverse
        if own:
            code, reverse = _verb_code(own[1:-1], where, notes)
        if "+" in word:
            before, head, after = _split_compound(word, where)
            if braces is None:
                forms = _regular_forms(head)
            else:
                forms = []
                for form in braces[1:-1].replace(",", " ").split():
                    _, fhead, _ = _split_compound(form, where)
                    forms.append(fhead)
        else:
            if "_" in word:
                raise SourceError(f"{where}: multi-word verb {word!r} without '+'")
            before, head, after = [], word, []
            if braces is None:
                forms = _regular_forms(head)
            else:
                forms = braces[1:-1].replace(",", " ").split()
        forms = [f for f in dict.fromkeys(forms) if f != head]
        verbs.append(
            VerbRow(
                head.lower(),
                " ".join(before).lower(),
                " ".join(after).lower(),
                " ".join(forms).lower(),
                code,
                reverse,
                block,
                n,
            )
        )
    return verbs, patterns, synsets


def _plural(phrase: str) -> str:
    """PETRARCH's make_plural on the last word: -y -> -ies, -s -> -ses... as in the source."""
    if phrase.endswith("y"):
        return phrase[:-1] + "ies"
    if phrase.endswith("s"):
        return phrase[:-1] + "es"
    return phrase + "s"


# ---------------------------------------------------------------- Phoenix actors


@dataclass(frozen=True)
class ActorRow:
    pattern: str
    actor: str
    code: str
    start: str
    end: str
    source: str
    line: int


def _actor_date(raw: str, where: str, notes: Notes) -> str:
    """YYYYMMDD or YYMMDD (00-30 -> 20YY, as PETRARCH) -> ISO; '' and a note when invalid."""
    digits = raw
    if len(digits) > 7:
        year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
        if len(digits) > 8:
            notes.add("actors: date longer than 8 digits, first 8 used")
    elif len(digits) >= 6:
        yy = int(digits[:2])
        year = 2000 + yy if yy <= 30 else 1900 + yy
        month, day = int(digits[2:4]), int(digits[4:6])
        if len(digits) == 7:
            notes.add("actors: 7-digit date read as YYMMDD (PETRARCH's rule)")
    else:
        raise SourceError(f"{where}: cannot read date {raw!r}")
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        notes.add("actors: impossible date, bound dropped")
        return ""


def _actor_codes(text: str, where: str, notes: Notes) -> list[tuple[str, str, str]]:
    """'[USAGOV >090120] [ELI]' -> [('USAGOV', '2009-01-20', ''), ('ELI', '', '')]."""
    out = []
    for body in CODE_RE.findall(text):
        parts = body.split(None, 1)
        if not parts:
            raise SourceError(f"{where}: empty code []")
        code = parts[0]
        if not re.fullmatch(r"[A-Z0-9]+|---", code):
            raise SourceError(f"{where}: cannot read actor code {code!r}")
        rng = parts[1].replace(" ", "") if len(parts) > 1 else ""
        start = end = ""
        if rng.startswith(">"):
            start = _actor_date(rng[1:], where, notes)
        elif rng.startswith("<"):
            end = _actor_date(rng[1:], where, notes)
        elif "-" in rng:
            a, b = rng.split("-", 1)
            start, end = _actor_date(a, where, notes), _actor_date(b, where, notes)
            if start and end and start > end:
                notes.add("actors: range ends before it starts, code kept undated")
                start = end = ""
        elif rng:
            if not rng.isdigit():
                raise SourceError(f"{where}: cannot read date range {rng!r}")
            notes.add("actors: bare date read as a start date ('>')")
            start = _actor_date(rng, where, notes)
        out.append((code, start, end))
    return out


def _actor_pattern(name: str) -> str:
    """'ADEN_ABYAN_ISLAMIC_ARMY_(AAIA)_' -> 'aden abyan islamic army ( aaia )'."""
    text = _lower_tokens(name)
    text = re.sub(r"([()])", r" \1 ", text)
    return " ".join(text.split())


def parse_actors(text: str, source: str, path: str, notes: Notes) -> list[ActorRow]:
    """Reads entries: a primary name line, '+' synonym lines and '[CODE date]' lines. An entry
    without codes takes those of the next entry that has some (PETRARCH would drop it)."""
    groups: list[tuple[str, int, list[str], list[tuple[str, str, str]]]] = []
    for n, raw in enumerate(text.splitlines(), 1):
        where = f"{path}:{n}"
        line = _strip_comment(raw).strip()
        if not line:
            continue
        if line.startswith("["):
            if not groups:
                raise SourceError(f"{where}: code before any actor")
            groups[-1][3].extend(_actor_codes(line, where, notes))
            continue
        name_part = line.split("[", 1)[0].strip()
        codes = _actor_codes(line[len(name_part) :], where, notes) if "[" in line else []
        if line.startswith("+"):
            if not groups:
                raise SourceError(f"{where}: synonym before any actor")
            names = [p for p in name_part[1:].split("+") if p.strip("_ ")]
            if len(names) > 1:
                notes.add("actors: synonym line with an inner '+' split in two")
            groups[-1][2].extend(names)
            groups[-1][3].extend(codes)
        else:
            groups.append((name_part, n, [name_part], codes))
    rows: list[ActorRow] = []
    pending: list[tuple[str, int, list[str]]] = []
    for primary, n, names, codes in groups:
        if not codes:
            pending.append((primary, n, names))
            continue
        for p_primary, p_n, p_names in [*pending, (primary, n, names)]:
            actor = " ".join(p_primary.replace("_", " ").split())
            seen: set[str] = set()
            for name in p_names:
                pattern = _actor_pattern(name)
                if not pattern or pattern in seen:
                    continue
                seen.add(pattern)
                for code, start, end in codes:
                    rows.append(ActorRow(pattern, actor, code, start, end, source, p_n))
        if pending:
            notes.add("actors: entry without codes given the next entry's codes", len(pending))
        pending = []
    if pending:
        notes.add("actors: entry without codes at end of file dropped", len(pending))
    return rows


# ---------------------------------------------------------------- agents and discards


@dataclass(frozen=True)
class AgentRow:
    noun: str
    singular: str
    code: str
    attach: str
    label: str
    line: int


def _agent_label(code: str, where: str) -> str:
    if len(code) % 3:
        raise SourceError(f"{where}: agent code {code!r} is not made of 3-letter parts")
    parts = [code[i : i + 3] for i in range(0, len(code), 3)]
    missing = [p for p in parts if p not in ROLE_LABELS]
    if missing:
        raise SourceError(f"{where}: no label for role code(s) {missing} (add to ROLE_LABELS)")
    return " ".join(ROLE_LABELS[p] for p in parts)


def parse_agents(text: str, notes: Notes) -> list[AgentRow]:
    """Reads 'PHRASE {PLURAL} [~CODE]' lines and '!MARKER! = A, B' substitution sets; regular
    plurals (-s, -ies, -es) are generated unless {...} gives one ({} = none)."""
    subs: dict[str, list[str]] = {}
    rows: list[AgentRow] = []
    for n, raw in enumerate(text.splitlines(), 1):
        where = f"{AGENTS_FILE}:{n}"
        line = _strip_comment(raw).strip()
        if not line:
            continue
        m = re.fullmatch(r"!(\w+)!\s*=\s*(.+)", line)
        if m:
            subs[m.group(1)] = [s.strip() for s in m.group(2).split(",") if s.strip()]
            continue
        if re.search(r"\[[^\]]*\}$", line):
            notes.add("agents: code closed with '}' read as ']'")
            line = line[:-1] + "]"
        m = re.fullmatch(r"([^\[{]+?)\s*(\{[^}]*\})?\s*\[\s*([^\]]*?)\s*\]", line)
        if not m:
            if "[" not in line:
                notes.add("agents: line without a code skipped (as PETRARCH)")
                continue
            raise SourceError(f"{where}: cannot read agent line {raw!r}")
        phrase, braces, code = m.group(1).strip(), m.group(2), m.group(3)
        if code.startswith("~"):
            attach, bare = "suffix", code[1:]
        elif code.endswith("~"):
            attach, bare = "prefix", code[:-1]
        else:
            raise SourceError(f"{where}: agent code {code!r} has no '~'")
        label = _agent_label(bare, where)
        inner = re.sub(r"(?<=[A-Z])!(\w+)!(?=[A-Z])", r"\1", phrase)
        if inner != phrase:
            notes.add("agents: marker inside a word restored as text (AD!MINIST!RATIVE)")
            phrase = inner
        if "!" in phrase:
            mm = re.fullmatch(r"([^!]*)!(\w+)!([^!]*)", phrase)
            if not mm or mm.group(2) not in subs:
                raise SourceError(f"{where}: unknown substitution marker in {phrase!r}")
            for item in subs[mm.group(2)]:
                noun = _lower_tokens(mm.group(1) + item + mm.group(3))
                rows.append(AgentRow(noun, noun, bare, attach, label, n))
            continue
        singular = _lower_tokens(phrase)
        rows.append(AgentRow(singular, singular, bare, attach, label, n))
        if braces is not None:
            plural = _lower_tokens(braces[1:-1])
        else:
            plural = _plural(singular) if not singular.endswith("ss") else singular + "es"
        if plural and plural != singular:
            rows.append(AgentRow(plural, singular, bare, attach, label, n))
    return rows


@dataclass(frozen=True)
class DiscardRow:
    phrase: str
    scope: str
    stem: str
    line: int


def parse_discards(text: str, notes: Notes) -> list[DiscardRow]:
    """'+PHRASE' discards the whole story, 'PHRASE' the sentence; a trailing '_' makes the
    last word exact, otherwise it is a stem (TABARI's rule)."""
    rows: list[DiscardRow] = []
    seen: set[tuple[str, str, str]] = set()
    for n, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw).strip()
        if not line:
            continue
        scope = "sentence"
        if line.startswith("+"):
            scope, line = "story", line[1:].strip()
        if line.startswith("~"):
            raise SourceError(f"{DISCARDS_FILE}:{n}: '~' discard markers are not supported")
        stem = "0" if line.endswith("_") else "1"
        phrase = _lower_tokens(line)
        if not phrase:
            raise SourceError(f"{DISCARDS_FILE}:{n}: empty discard")
        key = (phrase, scope, stem)
        if key in seen:
            notes.add("discards: duplicate phrase dropped")
            continue
        seen.add(key)
        rows.append(DiscardRow(phrase, scope, stem, n))
    return rows


# ---------------------------------------------------------------- writing


def _cell(value: object) -> str:
    text = str(value)
    if "\t" in text or "\n" in text:
        raise SourceError(f"tab or newline in a cell: {text!r}")
    return text


def render_tsv(
    name: str,
    description: str,
    sources: Iterable[str],
    licence: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> str:
    """A TSV with '#' header comments (provenance, licence, row count) and a column row."""
    body = ["\t".join(_cell(v) for v in row) for row in rows]
    head = [
        f"# geo/data/coding/{name}: {description}",
        f"# derived by {SCRIPT} from ../shared/events; do not edit by hand",
        *(f"# source: {s}" for s in sources),
        *(f"# licence: {part}" for part in licence.split("\n")),
        f"# rows: {len(body)}",
        "\t".join(columns),
    ]
    return "\n".join(head + body) + "\n"


def _commit(readme: str, repo: str) -> str:
    m = re.search(rf"openeventdata/{repo}[^|]*?commit ([0-9a-f]{{7,40}})", readme)
    if not m:
        raise SourceError(f"README.md: no commit recorded for openeventdata/{repo}")
    return m.group(1)


def derive(shared: Path) -> dict[str, str]:
    """All output files by name, as text; raises SourceError on unreadable source syntax."""
    notes = Notes()

    def read(rel: str) -> tuple[str, str]:
        path = shared / rel
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise SourceError(f"{path}: source file missing") from exc
        return data.decode("utf-8"), hashlib.sha256(data).hexdigest()[:16]

    readme, _ = read("README.md")
    petr = f"openeventdata/petrarch2 commit {_commit(readme, 'petrarch2')}"
    plov = f"openeventdata/PLOVER commit {_commit(readme, 'PLOVER')}"

    def src(rel: str, sha: str, repo: str) -> str:
        return f"{rel.split('/')[-1]} ({repo}; sha256 {sha})"

    plover_text, plover_sha = read(PLOVER_FILE)
    plover_rows = parse_plover_table(plover_text, notes)
    to_plover = plover_lookup(plover_rows)
    cameo_text, cameo_sha = read(CAMEO_FILE)
    verbs, patterns, synsets = parse_cameo(cameo_text, notes)

    mit = f"MIT. {MIT_ATTRIBUTION}"
    mixed = (
        f"CAMEO data: {mit}\n"
        f"plover columns are derived from the CAMEO2PLOVER table: {PLOVER_ATTRIBUTION}"
    )
    cameo_src = [src(CAMEO_FILE, cameo_sha, petr)]
    both_src = [*cameo_src, src(PLOVER_FILE, plover_sha, plov)]
    out: dict[str, str] = {}
    out["cameo_plover.tsv"] = render_tsv(
        "cameo_plover.tsv",
        "CAMEO code -> PLOVER category, mode and context (the official table)",
        [src(PLOVER_FILE, plover_sha, plov)],
        PLOVER_ATTRIBUTION,
        ["cameo", "plover", "mode", "context", "description", "src_line"],
        [(r.cameo, r.plover, r.mode, r.context, r.description, r.line) for r in plover_rows],
    )
    out["cameo_verbs.tsv"] = render_tsv(
        "cameo_verbs.tsv",
        "verbs of PETRARCH2's CAMEO dictionary (head lemma, compound words, inflected forms, "
        "code; empty code = no event)",
        both_src,
        mixed,
        [
            "verb",
            "before",
            "after",
            "forms",
            "cameo",
            "plover",
            "cameo_reverse",
            "plover_reverse",
            "block",
            "src_line",
        ],
        [
            (
                v.verb,
                v.before,
                v.after,
                v.forms,
                v.code,
                to_plover(v.code) if v.code else "",
                v.code_reverse,
                to_plover(v.code_reverse) if v.code_reverse else "",
                v.block,
                v.line,
            )
            for v in verbs
        ],
    )
    out["cameo_patterns.tsv"] = render_tsv(
        "cameo_patterns.tsv",
        "phrase patterns of each verb block: tokens before and after the verb (*), code and "
        "reverse code of TABARI paired codes [a:b]",
        both_src,
        mixed,
        [
            "block",
            "origin",
            "before",
            "after",
            "cameo",
            "plover",
            "cameo_reverse",
            "plover_reverse",
            "src_line",
        ],
        [
            (
                p.block,
                p.origin,
                p.before,
                p.after,
                p.code,
                to_plover(p.code) if p.code else "",
                p.code_reverse,
                to_plover(p.code_reverse) if p.code_reverse else "",
                p.line,
            )
            for p in patterns
        ],
    )
    out["cameo_synsets.tsv"] = render_tsv(
        "cameo_synsets.tsv",
        "noun synonym sets (&name) used in cameo_patterns.tsv, with generated plurals",
        cameo_src,
        mit,
        ["synset", "phrase", "plural", "src_line"],
        [(s.synset, s.phrase, s.plural, s.line) for s in synsets],
    )
    actor_rows: list[ActorRow] = []
    actor_src = []
    for source, rel in ACTOR_FILES:
        text, sha = read(rel)
        actor_src.append(src(rel, sha, petr))
        actor_rows.extend(parse_actors(text, source, rel, notes))
    out["phoenix_actors.tsv"] = render_tsv(
        "phoenix_actors.tsv",
        "Phoenix actor name patterns (lower-case tokens) -> primary name, CAMEO actor code "
        "and the dates it holds (inclusive; empty = open)",
        actor_src,
        mit,
        ["pattern", "actor", "code", "start", "end", "source", "src_line"],
        [(a.pattern, a.actor, a.code, a.start, a.end, a.source, a.line) for a in actor_rows],
    )
    agents_text, agents_sha = read(AGENTS_FILE)
    agents = parse_agents(agents_text, notes)
    out["phoenix_agents.tsv"] = render_tsv(
        "phoenix_agents.tsv",
        "agent nouns (singular and plural forms) -> CAMEO role code; attach says whether the "
        "code follows (~COP) or precedes (IGO~) the actor's code; labels are this project's",
        [src(AGENTS_FILE, agents_sha, petr)],
        mit,
        ["noun", "singular", "code", "attach", "label", "src_line"],
        [(a.noun, a.singular, a.code, a.attach, a.label, a.line) for a in agents],
    )
    discards_text, discards_sha = read(DISCARDS_FILE)
    discards = parse_discards(discards_text, notes)
    out["discards.tsv"] = render_tsv(
        "discards.tsv",
        "phrases that mark a sentence (or the whole story) as no event; stem=1: the last "
        "word may continue (tournament -> tournaments)",
        [src(DISCARDS_FILE, discards_sha, petr)],
        mit,
        ["phrase", "scope", "stem", "src_line"],
        [(d.phrase, d.scope, d.stem, d.line) for d in discards],
    )
    for what, n in sorted(notes.counts.items()):
        print(f"note: {what}: {n}", file=sys.stderr)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="the shared events directory (default: ../shared/events)",
    )
    ap.add_argument(
        "--check",
        action="store_true",
        help="fail when the committed files differ from a fresh derivation",
    )
    ap.add_argument("--out", type=Path, default=OUT_DIR, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    files = derive(args.shared)
    if args.check:
        stale = []
        for name, text in files.items():
            path = args.out / name
            if not path.exists() or path.read_bytes() != text.encode("utf-8"):
                stale.append(name)
        if stale:
            print(f"stale: {', '.join(stale)} (run python {SCRIPT})", file=sys.stderr)
            return 1
        print(f"up to date: {len(files)} files in {args.out}")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out / name).write_bytes(text.encode("utf-8"))
        rows = text.count("\n") - sum(1 for ln in text.splitlines() if ln.startswith("#")) - 1
        print(f"{name}: {rows} rows, {len(text.encode('utf-8')) / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
