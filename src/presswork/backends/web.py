"""Web edition backend: the book as a static site in a folder, `<slug>-web/`, index.html at its root.

The folder is written whole in the staging folder and sealed with a manifest of its files, by which
a later build recognises it as presswork's and replaces it in one move (files.output.put_in_place).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostics
from ..files.output import seal_folder
from ..model import Book
from ..web.site import Site
from .options import Artifacts


def write_web(book: Book, out_dir: Path, diagnostics: Diagnostics, artifacts: Artifacts) -> list[Path]:
    folder = out_dir / f"{book.metadata.slug}-web"
    files = Site(book, diagnostics).build()
    folder.mkdir()
    for name, data in sorted(files.items()):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    seal_folder(folder)
    return [folder]
