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
    """K002, K003: glossary terms and people the text never names, searched in the loaded chapters' text
    as whole words (a term may end in a full stop: "D. of A."), or never marked (a mark's `ref=`
    reaches an entry by another wording)."""
    inlines = [tok for c in book.chapters() for tokens in (c.tokens, *(n.tokens for n in c.notes)) for tok in tokens
               if tok.type == "inline"]  # fmt: skip
    text = " ".join([c.title for c in book.chapters()] + [tok.content for tok in inlines])
    linked = {child.meta["link"] for tok in inlines for child in tok.children or [] if child.meta.get("link")}
    glossary, people = book.back_item(Glossary), book.back_item(Biographies)
    for term in glossary.terms if glossary else []:
        if term.id not in linked and not _named(text, [term.term, *term.forms]):
            found.add("K002", glossary.source, term.where.line, term.term)
    for person in people.people if people else []:
        if person.id not in linked and not _named(text, [person.surname, *person.forms, *person.aliases]):
            found.add("K003", people.source, person.where.line, person.index_name)


def _named(text: str, forms: list[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text) for form in forms)
