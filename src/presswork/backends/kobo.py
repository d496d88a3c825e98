"""Kobo backend: the EPUB as a kepub, `<slug>.kepub.epub`, for side-loading onto a Kobo reader.

The `.kepub.epub` name makes Kobo's firmware open the book in its kepub reader (reading
statistics, page-turn animations, better hyphenation) rather than the Adobe engine it uses for a
plain EPUB; that reader anchors highlights, bookmarks and the reading position on Kobo's spans,
which package/kepub.py adds to the same EPUB every store gets. Kobo's store itself takes the EPUB
and makes its own kepub from it.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostics
from ..files.output import write_atomic
from ..model import Book
from ..package.epub import EpubBuilder, Profile
from ..package.kepub import kepub_document
from .options import Artifacts

KOBO = Profile(suffix=".kepub.epub", rewrite=kepub_document)


def write_kobo(book: Book, out_dir: Path, diagnostics: Diagnostics, artifacts: Artifacts) -> list[Path]:
    out = out_dir / f"{book.metadata.slug}{KOBO.suffix}"
    write_atomic(out, EpubBuilder(book, diagnostics, KOBO, pages=artifacts.pages).build())
    return [out]
