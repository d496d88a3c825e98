"""Glossary, chronology, biographies and index: loading, errors, and what the products show."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from conftest import BOOK_YAML, ROOT, build
from lxml import etree

from presswork.load.book import load_book
from presswork.model import Biographies, Glossary
from presswork.text.collation import sort_key
from presswork.text.dates import DateError, parse_life_date

NS = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}


@pytest.mark.parametrize("raw, printed", [
    ("1879-10-26 [1879-11-07]", "26 October [7 November] 1879"),
    ("1583-12-05 [1583-12-15]", "5 [15] December 1583"),
    ("1699-12-31 [1700-01-11]", "31 December 1699 [11 January 1700]"),
    ("c. 1510", "c. 1510"), ("1400/1406", "1400/1406"), ("1879", "1879"), ("1854-05-11", "11 May 1854"),
])  # fmt: skip
def test_life_dates_print_as_historians_write_them(raw, printed):
    assert parse_life_date(raw).text == printed


@pytest.mark.parametrize("raw", ["1879-02-30", "1879-10-26 [1879-10-27]", "spring 1879", "1406/1400"])
def test_bad_life_dates_are_refused(raw):
    with pytest.raises(DateError):
        parse_life_date(raw)


def test_collation_puts_accented_and_cyrillic_letters_with_their_base():
    words = ["Zurich", "Łódź", "eagle", "Élan", "Ёлкин", "Ежов", "Lyon", "Абв"]
    assert sorted(words, key=sort_key) == ["eagle", "Élan", "Łódź", "Lyon", "Zurich", "Абв", "Ежов", "Ёлкин"]


@pytest.fixture(scope="module")
def sample():
    return load_book(ROOT)


def test_sample_back_matter_meets_the_issue(sample):
    glossary, people = sample.back_item(Glossary), sample.back_item(Biographies)
    assert len(glossary.terms) >= 15 and sum(1 for t in glossary.terms if t.original_lang == "ru") >= 3
    assert [t.term for t in glossary.terms] == sorted((t.term for t in glossary.terms), key=sort_key)
    assert len(people.people) >= 10 and sum(1 for p in people.people if p.patronymic) >= 3
    assert [p.index_name for p in people.people] == sorted((p.index_name for p in people.people), key=sort_key)
    assert any("[" in (p.born.date or "") + (p.died.date or "") for p in people.people)
    assert len(sample.index) >= 30 and any(e.subentries for e in sample.index.values())


BACK_YAML = BOOK_YAML.replace("    - chapters/one.md\n", "    - chapters/one.md\n  back:\n    - back/glossary.yaml\n    - back/biographies.yaml\n    - index\n")
GLOSSARY = "terms:\n  - term: forme\n    definition: Type locked up for printing.\n  - term: platen\n    definition: The plate that presses.\n"
PEOPLE = "people:\n  - surname: Caxton\n    given: William\n    born: c. 1422\n    text: A printer.\n"


def back_book(small_book, **files: str) -> Path:
    contents = {"manuscript/book.yaml": BACK_YAML, "manuscript/back/glossary.yaml": GLOSSARY,
                "manuscript/back/biographies.yaml": PEOPLE, "manuscript/chapters/one.md": "# One\n\nThe [forme]{.term} and [Caxton]{.person}.\n"}  # fmt: skip
    contents.update({f"manuscript/{k.replace('__', '/').replace('_', '.')}": v for k, v in files.items()})
    return small_book(contents)


def error_of(root: Path) -> str:
    result = build(root)
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("error: ")]
    return line


def test_a_small_book_with_back_matter_builds(small_book):
    assert build(back_book(small_book), "--strict").exit_code == 0


def test_entry_missing_a_required_field(small_book):
    root = back_book(small_book, back__glossary_yaml="terms:\n  - term: forme\n")
    assert "back/glossary.yaml:2: the entry lacks its 'definition'" in error_of(root)


def test_duplicate_term(small_book):
    root = back_book(small_book, back__glossary_yaml=GLOSSARY + "  - term: forme\n    definition: Again.\n")
    assert "back/glossary.yaml:6: term 'forme' is defined twice (first at line 2)" in error_of(root)


def test_duplicate_person(small_book):
    root = back_book(small_book, back__biographies_yaml=PEOPLE + "  - surname: Caxton\n    given: William\n    text: Twice.\n")
    assert "back/biographies.yaml:6: duplicate id 'person-caxton-william'" in error_of(root)


def test_mark_pointing_to_no_entry(small_book):
    root = back_book(small_book, chapters__one_md="# One\n\nText.\n\nA [frisket]{.term} here.\n")
    assert "chapters/one.md:5: term 'frisket' is not in the glossary" in error_of(root)
    root = back_book(small_book, chapters__one_md="# One\n\nA [Gutenberg]{.person} here.\n")
    assert "chapters/one.md:3: person 'Gutenberg' is not in the biographies" in error_of(root)


def test_unparseable_date(small_book):
    root = back_book(small_book, back__biographies_yaml=PEOPLE.replace("c. 1422", "about 1422"))
    assert "back/biographies.yaml:4: born: 'about 1422' is not a date presswork reads" in error_of(root)


def test_see_reference_to_no_entry(small_book):
    root = back_book(small_book, book_yaml=BACK_YAML + "index:\n  see:\n    press: printing press\n")
    assert "book.yaml:14: index see target 'printing press' (from 'press') is not an index entry" in error_of(root)


def test_index_must_come_last(small_book):
    yaml = BACK_YAML.replace("    - index\n", "").replace("  back:\n", "  back:\n    - index\n")
    assert "`index` must be the last entry of the back matter" in error_of(back_book(small_book, book_yaml=yaml))


# -- the sample book's products -------------------------------------------------------------

def test_back_matter_in_order_in_the_epub_nav_and_landmarks(sample_files):
    nav = etree.fromstring(sample_files["EPUB/nav.xhtml"])
    toc = ["".join(a.itertext()) for a in nav.findall(".//h:nav[@epub:type='toc']/h:ol/h:li/h:a", NS)]
    assert toc[-4:] == ["Glossary", "Chronology", "Biographical Notes", "Index"]
    glossary = etree.fromstring(sample_files["EPUB/text/glossary.xhtml"])
    assert glossary.find(".//h:section[@epub:type='glossary']", NS).get("role") == "doc-glossary"
    assert glossary.findall(".//h:dl/h:dt/h:dfn", NS)
    index = etree.fromstring(sample_files["EPUB/text/index.xhtml"])
    assert index.find(".//h:section[@epub:type='index']", NS).get("role") == "doc-index"
    chronology = etree.fromstring(sample_files["EPUB/text/chronology.xhtml"])
    assert chronology.findall(".//h:thead/h:tr/h:th", NS) and chronology.findall(".//h:th[@scope='rowgroup']", NS)


def test_back_matter_in_order_in_the_pdf_outline_and_contents(sample_pdf):
    reader = pypdf.PdfReader(sample_pdf)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[-4:] == ["Glossary", "Chronology", "Biographical Notes", "Index"]
    contents = next(p.extract_text() for p in reader.pages if (p.extract_text() or "").startswith("Contents"))
    assert [t for t in ("Glossary", "Chronology", "Biographical Notes", "Index") if t in contents] == [
        "Glossary", "Chronology", "Biographical Notes", "Index"]  # fmt: skip


def test_term_and_person_marks_link_to_their_entries_in_the_epub(sample_files):
    targets = {name.removeprefix("EPUB/text/"): {e.get("id") for e in etree.fromstring(data).iter() if e.get("id")}
               for name, data in sample_files.items() if name.startswith("EPUB/text/")}  # fmt: skip
    links = 0
    for name, data in sample_files.items():
        if name.startswith("EPUB/text/"):
            for a in etree.fromstring(data).iterfind(".//h:a[@class]", NS):
                if a.get("class") in ("term", "person"):
                    doc, _, frag = a.get("href").partition("#")
                    assert doc in ("glossary.xhtml", "biographies.xhtml") and frag in targets[doc]
                    links += 1
    assert links >= 24


def test_term_and_person_links_resolve_in_the_pdf(sample_pdf):
    reader = pypdf.PdfReader(sample_pdf)
    names = set(reader.named_destinations)
    internal = [annot.get_object()["/Dest"] for page in reader.pages for annot in page.get("/Annots", [])
                if "/Dest" in annot.get_object()]  # fmt: skip
    to_back = [d for d in internal if isinstance(d, str) and d.startswith(("term-", "person-"))]
    assert len(to_back) >= 24 and all(d in names for d in to_back)


def marked_texts(book) -> dict[str, str]:
    """Anchor id -> the visible text of its mark, for marks that have one."""
    texts = {}
    for chapter in book.chapters():
        for tok in [t for block in [chapter.tokens, *(n.tokens for n in chapter.notes)] for t in block]:
            children = tok.children or []
            for i, child in enumerate(children):
                if child.type == "span_open" and str(child.attrGet("id") or "").startswith("ix-"):
                    text = children[i + 1].content if children[i + 1].type == "text" else ""
                    if text.strip():
                        texts[str(child.attrGet("id"))] = text
    return texts


def flat(text: str) -> str:
    return " ".join(re.sub("[-\u2010\u00ad]\n", "", text).split()).lower()


def test_pdf_index_page_numbers_are_where_the_marked_words_are(sample_pdf, sample):
    reader = pypdf.PdfReader(sample_pdf)
    labels = reader.page_labels
    with pdfplumber.open(sample_pdf) as pdf:
        pages = {label: flat(page.extract_text() or "") for label, page in zip(labels, pdf.pages)}
    start = labels.index(next(l for l, t in pages.items() if t.startswith("index a ")))
    index_lines = index_entries(sample_pdf, start)
    texts = marked_texts(sample)
    where = {name: labels[reader.get_destination_page_number(dest)] for name, dest in reader.named_destinations.items()}
    checked = 0
    for heading in ("movable type", "hand press", "censorship", "Gutenberg, Johann", "Print Yard", "printing press"):
        entry = sample.index[heading]
        line = next(line for line in index_lines if line.startswith(heading + ","))
        printed = {n for a, b in re.findall(r"\b([ivxlc]+|\d+)(?:–(\d+))?\b", line[len(heading):])
                   for n in ([a] if not b else map(str, range(int(a), int(b) + 1)))}  # fmt: skip
        for locator in entry.locators:
            label = where[locator.anchor]
            assert label in printed, (heading, label, line)
            if locator.anchor in texts:
                assert flat(texts[locator.anchor]) in pages[label], (heading, label, texts[locator.anchor])
                checked += 1
    assert checked >= 10


def test_pdf_index_locators_link_over_their_numbers_to_their_pages(sample_pdf, sample):
    """The index's locators are linked after layout: each link must cover its number's text and
    lead to the page that number names (a range: its first page; a range broken at a line's
    end: two links)."""
    reader = pypdf.PdfReader(sample_pdf)
    labels = reader.page_labels
    where = {name: labels[reader.get_destination_page_number(dest)] for name, dest in reader.named_destinations.items()}
    anchors = {locator.anchor for entry in sample.index.values() for locator in entry.locators}
    covered: dict[str, str] = {}
    with pdfplumber.open(sample_pdf) as pdf:
        for page, plumbed in zip(reader.pages, pdf.pages):
            for annot in page.get("/Annots", []):
                link = annot.get_object()
                if link.get("/Dest") not in anchors:
                    continue
                x0, y0, x1, y1 = (float(v) for v in link["/Rect"])
                height = float(page.mediabox.height)
                box = (min(x0, x1) - 0.5, height - max(y0, y1) - 0.5, max(x0, x1) + 0.5, height - min(y0, y1) + 0.5)
                text = plumbed.within_bbox(box).extract_text()
                covered[link["/Dest"]] = covered.get(link["/Dest"], "") + text.strip()
    assert len(covered) >= 40
    for anchor, text in covered.items():
        assert re.fullmatch(r"([ivxlc]+|\d+)(–\d+)?", text), (anchor, text)
        assert text.partition("–")[0] == where[anchor], (anchor, text)


def index_entries(path: Path, start: int) -> list[str]:
    """The index's entries, read column by column, with wrapped locator lines joined on."""
    lines: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[start:]:
            middle = page.width / 2
            for box in ((0, 0, middle, page.height), (middle, 0, page.width, page.height)):
                for line in (page.crop(box).extract_text() or "").splitlines():
                    if lines and re.match(r"^(\d|[ivxlc]+[,–]|See)", line):
                        lines[-1] += " " + line
                    else:
                        lines.append(line)
    return lines


def test_epub_page_list_has_every_printed_page(sample_files, sample_pdf):
    nav = etree.fromstring(sample_files["EPUB/nav.xhtml"])
    listed = [a.text for a in nav.findall(".//h:nav[@epub:type='page-list']//h:a", NS)]
    printed = list(pypdf.PdfReader(sample_pdf).page_labels)
    assert listed == printed
    markers = {e.get("id") for name, data in sample_files.items() if name.startswith("EPUB/text/") or name == "EPUB/nav.xhtml"
               for e in etree.fromstring(data).iterfind(".//*[@epub:type='pagebreak']", NS)}  # fmt: skip
    assert markers == {f"page-{label}" for label in printed}
    opf = sample_files["EPUB/package.opf"].decode()
    assert '<dc:source id="pagination-source">urn:isbn:9780000000019</dc:source>' in opf and "pageBreakMarkers" in opf
    assert '<meta refines="#pagination-source" property="source-of">pagination</meta>' in opf


def test_epub_index_locators_link_to_the_marked_places(sample_files):
    index = etree.fromstring(sample_files["EPUB/text/index.xhtml"])
    hrefs = [a.get("href") for a in index.iterfind(".//h:li//h:a", NS)]
    assert len(hrefs) >= 40
    marks = {"ix", "ix-auto", "term", "person"}  # the classes a marked place carries
    for href in hrefs:
        doc, _, frag = href.partition("#")
        [target] = etree.fromstring(sample_files[f"EPUB/text/{doc}"]).iterfind(f".//*[@id='{frag}']")
        assert set(target.get("class", "").split()) & marks, href


def test_term_with_an_apostrophe_can_be_marked(small_book):
    root = back_book(small_book, back__glossary_yaml="terms:\n  - term: printer's devil\n    definition: An apprentice.\n",
                     chapters__one_md="# One\n\nThe [printer's devil]{.term} and [Caxton]{.person}.\n")  # fmt: skip
    assert build(root, "--strict").exit_code == 0
