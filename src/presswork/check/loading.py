"""L: whether the book loads, and the loader's warnings, under their codes; and, for a book that does
not load, its Markdown files parsed as the loader parses them, so that their lines are still checked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from markdown_it.token import Token

from ..errors import Diagnostics, Location, PressworkError, Warning_
from ..load.book import MANUSCRIPT
from ..load.chapters import split_front_matter, split_notes
from ..load.sources import BOOK_YAML, read_text
from ..model import Chapter, Note
from ..text.markdown import parse
from .codes import CODES, Problem, Problems

_STOP = "until it is fixed the book does not load, and the checks that need it wait"


def loader_warning(warning: Warning_) -> Problem:
    """A loader's warning under its stable code, in the loader's own words."""
    code = warning.code if warning.code in CODES else "L002"
    severity, _, fix = CODES[code]
    return Problem(code, severity, str(warning.where.file or BOOK_YAML), warning.where.line, warning.message, warning.hint or fix)


def load_failure(found: Problems, exc: PressworkError, loaded: bool = False) -> None:
    """One of the loader's errors, under its code (else L001) with its hint: one the other checks
    also find (an undefined note, N001) replaces their report of the same place, in the loader's
    words. `loaded`: the loader read past it, so the other checks ran on the book all the same."""
    file, line = str(exc.where.file or BOOK_YAML), exc.where.line
    code = exc.code if exc.code in CODES else "L001"
    same = next((p for p in found if (p.code, p.file, p.line) == (code, file, line)), None)
    if same is not None and code != "L001":
        found.remove(same)
    fix = exc.hint if loaded else f"{exc.hint}; {_STOP}" if exc.hint else _STOP
    found.append(Problem(code, "error", file, line, exc.message, fix or CODES[code][2]))


def unloaded_chapters(root: Path) -> Iterator[Chapter]:
    """The Markdown files of a book that does not load, parsed as the loader parses them but not
    validated. Only files inside the book are read."""
    for path in sorted((root / MANUSCRIPT).rglob("*.md")):
        source = path.relative_to(root)
        try:  # read_text refuses a file that leads outside the book, or is too big to be a chapter
            _, body = split_front_matter(read_text(root, source, Diagnostics()), source)
            tokens, notes = split_notes(parse(body, "en", Location(source, 1))[0])
        except (PressworkError, OSError):
            continue
        yield Chapter(id="", title="", short_title="", kind="chapter", matter="body", source=source, tokens=tokens,
                      notes=[Note(meta["id"] + 1, str(meta.get("label", "")), toks, Location(source, _first_line(toks)))
                             for meta, toks in notes])  # fmt: skip


def _first_line(tokens: list[Token]) -> int | None:
    return next((tok.map[0] + 1 for tok in tokens if tok.map), None)
