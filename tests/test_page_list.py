"""The EPUB's page list: every printed page of the print edition, roman ones included, one marker
each, in reading order. A blank page (a verso before a recto) has no text of its own, so its marker
stands with the next page's; the half title, which the EPUB lacks, likewise shares the title page's."""

from __future__ import annotations

import pypdf
from conftest import NS, ROOT
from lxml import etree

from presswork.load.book import load_book
from presswork.model import Chronology, Glossary
from presswork.render.back import chronology_html, glossary_html
from presswork.render.xhtml import Links, XhtmlRenderer

OPF = {"opf": "http://www.idpf.org/2007/opf"}


def page_list(files: dict[str, bytes]) -> list[str]:
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    return [a.text for a in nav.findall(".//h:nav[@epub:type='page-list']//h:a", NS)]


def test_page_list_names_every_printed_page_roman_ones_included(sample_files, sample_pdf):
    printed = list(pypdf.PdfReader(sample_pdf).page_labels)
    assert page_list(sample_files) == printed
    assert "i" in printed and "1" in printed


def test_page_markers_stand_in_reading_order(sample_files):
    opf = etree.fromstring(sample_files["EPUB/package.opf"])
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", OPF)}
    spine = [hrefs[r.get("idref")] for r in opf.iterfind(".//opf:spine/opf:itemref", OPF)]
    markers = [e.get("aria-label") for href in spine
               for e in etree.fromstring(sample_files[f"EPUB/{href}"]).iterfind(".//*[@epub:type='pagebreak']", NS)]  # fmt: skip
    assert markers == page_list(sample_files)


def test_glossary_definitions_and_chronology_rows_are_places_a_page_can_begin():
    book = load_book(ROOT)
    glossary, chronology = book.back_item(Glossary), book.back_item(Chronology)
    renderer = XhtmlRenderer(Links(target=str, image=str), {})
    glossary_html(glossary, book, renderer)
    chronology_html(chronology, book, renderer)
    assert {f"{t.id}-def" for t in glossary.terms} <= set(renderer.blocks)
    rows = [b for b in renderer.blocks if b.startswith("chronology-") and b.count("-") == 2]
    assert len(rows) == sum(len(g.rows) for g in chronology.groups) > 0


TABLE_CHAPTER = """\
# One

A paragraph before the table, which ends its page.

Table: A table whose caption stands above it

| Town | Year |
|:-----|-----:|
| Mainz | 1454 |
| Venice | 1469 |

A paragraph after the table.
"""


def test_a_page_that_begins_with_a_captioned_table_begins_at_the_table(small_book):
    """The table's anchor stands below its caption, not at the top of the page: the page begins at
    the block its first text opens (the caption's table), not back at the chapter's start."""
    from presswork.errors import Diagnostics
    from presswork.layout.printbook import lay_out

    root = small_book({"manuscript/chapters/one.md": TABLE_CHAPTER, "styles/break.css": "table { break-before: page; }"})
    pages = lay_out(load_book(root), Diagnostics(), jobs=1).pages
    assert pages.breaks["one"] == ["vi", "1"] and pages.breaks["one-b2"] == ["2"], pages.breaks  # the table is block 2
