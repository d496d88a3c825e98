"""End to end: the sample book built as each PDF/X and PDF/A variant (and the full-size book as
PDF/X-1a) passes `presswork preflight`, and a structural check written here — a pikepdf walk of
every content stream's colour operators, images and annotations, not the preflight's code — agrees;
Ghostscript's inkcov device shows the X-1a pages printed with black ink alone.
(A plain `weasyprint` PDF failing pdf/x-1a with named reasons: test_preflight.py.)"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import ROOT, build
from PIL import Image
from synthbook import generate  # tools/, on pytest's pythonpath

from presswork.cli import main

PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not (shutil.which("gs") and shutil.which("pdftotext") and PROFILE.is_file()),
    reason="Ghostscript with its profiles and poppler-utils are needed: apt-get install ghostscript libgs-common poppler-utils")]  # fmt: skip
VARIANTS = ["pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/a-1b", "pdf/a-2u", "pdf/a-3b"]
# What colour each variant may paint in (the PDF/X intent is CMYK, the PDF/A one sRGB)
FORBIDDEN = {"pdf/x-1a": {"DeviceRGB", "ICCBased3", "CalRGB", "Lab"}, "pdf/x-3": {"DeviceRGB"}, "pdf/x-4": {"DeviceRGB"},
             "pdf/a-1b": {"DeviceCMYK"}, "pdf/a-2u": {"DeviceCMYK"}, "pdf/a-3b": {"DeviceCMYK"}}  # fmt: skip
SPACES = {"rg": "DeviceRGB", "RG": "DeviceRGB", "k": "DeviceCMYK", "K": "DeviceCMYK", "g": "DeviceGray", "G": "DeviceGray"}
SHORT = {"/RGB": "DeviceRGB", "/CMYK": "DeviceCMYK", "/G": "DeviceGray"}
HIDING = 1 | 2 | 32 | 256  # Invisible, Hidden, NoView, ToggleNoView


def _variant_book(root: Path, variant: str) -> Path:
    """`root` with the print block asking for `variant` (X-1a: greyscale figures, as it demands)."""
    (root / "cmyk.icc").write_bytes(PROFILE.read_bytes())
    profile = "  output_profile: cmyk.icc\n" if variant.startswith("pdf/x") else ""
    with (root / "manuscript/book.yaml").open("a", encoding="utf-8") as yaml:
        yaml.write(f"print:\n  bleed: true\n  pdf_variant: {variant}\n{profile}")
    if variant == "pdf/x-1a":
        for image in (root / "images").glob("*.png"):
            Image.open(image).convert("L").save(image)
    result = build(root, fmt="pdf")
    assert result.exit_code == 0, result.output
    [pdf] = (root / "build").glob("*.pdf")
    return pdf


@pytest.fixture(scope="module", params=VARIANTS)
def sample(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    root = tmp_path_factory.mktemp("variant") / "book"
    for folder in ("manuscript", "images", "styles"):
        shutil.copytree(ROOT / folder, root / folder)
    return request.param, _variant_book(root, request.param)


@pytest.fixture(scope="module")
def fullsize_x1a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fullsize-x1a") / "book"
    generate(root)
    return _variant_book(root, "pdf/x-1a")


def _family(space: object, resources: pikepdf.Object | None) -> str:
    """A colour space's family: DeviceRGB, ICCBased3, Separation …, a named one looked up."""
    if isinstance(space, pikepdf.Name):
        name = str(space)
        named = resources.get("/ColorSpace", {}) if resources is not None else {}
        if name in named:
            return _family(named[name], None)
        return SHORT.get(name, name[1:])
    if isinstance(space, pikepdf.Array) and len(space):
        kind = str(space[0])[1:]
        if kind == "ICCBased":
            return f"ICCBased{int(space[1].N)}"
        if kind == "Indexed":
            return _family(space[1], resources)
        return kind
    return "none"


def _painted(stream: pikepdf.Object, resources: pikepdf.Object | None, seen: set, depth: int = 0) -> Iterator[str]:
    """The colour families `stream` paints in: its operators, spaces set, images, shadings, forms."""
    if depth > 10:
        return
    for operands, op in pikepdf.parse_content_stream(stream):
        name = str(op)
        if name in SPACES:
            yield SPACES[name]
        elif name in ("cs", "CS"):
            yield _family(operands[0], resources)
        elif name == "INLINE IMAGE":
            image = operands[0].obj
            if not image.get("/IM", image.get("/ImageMask", False)):
                yield _family(image.get("/CS", image.get("/ColorSpace")), resources)
        elif name == "sh":
            yield _family(resources.Shading[str(operands[0])].get("/ColorSpace"), resources)
        elif name == "Do":
            xobject = resources.XObject[str(operands[0])]
            if xobject.objgen in seen:
                continue
            seen.add(xobject.objgen)
            if xobject.Subtype == pikepdf.Name.Image and not xobject.get("/ImageMask", False):
                yield _family(xobject.get("/ColorSpace"), resources)
            elif xobject.Subtype == pikepdf.Name.Form:
                yield from _painted(xobject, xobject.get("/Resources", resources), seen, depth + 1)


def _structure(path: Path) -> dict:
    """What the file paints and carries, read page by page with pikepdf alone."""
    found: dict = {"colours": set(), "annotations": [], "fonts": [], "pages": 0}
    with pikepdf.open(path) as pdf:
        found["version"] = pdf.pdf_version
        seen: set = set()
        for page in pdf.pages:
            found["pages"] += 1
            resources = page.obj.get("/Resources")
            found["colours"] |= set(_painted(page.obj, resources, seen))
            for pattern in (resources.get("/Pattern", {}) if resources is not None else {}).values():
                if isinstance(pattern, pikepdf.Stream):
                    found["colours"] |= set(_painted(pattern, pattern.get("/Resources"), seen))
            for annot in page.obj.get("/Annots", []):
                found["annotations"].append((str(annot.Subtype), int(annot.get("/F", 0))))
                appearance = annot.get("/AP", {}).get("/N")
                if isinstance(appearance, pikepdf.Stream):
                    found["colours"] |= set(_painted(appearance, appearance.get("/Resources"), seen))
            for font in (resources.get("/Font", {}) if resources is not None else {}).values():
                for part in font.get("/DescendantFonts", [font]):
                    files = {k: part.FontDescriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3")
                             if "/FontDescriptor" in part and k in part.FontDescriptor}  # fmt: skip
                    found["fonts"].append((str(font.get("/BaseFont")), [str(f.get("/Subtype", k)) for k, f in files.items()]))
    return found


def _preflight(path: Path, standard: str) -> str:
    result = CliRunner().invoke(main, ["preflight", str(path), "--standard", standard])
    assert result.exit_code == 0, result.output
    return result.output


def test_each_variant_passes_presswork_preflight(sample: tuple[str, Path]):
    variant, pdf = sample
    assert _preflight(pdf, variant).splitlines()[-1] == f"{variant}: passes"


def test_each_variant_is_what_it_declares_read_independently(sample: tuple[str, Path]):
    variant, pdf = sample
    found = _structure(pdf)
    assert found["colours"] and not found["colours"] & FORBIDDEN[variant], found["colours"]
    assert found["version"] <= ("1.6" if variant == "pdf/x-4" else "1.4" if variant in ("pdf/x-1a", "pdf/x-3", "pdf/a-1b") else "1.7")
    assert all(files for _, files in found["fonts"]), "a font not embedded"
    if found["version"] <= "1.4":
        assert not [name for name, files in found["fonts"] if "/OpenType" in files]
    if variant.startswith("pdf/x"):
        assert [a for a in found["annotations"] if a[0] != "/PrinterMark"] == []
    else:  # links stay in PDF/A, printed and shown
        assert len(found["annotations"]) > 100
        assert all(flags & (4 | HIDING) == 4 for _, flags in found["annotations"])


def _inks(path: Path) -> list[tuple[float, ...]]:
    """Ghostscript's inkcov: the share of each page covered by C, M, Y and K."""
    done = subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=inkcov", "-o", "-", str(path)],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return [tuple(float(v) for v in line.split()[:4]) for line in done.stdout.splitlines() if line.strip().endswith("OK")]


@pytest.mark.parametrize("sample", ["pdf/x-1a"], indirect=True)
def test_x1a_pages_print_in_black_ink_alone(sample: tuple[str, Path]):
    _, pdf = sample
    inks = _inks(pdf)
    assert len(inks) == _structure(pdf)["pages"]
    assert [n for n, (c, m, y, _) in enumerate(inks, 1) if c or m or y] == []
    assert sum(1 for *_, k in inks if k > 0.02) > 40  # the body pages carry text, in K


def test_the_fullsize_book_passes_as_pdfx1a(fullsize_x1a: Path):
    assert _preflight(fullsize_x1a, "pdf/x-1a").splitlines()[-1] == "pdf/x-1a: passes"
    found = _structure(fullsize_x1a)
    assert found["pages"] > 500 and not found["colours"] & FORBIDDEN["pdf/x-1a"] and not found["annotations"]


def test_each_variant_keeps_its_source_map_for_the_marks(sample: tuple[str, Path], tmp_path: Path):
    """The map is a private catalog entry, not an embedded file (which PDF/X-1a, X-3 and A-1 forbid):
    Ghostscript's rewrite keeps it (the preflight above passes with it), and a mark on the
    converted PDF is placed through it."""
    from markplaces import places, spread, where
    from test_marks import add

    _variant, pdf = sample
    root = pdf.parent.parent
    [place] = spread(places(root, pdf)["footnote"], [lambda p: True])
    marked = tmp_path / "marked.pdf"
    with pikepdf.open(pdf) as opened:
        assert "/EmbeddedFiles" not in opened.Root.get("/Names", {})
        add(opened, place.page, "Underline", place.words, "a mark")
        opened.save(marked)
    result = CliRunner().invoke(main, ["marks", str(marked), str(root), "--json"])
    assert result.exit_code == 0 and result.stderr == "", result.output
    [record] = json.loads(result.stdout)
    assert (f"{record['file']}:{record['line']}:{record['column']}", record["by"]) == (where(root, place.file, place.first), "source map")
