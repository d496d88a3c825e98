"""What the legacy importer writes into a manuscript for an editor to resolve, in one place, so
that `check` finds exactly what the importer writes without importing the importer, and `build
--strict` and `dist` refuse a book whose readers would still see it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..errors import Diagnostics, Location, PressworkError
from ..model import Book, Chapter
from .labels import counted

# The class of the editor's marker that lists notes the export gives without a call in the text.
UNCALLED_NOTES_CLASS = "import-note"
UNCALLED_NOTES_LABEL = "Notes the export gives without a call in the text:"
# The text of a note whose call the export has but whose text it lacks.
MISSING_NOTE_TEXT = "The text of this note is missing from the export."
# The importer's stand-in for a lost illustration says so in its alt text; so may an author's.
_PLACEHOLDER = re.compile(r"\s*placeholder\b", re.IGNORECASE)
# What each kind of mark is, singular and plural, by the code `check` reports it under.
KINDS = {"N005": ("note without a call", "notes without a call"), "N006": ("note without its text", "notes without their text"),
         "I006": ("placeholder figure", "placeholder figures")}


def is_placeholder(alt: str) -> bool:
    """An image that stands in for a missing one describes nothing, whatever its alt text says."""
    return bool(_PLACEHOLDER.match(alt))


@dataclass(frozen=True)
class EditorMark:
    """One thing in the manuscript that is for the editor, not the reader."""

    code: str  # a key of KINDS
    where: Location
    detail: str


def chapter_marks(chapter: Chapter) -> list[EditorMark]:
    """The editor's marks of one chapter in the order of its lines: each call listed under the
    marker of uncalled notes (at its line), each note whose text is missing, each placeholder figure."""
    return sorted(_marks(chapter), key=lambda mark: mark.where.line or 0)


def _marks(chapter: Chapter) -> Iterator[EditorMark]:
    source = chapter.source
    for tokens in (chapter.tokens, *(note.tokens for note in chapter.notes)):
        for inline in tokens:
            children = inline.children or []
            if inline.type != "inline" or not any(
                    c.type == "span_open" and UNCALLED_NOTES_CLASS in str(c.attrGet("class") or "").split() for c in children):  # fmt: skip
                continue
            line = inline.map[0] + 1 if inline.map else None
            for child in children:
                line = line + 1 if line is not None and child.type in ("softbreak", "hardbreak") else line
                if child.type == "footnote_ref":
                    yield EditorMark("N005", Location(source, line), f"[^{child.meta['label']}]")
    for note in chapter.notes:
        if any(MISSING_NOTE_TEXT in tok.content for tok in note.tokens):
            yield EditorMark("N006", Location(source, note.where.line), f"[^{note.label}]")
    for figure in chapter.figures:
        if is_placeholder(figure.alt):
            yield EditorMark("I006", figure.where, str(figure.src))


def book_marks(chapters: Iterable[Chapter]) -> list[EditorMark]:
    return [mark for chapter in chapters for mark in chapter_marks(chapter)]


def require_no_marks(book: Book, diagnostics: Diagnostics, refuse: bool = False) -> None:
    """One line on the editor's marks a book still holds, with their count and the first one's
    file:line: a warning (an error under --strict), or an error when `refuse` (dist: what ships)."""
    marks = book_marks(book.chapters())
    if not marks:
        return
    counts = Counter(mark.code for mark in marks)
    kinds = ", ".join(counted(n, *KINDS[code]) for code, n in sorted(counts.items()))
    message = counted(len(marks), "editor's mark") + f" would reach readers ({kinds}); the first is here"
    hint = "resolve them (presswork check lists them all under N005, N006, I006)"
    if refuse:
        raise PressworkError(message, marks[0].where, hint)
    diagnostics.warn(message, marks[0].where, hint)
