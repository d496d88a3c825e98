"""Where the print edition's pages begin, for the EPUB's page list and the index's locators.

The PDF backend lays the book out and records, for every printed page of the body, the block
(paragraph, heading, figure, chapter opening …) in which that page begins, and for every index
anchor the page it falls on. Laying out costs seconds, so the map is cached on disk, keyed by
everything that can move a page break.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .model import Book

CACHE = Path("build/.cache")


@dataclass
class PageMap:
    labels: dict[str, str] = field(default_factory=dict)  # index anchor id -> page label
    breaks: dict[str, list[str]] = field(default_factory=dict)  # block id -> labels of pages beginning in it
    pages: list[str] = field(default_factory=list)  # every body page label, in order


def cache_key(book: Book) -> str:
    """A digest of every input that can move a page break: manuscript, styles, fonts' settings, code."""
    digest = hashlib.sha256(f"{__version__}\n{book.print}\n".encode())
    files = [book.root / "manuscript"] + [book.root / "styles", Path(__file__).parent / "styles"]
    for base in files:
        for path in sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else []:
            digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:32]


def load_cached(book: Book) -> PageMap | None:
    path = book.root / CACHE / f"pagemap-{cache_key(book)}.json"
    if not path.is_file():
        return None
    return PageMap(**json.loads(path.read_text(encoding="utf-8")))


def store(book: Book, pages: PageMap) -> None:
    folder = book.root / CACHE
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("pagemap-*.json"):
        old.unlink()
    (folder / f"pagemap-{cache_key(book)}.json").write_text(json.dumps(asdict(pages), sort_keys=True), encoding="utf-8")
