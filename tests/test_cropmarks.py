"""Crop marks (layout/cropmarks.py) as pypdf and poppler see them: the page boxes they need,
and eight hairline strokes a page in registration colour, outside the bleed."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from conftest import BOOK_YAML, build
from PIL import Image
from pypdf.generic import ContentStream

PT = 72
BLEED = 9  # pt: `bleed: true` is 0.125 in
PRINT_BOOK = BOOK_YAML + "print:\n  trim: 5x8\n"
CHAPTER = "# One\n\n" + "Words of a chapter that fills a page. " * 60 + "[^a]\n\n[^a]: A note.\n"
GS_CMYK = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


def strokes(reader: pypdf.PdfReader, page: pypdf.PageObject) -> list[dict]:
    """The straight segments `page` strokes, each with its ends (in the page's default space), line
    width and colour space (resolved): the page's content stream read as a RIP reads it."""
    found: list[dict] = []
    state = {"ctm": (1.0, 0, 0, 1.0, 0, 0), "w": 1.0, "cs": None}
    stack: list[dict] = []
    path: list[tuple[tuple[float, float], tuple[float, float]]] = []
    current: tuple[float, float] | None = None
    spaces = page["/Resources"].get("/ColorSpace", {})

    def apply(x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = state["ctm"]
        return a * x + c * y + e, b * x + d * y + f

    for operands, op in ContentStream(page.get_contents(), reader).operations:
        args = [float(v) if isinstance(v, (int, float)) else v for v in operands]
        if op == b"q":
            stack.append(dict(state))
        elif op == b"Q":
            state = stack.pop()
        elif op == b"cm":
            a, b, c, d, e, f = state["ctm"]
            a2, b2, c2, d2, e2, f2 = args
            state["ctm"] = (a2 * a + b2 * c, a2 * b + b2 * d, c2 * a + d2 * c, c2 * b + d2 * d,
                            e2 * a + f2 * c + e, e2 * b + f2 * d + f)  # fmt: skip
        elif op == b"w":
            state["w"] = args[0] * math.hypot(state["ctm"][0], state["ctm"][1])
        elif op == b"CS":
            state["cs"] = spaces[args[0]].get_object() if args[0] in spaces else args[0]
        elif op == b"m":
            current = apply(*args)
        elif op == b"l" and current is not None:
            end = apply(*args)
            path.append((current, end))
            current = end
        elif op in (b"S", b"s", b"B", b"b", b"B*", b"b*"):
            found.extend({"ends": seg, "w": state["w"], "cs": state["cs"]} for seg in path)
            path = []
        elif op in (b"n", b"f", b"F", b"f*"):
            path = []
    return found


def box(page: pypdf.PageObject, name: str) -> tuple[float, ...]:
    return tuple(float(x) for x in getattr(page, name))


def inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def marked_pdf(small_book, extra: str = "", files: dict | None = None) -> Path:
    root = small_book({"manuscript/book.yaml": PRINT_BOOK + "  bleed: true\n  marks: true\n" + extra,
                       "manuscript/chapters/one.md": CHAPTER, **(files or {})})  # fmt: skip
    result = build(root, fmt="pdf")
    assert result.exit_code == 0, result.output
    return root / "build/a-small-book.pdf"


def test_crop_marks_make_room_around_the_bleed(small_book):
    """MediaBox = trim + bleed + offset + a quarter-inch mark on every side; BleedBox = trim + bleed."""
    reader = pypdf.PdfReader(marked_pdf(small_book))
    for page in reader.pages:
        trim, bleed, media = box(page, "trimbox"), box(page, "bleedbox"), box(page, "mediabox")
        assert (trim[2] - trim[0], trim[3] - trim[1]) == (5 * PT, 8 * PT)
        assert bleed == (trim[0] - BLEED, trim[1] - BLEED, trim[2] + BLEED, trim[3] + BLEED)
        room = [trim[0] - media[0], trim[1] - media[1], media[2] - trim[2], media[3] - trim[3]]
        assert all(side >= BLEED + 3 + 18 for side in room), room


def test_crop_marks_are_hairlines_in_registration_colour_outside_the_bleed(small_book):
    reader = pypdf.PdfReader(marked_pdf(small_book))
    for page in reader.pages:
        bleed, media = box(page, "bleedbox"), box(page, "mediabox")
        marks = [s for s in strokes(reader, page) if not inside((*s["ends"][0], *s["ends"][0]), bleed)]
        assert len(marks) == 8  # two a corner
        for mark in marks:
            (x0, y0), (x1, y1) = mark["ends"]
            assert x0 == x1 or y0 == y1
            assert math.hypot(x1 - x0, y1 - y0) >= 18  # at least 0.25 in
            near = min(abs(v - edge) for v in (x0, x1, y0, y1) for edge in bleed)
            assert all(not inside((x, y, x, y), bleed) for x, y in mark["ends"]) and near >= 3  # off the bleed
            assert inside((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), media)
            assert mark["w"] <= 0.25
            space = mark["cs"]
            assert (space[0], space[1], space[2]) == ("/Separation", "/All", "/DeviceCMYK")
            assert list(space[3].get_object()["/C1"]) == [1, 1, 1, 1]  # full tint: every ink


def test_marks_option_draws_them_and_without_it_the_page_is_the_bleed(small_book):
    root = small_book({"manuscript/book.yaml": PRINT_BOOK + "  bleed: true\n", "manuscript/chapters/one.md": CHAPTER})
    assert build(root, fmt="pdf").exit_code == 0
    assert build(root, "--marks", "--out", str(root / "marked"), fmt="pdf").exit_code == 0
    for path, count in ((root / "build/a-small-book.pdf", 0), (root / "marked/a-small-book.pdf", 8)):
        reader = pypdf.PdfReader(path)
        page = reader.pages[0]
        assert (box(page, "mediabox") == box(page, "bleedbox")) == (count == 0)
        assert len([s for s in strokes(reader, page) if s["cs"] is not None and "/All" in s["cs"]]) == count


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm (make system-deps)")
def test_what_overflows_the_page_stops_at_the_bleed_and_leaves_the_marks_clear(small_book, tmp_path: Path):
    """A heading's background pushed far past the page's edges: ink in the bleed, none beyond it."""
    wide = "h1 { margin-left: -3in; margin-right: -3in; background: black; }\n"
    pdf = marked_pdf(small_book, files={"styles/extra.css": wide})
    reader = pypdf.PdfReader(pdf)
    chapter = next(n for n, p in enumerate(reader.pages) if "One" in p.extract_text())
    media, trim = box(reader.pages[chapter], "mediabox"), box(reader.pages[chapter], "trimbox")
    subprocess.run(["pdftoppm", "-r", "72", "-f", str(chapter + 1), "-l", str(chapter + 1), "-png",
                    str(pdf), str(tmp_path / "page")], check=True)  # fmt: skip
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    rows = [y for y in range(image.height) if image.getpixel((round(trim[0] - media[0]) + 20, y)) < 128]
    assert rows, "the heading's band is not drawn"
    row = rows[len(rows) // 2]
    left = round(trim[0] - media[0])  # the trim's left edge in pixels (72 dpi: one a point)
    assert image.getpixel((left - BLEED + 2, row)) < 128  # in the bleed: ink
    assert image.getpixel((left - BLEED - 3, row)) > 200  # beyond it: paper


@pytest.mark.skipif(not GS_CMYK.exists(), reason="needs a CMYK ICC profile: apt-get install libgs-common")
def test_pdf_x1a_with_crop_marks_keeps_its_boxes_nested(small_book):
    """PDF/X asks TrimBox ⊆ BleedBox ⊆ MediaBox, and no transparency (WeasyPrint's own marks had a group)."""
    pdf = marked_pdf(small_book, "  pdf_variant: pdf/x-1a\n  output_profile: cmyk.icc\n", {"cmyk.icc": GS_CMYK.read_bytes()})
    reader = pypdf.PdfReader(pdf)
    for page in reader.pages:
        assert inside(box(page, "trimbox"), box(page, "bleedbox")) and inside(box(page, "bleedbox"), box(page, "mediabox"))
    assert b"/Transparency" not in pdf.read_bytes()
