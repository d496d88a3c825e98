"""The PDF under preflight, opened with pikepdf from the file alone: a file that is no PDF is the
user's error, in one line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pikepdf

from ..errors import Location, PressworkError


@contextmanager
def opened(path: Path) -> Iterator[pikepdf.Pdf]:
    """The file as pikepdf reads it, closed after the checks."""
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as exc:
        raise PressworkError(f"cannot read this PDF: {exc}", Location(path), "preflight reads a PDF file") from None
    with pdf:
        yield pdf
