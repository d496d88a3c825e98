"""Fonts as a RIP needs them: every font used embedded, in a form the file's PDF version knows
(an OpenType FontFile3 needs PDF 1.6; 1.3/1.4 take Type1C/CIDFontType0C or TrueType), and for
PDF/A level u each font's text recoverable (a ToUnicode map, or a simple font's standard encoding)."""

from __future__ import annotations

import pikepdf

from .findings import Finding
from .walk import Mark


def descriptors(font: pikepdf.Object) -> list[pikepdf.Object]:
    if font.get("/Subtype") == pikepdf.Name.Type0:
        return [d.get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
    return [font.get("/FontDescriptor")]


def fonts(pdf: pikepdf.Pdf, marks: list[Mark]) -> list[Finding]:
    found, seen = [], set()
    version = tuple(int(p) for p in pdf.pdf_version.split("."))
    for mark in marks:
        if mark.kind != "font" or mark.font.objgen in seen or mark.font.get("/Subtype") == pikepdf.Name.Type3:
            continue
        seen.add(mark.font.objgen)
        name = str(mark.font.get("/BaseFont", "?"))[1:]
        for descriptor in descriptors(mark.font):
            files = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if descriptor is not None and k in descriptor]
            if not files:
                found.append(Finding("F001", mark.page, f"font {name} is not embedded"))
            elif files == ["/FontFile3"] and descriptor.FontFile3.get("/Subtype") == pikepdf.Name.OpenType and version < (1, 6):
                found.append(Finding("F002", mark.page,
                                     f"font {name} is embedded as OpenType (FontFile3), which needs PDF 1.6; the file is {pdf.pdf_version}"))  # fmt: skip
    return found


_STANDARD_ENCODINGS = {pikepdf.Name.WinAnsiEncoding, pikepdf.Name.MacRomanEncoding, pikepdf.Name.StandardEncoding}


def unicode_maps(marks: list[Mark]) -> list[Finding]:
    """Fonts whose glyphs map to no Unicode text (PDF/A-2u, A-3u): a search or a screen reader gets nothing."""
    found, seen = [], set()
    for mark in marks:
        if mark.kind != "font" or mark.font.objgen in seen:
            continue
        seen.add(mark.font.objgen)
        encoding = mark.font.get("/Encoding")
        if isinstance(encoding, pikepdf.Dictionary):
            encoding = encoding.get("/BaseEncoding")
        simple = mark.font.get("/Subtype") in (pikepdf.Name.Type1, pikepdf.Name.TrueType)
        if "/ToUnicode" not in mark.font and not (simple and encoding in _STANDARD_ENCODINGS):
            found.append(Finding("F003", mark.page, f"font {str(mark.font.get('/BaseFont', '?'))[1:]} has no ToUnicode map"))
    return found
