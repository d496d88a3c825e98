"""Total ink coverage as the press lays it down: Ghostscript renders each page separated in CMYK
(tiff32nc, the output intent's conversion for RGB), and the densest pixel's C+M+Y+K is compared
with the printer's limit (300 % at IngramSpark)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


from .findings import Finding
from .tools import run

RESOLUTION = 36  # dpi: fine enough for areas of heavy ink, cheap for 600 pages


def coverage(path: Path) -> list[float]:
    """Each page's highest total ink, in per cent."""
    import numpy  # here, not at the top: the CLI loads this module at start-up for every command
    from PIL import Image

    folder = Path(tempfile.mkdtemp(prefix="presswork-ink-"))
    try:
        run("gs", ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiff32nc", f"-r{RESOLUTION}",
                   f"-sOutputFile={folder / 'p%05d.tif'}", str(path)], path)  # fmt: skip
        totals = []
        for page in sorted(folder.glob("p*.tif")):
            with Image.open(page) as image:
                totals.append(float(numpy.asarray(image, dtype=numpy.uint16).sum(axis=2).max()) * 100 / 255)
        return totals
    finally:
        shutil.rmtree(folder)


def ink_limit(path: Path, limit: float) -> list[Finding]:
    return [Finding("K001", number, f"total ink {total:.0f} %, over {limit:.0f} %")
            for number, total in enumerate(coverage(path), 1) if total > limit + 0.5]  # fmt: skip
