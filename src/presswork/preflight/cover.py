"""A cover wrap as a print-on-demand service's cover check reads it: one sheet whose TrimBox (back,
spine and front) sits a full bleed inside its BleedBox, colour in CMYK or grey only with black
type in black ink, no transparency, fonts embedded, images at 300 ppi where placed, no hairline,
and no text within 0.25 in of the trim. No gutter: a wrap's spine is the middle of the sheet."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from .colour import colour, rich_black
from .document import opened
from .findings import Finding
from .fonts import fonts
from .margins import near_trim
from .marks import hairlines, resolution, transparency
from .structure import annotations_in_trim, forbidden, page_boxes
from .walk import marks

BLEED = 0.125  # inches on every side: KDP's and IngramSpark's cover bleed
EDGE = 0.25  # inches: no text nearer the trim


def cover(path: Path) -> list[Finding]:
    with opened(path) as pdf:
        walked = list(marks(pdf))
        return [*sheet(pdf), *forbidden(pdf), *page_boxes(pdf), *annotations_in_trim(pdf),
                *colour(pdf, walked, "x-1a"), *rich_black(walked), *fonts(pdf, walked), *transparency(walked),
                *hairlines(walked), *resolution(walked, 300), *near_trim(path, pdf, EDGE)]  # fmt: skip


def sheet(pdf: pikepdf.Pdf) -> list[Finding]:
    """One page, its TrimBox at least `BLEED` inside its BleedBox (MediaBox) on every side: a wrap
    whose TrimBox is the whole sheet has its bleed cut off as part of the cover."""
    if len(pdf.pages) != 1:
        return [Finding("V001", None, f"a cover wrap is one sheet; this file has {len(pdf.pages)} pages")]
    page = pdf.pages[0].obj
    trim = [float(v) for v in page.get("/TrimBox", page.MediaBox)]
    bleed = [float(v) for v in page.get("/BleedBox", page.MediaBox)]
    least = min(trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]) / 72
    if least < BLEED - 0.001:
        return [Finding("V002", 1, f"the TrimBox is {least:.3f} in inside the BleedBox, not the {BLEED} in bleed")]
    return []
