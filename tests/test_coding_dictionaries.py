"""The coding-dictionary loader: parsing, errors, date-aware longest actor match, the
CAMEO -> PLOVER table against its source, and that the committed TSVs are not stale."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from geo.events.dictionaries import CodingDataError, load_coding_dictionaries

REPO = Path(__file__).resolve().parent.parent
SHARED = next(
    (p / "shared" / "events" for p in REPO.parents if (p / "shared" / "events").is_dir()),
    REPO.parent / "shared" / "events",
)
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/events not present")



def words(text: str) -> list[str]:
    return text.split()


HEAD = "# tiny hand-written table\n"
TINY = {
    "cameo_verbs.tsv": HEAD
    + "verb\tbefore\tafter\tforms\tcameo\tplover\tcameo_reverse\tplover_reverse\tblock\tsrc_line\n"
    "accuse\t\t\taccuses accused accusing\t112\tACCUSE\t\t\tblame\t1\n"
    "ask\t\tfor\tasked asking asks\t020\t\t\t\task\t2\n"
    "visit\t\t\tvisits visited visiting\t042\tCONSULT\t043\tCONSULT\tvisit\t3\n"
    "accuse\t\t\taccuses accused accusing\t111\tACCUSE\t\t\tsavage\t4\n",
    "cameo_patterns.tsv": HEAD
    + "block\torigin\tbefore\tafter\tcameo\tplover\tcameo_reverse\tplover_reverse\tsrc_line\n"
    "blame\taccuse\t\tof torture\t1122\tACCUSE\t\t\t5\n"
    "blame\tcharge\tsymbolically\t\t\t\t\t\t6\n",
    "cameo_synsets.tsv": HEAD + "synset\tphrase\tplural\tsrc_line\n&weapon\tgun\tguns\t7\n",
    "cameo_plover.tsv": HEAD
    + "cameo\tplover\tmode\tcontext\tdescription\tsrc_line\n"
    "11\tACCUSE\t\t\t(heading)\t1\n112\tACCUSE\tdisapprove\t\tAccuse\t2\n"
    "1122\tACCUSE\tallege\thuman_rights\tAccuse of human rights abuses\t3\n"
    "042\tCONSULT\tvisit\t\tMake a visit\t4\n",
    "phoenix_actors.tsv": HEAD
    + "pattern\tactor\tcode\tstart\tend\tsource\tsrc_line\n"
    "obama\tBARACK OBAMA\tUSAELI\t1978-01-01\t2000-01-01\tcountries\t10\n"
    "obama\tBARACK OBAMA\tUSAGOV\t2009-01-20\t\tcountries\t10\n"
    "president obama\tBARACK OBAMA\tUSAGOV\t2009-01-20\t\tcountries\t10\n"
    "president\tUS PRESIDENT\tUSAGOV\t\t\tcountries\t20\n"
    "united states\tUNITED STATES\tUSA\t\t\tcountries\t30\n"
    "united states senate\tUS SENATE\tUSALEG\t\t\tcountries\t40\n",
    "phoenix_agents.tsv": HEAD
    + "noun\tsingular\tcode\tattach\tlabel\tsrc_line\n"
    "police\tpolice\tCOP\tsuffix\tpolice\t1\n"
    "soldier\tsoldier\tMIL\tsuffix\tmilitary\t2\nsoldiers\tsoldier\tMIL\tsuffix\tmilitary\t2\n"
    "riot police\triot police\tCOP\tsuffix\tpolice\t3\n",
    "discards.tsv": HEAD
    + "phrase\tscope\tstem\tsrc_line\n"
    "tournament\tsentence\t1\t1\naustralian open\tstory\t0\t2\ngroup c\tsentence\t0\t3\n",
}


def write_tiny(tmp_path: Path, **override: str) -> Path:
    for name, text in {**TINY, **override}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_tiny_tables_parse_and_look_up(tmp_path: Path) -> None:
    d = load_coding_dictionaries(write_tiny(tmp_path))
    v = d.verb("Accused")
    assert v is not None and (v.verb, v.cameo, v.plover, v.block) == ("accuse", "112", "ACCUSE",
                                                                       "blame")
    assert d.verb("ask") is None  # only the multi-word "ask for"
    assert [e.phrase for e in d.verbs("asked")] == ["ask for"]
    visit = d.verb("visit")
    assert visit is not None and (visit.cameo_reverse, visit.plover_reverse) == ("043", "CONSULT")
    assert [p.after for p in d.patterns("accuse")] == [("of", "torture"), ()]
    assert d.patterns("accuse")[1].cameo is None  # [---]: the pattern is no event
    assert d.synset("&weapon") == ("gun", "guns") == d.synset("WEAPON")
    assert d.plover("1122") == "ACCUSE" and d.plover("1125") == "ACCUSE"  # parent 112
    assert d.plover("020") is None and d.plover("---") is None
    m = d.plover_mapping("1122")
    assert m is not None and (m.mode, m.context) == ("allege", "human_rights")


def test_agents_singular_plural_and_longest(tmp_path: Path) -> None:
    d = load_coding_dictionaries(write_tiny(tmp_path))
    assert d.agent("Police") is not None and d.agent("police").code == "COP"
    soldiers = d.agent("soldiers")
    assert soldiers is not None and (soldiers.code, soldiers.singular) == ("MIL", "soldier")
    assert d.agent("teacher") is None
    hit = d.match_agent(["Riot", "police", "fired"], 0)
    assert hit is not None and hit[0].noun == "riot police" and hit[1] == 2


def test_actor_date_ranges_and_longest_match(tmp_path: Path) -> None:
    d = load_coding_dictionaries(write_tiny(tmp_path))
    toks = ["President", "Obama", "said"]
    hit = d.match_actor(toks, 0, dt.date(2010, 1, 1))
    assert hit is not None and (hit[0].code, hit[1]) == ("USAGOV", 2)
    # in 2005 "president obama" holds no code: the shorter "president" does
    hit = d.match_actor(toks, 0, dt.date(2005, 1, 1))
    assert hit is not None and (hit[0].name, hit[1]) == ("US PRESIDENT", 1)
    hit = d.match_actor(toks, 1, dt.date(1990, 6, 1))
    assert hit is not None and hit[0].code == "USAELI"
    assert d.match_actor(toks, 1, dt.date(2005, 1, 1)) is None
    assert d.match_actor(["obama"], 0, dt.date(2009, 1, 20))[0].code == "USAGOV"  # inclusive
    assert d.match_actor(["obama"], 0, None)[0].code == "USAGOV"  # the open-ended one
    hit = d.match_actor(words("the united states senate voted"), 1)
    assert hit is not None and (hit[0].code, hit[1]) == ("USALEG", 4)
    hit = d.match_actor(words("the united states said"), 1)
    assert hit is not None and (hit[0].code, hit[1]) == ("USA", 3)
    assert d.match_actor(toks, 5) is None


def test_discards(tmp_path: Path) -> None:
    d = load_coding_dictionaries(write_tiny(tmp_path))
    hit = d.is_discard(words("He won the Australian Open"))
    assert hit is not None and hit.scope == "story"
    assert d.is_discard(words("two tournaments")) is not None  # stem
    assert d.is_discard(words("in group c")) is not None
    assert d.is_discard(words("in group cx")) is None  # exact last word
    assert d.is_discard(words("troops crossed the border")) is None


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    bad = TINY["phoenix_actors.tsv"] + "obama\tBARACK OBAMA\tUSAGOV\t2009-13-40\t\tcountries\t11\n"
    write_tiny(tmp_path, **{"phoenix_actors.tsv": bad})
    with pytest.raises(CodingDataError, match=r"phoenix_actors\.tsv:9: bad date"):
        load_coding_dictionaries(tmp_path)
    short = TINY["discards.tsv"] + "judo\tsentence\n"
    write_tiny(tmp_path, **{"discards.tsv": short})
    with pytest.raises(CodingDataError, match=r"discards\.tsv:6: expected 4 tab-separated"):
        load_coding_dictionaries(tmp_path)


def test_wrong_columns_and_missing_file(tmp_path: Path) -> None:
    write_tiny(tmp_path, **{"cameo_plover.tsv": "code\tcategory\n"})
    with pytest.raises(CodingDataError, match=r"cameo_plover\.tsv:1: expected columns"):
        load_coding_dictionaries(tmp_path)
    write_tiny(tmp_path)
    (tmp_path / "cameo_verbs.tsv").unlink()
    with pytest.raises(CodingDataError, match=r"cameo_verbs\.tsv: coding dictionary missing"):
        load_coding_dictionaries(tmp_path)


def test_committed_dictionaries_load_with_examples() -> None:
    d = load_coding_dictionaries()
    assert d is load_coding_dictionaries()  # cached
    expect = {"accuse": "ACCUSE", "meet": "CONSULT", "arrest": "COERCE", "attack": "ASSAULT",
              "protest": "PROTEST"}
    for lemma, plover in expect.items():
        v = d.verb(lemma)
        assert v is not None and v.cameo is not None and d.plover(v.cameo) == plover, lemma
        assert v.plover == plover
    assert d.agent("police").code == "COP" and d.agent("soldiers").code == "MIL"
    hit = d.match_actor(words("President Barack Obama said"), 0, dt.date(2012, 3, 1))
    assert hit is not None and hit[0].code == "USAGOV" and hit[1] == 3


@needs_shared
def test_plover_against_official_table() -> None:
    d = load_coding_dictionaries()
    text = (SHARED / "plover" / "CAMEO2PLOVER-2021.txt").read_text(encoding="utf-8")
    checked = 0
    for line in text.splitlines():
        m = re.match(r"(\d{3,4}):\s*([A-Z]+)\s*,", line)
        if m:
            assert d.plover(m.group(1)) == m.group(2), line
            checked += 1
    assert checked > 250
    for code, plover in {"112": "ACCUSE", "036": "AGREE", "163": "COERCE", "1712": "ASSAULT",
                         "0874": "RETREAT", "173": "COERCE", "190": "ASSAULT"}.items():
        assert d.plover(code) == plover


@needs_shared
def test_committed_files_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "derive_coding_dictionaries.py"), "--check",
         "--shared", str(SHARED)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
