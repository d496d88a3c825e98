"""Digital PDF backend: the screen edition for libraries and direct sale, `<slug>-digital.pdf`, a
tagged PDF/UA-1 laid out as one document by the layout stage's screen layout (layout/digital.py)."""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostics
from ..files.output import write_atomic
from ..model import Book
from .options import Artifacts


def write_digital(book: Book, out_dir: Path, diagnostics: Diagnostics, artifacts: Artifacts) -> list[Path]:
    from ..layout.digital import digital_pdf  # WeasyPrint loads only when a build asks for this product

    out = out_dir / f"{book.metadata.slug}-digital.pdf"
    write_atomic(out, digital_pdf(book, diagnostics, artifacts.progress))
    return [out]
