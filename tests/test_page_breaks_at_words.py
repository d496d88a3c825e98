"""The EPUB's page-break markers stand at the word where each printed page begins: a page that
begins inside a paragraph has its marker inside that paragraph, and the text after the marker is
the text the print PDF's page begins with (pdftotext of the page's text area), so that "go to page
214" does not land on page 213. A word hyphenated across two pages gets its marker before the
whole word; one broken after a dash ("1465–|1468") after the dash."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from conftest import NS, ROOT, build_sample, problems, run_epubcheck
from lxml import etree

from presswork.load.book import load_book
from presswork.render.pagebreaks import place_markers

OPF = {"opf": "http://www.idpf.org/2007/opf"}
H = "{http://www.w3.org/1999/xhtml}"


def words(text: str) -> str:
    """Text as lower-case words, one space apart: what print and screen share."""
    return " ".join(re.findall(r"\w+", text.lower()))


def print_openings(pdf: Path, book: Path) -> dict[str, str]:
    """Each printed page's label -> the first words of its text area (running head and folio left
    out by cropping to the margins), as pdftotext reads the print PDF."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; make system-deps installs it")
    options = load_book(book).print
    reader = pypdf.PdfReader(pdf)
    box = reader.pages[0].mediabox
    top, bottom = (options.top + options.bleed) * 72, (options.bottom + options.bleed) * 72
    crop = ["-x", "0", "-y", str(int(top) - 2), "-W", str(int(box.width)), "-H", str(int(box.height - top - bottom) + 2)]
    text = subprocess.run(["pdftotext", *crop, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return {label: words(page)[:120] for label, page in zip(reader.page_labels, text.split("\f"))}


@dataclass
class Marker:
    label: str
    paragraph: str | None  # the words of the paragraph it stands in, if it stands inside one
    before: str  # the words of that paragraph before it
    after: str  # the words after it, across elements


def epub_markers(epub: Path) -> tuple[list[Marker], list[str]]:
    """The EPUB's page-break markers in reading order, and the words of its every paragraph."""
    with zipfile.ZipFile(epub) as archive:
        opf = etree.fromstring(archive.read("EPUB/package.opf"))
        hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", OPF)}
        spine = [hrefs[r.get("idref")] for r in opf.iterfind(".//opf:spine/opf:itemref", OPF)]
        docs = [etree.fromstring(archive.read(f"EPUB/{href}")) for href in spine]
    markers, paragraphs = [], []
    for doc in docs:
        paragraphs += [words("".join(p.itertext())) for p in doc.iter(f"{H}p")]
        for mark in doc.iterfind(".//*[@epub:type='pagebreak']", NS):
            after = words("".join(mark.xpath("following::text()")[:40]))[:200]
            paragraph = next(mark.iterancestors(f"{H}p"), None)
            if paragraph is None:
                markers.append(Marker(mark.get("aria-label"), None, "", after))
                continue
            before = "".join(t for t in paragraph.xpath(".//text()[following::*[@id=$id]]", id=mark.get("id")))
            markers.append(Marker(mark.get("aria-label"), words("".join(paragraph.itertext())), words(before), after))
    return markers, paragraphs


def mid_paragraph_pages(openings: dict[str, str], paragraphs: list[str]) -> dict[str, str]:
    """The printed pages (label -> first words) whose text begins inside a paragraph: their
    first six words stand in one paragraph of the EPUB, and not at its start."""
    found = {}
    for label, opening in openings.items():
        head = " ".join(opening.split()[:6])
        if len(head.split()) < 6:
            continue
        holding = [p for p in paragraphs if head in p]
        if len(holding) == 1 and not holding[0].startswith(head):
            found[label] = head
    return found


def misplaced(epub: Path, pdf: Path, book: Path) -> tuple[int, list[str]]:
    """How many printed pages begin inside a paragraph, and for which of them the EPUB's marker
    does not stand inside that paragraph at the page's first word (a word hyphenated across the
    pages: before the whole word, the text after the marker ending with the page's first word)."""
    markers, paragraphs = epub_markers(epub)
    pages = mid_paragraph_pages(print_openings(pdf, book), paragraphs)
    by_label = {m.label: m for m in markers}
    wrong = []
    for label, head in pages.items():
        mark = by_label[label]
        first = mark.after.split(" ", 1)[0]
        at_word = mark.paragraph is not None and head in mark.paragraph and mark.after.find(head) in range(len(first))
        if not at_word:
            wrong.append(f"page {label}: print begins {head!r}, the EPUB's marker is before {mark.after[:40]!r}")
    return len(pages), wrong


def test_a_marker_goes_before_the_word_holding_the_counted_letter():
    html = '<p id="b1">One two<sup class="noteref"><a href="#n1">12</a></sup> th&amp;ree, “four”</p>'
    assert place_markers(html, [("7", 6)]) == html.replace(" th&amp;", ' <span id="page-7" class="pagebreak" '
        'epub:type="pagebreak" role="doc-pagebreak" aria-label="7"></span>th&amp;')  # fmt: skip
    assert '></span>“four”' in place_markers(html, [("8", 11)])  # the quote mark goes with its word
    assert '></span>two' in place_markers(html, [("9", 4)])  # "tw|o" hyphenated across pages: the whole word
    assert '1465–<span id="page-3"' in place_markers("<p>In 1465–1468 he</p>", [("3", 6)])  # broken after the dash


def test_markers_whose_letters_the_block_lacks_go_at_its_end_in_order():
    html = "<p>Short.</p>"
    placed = place_markers(html, [("4", 99), ("3", 2)])
    assert placed.index('aria-label="3"') < placed.index("</p>") < placed.index('aria-label="4"')


def test_pages_beginning_inside_a_paragraph_have_their_marker_at_that_word(sample_epub: Path, sample_pdf: Path):
    pages, wrong = misplaced(sample_epub, sample_pdf, ROOT)
    assert pages >= 10, "the sample has pages that begin inside a paragraph"
    assert wrong == []


def test_the_check_sees_markers_left_at_the_paragraph(sample_epub: Path, sample_pdf: Path, tmp_path: Path):
    """The test above fails an EPUB whose markers stand before the paragraph a page began in."""
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(sample_epub) as source, zipfile.ZipFile(broken, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".xhtml"):
                data = _hoist_markers(data)
            out.writestr(info, data)
    pages, wrong = misplaced(broken, sample_pdf, ROOT)
    assert len(wrong) == pages


def _hoist_markers(data: bytes) -> bytes:
    """Every marker inside a paragraph moved before the paragraph, as they stood before."""
    root = etree.fromstring(data)
    for mark in list(root.iterfind(".//*[@epub:type='pagebreak']", NS)):
        paragraph = next(mark.iterancestors(f"{H}p"), None)
        if paragraph is not None:
            parent = mark.getparent()
            previous = mark.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + (mark.tail or "")
            else:
                parent.text = (parent.text or "") + (mark.tail or "")
            mark.tail = None
            parent.remove(mark)
            paragraph.addprevious(mark)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def test_the_epub_with_markers_inside_paragraphs_passes_epubcheck(sample_epub: Path, tmp_path: Path):
    markers, _ = epub_markers(sample_epub)
    assert any(m.paragraph and m.before for m in markers)
    assert problems(run_epubcheck(sample_epub, tmp_path)) == []


@pytest.mark.slow
def test_kindle_and_kobo_editions_keep_the_markers_at_the_word(tmp_path_factory: pytest.TempPathFactory, sample_pdf: Path):
    kindle = build_sample(tmp_path_factory, "kindle") / "pressmans-craft-kindle.epub"
    kobo = build_sample(tmp_path_factory, "kobo") / "pressmans-craft.kepub.epub"
    for edition in (kindle, kobo):
        pages, wrong = misplaced(edition, sample_pdf, ROOT)
        assert pages >= 10 and wrong == [], edition.name
