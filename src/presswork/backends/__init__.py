"""The backends, one product each, and their registry: a new backend is one module here and one
line in BACKENDS, naming the artifacts (`layout`, `page_map`) the orchestrator must hand it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostics
from ..model import Book
from . import digital, epub, kindle, kobo, pdf, web
from .options import Artifacts


@dataclass(frozen=True)
class Backend:
    name: str
    write: Callable[[Book, Path, Diagnostics, Artifacts], list[Path]]  # writes into a folder, returns the paths
    needs: frozenset[str] = frozenset()  # artifacts: "layout", "page_map"
    in_all: bool = False  # made by `build all` (the three products every book ships); `build every` makes all
    folder: bool = False  # the product is a folder of files (the web edition), not one file


BACKENDS: dict[str, Backend] = {b.name: b for b in (
    Backend("epub", epub.write_epub, frozenset({"page_map"}), in_all=True),  # EPUB 3 for every ebook store
    Backend("pdf", pdf.write_pdf, frozenset({"layout"}), in_all=True),  # print-ready PDF for a printer or print on demand
    Backend("kindle", kindle.write_kindle, frozenset({"page_map"}), in_all=True),  # KDP-ready EPUB, and an AZW3 with calibre
    Backend("kobo", kobo.write_kobo, frozenset({"page_map"})),  # kepub for side-loading onto a Kobo reader
    Backend("digital", digital.write_digital),  # tagged PDF/UA screen edition for libraries and direct sale
    Backend("web", web.write_web, folder=True),  # a static site of the book, <slug>-web/, for any web server or a folder on disk
)}  # fmt: skip
