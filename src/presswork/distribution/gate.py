"""dist's preflight gate: each print file it bundles is checked by `presswork preflight` (the
preflight stage, reading the file alone) before the bundle replaces the last one, and any failure
refuses the bundle, one line a failure, as a printer's intake would refuse the file."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf

from ..errors import PressworkError
from ..preflight import declared, preflight
from ..text.labels import counted

# What every bundled file is checked against beside the standards it declares
INTERIOR, COVER = "kdp", "cover"
SCREEN = {"pdf/ua-1"}  # a declaration about the screen, not the press


def standards(path: Path, printer: str) -> list[str]:
    """The standards `path` declares (its PDF/X or PDF/A) and the printer's own profile."""
    try:
        named = [name for name in declared(path) if name not in SCREEN]
    except PressworkError:  # it declares none: the printer's profile alone
        named = []
    return [*named, printer]


def require_preflight(files: list[tuple[Path, str]]) -> None:
    """Refuse the bundle when a print file fails a standard of `standards(path, printer)`."""
    lines = [f"{path.name}: {standard}: {finding.text()}"
             for path, printer in files for standard in standards(path, printer)
             for finding in preflight(path, standard) if not finding.note]  # fmt: skip
    if lines:
        raise PressworkError(f"the print files fail preflight ({counted(len(lines), 'failure')}), so dist bundles "
                             "none of them (`presswork preflight FILE.pdf` checks one):\n" + "\n".join(lines))  # fmt: skip


def for_the_printer(data: bytes) -> bytes:
    """A print interior without links or bookmarks, as KDP asks of the file it prints (no
    annotations, no bookmarks); the build's print PDF keeps both for readers on screen."""
    pdf = pikepdf.open(io.BytesIO(data))
    for page in pdf.pages:
        if "/Annots" in page.obj:
            del page.obj.Annots
    for key in ("/Outlines", "/PageMode"):
        if key in pdf.Root:
            del pdf.Root[key]
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, min_version=pdf.pdf_version, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()
