"""Titles set large keep a number range on one line and never leave a short last word alone."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import BOOK_YAML, build, problems, run_epubcheck

from presswork.text.typography import NBSP, WORD_JOINER, display_string

RANGE = f"1923{WORD_JOINER}–{WORD_JOINER}1927"


def test_a_number_range_is_joined_around_its_dash():
    assert display_string("Was There an Alternative? 1923--1927", "en") == f"Was There an Alternative? {RANGE}"


def test_a_short_last_word_is_tied_to_the_word_before():
    assert display_string("Who Was He?", "en") == f"Who Was{NBSP}He?"
    assert display_string("Printing Presses", "en") == "Printing Presses"


def test_title_page_and_chapter_headings_keep_ranges_unbreakable_and_pass_epubcheck(small_book, tmp_path: Path):
    yaml = BOOK_YAML.replace("title: A Small Book", "title: Was There an Alternative? 1923--1927")
    root = small_book({"manuscript/book.yaml": yaml, "manuscript/chapters/one.md": "# The Years 1923--1927 and On\n\nText.\n"})
    result = build(root, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    [epub] = (tmp_path / "out").glob("*.epub")
    with zipfile.ZipFile(epub) as archive:
        texts = {n: archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml")}
    title_page = next(t for t in texts.values() if 'class="titlepage"' in t)
    assert f'id="titlepage-title">Was There an Alternative? {RANGE}</h1>' in title_page
    chapter = next(t for t in texts.values() if 'epub:type="chapter"' in t)
    assert f">The Years {RANGE} and{NBSP}On</h1>" in chapter
    assert problems(run_epubcheck(epub, tmp_path)) == []
