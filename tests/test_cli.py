import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import spacy

import geo.cli as cli
import geo.places
import geo.streams as streams
from geo.model import Place, SkippedFile
from geo.pipeline import BuildSummary
from geo.places import Gazetteer
from geo.store import TABLES, load_event_places, load_events, store_is_stale
from geo.store.state import MANIFEST_FILE

ROOT = Path(__file__).resolve().parents[1]
WARSAW = Place(
    "Warsaw", "city", "PL", 52.23, 21.01, "geonames", geonameid=756135, population=1_700_000
)
WARSAW_IN = Place(
    "Warsaw", "city", "US", 41.24, -85.85, "geonames", geonameid=4928096, population=14_000
)
MINSK = Place(
    "Minsk", "city", "BY", 53.9, 27.57, "geonames", geonameid=625144, population=2_000_000
)
OUTPUT_KEYS = {
    "start", "end", "name", "lat", "lon", "geonameid", "country_code", "kind", "precision"
}  # fmt: skip


@pytest.fixture
def gazetteer():
    return Gazetteer.from_places([WARSAW, WARSAW_IN, MINSK])


@pytest.fixture
def nlp():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": name} for name in ("Warsaw", "Minsk")])
    return nlp


def _geoparse(lines, gazetteer, nlp, gold_spans=False):
    out = io.StringIO()
    failures = streams.geoparse_stream(io.StringIO("".join(lines)), out, gazetteer, nlp, gold_spans)
    return failures, [json.loads(line) for line in out.getvalue().splitlines()]


def test_geoparse_writes_one_line_per_input_line(gazetteer, nlp, capsys):
    lines = [
        json.dumps({"id": "a", "text": "Police arrested a man in Warsaw and Minsk."}) + "\n",
        "{not json\n",
        json.dumps({"id": "c", "title": "no text"}) + "\n",
        json.dumps({"id": "d", "text": "Nothing here."}) + "\n",
    ]
    failures, out = _geoparse(lines, gazetteer, nlp)
    assert failures == 2
    assert [o["id"] for o in out] == ["a", None, "c", "d"]
    first = out[0]["toponyms"]
    assert [(t["start"], t["end"], t["name"]) for t in first] == [
        (25, 31, "Warsaw"),
        (36, 41, "Minsk"),
    ]
    assert all(set(t) == OUTPUT_KEYS for t in first)
    assert first[0]["geonameid"] == 756135 and first[0]["country_code"] == "PL"
    assert out[1]["toponyms"] == [] and out[2]["toponyms"] == [] and out[3]["toponyms"] == []
    errors = capsys.readouterr().err
    assert "line 2" in errors and "line 3" in errors and "line 4" not in errors


def test_geoparse_gold_spans_resolves_only_given_spans(gazetteer, capsys):
    text = "Police in Warsaw said Minsk denied it."
    lines = [
        json.dumps(
            {"id": "g", "text": text, "toponyms": [{"start": 10, "end": 16, "name": "Warsaw"}]}
        )
        + "\n",
        json.dumps({"id": "bad", "text": text, "toponyms": [{"start": 30, "end": 99}]}) + "\n",
    ]
    failures, out = _geoparse(lines, gazetteer, nlp=None, gold_spans=True)
    assert failures == 1
    assert [(t["name"], t["geonameid"]) for t in out[0]["toponyms"]] == [("Warsaw", 756135)]
    assert out[1] == {"id": "bad", "toponyms": []}
    assert "bad gold span" in capsys.readouterr().err


def test_geocode_prints_ranked_candidates(gazetteer, monkeypatch, capsys):
    monkeypatch.setattr(geo.places, "load_gazetteer", lambda: gazetteer)
    assert cli.main(["geocode", "Warsaw"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == list(cli.PLACE_COLUMNS)
    assert [line.split()[0] for line in lines[1:]] == ["geonames:756135", "geonames:4928096"]
    assert lines[1].split()[2:4] == ["city", "PL"]


def test_geocode_json_and_unknown_name(gazetteer, monkeypatch, capsys):
    monkeypatch.setattr(geo.places, "load_gazetteer", lambda: gazetteer)
    assert cli.main(["geocode", "Minsk", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["id"], record["lat"], record["lon"]) == ("geonames:625144", 53.9, 27.57)
    assert cli.main(["geocode", "Atlantis"]) == 1
    assert "no place named" in capsys.readouterr().err


def test_geocode_online_uses_the_online_geocoder(monkeypatch, capsys):
    from geopy.location import Location

    import geo.places

    class FakeOnline:
        def geocode(self, query, exactly_one=True):
            assert (query, exactly_one) == ("Kuznica", False)
            return [Location("Kuźnica, Podlaskie, Polska", (53.51, 23.65), {"osm_id": 1})]

    monkeypatch.setattr(geo.places, "OnlineGeocoder", FakeOnline)
    assert cli.main(["geocode", "Kuznica", "--online"]) == 0
    row = capsys.readouterr().out.splitlines()[1].split()
    assert row[1] == "Kuźnica" and row[-3:] == ["53.5100", "23.6500", "online"]


def test_geocode_online_without_configuration_is_fatal(monkeypatch, capsys):
    monkeypatch.delenv("GEO_USER_AGENT", raising=False)
    assert cli.main(["geocode", "Kuznica", "--online"]) == 2
    assert "export GEO_USER_AGENT=" in capsys.readouterr().err


def test_build_exit_status_and_summary(monkeypatch, tmp_path, capsys):
    summaries = [
        BuildSummary(articles=2, events=5, places=3, skipped=(), reused=1),
        BuildSummary(2, 5, 3, (SkippedFile("x/bad.txt", "the file is empty"),), 0),
    ]
    monkeypatch.setattr("geo.pipeline.build_store", lambda *a, **k: summaries.pop(0))
    (tmp_path / "a.txt").write_text("Police in Warsaw.", encoding="utf-8")
    assert cli.main(["build", str(tmp_path), "--quiet"]) == 0
    assert "articles: 2 (1 unchanged, reused)" in capsys.readouterr().out
    assert cli.main(["build", str(tmp_path), "--quiet"]) == 1
    assert "x/bad.txt: the file is empty" in capsys.readouterr().out


def test_build_reports_a_named_folder_without_articles(monkeypatch, tmp_path, capsys):
    """`build seeds/ my-articles/` with nothing, or only .json files, in my-articles/ exited 0
    without a word about it."""
    good, empty, other = tmp_path / "good", tmp_path / "empty", tmp_path / "other"
    for folder in (good, empty, other):
        folder.mkdir()
    (good / "a.txt").write_text("Police in Warsaw.", encoding="utf-8")
    (other / "feed.json").write_text("[]", encoding="utf-8")
    (other / "articles.csv").write_text("file,title\n", encoding="utf-8")
    monkeypatch.setattr("geo.pipeline.build_store", lambda *a, **k: BuildSummary(1, 1, 1, (), 0))
    assert cli.main(["build", str(good), str(empty), str(other), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "skipped files: 2" in out
    assert f"{empty}: holds no .csv, .htm, .html, .jsonl or .txt file" in out
    assert f"{other}: holds no .csv, .htm, .html, .jsonl or .txt file" in out
    assert "feed.json" in out and f"{good}:" not in out


def test_build_by_default_passes_over_an_empty_uploads_folder(monkeypatch, tmp_path, capsys):
    """The dashboard leaves data/uploads/ behind after a refused upload: not a user's mistake."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("Police in Warsaw.", encoding="utf-8")
    (tmp_path / "data" / "uploads").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("geo.pipeline.build_store", lambda *a, **k: BuildSummary(1, 1, 1, (), 0))
    assert cli.main(["build", "--quiet"]) == 0
    assert "skipped files: 0" in capsys.readouterr().out


def test_build_by_default_reads_the_uploads_of_its_own_data_dir(monkeypatch, tmp_path):
    """The dashboard saves uploads in <data dir>/uploads: a build into another store must not
    take ./data/uploads (another store's uploads) and leave its own out."""
    for folder in ("seeds", "data/uploads", "other/uploads"):
        (tmp_path / folder).mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    built = []

    def fake_build(paths, data_dir, **options):
        built.append(([str(p) for p in paths], str(data_dir)))
        return BuildSummary(1, 1, 1, (), 0)

    monkeypatch.setattr("geo.pipeline.build_store", fake_build)
    assert cli.main(["build", "--quiet", "--data-dir", "other"]) == 0
    assert cli.main(["build", "--quiet"]) == 0
    assert built == [
        (["seeds", str(Path("other") / "uploads")], "other"),
        (["seeds", str(Path("data") / "uploads")], "data"),
    ]


def test_usage_errors_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])
    assert exit_info.value.code == 2
    assert cli.main(["build", str(tmp_path / "missing"), "--quiet"]) == 2
    assert "no such corpus path" in capsys.readouterr().err


def _run(*args, stdin=None, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "geo", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=900,
    )


@pytest.mark.slow
def test_build_seeds_with_a_bad_file(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02 binary \x00")
    data_dir = tmp_path / "data"
    result = _run("build", str(corpus), "--data-dir", str(data_dir), "--quiet")
    assert result.returncode == 1, result.stderr
    assert "broken.txt" in result.stdout and "skipped files: 1" in result.stdout
    assert all((data_dir / name).exists() for name in (*TABLES, MANIFEST_FILE))
    events = load_events(data_dir)
    places = load_event_places(data_dir)
    assert events["article_id"].nunique() == 5
    assert len(places) > 0 and set(places["role"]) == {"located", "mentioned"}
    assert set(places["event_id"]) <= set(events["event_id"])
    assert not store_is_stale(data_dir, [corpus])
    again = _run("build", str(corpus), "--data-dir", str(data_dir), "--quiet")
    assert "(5 unchanged, reused)" in again.stdout


@pytest.mark.slow
def test_geoparse_with_real_model():
    lines = [
        json.dumps(
            {"id": "1", "text": "Police in Bialystok detained migrants near the Belarus border."}
        ),
        "oops",
        json.dumps({"id": "3", "text": "Nothing to see."}),
    ]
    result = _run("geoparse", stdin="\n".join(lines) + "\n")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["1", None, "3"]
    names = {t["name"]: t for t in out[0]["toponyms"]}
    assert {"Bialystok", "Belarus"} <= set(names)
    assert names["Belarus"]["country_code"] == "BY" and names["Belarus"]["kind"] == "country"
    assert (names["Bialystok"]["precision"], names["Belarus"]["precision"]) == (1, 3)
    assert "line 2" in result.stderr


@pytest.mark.slow
def test_geocode_with_real_gazetteer():
    result = _run("geocode", "Kuznica")
    assert result.returncode == 0
    assert "geonames:766927" in result.stdout


def test_build_without_articles_says_so_and_exits_1(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "report.pdf").write_bytes(b"%PDF-1.4")
    assert cli.main(["build", str(corpus), "--quiet", "--data-dir", str(tmp_path / "data")]) == 1
    out = capsys.readouterr().out
    assert "no articles" in out and ".txt" in out


def test_ctrl_c_during_a_build_exits_130_without_a_traceback(monkeypatch, tmp_path, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("geo.pipeline.build_store", interrupted)
    assert cli.main(["build", str(tmp_path), "--quiet"]) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "store" in err and "Traceback" not in err


def test_sigterm_during_a_build_unwinds_like_ctrl_c(monkeypatch, tmp_path, capsys):
    """Cleanup (`finally`, e.g. the store's staging directory) must run on SIGTERM too."""
    cleaned = []

    def terminated(*args, **kwargs):
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        finally:
            cleaned.append(True)

    def not_handled_by_main(signum, frame):
        raise AssertionError("main() did not handle SIGTERM")

    monkeypatch.setattr("geo.pipeline.build_store", terminated)
    before = signal.signal(signal.SIGTERM, not_handled_by_main)
    try:
        assert cli.main(["build", str(tmp_path), "--quiet"]) == 143
        assert signal.getsignal(signal.SIGTERM) == not_handled_by_main
    finally:
        signal.signal(signal.SIGTERM, before)
    assert cleaned == [True]
    assert "interrupted" in capsys.readouterr().err


def test_geoparse_reports_text_that_is_not_unicode_per_line(gazetteer, nlp, capsys):
    """A lone surrogate (a JSON escape, or stdin bytes that are not UTF-8) failed the whole run."""
    lines = [
        json.dumps({"id": "a", "text": "Riots in \ud800 Warsaw."}) + "\n",
        '{"id": "b", "text": "caf\udce9 in Warsaw"}\n',
        json.dumps({"id": "\udfff", "text": "Minsk"}) + "\n",
        json.dumps({"id": "d", "text": "Police in Minsk."}) + "\n",
    ]
    failures, out = _geoparse(lines, gazetteer, nlp)
    assert failures == 3
    assert [o["id"] for o in out] == ["a", "b", None, "d"]
    assert [t["name"] for t in out[3]["toponyms"]] == ["Minsk"]
    errors = capsys.readouterr().err
    assert all(f"line {n}: " in errors and "Unicode" in errors for n in (1, 2, 3))


def test_geoparse_reads_and_writes_utf8_whatever_the_locale(gazetteer, nlp, monkeypatch):
    raw = (
        '\ufeff{"id": "Kuźnica-1", "text": "Police in Warsaw."}\n'.encode()
        + b'{"id": 2, "text": "caf\xe9 in Minsk"}\n'
        + b'{"id": 3, "text": "Police in Minsk."}\n'
    )
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="ascii"))
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(geo.places, "load_gazetteer", lambda: gazetteer)
    monkeypatch.setattr("geo.nlp.load_nlp", lambda lookup=None: nlp)
    assert cli.main(["geoparse"]) == 1
    stdout.flush()
    out = [json.loads(line) for line in stdout.buffer.getvalue().decode("utf-8").splitlines()]
    assert [o["id"] for o in out] == ["Kuźnica-1", 2, 3]
    assert [t["name"] for t in out[0]["toponyms"]] == ["Warsaw"]
    assert out[1]["toponyms"] == [] and [t["name"] for t in out[2]["toponyms"]] == ["Minsk"]


def test_geoparse_gold_spans_refuses_malformed_toponyms_per_line(gazetteer, capsys):
    text = "Police in Warsaw."
    records = [
        {"id": 1, "text": text, "toponyms": ["Warsaw"]},
        {"id": 2, "text": text, "toponyms": {"start": 10, "end": 16}},
        {"id": 3, "text": text, "toponyms": [{"start": True, "end": 3}]},
        {"id": 4, "text": text, "toponyms": [{"start": 10, "end": 16}]},
    ]
    lines = [json.dumps(record) + "\n" for record in records]
    failures, out = _geoparse(lines, gazetteer, nlp=None, gold_spans=True)
    assert failures == 3
    assert [o["id"] for o in out] == [1, 2, 3, 4]
    assert out[2]["toponyms"] == [] and [t["name"] for t in out[3]["toponyms"]] == ["Warsaw"]
    errors = capsys.readouterr().err
    assert all(f"line {n}: " in errors for n in (1, 2, 3)) and "line 4" not in errors


def test_geocode_limit_must_be_positive(gazetteer, monkeypatch, capsys):
    """--limit 0 said 'no place named' and --limit -3 dropped the three last candidates."""
    monkeypatch.setattr(geo.places, "load_gazetteer", lambda: gazetteer)
    for limit in ("0", "-3"):
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["geocode", "Warsaw", "--limit", limit])
        assert exit_info.value.code == 2
    assert "at least 1" in capsys.readouterr().err


def test_a_reader_that_goes_away_ends_the_command_quietly(gazetteer, monkeypatch, capsys):
    """`python -m geo geocode Warsaw | head -1` printed 'error: [Errno 32] Broken pipe'."""

    class ClosedPipe(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(geo.places, "load_gazetteer", lambda: gazetteer)
    assert cli.main(["geocode", "Warsaw"]) == 141
    assert capsys.readouterr().err == ""


def test_geoparse_skips_a_line_that_cannot_be_decoded_and_parses_the_rest(
    gazetteer, nlp, capsys, monkeypatch
):
    """A 100,000-deep nested row raised RecursionError and the run wrote nothing at all."""
    import geo.jsonlines

    monkeypatch.setattr(streams, "bounded_lines", lambda s: geo.jsonlines.bounded_lines(s, 300_000))
    deep = '{"id": "2", "text": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    lines = [
        json.dumps({"id": "1", "text": "Riots in Warsaw."}) + "\n",
        deep,
        '{"id": "3", "text": "' + "x" * 400_000 + '"}\n',  # over the line limit
        json.dumps({"id": "4", "text": "Police in Minsk."}) + "\n",
    ]
    failures, out = _geoparse(lines, gazetteer, nlp)
    assert failures == 2
    assert [o["id"] for o in out] == ["1", None, None, "4"]
    assert [t["name"] for t in out[3]["toponyms"]] == ["Minsk"]
    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        "geoparse: line 2: nested too deeply to decode",
        "geoparse: line 3: the line is over the 300,000-character limit",
    ]


def test_geoparse_survives_a_line_too_large_to_decode(gazetteer, nlp, capsys, monkeypatch):
    import geo.jsonlines

    real = json.loads

    def loads(text, *args, **kwargs):
        if "huge" in text:
            raise MemoryError
        return real(text, *args, **kwargs)

    fake_json = SimpleNamespace(loads=loads, JSONDecodeError=json.JSONDecodeError)
    monkeypatch.setattr(geo.jsonlines, "json", fake_json)
    lines = ['{"id": "huge", "text": "x"}\n', json.dumps({"id": "b", "text": "In Minsk."}) + "\n"]
    failures, out = _geoparse(lines, gazetteer, nlp)
    assert failures == 1 and [o["id"] for o in out] == [None, "b"]
    assert "line 1: too large to decode in memory" in capsys.readouterr().err
