"""Running heads shortened to fit one line (layout/heads.py's rule): said at the chapter's title, so
that an editor writes a `short_title` that reads better than the cut."""

from __future__ import annotations

from ..layout.heads import fitted
from ..model import Book
from ..text.typography import smarten_string
from .codes import Problems


def running_heads(found: Problems, book: Book) -> None:
    for chapter in book.chapters():
        head = smarten_string(chapter.short_title, book.metadata.language)
        short = fitted(head, book.print)
        if short != head:
            found.add("P001", chapter.source, chapter.title_line,
                 f"the running head {head!r} is too wide for one line: printed as {short!r}")  # fmt: skip
