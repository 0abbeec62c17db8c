"""Text made safe for where the dashboard puts it: HTML, a <script> or a Jinja template, and
Markdown. geo.app.mapview explains where each one is used."""

from __future__ import annotations

import html
import json
import math
import re

_HTML_EXTRA = str.maketrans({"$": "&#36;", "`": "&#96;", "\\": "&#92;"})
_JSON_UNSAFE = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("$", "\\u0024"),
    ("`", "\\u0060"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def escape_html(text: object) -> str:
    """HTML-escape text and neutralise JS template-literal syntax (`${`, backticks)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return html.escape(str(text), quote=True).translate(_HTML_EXTRA)


_JINJA_OPENER = re.compile(r"\{(?=[{%#])")
"""A brace opening a Jinja tag: only ever inside a JSON string (a JSON object's brace is
followed by a quote or its closing brace)."""


def safe_json(value: object) -> str:
    """JSON that can sit inside <script> or be eval'ed without closing anything, or be
    parsed as a Jinja template (folium parses a rendered script again) without running."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _JSON_UNSAFE:
        text = text.replace(char, escaped)
    return _JINJA_OPENER.sub(r"\\u007b", text)


_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_text(text: str) -> str:
    """Text shown as itself where Streamlit renders Markdown (alerts): every ASCII punctuation
    mark backslash-escaped, so a file name cannot become a link, emphasis, colour or LaTeX."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


__all__ = ["escape_html", "markdown_text", "safe_json"]
