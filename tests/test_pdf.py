"""End-to-end: the sample book's print PDF as pypdf, pdfplumber and poppler see it."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from conftest import BOOK_YAML, ROOT, build
from PIL import Image

from presswork.load.book import load_book
from presswork.text.typography import smarten_string

PT = 72


@pytest.fixture(scope="module")
def reader(sample_pdf: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(sample_pdf)


@pytest.fixture(scope="module")
def texts(sample_pdf: Path) -> list[str]:
    with pdfplumber.open(sample_pdf) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.fixture(scope="module")
def outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 0-based page index) of every bookmark."""
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


@pytest.fixture(scope="module")
def book():
    return load_book(ROOT)


def starts(outline, book) -> dict[str, int]:
    """Page index where each chapter of the book starts, from the outline."""
    by_title = {title: page for _, title, page in outline}
    return {c.id: by_title[c.title] for c in book.chapters()}


def test_page_size_is_the_trim(reader: pypdf.PdfReader):
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (6 * PT, 9 * PT)


def test_every_font_is_embedded(reader: pypdf.PdfReader, sample_pdf: Path):
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert all("Libertine" in name for name in fonts), fonts
    if shutil.which("pdffonts"):
        rows = subprocess.run(["pdffonts", str(sample_pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows)  # the "emb" column


def test_outline_lists_parts_and_every_chapter(outline, book):
    titles = [title for _, title, _ in outline]
    for chapter in book.chapters():
        assert chapter.title in titles
    depths = {title: depth for depth, title, _ in outline}
    assert depths["Before the Press"] == 1 and depths["Foreword"] == 0
    assert any(t.startswith("Part One") and depths[t] == 0 for t in titles)


def test_a_parts_bookmark_reads_as_its_contents_entry(small_book, tmp_path: Path):
    """"Part One: Metal and Ink", not the heading's two lines run together."""
    parted = BOOK_YAML.replace("    - chapters/one.md\n", "    - part: Metal and Ink\n      chapters: [chapters/one.md]\n")
    assert build(small_book({"manuscript/book.yaml": parted}), "--out", str(tmp_path), fmt="pdf").exit_code == 0
    outline = pypdf.PdfReader(tmp_path / "a-small-book.pdf").outline
    assert [item.title for item in outline if not isinstance(item, list)][-1] == "Part One: Metal and Ink"


def test_page_labels_are_roman_then_arabic(reader: pypdf.PdfReader):
    labels = reader.page_labels
    first_arabic = labels.index("1")
    assert labels[:5] == ["i", "ii", "iii", "iv", "v"]
    assert all(re.fullmatch(r"[ivxlc]+", label) for label in labels[:first_arabic])
    assert labels[first_arabic:] == [str(n) for n in range(1, len(labels) - first_arabic + 1)]
    assert first_arabic % 2 == 0  # page 1 is a recto


def test_every_chapter_and_part_starts_on_a_recto(outline):
    assert all(page % 2 == 0 for _, _, page in outline)  # 0-based index: even = odd page


def test_contents_page_numbers_match_where_chapters_start(reader, texts, outline, book):
    contents = next(i for i, t in enumerate(texts) if t.startswith("Contents"))
    lines = texts[contents].splitlines()
    where = starts(outline, book)
    for chapter in book.chapters():
        label = reader.page_labels[where[chapter.id]]
        entry = (f"{chapter.number}. " if chapter.number else "") + smarten_string(chapter.title, "en")
        line = next(line for line in lines if line.startswith(entry))
        assert line.rstrip().endswith(f" {label}"), (line, label)


def test_contents_folios_align_right_and_leader_dots_line_up(texts, sample_pdf: Path):
    """Every entry's folio ends at one x, its leader's last dot stands at one x, and the leader
    keeps clear of the title (no dot right after its last letter, which reads as a full stop)."""
    contents = next(i for i, t in enumerate(texts) if t.startswith("Contents"))
    with pdfplumber.open(sample_pdf) as pdf:
        rows: dict[int, list[dict]] = {}
        for char in pdf.pages[contents].chars:
            rows.setdefault(round(char["top"]), []).append(char)
    entries = [sorted(row, key=lambda c: c["x0"]) for row in rows.values() if sum(c["text"] == "." for c in row) > 5]
    assert len(entries) >= 10
    folio_ends = [row[-1]["x1"] for row in entries]
    last_dots = [max(c["x0"] for c in row if c["text"] == ".") for row in entries]
    assert max(folio_ends) - min(folio_ends) < 0.5 and max(last_dots) - min(last_dots) < 0.5, (folio_ends, last_dots)
    for row in entries:
        marks = [c for c in row if c["text"].strip()]
        first_dot = next(i for i, c in enumerate(marks) if c["text"] == marks[i + 1]["text"] == ".")
        assert marks[first_dot]["x0"] - marks[first_dot - 1]["x1"] > 4, "".join(c["text"] for c in row)


def test_no_line_starts_with_a_close_dash_or_ends_a_paragraph_with_a_word_tail(texts):
    lines = [line.strip() for text in texts for line in text.splitlines()]
    assert not [line for line in lines if re.match(r"—\w", line)]
    tails = [(a, b) for a, b in itertools.pairwise(lines) if a.endswith(("-", "‐")) and re.fullmatch(r"\w+[.!?”’]+\d*", b)]
    assert not tails


def test_running_heads_on_body_pages_but_not_on_chapter_openers(reader, texts, outline, book):
    where = starts(outline, book)
    for chapter in book.chapters():
        first = where[chapter.id]
        top = texts[first].splitlines()[0]
        assert not top.endswith(f" {reader.page_labels[first]}") and "The Pressman’s Craft" not in top, top
        following = texts[first + 1].splitlines()[0] if texts[first + 1] else ""
        label = reader.page_labels[first + 1]
        if following:  # the verso carries the folio and the book's title
            assert following == f"{label} The Pressman’s Craft", following
        recto = texts[first + 2].splitlines()[0] if first + 2 < len(texts) and texts[first + 2] else ""
        if recto and first + 2 not in {page for _, _, page in outline}:
            assert recto.endswith(f" {reader.page_labels[first + 2]}")


def test_footnotes_sit_on_the_page_of_their_call(reader: pypdf.PdfReader, book):
    """Each call leaves an anchor (…-nrefN) and each note one (…-nN): compare their pages."""
    pages = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    notes = [(chapter.id, note.number) for chapter in book.chapters() for note in chapter.notes]
    assert len(notes) >= 40
    assert not [(c, n) for c, n in notes if pages[f"{c}-nref{n}"] != pages[f"{c}-n{n}"]]


def test_only_intended_blank_pages_are_empty(texts, outline):
    openers = {page for _, _, page in outline}
    for index, text in enumerate(texts):
        if not text.strip():
            assert index % 2 == 1 and (index + 1 in openers or index + 1 == 2 or index + 1 == len(texts)), index + 1


def test_document_metadata(reader: pypdf.PdfReader):
    info = reader.metadata
    assert info.title == "The Pressman's Craft" and info.author == "Ada Quill"
    assert "printed book" in info.subject and "Printing — History" in info["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_two_builds_are_byte_identical(tmp_path: Path, sample_pdf: Path):
    assert build(ROOT, "--out", str(tmp_path), "-q", fmt="pdf").exit_code == 0
    assert (tmp_path / "pressmans-craft.pdf").read_bytes() == sample_pdf.read_bytes()


PRINT_BOOK = BOOK_YAML + "print:\n  trim: 5x8\n"
CHAPTER = "# One\n\n" + "Words of a chapter that fills a page. " * 60 + "[^a]\n\n[^a]: A note.\n"


def test_endnotes_option_puts_notes_at_the_chapter_end(small_book):
    root = small_book({"manuscript/book.yaml": PRINT_BOOK + "  notes: endnotes\n", "manuscript/chapters/one.md": CHAPTER})
    assert build(root, fmt="pdf").exit_code == 0
    with pdfplumber.open(root / "build/a-small-book.pdf") as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert "Notes\n1. A note." in text


GS_CMYK = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


def test_pdf_x_without_an_output_profile_is_a_clear_error(small_book):
    root = small_book({"manuscript/book.yaml": PRINT_BOOK + "  pdf_variant: pdf/x-4\n"})
    result = build(root, fmt="pdf")
    assert result.exit_code == 1 and "book.yaml:12: PDF/X-4 needs the printer's output profile" in result.output


def test_output_profile_must_be_an_icc_profile(small_book):
    root = small_book({"manuscript/book.yaml": PRINT_BOOK + "  pdf_variant: pdf/x-4\n  output_profile: printer.icc\n",
                       "printer.icc": b"not really a profile"})  # fmt: skip
    result = build(root, fmt="pdf")
    assert result.exit_code == 1 and "book.yaml:13: printer.icc is not an ICC profile" in result.output


needs_profile = pytest.mark.skipif(not GS_CMYK.exists(), reason="needs a CMYK ICC profile: apt-get install libgs-common")


@needs_profile
def test_pdf_x1a_refuses_rgb_images_with_a_clear_message(small_book):
    root = small_book({"manuscript/book.yaml": PRINT_BOOK + "  pdf_variant: pdf/x-1a\n  output_profile: printer.icc\n",
                       "printer.icc": GS_CMYK.read_bytes(),
                       "manuscript/chapters/one.md": "# One\n\n![A plate](images/plate.png)\n"})  # fmt: skip
    (root / "images").mkdir(exist_ok=True)
    Image.new("RGB", (20, 20), "red").save(root / "images/plate.png")
    result = build(root, fmt="pdf")
    assert result.exit_code == 1 and "PDF/X-1a allows only CMYK or greyscale images" in result.output
    assert "one.md:3" in result.output and not list((root / "build").glob("*.pdf"))


@needs_profile
def test_pdf_x4_is_written_with_an_output_intent(small_book):
    root = small_book({"manuscript/book.yaml": PRINT_BOOK + "  pdf_variant: pdf/x-4\n  output_profile: cmyk.icc\n",
                       "cmyk.icc": GS_CMYK.read_bytes()})  # fmt: skip
    assert build(root, fmt="pdf").exit_code == 0
    catalog = pypdf.PdfReader(root / "build/a-small-book.pdf").trailer["/Root"]
    assert "/OutputIntents" in catalog
