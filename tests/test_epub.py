"""End-to-end: the sample book's EPUB as EPUBCheck and a reading system see it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import NS, ROOT, build, css_value, problems, run_epubcheck
from fontTools.ttLib import TTFont
from lxml import etree



def xml(files: dict[str, bytes], name: str) -> etree._Element:
    return etree.fromstring(files[name])


def test_epubcheck_reports_no_error_and_no_warning(sample_epub: Path, tmp_path: Path):
    assert problems(run_epubcheck(sample_epub, tmp_path)) == []


def test_mimetype_comes_first_and_is_stored(sample_epub: Path):
    with zipfile.ZipFile(sample_epub) as archive:
        first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED


def test_nav_has_parts_with_chapters_and_landmarks(sample_files):
    nav = xml(sample_files, "EPUB/nav.xhtml")
    toc = nav.find(".//h:nav[@epub:type='toc']", NS)
    top = toc.findall("h:ol/h:li", NS)
    titles = ["".join(li.find("h:a", NS).itertext()) for li in top]
    assert titles[0] == "Foreword" and any(t.startswith("Part One: ") for t in titles)
    part = next(li for li in top if li.find("h:ol", NS) is not None)
    assert len(part.findall("h:ol/h:li", NS)) == 4
    landmarks = [a.get(f"{{{NS['epub']}}}type") for a in nav.findall(".//h:nav[@epub:type='landmarks']//h:a", NS)]
    assert landmarks == ["cover", "titlepage", "toc", "bodymatter", "glossary", "index"]


def test_ncx_lists_the_same_entries_as_the_nav(sample_files):
    ncx = xml(sample_files, "EPUB/toc.ncx")
    nav = xml(sample_files, "EPUB/nav.xhtml")
    ncx_titles = [t.text for t in ncx.findall(".//ncx:navPoint/ncx:navLabel/ncx:text", NS)]
    nav_titles = ["".join(a.itertext()) for a in nav.findall(".//h:nav[@epub:type='toc']//h:a", NS)]
    assert ncx_titles == nav_titles


def test_every_noteref_and_backlink_resolves_to_its_partner(sample_files):
    checked = 0
    for name, data in sample_files.items():
        if not name.startswith("EPUB/text/"):
            continue
        doc = etree.fromstring(data)
        ids = {e.get("id"): e for e in doc.iter() if e.get("id")}
        for ref in doc.findall(".//h:a[@epub:type='noteref']", NS):
            note = ids[ref.get("href").lstrip("#")]
            assert note.get(f"{{{NS['epub']}}}type") == "endnote"
            back = note.find(".//h:a[@role='doc-backlink']", NS)
            assert back.get("href") == f"#{ref.get('id')}" and back.text == f"{ref.text}."
            assert ref.getparent().tag == f"{{{NS['h']}}}sup"
            checked += 1
    assert checked >= 40


def test_cross_references_point_at_existing_ids(sample_files):
    targets = {}
    for name, data in sample_files.items():
        if name.startswith("EPUB/text/"):
            targets[name.removeprefix("EPUB/text/")] = {e.get("id") for e in etree.fromstring(data).iter() if e.get("id")}
    links = 0
    for name in targets:
        for a in etree.fromstring(sample_files["EPUB/text/" + name]).findall(".//h:a[@href]", NS):
            href = a.get("href")
            if href.startswith(("#", "http")):
                continue
            doc, _, frag = href.partition("#")
            assert doc in targets and (not frag or frag in targets[doc]), href
            links += 1
    assert links >= 4


def test_foreign_passages_carry_lang_and_xml_lang(sample_files):
    doc = xml(sample_files, "EPUB/text/ch-muscovy.xhtml")
    assert doc.get("{http://www.w3.org/XML/1998/namespace}lang") == "en" and doc.get("lang") == "en"
    russian = doc.findall(".//*[@lang='ru']", NS)
    assert len(russian) >= 3
    assert all(e.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru" for e in russian)
    assert doc.find(".//h:blockquote[@lang='ru']", NS) is not None


def test_package_metadata_is_complete(sample_files):
    opf = xml(sample_files, "EPUB/package.opf")
    meta = opf.find("opf:metadata", NS)
    assert meta.find("dc:identifier", NS).text == "urn:isbn:9780000000002"
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    roles = {m.text for m in meta.findall("opf:meta[@property='role']", NS)}
    assert {"aut", "trl", "edt"} <= roles
    assert meta.find("opf:meta[@property='file-as']", NS).text == "Quill, Ada"
    for tag in ("publisher", "date", "rights", "description", "subject", "language"):
        assert meta.find(f"dc:{tag}", NS) is not None, tag
    properties = {m.get("property"): m.text for m in meta.findall("opf:meta[@property]", NS)}
    assert properties["dcterms:modified"] == "2026-11-01T00:00:00Z"
    assert properties["belongs-to-collection"] == "Presswork Samples"


def test_accessibility_metadata_follows_epub_accessibility_1_1(sample_files):
    meta = xml(sample_files, "EPUB/package.opf").find("opf:metadata", NS)

    def values(prop: str) -> list[str]:
        return [m.text for m in meta.findall(f"opf:meta[@property='{prop}']", NS)]

    assert set(values("schema:accessMode")) == {"textual", "visual"}
    assert "textual" in values("schema:accessModeSufficient")
    assert {"structuralNavigation", "tableOfContents", "alternativeText", "readingOrder"} <= set(
        values("schema:accessibilityFeature")
    )
    assert values("schema:accessibilityHazard") == ["none"]
    assert values("schema:accessibilitySummary")[0]
    assert values("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]


def test_every_image_has_alt_text_without_the_word_image(sample_files):
    images = [img for name, data in sample_files.items() if name.endswith(".xhtml")
              for img in etree.fromstring(data).iter(f"{{{NS['h']}}}img")]  # fmt: skip
    assert len(images) >= 4
    assert all(img.get("alt") and "image" not in img.get("alt").lower() for img in images)


def test_cover_is_declared_and_has_its_own_page(sample_files):
    opf = xml(sample_files, "EPUB/package.opf")
    cover = opf.find(".//opf:item[@properties='cover-image']", NS)
    assert cover.get("href") == "images/cover.jpg"
    spine = [i.get("idref") for i in opf.findall(".//opf:itemref", NS)]
    assert spine[:4] == ["cover", "titlepage", "copyright", "nav"]


def test_embedded_fonts_are_subset_to_the_characters_used(sample_files):
    font = TTFont(io.BytesIO(sample_files["EPUB/fonts/LinLibertine_R.otf"]))
    cmap = font.getBestCmap()
    assert ord("Ф") in cmap and ord("σ") in cmap and ord("ס") in cmap
    assert len(cmap) < 600  # the full face has over 2,000 characters
    assert b"@font-face" in sample_files["EPUB/css/book.css"]


def test_marked_names_and_terms_stay_links_but_read_as_text(sample_files):
    css = sample_files["EPUB/css/book.css"].decode()
    for selector in ("a.person", "a.term"):
        assert css_value(css, selector, "color") == "inherit" and css_value(css, selector, "text-decoration") == "none"
    chapter = xml(sample_files, "EPUB/text/ch-mainz.xhtml")
    assert chapter.findall(".//h:a[@class='person'][@href]", NS) and chapter.findall(".//h:a[@class='term'][@href]", NS)


def test_two_builds_are_byte_identical(tmp_path: Path):
    first = build(ROOT, "--out", str(tmp_path / "a"), "-q")
    second = build(ROOT, "--out", str(tmp_path / "b"), "-q")
    assert first.exit_code == second.exit_code == 0
    assert (tmp_path / "a/pressmans-craft.epub").read_bytes() == (tmp_path / "b/pressmans-craft.epub").read_bytes()


def test_source_date_epoch_sets_the_modified_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build(ROOT, "--out", str(tmp_path), "-q").exit_code == 0
    with zipfile.ZipFile(tmp_path / "pressmans-craft.epub") as archive:
        assert b"2023-11-14T22:13:20Z" in archive.read("EPUB/package.opf")
