"""PDF/A that a preflight accepts: PDF/A-1b (PDF 1.4) gets its fonts rewritten by Ghostscript as
CIDFontType0C and keeps its colour and its links; the preflight's PDF/A rules (annotations printed and
shown, level u's Unicode maps) each fail on a file made to break them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT

from presswork.pdf.conform import conform
from presswork.preflight import preflight

needs_gs = pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript (gs) is not installed: apt-get install ghostscript")
FACE = ROOT / "src" / "presswork" / "fonts" / "LinLibertine_R.otf"  # CFF outlines: FontFile3 /OpenType


def _links(path: Path) -> list[tuple[str, int]]:
    with pikepdf.open(path) as pdf:
        return [(str(a.Subtype), int(a.get("/F", 0))) for page in pdf.pages for a in page.obj.get("/Annots", [])]


@needs_gs
def test_conform_makes_pdfa1b_fonts_cff_keeping_links_and_colour(tmp_path: Path):
    from weasyprint import HTML

    html = (f"<style>@font-face{{font-family:L;src:url({FACE.as_uri()})}}p{{font-family:L;color:#c00}}</style>"
            '<p><a href="https://example.org">Words</a> and more words</p>')  # fmt: skip
    before, after = tmp_path / "before.pdf", tmp_path / "after.pdf"
    HTML(string=html).write_pdf(before, pdf_variant="pdf/a-1b")
    after.write_bytes(conform(before.read_bytes(), "pdf/a-1b"))
    assert {f.code for f in preflight(before, "pdf/a-1b")} == {"F002"}
    assert preflight(after, "pdf/a-1b") == []
    assert _links(after) == _links(before) == [("/Link", 4)]
    with pikepdf.open(after) as pdf:
        assert pdf.pdf_version == "1.4" and pdf.open_metadata().get("pdfaid:part") == "1"
        assert str(pdf.Root.OutputIntents[0].S) == "/GTS_PDFA1"
        ops = {str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0].obj)}
    assert "rg" in ops and not {"k", "K"} & ops  # sRGB stays RGB: no conversion to a printer's inks
    assert conform(before.read_bytes(), "pdf/a-1b") == after.read_bytes()


def test_pdfa2_and_3_are_left_as_weasyprint_writes_them():
    assert conform(b"%PDF-1.7 not parsed", "pdf/a-2u") == b"%PDF-1.7 not parsed"


def _annotated(tmp_path: Path, flags: int, font: pikepdf.Dictionary | None = None) -> Path:
    """A PDF/A-2 page with one link annotation of `flags` and text in `font` (Helvetica, no encoding)."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(432, 648))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(
        F1=font or pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))  # fmt: skip
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 500 Td (Words) Tj ET")
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 500, 120, 512], F=flags,
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI="https://example.org"))]))  # fmt: skip
    path = tmp_path / f"annotated-{flags}.pdf"
    pdf.save(path)
    return path


@pytest.mark.parametrize(("flags", "fails"), [(4, False), (0, True), (4 | 2, True), (4 | 1, True), (4 | 32, True)])
def test_annotations_must_print_and_show(tmp_path: Path, flags: int, fails: bool):
    found = [f for f in preflight(_annotated(tmp_path, flags), "pdf/a-2b") if f.code == "A002"]
    assert bool(found) is fails


def test_level_u_needs_unicode_text_from_every_font(tmp_path: Path):
    bare = _annotated(tmp_path, 4)
    assert [f.message for f in preflight(bare, "pdf/a-2u") if f.code == "F003"] == ["font Helvetica has no ToUnicode map"]
    assert not [f for f in preflight(bare, "pdf/a-2b") if f.code == "F003"]
    winansi = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
                                 Encoding=pikepdf.Name.WinAnsiEncoding)  # fmt: skip
    assert not [f for f in preflight(_annotated(tmp_path, 4, winansi), "pdf/a-2u") if f.code == "F003"]
