"""JSON Lines decoding in which one bad line fails that line, never the run.

`json.loads` raises RecursionError on deeply nested input (`[[[[…`), MemoryError on a
giant one, and reading a line with no newline can take all memory: a crawler's corpus
holds such lines. Used by the corpus reader and by the stdin commands alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

MAX_LINE_CHARS = 1024 * 1024
"""The longest line the stdin commands read (1 MiB of characters, as one corpus row):
spaCy's model takes at most a million characters of text in any case."""


class BadLineError(ValueError):
    """One line that cannot be decoded; the message says why, without the line number."""


def decode_json(text: str) -> object:
    """The decoded value of one line; a BadLineError for anything that is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BadLineError(f"not JSON ({error.msg}: column {error.colno})") from error
    except RecursionError as error:
        raise BadLineError("nested too deeply to decode") from error
    except MemoryError as error:
        raise BadLineError("too large to decode in memory") from error
    except ValueError as error:  # e.g. an integer with too many digits
        raise BadLineError(f"not JSON ({error})") from error


def bounded_lines(
    stream: IO[str], max_chars: int = MAX_LINE_CHARS
) -> Iterator[tuple[int, str | BadLineError]]:
    """(line number, line) from `stream`, or a BadLineError for a line over `max_chars`,
    whose rest is skipped without holding it in memory."""
    number = 0
    while line := stream.readline(max_chars + 1):
        number += 1
        if len(line) > max_chars and not line.endswith("\n"):
            while (rest := stream.readline(max_chars)) and not rest.endswith("\n"):
                pass
            yield number, BadLineError(f"the line is over the {max_chars:,}-character limit")
            continue
        yield number, line
