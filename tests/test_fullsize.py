"""The full-size synthetic book (50 chapters, ~180,000 words, ~850 notes) builds to a valid EPUB."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import build, nu_errors, problems, run_epubcheck
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
@pytest.mark.parametrize("fmt, product", [("kindle", "*-kindle.epub"), ("kobo", "*.kepub.epub")])
def test_fullsize_kindle_epub_and_kepub_pass_epubcheck(fullsize: Path, tmp_path: Path, fmt: str, product: str):
    result = build(fullsize.parent.parent, "--out", str(tmp_path), "-q", fmt=fmt)
    assert result.exit_code == 0, result.output
    assert problems(run_epubcheck(next(tmp_path.glob(product)), tmp_path)) == []


@pytest.mark.slow
def test_fullsize_web_edition_passes_the_nu_html_checker(fullsize: Path, tmp_path: Path):
    result = build(fullsize.parent.parent, "--out", str(tmp_path), "-q", fmt="web")
    assert result.exit_code == 0, result.output
    pages = sorted(next(tmp_path.glob("*-web")).glob("*.html"))
    assert len(pages) > 50
    assert nu_errors(pages, tmp_path) == []


@pytest.mark.slow
def test_fullsize_digital_pdf_is_tagged_with_every_chapter_bookmarked(fullsize: Path, tmp_path: Path):
    import pikepdf

    from presswork.load.book import load_book

    root = fullsize.parent.parent
    result = build(root, "--out", str(tmp_path), "-q", fmt="digital")
    assert result.exit_code == 0, result.output
    [made] = tmp_path.glob("*-digital.pdf")
    titles: list[str] = []
    with pikepdf.open(made) as pdf:
        assert pdf.Root.MarkInfo.Marked is True and pdf.open_metadata().get("pdfuaid:part") == "1"
        stack = [pdf.Root.Outlines.First]
        while stack:
            item = stack.pop()
            titles.append(str(item.Title).replace("\xa0", " "))  # a short last word is tied to the one before
            stack += [item[key] for key in ("/Next", "/First") if key in item]
    chapters = [c.title for c in load_book(root).chapters() if c.number]
    assert len(chapters) == 50 and set(chapters) <= set(titles)
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(made)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
