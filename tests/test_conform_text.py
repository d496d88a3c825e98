"""Text and font names survive Ghostscript's PDF/X and PDF/A-1b rewrite (pdf.conform): pdftotext reads
the ligatures (Th, ft, fi) as the print PDF gives them, not Ghostscript 10.00's byte-swapped 吀栀, and
pdffonts names each font as the print PDF does under a subset tag, not XXXXXX+Anonymous."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, build
from PIL import Image

from presswork.pdf.conform import conform
from presswork.pdf.rewritten_fonts import restore_fonts

FACES = ROOT / "src" / "presswork" / "fonts"
PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
needs_tools = pytest.mark.skipif(
    not (shutil.which("gs") and shutil.which("pdftotext") and shutil.which("pdffonts")),
    reason="Ghostscript and poppler-utils are needed: apt-get install ghostscript poppler-utils")  # fmt: skip
TAGGED = re.compile(r"^[A-Z]{6}\+")


def _pages(path: Path) -> list[list[str]]:
    """Each page's text lines as pdftotext reads them, sorted: Ghostscript may draw a page's
    folio before its running head, the words of each line stay what they were."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [sorted(line.strip() for line in page.splitlines() if line.strip()) for page in text.split("\f")]


def _fonts(path: Path) -> list[str]:
    """The font names pdffonts lists (name column, subset tags and all)."""
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in listing.splitlines()[2:]]


def _untagged(names: list[str]) -> set[str]:
    assert all(TAGGED.match(name) for name in names), names
    return {name[7:] for name in names}


@needs_tools
@pytest.mark.parametrize("variant", ["pdf/x-1a", "pdf/a-1b"])
def test_ligatures_and_font_names_survive_the_rewrite_of_a_weasyprint_pdf(tmp_path: Path, variant: str):
    from weasyprint import HTML

    faces = "".join(f"@font-face{{font-family:Linux Libertine;src:url({(FACES / file).as_uri()});{style}}}"
                     for file, style in (("LinLibertine_R.otf", ""), ("LinLibertine_RI.otf", "font-style:italic"),
                                         ("LinLibertine_RB.otf", "font-weight:bold")))  # fmt: skip
    html = (f"<style>{faces}p{{font-family:Linux Libertine}}</style><p>The Pressman’s Craft: the first office.</p>"
            "<p><i>The Craft of the first office</i></p><p><b>The Afterword, first and last</b></p>")
    before, after = tmp_path / "before.pdf", tmp_path / "after.pdf"
    HTML(string=html).write_pdf(before, pdf_variant=variant)
    after.write_bytes(conform(before.read_bytes(), variant))
    assert "The Pressman’s Craft: the first office." in _pages(before)[0]  # the ligatures are there to lose
    assert _pages(after) == _pages(before)
    assert _untagged(_fonts(after)) == _untagged(_fonts(before)) == {
        "Linux-Libertine", "Linux-Libertine-Italic", "Linux-Libertine-Bold"}  # fmt: skip


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample's print PDF with bleed as it is by default and as PDF/X-1a and PDF/A-1b, its figures
    greyscale in each (as X-1a demands)."""
    if not PROFILE.is_file():
        pytest.skip("Ghostscript's CMYK profile is needed: apt-get install libgs-common")
    made = {}
    for variant in (None, "pdf/x-1a", "pdf/a-1b"):
        root = tmp_path_factory.mktemp("conform-text") / "book"
        for folder in ("manuscript", "images", "styles"):
            shutil.copytree(ROOT / folder, root / folder)
        for image in (root / "images").glob("*.png"):
            Image.open(image).convert("L").save(image)
        (root / "cmyk.icc").write_bytes(PROFILE.read_bytes())
        declared = f"  pdf_variant: {variant}\n  output_profile: cmyk.icc\n" if variant else ""
        with (root / "manuscript/book.yaml").open("a", encoding="utf-8") as yaml:
            yaml.write(f"print:\n  bleed: true\n{declared}")
        result = build(root, fmt="pdf")
        assert result.exit_code == 0, result.output
        [made[variant or "default"]] = (root / "build").glob("*.pdf")
    return made


@pytest.mark.slow
@needs_tools
@pytest.mark.parametrize("variant", ["pdf/x-1a", "pdf/a-1b"])
def test_the_samples_pdfx_and_pdfa_text_is_the_print_pdfs_page_for_page(printed: dict[str, Path], variant: str):
    default, rewritten = _pages(printed["default"]), _pages(printed[variant])
    assert "The Pressman’s Craft" in default[0]
    assert len(rewritten) == len(default)
    different = [number for number, (mine, theirs) in enumerate(zip(rewritten, default), 1) if mine != theirs]
    assert not different, f"pages {different[:10]} read otherwise, first: {rewritten[different[0] - 1][:5] if different else ''}"


@pytest.mark.slow
@needs_tools
@pytest.mark.parametrize("variant", ["pdf/x-1a", "pdf/a-1b"])
def test_the_samples_pdfx_and_pdfa_fonts_keep_their_names(printed: dict[str, Path], variant: str):
    names = _fonts(printed[variant])
    assert not [name for name in names if "Anonymous" in name]
    assert _untagged(names) == _untagged(_fonts(printed["default"]))


def _with_fonts(fonts: list[tuple[str, list, bytes]], pages: list[list[int]]) -> pikepdf.Pdf:
    """A PDF with Type0 fonts (name, /W, ToUnicode data) and pages using the fonts at the indexes given."""
    pdf = pikepdf.new()
    made = []
    for name, widths, text in fonts:
        member = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType0,
                                                      BaseFont=pikepdf.Name(name), W=pikepdf.Array(widths),
                                                      FontDescriptor=pdf.make_indirect(pikepdf.Dictionary(
                                                          Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name(name)))))  # fmt: skip
        made.append(pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0,
                                                         BaseFont=pikepdf.Name(name), DescendantFonts=[member],
                                                         ToUnicode=pikepdf.Stream(pdf, text))))  # fmt: skip
    for used in pages:
        pdf.add_blank_page()
        pdf.pages[-1].Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary({f"/F{i}": made[i] for i in used}))
    return pdf


def test_a_rewritten_font_is_named_after_the_original_its_widths_and_pages_match():
    original = _with_fonts([("/AAAAAA+Face-Regular", [1, [500]], b"regular"), ("/BBBBBB+Face-Bold", [1, [500]], b"bold"),
                            ("/CCCCCC+Face-Italic", [1, [400], 7, [300]], b"italic")], [[0], [1, 2]])  # fmt: skip
    out = _with_fonts([("/GHOSTA+Anonymous", [1, [500]], b"junk"), ("/GHOSTB+Anonymous", [7, [300]], b"junk"),
                       ("/GHOSTC+Anonymous", [1, [999]], b"junk")], [[], [0, 1, 2]])  # fmt: skip
    restore_fonts(out, original)
    fonts = [out.pages[1].Resources.Font[f"/F{i}"] for i in range(3)]
    # widths alike in Regular and Bold: the page decides; widths alone pick Italic; no match: left as it is
    assert [str(font.BaseFont) for font in fonts] == ["/GHOSTA+Face-Bold", "/GHOSTB+Face-Italic", "/GHOSTC+Anonymous"]
    assert [font.ToUnicode.read_bytes() for font in fonts] == [b"bold", b"italic", b"junk"]
    assert str(fonts[0].DescendantFonts[0].FontDescriptor.FontName) == "/GHOSTA+Face-Bold"
