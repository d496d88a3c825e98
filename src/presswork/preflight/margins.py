"""Text within the safe zone: no word closer to the trim edge than a printer allows (0.25 in at
KDP), measured on poppler's word boxes (pdftotext -bbox), an independent reader of the glyphs."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf

from .findings import Finding
from .tools import run

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


# KDP's least inside margin (inches) by page count; IngramSpark's figures are no larger.
GUTTERS = ((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (828, 0.875))
# Word boxes are rounded to a few hundredths of a point and the margins are set in points: a word
# set exactly on the margin measures 0.749 in; a half-point shortfall is measurement, not layout.
TOLERANCE = 0.5 / 72  # inches


def gutter(pages: int) -> float:
    """The least inside margin for a book of `pages` pages (KDP's table; the last row beyond it)."""
    return next((inches for most, inches in GUTTERS if pages <= most), GUTTERS[-1][1])


def near_trim(path: Path, pdf: pikepdf.Pdf, least: float, inside: float = 0.0) -> list[Finding]:
    """Pages with a word less than `least` inches inside the trim box, or less than `inside` from the
    spine edge (left on a recto, right on a verso), by more than `TOLERANCE`; pdftotext gives points
    from the top left of the CropBox (the MediaBox when there is none)."""
    found = []
    pages = run("pdftotext", ["-bbox", "-q", str(path), "-"], path).split("<page ")[1:]
    for number, (text, page) in enumerate(zip(pages, pdf.pages, strict=False), 1):
        media = [float(v) for v in page.obj.get("/CropBox", page.obj.MediaBox)]
        trim = [float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)]
        height = media[3] - media[1]
        # the trim box in pdftotext's frame: x from the left, y down from the top
        left, right = trim[0] - media[0], trim[2] - media[0]
        top, bottom = height - (trim[3] - media[1]), height - (trim[1] - media[1])
        closest = None
        for x0, y0, x1, y1, word in ((*map(float, m.groups()[:4]), m.group(5)) for m in WORD.finditer(text)):
            spine, outer = (x0 - left, right - x1) if number % 2 else (right - x1, x0 - left)
            for gap, edge, needed in ((min(outer, y0 - top, bottom - y1) / 72, "trim edge", least),
                                      (spine / 72, "spine edge", max(least, inside))):  # fmt: skip
                if gap < needed - TOLERANCE and (closest is None or gap - needed < closest[0] - closest[2]):
                    closest = (gap, f"{word!r} is {gap:.3f} in from the {edge}", needed)
        if closest:
            found.append(Finding("G001", number, f"text {closest[1]}, under {closest[2]} in"))
    return found
