"""The printer's cover wrap as a printer's preflight reads it: boxes, inks (a walk of every colour
operator with pikepdf, and Ghostscript's CMYK separation of the barcode), no transparency in the
X-1a wrap, spine text in the spine's safe area; and dist's preflight gate on what it bundles."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy
import pdfplumber
import pikepdf
import pytest
import zxingcpp
from click.testing import CliRunner
from conftest import BOOK_YAML, ROOT
from PIL import Image

from presswork.cli import main
from presswork.distribution.covers import SAFE, SPINE_SAFE, cover_wrap, wrap_size
from presswork.load.book import load_book
from presswork.preflight import declared, preflight

GS_CMYK = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
PAGES = 254  # enough for spine text (80 pages and more)
pytestmark = pytest.mark.skipif(shutil.which("gs") is None or shutil.which("pdftotext") is None,
                                reason="needs Ghostscript and poppler (make system-deps)")  # fmt: skip


@pytest.fixture(scope="module")
def wraps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample's wrap as dist makes it (no PDF variant) and as it makes it for a PDF/X-1a interior."""
    if not GS_CMYK.exists():
        pytest.skip("needs a CMYK ICC profile: apt-get install libgs-common")
    folder = tmp_path_factory.mktemp("wraps")
    made = {"plain": folder / "plain.pdf", "pdf/x-1a": folder / "x1a.pdf"}
    made["plain"].write_bytes(cover_wrap(load_book(ROOT), PAGES))
    book = folder / "book"
    shutil.copytree(ROOT / "manuscript", book / "manuscript")
    shutil.copytree(ROOT / "images", book / "images")
    shutil.copyfile(GS_CMYK, book / "cmyk.icc")
    with (book / "manuscript/book.yaml").open("a", encoding="utf-8") as yaml:
        yaml.write("print:\n  pdf_variant: pdf/x-1a\n  output_profile: cmyk.icc\n")
    made["pdf/x-1a"].write_bytes(cover_wrap(load_book(book), PAGES))
    return made


@pytest.mark.parametrize("kind", ["plain", "pdf/x-1a"])
def test_trim_box_is_back_spine_and_front_and_the_bleed_box_the_sheet(wraps, kind):
    width, height, spine = wrap_size(load_book(ROOT), PAGES)
    pdf = pikepdf.open(wraps[kind])
    page = pdf.pages[0].obj
    media, bleed, trim = ([float(v) for v in page[box]] for box in ("/MediaBox", "/BleedBox", "/TrimBox"))
    assert trim == pytest.approx([9, 9, 9 + (2 * 6 + spine) * 72, 9 + 9 * 72], abs=0.01)
    assert bleed == pytest.approx([trim[0] - 9, trim[1] - 9, trim[2] + 9, trim[3] + 9], abs=0.01)
    assert media[0] <= bleed[0] and media[1] <= bleed[1] and media[2] >= bleed[2] and media[3] >= bleed[3]
    assert (media[2] - media[0]) / 72 == pytest.approx(width, abs=0.001)


def painted_spaces(pdf: pikepdf.Pdf) -> set[str]:
    """Every colour space a colour operator, colour-space operator or image uses, read from the page's
    content and every form it draws (nested), not from presswork's metadata."""
    spaces: set[str] = set()
    operators = {"rg": "DeviceRGB", "RG": "DeviceRGB", "k": "DeviceCMYK", "K": "DeviceCMYK", "g": "DeviceGray", "G": "DeviceGray"}

    def walk(stream: pikepdf.Object, resources: pikepdf.Object, depth: int = 0) -> None:
        assert depth < 10
        xobjects = resources.get("/XObject", {}) if resources is not None else {}
        for operands, op in pikepdf.parse_content_stream(stream):
            name = str(op)
            if name in operators:
                spaces.add(operators[name])
            elif name in ("cs", "CS"):
                spaces.add(str(operands[0]))
            elif name == "Do":
                target = xobjects[operands[0]]
                if target.Subtype == "/Image":
                    spaces.add(str(target.get("/ColorSpace")))
                else:
                    walk(target, target.get("/Resources", resources), depth + 1)

    for page in pdf.pages:
        walk(page.obj, page.obj.get("/Resources"))
    return spaces


@pytest.mark.parametrize("kind", ["plain", "pdf/x-1a"])
def test_every_colour_is_cmyk_or_grey(wraps, kind):
    spaces = painted_spaces(pikepdf.open(wraps[kind]))
    assert "/DeviceCMYK" in spaces or "DeviceCMYK" in spaces
    assert spaces <= {"DeviceCMYK", "DeviceGray", "/DeviceCMYK", "/DeviceGray"}, spaces


def test_the_x1a_wrap_has_no_transparency(wraps):
    pdf = pikepdf.open(wraps["pdf/x-1a"])
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            group = obj.get("/Group")
            assert not (isinstance(group, pikepdf.Dictionary) and group.get("/S") == "/Transparency")
            assert "/SMask" not in obj or obj.SMask == "/None"
            assert float(obj.get("/ca", 1)) == 1 and float(obj.get("/CA", 1)) == 1


def cmyk_render(path: Path, folder: Path, dpi: int = 300) -> numpy.ndarray:
    """The page separated by Ghostscript into C, M, Y and K, as a press would lay the inks down."""
    out = folder / f"{path.stem}.tif"
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiff32nc", f"-r{dpi}",
                    f"-sOutputFile={out}", str(path)], check=True)  # fmt: skip
    return numpy.asarray(Image.open(out))


@pytest.mark.parametrize("kind", ["plain", "pdf/x-1a"])
def test_barcode_is_black_ink_alone_at_100_percent(wraps, kind, tmp_path):
    inks = cmyk_render(wraps[kind], tmp_path)
    [found] = [r for r in zxingcpp.read_barcodes(Image.fromarray(255 - inks[:, :, 3])) if r.format.name == "EAN13"]
    assert found.text == "9780000000019"
    corners = [found.position.top_left, found.position.top_right, found.position.bottom_left, found.position.bottom_right]
    x0, x1 = min(p.x for p in corners), max(p.x for p in corners)
    y0 = min(p.y for p in corners)
    bars = inks[y0 : y0 + 150, x0 : x1 + 1]  # the bars' band: 0.5 in of the 0.75 in bars
    assert bars[:, :, :3].max() == 0  # no cyan, magenta or yellow under or in the bars
    assert set(numpy.unique(bars[:, :, 3])) == {0, 255}  # white paper, or black at 100 %


def test_spine_text_is_centred_within_the_spines_safe_area(wraps):
    _, height, spine = wrap_size(load_book(ROOT), PAGES)
    left = (0.125 + 6) * 72
    right = left + spine * 72
    with pdfplumber.open(wraps["plain"]) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["x1"] > left and c["x0"] < right]
    assert len(chars) > 10
    x0, x1 = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
    top, bottom = min(c["top"] for c in chars), max(c["bottom"] for c in chars)
    assert x0 >= left + SPINE_SAFE * 72 and x1 <= right - SPINE_SAFE * 72
    assert (x0 + x1) / 2 == pytest.approx((left + right) / 2, abs=0.03 * 72)
    assert top >= (0.125 + SAFE) * 72 and bottom <= (height - 0.125 - SAFE) * 72
    assert (top + bottom) / 2 == pytest.approx(height * 72 / 2, abs=0.05 * 72)


def test_the_wraps_pass_preflight(wraps):
    assert preflight(wraps["plain"], "cover") == []
    assert declared(wraps["pdf/x-1a"]) == ["pdf/x-1a"]
    assert preflight(wraps["pdf/x-1a"], "pdf/x-1a") == [] and preflight(wraps["pdf/x-1a"], "cover") == []


def test_cover_preflight_fails_a_wrap_without_bleed_in_its_trim_box_or_in_rgb(wraps, tmp_path):
    pdf = pikepdf.open(wraps["plain"])
    page = pdf.pages[0]
    page.obj.TrimBox = page.obj.MediaBox
    page.contents_add(pdf.make_stream(b"0.8 0.1 0.1 rg 20 20 50 50 re f"))
    pdf.save(tmp_path / "bad.pdf")
    codes = {f.code for f in preflight(tmp_path / "bad.pdf", "cover")}
    assert codes == {"V002", "C001"}


def test_dist_refuses_an_interior_that_fails_preflight_one_line_a_failure(small_book, tmp_path):
    """A figure of 40 px across set at its CSS size (0.42 in) is 96 ppi: KDP's profile (R001) refuses it."""
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace('{ebook: "9780000000002"}', '{ebook: "9780000000002", paperback: "9780000000019"}'),
                       "manuscript/chapters/one.md": "# One\n\n![A plate](images/plate.png)\n\nText.\n"})  # fmt: skip
    (root / "images").mkdir()
    Image.new("L", (40, 40), 90).save(root / "images/plate.png")
    result = CliRunner().invoke(main, ["dist", str(root), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert "the print files fail preflight (1 failure)" in result.output
    assert any(line.startswith("9780000000019_interior.pdf: kdp: R001 page ") and "96 ppi, under 300" in line for line in lines), lines
    assert not (tmp_path / "out/9780000000002").exists()


def test_dist_bundles_an_interior_without_links_or_bookmarks_that_passes(small_book, tmp_path):
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace('{ebook: "9780000000002"}', '{ebook: "9780000000002", paperback: "9780000000019"}')})  # fmt: skip
    result = CliRunner().invoke(main, ["dist", str(root), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    interior = tmp_path / "out/9780000000002/9780000000019_interior.pdf"
    pdf = pikepdf.open(interior)
    assert "/Outlines" not in pdf.Root and not any("/Annots" in p.obj for p in pdf.pages)
    assert preflight(interior, "kdp") == []
