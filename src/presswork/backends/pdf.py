"""Print PDF backend: the laid-out pages (the layout stage's `Layout`) assembled into one PDF,
with blank versos before rectos and page labels equal to the printed folios."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pydyf

from ..errors import Diagnostics
from ..files.output import pdf_bytes, write_atomic
from ..layout.pieces import Layout
from ..model import Book
from .options import Artifacts

if TYPE_CHECKING:
    from weasyprint import Document


def pdf_document(book: Book, layout: Layout) -> bytes:
    """The PDF of every page of `layout`, in print order."""
    sequence = list(layout.sequence(layout.blank))
    front_pages = sum(1 for roman, _, _ in sequence if roman)
    document = layout.front[0].document.copy([page for _, _, page in sequence])

    def finish(doc: Document, pdf: pydyf.PDF) -> None:
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array([
            0, pydyf.Dictionary({"S": "/r"}), front_pages, pydyf.Dictionary({"S": "/D"})])})  # fmt: skip

    return pdf_bytes(document, book.metadata, layout.options.pdf_variant, finish)


def write_pdf(book: Book, out_dir: Path, diagnostics: Diagnostics, artifacts: Artifacts) -> list[Path]:
    out = out_dir / f"{book.metadata.slug}.pdf"
    write_atomic(out, pdf_document(book, artifacts.layout))
    return [out]
