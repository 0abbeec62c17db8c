"""The README's path, walked as a new user would: the store keeps the corpus it was built from.

CLI build of seeds/ plus another folder, then the dashboard, then an upload, then `geo build`
with no paths: the article count never drops. The NLP stages are stood in for (test_store's
CountingAnalyser), so the walk takes seconds; everything else is the real code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from test_dashboard import FakeFolium
from test_store import FakeNlp, analyser  # noqa: F401  (fixture)

import geo.nlp
import geo.places
from geo import cli
from geo.app import page
from geo.app.uploads import save_upload
from geo.store import recorded_corpus, store_corpus, store_info

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Border guards in Kuznica said {n} migrants tried to cross from Belarus on Monday.\n"


def _write_articles(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        (folder / name).write_text(TEXT.format(n=100 + i) + f"Report {name}.\n", "utf-8")


def _articles(data_dir: Path) -> int:
    return json.loads((data_dir / "manifest.json").read_text())["counts"]["articles"]


@pytest.fixture
def project(tmp_path, monkeypatch, analyser):  # noqa: F811
    """A project folder with seeds/ (2 articles) and my-articles/ (3), no real models."""
    _write_articles(tmp_path / "seeds", ["000.txt", "001.txt"])
    _write_articles(tmp_path / "my-articles", ["a.txt", "b.txt", "c.txt"])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(geo.places, "load_gazetteer", lambda *a, **k: None)
    monkeypatch.setattr(geo.nlp, "load_nlp", lambda *a, **k: FakeNlp())
    monkeypatch.setattr(page, "load_pipeline_resources", lambda: (None, FakeNlp()))
    fake = FakeFolium()
    import streamlit.components.v1 as components

    monkeypatch.setattr(components, "declare_component", lambda name, path: fake)
    st.cache_resource.clear()
    monkeypatch.setenv("NEWSMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSMAP_SEEDS_DIR", str(tmp_path / "seeds"))
    monkeypatch.setenv("NEWSMAP_STATIC_DIR", str(tmp_path / "static"))
    return tmp_path


def _dashboard() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label: str) -> int:
    return int(next(m.value for m in at.metric if m.label == label).replace(",", ""))


def test_the_readme_path_never_loses_articles(project):
    data = project / "data"
    assert cli.main(["build", "seeds/", "my-articles/", "--quiet"]) == 0
    assert _articles(data) == 5
    assert recorded_corpus(data) == (Path("seeds/"), Path("my-articles/"))

    at = _dashboard()  # opening the page does not narrow the store to its default corpus
    assert _articles(data) == 5
    assert _metric(at, "Articles") == 5

    result = save_upload("new.txt", TEXT.format(n=7).encode(), data / "uploads")
    assert result.ok
    at.session_state["corpus_changed"] = True  # what the uploader sets before its rerun
    at.run()
    assert not at.exception
    assert _articles(data) == 6  # the upload adds to the recorded corpus
    assert _metric(at, "Articles") == 6
    assert {Path(p).name for p in store_info(data).corpus} == {"seeds", "my-articles", "uploads"}

    assert cli.main(["build", "--quiet"]) == 0  # no paths: the recorded corpus, uploads too
    assert _articles(data) == 6


def test_a_changed_file_rebuilds_the_same_corpus(project, analyser):  # noqa: F811
    data = project / "data"
    assert cli.main(["build", "seeds/", "my-articles/", "--quiet"]) == 0
    (project / "my-articles" / "a.txt").write_text(TEXT.format(n=999), "utf-8")
    analyser.analysed.clear()
    _dashboard()
    assert analyser.analysed == ["a.txt"]  # only the changed article, in the same corpus
    assert _articles(data) == 5


def test_a_vanished_corpus_folder_is_not_dropped(project, capsys):
    data = project / "data"
    assert cli.main(["build", "seeds/", "my-articles/", "--quiet"]) == 0
    (project / "my-articles").rename(project / "moved")
    at = _dashboard()
    assert _articles(data) == 5  # not rebuilt without it
    assert any("which is gone" in w.value for w in at.warning)
    capsys.readouterr()
    assert cli.main(["build", "--quiet"]) == 2
    assert "which is gone" in capsys.readouterr().err
    assert _articles(data) == 5


def _stored_articles(data: Path) -> int:
    from geo.store import load_articles

    return len(load_articles(data))


def test_a_damaged_manifest_does_not_narrow_the_store_to_the_seeds(project, capsys):
    """The manifest no longer says which corpus the store holds: neither the page nor a
    build with no paths may guess the default one (dropping the others' articles)."""
    data = project / "data"
    assert cli.main(["build", "seeds/", "my-articles/", "--quiet"]) == 0
    (data / "manifest.json").write_text('{"format": 1, "pa', "utf-8")
    at = _dashboard()
    assert any("manifest" in w.value and "PATH" in w.value for w in at.warning)
    assert _metric(at, "Articles") == 5  # the store as it is
    capsys.readouterr()
    assert cli.main(["build", "--quiet"]) == 2
    assert "manifest.json" in capsys.readouterr().err
    assert _stored_articles(data) == 5
    assert cli.main(["build", "seeds/", "my-articles/", "--quiet"]) == 0  # paths named: repaired
    assert _articles(data) == 5


def test_a_new_store_starts_from_the_seeds(project):
    data = project / "data"
    assert store_corpus(data, default=[Path("seeds")]) == (Path("seeds"),)
    assert cli.main(["build", "--quiet"]) == 0
    assert _articles(data) == 2


def test_info_says_what_the_store_holds(project, capsys):
    assert cli.main(["build", "seeds/", "my-articles/", "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert {"articles", "events", "places", "corpus"} <= set(info)
    assert info["articles"] == 5 and info["events"] == 10 and info["places"] == 2
    assert [Path(p).name for p in info["corpus"]] == ["seeds", "my-articles"]
    assert cli.main(["info"]) == 0
    text = capsys.readouterr().out
    assert "articles:   5" in text and "my-articles" in text
    assert cli.main(["info", "--data-dir", str(project / "nowhere")]) == 2
    assert "holds no event store" in capsys.readouterr().err


def test_build_skips_a_row_nested_too_deeply_and_builds_the_rest(project, capsys):
    feed = project / "feed"
    feed.mkdir()
    rows = [
        json.dumps({"id": "1", "text": TEXT.format(n=1)}),
        '{"id": "2", "text": ' + "[" * 100_000 + "]" * 100_000 + "}",
        json.dumps({"id": "3", "text": TEXT.format(n=3)}),
    ]
    (feed / "rows.jsonl").write_text("\n".join(rows) + "\n", "utf-8")
    assert cli.main(["build", "feed"]) == 1
    out = capsys.readouterr().out
    assert "articles: 2" in out and "rows.jsonl:line 2: nested too deeply" in out
    assert _articles(project / "data") == 2
