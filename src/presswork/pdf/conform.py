"""PDF/X and PDF/A-1 that a preflight accepts: WeasyPrint declares PDF/X but paints in DeviceRGB,
embeds CFF fonts as OpenType (a PDF 1.6 form, also in its PDF 1.4 PDF/A-1b) and keeps its links.
Ghostscript's pdfwrite rewrites the assembled file with fonts as CIDFontType0C; for PDF/X also with
every colour in CMYK or grey (vector colours put in the output intent's inks first, `inks`) and no
annotations (links belong to the screen editions), while PDF/A-1b keeps its colour (sRGB, its output
intent's) and its links. The original's output intent, XMP, document information, page labels and
source map are put back and the ID and dates stay the original's, so the build stays reproducible."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pikepdf

from ..errors import PressworkError
from ..sourcemap import CATALOG_KEY
from .inks import convert_inks
from .rewritten_fonts import restore_fonts

LEVELS = {"pdf/x-1a": "1.4", "pdf/x-3": "1.4", "pdf/x-4": "1.6"}  # PDF/X: the printer's inks, no links
ARCHIVAL = {"pdf/a-1b": "1.4"}  # PDF/A built on PDF 1.4: only the fonts' form changes
_KEPT = ("/OutputIntents", "/Metadata", "/PageLabels", "/Lang", "/ViewerPreferences", CATALOG_KEY)


def conform(data: bytes, variant: str | None) -> bytes:
    """`data` made to conform to `variant` when it is a PDF/X or PDF/A-1 one; else `data` as it is."""
    version = LEVELS.get(variant or "") or ARCHIVAL.get(variant or "")
    if version is None:
        return data
    printed = variant in LEVELS
    how = ["-sColorConversionStrategy=CMYK", "-dPreserveAnnots=false"] if printed else ["-sColorConversionStrategy=LeaveColorUnchanged"]
    if shutil.which("gs") is None:
        raise PressworkError(f"{variant.upper()} needs Ghostscript to convert colour and fonts",
                             hint="apt-get install ghostscript (make system-deps)")  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="presswork-pdfx-"))
    try:
        painted = pikepdf.open(io.BytesIO(data))
        if printed:
            convert_inks(painted)
        painted.save(folder / "in.pdf")
        done = subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite",
                               f"-dCompatibilityLevel={version}", *how, "-dAutoRotatePages=/None",
                               f"-sOutputFile={folder / 'out.pdf'}", str(folder / "in.pdf")],
                              capture_output=True, text=True, check=False)  # fmt: skip
        if done.returncode:
            raise PressworkError(f"Ghostscript could not convert the PDF to {variant.upper()}: {done.stderr.strip()[:200]}")
        converted = (folder / "out.pdf").read_bytes()
    finally:
        shutil.rmtree(folder)
    return _declared_as(converted, pikepdf.open(io.BytesIO(data)), version)


def _declared_as(converted: bytes, original: pikepdf.Pdf, version: str) -> bytes:
    """Ghostscript's file with the original's declarations, dates and page boxes put back."""
    out = pikepdf.open(io.BytesIO(converted))
    for key in _KEPT:
        if key in original.Root:
            value = original.Root[key]
            out.Root[key] = out.copy_foreign(value if value.is_indirect else original.make_indirect(value))
        elif key in out.Root:
            del out.Root[key]
    out.docinfo = out.copy_foreign(original.docinfo)
    restore_fonts(out, original)
    for mine, theirs in zip(out.pages, original.pages, strict=True):
        # Ghostscript moves the MediaBox's corner to 0 0 (with the content); the boxes follow it
        dx, dy = (float(mine.obj.MediaBox[i]) - float(theirs.obj.MediaBox[i]) for i in (0, 1))
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            if box in theirs.obj:
                x0, y0, x1, y1 = (float(v) for v in theirs.obj[box])
                mine.obj[box] = pikepdf.Array([x0 + dx, y0 + dy, x1 + dx, y1 + dy])
    del out.trailer.ID  # Ghostscript's first half is random: made again from the content
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, min_version=version, force_version=version,
             object_stream_mode=pikepdf.ObjectStreamMode.disable if version < "1.5" else pikepdf.ObjectStreamMode.generate)  # fmt: skip
    return buffer.getvalue()
