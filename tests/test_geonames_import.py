"""Full-GeoNames mode: a dump in GeoNames' own format, written here, imported and used."""

from __future__ import annotations

import io
import json
import sqlite3
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import spacy

import geo.cli as cli
import geo.places.geonames_import as geonames_import
import geo.places.loading as loading
import geo.streams as streams
from geo.model import Place
from geo.places import (
    GAZETTEER_ENV,
    Gazetteer,
    GeoNamesImportError,
    GeoNamesIndex,
    GeoNamesIndexError,
    active_index_id,
    import_geonames,
    index_path,
    load_gazetteer,
    resolve_toponyms,
)
from geo.places.geonames_index import MAX_CANDIDATES

WARSAW = Place(
    "Warsaw", "city", "PL", 52.23, 21.01, "geonames", geonameid=756135, population=1_700_000
)
LUBUSKIE = Place(
    "Lubusz", "admin1", "PL", 52.0, 15.0, "geonames", geonameid=3337498, admin1="76",
    raw=(("point", "iso3166-2"), ("feature", "ADM1")),
)  # fmt: skip


def _row(gid, name, lat, lon, fclass, fcode, cc, a1="", a2="", pop=0, alternates="", ascii=None):
    return [
        str(gid), name, ascii if ascii is not None else name, alternates, str(lat), str(lon),
        fclass, fcode, cc, "", a1, a2, "", "", str(pop), "", "100", "Europe/Warsaw", "2024-01-01",
    ]  # fmt: skip


ROWS = [
    _row(756135, "Warsaw", 52.22977, 21.01178, "P", "PPLC", "PL", "78", pop=1_702_139),
    _row(3337498, "Lubusz", 52.2, 15.3, "A", "ADM1", "PL", "76", alternates="Lubuskie"),
    _row(
        7700001,
        "Wólka Zzyzowska",
        51.1,
        22.2,
        "P",
        "PPL",
        "PL",
        "75",
        "0601",
        pop=140,
        alternates="Wolka Zzyzowska,Zzyzow Little,WZZ,Wolka Zzyzowska Dolna",
        ascii="Wolka Zzyzowska",
    ),  # fmt: skip
    _row(7700002, "Zzyzowka", 51.2, 22.3, "H", "STM", "PL", "75"),
    _row(7700003, "Hotel Zzyzowka", 51.2, 22.31, "S", "HTL", "PL", "75"),
    _row(7700004, "Warsaw", 41.3, -79.9, "H", "STM", "US", "PA"),  # a creek
]
ALTERNATES = [
    ["1", "7700001", "en", "Little Zzyzow", "1", "", "", "", "", ""],
    ["2", "7700001", "iata", "ZZQ", "", "", "", "", "", ""],
    ["3", "7700001", "pl", "Stara Zzyzowska", "", "", "", "1", "", ""],  # historic
    ["4", "7700001", "link", "https://en.wikipedia.org/wiki/Zzyzow", "", "", "", "", "", ""],
    ["5", "99999999", "en", "Nowhere Zzyzow", "", "", "", "", "", ""],  # not in the dump
    ["6", "756135", "fr", "Varsovie", "", "", "", "", "", ""],
]
ADMIN1 = [["PL.76", "Lubusz", "Lubusz", "3337498"], ["PL.75", "Lublin", "Lublin", "858785"]]


def _tsv(rows) -> str:
    return "".join("\t".join(row) + "\n" for row in rows)


@pytest.fixture
def dump(tmp_path) -> dict[str, Path]:
    """allCountries.zip, alternateNamesV2.zip (with GeoNames' iso-languagecodes.txt beside the
    data, as theirs has) and admin1CodesASCII.txt, in GeoNames' formats."""
    main = tmp_path / "allCountries.zip"
    with zipfile.ZipFile(main, "w") as archive:
        archive.writestr("allCountries.txt", _tsv(ROWS))
    alternates = tmp_path / "alternateNamesV2.zip"
    with zipfile.ZipFile(alternates, "w") as archive:
        archive.writestr("iso-languagecodes.txt", "ISO 639-3\tISO 639-2\nen\ten\n")
        archive.writestr("alternateNamesV2.txt", _tsv(ALTERNATES))
    codes = tmp_path / "admin1CodesASCII.txt"
    codes.write_text(_tsv(ADMIN1), "utf-8")
    return {"main": main, "alternates": alternates, "codes": codes}


@pytest.fixture
def index(dump, tmp_path) -> GeoNamesIndex:
    target = index_path(tmp_path / "cache")
    import_geonames(dump["main"], target, dump["alternates"], dump["codes"], progress=False)
    return GeoNamesIndex(target)


def _names(path: Path) -> set[tuple[str, int]]:
    with sqlite3.connect(path) as db:
        return set(db.execute("SELECT key, geonameid FROM names"))


def test_the_rows_land_with_their_kinds_names_and_codes(index):
    assert len(index) == len(ROWS)
    village = index.by_geonameid(7700001)
    assert (village.name, village.kind, village.country_code, village.admin1) == (
        "Wólka Zzyzowska", "village", "PL", "75",
    )  # fmt: skip
    assert dict(village.raw)["admin2"] == "PL.75.0601"
    assert (village.lat, village.lon, village.population) == (51.1, 22.2, 140)
    assert index.by_geonameid(7700002).kind == "other"  # a stream: no major river's bonus
    assert index.by_geonameid(7700003).kind == "other"
    assert index.by_geonameid(756135).kind == "city"
    assert index.admin1("pl", "76").geonameid == 3337498
    names = {key for key, gid in _names(index.path) if gid == 7700001}
    # alternateNamesV2 given: its English name, not its code, link or historic name
    assert names == {"wolka zzyzowska", "little zzyzow"}
    assert not any(gid == 99999999 for _, gid in _names(index.path))


def test_without_alternate_names_the_dump_s_own_column_gives_them(dump, tmp_path):
    target = tmp_path / "plain.sqlite"
    summary = import_geonames(dump["main"], target, progress=False)
    assert summary.places == len(ROWS) and summary.admin1 == 0 and summary.size > 0
    names = {key for key, gid in _names(target) if gid == 7700001}
    assert names == {"wolka zzyzowska", "zzyzow little", "wolka zzyzowska dolna"}  # not WZZ


def test_a_plain_txt_is_read_like_the_zip(tmp_path):
    text = tmp_path / "PL.txt"
    text.write_text(_tsv(ROWS), "utf-8")
    summary = import_geonames(text, tmp_path / "pl.sqlite", progress=False)
    assert summary.places == len(ROWS)


def test_candidates_come_from_the_index_after_the_gazetteer_s_own(index):
    gazetteer = Gazetteer.from_places([WARSAW])
    assert gazetteer.candidates("Little Zzyzow") == ()
    gazetteer.set_index(index)
    assert [p.geonameid for p in gazetteer.candidates("Little Zzyzow")] == [7700001]
    assert [p.geonameid for p in gazetteer.candidates("WARSAW")] == [756135, 7700004]
    assert gazetteer.candidates("Warsaw")[0] is gazetteer.candidates("Warsaw")[0]
    assert gazetteer.candidates("Varsovie") == (WARSAW,)  # a name only the dump gives it
    assert gazetteer.candidates("Varsovie")[0].population == 1_700_000  # the gazetteer's record
    assert gazetteer.is_known_name("Wolka Zzyzowska")
    assert not gazetteer.is_known_name("Hotel Zzyzowka")  # a hotel is no place name to spot
    assert gazetteer.candidates("Hotel Zzyzowka")[0].geonameid == 7700003  # but resolves
    assert gazetteer.by_geonameid(7700002).name == "Zzyzowka"
    gazetteer.set_index(None)
    assert gazetteer.by_geonameid(7700002) is None


def test_the_dump_gives_gazetteer_places_geonames_own_point(index):
    gazetteer = Gazetteer.from_places([LUBUSKIE])
    gazetteer.set_index(index)
    region = gazetteer.admin1("PL", "76")
    assert (region.lat, region.lon, dict(region.raw)["point"]) == (52.2, 15.3, "geonames")


def _nlp(*names: str):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": name} for name in names])
    return nlp


def test_geoparsing_a_sentence_uses_a_place_only_the_dump_has(index):
    gazetteer = Gazetteer.from_places([WARSAW])
    gazetteer.set_index(index)
    text = "Floods cut off Wolka Zzyzowska, 200 km south-east of Warsaw, on Monday."
    line = json.dumps({"id": "a", "text": text}) + "\n"
    out = io.StringIO()
    nlp = _nlp("Wolka Zzyzowska", "Warsaw")
    assert streams.geoparse_stream(io.StringIO(line), out, gazetteer, nlp) == 0
    toponyms = json.loads(out.getvalue())["toponyms"]
    assert [(t["name"], t["geonameid"]) for t in toponyms] == [
        ("Wolka Zzyzowska", 7700001),
        ("Warsaw", 756135),
    ]


def test_a_creek_of_the_dump_does_not_outrank_the_city_of_its_name(index):
    gazetteer = Gazetteer.from_places([WARSAW])
    gazetteer.set_index(index)
    assert resolve_toponyms([_toponym("Warsaw")], "Warsaw", gazetteer)[0].place == WARSAW


def test_load_gazetteer_uses_the_index_when_there_is_one(dump, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    tiny = Gazetteer.from_places([WARSAW])
    tiny.set_fallback(lambda: None)
    monkeypatch.setattr(loading, "_load_cached", lambda directory, key: tiny)
    monkeypatch.delenv(GAZETTEER_ENV, raising=False)
    assert load_gazetteer(cache_dir).index is None  # no import: the default, unchanged
    assert active_index_id(cache_dir) == ""
    assert load_gazetteer(cache_dir).candidates("Warsaw") == (WARSAW,)

    import_geonames(dump["main"], index_path(cache_dir), progress=False)
    gazetteer = load_gazetteer(cache_dir)
    assert gazetteer.index is not None and gazetteer.index.path == index_path(cache_dir)
    first = active_index_id(cache_dir)
    assert first and first == gazetteer.index.import_id
    toponyms = [_toponym("Zzyzow Little")]
    assert resolve_toponyms(toponyms, "Zzyzow Little", gazetteer)[0].place.geonameid == 7700001

    monkeypatch.setenv(GAZETTEER_ENV, "default")
    assert load_gazetteer(cache_dir).index is None
    monkeypatch.setenv(GAZETTEER_ENV, "geonames")
    assert load_gazetteer(cache_dir).index is not None
    monkeypatch.delenv(GAZETTEER_ENV)
    import_geonames(dump["main"], index_path(cache_dir), progress=False)  # a new import
    assert active_index_id(cache_dir) not in ("", first)
    assert load_gazetteer(cache_dir).index.import_id == active_index_id(cache_dir)
    index_path(cache_dir).unlink()
    assert load_gazetteer(cache_dir).index is None
    monkeypatch.setenv(GAZETTEER_ENV, "geonames")
    with pytest.raises(GeoNamesIndexError, match="gazetteer import"):
        load_gazetteer(cache_dir)


def _toponym(text: str):
    from geo.model import Toponym

    return Toponym(0, len(text), text)


def test_the_import_streams_memory_does_not_grow_with_the_rows(tmp_path, monkeypatch):
    """Twenty times the rows, about the same peak: rows go to SQLite batch by batch."""
    monkeypatch.setattr(geonames_import, "BATCH", 200)

    def peak(rows: int) -> int:
        path = tmp_path / f"{rows}.txt"
        with path.open("w", encoding="utf-8") as handle:
            for i in range(rows):
                name = f"Zzyzplace {i}"
                handle.write("\t".join(_row(10_000_000 + i, name, 50, 20, "P", "PPL", "PL")) + "\n")
        tracemalloc.start()
        import_geonames(path, tmp_path / f"{rows}.sqlite", progress=False)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    small, large = peak(1_000), peak(20_000)
    assert large < 2 * small + 500_000, (small, large)


def test_a_name_of_many_places_gives_at_most_max_candidates(tmp_path):
    path = tmp_path / "many.txt"
    rows = [_row(20_000_000 + i, "Zzyzton", 50, 20, "P", "PPL", "PL", pop=i) for i in range(150)]
    path.write_text(_tsv(rows), "utf-8")
    import_geonames(path, tmp_path / "many.sqlite", progress=False)
    found = GeoNamesIndex(tmp_path / "many.sqlite").candidates("zzyzton")
    assert len(found) == MAX_CANDIDATES
    assert [p.population for p in found[:2]] == [149, 148]  # most populous first


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_tsv(ROWS[:2]) + "756135\tWarsaw\t52.2\n", r"allCountries\.txt\), line 3: 3 tab-sep"),
        (_tsv(ROWS[:1]) + _tsv([_row("x7", "Bad", 1, 2, "P", "PPL", "PL")]), "line 2: a number"),
        (_tsv([_row(1, "Pole", 95, 2, "P", "PPL", "PL")]), "line 1: latitude 95"),
        ("", "empty, no a GeoNames allCountries row"),
        (_tsv(ALTERNATES), r"line 1: 10 tab-separated columns .* \(is this the right file\?\)"),
    ],
)
def test_bad_input_is_an_error_naming_file_and_line(tmp_path, content, message):
    main = tmp_path / "allCountries.zip"
    with zipfile.ZipFile(main, "w") as archive:
        archive.writestr("allCountries.txt", content)
    target = tmp_path / "cache" / "geonames.sqlite"
    with pytest.raises(GeoNamesImportError, match=message) as caught:
        import_geonames(main, target, progress=False)
    assert str(main) in str(caught.value)
    assert not target.exists() and not list(target.parent.iterdir())  # no partial left


def test_bad_input_through_the_cli_is_one_line_on_stderr(dump, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    assert cli.main(["gazetteer", "import", str(dump["main"]), "--quiet"]) == 0
    before = index_path(tmp_path / "cache").read_bytes()
    capsys.readouterr()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(_tsv(ROWS).encode() + b"1\tCaf\xe9\n")
    cases = [
        ([str(tmp_path / "missing.zip")], "missing.zip: no such file"),
        ([str(bad)], f"bad.txt, line {len(ROWS) + 1}: not UTF-8"),
        ([str(dump["main"]), "--admin-codes", str(dump["alternates"])], "line 1: 10 tab"),
        ([str(dump["codes"])], "admin1CodesASCII.txt, line 1: 4 tab-separated columns"),
    ]
    empty_zip = tmp_path / "empty.zip"
    zipfile.ZipFile(empty_zip, "w").close()
    cases.append(([str(empty_zip)], "expected one GeoNames .txt file in the zip"))
    for args, message in cases:
        assert cli.main(["gazetteer", "import", *args, "--quiet"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("geo gazetteer: error: ") and message in err, err
        assert "Traceback" not in err
    assert index_path(tmp_path / "cache").read_bytes() == before  # the last good import kept


def test_status_and_remove(dump, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(GAZETTEER_ENV, raising=False)
    assert cli.main(["gazetteer", "status"]) == 0
    assert "the default (registry packages)" in capsys.readouterr().out
    assert cli.main(["gazetteer", "import", str(dump["main"]), "--quiet"]) == 0
    assert "imported 6 places" in capsys.readouterr().out
    assert cli.main(["gazetteer", "status"]) == 0
    assert "allCountries.zip imported" in capsys.readouterr().out
    monkeypatch.setenv(GAZETTEER_ENV, "default")
    assert cli.main(["gazetteer", "status"]) == 0
    assert "=default ignores it" in capsys.readouterr().out
    assert cli.main(["gazetteer", "remove"]) == 0
    assert not index_path(tmp_path / "cache").exists()


def test_a_damaged_index_is_an_error_saying_what_to_run(tmp_path):
    path = tmp_path / "geonames.sqlite"
    path.write_bytes(b"not a database, a truncated download" * 100)
    with pytest.raises(GeoNamesIndexError, match="gazetteer remove"):
        GeoNamesIndex(path)


def test_the_index_survives_a_pickle_and_a_fork(index):
    import multiprocessing
    import pickle

    copy = pickle.loads(pickle.dumps(index))
    assert copy.candidates("little zzyzow")[0].geonameid == 7700001
    global _FORKED
    index.candidates("warsaw")  # the parent's connection, opened before the fork
    _FORKED = index
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            assert pool.apply(_by_name_in_child) == 7700001
    finally:
        _FORKED = None


_FORKED: GeoNamesIndex | None = None
"""What a forked worker inherits, as geo.pipeline's workers inherit the gazetteer."""


def _by_name_in_child() -> int:
    assert _FORKED is not None
    return _FORKED.candidates("little zzyzow")[0].geonameid


def test_a_build_analyses_again_after_an_import_and_reuses_after(tmp_path, monkeypatch, index):
    from test_store import CountingAnalyser, FakeNlp

    import geo.pipeline as pipeline

    analyser = CountingAnalyser()
    monkeypatch.setattr(pipeline, "analyse_articles", analyser)
    monkeypatch.setattr(pipeline, "code_fingerprint", lambda: "code-v1")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Floods cut off Wolka Zzyzowska.\n", "utf-8")
    gazetteer = Gazetteer.from_places([WARSAW])

    def build():
        return pipeline.build_store([corpus], tmp_path / "data", nlp=FakeNlp(), gazetteer=gazetteer)

    assert build().reused == 0
    assert build().reused == 1
    gazetteer.set_index(index)
    assert build().reused == 0  # its analysis was made without the dump's places
    assert build().reused == 1
