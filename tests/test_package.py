"""The EPUB package: written through ebooklib, the same bytes on any day, navigation that agrees with
itself, and EPUBs read back through their package document, never by guessed file names."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from conftest import NS, ROOT, build
from ebooklib import epub
from lxml import etree

from presswork.commands.diff import diff_epubs
from presswork.distribution.a11y_report import check_epub
from presswork.errors import Diagnostics
from presswork.load.book import load_book
from presswork.package.epub import EpubBuilder

EPUB_TYPE = f"{{{NS['epub']}}}type"


@pytest.fixture(scope="module")
def sample_book():
    return load_book(ROOT)


def files_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# -- written through ebooklib ------------------------------------------------------------------

def test_the_package_is_the_book_ebooklib_writes(sample_book, monkeypatch: pytest.MonkeyPatch):
    written: list[epub.EpubBook] = []
    write = epub.EpubWriter.write
    monkeypatch.setattr(epub.EpubWriter, "write", lambda self: (written.append(self.book), write(self))[1])
    opf = etree.fromstring(files_of(EpubBuilder(sample_book, Diagnostics()).build())["EPUB/package.opf"])
    [book] = written
    assert [i.get("id") for i in opf.iterfind(".//opf:item", NS)] == [item.id for item in book.items]
    assert [r.get("idref") for r in opf.iterfind(".//opf:itemref", NS)] == [item.id for item in book.spine]
    assert opf.find("opf:metadata/dc:identifier", NS).text == book.uid == "urn:isbn:9780000000002"


def test_the_same_book_built_on_another_day_gives_the_same_bytes(sample_book, monkeypatch: pytest.MonkeyPatch):
    first = EpubBuilder(sample_book, Diagnostics()).build()
    a_year_later = time.time() + 366 * 86_400
    monkeypatch.setattr(time, "time", lambda: a_year_later)  # what zip entries and ebooklib's clock read
    assert EpubBuilder(sample_book, Diagnostics()).build() == first


def test_every_entry_is_dated_with_the_build_time_and_all_but_the_mimetype_deflated(sample_epub: Path):
    with zipfile.ZipFile(sample_epub) as archive:
        infos = archive.infolist()
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos[1:])  # test_epub checks the mimetype
    assert {i.date_time for i in infos} == {(2026, 11, 1, 0, 0, 0)}  # the sample book's date


def test_no_generator_or_random_identifier_from_ebooklib(sample_files):
    opf = etree.fromstring(sample_files["EPUB/package.opf"])
    assert opf.find(".//opf:meta[@name='generator']", NS) is None
    identifiers = opf.findall("opf:metadata/dc:identifier", NS)
    assert [i.get("id") for i in identifiers] == [opf.get("unique-identifier")] == ["pub-id"]
    ncx = etree.fromstring(sample_files["EPUB/toc.ncx"])
    assert ncx.find(".//ncx:meta[@name='dtb:uid']", NS).get("content") == identifiers[0].text


# -- package document ----------------------------------------------------------------------

def test_every_refinement_refines_an_element_of_the_metadata(sample_files):
    meta = etree.fromstring(sample_files["EPUB/package.opf"]).find("opf:metadata", NS)
    ids = {e.get("id") for e in meta if e.get("id")}
    refined = {m.get("refines") for m in meta.iterfind("opf:meta[@refines]", NS)}
    assert refined == {f"#{i}" for i in ids - {"pub-id"}}  # titles, contributors and the series
    group = meta.find("opf:meta[@refines='#series'][@property='group-position']", NS)
    assert group.text == "1"


def test_spine_runs_cover_titlepage_copyright_contents_then_the_book(sample_files):
    opf = etree.fromstring(sample_files["EPUB/package.opf"])
    spine = opf.find("opf:spine", NS)
    assert spine.get("toc") == "ncx"
    refs = spine.findall("opf:itemref", NS)
    assert all(r.get("linear", "yes") == "yes" for r in refs)
    manifest = {i.get("id"): i for i in opf.iterfind(".//opf:item", NS)}
    assert manifest["nav"].get("properties") == "nav" and manifest["nav"].get("href") == "nav.xhtml"
    documents = [i.get("id") for i in manifest.values() if i.get("media-type") == "application/xhtml+xml"]
    assert [r.get("idref") for r in refs] == documents  # every document read, in manifest order


# -- navigation ------------------------------------------------------------------------------

def test_each_nav_is_labelled_by_its_heading_and_only_the_contents_shown(sample_files):
    nav = etree.fromstring(sample_files["EPUB/nav.xhtml"])
    navs = {n.get(EPUB_TYPE): n for n in nav.iterfind(".//h:nav", NS)}
    assert list(navs) == ["toc", "landmarks", "page-list"]
    for kind, element in navs.items():
        heading = element[0]
        assert heading.get("id") == element.get("aria-labelledby") and heading.text, kind
        assert (element.get("hidden") == "hidden") == (kind != "toc"), kind
    assert navs["toc"].get("id") == "toc" and navs["toc"][0].tag == f"{{{NS['h']}}}h1"
    toc_landmark = navs["landmarks"].find(".//h:a[@epub:type='toc']", NS)
    assert toc_landmark.get("href") == "nav.xhtml#toc"


def test_page_list_entries_lead_to_the_page_breaks_they_name(sample_files):
    nav = etree.fromstring(sample_files["EPUB/nav.xhtml"])
    entries = nav.findall(".//h:nav[@epub:type='page-list']//h:a", NS)
    assert len(entries) > 10
    for a in entries:
        doc, _, fragment = a.get("href").partition("#")
        target = etree.fromstring(sample_files[f"EPUB/{doc}"]).find(f".//*[@id='{fragment}']")
        assert target.get(EPUB_TYPE) == "pagebreak" and fragment == f"page-{a.text}", a.get("href")


def test_ncx_points_where_the_nav_does_in_play_order(sample_files):
    nav = etree.fromstring(sample_files["EPUB/nav.xhtml"])
    ncx = etree.fromstring(sample_files["EPUB/toc.ncx"])
    links = [(a.text, a.get("href")) for a in nav.find(".//h:nav[@epub:type='toc']", NS).iter(f"{{{NS['h']}}}a")]
    points = list(ncx.iter(f"{{{NS['ncx']}}}navPoint"))
    assert [(p.findtext("ncx:navLabel/ncx:text", namespaces=NS), p.find("ncx:content", NS).get("src")) for p in points] == links
    assert [p.get("playOrder") for p in points] == [str(n) for n in range(1, len(points) + 1)]
    assert len({p.get("id") for p in points}) == len(points)
    assert ncx.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert ncx.find(".//ncx:meta[@name='dtb:depth']", NS).get("content") == "2"


# -- reading EPUBs back through their package ----------------------------------------------------

CONTAINER = ('<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
             "</rootfiles></container>")  # fmt: skip
OPF = """<?xml version="1.0"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<meta property="schema:accessMode">textual</meta></metadata>
<manifest><item id="toc" href="contents.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="one" href="Text/chapter%20one.xhtml" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="toc"/><itemref idref="one"/></spine></package>"""
NAV = ('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>'
       '<nav epub:type="toc"><ol><li><a href="Text/chapter%20one.xhtml">One</a></li></ol></nav>'
       '<nav epub:type="landmarks"><ol><li><a epub:type="bodymatter" href="Text/chapter%20one.xhtml">One</a></li></ol></nav>'
       "</body></html>")  # fmt: skip
CHAPTER = '<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>One</h1><p>{words}</p></body></html>'


def foreign_epub(path: Path, words: str) -> Path:
    """An EPUB laid out as other tools make them: OEBPS/content.opf, a nav not called nav.xhtml,
    a document in a subfolder whose name the package percent-encodes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", CONTAINER)
        archive.writestr("OEBPS/content.opf", OPF)
        archive.writestr("OEBPS/contents.xhtml", NAV)
        archive.writestr("OEBPS/Text/chapter one.xhtml", CHAPTER.format(words=words))
    return path


def test_diff_reads_the_documents_the_package_names(tmp_path: Path):
    old = foreign_epub(tmp_path / "old.epub", "The press was slow.")
    new = foreign_epub(tmp_path / "new.epub", "The press was fast.")
    [change] = diff_epubs(old, new).changes
    assert change.title == "One" and change.removed == ["slow."] and change.added == ["fast."]


def test_the_accessibility_report_finds_the_package_and_nav_wherever_they_are(tmp_path: Path):
    findings = check_epub(foreign_epub(tmp_path / "book.epub", "Words."), print_edition=False)
    navigation = next(f for f in findings if "table of contents and by landmarks" in f.text)
    assert navigation.ok


def test_a_build_from_a_deleted_working_folder_is_a_one_line_error(small_book, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch):
    root = small_book()
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    result = build(root, "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "error: the current folder no longer exists — change to a folder that exists" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
