"""The backends, one product each, and their registry: a new backend is one module here, named
after its product and defining `write_NAME`, and one line in BACKENDS, naming the artifacts
(`layout`, `page_map`) the orchestrator must hand it. A backend's module is imported when its
product is written, so that a command pays at start for no product's libraries."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..errors import Diagnostics
    from ..model import Book
    from .options import Artifacts


@dataclass(frozen=True)
class Backend:
    name: str  # the product, and its module here
    needs: frozenset[str] = frozenset()  # artifacts: "layout", "page_map"
    in_all: bool = False  # made by `build all` (the three products every book ships); `build every` makes all
    folder: bool = False  # the product is a folder of files (the web edition), not one file

    def write(self, book: Book, out_dir: Path, diagnostics: Diagnostics, artifacts: Artifacts) -> list[Path]:
        """Write the product into `out_dir` and return its paths."""
        module = import_module(f"{__name__}.{self.name}")
        return getattr(module, f"write_{self.name}")(book, out_dir, diagnostics, artifacts)


BACKENDS: dict[str, Backend] = {b.name: b for b in (
    Backend("epub", frozenset({"page_map"}), in_all=True),  # EPUB 3 for every ebook store
    Backend("pdf", frozenset({"layout"}), in_all=True),  # print-ready PDF for a printer or print on demand
    Backend("kindle", frozenset({"page_map"}), in_all=True),  # KDP-ready EPUB, and an AZW3 with calibre
    Backend("kobo", frozenset({"page_map"})),  # kepub for side-loading onto a Kobo reader
    Backend("digital"),  # tagged PDF/UA screen edition for libraries and direct sale
    Backend("web", folder=True),  # a static site of the book, <slug>-web/, for any web server or a folder on disk
)}  # fmt: skip
