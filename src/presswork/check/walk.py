"""Every line of text the book holds (chapters, notes, back matter) handed to each category's checks
at its file:line. It walks the tokens the loader parsed (the build's own model), so that every block
is checked: headings, table cells, notes' later paragraphs."""

from __future__ import annotations

from pathlib import Path

from markdown_it.token import Token

from ..errors import Location
from ..model import Biographies, Book, Chapter, Chronology, Glossary
from . import fonts, links, metadata, notes, scripts, typography
from .codes import Problems
from .editor import chapter_marks
from .prose import prose as prose_of


def chapter(found: Problems, chapter: Chapter) -> None:
    """A chapter's title, body and notes, what the import left in it for the editor, and its notes' order."""
    source = chapter.source
    text_line(found, source, chapter.title_line, chapter.title)
    made = blocks(found, source, chapter.tokens)
    for note in chapter.notes:
        made += blocks(found, source, note.tokens)
        notes.empty(found, source, note)
    for mark in chapter_marks(chapter):  # what the import left for the editor (N005, N006, N007, I006)
        found.add(mark.code, mark.where.file or source, mark.where.line, mark.detail)
    notes.order(found, source, made)


def back_matter(found: Problems, book: Book) -> None:
    """Back matter kept as data: its texts and Markdown, at the line of their entry."""
    glossary, people, chronology = book.back_item(Glossary), book.back_item(Biographies), book.back_item(Chronology)
    for term in glossary.terms if glossary else []:
        _texts(found, glossary.source, term.where.line, [term.term, term.original or "", *term.forms])
        blocks(found, glossary.source, term.definition, term.where)
    for person in people.people if people else []:
        _texts(found, people.source, person.where.line, [person.surname, person.given or "", person.patronymic or "",
                                                         *person.aliases, person.born.place or "", person.died.place or ""])  # fmt: skip
        blocks(found, people.source, person.text, person.where)
    if people:
        blocks(found, people.source, people.note, Location(people.source, people.note_line))
    for group in chronology.groups if chronology else []:
        _texts(found, chronology.source, group.line, [group.title or ""])
        for row, line in zip(group.rows, group.row_lines):
            blocks(found, chronology.source, row, Location(chronology.source, line))


def blocks(found: Problems, source: Path, tokens: list[Token], entry: Location | None = None) -> list[notes.Call]:
    """Checks every inline run of `tokens` (with a table's caption) at its line in `source`, or all
    at the line of `entry` for back matter, whose Markdown comes from one YAML entry (its token
    lines count from the entry's text, not the file); returns the note calls in order."""
    made: list[notes.Call] = []
    inlines = [inline for tok in tokens for inline in ((tok, tok.meta["caption"]) if tok.meta.get("caption") else (tok,))
               if inline.type == "inline"]  # fmt: skip
    for index, inline in enumerate(inlines):
        first = entry.line if entry else inline.map[0] + 1 if inline.map else None
        runs_on = index + 1 < len(inlines) and typography.opens_with_quote(inlines[index + 1])
        made += _inline(found, source, inline, first, spread=entry is None, runs_on=runs_on)
    return made


def _inline(found: Problems, source: Path, inline: Token, first: int | None, spread: bool, runs_on: bool) -> list[notes.Call]:
    def at(offset: int) -> int | None:
        return first + offset if spread and first is not None else first

    for offset, line in enumerate(inline.content.split("\n")):  # the source as written, block markup removed
        text_line(found, source, at(offset), line)
    typography.balance(found, source, first, inline, runs_on)
    return notes.calls(found, source, inline, at)


def text_line(found: Problems, source: Path, number: int | None, line: str) -> None:
    """The checks on one line of text as the author wrote it, on its prose (markup removed) or on the line."""
    prose = prose_of(line)
    scripts.prose_line(found, source, number, prose)
    fonts.prose_line(found, source, number, prose)
    metadata.starter_text(found, source, number, line)
    typography.prose_line(found, source, number, prose)
    links.empty_index_mark(found, source, number, line)


def _texts(found: Problems, source: Path, line: int | None, texts: list[str]) -> None:
    for value in texts:
        text_line(found, source, line, value)
