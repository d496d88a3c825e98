"""check, proof and diff: one planted problem per check, review copies, and what changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import BOOK_YAML, CHAPTER, ROOT, build
from PIL import Image
from weasyprint import HTML

from presswork.check.book import check_book
from presswork.check.codes import Problem
from presswork.cli import main
from presswork.commands.check import render
from presswork.commands.diff import DiffResult, diff_pdfs, diff_words

CLEAN = "# One\n\nA clean line of text with a note.[^a]\n\n[^a]: The note.\n"
GLOSSARY_BOOK = BOOK_YAML.replace("    - chapters/one.md\n", "    - chapters/one.md\n  back:\n    - back/glossary.yaml\n    - back/biographies.yaml\n")


def codes(root: Path) -> list[tuple[str, str, int | None]]:
    return [(p.code, p.file, p.line) for p in check_book(root)]


def only(root: Path) -> set[str]:
    return {code for code, _, _ in codes(root)} - {"M002", "M003"}  # the small book has no description or cover


@pytest.mark.parametrize("text, code, line", [
    ("# One\n\nAn OCR slip in Bыход here.\n", "S001", 3),
    ("# One\n\nA snowman \u2603 here.\n", "F001", 3),
    ("# One\n\nA call[^x] here.\n", "N001", 3),
    ("# One\n\nText.\n\n[^x]: Nobody calls me.\n", "N002", 5),
    ("# One\n\nFirst[^2] then[^1].\n\n[^1]: One.\n[^2]: Two.\n", "N003", 3),
    ("# One\n\nText.[^x]\n\n[^x]:\n", "N004", 5),
    ("# One\n\nSee [there](#nowhere).\n", "K001", 3),
    ("# One\n\nTwo  spaces here.\n", "T002", 3),
    ("# One\n\nThis - that.\n", "T003", 3),
    ("# One\n\nA space , before punctuation.\n", "T004", 3),
    ("# One\n\nAn (unclosed bracket here.\n", "T005", 3),
    ("# One\n\nThe the cat.\n", "T006", 3),
    ('# One\n\nWord"word here.\n', "T001", 3),
    ("# One\n\nAn index mark []{.ix} with nothing.\n", "K004", 3),
])  # fmt: skip
def test_each_planted_problem_is_found_at_its_line(small_book, text, code, line):
    root = small_book({"manuscript/chapters/one.md": text})
    found = [(c, f, l) for c, f, l in codes(root) if c == code]
    assert found and found[0][2] == line and found[0][1].endswith("one.md"), codes(root)


def test_image_problems(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\n![](images/small.png)\n"})
    (root / "images").mkdir(exist_ok=True)
    Image.new("RGB", (200, 100)).save(root / "images/small.png")
    Image.new("RGB", (10, 10)).save(root / "images/unused.png")
    found = {c: (f, l) for c, f, l in codes(root)}
    assert found["I004"] == ("manuscript/chapters/one.md", 3)  # no alt text
    assert found["I003"] == ("manuscript/chapters/one.md", 3)  # 200 px across the text block
    assert found["I002"] == ("images/unused.png", None)


GS_CMYK = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


@pytest.mark.skipif(not GS_CMYK.exists(), reason="needs a CMYK ICC profile: apt-get install libgs-common")
def test_image_the_pdf_variant_forbids(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\n![A plate](images/plate.png)\n",
                       "manuscript/book.yaml": BOOK_YAML + "print:\n  pdf_variant: pdf/x-1a\n  output_profile: p.icc\n",
                       "p.icc": GS_CMYK.read_bytes()})  # fmt: skip
    (root / "images").mkdir(exist_ok=True)
    Image.new("RGB", (4000, 2000)).save(root / "images/plate.png")
    assert ("I005", "manuscript/chapters/one.md", 3) in codes(root)


def test_reference_and_metadata_problems(small_book):
    root = small_book({"manuscript/book.yaml": GLOSSARY_BOOK.replace('isbn: {ebook: "9780000000002"}\n', ""),
                       "manuscript/back/glossary.yaml": "terms:\n  - term: frisket\n    definition: A frame.\n",
                       "manuscript/back/biographies.yaml": "people:\n  - surname: Caxton\n    text: A printer.\n"})  # fmt: skip
    found = {c for c, _, _ in codes(root)}
    assert {"K002", "K003", "M001", "M002", "M003"} <= found


def test_no_false_positives_on_the_sample_book():
    assert check_book(ROOT) == []


def test_json_matches_text_and_exit_codes(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\nAn OCR slip in Bыход, and two  spaces.\n"})
    runner = CliRunner()
    text = runner.invoke(main, ["check", str(root)])
    data = runner.invoke(main, ["check", str(root), "--format", "json"])
    assert text.exit_code == data.exit_code == 1  # S001 is an error
    problems = json.loads(data.output)
    lines = text.output.strip().splitlines()
    assert len(lines) == len(problems) + 1
    for problem, line in zip(problems, lines):
        where = f"{problem['file']}:{problem['line']}" if problem["line"] else problem["file"]
        assert line.startswith(f"{problem['code']} {problem['severity']} {where}: ")
    html = runner.invoke(main, ["check", str(root), "--format", "html"]).output
    assert "<table>" in html and "S001" in html
    warnings_only = small_book({"manuscript/chapters/one.md": "# One\n\nTwo  spaces.\n"})
    assert runner.invoke(main, ["check", str(warnings_only)]).exit_code == 0


def test_the_count_of_problems_agrees_with_its_nouns():
    one = [Problem("T002", "warning", "manuscript/chapters/one.md", 3, "double space", "use one space")]
    assert render(one, "text").splitlines()[-1] == "0 errors, 1 warning"
    assert "<h1>presswork check: 0 errors, 1 warning</h1>" in render(one, "html")


def test_ignore_list_in_book_yaml(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\nTwo  spaces and Bыход.\n",
                       "manuscript/book.yaml": BOOK_YAML + "check:\n  ignore: [T002, {code: S001, file: manuscript/chapters/one.md}]\n"})  # fmt: skip
    assert not {"T002", "S001"} & only(root)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm (make system-deps)")
def test_proof_makes_a_marked_pdf_one_png_per_page_and_contact_sheets(small_book, tmp_path: Path):
    root = small_book({"manuscript/chapters/one.md": "# One\n\n" + "Words of a page. " * 400 + "\n"})
    result = CliRunner().invoke(main, ["proof", str(root), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [pdf] = tmp_path.glob("*-proof.pdf")
    pages = pypdf.PdfReader(pdf).pages
    assert "PROOF ·" in pages[-1].extract_text()
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(pages) and pngs[0].name == "page-001.png"
    assert list(tmp_path.glob("contact-sheet-*.png"))


def test_diff_of_a_one_word_change_names_that_chapter_and_word(small_book, tmp_path: Path):
    old = small_book({"manuscript/chapters/one.md": "# One\n\nThe compositor set the type slowly.\n",
                      "manuscript/chapters/two.md": "# Two\n\nOther words stay.\n",
                      "manuscript/book.yaml": BOOK_YAML + "    - chapters/two.md\n"})  # fmt: skip
    assert build(old, "--out", str(tmp_path / "old")).exit_code == 0
    (old / "manuscript/chapters/one.md").write_text("# One\n\nThe compositor set the type quickly.\n")
    assert build(old, "--out", str(tmp_path / "new")).exit_code == 0
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "old/a-small-book.epub"), str(tmp_path / "new/a-small-book.epub"),
                                       str(old), "--out", str(tmp_path / "diff.html")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 changed: One" in result.output and "One: … compositor set the type [-slowly.-]{+quickly.+}" in result.output
    page = (tmp_path / "diff.html").read_text()
    assert "<del>slowly.</del>" in page and "<ins>quickly.</ins>" in page and "Two" not in page.split("<body>")[1]


def test_diff_prints_each_change_on_its_own_line_in_its_context():
    old = "The press stood in the yard and the type was cast in Mainz that winter by the master".split()
    new = "The press stood in the yard and the type was set in Mainz that winter by his master".split()
    summary = DiffResult([diff_words("One", old, new)]).summary().splitlines()
    assert summary[1:] == ["  One: … and the type was [-cast-]{+set+} in Mainz that winter …",
                           "  One: … Mainz that winter by [-the-]{+his+} master"]  # fmt: skip


def test_diff_names_the_new_file_when_it_is_missing(tmp_path: Path):
    (tmp_path / "old.epub").write_bytes(b"an EPUB")
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "old.epub"), str(tmp_path / "new.epub"), "--out", str(tmp_path / "d.html")])
    assert result.exit_code == 1 and result.output == f"error: {tmp_path / 'new.epub'}: no such file — compare two .epub or two .pdf files, or two git revisions\n"


def test_diff_of_pdfs_ignores_words_hyphenated_anew(tmp_path: Path):
    """The same text hyphenated at line ends and not: `re‐ cords` is `records`, not an edit."""
    text = "The papers of lawsuits preserve astonishingly particular testimony about workshops and presses. " * 3
    for name, hyphens in (("old", "auto"), ("new", "none")):
        page = f"<html lang='en'><body style='width: 9em'><p style='hyphens: {hyphens}'>{text}</p></body></html>"
        HTML(string=page).write_pdf(tmp_path / f"{name}.pdf")
    assert "\u2010\n" in pypdf.PdfReader(tmp_path / "old.pdf").pages[0].extract_text()  # words broken at line ends
    assert diff_pdfs(tmp_path / "old.pdf", tmp_path / "new.pdf").changes == []


def test_diff_outside_a_book_writes_no_report_unless_told(small_book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = small_book()
    assert build(root, "--out", str(tmp_path / "old")).exit_code == 0
    (root / "manuscript/chapters/one.md").write_text(CHAPTER.replace("Some text", "Other text"))
    assert build(root, "--out", str(tmp_path / "new")).exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    files = [str(tmp_path / folder / "a-small-book.epub") for folder in ("old", "new")]
    result = CliRunner().invoke(main, ["diff", *files])
    assert result.exit_code == 0 and list(elsewhere.iterdir()) == []
    assert "One: Chapter 1 One [-Some-]{+Other+} text with a note. …" in result.output and "not a book folder" in result.output
    assert CliRunner().invoke(main, ["diff", *files, str(root)]).exit_code == 0
    assert (root / "build/diff.html").is_file()
