"""Placeholder figures marked in the print PDF, so a preflight that reads only the file knows them:
the image XObject of a figure the book calls a placeholder (its alt text says so, as the legacy
importer writes it; `check`'s I006) carries `/PressworkPlaceholder true`, a key of presswork's own
that PDF readers ignore. A placeholder is a stand-in until the real image comes, so judging its
resolution would only repeat what I006 says; `presswork preflight` skips it and says so once.

The image is recognised by its pixels (decoded from the PDF, compared with the figure's file);
Ghostscript's rewrite (PDF/X, PDF/A-1b) keeps neither unknown keys nor, for X-3 and X-4, the pixels,
so after it an image of a placeholder's pixel size on a page that held one is marked again."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import pikepdf
from PIL import Image

from ..model import Book
from ..text.markers import is_placeholder

KEY = pikepdf.Name("/PressworkPlaceholder")
Size = tuple[int, int]
Placed = set[tuple[int, int, int]]  # (page index, width, height) of each marked image


def placeholder_pixels(book: Book) -> dict[Size, set[bytes]]:
    """The digests of the book's placeholder figures' pixels, by pixel size; empty for most books."""
    found: dict[Size, set[bytes]] = {}
    for figure in book.figures():
        if is_placeholder(figure.alt) and figure.src.suffix.lower() != ".svg":
            with Image.open(book.root / figure.src) as image:
                found.setdefault(image.size, set()).add(_digest(image))
    return found


def mark_placeholders(pdf: pikepdf.Pdf, pixels: dict[Size, set[bytes]]) -> Placed:
    """Every image in `pdf` whose pixels are a placeholder's marked with `KEY`; where they were."""
    placed: Placed = set()
    verdicts: dict[tuple[int, int], bool] = {}  # an image shared by a piece's pages is decoded once
    for number, page in enumerate(pdf.pages):
        for image in _images(page.obj.get("/Resources")):
            size = (int(image.get("/Width", 0)), int(image.get("/Height", 0)))
            if size not in pixels:
                continue
            if image.objgen not in verdicts:
                verdicts[image.objgen] = _pdf_digest(image) in pixels[size]
            if verdicts[image.objgen]:
                image[KEY] = True
                placed.add((number, *size))
    return placed


def mark_again(data: bytes, placed: Placed) -> bytes:
    """`data` (rewritten by Ghostscript) with the images of a placeholder's size on its pages marked."""
    pdf = pikepdf.open(io.BytesIO(data))
    for number, page in enumerate(pdf.pages):
        for image in _images(page.obj.get("/Resources")):
            if (number, int(image.get("/Width", 0)), int(image.get("/Height", 0))) in placed:
                image[KEY] = True
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, min_version=pdf.pdf_version, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()


def _digest(image: Image.Image) -> bytes:
    return hashlib.sha256(image.convert("RGB").tobytes()).digest()


def _pdf_digest(image: pikepdf.Stream) -> bytes:
    """`_digest` of an image XObject's pixels. An 8-bit RGB image compressed only with Flate (as
    WeasyPrint writes a PNG or RGBA figure) holds its RGB pixels as they are once inflated, so they
    are digested without making an image of them (three times faster); any other kind is decoded."""
    if (image.get("/ColorSpace") == pikepdf.Name.DeviceRGB and image.get("/BitsPerComponent") == 8
            and image.get("/Filter") == pikepdf.Name.FlateDecode and "/Decode" not in image):  # fmt: skip
        return hashlib.sha256(image.read_bytes()).digest()
    return _digest(pikepdf.PdfImage(image).as_pil_image())


def _images(resources: pikepdf.Object | None, depth: int = 0) -> Iterator[pikepdf.Stream]:
    """The image XObjects in `resources` and the forms they hold (a bounded depth)."""
    if resources is None or depth > 12:
        return
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == pikepdf.Name.Image:
            yield xobject
        elif xobject.get("/Subtype") == pikepdf.Name.Form:
            yield from _images(xobject.get("/Resources"), depth + 1)
