"""I: figures and the cover as files — unused, too coarse for print, without alt text, of a colour
mode the PDF variant forbids or e-book readers mishandle."""

from __future__ import annotations

from PIL import Image

from ..model import IMAGE_TYPES, Book
from ..text.markers import is_placeholder
from .codes import Problems


def images(found: Problems, book: Book) -> None:
    """I002–I005 and I007 (I001, a missing image, is the loader's error; I006 an editor's mark)."""
    meta = book.metadata
    if meta.cover:
        with Image.open(book.root / meta.cover) as cover:
            if cover.mode == "CMYK":
                found.add("I007", meta.cover, None, f"the cover {meta.cover} is CMYK")
    used = {f.src for f in book.figures()} | ({meta.cover} if meta.cover else set())
    text_width = book.print.width - book.print.outside - book.print.gutter(0)
    for figure in book.figures():
        if not figure.alt.strip():
            found.add("I004", figure.where.file, figure.where.line, str(figure.src))
        if figure.src.suffix.lower() == ".svg" or is_placeholder(figure.alt):  # drawn to any size, or an I006 stand-in
            continue
        if not (book.root / figure.src).is_file():  # I001, the loader's error: it read on past it
            continue
        with Image.open(book.root / figure.src) as image:
            placed = min(image.width / 96, text_width)
            if image.width / placed < 300:
                found.add("I003", figure.where.file, figure.where.line, f"{figure.src}: {image.width / placed:.0f} ppi")
            variant = book.print.pdf_variant or ""
            if (variant == "pdf/x-1a" and image.mode not in ("CMYK", "L", "1")) or (
                variant in ("pdf/x-1a", "pdf/x-3", "pdf/a-1b") and image.mode in ("RGBA", "LA", "PA")):  # fmt: skip
                found.add("I005", figure.where.file, figure.where.line, f"{figure.src} is {image.mode}")
            if image.mode == "CMYK":  # YCCK JPEGs too: Pillow reads them as CMYK
                found.add("I007", figure.where.file, figure.where.line, f"{figure.src} is CMYK")
    folder = book.root / "images"
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.suffix.lower() in IMAGE_TYPES and path.relative_to(book.root) not in used:
            found.add("I002", path.relative_to(book.root), None)
