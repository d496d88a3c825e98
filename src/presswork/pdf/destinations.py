"""Named destinations across pieces: each piece's destinations pointed at its pages in the
assembled PDF, and the links the layout wrote between pieces turned into links to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pikepdf

from ..layout.pieces import PIECES_URL, Piece

if TYPE_CHECKING:
    from ..layout.typeset import LaidOut


def link_pieces(out: pikepdf.Pdf) -> None:
    """Turn the links the layout wrote as `PIECES_URL#id` into links to the named destination `id`."""
    for page in out.pages:
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(PIECES_URL + "#"):
                del annot.A
                annot.Dest = pikepdf.String(uri[len(PIECES_URL) + 1:])


def piece_destinations(pdf: pikepdf.Pdf) -> list[tuple[bytes, int, list]]:
    """A piece's named destinations: each name, the index of its page in the piece, and the rest of
    its destination array (the view)."""
    index = {page.objgen: number for number, page in enumerate(pdf.pages)}
    names = pdf.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
    return [(bytes(name), index[dest[0].objgen], list(dest[1:])) for name, dest in zip(names[::2], names[1::2])]


def named_destinations(out: pikepdf.Pdf, pieces: list[Piece], destinations: Callable[[LaidOut], list[tuple[bytes, int, list]]],
                       placed: dict[tuple[int, int], int]) -> None:  # fmt: skip
    """Every piece's named destinations (`destinations`: `piece_destinations` of its PDF), pointed at
    the piece's pages in `out`, in one sorted list."""
    entries = []
    pages = [page.obj for page in out.pages]  # indexing `out.pages` walks the page tree each time
    for piece in pieces:
        for name, number, view in destinations(piece.laid):
            entries.append((name, pikepdf.Array([pages[placed[id(piece), number]], *view])))
    entries.sort(key=lambda entry: entry[0])
    flat = pikepdf.Array()
    for name, dest in entries:
        flat.append(pikepdf.String(name))
        flat.append(dest)
    out.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=flat))
