"""EPUB 3 backend: the EPUB every store takes, packaged with the shared EPUB builder."""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostics
from ..files.output import write_atomic
from ..model import Book
from ..package.epub import EpubBuilder
from .options import Artifacts


def write_epub(book: Book, out_dir: Path, diagnostics: Diagnostics, artifacts: Artifacts) -> list[Path]:
    out = out_dir / f"{book.metadata.slug}.epub"
    write_atomic(out, EpubBuilder(book, diagnostics, pages=artifacts.pages).build())
    return [out]
