"""Chapter titles keep their italics in the heading and the printed contents (plain text in
bookmarks and running heads); chapter numbering styles; untitled numbered chapters; contents
entries whose turnover lines hang under the title."""

from __future__ import annotations

import subprocess
import shutil
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import BOOK_YAML, build
from presswork.load.book import load_book
from presswork.text.labels import chapter_label, chapter_number

BRIG = "# The Brig *Covenant* Sails\n\nThey set sail at dawn.\n"
LONG = "# A Very Long Chapter Title That Runs Well Past the Measure of the Contents Page and Turns Over\n\nText.\n"
UNTITLED = "They walked on in silence for a long time.\n"


def book_with(small_book, numbers: str | None = None, **chapters: str) -> Path:
    listed = "".join(f"    - chapters/{name}.md\n" for name in chapters)
    yaml = BOOK_YAML.replace("    - chapters/one.md\n", listed)
    if numbers:
        yaml += f"chapter_numbers: {numbers}\n"
    return small_book({"manuscript/book.yaml": yaml, "manuscript/chapters/one.md": None,
                       **{f"manuscript/chapters/{name}.md": text for name, text in chapters.items()}})  # fmt: skip


def epub_text(root: Path, name: str) -> str:
    [epub] = (root / "build").glob("*.epub")
    with zipfile.ZipFile(epub) as z:
        return z.read(next(n for n in z.namelist() if n.endswith(name))).decode()


@pytest.mark.parametrize(("style", "expected"), [("arabic", "Chapter 14"), ("roman", "Chapter XIV"),
                                                  ("words", "Chapter Fourteen")])  # fmt: skip
def test_chapter_labels_follow_the_numbering_style(style: str, expected: str) -> None:
    assert chapter_label("en", 14, style) == expected


def test_numbers_in_words_reach_ninety_nine_then_figures() -> None:
    assert [chapter_number("en", n, "words") for n in (21, 40, 99, 100)] == ["Twenty-One", "Forty", "Ninety-Nine", "100"]
    assert chapter_number("en", 1994, "roman") == "MCMXCIV"


def test_title_keeps_its_emphasis_in_the_heading_and_plain_text_elsewhere(small_book) -> None:
    root = book_with(small_book, one=BRIG)
    [chapter] = load_book(root).chapters()
    assert chapter.title == "The Brig Covenant Sails"
    result = build(root)
    assert result.exit_code == 0, result.output
    page = epub_text(root, "one.xhtml")
    assert "The Brig <em>Covenant</em> Sails</h1>" in page
    assert 'data-running-head="The Brig Covenant Sails"' in page
    assert "The Brig Covenant Sails" in epub_text(root, "nav.xhtml")


def test_numbering_style_none_drops_label_and_contents_number(small_book) -> None:
    root = book_with(small_book, "none", one=BRIG)
    assert build(root).exit_code == 0
    page = epub_text(root, "one.xhtml")
    assert "chapter-label" not in page and "1. The Brig" not in epub_text(root, "nav.xhtml")


def test_roman_numbering_in_label_and_contents(small_book) -> None:
    root = book_with(small_book, "roman", one=BRIG, two="# Second\n\nMore.\n")
    assert build(root).exit_code == 0
    assert "Chapter II</p>" in epub_text(root, "two.xhtml")
    assert "II. Second" in epub_text(root, "nav.xhtml")


def test_an_untitled_chapter_takes_its_number_as_title(small_book) -> None:
    root = book_with(small_book, "roman", one=UNTITLED, two=UNTITLED)
    chapters = list(load_book(root).chapters())
    assert [c.title for c in chapters] == ["I", "II"]
    assert build(root).exit_code == 0
    assert '<h1 id="two-title" class="chapter-number">II</h1>' in epub_text(root, "two.xhtml")


def test_an_untitled_file_is_an_error_unless_book_yaml_says_how_chapters_are_numbered(small_book) -> None:
    result = build(book_with(small_book, None, one=UNTITLED))
    assert result.exit_code == 1
    assert "the file has no title" in result.output and "chapter_numbers" in result.output


def test_unknown_numbering_style_is_an_error_at_its_line(small_book) -> None:
    result = build(book_with(small_book, "greek", one=BRIG))
    assert result.exit_code == 1 and "book.yaml" in result.output and "arabic, roman, words, none" in result.output


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils' pdftotext is not installed")
def test_print_contents_italic_title_and_hanging_turnover(small_book, tmp_path: Path) -> None:
    root = book_with(small_book, "roman", one=BRIG, two=LONG, three=UNTITLED)
    result = build(root, "--out", str(tmp_path / "out"), fmt="pdf")
    assert result.exit_code == 0, result.output
    [pdf] = (tmp_path / "out").glob("*.pdf")
    reader = PdfReader(pdf)
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "The Brig Covenant Sails" in outline and "III" in outline
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        page = next(p for p in doc.pages if "Contents" in (p.extract_text() or ""))
        words = page.extract_words(extra_attrs=["fontname"])
        covenant = next(w for w in words if w["text"] == "Covenant")
        sails = next(w for w in words if w["text"] == "Sails")
        assert "Italic" in covenant["fontname"] and "Italic" not in sails["fontname"]
        first = next(w for w in words if w["text"] == "II.")
        title = next(w for w in words if w["text"] == "A" and abs(w["top"] - first["top"]) < 2)
        turnover = [w for w in words if w["top"] > first["top"] + 5 and w["top"] < first["top"] + 30]
        assert turnover and abs(min(w["x0"] for w in turnover) - title["x0"]) < 1.5  # under the title, not the number
    opener = subprocess.run(["pdftotext", "-f", "1", "-l", str(len(reader.pages)), str(pdf), "-"], capture_output=True, text=True).stdout
    assert "CHAPTER I" in opener.upper() and "The Brig Covenant Sails" in opener
