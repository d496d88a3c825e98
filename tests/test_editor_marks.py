"""The importer's notes to the editor (uncalled notes, missing note texts, placeholder figures) are
listed by `check` and never ship: `build` warns, `build --strict` and `dist` refuse."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner
from conftest import build
from PIL import Image

from presswork.check.book import check_book
from presswork.cli import main

ONE = "manuscript/chapters/one.md"
MARKED = """\
# One

Text with a note.[^1] And another.[^2]

![Placeholder for an illustration missing from the export](images/fig.png "A caption")

*[Notes the export gives without a call in the text:]{.import-note}* [^3]

[^1]: The note.
[^2]: *(The text of this note is missing from the export.)*
[^3]: A note the export gave without a call.
"""


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "grey").save(out, "PNG")
    return out.getvalue()


def marked_book(small_book) -> Path:
    return small_book({ONE: MARKED, "images/fig.png": _png()})


def test_check_lists_every_editors_mark_at_its_line(small_book):
    found = {(p.code, p.file, p.line) for p in check_book(marked_book(small_book)) if p.code in ("N005", "N006", "I006")}
    assert found == {("I006", ONE, 5), ("N005", ONE, 7), ("N006", ONE, 10)}


def test_plain_build_warns_once_with_the_count_and_the_first_mark(small_book, tmp_path: Path):
    result = build(marked_book(small_book), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "editor's mark" in line]
    assert warnings == [(f"warning: {ONE}:5: 3 editor's marks would reach readers (1 placeholder figure, "
                         "1 note without a call, 1 note without its text); the first is here — resolve them "
                         "(presswork check lists them all under I006, N005, N006)")]  # fmt: skip


def test_strict_build_refuses_a_book_with_editors_marks_in_one_line(small_book, tmp_path: Path):
    result = build(marked_book(small_book), "--strict", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert "Traceback" not in result.output
    [error] = [line for line in result.output.splitlines() if "editor's marks" in line]
    assert error.startswith(f"error: {ONE}:5: 3 editor's marks") and "--strict" in error


def test_dist_refuses_a_book_with_editors_marks_even_without_strict(small_book, tmp_path: Path):
    result = CliRunner().invoke(main, ["dist", str(marked_book(small_book)), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 1 and not (tmp_path / "dist").exists()
    assert f"{ONE}:5: 3 editor's marks would reach readers" in result.output and "Traceback" not in result.output


def test_a_book_without_marks_builds_strictly(small_book, tmp_path: Path):
    result = build(small_book(), "--strict", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
