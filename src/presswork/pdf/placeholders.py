"""Placeholder figures marked in the print PDF, so a preflight that reads only the file knows them:
the image XObject of a figure the book calls a placeholder (its alt text says so, as the legacy
importer writes it; `check`'s I006) carries `/PressworkPlaceholder true`, a key of presswork's own
that PDF readers ignore. A placeholder is a stand-in until the real image comes, so judging its
resolution would only repeat what I006 says; `presswork preflight` skips it and says so once.

Each piece's PDF is written with the mark (layout/typeset.py: the typesetter knows the images the
book's placeholder figures load), so the assembly copies it with the image. Ghostscript's rewrite
(PDF/X, PDF/A-1b) keeps neither unknown keys nor, for X-3 and X-4, the pixels, so after it an image
of a placeholder's pixel size on a page that held one is marked again."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pikepdf

from ..layout.embedding import PLACEHOLDER_KEY

KEY = pikepdf.Name(f"/{PLACEHOLDER_KEY}")
Placed = set[tuple[int, int, int]]  # (page index, width, height) of each marked image


def marked(pdf: pikepdf.Pdf) -> Placed:
    """Where the images marked as placeholders are in `pdf`."""
    return {(number, int(image.get("/Width", 0)), int(image.get("/Height", 0)))
            for number, page in enumerate(pdf.pages) for image in _images(page.obj.get("/Resources")) if KEY in image}  # fmt: skip


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


def _images(resources: pikepdf.Object | None, depth: int = 0) -> Iterator[pikepdf.Stream]:
    """The image XObjects in `resources` and the forms they hold (a bounded depth)."""
    if resources is None or depth > 12:
        return
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == pikepdf.Name.Image:
            yield xobject
        elif xobject.get("/Subtype") == pikepdf.Name.Form:
            yield from _images(xobject.get("/Resources"), depth + 1)
