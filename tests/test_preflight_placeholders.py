"""Placeholder figures in the print PDF: the assembly marks their images (/PressworkPlaceholder), so
`presswork preflight` — reading the file alone — leaves them out of the resolution check (R001) and
says once how many it left out; a real image of the same coarse resolution is still judged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import BOOK_YAML, build
from PIL import Image

from presswork.cli import main
from presswork.preflight import preflight

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
STAND_IN = "![Placeholder for an illustration missing from the export](images/figure-1.png)\n\n"
GS_CMYK = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
REAL = "![A coarse photograph of a press](images/photo.png)\n\n"


def _book(small_book, *figures: str) -> Path:
    coarse = Image.new("RGB", (600, 400), (225, 225, 225))  # some 130 ppi across the text width
    files: dict[str, str | bytes] = {"manuscript/book.yaml": BOOK_YAML + "print:\n  trim: 5x8\n",
                                     "manuscript/chapters/one.md": "# One\n\nWords.\n\n" + "".join(figures)}  # fmt: skip
    root = small_book(files)
    (root / "images").mkdir(exist_ok=True)
    coarse.save(root / "images/figure-1.png")
    coarse.copy().save(root / "images/photo.png", optimize=True)  # the same pixels: only the alt text differs
    return root


def _marked(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len({img.objgen for page in pdf.pages for img in page.obj.Resources.get("/XObject", {}).values()
                    if img.get("/PressworkPlaceholder") is not None})  # fmt: skip


def test_a_placeholder_figure_is_marked_skipped_and_said_once(small_book):
    root = _book(small_book, STAND_IN, STAND_IN)
    assert build(root, fmt="pdf").exit_code == 0
    pdf = root / "build/a-small-book.pdf"
    assert _marked(pdf) == 1
    found = preflight(pdf, "kdp")
    assert not [f for f in found if f.code == "R001"]
    assert [(f.message, f.note) for f in found if f.code == "R002"] == [("2 placeholder figures not checked for resolution", True)]
    result = CliRunner().invoke(main, ["preflight", str(pdf), "--standard", "kdp", "--standard", "ingramspark"])
    assert result.output.count("placeholder figures not checked for resolution") == 1
    assert "note: 2 placeholder figures not checked for resolution (R002)" in result.output.splitlines()


def test_a_real_image_as_coarse_is_still_judged(small_book):
    root = _book(small_book, REAL)
    assert build(root, fmt="pdf").exit_code == 0
    pdf = root / "build/a-small-book.pdf"
    assert _marked(pdf) == 0
    found = preflight(pdf, "kdp")
    assert [f.code for f in found if f.code in ("R001", "R002")] == ["R001"]


def test_a_note_alone_is_no_failure(small_book):
    from presswork.commands.preflight import failed
    from presswork.preflight import Finding

    note, failure = Finding("R002", None, "1 placeholder figure not checked for resolution", note=True), Finding("R001", 1, "coarse")
    assert not failed({"kdp": [note]}) and failed({"kdp": [note, failure]})
    root = _book(small_book, STAND_IN)
    assert build(root, fmt="pdf").exit_code == 0
    result = CliRunner().invoke(main, ["preflight", str(root / "build/a-small-book.pdf"), "--standard", "kdp", "--json"])
    assert {"code": "R002", "page": None, "message": "1 placeholder figure not checked for resolution", "note": True} in json.loads(result.output)["kdp"]


@pytest.mark.skipif(shutil.which("gs") is None or not GS_CMYK.is_file(), reason="Ghostscript and its profiles (ghostscript, libgs-common) are not installed")
def test_the_mark_survives_ghostscripts_pdfx_rewrite(small_book):
    root = _book(small_book, STAND_IN, REAL)
    (root / "cmyk.icc").write_bytes(GS_CMYK.read_bytes())
    Image.new("RGB", (500, 350), (200, 200, 200)).save(root / "images/photo.png")  # after Ghostscript, size tells them apart
    yaml = root / "manuscript/book.yaml"
    yaml.write_text(yaml.read_text() + "  pdf_variant: pdf/x-4\n  output_profile: cmyk.icc\n")
    assert build(root, fmt="pdf").exit_code == 0
    found = preflight(root / "build/a-small-book.pdf", "kdp")
    assert [f.message for f in found if f.code == "R002"] == ["1 placeholder figure not checked for resolution"]
    assert len([f for f in found if f.code == "R001"]) == 1  # the real photograph is judged
