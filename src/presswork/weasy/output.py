"""Hooks on what WeasyPrint writes: its bookmark nesting, and the shape of the PDF objects it makes
for a subset font, which the PDF engine (presswork/pdf/) reads to merge subsets. Checked with
WeasyPrint 68.0, 69.0 and 70.0 (pydyf 0.13).

The engine also relies on the shape of WeasyPrint's content streams (pdf/folios.py: a folio is one
`TJ` run after its `Tf` and `Tm`, glyph ids as two bytes, an adjustment after a glyph where its
advance differs from its /W width, in thousandths of the size, truncated) and on its named
destinations as one flat /Names array (pdf/destinations.py); tests/test_weasyprint_boundary.py
checks both on a laid-out page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from types import SimpleNamespace

import pikepdf

PT_PER_PX = 0.75


def bookmark_tree(pages: Iterable[tuple[int, list, float]]) -> list:
    """Hook: `weasyprint.anchors.make_page_bookmark_tree(page, skipped_levels, last_by_depth,
    previous_level, page_number, matrix)` and `weasyprint.matrix.Matrix`, WeasyPrint's own
    nesting of bookmarks (levels skipped, closed states), over `pages` given as (page number in
    the book, the page's bookmarks, its height in CSS px): one tree for pieces laid out apart, as
    if WeasyPrint had laid the book out as one document. Items are (title, (page number, x, y),
    children, state). WeasyPrint is imported here, not at start-up (the layout has loaded it)."""
    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix

    root: list = []
    skipped: list[int] = []
    last_by_depth = [root]
    level = 0
    for number, bookmarks, height in pages:
        matrix = Matrix(a=PT_PER_PX, d=-PT_PER_PX, f=height * PT_PER_PX)
        level = make_page_bookmark_tree(SimpleNamespace(bookmarks=bookmarks), skipped, last_by_depth, level,
                                        number, matrix)  # fmt: skip
    return root


def subset_fonts(out: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Hook: the fonts in `out` shaped as WeasyPrint writes a subset OpenType (CFF) face: a Type0
    font, /Identity-H, with a ToUnicode map and one CIDFontType0 member whose CIDs are glyph ids
    (/CIDToGIDMap /Identity), its program in /FontFile3, its widths in /W."""
    for obj in out.objects:
        if not (isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font
                and obj.get("/Subtype") == pikepdf.Name.Type0 and obj.get("/Encoding") == pikepdf.Name("/Identity-H")
                and "/DescendantFonts" in obj and "/ToUnicode" in obj):  # fmt: skip
            continue
        member = obj.DescendantFonts[0]
        descriptor = member.get("/FontDescriptor")
        if (member.get("/Subtype") != pikepdf.Name.CIDFontType0 or member.get("/CIDToGIDMap") != pikepdf.Name.Identity
                or descriptor is None or "/FontFile3" not in descriptor or "/W" not in member):  # fmt: skip
            continue
        yield obj


_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>")


def to_unicode(stream: pikepdf.Stream) -> dict[int, bytes] | None:
    """Hook: a ToUnicode CMap as WeasyPrint writes it, single-glyph `bfchar` entries after the
    code space range, as {CID: UTF-16BE hex}; None for any other kind of CMap (ranges)."""
    data = stream.read_bytes()
    if b"beginbfrange" in data:
        return None
    body = data.split(b"endcodespacerange", 1)[-1]
    return {int(cid, 16): text.lower() for cid, text in _BFCHAR.findall(body)}
