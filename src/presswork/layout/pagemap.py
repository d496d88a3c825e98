"""Where the print edition's pages begin, for the EPUB's page list and the index's locators.

The PDF backend lays the book out and records, for every printed page of the body, the block
(paragraph, heading, figure, chapter opening …) in which that page begins, and for every index
anchor the page it falls on. Laying out costs seconds, so the map is cached on disk, keyed by
everything that can move a page break.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import __version__
from ..files.folders import inside_book
from ..files.output import write_atomic, writing_into
from ..model import Book

CACHE = Path("build/.cache")

PACKAGE = Path(__file__).resolve().parent.parent


@dataclass
class PageMap:
    labels: dict[str, str] = field(default_factory=dict)  # index anchor id -> page label
    breaks: dict[str, list[str]] = field(default_factory=dict)  # block id -> labels of pages beginning in it
    pages: list[str] = field(default_factory=list)  # every body page label, in order


def cache_key(book: Book) -> str:
    """A digest of every input that can move a page break: manuscript, styles, fonts' settings, code.
    Only files inside the book count: a symlink out of it is neither followed nor read."""
    digest = hashlib.sha256(f"{__version__}\n{book.print}\n".encode())
    bases = [(book.root / "manuscript", book.root), (book.root / "styles", book.root), (PACKAGE / "styles", None)]
    for base, root in bases:
        for path in _files(base, root):
            digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
    for module in sorted(PACKAGE.rglob("*.py")):  # every stage's code, in every subpackage
        digest.update(module.relative_to(PACKAGE).as_posix().encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()[:32]


def _files(base: Path, root: Path | None) -> list[Path]:
    """Every regular file under `base`, sorted; with `root`, only what resolves inside it (a
    symlink out is neither entered nor read), and a folder reached twice (a link loop) once."""
    found, seen = [], set()
    for folder, dirs, names in os.walk(base, followlinks=True):
        real = Path(folder).resolve()
        if real in seen or (root and not inside_book(root, real)):
            dirs[:] = []
            continue
        seen.add(real)
        found += [Path(folder) / name for name in names]
    return sorted(p for p in found if p.is_file() and (root is None or inside_book(root, p)))


def load_cached(book: Book) -> PageMap | None:
    """The cached map, or None when there is none, it lies outside the book, or it is unreadable
    (a torn or hand-edited file is rebuilt, not an error)."""
    folder = _cache_folder(book)
    path = folder / f"pagemap-{cache_key(book)}.json" if folder else None
    if path is None or not path.is_file() or not inside_book(book.root, path):
        return None
    try:
        pages = PageMap(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    shapes = (isinstance(pages.labels, dict), isinstance(pages.breaks, dict), isinstance(pages.pages, list))
    return pages if all(shapes) else None


def store(book: Book, pages: PageMap) -> None:
    """Replace the cached map, atomically; not at all when build/ leads out of the book."""
    folder = _cache_folder(book)
    if folder is None:
        return
    with writing_into(folder):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("pagemap-*.json"):
            old.unlink()
        write_atomic(folder / f"pagemap-{cache_key(book)}.json", json.dumps(asdict(pages), sort_keys=True).encode())


def _cache_folder(book: Book) -> Path | None:
    """build/.cache, or None when a symlink carries it out of the book: no cache rather than
    reading or writing someone else's folder."""
    folder = book.root / CACHE
    return folder if inside_book(book.root, folder) else None
