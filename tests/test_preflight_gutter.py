"""KDP's gutter (G001) allows half a point of measurement: a word set on the margin measures a
thousandth of an inch short of it and passes; a word a point inside the margin fails."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest

from presswork.preflight import preflight
from presswork.preflight.margins import TOLERANCE, gutter

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
TRIM_LEFT = 9.0  # points: the trim box's left edge inside the media box


def _word_at(tmp_path: Path, x: float) -> Path:
    """A recto whose one word starts `x` points right of the trim's left (spine) edge, mid-page."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(450, 666))
    page.obj.TrimBox, page.obj.BleedBox = pikepdf.Array([9, 9, 441, 657]), pikepdf.Array([0, 0, 450, 666])
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))  # fmt: skip
    page.obj.Contents = pdf.make_stream(f"BT /F1 10 Tf {TRIM_LEFT + x:.3f} 333 Td (Gutter) Tj ET".encode())
    path = tmp_path / f"word-{x:.3f}.pdf"
    pdf.save(path)
    return path


def _gutter_findings(path: Path) -> list[str]:
    return [f.message for f in preflight(path, "kdp") if f.code == "G001"]


def test_a_word_within_half_a_point_of_the_gutter_passes(tmp_path: Path):
    needed = gutter(1) * 72
    assert _gutter_findings(_word_at(tmp_path, needed)) == []
    assert _gutter_findings(_word_at(tmp_path, needed - 0.072)) == []  # 0.749 in: rounding
    assert _gutter_findings(_word_at(tmp_path, needed - TOLERANCE * 72 * 0.8)) == []


def test_a_word_past_the_tolerance_fails(tmp_path: Path):
    needed = gutter(1) * 72
    found = _gutter_findings(_word_at(tmp_path, needed - TOLERANCE * 72 * 1.5))
    assert found == [f"text 'Gutter' is {(needed - TOLERANCE * 72 * 1.5) / 72:.3f} in from the spine edge, under {gutter(1)} in"]
    assert _gutter_findings(_word_at(tmp_path, needed - 2))
