"""F: characters the book face has no glyph for, which readers would see in a fallback font."""

from __future__ import annotations

from pathlib import Path

from ..load.sources import BOOK_YAML
from ..model import Book
from ..render import fonts
from .codes import Problems, problem


def prose_line(found: Problems, source: Path, number: int | None, prose: str) -> None:
    """F001 for each character of one line of prose that the book face lacks."""
    for char in fonts.missing_characters(prose):
        found.add("F001", source, number, f"{char!r} U+{ord(char):04X}")


def glyph_gaps(found: Problems, book: Book) -> None:
    """F001 for each character the build warns about that the line checks did not find (in
    book.yaml, code or markup), so that check lists all a build's summary counts."""
    seen = {(p.file, p.message) for p in found if p.code == "F001"}
    for char, where in fonts.glyph_gaps(book):
        gap = problem("F001", where.file or BOOK_YAML, where.line, f"{char!r} U+{ord(char):04X}")
        if (gap.file, gap.message) not in seen:
            found.append(gap)
