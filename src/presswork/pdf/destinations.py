"""Named destinations across pieces: each piece's destinations pointed at its pages in the
assembled PDF, and the links the layout wrote between pieces turned into links to them."""

from __future__ import annotations

import pikepdf

from ..layout.pieces import PIECES_URL, Piece


def link_pieces(out: pikepdf.Pdf) -> None:
    """Turn the links the layout wrote as `PIECES_URL#id` into links to the named destination `id`."""
    for page in out.pages:
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(PIECES_URL + "#"):
                del annot.A
                annot.Dest = pikepdf.String(uri[len(PIECES_URL) + 1:])


def named_destinations(out: pikepdf.Pdf, pieces: list[Piece], source, placed: dict[tuple[int, int], int]) -> None:
    """Every piece's named destinations, pointed at the piece's pages in `out`, in one sorted list."""
    entries = []
    pages = list(out.pages)  # indexing `out.pages` walks the page tree each time
    for piece in pieces:
        pdf = source(piece.laid)
        index = {page.objgen: number for number, page in enumerate(pdf.pages)}
        names = pdf.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
        for name, dest in zip(names[::2], names[1::2]):
            target = pages[placed[id(piece), index[dest[0].objgen]]].obj
            entries.append((bytes(name), pikepdf.Array([target, *dest[1:]])))
    entries.sort(key=lambda entry: entry[0])
    flat = pikepdf.Array()
    for name, dest in entries:
        flat.append(pikepdf.String(name))
        flat.append(dest)
    out.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=flat))
