"""Stage 1: corpus files -> Articles; bad input, formats, sidecar, and the seed gold."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import random
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from geo.ingest import (
    ArticleError,
    articles,
    decoding,
    load_article_file,
    load_corpus,
    lone_surrogate,
)
from geo.ingest.articles import article_id
from geo.ingest.decoding import MAX_DOCUMENT_BYTES, MAX_LINE_CHARS
from geo.ingest.errors import (
    BinaryFileError,
    EmptyFileError,
    FileTooLargeError,
    LineTooLongError,
    MissingTextColumnError,
    NoMainTextError,
    NotJsonLinesError,
    SidecarError,
    UndecodableFileError,
    UnreadablePathError,
)
from geo.ingest.rows import MAX_ROW_BYTES
from geo.ingest.sidecar import load_sidecar
from geo.model import Article, Span

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
GOLD = json.loads((ROOT / "tests" / "data" / "seeds_gold.json").read_text(encoding="utf-8"))
GOLD_ARTICLES = {entry["file"]: entry for entry in GOLD["articles"]}

BODY = (
    "Poland said on Monday it stopped hundreds of migrants from crossing the border.\n\n"
    "Belarus denied the claim.\n"
)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def seed_copy(tmp_path):
    """The seed texts without the sidecar: what the text alone says."""
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(EmptyFileError, match="empty.txt"):
        load_article_file(path)


def test_binary_file(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(BinaryFileError, match="binary"):
        load_article_file(path)


def test_undecodable_bytes(tmp_path):
    noise = random.Random(0).randbytes(4000).replace(b"\x00", b"\x01")
    path = tmp_path / "noise.txt"
    path.write_bytes(noise)
    with pytest.raises(UndecodableFileError, match="UTF-8"):
        load_article_file(path)


def _noise(seed: int, size: int, low: int = 1, high: int = 256) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(low, high) for _ in range(size))


@pytest.mark.parametrize(
    "noise",
    [
        *(_noise(seed, size) for seed in range(12) for size in (16, 32, 64)),  # some fit UTF-16
        _noise(1, 50, low=0x80),  # fitted EBCDIC (cp037)
        _noise(2, 3000, high=0x80),  # 7-bit: valid UTF-8, one character in five a control
    ],
)
@pytest.mark.parametrize("suffix", [".txt", ".html", ".jsonl", ".csv"])
def test_random_bytes_without_nul_are_refused_not_read_as_a_garbled_article(
    tmp_path, noise, suffix
):
    """Only ASCII-compatible encodings are guessed, and text with many control characters is
    binary. (A few dozen random bytes can still fit a single-byte code page as 'text'.)"""
    path = tmp_path / f"noise{suffix}"
    path.write_bytes(noise)
    corpus = load_corpus([path])
    assert corpus.articles == ()
    (skipped,) = corpus.skipped
    assert skipped.path == str(path)
    assert "binary data" in skipped.reason or "no encoding fits" in skipped.reason


def test_text_lost_to_replacement_characters_is_refused(tmp_path):
    lost = "".join("\ufffd" if ord(c) > 0x60 else c for c in BODY)
    path = _write(tmp_path / "lost.txt", lost)
    with pytest.raises(UndecodableFileError, match="U\\+FFFD replacement characters"):
        load_article_file(path)


POLISH = (
    "Straż Graniczna poinformowała w środę, że w pobliżu "
    "Kuźnicy zatrzymano grupę migrantów. Według rzecznika żołnierze "
    "i policjanci pilnują granicy z Białorusią przez całą dobę.\n"
)
RUSSIAN = (
    "В среду пограничная служба Польши сообщила о задержании группы мигрантов у деревни Кузница.\n"
)
ARABIC = (
    "أعلنت حرس الحدود البولندية يوم الأربعاء أنها أوقفت مجموعة من المهاجرين قرب قرية كوزنيتسا.\n"
)
ENGLISH = (
    "WARSAW — Poland’s border guard said on Wednesday the “very tense” "
    "situation cost €2 million a day, a spokesman for the café owners said.\n"
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        *((text, "utf-8") for text in (POLISH, RUSSIAN, ARABIC, ENGLISH)),
        (POLISH, "cp1250"),
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8_r"),
        (ARABIC, "cp1256"),
        (ENGLISH, "cp1252"),
        (ENGLISH + "\f" + ENGLISH + "\x1a", "cp1252"),  # a page break, a DOS end-of-file mark
        (ENGLISH.replace("’", "\x92"), "utf-8"),  # cp1252 read as latin-1: C1 controls
    ],
    ids=lambda value: value if value.isascii() and len(value) < 8 else value[:6],
)
@pytest.mark.parametrize("suffix", [".txt", ".csv"])
def test_non_english_and_legacy_encoded_text_is_not_taken_for_binary(
    tmp_path, text, encoding, suffix
):
    text = text * 2
    content = f'text\n"{text}"\n' if suffix == ".csv" else text
    [article] = load_article_file(_write(tmp_path / f"article{suffix}", content, encoding))
    assert article.text == text


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_western_encodings_are_detected(tmp_path, encoding):
    text = (
        "Caf\u00e9 owners in Gda\u0144sk said the r\u00e9sum\u00e9 of the na\u00efve plan failed.\n"
    )
    text = text.replace("\u0144", "n") * 3
    if encoding == "cp1252":
        text += "\u201cWe are ready,\u201d the minister said \u2013 again.\n"
    path = _write(tmp_path / "western.txt", text, encoding)
    [article] = load_article_file(path)
    assert article.text == text


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "dump.txt"
    with open(path, "wb") as handle:
        handle.write(BODY.encode())
        handle.truncate(50 * 1024 * 1024)  # sparse: instant, no 50 MB written
    assert path.stat().st_size > MAX_DOCUMENT_BYTES
    with pytest.raises(FileTooLargeError, match=r"rows of one \.jsonl corpus"):
        load_article_file(path)


def test_line_over_the_limit_in_txt(tmp_path):
    path = _write(tmp_path / "oneline.txt", BODY + "x" * (MAX_LINE_CHARS + 1) + "\n")
    with pytest.raises(LineTooLongError, match="line 4"):
        load_article_file(path)


def test_html_of_scripts_only(tmp_path):
    html = "<html><head><script>var a = 1;</script><style>p {}</style></head><body>"
    html += "<script>" + "x = 1;" * 1000 + "</script><noscript>Enable JS</noscript></body></html>"
    path = _write(tmp_path / "page.html", html)
    with pytest.raises(NoMainTextError, match="no main text"):
        load_article_file(path)


def test_html_nested_too_deeply_is_refused_quickly(tmp_path):
    """The HTML parser's time grows with the square of the nesting of <div>s (each start
    tag looks for an open <p> among the elements above it): a 1 MB page of 200,000 of them
    held a build for minutes. It is refused after a linear scan; ordinary nesting reads."""
    import subprocess
    import sys

    story = "<p>Polish guards said migrants gathered near Kuznica on Tuesday.</p>"
    deep = _write(tmp_path / "deep.html", "<div>" * 200_000 + story + "</div>" * 200_000)
    fine = _write(tmp_path / "fine.html", "<div><section>" * 300 + story + "<span>x" * 5000)
    script = (
        "import sys; from geo.ingest import load_article_file\n"
        "try:\n    load_article_file(sys.argv[1])\n"
        "except Exception as error:\n    print(type(error).__name__, error)\n"
    )
    try:
        run = subprocess.run(
            [sys.executable, "-c", script, str(deep)],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("reading the deeply nested page took over 30 s")
    assert run.stdout.startswith("NestedTooDeeplyError") and "200,000" in run.stdout
    assert "Kuznica" in load_article_file(fine)[0].text


def test_csv_without_text_column(tmp_path):
    path = _write(tmp_path / "corpus.csv", "id,headline\n1,Poland closes border\n")
    with pytest.raises(MissingTextColumnError, match="text, content, body, article"):
        load_article_file(path)


def test_directory_path(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(UnreadablePathError, match="directory"):
        load_article_file(tmp_path / "folder.txt")


def test_missing_path_and_broken_symlink(tmp_path):
    with pytest.raises(UnreadablePathError, match="does not exist"):
        load_article_file(tmp_path / "missing.txt")
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "gone.txt")
    with pytest.raises(UnreadablePathError, match="broken symbolic link"):
        load_article_file(link)


def test_permission_denied(tmp_path, monkeypatch):
    path = _write(tmp_path / "secret.txt", BODY)

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(decoding, "open", denied, raising=False)
    with pytest.raises(UnreadablePathError, match="permission denied"):
        load_article_file(path)


def test_errors_are_article_errors_naming_file_and_fix(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ArticleError) as caught:
        load_article_file(path)
    assert str(path) in str(caught.value)
    assert "Remove it" in str(caught.value)


def test_corpus_skips_bad_files_and_keeps_good_ones(tmp_path):
    _write(tmp_path / "a_good.txt", BODY)
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "d_dir.txt").mkdir()
    (tmp_path / "e_link.txt").symlink_to(tmp_path / "nowhere.txt")
    _write(tmp_path / "notes.md", "# not an article")
    corpus = load_corpus([tmp_path, tmp_path / "missing.txt", tmp_path / "notes.md"])
    assert [Path(a.path).name for a in corpus.articles] == ["a_good.txt"]
    reasons = {Path(s.path).name: s.reason for s in corpus.skipped}
    assert set(reasons) == {"b_empty.txt", "c_binary.txt", "e_link.txt", "missing.txt", "notes.md"}
    assert "unsupported extension" in reasons["notes.md"]
    assert "does not exist" in reasons["missing.txt"]


def _load_corpus_within(paths, seconds: float = 20):
    """load_corpus, failing (not hanging) if it blocks: a FIFO it opened is then given a
    writer that closes at once, so the reading thread ends."""
    import threading

    done: list = []
    worker = threading.Thread(target=lambda: done.append(load_corpus(paths)), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        for root in paths:
            for fifo in Path(root).rglob("*"):
                if fifo.is_fifo():
                    with contextlib.suppress(OSError):  # ENXIO: no one is reading it
                        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(5)
        pytest.fail(f"load_corpus blocked for {seconds} s")
    return done[0]


def test_a_fifo_in_the_corpus_is_skipped_without_being_opened(tmp_path):
    _write(tmp_path / "a_good.txt", BODY)
    os.mkfifo(tmp_path / "b_pipe.txt")
    os.mkfifo(tmp_path / "c_pipe.jsonl")
    corpus = _load_corpus_within([tmp_path, tmp_path / "c_pipe.jsonl"])
    assert [Path(a.path).name for a in corpus.articles] == ["a_good.txt"]
    reasons = {Path(s.path).name: s.reason for s in corpus.skipped}
    assert set(reasons) == {"b_pipe.txt", "c_pipe.jsonl"}
    assert "named pipe" in reasons["b_pipe.txt"] and str(tmp_path) in reasons["b_pipe.txt"]


def test_a_symbolic_link_loop_in_the_corpus_is_skipped(tmp_path):
    _write(tmp_path / "a_good.txt", BODY)
    (tmp_path / "b_loop.txt").symlink_to("b_loop.txt")
    (tmp_path / "c_one.jsonl").symlink_to("d_two.jsonl")
    (tmp_path / "d_two.jsonl").symlink_to("c_one.jsonl")
    corpus = load_corpus([tmp_path])
    assert [Path(a.path).name for a in corpus.articles] == ["a_good.txt"]
    reasons = {Path(s.path).name: s.reason for s in corpus.skipped}
    assert set(reasons) == {"b_loop.txt", "c_one.jsonl", "d_two.jsonl"}
    assert all("symbolic link" in reason for reason in reasons.values())


def test_a_link_out_of_the_corpus_folder_is_not_followed(tmp_path):
    """A corpus from an archive may hold links: `story.txt -> ~/.ssh/id_rsa` must not put
    that file's text in the store. Links within the corpus, and paths named, are read."""
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    (corpus / "sub").mkdir(parents=True)
    outside.mkdir()
    _write(outside / "secret.txt", "Secret notes on Minsk.\n")
    _write(corpus / "a_good.txt", BODY)
    (corpus / "b_leak.txt").symlink_to(outside / "secret.txt")
    (corpus / "sub" / "c_up.txt").symlink_to("../../outside/secret.txt")
    _write(corpus / "sub" / "d_real.txt", "Guards in Grodno said so.\n")
    (corpus / "e_inside.txt").symlink_to("sub/d_real.txt")
    walked = load_corpus([corpus])
    # The link inside the corpus is read (the top folder is walked first), and its target
    # is then the same file reached twice.
    assert [Path(a.path).name for a in walked.articles] == ["a_good.txt", "e_inside.txt"]
    reasons = {Path(s.path).name: s.reason for s in walked.skipped}
    assert set(reasons) == {"b_leak.txt", "c_up.txt"}
    assert all("outside the corpus" in reason for reason in reasons.values())
    named = load_corpus([corpus / "b_leak.txt"])
    assert [a.text for a in named.articles] == ["Secret notes on Minsk.\n"]


def test_corpus_recurses_sorted_and_ignores_other_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    _write(tmp_path / "sub" / "b.txt", "Second story about Minsk.\n")
    _write(tmp_path / "a.txt", "First story about Warsaw.\n")
    _write(tmp_path / ".hidden" / "c.txt", "Hidden.\n")
    _write(tmp_path / "readme.md", "ignored")
    _write(tmp_path / "articles.csv", "file,source\na.txt,Reuters\n")
    corpus = load_corpus([tmp_path])
    assert [Path(a.path).relative_to(tmp_path).as_posix() for a in corpus.articles] == [
        "a.txt",
        "sub/b.txt",
    ]
    assert corpus.skipped == ()


def test_unlistable_directory_is_reported(tmp_path, monkeypatch):
    _write(tmp_path / "a.txt", BODY)
    real_walk = os.walk

    def walk(top, onerror=None, **kwargs):
        onerror(PermissionError(13, "Permission denied", str(tmp_path / "locked")))
        yield from real_walk(top, onerror=onerror, **kwargs)

    monkeypatch.setattr(articles.os, "walk", walk)
    corpus = load_corpus([tmp_path])
    assert len(corpus.articles) == 1
    [skipped] = corpus.skipped
    assert skipped.path.endswith("locked") and "Permission denied" in skipped.reason


def test_load_corpus_wants_a_list(tmp_path):
    with pytest.raises(TypeError, match="list"):
        load_corpus(str(tmp_path))


def test_duplicate_texts_are_skipped(tmp_path):
    _write(tmp_path / "a.txt", BODY)
    _write(tmp_path / "b.txt", BODY)
    corpus = load_corpus([tmp_path])
    assert len(corpus.articles) == 1
    assert "duplicate" in corpus.skipped[0].reason


# --------------------------------------------------------------------------- text fidelity


def test_bom_and_crlf_match_text_mode_reading(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbf" + BODY.replace("\n", "\r\n").encode())
    [article] = load_article_file(path)
    assert article.text == path.read_text(encoding="utf-8").removeprefix("\ufeff")
    assert article.text == BODY


def test_seed_texts_are_kept_exactly(seed_copy):
    for path in sorted(seed_copy.glob("*.txt")):
        [article] = load_article_file(path)
        assert article.text == path.read_text(encoding="utf-8")
        assert article.id == article_id(article.text)
        assert len(article.id) == 16


def test_article_id_depends_on_text_only():
    assert article_id("a") == article_id("a") != article_id("b")


# --------------------------------------------------------------------------- formats


def test_jsonl_rows_with_metadata_and_bad_rows_skipped_individually(tmp_path):
    lines = [
        json.dumps(
            {
                "id": "r1",
                "text": "Warsaw (AFP) - Poland closed the crossing.",
                "title": "Poland closes crossing",
                "source": "AFP",
                "url": "https://www.afp.com/en/x",
                "published": "2021-11-09T10:00:00Z",
                "lang": "en",
            }
        ),
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"headline": "no text"}),
        "",
        json.dumps({"content": "Lithuania declared an emergency.", "date": "not a date"}),
        json.dumps({"text": "x" * (MAX_ROW_BYTES + 10)}),
        json.dumps({"body": "Latvia followed."}),
    ]
    path = _write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    corpus = load_corpus([tmp_path])
    first, second, third = corpus.articles
    assert first.path == f"{path}:line 1"
    assert first.title.value == "Poland closes crossing"
    assert (first.source.value, first.source.provenance) == ("AFP", "explicit")
    assert first.published.value == dt.date(2021, 11, 9)
    assert first.url.value == "https://www.afp.com/en/x"
    assert ("id", "r1") in first.extra and ("lang", "en") in first.extra
    assert second.text == "Lithuania declared an emergency."
    assert second.published.value is None and "not a date" in second.published.evidence
    assert third.path == f"{path}:line 8"
    skipped = {s.path: s.reason for s in corpus.skipped}
    assert set(skipped) == {f"{path}:line {n}" for n in (2, 3, 4, 7)}
    assert "not JSON" in skipped[f"{path}:line 2"]
    assert "byte limit" in skipped[f"{path}:line 7"]
    with pytest.raises(ArticleError, match="line 2"):
        load_article_file(path)


def test_a_jsonl_corpus_where_no_row_has_a_text_field_is_one_error_for_the_file(tmp_path):
    """The text is under another name: one error saying so, not 'no text field' per row."""
    rows = [{"headline": f"Story {n}", "summary": "Police in Minsk said."} for n in range(50)]
    lines = [json.dumps(row) for row in rows[:20]] + ["{broken"] + [json.dumps({})]
    path = _write(tmp_path / "feed.jsonl", "\n".join(lines + [json.dumps(r) for r in rows[20:]]))
    corpus = load_corpus([path])
    assert corpus.articles == ()
    assert [s.path for s in corpus.skipped] == [f"{path}:line 21", str(path)]
    reason = corpus.skipped[1].reason
    assert "no row has a text field (the first such row's fields: 'headline', 'summary')" in reason
    assert "one of: text, content, body, article" in reason
    with pytest.raises(ArticleError, match="line 21"):
        load_article_file(path)
    _write(path, "\n".join(json.dumps(row) for row in rows))
    with pytest.raises(MissingTextColumnError, match="no row has a text field"):
        load_article_file(path)


def test_rows_without_text_before_the_first_text_row_are_each_reported_in_order(tmp_path):
    lines = [json.dumps({"headline": "a"}), "{broken", json.dumps({}), json.dumps({"text": BODY})]
    path = _write(tmp_path / "feed.jsonl", "\n".join([*lines, json.dumps({"title": "b"})]))
    corpus = load_corpus([path])
    assert [a.path for a in corpus.articles] == [f"{path}:line 4"]
    assert [s.path for s in corpus.skipped] == [f"{path}:line {n}" for n in (1, 2, 3, 5)]
    reasons = [s.reason for s in corpus.skipped]
    assert all("no text field" in reasons[n] for n in (0, 2, 3)) and "not JSON" in reasons[1]
    with pytest.raises(ArticleError, match="line 1: no text field"):
        load_article_file(path)


def test_jsonl_corpus_larger_than_the_single_file_limit_streams(tmp_path):
    path = tmp_path / "big.jsonl"
    raw_html = "<p>" + "x" * 200_000 + "</p>"  # bulky field, not processed or kept
    rows = 30
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(rows):
            row = {"id": n, "text": f"Story {n} about the border.", "html": raw_html, "lang": "en"}
            handle.write(json.dumps(row) + "\n")
    assert path.stat().st_size > MAX_DOCUMENT_BYTES
    corpus = load_corpus([path])
    assert len(corpus.articles) == rows and corpus.skipped == ()
    assert dict(corpus.articles[0].extra) == {"id": "0", "lang": "en"}


def test_html_picks_the_largest_article_element(tmp_path):
    story = "<p>" + "Poland closed the crossing at Kuznica on Tuesday. " * 5 + "</p>"
    html = f"<body><article><p>Teaser one.</p></article><article>{story}</article></body>"
    [article] = load_article_file(_write(tmp_path / "teasers.html", html))
    assert article.text.startswith("Poland closed the crossing") and "Teaser" not in article.text


def test_csv_rows_with_quoted_newlines_and_bad_rows(tmp_path):
    path = tmp_path / "corpus.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "Title", "Content", "Publisher", "Date"])
        writer.writerow(["a", "First", "Line one.\nLine two.", "Reuters", "9 November 2021"])
        writer.writerow(["b", "Empty", "", "", ""])
        writer.writerow(["c", "Long", "y" * (MAX_ROW_BYTES + 5), "", ""])
        writer.writerow(["d", "Last", "Belarus replied.", "", "2021-11-10"])
    corpus = load_corpus([path])
    first, last = corpus.articles
    assert first.text == "Line one.\nLine two."
    assert (first.title.value, first.source.value) == ("First", "Reuters")
    assert first.published.value == dt.date(2021, 11, 9)
    assert first.path == f"{path}:line 2"
    # row "a" spans physical lines 2-3, so "b" is line 4, "c" line 5 and "d" line 6
    assert last.text == "Belarus replied." and last.path == f"{path}:line 6"
    reasons = {s.path: s.reason for s in corpus.skipped}
    assert set(reasons) == {f"{path}:line 4", f"{path}:line 5"}
    assert "empty" in reasons[f"{path}:line 4"]
    assert "byte limit" in reasons[f"{path}:line 5"]


def test_cp1252_csv_is_decoded(tmp_path):
    line = "\u201cWe are ready\u201d, Caf\u00e9 owners said \u2013 again."
    path = _write(tmp_path / "old.csv", f'text\n"{line}"\n"{line} Twice."\n', "cp1252")
    assert [a.text for a in load_article_file(path)] == [line, f"{line} Twice."]


def test_html_main_text_and_meta(tmp_path):
    html = """<!doctype html><html><head><meta charset="utf-8">
    <title>Page title | Site</title>
    <meta property="og:title" content="Poland shuts Kuznica crossing">
    <meta property="og:site_name" content="Notes from Poland">
    <link rel="canonical" href="https://notesfrompoland.com/2021/11/09/kuznica/">
    <meta property="article:published_time" content="2021-11-09T08:00:00+01:00">
    <script>window.tracking = "Minsk";</script><style>.a{}</style></head>
    <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
    <article><h1>Poland shuts Kuznica crossing</h1>
    <p>Poland closed the <b>Kuznica</b> crossing on Tuesday.</p>
    <figure><figcaption>Guards at the fence</figcaption></figure>
    <p>Belarus   protested.</p></article>
    <footer>Copyright</footer></body></html>"""
    path = _write(tmp_path / "page.html", html)
    [article] = load_article_file(path)
    assert article.text == (
        "Poland shuts Kuznica crossing\n\nPoland closed the Kuznica crossing on Tuesday.\n\n"
        "Guards at the fence\n\nBelarus protested."
    )
    assert (article.title.value, article.title.provenance) == (
        "Poland shuts Kuznica crossing",
        "explicit",
    )
    assert article.source.value == "Notes from Poland"
    assert article.url.value == "https://notesfrompoland.com/2021/11/09/kuznica/"
    assert article.published.value == dt.date(2021, 11, 9)


def test_html_in_a_declared_legacy_charset(tmp_path):
    html = '<html><head><meta charset="windows-1252"><title>Caf\u00e9</title></head>'
    html += "<body><p>\u201cWe are ready,\u201d the na\u00efve minister said.</p></body></html>"
    [article] = load_article_file(_write(tmp_path / "legacy.html", html, "cp1252"))
    assert article.text == "\u201cWe are ready,\u201d the na\u00efve minister said."
    assert article.title.value == "Caf\u00e9"


def test_utf16_text_with_bom(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(BODY.encode("utf-16"))
    [article] = load_article_file(path)
    assert article.text == BODY


def test_html_without_meta_uses_title_tag_and_body(tmp_path):
    html = "<html><head><title>Border crisis</title></head><body>Plain text.<br>More.</body></html>"
    [article] = load_article_file(_write(tmp_path / "plain.htm", html))
    assert article.title.value == "Border crisis"
    assert "Plain text." in article.text


# --------------------------------------------------------------------------- sidecar


def test_sidecar_fills_unknown_and_inferred_fields(tmp_path):
    _write(tmp_path / "a.txt", "She told AFP the border was calm.\n")
    _write(
        tmp_path / "articles.csv",
        "file,published,source,url,title_provenance,title\n"
        "a.txt,2021-11-19,Daily Example,https://example.org/a,inferred,A guessed title\n",
    )
    [article] = load_article_file(tmp_path / "a.txt")
    assert (article.published.value, article.published.provenance) == (
        dt.date(2021, 11, 19),
        "sidecar",
    )
    assert (article.source.value, article.source.provenance) == ("Daily Example", "sidecar")
    assert (article.title.value, article.title.provenance) == ("A guessed title", "inferred")
    assert article.url.value == "https://example.org/a"


def test_explicit_text_wins_over_sidecar_unless_override(tmp_path):
    text = " date 2021-11-09 Poland Stops Migrants\n\nBody.\n"
    _write(tmp_path / "a.txt", text)
    _write(tmp_path / "b.txt", text.replace("Body", "Other body"))
    _write(
        tmp_path / "articles.csv",
        "file,published,override\na.txt,2021-11-10,\nb.txt,2021-11-10,yes\n",
    )
    corpus = load_corpus([tmp_path])
    kept, overridden = corpus.articles
    assert (kept.published.value, kept.published.provenance) == (dt.date(2021, 11, 9), "explicit")
    assert (overridden.published.value, overridden.published.provenance) == (
        dt.date(2021, 11, 10),
        "sidecar",
    )


def test_sidecar_rows_by_id_for_row_corpora(tmp_path):
    _write(
        tmp_path / "feed.jsonl",
        json.dumps({"id": "x1", "text": "First."})
        + "\n"
        + json.dumps({"id": "x2", "text": "Second."}),
    )
    _write(tmp_path / "articles.csv", "file,id,source\nfeed.jsonl,x2,Reuters\nfeed.jsonl,,AFP\n")
    first, second = load_corpus([tmp_path]).articles
    assert (first.source.value, second.source.value) == ("AFP", "Reuters")


def test_bad_sidecar_is_reported_and_articles_still_load(tmp_path):
    _write(tmp_path / "a.txt", BODY)
    _write(tmp_path / "articles.csv", "file,published\na.txt,someday\n")
    corpus = load_corpus([tmp_path])
    assert len(corpus.articles) == 1 and corpus.articles[0].published.value is None
    [skipped] = corpus.skipped
    assert skipped.path.endswith("articles.csv") and "line 2" in skipped.reason


def test_a_sidecar_row_with_more_cells_than_columns_is_reported(tmp_path):
    """An unquoted comma in a title made load_sidecar raise AttributeError (a traceback)."""
    _write(tmp_path / "a.txt", BODY)
    _write(tmp_path / "articles.csv", "file,title\na.txt,Floods, then fires\n")
    corpus = load_corpus([tmp_path])
    assert len(corpus.articles) == 1
    [skipped] = corpus.skipped
    assert skipped.path.endswith("articles.csv")
    assert "line 2: 3 cells for 2 columns" in skipped.reason and "Quote" in skipped.reason


@pytest.mark.parametrize(
    ("header", "named"),
    [("file,date", "'date'"), ("file,headline", "'headline'"), ("file,title,notes", "'notes'")],
)
def test_a_sidecar_column_it_does_not_know_is_reported_not_ignored(tmp_path, header, named):
    """A `date` column (the row corpora's synonym) was silently dropped with its values."""
    _write(tmp_path / "a.txt", BODY)
    _write(tmp_path / "articles.csv", f"{header}\na.txt,2021-11-19\n")
    corpus = load_corpus([tmp_path])
    assert len(corpus.articles) == 1
    [skipped] = corpus.skipped
    assert skipped.path.endswith("articles.csv") and f"unknown column {named}" in skipped.reason


def test_a_sidecar_synonym_column_says_which_name_to_use(tmp_path):
    _write(tmp_path / "articles.csv", "file,date\na.txt,2021-11-19\n")
    with pytest.raises(SidecarError, match="'date' is called 'published' here"):
        load_sidecar(tmp_path / "articles.csv")


def test_a_header_only_sidecar_without_a_file_column_is_reported(tmp_path):
    _write(tmp_path / "a.txt", BODY)
    _write(tmp_path / "articles.csv", "name,title\n")
    [skipped] = load_corpus([tmp_path]).skipped
    assert "no 'file' column" in skipped.reason


def test_a_sidecar_row_naming_a_file_not_in_its_folder_is_reported(tmp_path):
    """A misspelt file name left its metadata unused without a word."""
    _write(tmp_path / "a.txt", BODY)
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub" / "b.txt", BODY + "More.\n")
    _write(tmp_path / "articles.csv", "file,source\na.txt,AFP\n\nA.TXT,Reuters\nsub/b.txt,AP\n")
    corpus = load_corpus([tmp_path])
    assert [a.source.value for a in corpus.articles] == ["AFP", None]
    assert [s.path.rsplit("/", 1)[-1] for s in corpus.skipped] == [
        "articles.csv:line 4",
        "articles.csv:line 5",
    ]
    assert "'A.TXT', which is not a file beside it" in corpus.skipped[0].reason
    assert "'sub/b.txt', which is not a file beside it" in corpus.skipped[1].reason


def test_a_sidecar_row_whose_id_matches_no_row_is_reported(tmp_path):
    """A mistyped id (or one for a .txt file) left the row's metadata unused in silence."""
    rows = [{"id": "x1", "text": "First."}, {"id": 2, "text": "Second."}, {"id": "x3", "text": ""}]
    _write(tmp_path / "feed.jsonl", "\n".join(json.dumps(row) for row in rows))
    _write(tmp_path / "a.txt", BODY)
    _write(
        tmp_path / "articles.csv",
        "file,id,source\nfeed.jsonl,x1,AFP\nfeed.jsonl,X1,AP\nfeed.jsonl,2,Reuters\n"
        "feed.jsonl,x3,BBC\nfeed.jsonl,,DPA\na.txt,x1,TASS\n",
    )
    corpus = load_corpus([tmp_path])
    assert [a.source.value for a in corpus.articles] == [None, "AFP", "Reuters"]  # a.txt first
    sidecar = tmp_path / "articles.csv"
    unused = {s.path: s.reason for s in corpus.skipped if s.file == str(sidecar)}
    assert set(unused) == {f"{sidecar}:line {n}" for n in (3, 5, 7)}
    assert unused[f"{sidecar}:line 3"].startswith(
        "names row id 'X1', but no row of feed.jsonl with that id was loaded: its metadata is"
        " not used."
    )
    assert "'x3'" in unused[f"{sidecar}:line 5"]  # the row is there, but skipped (empty text)
    assert "'x1') for a.txt, a single-article file" in unused[f"{sidecar}:line 7"]


def test_a_sidecar_is_not_checked_against_a_corpus_file_that_could_not_be_read(tmp_path):
    _write(tmp_path / "feed.jsonl", json.dumps([{"id": "x1", "text": "First."}], indent=1))
    _write(tmp_path / "articles.csv", "file,id,source\nfeed.jsonl,x1,AFP\n")
    (skipped,) = load_corpus([tmp_path]).skipped
    assert skipped.path == str(tmp_path / "feed.jsonl")


def test_sidecar_given_as_a_corpus_file_is_not_an_article(tmp_path):
    sidecar = _write(tmp_path / "articles.csv", "file,source\na.txt,AFP\n")
    corpus = load_corpus([sidecar])
    assert corpus.articles == () and "sidecar" in corpus.skipped[0].reason
    with pytest.raises(ArticleError, match="sidecar"):
        load_article_file(sidecar)


# --------------------------------------------------------------------------- seeds vs gold


def _gold_names(name: str) -> set[str]:
    """'Anadolu Agency (AA)' -> {'Anadolu Agency (AA)', 'Anadolu Agency', 'AA'}."""
    names = {name}
    if name.endswith(")") and " (" in name:
        outer, inner = name[:-1].split(" (", 1)
        names |= {outer, inner}
    return names


def _text_only_seeds(seed_copy) -> dict[str, Article]:
    return {Path(a.path).name: a for a in load_corpus([seed_copy]).articles}


def test_seed_metadata_stated_in_the_text_equals_gold(seed_copy):
    seeds = _text_only_seeds(seed_copy)
    assert set(seeds) == set(GOLD_ARTICLES)
    checked = 0
    for name, gold in GOLD_ARTICLES.items():
        article = seeds[name]
        if gold["published"]["confidence"] == "explicit":
            assert article.published.value == dt.date.fromisoformat(gold["published"]["date"])
            assert article.published.provenance == "explicit"
            checked += 1
        if gold["source"]["confidence"] == "explicit":
            assert article.source.value in _gold_names(gold["source"]["name"]), name
            assert article.source.provenance == "explicit"
            checked += 1
    assert checked == 4  # 003 and 004 dates, 002 and 003 sources


def test_seed_003_google_news_link_decodes_to_sky_news(seed_copy):
    article = _text_only_seeds(seed_copy)["003_7081c9d606bd5f8e.txt"]
    assert article.url.value == GOLD_ARTICLES["003_7081c9d606bd5f8e.txt"]["url"]
    assert (article.source.value, article.source.provenance) == ("Sky News", "explicit")


def test_seed_002_dateline_names_anadolu(seed_copy):
    article = _text_only_seeds(seed_copy)["002_f9ab320def4911fc.txt"]
    assert article.source.value == "Anadolu Agency"
    assert "MOSCOW (AA)" in article.source.evidence


def test_seed_001_attribution_names_afp(seed_copy):
    article = _text_only_seeds(seed_copy)["001_998bec829cd9e5dd.txt"]
    assert (article.source.value, article.source.provenance) == ("AFP", "inferred")
    assert "told AFP" in article.source.evidence


def test_seeds_with_sidecar_have_every_gold_publication_date():
    corpus = load_corpus([SEEDS])
    assert corpus.skipped == ()
    seeds = {Path(a.path).name: a for a in corpus.articles}
    assert set(seeds) == set(GOLD_ARTICLES)
    for name, gold in GOLD_ARTICLES.items():
        assert seeds[name].published.value == dt.date.fromisoformat(gold["published"]["date"]), name
    assert seeds["004_697f5aa907f9f5fd.txt"].source.value == "Washington Newsday"
    assert seeds["004_697f5aa907f9f5fd.txt"].published.provenance == "explicit"


def _characters(spans) -> set[int]:
    return {i for span in spans for i in range(span.start, span.end)}


def test_seed_boilerplate_covers_gold_and_spares_annotations():
    seeds = {Path(a.path).name: a for a in load_corpus([SEEDS]).articles}
    found_total = gold_total = overlap_total = 0
    for name, gold in GOLD_ARTICLES.items():
        article = seeds[name]
        gold_spans = [Span(s["start"], s["end"]) for s in gold["boilerplate_spans"]]
        for span, entry in zip(gold_spans, gold["boilerplate_spans"], strict=True):
            assert article.text[span.start : span.end] == entry["text"]
            assert any(mine.contains(span) for mine in article.boilerplate), (name, entry["text"])
        for layer in ("toponyms", "actors"):
            for entry in gold[layer]:
                assert not article.in_boilerplate(Span(entry["start"], entry["end"])), (
                    name,
                    entry["text"],
                )
        found, wanted = _characters(article.boilerplate), _characters(gold_spans)
        found_total += len(found)
        gold_total += len(wanted)
        overlap_total += len(found & wanted)
    recall, precision = overlap_total / gold_total, overlap_total / found_total
    print(f"seed boilerplate characters: recall {recall:.3f} precision {precision:.3f}")
    assert recall == 1.0
    assert precision >= 0.95


def test_seed_photo_credits_are_kept_for_provenance():
    seeds = {Path(a.path).name: a for a in load_corpus([SEEDS]).articles}
    assert ("photo_credit", "Reuters") in seeds["000_1763675ee976f337.txt"].extra
    assert seeds["000_1763675ee976f337.txt"].source.value is None
    assert ("photo_credit", "AFP") in seeds["001_998bec829cd9e5dd.txt"].extra


def test_a_file_named_twice_is_read_once_not_a_duplicate_of_itself(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    corpus = load_corpus([tmp_path, tmp_path / "a.txt", tmp_path / "." / "a.txt"])
    assert len(corpus.articles) == 1 and corpus.skipped == ()


def test_a_malformed_jsonl_line_says_where_it_breaks(tmp_path):
    """json's bare msg reads 'Invalid control character at' and stops: give the column."""
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "Minsk said."}\n{"id": 2, "text": "broken\n', encoding="utf-8")
    (skipped,) = load_corpus([path]).skipped
    assert skipped.path.endswith("c.jsonl:line 2")
    assert "not JSON (Invalid control character at: column 26)" in skipped.reason


ROWS = [{"text": "Police in Minsk said."}, {"text": "Fighting near Kharkiv.", "id": "b"}]


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (json.dumps(ROWS, indent=2), "array"),
        ("[\n" + ",\n".join(json.dumps(row) for row in ROWS) + "\n]\n", "array"),
        (json.dumps(ROWS), "array"),
        (json.dumps(ROWS[0], indent=4), "object"),
        ('{"text": "Police in Minsk said.",\n "title": "Minsk"}\n', "object"),
    ],
    ids=["pretty-array", "array-of-lines", "one-line-array", "pretty-object", "object-2-lines"],
)
def test_a_json_document_saved_as_jsonl_is_one_error_naming_the_file(tmp_path, content, kind):
    """Read line by line, a pretty-printed array gave one 'not JSON' error per line."""
    path = _write(tmp_path / "feed.jsonl", content)
    (skipped,) = load_corpus([path]).skipped
    assert skipped.path == str(path) and skipped.line is None
    assert f"is one JSON {kind}, not JSON Lines" in skipped.reason
    assert 'one {"text": ...} object on a line of its own' in skipped.reason
    with pytest.raises(NotJsonLinesError):
        load_article_file(path)


def test_jsonl_whose_first_row_is_broken_is_still_read_row_by_row(tmp_path):
    path = _write(tmp_path / "feed.jsonl", '{"text": "Minsk\n' + json.dumps(ROWS[1]) + "\n")
    corpus = load_corpus([path])
    assert len(corpus.articles) == 1 and corpus.skipped[0].path.endswith("feed.jsonl:line 1")


def test_a_jsonl_row_with_a_lone_surrogate_escape_is_skipped_not_a_crash(tmp_path):
    """'\\ud800' is valid JSON but not text: hashing or parsing it raised UnicodeEncodeError."""
    path = tmp_path / "c.jsonl"
    path.write_text(
        '{"text": "Police in Warsaw \\ud800 said."}\n{"text": "Minsk said."}\n', encoding="utf-8"
    )
    corpus = load_corpus([path])
    assert [a.text for a in corpus.articles] == ["Minsk said."]
    (skipped,) = corpus.skipped
    assert skipped.path.endswith("c.jsonl:line 1") and "surrogate" in skipped.reason


def test_a_skipped_row_and_a_skipped_file_name_their_file_and_line(tmp_path):
    folder = tmp_path / "odd:line 7"  # a folder name is not taken for a row's line
    folder.mkdir()
    (folder / "c.jsonl").write_text('{"text": "Minsk said."}\nnot json\n', encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    row, whole = load_corpus([folder]).skipped
    assert (row.file, row.line) == (str(folder / "c.jsonl"), 2)
    assert row.path == f"{folder / 'c.jsonl'}:line 2"
    assert (whole.file, whole.line) == (str(folder / "empty.txt"), None)


def test_lone_surrogate_names_the_first_unpaired_surrogate():
    assert lone_surrogate("Warsaw \U0001f30d Minsk") is None  # a real astral character
    assert lone_surrogate("Warsaw \ud800 \udcff") == "\ud800"
    assert lone_surrogate(b"caf\xe9".decode("utf-8", "surrogateescape")) == "\udce9"


def test_an_unclosed_quote_in_a_csv_is_reported_not_merged_into_one_article(tmp_path):
    """csv's lenient mode read every row after an unclosed quote as that one cell, silently."""
    rows = ["title,text", 'T1,"Police in Warsaw arrested a man."', 'T2,"He said no in Minsk.']
    rows += [f"T{i},Article {i} about Grodno." for i in range(3, 6)]
    path = tmp_path / "c.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    corpus = load_corpus([path])
    assert [a.text for a in corpus.articles] == ["Police in Warsaw arrested a man."]
    (skipped,) = corpus.skipped
    assert skipped.path.endswith("c.csv:line 3") and "unclosed quote" in skipped.reason


def test_a_sidecar_with_an_unclosed_quote_is_reported_not_half_applied(tmp_path):
    """a.txt got the title 'Title A\\nb.txt,Title B' and b.txt none, with no message."""
    _write(tmp_path / "a.txt", BODY)
    _write(tmp_path / "b.txt", BODY.replace("Monday", "Tuesday"))
    _write(tmp_path / "articles.csv", 'file,title\na.txt,"Title A\nb.txt,Title B\n')
    corpus = load_corpus([tmp_path])
    assert [Path(s.path).name for s in corpus.skipped] == ["articles.csv"]
    assert "unexpected end of data" in corpus.skipped[0].reason
    assert all("b.txt" not in (a.title.value or "") for a in corpus.articles)


@pytest.mark.parametrize("value", [["Police in Warsaw.", "Minsk said."], 12345, True, {"en": "x"}])
def test_a_jsonl_text_that_is_not_a_string_is_skipped(tmp_path, value):
    """It was analysed as its JSON rendering: '["Police in Warsaw.", ...]', '12345', 'true'."""
    path = tmp_path / "c.jsonl"
    rows = [{"id": 1, "Text": value}, {"id": 2, "text": "Minsk said."}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    corpus = load_corpus([path])
    assert [a.text for a in corpus.articles] == ["Minsk said."]
    (skipped,) = corpus.skipped
    assert skipped.path.endswith("c.jsonl:line 1") and "not a string" in skipped.reason


def test_a_sidecar_row_repeating_a_file_is_reported_and_the_first_is_used(tmp_path):
    """Two rows for one file: the later one silently won."""
    _write(tmp_path / "a.txt", BODY)
    _write(tmp_path / "articles.csv", "file,source\na.txt,AFP\n\na.txt,Reuters\n")
    corpus = load_corpus([tmp_path])
    [article] = corpus.articles
    assert article.source.value == "AFP"
    [skipped] = corpus.skipped
    assert skipped.path.endswith("articles.csv:line 4")
    assert "repeats line 2's file and id" in skipped.reason


def test_a_row_nested_too_deeply_is_skipped_and_named_and_the_rest_read(tmp_path):
    """100,000 nested arrays raised RecursionError out of the corpus reader: no build at all."""
    deep = '{"id": "2", "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    lines = [
        json.dumps({"id": "1", "text": "Poland closed the crossing at Kuznica."}),
        deep,
        json.dumps({"id": "3", "text": "Lithuania declared an emergency."}),
    ]
    path = _write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    corpus = load_corpus([tmp_path])
    assert [a.text[:9] for a in corpus.articles] == ["Poland cl", "Lithuania"]
    [skipped] = corpus.skipped
    assert skipped.path == f"{path}:line 2" and "nested too deeply" in skipped.reason


def test_a_row_too_large_to_decode_is_skipped_and_named(tmp_path, monkeypatch):
    import geo.jsonlines

    real = json.loads

    def loads(text, *args, **kwargs):
        if "huge" in text:
            raise MemoryError
        return real(text, *args, **kwargs)

    monkeypatch.setattr(
        geo.jsonlines, "json", SimpleNamespace(loads=loads, JSONDecodeError=json.JSONDecodeError)
    )
    lines = [json.dumps({"text": "huge"}), json.dumps({"text": "Latvia followed suit."})]
    path = _write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    corpus = load_corpus([tmp_path])
    assert [a.text for a in corpus.articles] == ["Latvia followed suit."]
    [skipped] = corpus.skipped
    assert skipped.path == f"{path}:line 1" and "too large to decode" in skipped.reason
