"""Each standard's checker: the checks of this package a printer's or an archive's profile runs.
The version ceilings and rules are ISO 15930 (PDF/X) and ISO 19005 (PDF/A); KDP's and
IngramSpark's are their published file specifications."""

from __future__ import annotations

from functools import partial
from pathlib import Path


from .colour import colour, rich_black
from .document import opened
from .findings import Finding
from .fonts import fonts, unicode_maps
from .ink import ink_limit
from .margins import gutter, near_trim
from .marks import hairlines, resolution, transparency
from .structure import annotations_in_trim, forbidden, info_keys, output_intent, page_boxes, pdfa_identification, printable_annotations, version_at_most
from .walk import marks


def pdfx(path: Path, version: str, ceiling: str, rule: str, opaque: bool) -> list[Finding]:
    """PDF/X: the declarations, boxes, no annotation in the trim, the colour rule (X-1a: and black
    text and thin rules in black ink alone), embedded fonts in the version's form, and (X-1a, X-3)
    no transparency."""
    with opened(path) as pdf:
        walked = list(marks(pdf))
        return [*version_at_most(pdf, ceiling), *forbidden(pdf), *output_intent(pdf, "GTS_PDFX"),
                *info_keys(pdf, version), *page_boxes(pdf), *annotations_in_trim(pdf),
                *colour(pdf, walked, rule), *(rich_black(walked) if rule == "x-1a" else []),
                *fonts(pdf, walked), *(transparency(walked) if opaque else [])]  # fmt: skip


def pdfa(path: Path, part: int, conformance: str) -> list[Finding]:
    """PDF/A-1/2/3, level b or u: identification, output intent, device colour matching it, fonts
    (level u: with Unicode maps), printable annotations, and no transparency in part 1."""
    with opened(path) as pdf:
        walked = list(marks(pdf))
        return [*version_at_most(pdf, "1.4" if part == 1 else "1.7"), *forbidden(pdf),
                *output_intent(pdf, "GTS_PDFA1"), *pdfa_identification(pdf, part, conformance),
                *colour(pdf, walked, "pdf/a"), *fonts(pdf, walked), *printable_annotations(pdf),
                *(unicode_maps(walked) if conformance == "U" else []),
                *(transparency(walked) if part == 1 else [])]  # fmt: skip


def printer(path: Path, edge: float, ppi: int, ink: float | None, grey_text: bool) -> list[Finding]:
    """A print-on-demand interior: boxes, no annotations, fonts, no transparency, hairlines, text
    inside the safe zone and the gutter table, images at `ppi`, ink under `ink` %."""
    with opened(path) as pdf:
        walked = list(marks(pdf))
        found = [*forbidden(pdf), *page_boxes(pdf), *annotations_in_trim(pdf), *fonts(pdf, walked),
                 *transparency(walked), *hairlines(walked), *resolution(walked, ppi),
                 *near_trim(path, pdf, edge, gutter(len(pdf.pages)))]  # fmt: skip
        if grey_text:
            found += colour(pdf, walked, "x-1a")
    return found + (ink_limit(path, ink) if ink else [])


pdfx1a = partial(pdfx, version="PDF/X-1", ceiling="1.4", rule="x-1a", opaque=True)
pdfx3 = partial(pdfx, version="PDF/X-3", ceiling="1.4", rule="x-3", opaque=True)
pdfx4 = partial(pdfx, version="PDF/X-4", ceiling="1.6", rule="x-3", opaque=False)
kdp = partial(printer, edge=0.25, ppi=300, ink=None, grey_text=False)
ingramspark = partial(printer, edge=0.5, ppi=300, ink=300.0, grey_text=True)
PDFA = {f"pdf/a-{part}{level}": partial(pdfa, part=part, conformance=level.upper())
        for part, levels in ((1, "b"), (2, "bu"), (3, "bu")) for level in levels}  # fmt: skip
