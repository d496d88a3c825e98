"""Every footnote on the page of its call (layout/footnotes.py), or a warning naming it."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from conftest import BOOK_YAML, build
from weasyprint import CSS, HTML
from weasyprint.document import Page

from presswork.errors import Diagnostics
from presswork.layout import footnotes, pagelength
from presswork.layout.pieces import Layout, Piece
from presswork.layout.typeset import LaidOut, PageInfo
from presswork.load.book import load_book
from presswork.weasy import layout as weasy

FILLER = "the press stood in a low room by the river and its frame was oak darkened by years of ink"


def filler(words: int, start: int = 0) -> str:
    """`words` words of FILLER over and over, from its word `start`, as one sentence."""
    cycle = FILLER.split()
    return " ".join(cycle[(start + i) % len(cycle)] for i in range(words)).capitalize() + "."


def pages_holding(pdf: Path, *phrases: str) -> list[int]:
    """For each phrase, the index of the first page whose text holds it."""
    with pdfplumber.open(pdf) as document:
        texts = [" ".join((page.extract_text() or "").split()) for page in document.pages]
    return [next(i for i, text in enumerate(texts) if phrase in text) for phrase in phrases]


def weasyprint_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lay out as WeasyPrint does by itself: its own choice to move notes, no correction after, no
    page run long."""
    monkeypatch.setattr(weasy, "keep_notes_with_their_calls", lambda: False)
    monkeypatch.setattr(weasy.block, "_linebox_layout", getattr(weasy.block._linebox_layout, "__wrapped__", weasy.block._linebox_layout))
    monkeypatch.setattr(footnotes, "RELAYOUTS", 0)
    monkeypatch.setattr(pagelength, "TRIES", 0)


def lay_out(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[str, Path]:
    """Build the PDF in this process (`--jobs 1`) in a cache of its own; with `monkeypatch`, as
    WeasyPrint lays it out by itself."""
    if monkeypatch is not None:
        weasyprint_alone(monkeypatch)
    result = build(root, "--out", str(out), "--cache", str(out / "cache"), "--jobs", "1", fmt="pdf")
    assert result.exit_code == 0, result.output
    return result.output, out / "a-small-book.pdf"


# A 400 px page of 18 lines of 20 px; `<br>` makes every line, whatever the font.
PAGE = """@page { size: 400px; margin: 20px } html { font-size: 16px; line-height: 20px }
p, li { orphans: 2; widows: 2; margin: 0 } ul { margin: 0 } h2 { margin: 40px 0 0; font-size: 16px; break-after: avoid }
.note { float: footnote; footnote-policy: line }"""


def lines(count: int, word: str) -> str:
    return "<br>".join(f"{word}{i}" for i in range(count))


def piece(call_lines: int, heading: str = "") -> HTML:
    """A paragraph of `call_lines` lines ending in a three-line note's call, then a list of five
    four-line items (no ids: the break is placed by position), after a `heading` if given."""
    items = "".join(f"<li>{lines(4, f'item{k}-')}</li>" for k in range(1, 6))
    return HTML(string=f'<p>{lines(call_lines, "line")}<span class="note">{lines(3, "note")}</span></p>{heading}<ul>{items}</ul>')


def opening(page: Page) -> tuple[str, float]:
    """The first words of a laid-out page, list markers aside, and how far down the page they stand."""
    first = next(b for b in weasy.page_flow(page).descendants() if weasy.is_text(b) and "::" not in b.element_tag)
    return first.text, first.position_y


@pytest.mark.parametrize("call_lines, heading, pushed", [(4, "", "item3-0"), (8, "", "item2-0"), (9, '<h2 id="h">Head</h2>', "Head")])
def test_the_block_that_crowds_a_note_out_goes_to_the_next_page(call_lines: int, heading: str, pushed: str, monkeypatch):
    """Where the list item (or the heading kept with it) has room for one line, WeasyPrint alone
    moves the note on; laid out again with a break before that block, the note stays, and the
    block heads the next page as after a break of WeasyPrint's own (the heading's margin dropped)."""
    weasyprint_alone(monkeypatch)
    monkeypatch.setattr(footnotes, "RELAYOUTS", 8)
    alone = piece(call_lines, heading).render(stylesheets=[CSS(string=PAGE)])
    assert [page for _, page in footnotes.strays(alone)] == [0]
    kept = footnotes.render_keeping_notes(piece(call_lines, heading), [CSS(string=PAGE)])
    assert not footnotes.strays(kept) and opening(kept.pages[1]) == (pushed, 20)


@pytest.mark.parametrize("call_lines, heading, pushed", [(4, "", "item3-0"), (8, "", "item2-0"), (9, '<h2 id="h">Head</h2>', "Head")])
def test_weasyprint_moves_the_crowding_block_not_the_note_in_one_layout(call_lines: int, heading: str, pushed: str,
                                                                        monkeypatch: pytest.MonkeyPatch):  # fmt: skip
    """With its choice to move notes turned off, WeasyPrint itself breaks before the block that
    would crowd the note out, as the correction would: no second layout."""
    assert weasy.keep_notes_with_their_calls()
    monkeypatch.setattr(footnotes, "RELAYOUTS", 0)
    kept = footnotes.render_keeping_notes(piece(call_lines, heading), [CSS(string=PAGE)])
    assert not footnotes.strays(kept) and opening(kept.pages[1])[0] == pushed


def test_a_note_called_in_the_line_that_took_the_notes_room_is_printed(monkeypatch: pytest.MonkeyPatch):
    """The crowding paragraph's second line, given the room of the note before it, holds a call
    whose note WeasyPrint never lays out; laid out again, the note sits with its call."""
    weasyprint_alone(monkeypatch)
    monkeypatch.setattr(footnotes, "RELAYOUTS", 8)
    def crowded() -> HTML:
        return HTML(string=f'<p>{lines(13, "line")}<span class="note">{lines(2, "note")}</span></p>'
                           f'<p>more<br>call<span class="note" id="dropped">dropped</span><br>{lines(4, "more")}</p>')
    alone = crowded().render(stylesheets=[CSS(string=PAGE)])
    assert not any("dropped" in page.anchors for page in alone.pages)
    kept = footnotes.render_keeping_notes(crowded(), [CSS(string=PAGE)])
    assert not footnotes.strays(kept) and "dropped" in kept.pages[1].anchors


# The call ends the first paragraph; the third has room for one line at the foot of the page, and
# its orphans ask for two: WeasyPrint alone moves the note to the next page to make room. (The
# first paragraph's length places the third: with lines set total-fit, 247 to 261 words do.)
CROWDING = filler(120, 9)
CROWDED = f"""\
# One

{filler(254)} Lampblack[^a]

{filler(120, 5)}

{CROWDING}

[^a]: Soot from burnt oil, ground into varnish. {filler(52, 3)}
"""


def test_a_note_the_next_paragraph_crowds_out_stays_on_its_calls_page(small_book, tmp_path: Path, monkeypatch):
    root = small_book({"manuscript/chapters/one.md": CROWDED})
    output, pdf = lay_out(root, tmp_path / "alone", monkeypatch)
    call, note, crowding = pages_holding(pdf, "Lampblack", "Soot from burnt oil", CROWDING[:40])
    assert note == crowding + 1 == call + 1 and re.search(r"note 1 is called on page \d+ but printed on page \d+", output)

    monkeypatch.undo()
    output, pdf = lay_out(root, tmp_path / "kept")
    call, note, crowding = pages_holding(pdf, "Lampblack", "Soot from burnt oil", CROWDING[:40])
    assert note == call == crowding - 1 and "note 1" not in output


TALL_NOTE = f"# One\n\nA short paragraph calls a long note.[^a]\n\n{filler(200)}\n\n[^a]: {filler(1500)}\n"


def test_a_note_taller_than_a_page_is_named_with_its_place_and_both_pages(small_book, tmp_path: Path):
    output, pdf = lay_out(small_book({"manuscript/chapters/one.md": TALL_NOTE}), tmp_path)
    warning = re.search(r"warning: manuscript/chapters/one\.md:7: note 1 is called on page (\d+) but printed on page (\d+)", output)
    assert warning, output
    call, note = pages_holding(pdf, "calls a long note", "1. The press stood")
    labels = pypdf.PdfReader(pdf).page_labels
    assert (warning[1], warning[2]) == (labels[call], labels[note]) and note > call


def test_endnotes_on_later_pages_are_not_named(small_book, tmp_path: Path):
    endnotes = BOOK_YAML + "print:\n  notes: endnotes\n"
    chapter = TALL_NOTE.replace(filler(200), filler(600))
    output, pdf = lay_out(small_book({"manuscript/book.yaml": endnotes, "manuscript/chapters/one.md": chapter}), tmp_path)
    call, note = pages_holding(pdf, "calls a long note", "1. The press stood")
    assert note > call and "warning" not in output


def test_a_note_laid_out_on_no_page_is_named(small_book):
    """Should WeasyPrint drop a note the correction cannot bring back, the build says so."""
    book = load_book(small_book())  # one chapter, `one`, whose note 1 is written on line 5
    called = LaidOut(b"%PDF-", [PageInfo({"one-nref1": (0, 0)}, [], 864, True)])
    diagnostics = Diagnostics()
    layout = Layout(book.print, body=[Piece("one", "", roman=False, laid=called)])
    footnotes.warn_strays(book, book.print.notes, layout.anchor_folios(), diagnostics)
    assert [(str(w.where), w.message) for w in diagnostics.warnings] == [
        ("manuscript/chapters/one.md:5", "note 1 is called on page 1 but not printed")]
