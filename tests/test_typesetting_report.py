"""The typesetting report reads a PDF's glyph positions: word spaces against the face's natural
space, hyphen ladders, short pages; checked on small PDFs WeasyPrint sets with known faults, and on
the sample's proof through `presswork proof --report`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from weasyprint import CSS, HTML

from conftest import ROOT
from presswork.cli import main
from presswork.preflight.typesetting import measure
from presswork.render.fonts import FACES, FONT_DIR

FACE = f'@font-face {{ font-family: Book; src: url("{(FONT_DIR / FACES[0].file).as_uri()}") }}'
PAGE = "@page { size: 5in 7in; margin: 0.75in } body { font: 10.5pt/14pt Book; margin: 0 } p { margin: 0; text-indent: 1em }"
WORDS = ("the press was a wooden frame with a screw that pressed the platen down on the paper "
         "laid over the inked type and the printer pulled the bar twice for each sheet ") * 6  # fmt: skip


def pdf(tmp_path: Path, body: str, css: str = "") -> Path:
    out = tmp_path / "t.pdf"
    HTML(string=f"<html lang=en><body>{body}</body></html>").write_pdf(out, stylesheets=[CSS(string=FACE + PAGE + css)])
    return out


def test_loose_lines_are_found_in_justified_text_with_long_words(tmp_path: Path) -> None:
    long = " ".join(["incomprehensibilities", "a", "characteristically"] * 40)
    loose = measure(pdf(tmp_path, f"<p>{long}</p><p>{WORDS}</p>" * 3, "p { text-align: justify }")).totals()
    assert loose["justified lines"] > 20
    assert loose["loose lines (> 1.5x)"] > 5
    assert loose["very loose lines (> 2x)"] > 0


def test_ragged_text_has_no_justified_lines_so_none_loose(tmp_path: Path) -> None:
    totals = measure(pdf(tmp_path, f"<p>{WORDS}</p>" * 3, "p { text-align: left }")).totals()
    assert totals["loose lines (> 1.5x)"] == 0


def test_word_spaces_are_measured_against_the_space_glyph_of_the_face(tmp_path: Path) -> None:
    """A book face's space is a quarter to a third of an em: 0.5 em more word spacing makes every
    space over 2x, 0.09 em less makes it tight, none set naturally is either (the same line twenty
    times makes a measure to judge)."""
    lines = "<p>" + "<br>".join(["the press was a wooden frame"] * 20) + "</p>"
    wide = measure(pdf(tmp_path, lines, "p { word-spacing: 0.5em; text-indent: 0 }"))
    assert wide.totals()["very loose lines (> 2x)"] == wide.totals()["justified lines"] == 20
    tight = measure(pdf(tmp_path, lines, "p { word-spacing: -0.09em; text-indent: 0 }")).totals()
    assert tight["tight lines (< 0.75x)"] == tight["justified lines"] == 20
    natural = measure(pdf(tmp_path, lines, "p { text-indent: 0 }")).totals()
    assert natural["loose lines (> 1.5x)"] == natural["tight lines (< 0.75x)"] == 0


def test_three_hyphenated_line_ends_in_a_row_are_a_ladder(tmp_path: Path) -> None:
    ladder = "<p>" + WORDS + "</p><p>alpha beta gam-<br>ma delta epsi-<br>lon zeta eta the-<br>ta iota</p>"
    two = "<p>" + WORDS + "</p><p>alpha beta gam-<br>ma delta epsi-<br>lon zeta eta theta iota</p>"
    assert measure(pdf(tmp_path, ladder)).totals()["hyphen ladders (3+)"] == 1
    assert measure(pdf(tmp_path, two)).totals()["hyphen ladders (3+)"] == 0


def test_a_page_ending_short_before_more_text_is_a_short_page(tmp_path: Path) -> None:
    full = f"<p>{WORDS * 3}</p>"
    short = full + "<p>one short paragraph</p>" + '<p style="break-before: page">' + WORDS * 3 + "</p>"
    opener = full + "<p>one short paragraph</p>" + '<h1 style="break-before: page; font-size: 24pt">Chapter</h1>' + full
    assert measure(pdf(tmp_path, short)).totals()["short pages (> 1 line)"] >= 1
    assert measure(pdf(tmp_path, opener)).totals()["short pages (> 1 line)"] == 0


def _page_of(count: int, first: bool = False) -> str:
    """A page's paragraph of `count` lines (a 7 in page of 14 pt lines holds 28), breaking before it."""
    lines = "<br>".join(f"line {n} of the press" for n in range(count))
    return f'<p style="break-before: {"auto" if first else "page"}; text-indent: 0">{lines}</p>'


def test_a_page_two_lines_short_is_short_one_line_short_is_not(tmp_path: Path) -> None:
    """A full page's own room under its last line (the text block is rarely a whole number of
    lines) is no hole: one line fewer is one line short, two fewer is a short page."""
    report = measure(pdf(tmp_path, _page_of(28, first=True) + _page_of(27) + _page_of(26) + _page_of(28) + _page_of(5)))
    assert [page.short_lines for page in report.pages] == [0, 1, 2, 0, 0]
    assert report.totals()["short pages (> 1 line)"] == 1


def test_a_page_before_a_section_heading_that_did_not_fit_is_not_short(tmp_path: Path) -> None:
    """A heading goes over with its first two lines: the hole it leaves ends a section (the space
    above a heading is read where one stands in mid-page); a hole it would have fitted in is
    still a short page."""
    heading = '<h2 style="font-size: 14pt; margin: 28pt 0 0; break-after: avoid">A section</h2>'
    section = _page_of(10, first=True) + heading + _page_of(43).replace("break-before: page", "")  # two full pages
    after = _page_of(60).replace("break-before: page", "")
    kept = section + _page_of(25) + heading + after
    forced = section + _page_of(20) + heading.replace("margin: 28pt 0 0", "margin: 0; break-before: page") + after
    assert [page.short_lines for page in measure(pdf(tmp_path, kept)).pages][:4] == [0, 0, 0, 0]
    assert measure(pdf(tmp_path, forced)).pages[2].short_lines >= 2


def test_a_glossary_term_heading_a_page_is_no_widow(tmp_path: Path) -> None:
    """A short lower-case line at the head of a page is a widow only when it ends a paragraph the
    page before left running to the measure, in that paragraph's face: a bold term opening an
    entry after an entry that ended is not one."""
    entry = "<p><b>forme</b></p><p style='margin-left: 1.2em'>" + WORDS + "</p>"
    glossary = f'<p>{WORDS * 3}</p><p style="break-before: page"><b>hand mould</b></p><p style="margin-left: 1.2em">{WORDS}</p>{entry}'
    widowed = f'<p>{WORDS * 3}</p><p style="break-before: page; text-indent: 0">the last words.</p><p>{WORDS}</p>'
    assert measure(pdf(tmp_path, glossary, "p { text-align: justify }")).totals()["widows"] == 0
    assert measure(pdf(tmp_path, widowed, "p { text-align: justify }")).totals()["widows"] == 0  # the page before ended its paragraph


@pytest.mark.slow  # a proof's page images
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils' pdftoppm is not installed")
def test_proof_report_writes_html_with_the_worst_pages_thumbnails(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["proof", str(ROOT), "--out", str(tmp_path / "proof"), "--report", "-q",
                                       "--cache", str(tmp_path / "cache")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "loose lines (> 1.5x)" in result.output
    page = (tmp_path / "proof" / "typesetting.html").read_text()
    assert "Worst pages" in page and '<img src="page-' in page
    named = page.split('<img src="')[1].split('"')[0]
    assert (tmp_path / "proof" / named).is_file()
