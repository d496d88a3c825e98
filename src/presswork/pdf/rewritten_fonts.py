"""Fonts after Ghostscript's pdfwrite rewrite (pdf.conform): Ghostscript 10.00 renames every CFF font
it rewrites `XXXXXX+Anonymous` (what a printer's preflight then reports) and writes its own ToUnicode
map, each UTF-16 unit of a ligature's text byte-swapped (Th reads as 吀栀), so text extraction and
search fail. It keeps the CIDs of a CIDFontType0 font, so each rewritten font takes back the
original's ToUnicode map and its name (under Ghostscript's subset tag: its subset is its own).
Ghostscript may split one font into several and renames the resources, so a rewritten font is
matched to the original whose widths agree for every CID it lists, the pages that use both
deciding between originals that agree alike; a font matched to no single original is left as it is."""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf

from .faces import cid_widths
from .subset_tags import retag


def restore_fonts(out: pikepdf.Pdf, original: pikepdf.Pdf) -> None:
    """Give each CID font of `out` (Ghostscript's file) the ToUnicode map and name of the font of
    `original` (the file it rewrote) it was made from."""
    originals = [(font, _widths(font)) for font in _cid_fonts(original)]
    used_in_original = _pages_using(original)
    used_in_out = _pages_using(out)
    for font in _cid_fonts(out):
        mine = _widths(font)
        matches = [theirs for theirs, widths in originals
                   if all(cid in widths and abs(widths[cid] - width) < 0.5 for cid, width in mine.items())]  # fmt: skip
        if len(matches) > 1:
            pages = used_in_out.get(font.objgen, set())
            matches = [theirs for theirs in matches if pages <= used_in_original.get(theirs.objgen, set())]
        if len(matches) != 1:
            continue
        [theirs] = matches
        if "/ToUnicode" in theirs:
            font.ToUnicode = out.copy_foreign(theirs.ToUnicode)
        member = font.DescendantFonts[0]
        real, tagged = theirs.DescendantFonts[0].BaseFont, str(member.BaseFont)
        name = retag(real, tagged[1:7]) if tagged[7:8] == "+" else real
        font.BaseFont = member.BaseFont = name
        if "/FontDescriptor" in member:
            member.FontDescriptor.FontName = name


def _cid_fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """The Type0 fonts of `pdf` whose CIDFont lists its widths."""
    for obj in pdf.objects:
        if (isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font
                and obj.get("/Subtype") == pikepdf.Name.Type0 and "/DescendantFonts" in obj
                and "/W" in obj.DescendantFonts[0]):  # fmt: skip
            yield obj


def _widths(font: pikepdf.Dictionary) -> dict[int, float]:
    return {cid: float(width) for cid, width in cid_widths(font.DescendantFonts[0].W).items()}


def _pages_using(pdf: pikepdf.Pdf) -> dict[tuple[int, int], set[int]]:
    """{objgen of a font: the indexes of the pages that use it, directly or through their forms}."""
    using: dict[tuple[int, int], set[int]] = {}

    def walk(resources: pikepdf.Object | None, page: int, seen: set) -> None:
        if resources is None:
            return
        for font in resources.get("/Font", {}).values():
            using.setdefault(font.objgen, set()).add(page)
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == pikepdf.Name.Form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                walk(xobject.get("/Resources"), page, seen)

    for index, page in enumerate(pdf.pages):
        walk(page.obj.get("/Resources"), index, set())
    return using
