"""Print PDF backend: the print interior, `<slug>.pdf`, assembled by the PDF engine (pdf/) from the
layout stage's pieces."""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostics
from ..files.output import write_atomic
from ..model import Book
from ..pdf.assembly import pdf_document
from .options import Artifacts


def write_pdf(book: Book, out_dir: Path, diagnostics: Diagnostics, artifacts: Artifacts) -> list[Path]:
    out = out_dir / f"{book.metadata.slug}.pdf"
    write_atomic(out, pdf_document(artifacts.layout))
    return [out]
