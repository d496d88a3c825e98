"""M: what the stores and the title page need from book.yaml (ISBN, description, cover, date), and
what `presswork init` wrote for the author to replace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image

from ..errors import Diagnostics, PressworkError
from ..load.sources import BOOK_YAML, read_text
from ..load.yamlfile import line_of, parse_yaml
from ..model import Book
from ..package.epub import cover_shortfalls
from .codes import Problems
from .placeholders import PLACEHOLDERS, STARTER_TEXT


def book_metadata(found: Problems, book: Book) -> None:
    """M001–M004 and M006: what the stores ask for that book.yaml does not give."""
    meta = book.metadata
    if not (meta.isbn_ebook or meta.isbn_paperback):
        found.add("M001", BOOK_YAML, None)
    if not meta.description:
        found.add("M002", BOOK_YAML, None)
    if not meta.cover:
        found.add("M003", BOOK_YAML, None)
    else:
        with Image.open(book.root / meta.cover) as cover:
            for message, fix in cover_shortfalls(*cover.size):  # what `build kindle` warns about
                found.add("M004", meta.cover, None, message, fix)
    if not meta.date:
        found.add("M006", BOOK_YAML, None)


def starter_text(found: Problems, source: Path, number: int | None, line: str) -> None:
    """M005 on a line of the manuscript that still holds an instruction of the starter files."""
    for starter in STARTER_TEXT:
        if starter in line:
            found.add("M005", source, number, f"the starter text {starter!r}", "write the book's own text here")


def placeholders(found: Problems, root: Path) -> None:
    """M005 for each value `presswork init` wrote in book.yaml that is still there, at its line."""
    data = book_yaml(root)
    for placeholder in PLACEHOLDERS:
        for value in _values(data, placeholder.keys):
            if value == placeholder.value:
                found.add("M005", BOOK_YAML, line_of(value), f"{placeholder.what} is still {placeholder.value!r}", placeholder.fix)


def book_yaml(root: Path) -> Any:
    """book.yaml as the loader's bounded, line-aware YAML reads it, whether or not the book loads
    (the model keeps no line of a value, nor the `check` settings); None when it cannot be read
    (the loader says why: L001)."""
    try:
        return parse_yaml(read_text(root, BOOK_YAML, Diagnostics()), BOOK_YAML)
    except (OSError, PressworkError):
        return None


def _values(data: Any, keys: tuple[str, ...]) -> Iterator[Any]:
    """The values at `keys` in parsed YAML, "*" standing for each item of a list."""
    if not keys:
        yield data
    elif keys[0] == "*" and isinstance(data, list):
        for item in data:
            yield from _values(item, keys[1:])
    elif isinstance(data, dict) and keys[0] in data:
        yield from _values(data[keys[0]], keys[1:])
