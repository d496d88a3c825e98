"""The full-size synthetic book (50 chapters, ~180,000 words, ~850 notes) builds to a valid EPUB."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import build, problems, run_epubcheck
from synthbook import generate  # tools/, on pytest's pythonpath


@pytest.fixture(scope="module")
def fullsize(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fullsize") / "book"
    generate(root)
    result = build(root, "--strict")
    assert result.exit_code == 0, result.output
    [epub] = (root / "build").glob("*.epub")
    return epub


@pytest.mark.slow
def test_fullsize_book_passes_epubcheck(fullsize: Path, tmp_path: Path):
    assert problems(run_epubcheck(fullsize, tmp_path)) == []


@pytest.mark.slow
def test_fullsize_book_keeps_every_chapter_and_note(fullsize: Path):
    with zipfile.ZipFile(fullsize) as archive:
        texts = [archive.read(n).decode() for n in archive.namelist() if n.startswith("EPUB/text/")]
    assert sum(t.count('epub:type="chapter"') for t in texts) == 50
    assert sum(t.count('epub:type="endnote"') for t in texts) == 850


@pytest.mark.slow
def test_fullsize_kindle_epub_passes_epubcheck(fullsize: Path, tmp_path: Path):
    result = build(fullsize.parent.parent, "--out", str(tmp_path), "-q", fmt="kindle")
    assert result.exit_code == 0, result.output
    assert problems(run_epubcheck(next(tmp_path.glob("*-kindle.epub")), tmp_path)) == []
