"""The book's own stylesheets (its styles/ folder), read once and checked at load, so no later stage
reads the book folder again."""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostics, Location, PressworkError
from ..text.css import LOADS, NO_LOADS, STYLES, first_load, unclosed
from .sources import read_text, require_file, resolve_inside


def load_styles(root: Path, diagnostics: Diagnostics) -> dict[str, str]:
    """Every *.css of the book's styles/ folder by file name, in name order."""
    if not (root / STYLES).is_dir():
        return {}
    names = sorted(path.name for path in (root / STYLES).glob("*.css"))
    return {name: _book_css(root, STYLES / name, diagnostics) for name in names}


def _book_css(root: Path, name: Path, diagnostics: Diagnostics) -> str:
    """A CSS file of the book, which must lie inside the book and load nothing: a url() or @import
    would reach files outside the book (or the network) and make the EPUB invalid."""
    relative = resolve_inside(root, name.as_posix(), Location(name))
    require_file(root, relative, Location(name), "stylesheet")
    text = read_text(root, name, diagnostics)
    load = first_load(text)
    if load is not None:
        raise PressworkError(f"the book's CSS {LOADS}", Location(name, load.source_line), NO_LOADS)
    open_at = unclosed(text)
    if open_at is not None:
        raise PressworkError("the stylesheet ends inside an unclosed comment, string or block, which would swallow "
                             "the next stylesheet", Location(name, open_at), "close it")  # fmt: skip
    return text
