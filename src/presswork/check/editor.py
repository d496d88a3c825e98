"""The editor's marks a loaded book still holds (text/markers.py says what they look like): `check`
lists each under its code, `build --strict` and `dist` refuse a book whose readers would see them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..errors import Diagnostics, Location, PressworkError
from ..model import Book, Chapter
from ..text.labels import counted
from ..text.markers import KINDS, MISSING_NOTE_TEXT, UNCALLED_NOTES_CLASS, is_placeholder


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
