import zipfile
from pathlib import Path

import pdfplumber
from conftest import build
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from presswork.load.book import load_book
from presswork.load.chapters import split_notes
from presswork.render.book import render_book
from presswork.render.xhtml import Links, XhtmlRenderer
from presswork.text.markdown import parse

LINKS = Links(target=lambda ident: f"doc.xhtml#{ident}", image=lambda src: f"../{src.as_posix()}")
SCRIPTS = {"Cyrl": "ru", "Grek": "el", "Hebr": "he"}


def render(markdown: str, lang: str = "en") -> str:
    """A chapter body and its notes, as the loader splits them."""
    body, notes = split_notes(parse(markdown, lang)[0])
    renderer = XhtmlRenderer(LINKS, SCRIPTS)
    html = renderer.chapter(body, "ch", lang)
    return html + "".join(renderer.note(tokens, '<a href="#x">1</a>') for _, tokens in notes)


def as_xml(fragment: str) -> etree._Element:
    return etree.fromstring(
        f'<div xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">{fragment}</div>'
    )


def test_unmarked_cyrillic_greek_and_hebrew_runs_get_their_language():
    html = render("He wrote Иван Фёдоров, друкарь москвитин, and σπεῦδε βραδέως and ספר.\n")
    assert '<span lang="ru" xml:lang="ru">Иван Фёдоров, друкарь москвитин</span>' in html
    assert '<span lang="el" xml:lang="el">σπεῦδε βραδέως</span>' in html
    assert '<span lang="he" xml:lang="he" dir="rtl">ספר</span>' in html


def test_cyrillic_inside_russian_text_is_not_wrapped_again():
    html = render("[Печатный двор]{lang=ru}\n")
    assert html.count("xml:lang=") == 1 and 'xml:lang="ru"' in html


def test_footnote_reference_is_a_noteref_link_with_sup_outside():
    html = render("Text.[^a]\n\n[^a]: Note.\n")
    assert '<sup class="noteref"><a id="ch-nref1" href="#ch-n1" epub:type="noteref" role="doc-noteref">1</a></sup>' in html


def test_figure_has_image_alt_and_caption():
    html = render('![A press](images/p.png "The common press"){#fig-p}\n')
    tree = as_xml(html)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    figure = tree.find("h:figure", ns)
    assert figure.get("id") == "fig-p"
    assert figure.find("h:img", ns).get("alt") == "A press"
    assert figure.find("h:img", ns).get("src") == "../images/p.png"
    assert figure.find("h:figcaption", ns).text == "The common press"


def test_cross_reference_goes_through_the_backend_addressing():
    assert '<a href="doc.xhtml#sec-x">see</a>' in render("[see](#sec-x)\n")


def test_attribution_is_a_footer_in_the_blockquote():
    html = render("> Words.\n>\n> — Author, *Work*\n")
    assert '<footer><p class="attribution">— Author, <em>Work</em></p></footer>\n</blockquote>' in html


def test_table_alignment_uses_classes_not_inline_styles():
    html = render("| a | b |\n|---|--:|\n| 1 | 2 |\n")
    assert "style=" not in html and 'class="align-right"' in html


def test_tight_list_items_have_no_paragraphs():
    assert render("- one\n- two\n") == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"


def test_scene_break():
    assert '<hr class="scene-break" />' in render("Before.\n\n* * *\n\nAfter.\n")


def test_raw_html_is_shown_as_text():
    assert "&lt;script&gt;" in render("<script>alert(1)</script>\n")


def test_chapter_document_has_endnotes_with_back_links_first():
    book = load_book(Path(__file__).resolve().parent.parent)
    rendered = render_book(book, LINKS)
    doc = next(d for d in rendered.documents if d.id == "ch-mainz")
    tree = as_xml(doc.body)
    notes = tree.xpath("//*[@epub:type='endnotes']//*[@epub:type='endnote']", namespaces={"epub": "http://www.idpf.org/2007/ops"})
    assert len(notes) == len(next(c for c in book.chapters() if c.id == "ch-mainz").notes) >= 5
    first_link = notes[0].xpath(".//*[local-name()='a']")[0]
    assert first_link.get("role") == "doc-backlink" and first_link.get("href") == "#ch-mainz-nref1"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_markdown_renders_to_well_formed_xhtml(text):
    cleaned = "".join(c for c in text if c in "\t\n\r" or (ord(c) >= 0x20 and c not in "\ufffe\uffff"))
    as_xml(render(cleaned))


MARKDOWN_BITS = st.sampled_from([
    "*", "**", "_", "`", "[", "]", "(", ")", "{", "}", "#", "> ", "- ", "1. ", "|", "---", "\n", "\n\n",
    "[^a]", "[^a]: ", "![x](images/a.png \"c\")", "{lang=ru}", "{#id}", "{.sc}", "\"", "'", "--", "...",
    "word", "слово", "λόγος", "שלום", " ", "<b>", "&amp;", "&", "* * *", "Table: ", "— ",
])  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(MARKDOWN_BITS, max_size=40).map("".join))
def test_markdown_syntax_soup_renders_to_well_formed_xhtml(text):
    as_xml(render(text))


def test_a_note_holding_only_a_figure_renders_the_figure():
    """The notes plugin puts its back-reference between the image's paragraph and its close."""
    note = as_xml(render('Text.[^a]\n\n[^a]: ![x](images/a.png "c")'))
    figure = note.find("{http://www.w3.org/1999/xhtml}figure")
    assert figure is not None and figure.findtext("{http://www.w3.org/1999/xhtml}figcaption") == "c"


def test_an_inline_note_renders_as_a_numbered_note(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\nText^[An inline note.] and more.[^a]\n\n[^a]: The note.\n"})
    result = build(root)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(root / "build/a-small-book.epub") as archive:
        text = archive.read("EPUB/text/one.xhtml").decode()
    assert 'role="doc-noteref">1</a>' in text and 'role="doc-noteref">2</a>' in text
    assert "An inline note." in text


def test_a_table_caption_reaches_the_epub_and_the_pdf_with_curled_quotes_and_a_dash(small_book):
    root = small_book({"manuscript/chapters/one.md": '# One\n\nTable: "Hours" -- a table\n\n| a | b |\n|---|---|\n| 1 | 2 |\n'})
    assert build(root).exit_code == 0 and build(root, fmt="pdf").exit_code == 0
    with zipfile.ZipFile(root / "build/a-small-book.epub") as archive:
        caption = etree.fromstring(archive.read("EPUB/text/one.xhtml")).find(".//{*}caption")
    assert "".join(caption.itertext()) == "“Hours”\u00a0– a table"
    with pdfplumber.open(root / "build/a-small-book.pdf") as pdf:
        text = " ".join(" ".join(page.extract_text() or "" for page in pdf.pages).split())  # the caption wraps at the table's width
    assert "“Hours” – a table" in text and '"Hours"' not in text


def test_print_keeps_a_paragraphs_last_two_words_together_and_the_ebooks_do_not():
    """Only when a word comes before them: a span after a lone space loses the space in the PDF's text."""
    body, _ = split_notes(parse("An old printers' tradition.[^1]\n\n*Two* more words.\n\n[^1]: A note.\n", "en")[0])
    printed = XhtmlRenderer(LINKS, SCRIPTS, block_ids=True).chapter(body, "ch", "en")
    assert 'An old <span class="last-words">printers’\u00a0tradition.</span><sup class="noteref">' in printed
    assert "<em>Two</em> more words.</p>" in printed
    assert "last-words" not in XhtmlRenderer(LINKS, SCRIPTS).chapter(body, "ch", "en")
