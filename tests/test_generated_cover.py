"""A book without cover art gets presswork's typographic cover in every product, not a figure."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import build, problems, run_epubcheck
from PIL import Image, ImageStat

from presswork.load.book import load_book
from presswork.render.cover import SIZE, generated_cover

FIGURE = "# One\n\nText.\n\n![A grey square](images/fig.png)\n"


def _book(small_book) -> Path:
    root = small_book({"manuscript/chapters/one.md": FIGURE})
    (root / "images").mkdir()
    Image.new("RGB", (300, 300), (128, 128, 128)).save(root / "images" / "fig.png")
    return root


def test_an_epub_without_cover_art_carries_the_generated_cover_and_its_page(small_book, tmp_path: Path):
    root = _book(small_book)
    assert build(root, "--out", str(tmp_path / "a")).exit_code == 0
    [epub] = (tmp_path / "a").glob("*.epub")
    with zipfile.ZipFile(epub) as archive:
        opf = archive.read("EPUB/package.opf").decode()
        assert archive.read("EPUB/images/cover.jpg") == generated_cover(load_book(root))
        page = archive.read("EPUB/text/cover.xhtml").decode()
    assert 'href="images/cover.jpg"' in opf and 'properties="cover-image"' in opf
    assert '<meta name="cover" content="cover-image"' in opf and 'idref="cover"' in opf
    assert 'src="../images/cover.jpg"' in page
    assert problems(run_epubcheck(epub, tmp_path)) == []
    assert build(root, "--out", str(tmp_path / "b")).exit_code == 0
    assert (tmp_path / "b" / epub.name).read_bytes() == epub.read_bytes()


@pytest.mark.skipif(shutil.which("ebook-meta") is None, reason="calibre is not installed (make system-deps)")
def test_the_azw3_cover_is_the_generated_one_not_a_figure(small_book, tmp_path: Path):
    root = _book(small_book)
    result = build(root, "--out", str(tmp_path), fmt="kindle")
    assert result.exit_code == 0, result.output
    [azw3] = tmp_path.glob("*.azw3")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CALIBRE_CONFIG_DIRECTORY": str(tmp_path / "calibre")}
    subprocess.run(["ebook-meta", str(azw3), "--get-cover", str(tmp_path / "c.jpg")], env=env, check=True, capture_output=True)
    with Image.open(tmp_path / "c.jpg") as cover:
        red, _, blue = ImageStat.Stat(cover.convert("RGB")).mean
        assert cover.height / cover.width == pytest.approx(SIZE[1] / SIZE[0], rel=0.01)  # the figure is square
        assert blue > red + 10  # the generated cover's blue ground, not the grey figure
