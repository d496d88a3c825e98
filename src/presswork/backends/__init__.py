"""The backends, one product each, and their registry: a new backend is one module here and one
line in BACKENDS, naming the artifacts (`layout`, `page_map`) the orchestrator must hand it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostics
from ..model import Book
from . import epub, kindle, pdf
from .options import Artifacts


@dataclass(frozen=True)
class Backend:
    name: str
    write: Callable[[Book, Path, Diagnostics, Artifacts], list[Path]]  # writes into a folder, returns the paths
    needs: frozenset[str] = frozenset()  # artifacts: "layout", "page_map"


BACKENDS: dict[str, Backend] = {b.name: b for b in (
    Backend("epub", epub.write_epub, frozenset({"page_map"})),  # EPUB 3 for every ebook store
    Backend("pdf", pdf.write_pdf, frozenset({"layout"})),  # print-ready PDF for a printer or print on demand
    Backend("kindle", kindle.write_kindle, frozenset({"page_map"})),  # KDP-ready EPUB, and an AZW3 with calibre
)}  # fmt: skip
