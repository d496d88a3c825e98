"""Print PDF assembly: the laid-out pieces (the layout stage's `Layout`, one PDF each) assembled
into one PDF with pikepdf (qpdf): pages in print order with blank versos before rectos, folios
printed after the layout's folio samples, page labels equal to the printed folios, one outline, one set of
named destinations, links between pieces pointed at them; placeholder figures' images keep the mark
the pieces gave them (`placeholders`), given again after a Ghostscript rewrite; and the source map
of its pages (`sourcemap`).

The first piece's catalog (output intents, XMP metadata, language) and document information
are kept, so PDF/X and PDF/A variants stay what WeasyPrint made them.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pikepdf

from ..layout.cropmarks import add_crop_marks
from ..layout.pieces import PLAIN_VERSO, Folios, Layout
from ..sourcemap import CATALOG_KEY, SourceMap
from .conform import conform
from .destinations import link_pieces, named_destinations, piece_destinations
from .folios import FolioPrinter, stamp
from .outline import add_outline
from .placeholders import mark_again, marked
from .subset_tags import tag_fonts
from .subsets import merge_subsets

if TYPE_CHECKING:
    from ..layout.typeset import LaidOut

_OWN_KEYS = {"/Type", "/Pages", "/Names", "/Outlines", "/PageLabels"}  # catalog entries the assembly makes


def pdf_document(layout: Layout) -> bytes:
    """The PDF of every page of `layout`, in print order; the same bytes for the same layout."""
    sequence = list(layout.sequence())
    first = source(layout.front[0].laid)
    out = pikepdf.new()
    for key, value in first.Root.items():
        if key not in _OWN_KEYS:
            out.Root[key] = out.copy_foreign(value if value.is_indirect else first.make_indirect(value))
    out.docinfo = out.copy_foreign(first.docinfo)
    placed: dict[tuple[int, int], int] = {}  # (id of a piece, page index in it) -> page index in `out`
    folios = FolioPrinter(out, layout.folios, source)
    for number, (_, folio, piece, index) in enumerate(sequence):
        if piece is None:  # a blank verso: the margins of a page without folio, if they hold anything (a proof's mark)
            out.pages.append(source(layout.blank).pages[0])
            if folios.marked:
                stamp(out.pages[-1], folios.form(PLAIN_VERSO, folio), pikepdf.Name(f"/Folio{number}"))
            continue
        out.pages.append(source(piece.laid).pages[index])
        margins = folios.form(Folios.kind(piece.laid.pages[index], index), folio)
        stamp(out.pages[-1], margins, pikepdf.Name(f"/Folio{number}"))
        placed[id(piece), index] = number
    add_crop_marks(out, layout.options)
    link_pieces(out)
    merge_subsets(out)
    tag_fonts(out)
    named_destinations(out, layout.front + layout.body, destinations, placed)
    add_outline(out, sequence)
    front_pages = sum(1 for roman, *_ in sequence if roman)
    out.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array([
        0, pikepdf.Dictionary(S=pikepdf.Name.r), front_pages, pikepdf.Dictionary(S=pikepdf.Name.D)]))  # fmt: skip
    out.Root[CATALOG_KEY] = out.make_stream(SourceMap.made(layout.page_sources(), layout.digests).to_bytes())
    buffer = io.BytesIO()
    # PDF/A-1 and PDF/X-1a/3 (PDF 1.3/1.4) allow no object streams; from PDF 1.5 on, objects go into
    # object streams as WeasyPrint puts them (a third of the file, for the links and destinations)
    major, minor = (int(part) for part in str(first.pdf_version).split(".")[:2])
    streams = pikepdf.ObjectStreamMode.generate if (major, minor) >= (1, 5) else pikepdf.ObjectStreamMode.disable
    out.save(buffer, deterministic_id=True, min_version=first.pdf_version, object_stream_mode=streams)
    made = buffer.getvalue()
    done = conform(made, layout.options.pdf_variant)
    placed = marked(out) if done is not made else set()
    return mark_again(done, placed) if placed else done


def source(laid: LaidOut) -> pikepdf.Pdf:
    """The piece's PDF, opened once for as long as the piece lives: a rebuild in watch, which keeps
    its pieces, opens only those laid out anew (copying pages from an opened PDF leaves it as it was)."""
    if "pdf" not in laid.read:
        laid.read["pdf"] = pikepdf.open(io.BytesIO(laid.pdf))
    return laid.read["pdf"]


def destinations(laid: LaidOut) -> list[tuple[bytes, int, list]]:
    """The piece's named destinations (`piece_destinations`), read once for as long as the piece lives."""
    if "destinations" not in laid.read:
        laid.read["destinations"] = piece_destinations(source(laid))
    return laid.read["destinations"]
