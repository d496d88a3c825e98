"""The Kindle products: a KDP-ready EPUB, and an AZW3 checked with calibre's own tools."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import BOOK_YAML, ROOT, build, css_value, problems, run_epubcheck
from lxml import etree
from PIL import Image

from presswork.load.book import load_book
from presswork.text.typography import smarten_string

NS = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops", "opf": "http://www.idpf.org/2007/opf"}
CALIBRE_ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
needs_calibre = pytest.mark.skipif(shutil.which("ebook-convert") is None, reason="calibre is not installed (make system-deps)")


@pytest.fixture(scope="module")
def kindle_files(sample_kindle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(sample_kindle / "pressmans-craft-kindle.epub") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_kindle_epub_passes_epubcheck(sample_kindle: Path, tmp_path: Path):
    assert problems(run_epubcheck(sample_kindle / "pressmans-craft-kindle.epub", tmp_path)) == []


def test_notes_are_asides_with_the_back_link_first(kindle_files):
    doc = etree.fromstring(kindle_files["EPUB/text/ch-mainz.xhtml"])
    refs = doc.findall(".//h:a[@epub:type='noteref']", NS)
    assert len(refs) >= 5
    for ref in refs:
        assert ref.getparent().tag == f"{{{NS['h']}}}sup"
        note = doc.find(f".//*[@id='{ref.get('href')[1:]}']")
        assert note.tag == f"{{{NS['h']}}}aside" and note.get(f"{{{NS['epub']}}}type") == "footnote"
        first_link = note.find(".//h:a", NS)
        assert first_link.get("href") == f"#{ref.get('id')}" and first_link.get("role") == "doc-backlink"
        assert "".join(note.itertext()).strip().startswith(f"{ref.text}.")


def test_no_markup_or_css_that_kindle_rejects(kindle_files):
    css = kindle_files["EPUB/css/book.css"].decode()
    for bad in ("var(", "--", "position:", "vh", "float", "!important", "::after", "::before"):
        assert bad not in re.sub(r"/\*.*?\*/", "", css, flags=re.S), bad
    for name, data in kindle_files.items():
        if name.endswith(".xhtml"):
            assert b" style=" not in data and b"<!--" not in data, name


def test_kindle_css_follows_kdps_rules_for_reflowable_text(kindle_files):
    """Body text in the reader's own size and line height; every heading aligned, since Kindle
    justifies by default; notes no smaller than 0.9em; no sizes in px or pt; no negative margins;
    images no wider than the screen; marked names and terms read as text."""
    css = kindle_files["EPUB/css/book.css"].decode()
    for selector in ("html", "body", "p"):
        assert css_value(css, selector, "line-height") is None and css_value(css, selector, "font-size") is None, selector
    for heading in ("h1", "h2", "h3", "h4", "h5", "h6"):
        assert css_value(css, heading, "text-align") in ("left", "center", "right"), heading
    section, aside = (float((css_value(css, s, "font-size") or "1em").removesuffix("em")) for s in ("section.notes", "aside.note"))
    assert section * aside >= 0.9
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    assert not re.search(r"font-size:\s*[\d.]+(px|pt)", rules) and not re.search(r"margin[\w-]*:[^;}]*-\d", rules)
    assert css_value(css, "figure img", "max-width") == "100%"
    for selector in ("a.person", "a.term"):
        assert css_value(css, selector, "color") == "inherit" and css_value(css, selector, "text-decoration") == "none"


def test_nav_and_ncx_are_both_present_and_two_levels_deep(kindle_files):
    assert "EPUB/nav.xhtml" in kindle_files and "EPUB/toc.ncx" in kindle_files
    depth = etree.fromstring(kindle_files["EPUB/toc.ncx"]).find(".//{*}meta[@name='dtb:depth']")
    assert depth.get("content") == "2"


def test_cover_is_a_large_jpeg_declared_both_ways(kindle_files):
    opf = etree.fromstring(kindle_files["EPUB/package.opf"])
    item = opf.find(".//opf:item[@properties='cover-image']", NS)
    assert item.get("media-type") == "image/jpeg" and item.get("id") == "cover-image"
    assert opf.find(".//opf:meta[@name='cover']", NS).get("content") == "cover-image"
    with Image.open(io.BytesIO(kindle_files["EPUB/" + item.get("href")])) as cover:
        assert cover.format == "JPEG" and max(cover.size) >= 1600
        assert cover.size[1] / cover.size[0] == pytest.approx(1.6, abs=0.05)


def test_a_png_cover_is_converted_to_jpeg_and_a_small_one_warned_about(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": BOOK_YAML + "cover: images/cover.png\n"})
    (root / "images").mkdir(exist_ok=True)
    Image.new("RGB", (500, 800), "navy").save(root / "images/cover.png")
    result = build(root, "--out", str(tmp_path), fmt="kindle")
    assert result.exit_code == 0, result.output
    assert "500 × 800 px; Kindle wants at least 1600 px" in result.output
    with zipfile.ZipFile(tmp_path / "a-small-book-kindle.epub") as archive:
        assert "EPUB/images/cover.jpg" in archive.namelist()
        assert Image.open(io.BytesIO(archive.read("EPUB/images/cover.jpg"))).format == "JPEG"


def test_without_calibre_the_kindle_epub_is_built_with_one_warning(small_book, monkeypatch):
    root = small_book()
    monkeypatch.setenv("PATH", "/nonexistent")
    result = build(root, fmt="kindle")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "ebook-convert is not installed" in warnings[0] and "apt-get install calibre" in warnings[0]
    assert (root / "build/a-small-book-kindle.epub").is_file() and not (root / "build/a-small-book.azw3").exists()


def test_require_azw3_makes_missing_calibre_an_error(small_book, monkeypatch):
    root = small_book()
    monkeypatch.setenv("PATH", "/nonexistent")
    result = build(root, "--require-azw3", fmt="kindle")
    assert result.exit_code == 1 and "error: calibre's ebook-convert is not installed" in result.output
    assert not (root / "build").exists()


@needs_calibre
def test_azw3_metadata_read_by_calibre(sample_kindle: Path):
    out = subprocess.run(["ebook-meta", str(sample_kindle / "pressmans-craft.azw3")], capture_output=True, text=True,
                         env=CALIBRE_ENV, check=True).stdout  # fmt: skip
    fields = dict(re.findall(r"^(\w[\w() ]*?)\s*: (.*)$", out, re.M))
    assert fields["Title"] == "The Pressman's Craft: A Short History of Printing and the Printed Book"
    assert fields["Author(s)"].startswith("Ada Quill")
    assert fields["Languages"] == "eng"
    assert "isbn:9780000000002" in fields["Identifiers"]
    assert fields["Publisher"] == "Presswork Editions"


@needs_calibre
def test_azw3_keeps_every_chapter_in_order_and_the_notes(sample_kindle: Path, tmp_path: Path):
    text_file = tmp_path / "back.txt"
    subprocess.run(["ebook-convert", str(sample_kindle / "pressmans-craft.azw3"), str(text_file)],
                   capture_output=True, env=CALIBRE_ENV, check=True)  # fmt: skip
    text = text_file.read_text(encoding="utf-8")
    book = load_book(ROOT)
    positions = [text.find(smarten_string(c.title, "en")) for c in book.chapters()]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    for chapter in book.chapters():
        first_words = "".join(t.content for tok in chapter.notes[0].tokens for t in tok.children or [])[:30]
        assert first_words in text, (chapter.id, first_words)


@needs_calibre
def test_azw3_internal_note_links_survive(sample_kindle: Path, tmp_path: Path):
    back = tmp_path / "back.epub"
    subprocess.run(["ebook-convert", str(sample_kindle / "pressmans-craft.azw3"), str(back)],
                   capture_output=True, env=CALIBRE_ENV, check=True)  # fmt: skip
    with zipfile.ZipFile(back) as archive:
        pages = {Path(n).name: archive.read(n) for n in archive.namelist() if n.endswith((".html", ".xhtml"))}
    ids = {name: set(re.findall(rb'id="([^"]+)"', data)) for name, data in pages.items()}
    links = [(name, href) for name, data in pages.items() for href in re.findall(rb'href="([^"]*#[^"]+)"', data)]
    assert len(links) >= 53 * 2  # every call and its back-link
    for name, href in links:
        target, _, fragment = href.decode().partition("#")
        assert fragment.encode() in ids[Path(target).name if target else name], (name, href)
