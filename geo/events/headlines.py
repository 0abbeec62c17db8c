"""A title-case headline parsed again in sentence case, for its verbs.

The tagger reads "Poland Stops Migrants at the Belarusian Border" as one long proper name:
no verb, no event. Its common words lowered ("Poland stops migrants at the Belarusian
border") it parses as a clause. Only the text up to the headline and the sentence after it
is parsed again, so the new parse keeps the characters' offsets and, checked token by
token, the token indices the rest of the coding shares with the article's parse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from geo.events.predicates import headline
from geo.model import Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Span as SpacySpan

TITLE_WORD_LENGTH = 4
"""Title case capitalises the longer words; "at", "the", "of" stay lower."""
TITLE_WORDS = 3


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and word[1:].islower()


def _opening(sentence: SpacySpan) -> int:
    """The index of the headline's first capitalised word: a scraped label before it ("date
    2021-11-09 Poland Stops …") is no part of the title."""
    return next((t.i for t in sentence if t.is_alpha and t.text[:1].isupper()), sentence.end)


def title_case(sentence: SpacySpan) -> bool:
    """Every word of four letters or more capitalised, at least three of them."""
    title = sentence.doc[_opening(sentence) : sentence.end]
    words = [t.text for t in title if t.is_alpha and len(t.text) >= TITLE_WORD_LENGTH]
    return len(words) >= TITLE_WORDS and all(_capitalised(w) for w in words)


def _named_elsewhere(word: str, text: str, after: int) -> bool:
    """Capitalised inside a sentence of the body ("the Belarusian border"): a name."""
    return re.search(rf"[a-z,;] {re.escape(word)}\b", text[after:]) is not None


def sentence_cased(sentence: SpacySpan, names: Sequence[Span]) -> str:
    """The sentence with its common words lowered: not its first word, a place found in
    it, or a word the body writes capitalised mid-sentence."""
    text = sentence.doc.text
    chars = list(text[sentence.start_char : sentence.end_char])
    for token in sentence.doc[_opening(sentence) + 1 : sentence.end]:
        word = token.text
        if not (token.is_alpha and _capitalised(word)):
            continue
        if any(n.start <= token.idx < n.end for n in names):
            continue
        if _named_elsewhere(word, text, sentence.end_char):
            continue
        offset = token.idx - sentence.start_char
        chars[offset : offset + len(word)] = word.lower()
    return "".join(chars)


def reparsed(
    sentence: SpacySpan, parse: Language | None, names: Sequence[Span]
) -> SpacySpan | None:
    """The title-case headline's span in a sentence-case parse, or None: no parser, no
    title-case headline, or the new parse's tokens do not line up with the old."""
    if parse is None or not (headline(sentence) and title_case(sentence)):
        return None
    doc = sentence.doc
    cased = sentence_cased(sentence, names)
    if len(cased) != sentence.end_char - sentence.start_char:
        return None  # a letter whose lower case is longer: offsets would move
    # the sentence after it too: a headline is one with more text after it (predicates.headline)
    following = next((t for t in doc[sentence.end :] if not t.is_space), None)
    after = following.sent.end_char if following is not None else sentence.end_char
    text = doc.text[: sentence.start_char] + cased + doc.text[sentence.end_char : after]
    new = parse(text)
    old = [(t.idx, len(t)) for t in doc[: sentence.end]]
    if [(t.idx, len(t)) for t in new[: sentence.end]] != old:
        return None
    return new[sentence.start : sentence.end]
