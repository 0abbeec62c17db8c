"""Links in an article's text: every raw URL, and the one that is the article's own.

Google News redirect links carry the publisher's URL in a base64 protobuf id; decoding
it is a small wire-format reader that nothing else in ingest needs.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from geo.model import Sourced, Span

SOCIAL_HOSTS = frozenset(
    {
        "twitter.com",
        "x.com",
        "t.co",
        "pic.twitter.com",
        "facebook.com",
        "instagram.com",
        "youtube.com",
        "youtu.be",
        "tiktok.com",
        "t.me",
    }
)
"""Hosts of links embedded in articles that never are the article's own URL."""
GOOGLE_NEWS_HOST = "news.google.com"
GOOGLE_NEWS_URL_FIELD = 4
"""Protobuf field of a Google News article id that holds the canonical URL."""


RAW_URL_RE = re.compile(r"https?://[^\s<>\"'\u201c\u201d]+")
URL_TRAILING_PUNCTUATION = ".,;:!?)]}'\u2019"


def find_url(text: str) -> Sourced[str]:
    """The article's own URL: the first link standing on a line of its own.

    Google News redirect links are decoded to the publisher's URL; links to social
    networks are passed over (they point at embedded posts).
    """
    for span in find_raw_urls(text):
        url = text[span.start : span.end]
        line_start = text.rfind("\n", 0, span.start) + 1
        line_end = text.find("\n", span.end)
        line_end = len(text) if line_end < 0 else line_end
        after = text[span.end : line_end].strip().strip(URL_TRAILING_PUNCTUATION)
        if text[line_start : span.start].strip() or after:
            continue
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        if host in SOCIAL_HOSTS:
            continue
        decoded = decode_google_news_url(url)
        if decoded is not None:
            return Sourced(decoded, "explicit", f"decoded Google News link {url[:60]}...")
        return Sourced(url, "explicit", "link on its own line")
    return Sourced.unknown()


def find_raw_urls(text: str) -> tuple[Span, ...]:
    """Every http(s) link in the text, without trailing punctuation."""
    spans = []
    for match in RAW_URL_RE.finditer(text):
        url = match.group(0).rstrip(URL_TRAILING_PUNCTUATION)
        spans.append(Span(match.start(), match.start() + len(url)))
    return tuple(spans)


def decode_google_news_url(url: str) -> str | None:
    """The publisher URL inside a `news.google.com/.../articles/<id>` link, or None.

    Only the older ids (`CBMi...`) carry the URL; newer opaque ids need Google's
    servers and yield None.
    """
    parts = urlsplit(url)
    if (parts.hostname or "").lower() != GOOGLE_NEWS_HOST:
        return None
    match = re.search(r"/articles/(?P<id>[A-Za-z0-9_-]+)", parts.path)
    return decode_google_news_id(match.group("id")) if match else None


def decode_google_news_id(article_id: str) -> str | None:
    """The canonical URL in a Google News article id (base64url protobuf, field 4)."""
    try:
        payload = base64.urlsafe_b64decode(article_id + "=" * (-len(article_id) % 4))
    except (binascii.Error, ValueError):
        return None
    for field_number, value in _protobuf_fields(payload):
        if field_number == GOOGLE_NEWS_URL_FIELD and isinstance(value, bytes):
            try:
                url = value.decode("utf-8")
            except UnicodeDecodeError:
                return None
            return url if url.startswith(("http://", "https://")) else None
    return None


def _protobuf_fields(payload: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) pairs of a protobuf message, stopping at the first malformed byte.

    Varints are yielded as ints, length-delimited fields as bytes, fixed-width ones as bytes.
    """
    position = 0
    while position < len(payload):
        key, position = _read_varint(payload, position)
        if key is None:
            return
        field_number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, position = _read_varint(payload, position)
            if value is None:
                return
            yield field_number, value
        elif wire_type == 2:
            length, position = _read_varint(payload, position)
            if length is None or position + length > len(payload):
                return
            yield field_number, payload[position : position + length]
            position += length
        elif wire_type in (1, 5):
            width = 8 if wire_type == 1 else 4
            if position + width > len(payload):
                return
            yield field_number, payload[position : position + width]
            position += width
        else:
            return


def _read_varint(payload: bytes, position: int) -> tuple[int | None, int]:
    result = shift = 0
    while position < len(payload) and shift < 64:
        byte = payload[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7
    return None, position
