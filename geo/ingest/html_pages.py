"""The `.html` / `.htm` reader: a page's main text, and the metadata its head declares.

Pages need a parser (selectolax) and their own rules for what is page furniture;
no other format shares them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from geo.ingest.decoding import MAX_DOCUMENT_BYTES, _decode, _read_bytes
from geo.ingest.errors import NestedTooDeeplyError, NoMainTextError
from geo.ingest.fields import _Declared
from geo.ingest.pubdates import parse_date
from geo.model import Sourced

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser, LexborNode

_HTML_DROPPED = "script, style, noscript, template, svg, iframe, form, nav, header, footer, aside"
_HTML_BLOCKS = "p, h1, h2, h3, h4, h5, h6, li, blockquote, figcaption, pre"
_HTML_META = {
    "title": ('meta[property="og:title"]', 'meta[name="twitter:title"]'),
    "url": ('link[rel="canonical"]', 'meta[property="og:url"]'),
    "published": (
        'meta[property="article:published_time"]',
        'meta[name="article:published_time"]',
        'meta[itemprop="datePublished"]',
        'meta[name="date"]',
        'meta[name="pubdate"]',
        'meta[name="publishdate"]',
        'meta[name="dc.date"]',
        'meta[name="DC.date.issued"]',
        'meta[property="og:published_time"]',
        "time[datetime]",
    ),
    "source": ('meta[property="og:site_name"]', 'meta[name="application-name"]'),
}


MAX_NESTING_WORK = 20_000_000
"""Open elements the parser may walk over, summed over the start tags (a tenth of a second
or so): a <div>'s start tag looks for an open <p> among all the elements above it, so a page
of n nested <div>s costs n²/2, minutes for a few hundred thousand. An 8 MB manual: 1.6·10⁶."""
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
_RAW_TEXT = re.compile(r"<!--.*?-->|<(script|style|textarea|title)\b.*?</\1\s*>", re.S | re.I)
_NOT_NESTED = frozenset(
    re.findall(
        r"\w+",
        "area base br col embed hr img input link meta source track wbr"  # void
        " html head body p li dt dd option optgroup tr td th thead tbody tfoot rb rt rp",
    )
)
"""Elements that never nest, or that the next of their kind closes: not counted."""


def _nesting(html: str) -> tuple[int, int]:
    """(work, deepest): an estimate of the open elements the parser walks over, and of the
    deepest nesting, from the start and end tags alone."""
    depth = deepest = work = 0
    for match in _TAG.finditer(_RAW_TEXT.sub("", html)):
        if match.group(2).lower() in _NOT_NESTED:
            continue
        if match.group(1):
            depth = max(0, depth - 1)
        else:
            work += depth
            depth += 1
            deepest = max(deepest, depth)
    return work, deepest


def _read_html(path: Path) -> tuple[str, _Declared]:
    """The main text of a page and the metadata its head declares."""
    from selectolax.lexbor import LexborHTMLParser

    data = _read_bytes(path, MAX_DOCUMENT_BYTES)
    charset = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", data[:4096], re.I)
    html = _decode(data, path, charset.group(1).decode("ascii") if charset else None)
    work, deepest = _nesting(html)
    if work > MAX_NESTING_WORK:
        raise NestedTooDeeplyError(
            path,
            f"elements are nested up to {deepest:,} deep, too deep to parse in reasonable time",
            "Save the article's rendered page again, or give its text as .txt",
        )
    tree = LexborHTMLParser(html)
    declared = _html_metadata(tree)
    for node in tree.css(_HTML_DROPPED):
        node.decompose()
    root = _largest(tree.css("article")) or _largest(tree.css("main")) or tree.body or tree.root
    text = _html_main_text(root) if root is not None else ""
    if not text.strip():
        raise NoMainTextError(
            path,
            "no main text remains once scripts, styles and page furniture are removed",
            "Save the article's rendered page, or give its text as .txt",
        )
    return text, declared


def _largest(nodes: list[LexborNode]) -> LexborNode | None:
    """The node with the most text: pages list teaser <article>s beside the story."""
    return max(nodes, key=lambda node: len(node.text(deep=True)), default=None)


def _html_main_text(root: LexborNode) -> str:
    blocks = [
        " ".join(node.text(deep=True, separator="").split())
        for node in root.css(_HTML_BLOCKS)
        if len(node.css(_HTML_BLOCKS)) == 1  # the node itself: an innermost block
    ]
    blocks = [block for block in blocks if block]
    if not blocks:
        blocks = [" ".join(line.split()) for line in root.text(separator="\n").split("\n")]
    return "\n\n".join(block for block in blocks if block)


def _html_metadata(tree: LexborHTMLParser) -> _Declared:
    found: dict[str, Sourced] = {}
    for name, selectors in _HTML_META.items():
        for selector in selectors:
            node = tree.css_first(selector)
            if node is None:
                continue
            attrs = node.attributes
            value = (
                attrs.get("content") or attrs.get("href") or attrs.get("datetime") or ""
            ).strip()
            if name == "published":
                date = parse_date(value)
                if date is None:
                    continue
                found[name] = Sourced(date, "explicit", f"HTML {selector} {value!r}")
            elif value:
                found[name] = Sourced(value, "explicit", f"HTML {selector}")
            if name in found:
                break
    if "title" not in found:
        node = tree.css_first("title")
        title = " ".join(node.text().split()) if node is not None else ""
        if title:
            found["title"] = Sourced(title, "explicit", "HTML <title>")
    return _Declared(**found)
