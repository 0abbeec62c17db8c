"""Toponym recognition: a parsed Doc -> place-name candidates with exact spans.

The statistical NER of a small model is the backbone; this package repairs what
it is known to get wrong in news text: determiners and possessives inside
spans, metonymic place names labelled ORG/PERSON ("Belarus said"), surnames
labelled GPE ("Zakharova"), class words ("the Bug river", "Grodno region"),
hyphenated compounds ("Belarus-Poland border"), place names NER missed in
place-like contexts, and one-sense-per-document propagation; names used in other senses
than a place (`senses`: parts of longer names, people, titles of works, companies and
clubs, acronyms that abbreviate no place; `commonword`: common words capitalised only by
their position, without geographic context) are dropped, and multi-word names kept whole
(`whole`).

The recogniser runs as the registered pipeline component `toponym_fixer`
(added by `geo.nlp.language.load_nlp`); `find_toponyms` reads what it stored on the Doc.
"""

from geo.nlp.toponyms.component import find_toponyms

__all__ = ["find_toponyms"]
