"""The Kobo kepub: Kobo's spans, divs and style fix on the EPUB, with the text, ids and links
unchanged, valid under EPUBCheck, read by calibre, and the same bytes on every build."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from conftest import BOOK_YAML, NS, build, build_sample, epub_files, problems, run_epubcheck
from lxml import etree

from presswork.package.kepub import KOBO_STYLE, kepub_document, sentences

H = f"{{{NS['h']}}}"
needs_calibre = pytest.mark.skipif(shutil.which("ebook-convert") is None, reason="calibre is not installed (make system-deps)")


def document(body: str, lang: str = "en") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">\n'
        "<head>\n<title>T</title>\n</head>\n"
        f'<body epub:type="bodymatter">\n{body}\n</body>\n</html>\n'
    ).encode()


def spans(xhtml: bytes) -> list[tuple[str, str]]:
    """(id, text) of every koboSpan, in document order."""
    root = etree.fromstring(xhtml)
    return [(s.get("id"), "".join(s.itertext())) for s in root.iterfind(".//h:span[@class='koboSpan']", NS)]


def body_text(xhtml: bytes) -> str:
    return "".join(etree.fromstring(xhtml).find(f"{H}body").itertext())


# -- sentences ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text, pieces", [
    ("One. Two! Three? Four", ["One. ", "Two! ", "Three? ", "Four"]),
    ("He said “Stop.” Then he left.", ["He said “Stop.” ", "Then he left."]),
    ("Первая фраза. Вторая фраза! Третья?", ["Первая фраза. ", "Вторая фраза! ", "Третья?"]),
    ("Он сказал: «Да». Потом ушёл.", ["Он сказал: «Да». ", "Потом ушёл."]),
    ("no sentence end here", ["no sentence end here"]),
    ("Wait… and then", ["Wait… and then"]),  # an ellipsis alone ends no sentence
    ("e.g.not a break, 3.5 either", ["e.g.not a break, 3.5 either"]),  # no whitespace after the stop
    ("Spaces kept.   \n  Next.  ", ["Spaces kept.   \n  ", "Next.  "]),
    ("Twice?! Yes.", ["Twice?! ", "Yes."]),
    ("at\u00a0no-break. space", ["at\u00a0no-break. ", "space"]),
    ("not at a no-break space.\u00a0Still one", ["not at a no-break space.\u00a0Still one"]),
])  # fmt: skip
def test_sentences_end_after_a_stop_a_closing_quote_and_the_whitespace(text, pieces):
    assert sentences(text) == pieces
    assert "".join(pieces) == text


# -- one document --------------------------------------------------------------------------------


def test_each_sentence_is_a_span_numbered_by_paragraph_and_segment():
    out = kepub_document(document("<h1>Title</h1>\n<p>One. Two.</p>\n<p>Three</p>"))
    assert spans(out) == [("kobo.1.1", "Title"), ("kobo.2.1", "One. "), ("kobo.2.2", "Two."), ("kobo.3.1", "Three")]


def test_inline_markup_across_a_sentence_end_keeps_its_place():
    out = kepub_document(document("<p>He said <em>no. Then</em> he left. <strong>Done</strong></p>"))
    assert spans(out) == [("kobo.1.1", "He said "), ("kobo.1.2", "no. "), ("kobo.1.3", "Then"), ("kobo.1.4", " he left. "),
                          ("kobo.1.5", "Done")]  # fmt: skip
    em = etree.fromstring(out).find(".//h:em", NS)
    assert [s.text for s in em] == ["no. ", "Then"] and em.text is None


def test_a_note_call_keeps_its_link_and_the_page_break_its_id():
    body = ('<section id="c"><span id="page-7" class="pagebreak" epub:type="pagebreak" role="doc-pagebreak" aria-label="7"></span>'
            '<p>Text.<sup class="noteref"><a id="c-nref1" href="#c-n1" epub:type="noteref" role="doc-noteref">1</a></sup> More.</p>'
            '<aside id="c-n1" epub:type="footnote"><p><a href="#c-nref1" role="doc-backlink">1.</a> The note.</p></aside></section>')  # fmt: skip
    out = kepub_document(document(body))
    root = etree.fromstring(out)
    call = root.find(".//h:a[@id='c-nref1']", NS)
    assert call.get("href") == "#c-n1" and call.get(f"{{{NS['epub']}}}type") == "noteref"
    assert call.getparent().tag == f"{H}sup" and [s.get("class") for s in call] == ["koboSpan"]
    page = root.find(".//h:span[@id='page-7']", NS)
    assert page.get(f"{{{NS['epub']}}}type") == "pagebreak" and len(page) == 0
    assert b'aria-label="7"></span>' in out  # an empty span stays `<span></span>`
    assert root.find(".//*[@id='c-n1']", NS) is not None


def test_an_image_opens_a_paragraph_in_its_own_span_with_its_alt_text():
    out = kepub_document(document('<figure><img src="a.png" alt="A press"/><figcaption>The press.</figcaption></figure><p>After.</p>'))
    root = etree.fromstring(out)
    img = root.find(".//h:img", NS)
    assert img.get("alt") == "A press" and img.getparent().get("id") == "kobo.1.1"
    assert spans(out)[1:] == [("kobo.1.2", "The press."), ("kobo.2.1", "After.")]


def test_whitespace_is_spanned_only_inside_a_paragraph():
    out = kepub_document(document("<section>\n<p><em>a</em> <em>b</em></p>\n<ul>\n<li>x</li>\n<li>y</li>\n</ul>\n</section>"))
    assert spans(out) == [("kobo.1.1", "a"), ("kobo.1.2", " "), ("kobo.1.3", "b"), ("kobo.2.1", "x"), ("kobo.2.2", "y")]
    ul = etree.fromstring(out).find(".//h:ul", NS)
    assert ul.text == "\n" and all(child.tag == f"{H}li" for child in ul)


def test_code_scripts_and_svg_are_left_as_they_are():
    body = '<pre>a. b. c.</pre><p>x</p><svg xmlns="http://www.w3.org/2000/svg"><text>Hi. There.</text></svg>'
    out = kepub_document(document(body))
    assert spans(out) == [("kobo.1.1", "x")]
    assert etree.fromstring(out).find(".//h:pre", NS).text == "a. b. c."


def test_the_body_is_wrapped_and_the_style_fix_added():
    out = kepub_document(document("<p>x</p>"))
    root = etree.fromstring(out)
    body = root.find(f"{H}body")
    [columns] = body
    [inner] = columns
    assert (columns.get("id"), inner.get("id")) == ("book-columns", "book-inner")
    assert body.text is None and inner.find("h:p", NS) is not None
    style = root.find(f"{H}head/{H}style")
    assert style.text == KOBO_STYLE and style.get("class") == "kobostylehacks"


def test_languages_and_text_are_unchanged():
    body = '<p>In Moscow, the <span lang="ru" xml:lang="ru">Печатный двор. Книги</span> stood. <a href="#x">See.</a></p>'
    before = document(body)
    after = kepub_document(before)
    assert body_text(after) == body_text(before)
    ru = etree.fromstring(after).find(".//h:span[@lang='ru']", NS)
    assert [s.text for s in ru] == ["Печатный двор. ", "Книги"]


# -- the product --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_kepub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory, "kobo") / "pressmans-craft.kepub.epub"


@pytest.fixture(scope="module")
def kepub_files(sample_kepub: Path) -> dict[str, bytes]:
    return epub_files(sample_kepub)


def test_kepub_passes_epubcheck(sample_kepub: Path, tmp_path: Path):
    assert problems(run_epubcheck(sample_kepub, tmp_path)) == []


def test_every_document_has_the_epubs_text_and_its_own_unique_ids(kepub_files, sample_files):
    documents = [name for name in sample_files if name.endswith(".xhtml")]
    assert len(documents) > 10 and set(documents) == {name for name in kepub_files if name.endswith(".xhtml")}
    for name in documents:
        assert body_text(kepub_files[name]) == body_text(sample_files[name]), name
        root = etree.fromstring(kepub_files[name])
        counts = Counter(root.xpath("//@id"))
        assert [i for i, n in counts.items() if n > 1] == [], name
        assert set(etree.fromstring(sample_files[name]).xpath("//@id")) <= set(counts), name
    assert len(spans(kepub_files["EPUB/text/ch-muscovy.xhtml"])) > 50


def test_links_page_list_and_alt_text_still_hold(kepub_files):
    """Every link's target (note calls, back-links, the nav's contents and page list) exists."""
    ids = {name: set(etree.fromstring(data).xpath("//@id")) for name, data in kepub_files.items() if name.endswith(".xhtml")}
    checked = 0
    for name, data in kepub_files.items():
        if name.endswith(".xhtml"):
            for href in etree.fromstring(data).xpath("//h:a/@href", namespaces=NS):
                target, _, fragment = href.partition("#")
                path = os.path.normpath(os.path.join(os.path.dirname(name), target)) if target else name
                if fragment and path in ids:
                    assert fragment in ids[path], (name, href)
                    checked += 1
    page_list = etree.fromstring(kepub_files["EPUB/nav.xhtml"]).find(".//h:nav[@epub:type='page-list']", NS)
    assert len(page_list.findall(".//h:a", NS)) > 20 and checked > 100
    for img in etree.fromstring(kepub_files["EPUB/text/ch-type.xhtml"]).iterfind(".//h:img", NS):
        assert img.get("alt") and img.getparent().get("class") == "koboSpan"


def test_kepub_builds_to_the_same_bytes(small_book, tmp_path: Path):
    root = small_book()
    for out in ("a", "b"):
        assert build(root, "--out", str(tmp_path / out), fmt="kobo").exit_code == 0
    first, second = ((tmp_path / out / "a-small-book.kepub.epub").read_bytes() for out in ("a", "b"))
    assert first == second


@needs_calibre
def test_calibre_reads_the_kepub(sample_kepub: Path, tmp_path: Path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CALIBRE_CONFIG_DIRECTORY": str(tmp_path / "calibre")}
    meta = subprocess.run(["ebook-meta", str(sample_kepub)], capture_output=True, text=True, env=env, check=True)
    assert "The Pressman's Craft" in meta.stdout
    text = tmp_path / "book.txt"
    subprocess.run(["ebook-convert", str(sample_kepub), str(text)], capture_output=True, env=env, check=True, timeout=300)
    words = text.read_text(encoding="utf-8")
    assert "Печатный двор" in words and "Ivan Fyodorov" in words


@pytest.mark.parametrize("ident", ["kobo.1.1", "book-inner"])
def test_an_id_that_kobos_markup_takes_is_refused_at_its_line(small_book, tmp_path: Path, ident: str):
    """The kepub gives its spans ids kobo.P.S and its wrapping divs book-columns and book-inner: the
    same id in the manuscript would stand twice in the kepub (EPUBCheck: duplicate id)."""
    root = small_book({"manuscript/chapters/one.md": f"# One\n\nFirst.\n\n## Two {{#{ident}}}\n\nSecond.\n"})
    result = build(root, "--out", str(tmp_path / "out"), fmt="kobo")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    [error] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert "manuscript/chapters/one.md:5" in error and f"id {ident!r} is Kobo's" in error
    assert not (tmp_path / "out").exists()


def test_ids_near_kobos_own_are_kept_and_the_kepub_stays_valid(small_book, tmp_path: Path):
    root = small_book({"manuscript/chapters/one.md": "# One\n\nFirst. Second.\n\n## Two {#Kobo.1.1}\n\nThird.\n\n"
                                                     "## Three {#kobo-1.2}\n\nFourth.\n"})  # fmt: skip
    result = build(root, "--out", str(tmp_path), fmt="kobo")
    assert result.exit_code == 0, result.output
    kepub = tmp_path / "a-small-book.kepub.epub"
    assert problems(run_epubcheck(kepub, tmp_path)) == []
    [chapter] = [data for name, data in epub_files(kepub).items() if name.endswith("one.xhtml")]
    assert {"Kobo.1.1", "kobo-1.2", "kobo.1.1"} <= set(etree.fromstring(chapter).xpath("//@id"))


def test_a_chapter_file_named_like_kobos_divs_gets_its_own_id(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace("chapters/one.md", "chapters/book-inner.md"),
                       "manuscript/chapters/book-inner.md": "# Inner\n\nText.\n"})  # fmt: skip
    result = build(root, "--out", str(tmp_path), fmt="kobo")
    assert result.exit_code == 0, result.output
    assert "EPUB/text/book-inner-text.xhtml" in epub_files(tmp_path / "a-small-book.kepub.epub")
