"""geo.app.uploads: bad uploads are refused with a message and change nothing on disk."""

from __future__ import annotations

import json

from geo.app.uploads import MAX_UPLOAD_BYTES, note_left_off, safe_file_name, save_upload
from geo.ingest import iter_corpus
from geo.model import SkippedFile

ARTICLE = (
    "Migrants camped near the Kuźnica crossing on the Polish border with Belarus on Monday, "
    "Polish officials said, as the standoff entered its second week.\n"
)


def snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


def test_good_text_file_is_added(tmp_path):
    uploads = tmp_path / "uploads"
    result = save_upload("report.txt", ARTICLE.encode(), uploads)
    assert result.ok and result.articles == 1
    assert result.saved.parent == uploads
    assert result.saved.read_text("utf-8") == ARTICLE


def test_jsonl_file_counts_its_articles(tmp_path):
    rows = [{"text": ARTICLE, "title": "One"}, {"text": ARTICLE + " More.", "title": "Two"}]
    data = "\n".join(json.dumps(r) for r in rows).encode()
    result = save_upload("batch.jsonl", data, tmp_path / "uploads")
    assert result.ok and result.articles == 2


def test_same_file_twice_is_a_duplicate(tmp_path):
    uploads = tmp_path / "uploads"
    save_upload("a.txt", ARTICLE.encode(), uploads)
    again = save_upload("b.txt", ARTICLE.encode(), uploads)
    assert again.duplicate
    assert len(list(uploads.iterdir())) == 1


def test_bad_files_are_refused_and_nothing_is_lost(tmp_path):
    uploads = tmp_path / "uploads"
    save_upload("keep.txt", ARTICLE.encode(), uploads)
    before = snapshot(uploads)
    bad = [
        ("empty.txt", b"   \n", "empty"),
        ("big.txt", b"x" * 2048, "limit"),
        ("binary.txt", bytes(range(256)) * 8, "not added"),
        ("image.png", b"\x89PNG....", "unsupported"),
    ]
    for name, data, reason in bad:
        result = save_upload(name, data, uploads, max_bytes=1024 if name == "big.txt" else 10**6)
        assert not result.ok, name
        assert reason in result.message.lower(), result.message
    assert snapshot(uploads) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".upload-")]


def test_safe_file_name_strips_paths_and_odd_characters():
    assert safe_file_name("../../etc/passwd.TXT") == "passwd.txt"
    assert safe_file_name("C:\\x\\my report (1).html") == "my_report_1.html"
    assert safe_file_name("...") == "upload"


def test_refusals_name_the_uploaded_file_not_the_scratch_copy(tmp_path):
    uploads = tmp_path / "uploads"
    binary = save_upload("photo.txt", bytes(range(256)) * 8, uploads)
    rows = json.dumps({"text": ARTICLE}) + "\n{not json\n"
    jsonl = save_upload("batch.jsonl", rows.encode(), uploads)
    for result in (binary, jsonl):
        assert not result.ok
        assert str(tmp_path) not in result.message and ".upload-" not in result.message
    assert binary.message.startswith("photo.txt: not added: holds binary data"), binary.message
    assert jsonl.message.startswith("batch.jsonl: not added: line 2: not JSON"), jsonl.message
    assert jsonl.message.endswith(". Write one JSON object per line"), jsonl.message  # the fix


def test_size_limit_message_uses_the_units_of_the_limit_it_names(tmp_path):
    """The sidebar says "at most 20 MB"; one byte over must not read "21.0 MB is over 21 MB"."""
    at_limit = save_upload("batch.jsonl", b" " * MAX_UPLOAD_BYTES, tmp_path / "uploads")
    assert "limit" not in at_limit.message  # refused as empty, not as too big
    over = save_upload("batch.jsonl", b" " * (MAX_UPLOAD_BYTES + 1), tmp_path / "uploads")
    assert not over.ok
    assert f"over the {MAX_UPLOAD_BYTES // 2**20} MB upload limit" in over.message, over.message
    assert over.message.startswith("batch.jsonl: 20.1 MB is over"), over.message


def test_an_upload_the_build_skips_is_told_as_left_off_the_map(tmp_path):
    corpus, uploads = tmp_path / "seeds", tmp_path / "data" / "uploads"
    corpus.mkdir()
    (corpus / "seed.txt").write_text(ARTICLE, "utf-8")
    copy = save_upload("my copy.txt", ARTICLE.encode(), uploads)  # the seed under another name
    other = ARTICLE.replace("Monday", "Tuesday")
    rows = [{"text": other}, {"text": ARTICLE}]  # its second row repeats the seed
    batch = save_upload("batch.jsonl", "\n".join(json.dumps(r) for r in rows).encode(), uploads)
    fresh = save_upload("fresh.txt", ARTICLE.replace("Monday", "Friday").encode(), uploads)
    assert copy.ok and batch.ok and fresh.ok and "added" in copy.message
    skipped = [s for s in iter_corpus([corpus, uploads]) if isinstance(s, SkippedFile)]
    told = note_left_off([copy, batch, fresh], skipped)
    assert told[0].left_off and "left it off the map" in told[0].message
    assert "duplicate" in told[0].message and told[0].message.startswith("my copy.txt: ")
    assert told[1].left_off and "left 1 of its rows off the map" in told[1].message
    assert told[2] == fresh  # nothing to say about a file the build used
