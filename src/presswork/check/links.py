"""K: links within the book — index marks with no entry, glossary terms and people the text never names."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Biographies, Book, Glossary
from .codes import Problems

_EMPTY_INDEX_MARK = re.compile(r"\[\s*\]\{(?![^}]*entry=)[^}]*\.ix\b[^}]*\}")


def empty_index_mark(found: Problems, source: Path, number: int | None, line: str) -> None:
    """K004 on a line of the manuscript holding an index mark with neither text nor entry."""
    if _EMPTY_INDEX_MARK.search(line):
        found.add("K004", source, number)


def unreferenced(found: Problems, book: Book) -> None:
    """K002, K003: glossary terms and people the text never names, searched in the loaded chapters' text."""
    text = " ".join([c.title for c in book.chapters()] + [tok.content for c in book.chapters()
                    for tokens in (c.tokens, *(n.tokens for n in c.notes)) for tok in tokens if tok.type == "inline"])  # fmt: skip
    glossary, people = book.back_item(Glossary), book.back_item(Biographies)
    for term in glossary.terms if glossary else []:
        if not any(re.search(rf"\b{re.escape(form)}\b", text) for form in [term.term, *term.forms]):
            found.add("K002", glossary.source, term.where.line, term.term)
    for person in people.people if people else []:
        if not any(re.search(rf"\b{re.escape(form)}\b", text) for form in [person.surname, *person.forms, *person.aliases]):
            found.add("K003", people.source, person.where.line, person.index_name)
