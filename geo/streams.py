"""The JSON Lines commands, stdin to stdout: one output line per input line, and a line
that cannot be used fails itself (an empty result and one stderr error), never the run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from geo.jsonlines import BadLineError, bounded_lines, decode_json
from geo.model import Article, ResolvedToponym, Toponym

if TYPE_CHECKING:
    from spacy.language import Language

    from geo.places import Gazetteer

GEOPARSE_BATCH = 64
"""Input lines per nlp.pipe call: output is flushed after each batch."""


@dataclass(frozen=True)
class _Line:
    """One input line: a document to geoparse, or why it cannot be."""

    number: int
    doc_id: object = None
    text: str = ""
    gold: tuple[Toponym, ...] | None = None
    error: str | None = None


_NOT_UNICODE = "is not valid Unicode (bytes that are not UTF-8, or a lone surrogate escape)"


def _offset(value: object) -> bool:
    """A character offset: a non-negative int (JSON true/false are not)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _parse_line(number: int, raw: str | BadLineError, gold_spans: bool) -> _Line:
    from geo.ingest import lone_surrogate

    try:
        if isinstance(raw, BadLineError):
            raise raw
        record = decode_json(raw)
    except BadLineError as error:
        return _Line(number, error=str(error))
    if not isinstance(record, dict):
        return _Line(number, error="not a JSON object")
    doc_id, text = record.get("id"), record.get("text")
    if lone_surrogate(json.dumps(doc_id, ensure_ascii=False)) is not None:
        return _Line(number, error=f'"id" {_NOT_UNICODE}')
    if not isinstance(text, str):
        return _Line(number, doc_id, error='no "text" string')
    if lone_surrogate(text) is not None:
        return _Line(number, doc_id, error=f'"text" {_NOT_UNICODE}')
    if not gold_spans:
        return _Line(number, doc_id, text)
    items = record.get("toponyms") or []
    if not isinstance(items, list):
        return _Line(number, doc_id, error='"toponyms" is not a list')
    gold = []
    for item in items:
        if not isinstance(item, dict):
            return _Line(number, doc_id, error=f"gold span {item!r} is not an object")
        start, end = item.get("start"), item.get("end")
        if not (_offset(start) and _offset(end) and start <= end <= len(text)):
            return _Line(number, doc_id, error=f"bad gold span {start}:{end}")
        gold.append(Toponym(start, end, text[start:end], label="gold"))
    return _Line(number, doc_id, text, gold=tuple(gold))


def _toponym_json(resolved: ResolvedToponym) -> dict[str, object]:
    t, place = resolved.toponym, resolved.place
    return {
        "start": t.start,
        "end": t.end,
        "name": t.text,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "geonameid": place.geonameid if place else None,
        "country_code": place.country_code if place else None,
        "kind": place.kind if place else None,
        "precision": resolved.precision,
    }


def _batched(stream: IO[str], size: int) -> Iterator[list[tuple[int, str | BadLineError]]]:
    batch: list[tuple[int, str | BadLineError]] = []
    for number, raw in bounded_lines(stream):
        batch.append((number, raw))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def geoparse_stream(
    source: IO[str],
    sink: IO[str],
    gazetteer: Gazetteer,
    nlp: Language | None,
    gold_spans: bool = False,
) -> int:
    """Geoparse JSON lines; one output line per input line. Returns the number of bad lines."""
    from geo.ingest import find_boilerplate
    from geo.nlp import find_toponyms
    from geo.places import resolve_toponyms

    failures = 0
    for batch in _batched(source, GEOPARSE_BATCH):
        lines = [_parse_line(n, raw, gold_spans) for n, raw in batch]
        if nlp is not None:
            lines = [
                line
                if line.error or len(line.text) <= nlp.max_length
                else _Line(line.number, line.doc_id, error="text too long for the spaCy model")
                for line in lines
            ]
        to_parse = [line for line in lines if line.error is None and line.gold is None]
        docs = iter(nlp.pipe(line.text for line in to_parse)) if nlp and to_parse else iter(())
        for line in lines:
            toponyms: list[dict[str, object]] = []
            error = line.error
            if error is None:
                found = (
                    line.gold
                    if line.gold is not None
                    # Credits, footers and raw links are not the story (as in a build).
                    else find_toponyms(next(docs), exclude=find_boilerplate(line.text))
                )
                try:
                    resolved = resolve_toponyms(found, line.text, gazetteer)
                except (ValueError, KeyError, IndexError, TypeError) as exc:
                    error = f"resolution failed: {type(exc).__name__}: {exc}"
                else:
                    toponyms = [_toponym_json(r) for r in resolved]
            if error is not None:
                failures += 1
                print(f"geoparse: line {line.number}: {error}", file=sys.stderr)
            sink.write(json.dumps({"id": line.doc_id, "toponyms": toponyms}, ensure_ascii=False))
            sink.write("\n")
        sink.flush()
    return failures


EVENTS_BATCH = 32
"""Articles per nlp.pipe call in `events_stream`."""


def events_stream(
    source: IO[str],
    sink: IO[str],
    gazetteer: Gazetteer,
    nlp: Language,
    name: str = "<stdin>",
) -> int:
    """Events of JSON Lines articles (`{"id", "text", "published"?}`), one output line per
    input line, by the same analysis `geo build` stores. Returns the number of bad lines."""
    from geo.events import event_record
    from geo.ingest import ArticleError, article_from_record
    from geo.pipeline import analyse_articles

    failures = 0
    for batch in _batched(source, EVENTS_BATCH):
        results: list[tuple[int, object, Article | str]] = []
        for number, raw in batch:
            if isinstance(raw, BadLineError):
                results.append((number, None, str(raw)))
                continue
            if not raw.strip():
                continue
            try:
                article = article_from_record(raw, f"{name}:line {number}")
            except ArticleError as error:
                results.append((number, None, str(error)))
                continue
            if len(article.text) > nlp.max_length:
                results.append((number, None, "text too long for the spaCy model"))
                continue
            results.append((number, dict(article.extra).get("id"), article))
        articles = [r[2] for r in results if isinstance(r[2], Article)]
        analysed = iter(analyse_articles(articles, nlp, gazetteer))
        for number, doc_id, item in results:
            events: list[dict[str, object]] = []
            if isinstance(item, str):
                failures += 1
                print(f"events: line {number}: {item}", file=sys.stderr)
            else:
                events = [event_record(e) for e in next(analysed).events]
            sink.write(json.dumps({"id": doc_id, "events": events}, ensure_ascii=False))
            sink.write("\n")
        sink.flush()
    return failures
