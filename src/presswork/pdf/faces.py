"""The book's faces as the PDF engine meets them: which shipped face a piece's embedded subset
was cut from (folio printing shapes with it, subset merging cuts it again), and a CIDFont's widths."""

from __future__ import annotations

import io
from functools import cache

import pikepdf
from fontTools.ttLib import TTFont

from ..layout.embedding import stand_in
from ..render import fonts as book_fonts


@cache
def book_faces() -> dict[tuple, bytes]:
    """The book's faces by identity (PostScript name, revision and dates): the font files the
    pieces' subsets were cut from. A book's own face of the same name but another make is not one."""
    faces = {}
    for face in book_fonts.FACES:
        data = (book_fonts.FONT_DIR / face.file).read_bytes()
        faces[_identity(data)] = data
    return faces


@cache
def _stood_in() -> dict[bytes, tuple]:
    """The stand-in a piece embeds for each book face (`embedding.stand_in`), with the face's identity."""
    return {stand_in(data): identity for identity, data in book_faces().items() if identity is not None}


def face_identity(data: bytes) -> tuple | None:
    """What a subset keeps of the face it was cut from: PostScript name, revision and dates; for a
    piece's stand-in, the identity of the face it stands for."""
    return _stood_in().get(data) or _identity(data)


def _identity(data: bytes) -> tuple | None:
    try:
        with TTFont(io.BytesIO(data), lazy=True) as font:
            head = font["head"]
            return font["name"].getDebugName(6), head.fontRevision, head.created, head.modified, head.unitsPerEm
    except Exception:  # noqa: BLE001 - not a font we can read: not one of ours
        return None


def cid_widths(w: pikepdf.Array) -> dict[int, object]:
    """A CIDFont's /W array as {CID: width}."""
    widths, items, i = {}, list(w), 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for offset, width in enumerate(items[i + 1]):
                widths[first + offset] = width
            i += 2
        else:
            for cid in range(first, int(items[i + 1]) + 1):
                widths[cid] = items[i + 2]
            i += 3
    return widths
