"""A handful of bench/hostile.py's inputs, in-process and in a few seconds, so CI guards
them: the corpus reader (FIFOs, link loops, links out of the corpus, names that are not
UTF-8, binary data, NUL bytes, UTF-16 without BOM, nested JSON), the dashboard's upload
(path traversal in names), geoparse's one output line per input line, and the page's
rendered HTML and CSV (no markup that runs, no formula cells). The bench runs all of them
through the real commands: `python bench/hostile.py --quick`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import sys
import threading
from pathlib import Path

import pytest
import spacy
from test_dashboard_fixtures import _event, sample_events, sample_frame, write_frame_store

from geo.app import page
from geo.app.uploads import save_upload
from geo.ingest import load_corpus
from geo.model import Place
from geo.places import Gazetteer
from geo.store import events_to_geodataframe
from geo.streams import geoparse_stream

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import hostile  # noqa: E402

CASES = {case.name: case for case in hostile.build_cases() if not case.big}


def _within(function, *args, seconds: float = 20, folder: Path | None = None):
    """function(*args), failing rather than hanging: a FIFO under `folder` that it blocked
    on is then given a writer that closes at once, so the thread ends."""
    done: list = []

    def run() -> None:
        try:
            done.append(function(*args))
        except BaseException as error:  # noqa: BLE001 (re-raised in the test's thread)
            done.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        for fifo in (folder or Path("/nonexistent")).rglob("*"):
            if fifo.is_fifo():
                with contextlib.suppress(OSError):
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(5)
        pytest.fail(f"{function.__name__} blocked for {seconds} s")
    if isinstance(done[0], BaseException):
        raise done[0]
    return done[0]


READER_CASES = [
    "fifo_txt",
    "fifo_jsonl",
    "symlink_loop_self",
    "symlink_loop_pair",
    "symlink_out_of_corpus",
    "symlink_relative_up",
    "symlink_dev_zero",
    "name_not_utf8",
    "name_dir_not_utf8",
    "binary_random_txt",
    "nul_sprinkled_txt",
    "utf16le_nobom_txt",
    "nested_arrays_jsonl",
    "nested_objects_jsonl",
    "lone_surrogate_escape_jsonl",
    "sidecar_file_dotdot",
    "html_deeply_nested",
]


@pytest.mark.parametrize("name", READER_CASES)
def test_the_corpus_reader_skips_hostile_files_and_keeps_the_good_ones(name, tmp_path):
    case = CASES[name]
    # The bench's layout: links such as ../../../outside/secret.txt reach the same file.
    case_dir = tmp_path / "cases" / "01"
    corpus = hostile.write_case(case, case_dir, hostile.write_outside(tmp_path))
    loaded = _within(load_corpus, [corpus], folder=corpus)
    assert hostile.expected_ids(case) <= {a.id for a in loaded.articles}
    assert not any("SECRET-" in a.text for a in loaded.articles)
    for article in loaded.articles:  # the store's files are UTF-8
        article.path.encode("utf-8")
    for item in loaded.skipped:  # printable: the build's summary and manifest are UTF-8
        item.path.encode("utf-8")
        item.reason.encode("utf-8")


UPLOAD_CASES = [name for name in CASES if name.startswith("upload_name_")]


@pytest.mark.parametrize("name", UPLOAD_CASES)
def test_an_upload_name_never_writes_outside_the_uploads_folder(name, tmp_path):
    case = CASES[name]
    uploads = tmp_path / "case" / "data" / "uploads"
    upload_name = case.upload_name.replace("{case}", str(tmp_path / "case"))
    result = save_upload(upload_name, case.files[case.hostile], uploads)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == ([result.saved] if result.ok else [])
    assert not result.ok or result.saved.parent == uploads


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.from_places(
        [Place("Kyiv", "city", "UA", 50.45, 30.52, "geonames", geonameid=703448)]
    )


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "GPE", "pattern": "Kyiv"}])
    return nlp


@pytest.mark.parametrize(
    "name",
    [
        "binary_random_jsonl",
        "invalid_utf8_jsonl_row",
        "nested_arrays_jsonl",
        "line_over_1mib_jsonl",
        "huge_numbers_jsonl",
        "utf16le_nobom_jsonl",
    ],
)
def test_geoparse_answers_every_input_line(name, gazetteer, nlp, tmp_path, capsys):
    case = CASES[name]
    path = tmp_path / "input"
    path.write_bytes(case.files[case.hostile])
    # As `python -m geo geoparse` reads stdin (geo.cli._use_utf8_streams).
    stdin = io.TextIOWrapper(
        io.BytesIO(path.read_bytes()), encoding="utf-8-sig", errors="surrogateescape", newline="\n"
    )
    out = io.StringIO()
    geoparse_stream(stdin, out, gazetteer, nlp)
    ids = [json.loads(line)["id"] for line in out.getvalue().splitlines()]
    assert len(ids) == hostile.stdin_lines(path)[0]
    for k in case.good_rows:
        assert ids[k - 1] == f"good-{k}"


def _render_problems(frame, data_dir) -> int:
    write_frame_store(frame, data_dir)
    con = page.open_event_store(str(data_dir))
    return hostile.render_problems(con, page.filter_view(con, ()))


def test_the_page_renders_hostile_text_as_text(tmp_path):
    assert _render_problems(sample_frame(hostile=True), tmp_path / "data") == 0


def test_the_page_renders_formulas_and_templates_as_text(tmp_path):
    base = sample_events()[0]
    texts = [*hostile.FORMULAS, hostile.xss("quick")]
    events = [
        dataclasses.replace(
            _event(90 + k, "ASSAULT", 16, (), ((key, "located"),), text, text, text, None),
            title=text,
        )
        for k, (text, key) in enumerate(zip(texts, ["kuznica", "minsk"] * 4, strict=False))
    ]
    frame = events_to_geodataframe([base, *events])
    assert _render_problems(frame, tmp_path / "data") == 0
