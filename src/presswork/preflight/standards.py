"""Each standard's checker: the checks of this package a printer's profile runs for it."""

from __future__ import annotations

from pathlib import Path

from .document import opened
from .findings import Finding
from .structure import annotations_in_trim, info_keys, output_intent, page_boxes


def pdfx1a(path: Path) -> list[Finding]:
    """PDF/X-1a:2001/2003 (ISO 15930-1/-4)."""
    with opened(path) as pdf:
        return [*output_intent(pdf, "GTS_PDFX"), *info_keys(pdf, "PDF/X-1"), *page_boxes(pdf),
                *annotations_in_trim(pdf)]  # fmt: skip
