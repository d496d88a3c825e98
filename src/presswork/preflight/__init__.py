"""Preflight: the checks a printer's or a library's tool runs on a finished PDF, reading the file
itself (pikepdf) and never what presswork meant to write. `STANDARDS` maps a standard's name (the
`--standard` of `presswork preflight`) to its checker, `(path) -> list[Finding]`; a new standard is
a module here and one line below."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import Location, PressworkError
from .cover import cover
from .declared import claims
from .document import opened
from .findings import Finding
from .pdfua import pdfua1
from .standards import PDFA, ingramspark, kdp, pdfx1a, pdfx3, pdfx4

Checker = Callable[[Path], list[Finding]]

STANDARDS: dict[str, Checker] = {
    "pdf/x-1a": pdfx1a,
    "pdf/x-3": pdfx3,
    "pdf/x-4": pdfx4,
    **PDFA,
    "kdp": kdp,
    "ingramspark": ingramspark,
    "pdf/ua-1": pdfua1,
    "cover": cover,
}


def preflight(path: Path, standard: str) -> list[Finding]:
    """The findings of one standard's checker on the file at `path`, in page order."""
    return sorted(STANDARDS[standard](path), key=lambda f: (f.page or 0, f.code))


def declared(path: Path) -> list[str]:
    """The standards the file claims that preflight can check; none is the user's error."""
    with opened(path) as pdf:
        names = [name for name in claims(pdf) if name in STANDARDS]
    if not names:
        raise PressworkError("the PDF declares no standard preflight checks", Location(path),
                             f"name one with --standard ({', '.join(sorted(STANDARDS))})")
    return names


__all__ = ["STANDARDS", "Checker", "Finding", "declared", "preflight"]
