"""The editor's marks a loaded book still holds (text/markers.py says what they look like): `check`
lists each under its code, `build --strict` and `dist` refuse a book whose readers would see them, and
words mixing scripts (S001 errors), which no reader sees and no search finds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..errors import Diagnostics, Location, PressworkError
from ..model import Book, Chapter
from ..text.labels import counted
from ..text.markers import KINDS, MISSING_NOTE_TEXT, UNCALLED_NOTES_CLASS, is_placeholder, note_residue
from .prose import mixed_words, prose
from .settings import ignore_rules

# What the release gates refuse besides the editor's marks, singular and plural, by code.
_REFUSED = {**KINDS, "S001": ("word mixing scripts", "words mixing scripts")}


@dataclass(frozen=True)
class EditorMark:
    """One thing in the manuscript that is for the editor, not the reader."""

    code: str  # a key of KINDS
    where: Location
    detail: str


def chapter_marks(chapter: Chapter) -> list[EditorMark]:
    """The editor's marks of one chapter in the order of its lines: each call listed under the
    marker of uncalled notes (at its line), each note whose text is missing, each note marker left
    in the text (an export's ^{12}, [12.](#), a paragraph opening with a note's number), each
    placeholder figure."""
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
    for tokens in (chapter.tokens, *(note.tokens for note in chapter.notes)):
        for inline in tokens:
            for marker in note_residue(inline.content) if inline.type == "inline" else []:
                yield EditorMark("N007", Location(source, inline.map[0] + 1 if inline.map else None), marker)
    for note in chapter.notes:
        if any(MISSING_NOTE_TEXT in tok.content for tok in note.tokens):
            yield EditorMark("N006", Location(source, note.where.line), f"[^{note.label}]")
    for figure in chapter.figures:
        if is_placeholder(figure.alt):
            yield EditorMark("I006", figure.where, str(figure.src))


def book_marks(chapters: Iterable[Chapter]) -> list[EditorMark]:
    return [mark for chapter in chapters for mark in chapter_marks(chapter)]


def mixed_script_words(book: Book) -> list[EditorMark]:
    """S001 in the chapters' text and notes, but for what the book's `check: ignore` accepts."""
    ignore = ignore_rules(book.root)
    found = []
    for chapter in book.chapters():
        if any(r["code"] == "S001" and r.get("file") in (None, str(chapter.source)) for r in ignore):
            continue
        for tokens in (chapter.tokens, *(note.tokens for note in chapter.notes)):
            for inline in (tok for tok in tokens if tok.type == "inline"):
                first = inline.map[0] + 1 if inline.map else None
                for offset, line in enumerate(inline.content.split("\n")):
                    found += [EditorMark("S001", Location(chapter.source, first + offset if first else None),
                                         f"{word!r} ({' + '.join(scripts)})") for word, scripts in mixed_words(prose(line))]  # fmt: skip
    return found


def require_no_marks(book: Book, diagnostics: Diagnostics, refuse: bool = False) -> None:
    """One line on the editor's marks a book still holds and its words mixing scripts, with their
    count and the first one's file:line: a warning (an error under --strict), or an error when
    `refuse` (dist: what ships)."""
    marks = sorted(book_marks(book.chapters()) + mixed_script_words(book), key=lambda m: (str(m.where.file), m.where.line or 0))
    if not marks:
        return
    counts = Counter(mark.code for mark in marks)
    kinds = ", ".join(counted(n, *_REFUSED[code]) for code, n in sorted(counts.items()))
    message = counted(len(marks), "editor's mark") + f" would reach readers ({kinds}); the first is here"
    hint = "resolve them (presswork check lists them all under " + ", ".join(sorted(counts)) + ")"
    if refuse:
        raise PressworkError(message, marks[0].where, hint)
    diagnostics.warn(message, marks[0].where, hint)
