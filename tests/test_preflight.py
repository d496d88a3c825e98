"""`presswork preflight` reads a finished PDF as a printer's preflight would: a plain WeasyPrint PDF
fails PDF/X-1a with named reasons, one line a failure with its page, exit 1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from presswork.cli import main
from presswork.preflight import STANDARDS, preflight

PLAIN_HTML = '<html><body><h1 style="color:#336">Hello</h1><p><a href="https://example.org">a link</a></p></body></html>'


@pytest.fixture(scope="module")
def plain_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a plain `weasyprint` run makes: RGB, links, no output intent."""
    from weasyprint import HTML

    path = tmp_path_factory.mktemp("plain") / "plain.pdf"
    HTML(string=PLAIN_HTML).write_pdf(path)
    return path


def test_a_plain_weasyprint_pdf_fails_pdfx1a_with_named_reasons(plain_pdf: Path):
    codes = {f.code for f in preflight(plain_pdf, "pdf/x-1a")}
    assert {"X001", "X003", "X004", "X020"} <= codes


def test_the_command_prints_a_line_a_failure_and_exits_1(plain_pdf: Path):
    result = CliRunner().invoke(main, ["preflight", str(plain_pdf), "--standard", "pdf/x-1a"])
    assert result.exit_code == 1
    assert "pdf/x-1a: X020 page 1: 1 annotation(s) inside the trim box (Link)" in result.output.splitlines()


def test_json_lists_findings_per_standard(plain_pdf: Path):
    result = CliRunner().invoke(main, ["preflight", str(plain_pdf), "--standard", "pdf/x-1a", "--json"])
    found = json.loads(result.output)["pdf/x-1a"]
    assert {"code": "X020", "page": 1, "message": "1 annotation(s) inside the trim box (Link)"} in found


def test_a_file_declaring_nothing_needs_a_standard_named(plain_pdf: Path):
    result = CliRunner().invoke(main, ["preflight", str(plain_pdf)])
    assert result.exit_code == 1
    assert "declares no standard" in result.output and "--standard" in result.output


def test_a_file_that_is_no_pdf_is_one_line(tmp_path: Path):
    bogus = tmp_path / "bogus.pdf"
    bogus.write_text("not a pdf")
    result = CliRunner().invoke(main, ["preflight", str(bogus), "--standard", "pdf/x-1a"])
    assert result.exit_code == 1 and "cannot read this PDF" in result.output and "Traceback" not in result.output


def test_every_standard_is_a_checker():
    assert "pdf/x-1a" in STANDARDS and all(callable(c) for c in STANDARDS.values())


def _pdf(tmp_path: Path, content: bytes, *, trim: bool = True, version: str = "1.4", extra=None) -> Path:
    """A one-page PDF with `content` as its stream: a hand-made file for one rule at a time."""
    import pikepdf

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(432, 648))
    if trim:
        page.obj.TrimBox = pikepdf.Array([9, 9, 423, 639])
        page.obj.BleedBox = pikepdf.Array([0, 0, 432, 648])
    page.obj.Contents = pdf.make_stream(content)
    if extra:
        extra(pdf, page)
    path = tmp_path / "one.pdf"
    pdf.save(path, min_version=version, force_version=version)
    return path


def test_rgb_rules_fail_x1a_and_cmyk_ones_pass(tmp_path: Path):
    from presswork.preflight.colour import colour
    from presswork.preflight.document import opened
    from presswork.preflight.walk import marks

    for content, failing in ((b"1 0 0 RG 0 0 m 100 100 l S", True), (b"0 0 0 1 K 0 0 m 100 100 l S", False)):
        path = _pdf(tmp_path, content)
        with opened(path) as pdf:
            found = colour(pdf, list(marks(pdf)), "x-1a")
        assert bool(found) is failing
        if failing:
            assert found[0].message.startswith("DeviceRGB colour (1 stroke)")


def test_colour_inside_a_form_is_found(tmp_path: Path):
    import pikepdf

    def form(pdf, page):
        xobject = pdf.make_stream(b"0 0 1 rg 0 0 10 10 re f", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                                  BBox=[0, 0, 10, 10])  # fmt: skip
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm1=xobject))

    codes = [(f.code, f.page) for f in preflight(_pdf(tmp_path, b"/Fm1 Do", extra=form), "pdf/x-1a")]
    assert ("C001", 1) in codes


def test_hairlines_and_transparency_are_found_at_placed_size(tmp_path: Path):
    import pikepdf

    def state(pdf, page):
        page.obj.Resources = pikepdf.Dictionary(ExtGState=pikepdf.Dictionary(GS1=pikepdf.Dictionary(ca=0.5)))

    thin = preflight(_pdf(tmp_path, b"q 0.5 0 0 0.5 0 0 cm 0.4 w 0 0 m 9 9 l S Q"), "kdp")
    assert [f.code for f in thin if f.code == "H001"] == ["H001"]  # 0.4 pt scaled by 0.5 is 0.2 pt
    assert not [f for f in preflight(_pdf(tmp_path, b"0.4 w 0 0 m 9 9 l S"), "kdp") if f.code == "H001"]
    see_through = preflight(_pdf(tmp_path, b"/GS1 gs 0 0 10 10 re f", extra=state), "pdf/x-1a")
    assert any(f.code == "T001" and "opacity ca 0.5" in f.message for f in see_through)
    assert not [f for f in preflight(_pdf(tmp_path, b"/GS1 gs", extra=state), "pdf/x-4") if f.code == "T001"]


def test_a_missing_trim_box_and_a_too_new_version_are_named(tmp_path: Path):
    found = {(f.code, f.page) for f in preflight(_pdf(tmp_path, b"", trim=False, version="1.7"), "pdf/x-1a")}
    assert {("X010", 1), ("X006", None)} <= found


def test_text_near_the_trim_edge_is_found(plain_pdf: Path):
    near = [f for f in preflight(plain_pdf, "kdp") if f.code == "G001"]
    assert not near  # WeasyPrint's default 75 px margins keep text 0.78 in in
    tight = plain_pdf.parent / "tight.pdf"
    from weasyprint import HTML

    HTML(string="<style>@page{margin:0.1in}</style><p>Edge</p>").write_pdf(tight)
    assert any(f.code == "G001" and "'Edge'" in f.message for f in preflight(tight, "kdp"))


def test_an_opentype_font_in_a_pdf_14_is_named(tmp_path: Path):
    from weasyprint import HTML

    path = tmp_path / "a1b.pdf"
    face = ROOT / "src" / "presswork" / "fonts" / "LinLibertine_R.otf"  # CFF outlines: FontFile3 /OpenType
    html = HTML(string=f"<style>@font-face{{font-family:L;src:url({face.as_uri()})}}p{{font-family:L}}</style><p>Words</p>")
    html.write_pdf(path, pdf_variant="pdf/a-1b")
    fonts = [f for f in preflight(path, "pdf/a-1b") if f.code == "F002"]
    assert fonts and "embedded as OpenType (FontFile3), which needs PDF 1.6; the file is 1.4" in fonts[0].message
    html.write_pdf(path, pdf_variant="pdf/a-2b")  # PDF 1.7: the same font form is allowed
    assert not [f for f in preflight(path, "pdf/a-2b") if f.code in ("F001", "F002")]


@pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript (gs) is not installed: apt-get install ghostscript")
def test_ink_over_the_limit_is_found_by_ghostscript(tmp_path: Path):
    heavy = preflight(_pdf(tmp_path, b"1 1 1 1 k 0 0 432 648 re f"), "ingramspark")
    assert [f.message for f in heavy if f.code == "K001"] == ["total ink 400 %, over 300 %"]
    light = preflight(_pdf(tmp_path, b"0 0 0 1 k 0 0 432 648 re f"), "ingramspark")
    assert not [f for f in light if f.code == "K001"]


@pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript (gs) is not installed: apt-get install ghostscript")
def test_conform_turns_weasyprint_pdfx1a_into_cmyk_without_links_reproducibly(tmp_path: Path):
    from weasyprint import HTML

    from presswork.pdf.conform import conform

    face = ROOT / "src" / "presswork" / "fonts" / "LinLibertine_R.otf"
    html = (f"<style>@font-face{{font-family:L;src:url({face.as_uri()})}}p{{font-family:L;border-bottom:1px solid #c00}}</style>"
            '<p><a href="https://example.org">Words</a></p>')  # fmt: skip
    before, after = tmp_path / "before.pdf", tmp_path / "after.pdf"
    HTML(string=html).write_pdf(before, pdf_variant="pdf/x-1a")
    after.write_bytes(conform(before.read_bytes(), "pdf/x-1a"))
    codes_before = {f.code for f in preflight(before, "pdf/x-1a")}
    codes_after = {f.code for f in preflight(after, "pdf/x-1a")}
    assert {"C001", "X020", "F002"} <= codes_before
    assert not {"C001", "X020", "F001", "F002", "X006", "X010"} & codes_after
    assert conform(before.read_bytes(), "pdf/x-1a") == after.read_bytes()
    assert conform(before.read_bytes(), None) == before.read_bytes()
