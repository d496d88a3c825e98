"""Running heads that fit: a chapter title too wide for the head is cut to whole words with an
ellipsis (layout/heads.py), the built PDF shows it on one line clear of the trim, and `check` says so."""

from __future__ import annotations

import pdfplumber
from conftest import BOOK_YAML, build

from presswork.check.book import check_book
from presswork.legacy.convert import Converted
from presswork.legacy.importer import _markdown
from presswork.legacy.structure import Entry
from presswork.layout.heads import fitted, room, width
from presswork.model import PrintOptions

LONG = "The Long and Winding History of the Steam-Driven Rotary Presses of the Industrial Age in Europe"
TEXT = "Words of a chapter that runs over several pages of the book. " * 400


def test_a_head_that_fits_is_kept_and_a_wide_one_cut_at_a_word_with_an_ellipsis():
    options = PrintOptions()
    assert fitted("The Mainz Workshop", options) == "The Mainz Workshop"
    short = fitted(LONG, options)
    assert short.endswith("…") and LONG.startswith(short[:-1]) and LONG[len(short) - 1] == " "
    assert width(short) <= room(options) < width(LONG)


def test_the_built_pdf_sets_a_long_chapter_titles_head_on_one_line_clear_of_the_trim(small_book):
    root = small_book({"manuscript/book.yaml": BOOK_YAML + "print:\n  trim: 5x8\n",
                       "manuscript/chapters/one.md": f"# {LONG}\n\n{TEXT}\n"})  # fmt: skip
    assert build(root, fmt="pdf").exit_code == 0
    heads = 0
    with pdfplumber.open(root / "build/a-small-book.pdf") as pdf:
        for page in pdf.pages:
            top = [c for c in page.chars if c["top"] < 0.75 * 72]  # the top margin
            if not any(c["text"] == "…" for c in top):
                continue
            heads += 1
            assert len({round(c["top"]) for c in top}) == 1  # one line
            assert min(c["top"] for c in top) >= 0.25 * 72
    assert heads >= 2


def test_check_warns_at_the_title_of_a_chapter_whose_head_was_shortened(small_book):
    root = small_book({"manuscript/chapters/one.md": f"# {LONG}\n\nText.\n"})
    [found] = [p for p in check_book(root) if p.code == "P001"]
    assert (found.file, found.line) == ("manuscript/chapters/one.md", 1)
    assert "printed as 'The Long and Winding" in found.message
    short = small_book({"manuscript/chapters/one.md": f"---\nshort_title: Rotary Presses\n---\n# {LONG}\n\nText.\n"})
    assert not [p for p in check_book(short) if p.code == "P001"]


def test_the_importer_writes_a_short_title_for_a_title_too_wide_for_the_head():
    long = _markdown(Entry(f"Steam: {LONG}", 3, "chapter", 1), Converted())
    assert "short_title: Steam\n" in long
    assert "short_title" not in _markdown(Entry("Mainz", 4, "chapter", 1), Converted())
