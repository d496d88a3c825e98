"""`presswork diff` on two PDFs speaks folios: a change is located by the printed page number (the
physical page in brackets), and the running head and folio never read as words of the page."""

from __future__ import annotations

from pathlib import Path

import pypdf
from click.testing import CliRunner
from conftest import build

from presswork.cli import main


def test_a_pdf_change_is_located_by_its_folio_without_the_folio_in_its_context(small_book, tmp_path: Path):
    text = "# One\n\n" + "Words of a page in the middle of the book. " * 150 + "The compositor set the type {}.\n"
    root = small_book({"manuscript/chapters/one.md": text.format("slowly")})
    assert build(root, "--out", str(tmp_path / "old"), fmt="pdf").exit_code == 0
    (root / "manuscript/chapters/one.md").write_text(text.format("quickly"))
    assert build(root, "--out", str(tmp_path / "new"), fmt="pdf").exit_code == 0
    old, new = tmp_path / "old/a-small-book.pdf", tmp_path / "new/a-small-book.pdf"
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--out", str(tmp_path / "d.html")])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(new)
    [physical] = [n for n, page in enumerate(reader.pages, 1) if "quickly" in page.extract_text()]
    folio = reader.page_labels[physical - 1]
    assert folio != str(physical)  # the front matter has its own numbers, so the two differ
    [line] = [line for line in result.output.splitlines() if "[-slowly.-]" in line]
    assert line.startswith(f"  page {folio} [p. {physical}]: ")
    assert line.endswith("the type [-slowly.-]{+quickly.+}")  # the folio and running head are no words of the page
    assert f"page {folio} [p. {physical}]" in (tmp_path / "d.html").read_text()


ADDED = "heavy, well-inked and twice-read forme of the long primer edition, which the master had locked in the chase that morning before the journeymen came in from the yard and the apprentice swept the floor,"


def test_text_set_anew_on_later_pages_is_no_change(small_book, tmp_path: Path):
    """A clause added on the first page carries every later line, and the notes with their calls,
    to other pages: the diff names that clause once, and nothing of the text set anew."""
    paragraph = "The pressman inked the forme and pulled the bar while the compositor read the next page. " * 12
    notes = "".join(f"\n[^{n}]: A note on the pressman's pull, number {n}, set at the foot of its page.\n" for n in range(1, 9))
    text = "# One\n\nThe WORDforme was locked up.\n\n" + "\n\n".join(f"{paragraph}Pulled.[^{n}]" for n in range(1, 9)) + "\n" + notes
    root = small_book({"manuscript/chapters/one.md": text.replace("WORD", "")})
    assert build(root, "--out", str(tmp_path / "old"), fmt="pdf").exit_code == 0
    (root / "manuscript/chapters/one.md").write_text(text.replace("WORD", ADDED + " "))
    assert build(root, "--out", str(tmp_path / "new"), fmt="pdf").exit_code == 0
    old, new = tmp_path / "old/a-small-book.pdf", tmp_path / "new/a-small-book.pdf"
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--out", str(tmp_path / "d.html")])
    assert result.exit_code == 0, result.output
    moved = int(result.output.split("page breaks moved on ")[1].split()[0])
    assert moved >= 3  # the later pages of the chapter do begin elsewhere
    changed = [line for line in result.output.splitlines() if line.startswith("  page ")]
    assert len(changed) == 1 and "The {+heavy, well-inked and" in changed[0] and "floor,+} forme was locked up." in changed[0], result.output


def test_a_book_long_text_with_edits_at_both_ends_is_matched_by_sentences_not_replaced_whole():
    """Three one-word edits across a book's worth of words, among a thousand ellipses printed as
    dots apart (each a "sentence" of its own, were they not joined to the next): three changes."""
    from presswork.commands.diff import _opcodes

    words = [f"word{i % 997}{'.' if i % 13 == 12 else ''}" for i in range(150_000)]
    for i in range(0, 150_000, 150):
        words[i] = "."
    new = list(words)
    new[5] = "first"
    new[75_001] = "middle"
    new[-5] = "last"
    changed = [op for op in _opcodes(words, new) if op[0] != "equal"]
    assert changed == [("replace", 5, 6, 5, 6), ("replace", 75_001, 75_002, 75_001, 75_002), ("replace", 149_995, 149_996, 149_995, 149_996)]
