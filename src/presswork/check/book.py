"""`check_book`: load the book, run every category's checks on the model the loader made (with
placeholders where it read past errors, or on the Markdown files of a book that does not load), and
drop what the book's settings ignore."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import Diagnostics, PressworkError, PressworkErrors
from ..load.book import load_book
from ..load.sources import BOOK_YAML
from . import fonts, heads, images, links, metadata, walk
from .codes import Problem, Problems, problem
from .loading import load_failure, loader_warning, unloaded_chapters
from .settings import ignore_rules


def check_book(root: Path, ignore: list[dict[str, Any]] | None = None) -> list[Problem]:
    """Every problem found, by file and line; `ignore` (else book.yaml's `check: ignore`) drops some."""
    problems = _problems(root)
    if ignore is None:
        try:
            ignore = ignore_rules(root)
        except PressworkError as exc:  # nothing is ignored until the list can be read
            problems.insert(0, problem("C001", exc.where.file or BOOK_YAML, exc.where.line, exc.message))
            ignore = []
    return [p for p in problems if not any(r["code"] == p.code and r.get("file") in (None, p.file) for r in ignore)]


def _problems(root: Path) -> list[Problem]:
    diagnostics, failures = Diagnostics(), []
    try:
        book = load_book(root, diagnostics)
    except PressworkErrors as exc:  # the loader read past them: the book, with placeholders, is checked too
        book, failures = exc.book, exc.errors
    except PressworkError as exc:
        book, failures = None, [exc]
    found = Problems(map(loader_warning, diagnostics.warnings))
    for chapter in book.chapters() if book is not None else unloaded_chapters(root):
        walk.chapter(found, chapter)
    if book is not None:
        walk.back_matter(found, book)
        metadata.book_metadata(found, book)
        fonts.glyph_gaps(found, book)
        images.images(found, book)
        links.unreferenced(found, book)
        heads.running_heads(found, book)
    for failure in failures:
        load_failure(found, failure, loaded=book is not None)
    metadata.placeholders(found, root)
    return sorted(found, key=lambda p: (p.file, p.line or 0))
