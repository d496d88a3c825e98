"""The marks a press cannot print as drawn: transparency (X-1a, X-3, PDF/A-1 forbid it), lines
thinner than 0.25 pt, images below the resolution asked for at their placed size."""

from __future__ import annotations

import math
from collections import Counter

from ..text.labels import counted
from .findings import Finding
from .walk import Mark

HAIRLINE = 0.25  # pt


def transparency(marks: list[Mark]) -> list[Finding]:
    counts = Counter((m.page, m.how) for m in marks if m.kind == "blend")
    return [Finding("T001", page, f"transparency: {how}" + (f" ×{n}" if n > 1 else "")) for (page, how), n in sorted(counts.items())]


def hairlines(marks: list[Mark]) -> list[Finding]:
    thin = Counter(m.page for m in marks if m.kind == "stroke" and m.width < HAIRLINE)
    return [Finding("H001", page, f"{n} line(s) thinner than {HAIRLINE} pt") for page, n in sorted(thin.items())]


def resolution(marks: list[Mark], least: int) -> list[Finding]:
    """Images under `least` ppi at their placed size (the smaller of the two directions); images
    marked as placeholder figures are stand-ins, not judged, and counted in one note."""
    found = []
    skipped = sum(1 for m in marks if m.kind == "image" and m.how == "placeholder image")
    if skipped:
        found.append(Finding("R002", None, f"{counted(skipped, 'placeholder figure')} not checked for resolution", note=True))
    for mark in marks:
        if mark.kind != "image" or not all(mark.pixels) or mark.how == "placeholder image":
            continue
        a, b, c, d, _, _ = mark.ctm
        wide, high = math.hypot(a, b) / 72, math.hypot(c, d) / 72
        if wide and high:
            ppi = min(mark.pixels[0] / wide, mark.pixels[1] / high)
            if ppi < least:
                found.append(Finding("R001", mark.page,
                                     f"{mark.how} {mark.pixels[0]}×{mark.pixels[1]} px at {wide:.2f}×{high:.2f} in is {ppi:.0f} ppi, under {least}"))  # fmt: skip
    return found
