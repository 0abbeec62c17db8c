"""Metadata read from article text, the outlets table, and boilerplate spans."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from geo.ingest import find_boilerplate, find_credits, load_outlets, parse_date
from geo.ingest.boilerplate import find_footer, merge_spans
from geo.ingest.metadata import find_title
from geo.ingest.pubdates import find_published
from geo.ingest.sources import find_source
from geo.ingest.urls import decode_google_news_id, decode_google_news_url, find_url
from geo.model import Span


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _google_id(*fields: bytes) -> str:
    return base64.urlsafe_b64encode(b"".join(fields)).decode().rstrip("=")


# --------------------------------------------------------------------------- Google News


def test_google_news_id_yields_field_4_not_the_amp_field():
    canonical = b"https://www.example.org/world/story-123"
    article_id = _google_id(
        _varint(1 << 3) + _varint(19),
        _field(4, canonical),
        _field(26, b"https://amp.example.org/x"),
    )
    assert decode_google_news_id(article_id) == canonical.decode()


def test_google_news_id_with_a_long_url_uses_multibyte_lengths():
    canonical = "https://news.example.com/" + "a" * 300
    article_id = _google_id(_field(4, canonical.encode()))
    assert decode_google_news_id(article_id) == canonical


@pytest.mark.parametrize(
    "article_id",
    [
        "CBMi",  # truncated before the URL
        "AU_yqLNotAnOldStyleIdAtAll",  # new opaque ids carry no URL
        "!!!",
        _google_id(_field(4, b"not a url")),
        _google_id(_field(4, b"\xff\xfe")),
    ],
)
def test_google_news_id_without_a_url_is_none(article_id):
    assert decode_google_news_id(article_id) is None


def test_google_news_url_is_decoded_only_for_google_hosts():
    article_id = _google_id(_field(4, b"https://example.org/a"))
    assert (
        decode_google_news_url(f"https://news.google.com/rss/articles/{article_id}?oc=5")
        == "https://example.org/a"
    )
    assert decode_google_news_url(f"https://example.com/articles/{article_id}") is None


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-11-09", dt.date(2021, 11, 9)),
        ("2021-11-09T23:30:00+02:00", dt.date(2021, 11, 9)),
        ("2021-11-09 15:45:00Z", dt.date(2021, 11, 9)),
        ("Tue, 09 Nov 2021 15:45:00 GMT", dt.date(2021, 11, 9)),
        ("9 November 2021", dt.date(2021, 11, 9)),
        ("November 9, 2021", dt.date(2021, 11, 9)),
        ("Nov. 9, 2021", dt.date(2021, 11, 9)),
        ("Sept 9, 2021", dt.date(2021, 9, 9)),
        ("20211109", dt.date(2021, 11, 9)),
    ],
)
def test_parse_date_formats(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["", "yesterday", "2021-13-40", "Tuesday", "12345"])
def test_parse_date_rejects_non_dates(value):
    assert parse_date(value) is None


def test_header_date_line_is_explicit_publication_date():
    found = find_published(" date 2021-11-09 Headline Here.\n\nBody text.")
    assert (found.value, found.provenance) == (dt.date(2021, 11, 9), "explicit")


def test_feed_timestamp_line_is_explicit_publication_date():
    found = find_published("Body.\nhttps://example.com/x\n2021-11-09 15:45:00Z\n")
    assert (found.value, found.provenance) == (dt.date(2021, 11, 9), "explicit")


def test_published_line_with_month_name():
    found = find_published("Headline\nPublished: 9 November 2021\n\nBody.")
    assert found.value == dt.date(2021, 11, 9)


@pytest.mark.parametrize("line", ["2021-11-09", "  Nov. 9, 2021 ", "9 November 2021"])
def test_bare_date_line_under_the_headline_is_explicit_publication_date(line):
    found = find_published(f"Guards push migrants back\n\n{line}\n\nWARSAW \u2014 Body.")
    assert (found.value, found.provenance) == (dt.date(2021, 11, 9), "explicit")


def test_bare_date_line_deep_in_the_article_heads_a_timeline_entry():
    text = "Headline\n\nFirst.\n\nSecond.\n\nThird.\n\n2020-03-01\nThe first case was found."
    assert find_published(text).value is None


def test_date_inside_a_sentence_is_not_a_publication_date():
    assert find_published("On 2021-11-09 the talks began in Minsk.").value is None


def test_date_in_url_path_is_inferred():
    found = find_published("Body.", url="https://example.com/2021/11/09/story")
    assert (found.value, found.provenance) == (dt.date(2021, 11, 9), "inferred")


# --------------------------------------------------------------------------- source, url, title


def test_dateline_names_agency_through_outlets_table():
    found = find_source("Headline\n\nMOSCOW (AA) \u2013 The president said.")
    assert (found.value, found.provenance) == ("Anadolu Agency", "explicit")


def test_reuters_style_dateline_with_date():
    found = find_source("WARSAW, Nov 9 (Reuters) - Poland said on Tuesday...")
    assert found.value == "Reuters"


def test_dateline_with_an_agency_not_in_the_table_keeps_its_name():
    assert find_source("KYIV (Ukrainska Pravda) \u2014 Officials said.").value == "Ukrainska Pravda"


def test_byline_naming_an_outlet_is_explicit():
    found = find_source("Headline\nBy Jane Doe, Reuters\n\nPoland said.")
    assert (found.value, found.provenance) == ("Reuters", "explicit")


@pytest.mark.parametrize("line", ["Associated Press", "AP Diplomatic Writer"])
def test_outlet_on_the_line_under_a_byline_is_explicit(line):
    found = find_source(f"Headline\nBy Jane Doe\n{line}\n\nWARSAW \u2014 Poland said.")
    assert (found.value, found.provenance) == ("Associated Press", "explicit")


@pytest.mark.parametrize(
    "text",
    [
        "Headline\nBy Jane Doe\nReuters said on Monday that troops had moved.\n\nBody.",
        "Headline\nBy then it was dark.\nReuters\n\nBody.",
    ],
)
def test_sentence_under_a_byline_names_no_source(text):
    assert find_source(text).value is None


def test_attribution_is_inferred():
    found = find_source("The minister said. She told AFP about the incident.")
    assert (found.value, found.provenance) == ("AFP", "inferred")


def test_attribution_corroborated_by_credits_wins_over_another_attribution():
    text = "He told the BBC that it was possible. She told AFP about it."
    assert find_source(text, credited=["AFP", "AFP"]).value == "AFP"
    assert find_source(text, credited=["BBC"]).value == "BBC"


def test_photo_credits_alone_do_not_name_the_publisher():
    assert find_source("Body.", credited=["Reuters"]).value is None


def test_url_host_in_outlets_table_is_explicit_source():
    found = find_source("Body.", url="https://news.sky.com/story/x-1")
    assert (found.value, found.provenance) == ("Sky News", "explicit")


def test_url_on_its_own_line_is_the_article_url():
    text = "Body with https://twitter.com/x inline.\nhttps://pic.twitter.com/abc\nhttps://example.org/a.\n"
    assert find_url(text).value == "https://example.org/a"


def test_url_inside_a_sentence_is_not_the_article_url():
    assert find_url("See https://example.org/report for details.").value is None


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Putin, Lukashenko discuss migration crisis\n\nBody.",
            "Putin, Lukashenko discuss migration crisis",
        ),
        (
            " date 2021-11-09 Poland Stops Migrants at the Border.\n\nBody.",
            "Poland Stops Migrants at the Border",
        ),
        (
            "Poland Closes Border Crossing at Kuznica\nBody follows on the next line.",
            "Poland Closes Border Crossing at Kuznica",
        ),
        (
            "posted 2021-11-09\nGuards push migrants back into the forest\nBy Jan Nowak\n\nBody.",
            "Guards push migrants back into the forest",
        ),
        (
            "9 November 2021\nGuards push migrants back into the forest\n\nBody.",
            "Guards push migrants back into the forest",
        ),
        (
            "Guards push migrants back into the forest\nBy Jan Nowak\nWARSAW (AP) \u2014 Body.",
            "Guards push migrants back into the forest",
        ),
        (
            "Guards push migrants back into the forest\nWARSAW (AP) \u2014 Guards said so.",
            "Guards push migrants back into the forest",
        ),
        (
            "Guards push migrants back into the forest\nPublished: Nov. 9, 2021\nBody.",
            "Guards push migrants back into the forest",
        ),
    ],
)
def test_headline_like_first_line_is_title(text, title):
    found = find_title(text)
    assert (found.value, found.provenance) == (title, "explicit")


@pytest.mark.parametrize(
    "text",
    [
        "Poland on Friday reported that hundreds of migrants had tried to cross.\nMore text.",
        "The EU has vowed to impose more sanctions on Belarus and called migrants pawns.\n\nX",
        "MOSCOW (AA) \u2013 The Russian president said.\n\nBody.",
        "https://example.org/story\n\nBody.",
        "By Jane Doe, Reuters\n\nBody.",
        "9 November 2021\n\nBody.",
        "2021-11-09\nPoland on Friday reported that hundreds of migrants had tried.\nMore.",
        "Guards pushed the migrants back into the forest on Monday\nBy then it was dark.",
    ],
)
def test_body_sentences_are_not_titles(text):
    assert find_title(text).value is None


# --------------------------------------------------------------------------- outlets table


def test_outlets_table_is_large_and_covers_main_agencies():
    table = load_outlets()
    assert len(table.outlets) >= 50
    for name in ("AFP", "Reuters", "AP", "AA", "BBC", "Belta", "TASS", "RIA", "DPA", "CNN", "NYT"):
        assert table.find(name) is not None, name
    assert {o.kind for o in table.outlets} >= {"agency", "outlet", "photo"}


def test_outlet_lookup_by_host_walks_parent_domains():
    table = load_outlets()
    assert table.for_host("edition.cnn.com").name == "CNN"
    assert table.for_host("www.reuters.com").name == "Reuters"
    assert table.for_host("news.sky.com").name == "Sky News"
    assert table.for_host("sky.com") is None
    assert table.for_host("example.org") is None


def test_short_acronyms_match_case_sensitively_long_names_do_not():
    table = load_outlets()
    assert table.find("AP").name == "Associated Press"
    assert table.find("ap") is None
    assert table.find("BELTA").name == "Belta"
    assert table.find("reuters").name == "Reuters"


def test_custom_outlets_table(tmp_path):
    path = tmp_path / "outlets.csv"
    path.write_text(
        "name,aliases,domains,kind\nDaily Planet,DP|Planet,dailyplanet.example,outlet\n"
    )
    table = load_outlets(path)
    assert table.find("Planet").name == "Daily Planet"
    found = find_source("Body.", url="https://www.dailyplanet.example/a", outlets=table)
    assert found.value == "Daily Planet"


# --------------------------------------------------------------------------- boilerplate


def _covered(text: str, spans) -> list[str]:
    return [text[s.start : s.end] for s in spans]


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        (
            "Migrants at a camp near the border BELTA via AFP / Leonid SHCHEGLOV",
            "BELTA via AFP / Leonid SHCHEGLOV",
        ),
        ("Map of the crossings AFP / Kenan AUGEARD", "AFP / Kenan AUGEARD"),
        ("Iraqi migrants at Minsk airport, Belarus AFP", "AFP"),
        ("Zakharova blamed Poland for the crisis (Reuters)", "(Reuters)"),
        ("Soldiers at Kuznica (AFP/Getty Images)", "(AFP/Getty Images)"),
        ("Soldiers near the fence near Kuznica Kacper Pempel/Reuters", "Kacper Pempel/Reuters"),
        ("Troops at the border. Photo: Reuters", "Photo: Reuters"),
    ],
)
def test_photo_credit_at_caption_end_is_boilerplate(line, credit):
    text = f"First paragraph.\n\n{line}\n\nLast paragraph."
    assert _covered(text, find_boilerplate(text)) == [credit]


@pytest.mark.parametrize(
    "line",
    [
        "She told AFP about an incident late Thursday.",
        "The news was first reported by Reuters",
        "Officials spoke to Reuters",
        "Poland closed its border crossing with Belarus at Kuznica",
    ],
)
def test_agency_names_in_sentences_are_not_credits(line):
    assert find_boilerplate(f"{line}\n\nMore.") == ()


def test_duplicated_caption_is_content_only_its_credit_is_boilerplate():
    caption = "A deserted migrant camp in Belarus' Grodno region"
    text = f"Body.\n\n{caption}\n{caption} BELTA via AFP / Leonid SHCHEGLOV\n\nMore body."
    spans = find_boilerplate(text)
    assert _covered(text, spans) == ["BELTA via AFP / Leonid SHCHEGLOV"]
    assert find_credits(text)[0].outlets == ("AFP", "Belta")


def test_related_posts_footer_runs_to_the_end():
    text = (
        "Story ends here.\n\nRelated posts\n\nMoscow to host meeting\n\nLavrov thanks Tajikistan\n"
    )
    assert _covered(text, find_boilerplate(text)) == [
        "Related posts\n\nMoscow to host meeting\n\nLavrov thanks Tajikistan"
    ]


def test_read_more_followed_by_story_paragraphs_is_not_a_footer():
    body = "The minister said the border would stay closed for weeks, officials confirmed. " * 4
    text = f"Intro.\n\nRead more\n\n{body}\n\n{body}\n"
    assert find_footer(text) is None


@pytest.mark.parametrize(
    "footer", ["Tidak ada komentar:\nPosting Komentar", "No comments:\nPost a Comment"]
)
def test_blog_comment_footer(footer):
    text = f"Story ends here.\n{footer}"
    assert _covered(text, find_boilerplate(text)) == [footer]


def test_raw_urls_feed_ids_and_timestamps_are_boilerplate():
    token = "CBMi" + "A" * 60
    text = f"Story.\nSee https://example.org/a?oc=5.\n2021-11-09 15:45:00Z\n{token}\n"
    assert _covered(text, find_boilerplate(text)) == [
        "https://example.org/a?oc=5",
        "2021-11-09 15:45:00Z",
        token,
    ]


def test_header_date_span_excludes_the_headline():
    text = " date 2021-11-09 Poland Stops Migrants.\n\nBody."
    assert _covered(text, find_boilerplate(text)) == ["date 2021-11-09"]


def test_merge_spans_joins_overlaps_and_sorts():
    merged = merge_spans([Span(10, 20), Span(0, 5), Span(15, 30), Span(5, 6)])
    assert merged == (Span(0, 6), Span(10, 30))


def test_bare_date_line_under_the_headline_is_boilerplate():
    text = "Guards push migrants back\n2021-11-09\nWARSAW \u2014 Body."
    start = text.index("2021")
    assert Span(start, start + len("2021-11-09")) in find_boilerplate(text)
