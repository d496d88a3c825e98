"""`presswork marks --apply`: a proofreader's strike-outs and carets on a PDF of a copy of the
sample book become a patch of exactly those edits, or the edits themselves (--yes); the book
rebuilt from them differs from the proof by exactly those words, at their folios. The
annotations are written the way Acrobat writes them (pikepdf: quad points, /Contents)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import ROOT
from test_marks import add, find, page_words

from presswork.cli import main
from presswork.commands.marks import find_marks
from presswork.errors import Diagnostics, PressworkError
from presswork.proofmarks.edits import apply, edited, plan

pytestmark = pytest.mark.slow  # two builds of the sample

MAINZ, STEAM = "manuscript/chapters/02-mainz.md", "manuscript/chapters/06-steam.md"
# (kind, printed words, a phrase of their page, /Contents, file, source before, source after)
EDITS = [
    ("StrikeOut", ["Rhineland"], "Rhineland might earn", "→ Rhine valley", MAINZ, "the Rhineland might", "the Rhine valley might"),
    ("StrikeOut", ["simply"], "Europe simply did not", "", STEAM, "Europe simply did not", "Europe did not"),
    ("Caret", ["spectacles."], "without spectacles", "Indeed", MAINZ, "spectacles. I am", "spectacles. Indeed I am"),
]
# marks that ask no edit without doubt: they stay in the list
LEFT = [
    ("Highlight", ["glimpse"], "glimpse of printing", "which glimpse?", "a highlight asks no edit"),
    ("FreeText", ["forgive"], "forgive him", "pardon", "a free text not beginning with → is a comment"),
    ("StrikeOut", ["Fyodorov"], "so Fyodorov tells us", "the deacon", "the marked words cross Markdown markup"),
]


def run(*args: object):
    return CliRunner().invoke(main, [*map(str, args)])


@pytest.fixture(scope="module")
def proof(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A copy of the sample book, its PDF, and that PDF with EDITS and LEFT marked on it."""
    work = tmp_path_factory.mktemp("marks-apply")
    book = work / "book"
    for folder in ("manuscript", "images", "styles"):
        shutil.copytree(ROOT / folder, book / folder)
    result = run("build", "pdf", book, "--out", work / "old")
    assert result.exit_code == 0, result.output
    old = work / "old/pressmans-craft.pdf"
    pages = page_words(old)
    with pikepdf.open(old) as pdf:
        for kind, words, phrase, contents, *_ in EDITS + LEFT:
            index, found = find(pages, words, phrase)
            add(pdf, index, kind, found, contents)
        pdf.save(work / "annotated.pdf")
    return book, old, work / "annotated.pdf"


def expected(book: Path) -> dict[str, str]:
    """Each edited file's text as the marks ask for it."""
    texts = {file: (ROOT / file).read_text(encoding="utf-8") for file in (MAINZ, STEAM)}
    for *_, file, before, after in EDITS:
        assert texts[file].count(before) == 1
        texts[file] = texts[file].replace(before, after)
    return texts


def line_of(file: str, snippet: str) -> int:
    text = (ROOT / file).read_text(encoding="utf-8")
    return text.count("\n", 0, text.index(snippet)) + 1


def test_apply_writes_a_patch_of_exactly_the_edits_at_their_lines(proof):
    book, _old, annotated = proof
    result = run("marks", annotated, book, "--apply")
    assert result.exit_code == 0, result.output
    patch = (book / "build/marks.patch").read_text(encoding="utf-8")
    for file in (MAINZ, STEAM):  # the manuscript itself is untouched
        assert (book / file).read_text(encoding="utf-8") == (ROOT / file).read_text(encoding="utf-8")
    removed = [line[1:] for line in patch.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in patch.splitlines() if line.startswith("+") and not line.startswith("+++")]
    sources = {file: (ROOT / file).read_text(encoding="utf-8").splitlines() for file in (MAINZ, STEAM)}
    new = {file: text.splitlines() for file, text in expected(book).items()}
    lines = sorted({(file, line_of(file, before)) for *_, file, before, _after in EDITS})
    assert len(lines) == 3 and removed == [sources[f][n - 1] for f, n in lines] and added == [new[f][n - 1] for f, n in lines]
    assert [line for line in patch.splitlines() if line.startswith("+++")] == [f"+++ b/{MAINZ}", f"+++ b/{STEAM}"]
    for file, number in lines:  # each change in a hunk that covers its line
        assert any(f"-{number - 3},7 +{number - 3},7 @@" in line for line in patch.splitlines()), (file, number)
    output = result.output.splitlines()
    assert sum(line.endswith(" — edit") for line in output) == 3
    for *_, contents, reason in LEFT:
        [left] = [line for line in output if f'"{contents}"' in line]
        assert left.endswith(f"— left: {reason}") or reason in left, left
    assert "wrote 3 edits of 2 files to" in output[-1]


def test_the_patch_applies_with_patch(proof, tmp_path: Path):
    if shutil.which("patch") is None:
        pytest.skip("GNU patch is not installed (apt-get install patch)")
    book, _old, annotated = proof
    target = tmp_path / "patch.diff"
    assert run("marks", annotated, book, "--apply", "--patch", target).exit_code == 0
    copy = tmp_path / "book"
    shutil.copytree(book / "manuscript", copy / "manuscript")
    subprocess.run(["patch", "-p1", "-s", "-d", str(copy), "-i", str(target)], check=True)
    assert {f: (copy / f).read_text(encoding="utf-8") for f in (MAINZ, STEAM)} == expected(book)


def test_a_mark_whose_words_moved_is_left_and_a_changed_file_is_not_written(proof):
    book, _old, annotated = proof
    found, _warning = find_marks(annotated, book, Diagnostics())
    chapter = book / STEAM
    original = chapter.read_text(encoding="utf-8")
    try:
        chapter.write_text("An added line.\n" + original, encoding="utf-8")
        edits, left = plan([(f.mark, f.place) for f in found], book)
        assert [e.file for e in edits] == [Path(MAINZ)] * 2
        assert any("the file changed: 'simply' is no longer at" in reason for _m, _p, reason in left)
        changes = edited(book, edits)
        (book / MAINZ).write_text((book / MAINZ).read_text(encoding="utf-8") + "\n", encoding="utf-8")
        with pytest.raises(PressworkError, match="changed since the marks were located"):
            apply(book, changes)
    finally:
        chapter.write_text(original, encoding="utf-8")
        (book / MAINZ).write_text((ROOT / MAINZ).read_text(encoding="utf-8"), encoding="utf-8")


def test_apply_yes_edits_the_manuscript_and_the_rebuilt_pdf_differs_by_those_words(proof, tmp_path: Path):
    book, old, annotated = proof
    result = run("marks", annotated, book, "--apply", "--yes")
    assert result.exit_code == 0, result.output
    assert "applied 3 edits to 2 files" in result.output
    assert {f: (book / f).read_text(encoding="utf-8") for f in (MAINZ, STEAM)} == expected(book)
    assert not (book / "build/marks.patch").exists() or "--patch" not in result.output
    built = run("build", "pdf", book, "--out", tmp_path / "new")
    assert built.exit_code == 0, built.output
    new = tmp_path / "new/pressmans-craft.pdf"
    diff = run("diff", old, new, "--out", tmp_path / "diff.html")
    assert diff.exit_code == 0, diff.output
    # each edit once, at the folio (and physical page) of the rebuilt PDF where it stands, and nothing else:
    # the lines and notes set anew around the edits are no change
    pages = page_words(new)
    with pikepdf.open(new) as pdf:
        labels = [str(pikepdf.Page(page).label) for page in pdf.pages]

    def where(words: list[str], phrase: str) -> str:
        index, _found = find(pages, words, phrase)
        return f"page {labels[index]} [p. {index + 1}]"

    wanted = [(where(["Rhine", "valley"], "Rhine valley might"), "the [-Rhineland-]{+Rhine valley+} might earn"),
              (where(["Indeed"], "spectacles. Indeed"), "without spectacles. {+Indeed+} I am told"),
              (where(["Europe"], "Europe did not"), "Europe [-simply-] did not throw")]  # fmt: skip
    changed = [line for line in diff.output.splitlines() if line.startswith("  page ")]
    assert len(changed) == len(EDITS), diff.output
    for page, text in wanted:
        assert any(line.startswith(f"  {page}: ") and text in line for line in changed), (page, text, diff.output)
    assert diff.output.startswith(f"{len({page for page, _ in wanted})} changed: ")


def test_a_second_apply_of_the_same_proof_edits_nothing(proof):
    """After --yes, the proof is of an older version: the struck word is gone, the inserted word is
    there, and a struck word found only in another file is not struck there."""
    book, _old, annotated = proof
    if (book / MAINZ).read_text(encoding="utf-8") == (ROOT / MAINZ).read_text(encoding="utf-8"):
        assert run("marks", annotated, book, "--apply", "--yes").exit_code == 0
    result = run("marks", annotated, book, "--apply", "--yes")
    assert result.exit_code == 0, result.output
    assert "applied 0 edits to 0 files" in result.output
    assert "left: 'Indeed' already follows 'spectacles.'" in result.output
    [simply] = [line for line in result.output.splitlines() if '"simply"' in line]
    assert simply.startswith("manuscript/front/transliteration.md:") and "left: found only outside the file of its page's section" in simply
    assert {f: (book / f).read_text(encoding="utf-8") for f in (MAINZ, STEAM)} == expected(book)
