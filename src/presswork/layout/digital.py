"""The digital (screen) edition's layout: the whole book as ONE WeasyPrint document, written as a
tagged PDF/UA-1. A structure tree cannot be merged from pieces the way the print edition's pages
are (each piece's tree would stand alone, and their links and marked content would not join), so
this layout gives up the print layout's workers and cache for one document in this process.

It shares the print layout's HTML head, fonts, stylesheet family (print.css, with digital.css on
top) and its notes correction, and differs where a screen differs from paper: pages follow one
another with no blank versos and symmetric margins, no bleed or marks, images in sRGB, footnote
calls and notes linked both ways, and the contents' and the index's page numbers are the pages'
own numbers, which are the viewer's too (the first page is 1). Those numbers come from a laid-out
document, so the book is laid out again with them until they stand still (twice, nearly always).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from weasyprint.urls import URLFetcherResponse

from ..errors import Diagnostics
from ..files.output import pdf_bytes
from ..model import Book
from ..pagemap import CONTENTS
from ..progress import Progress, silent
from ..render.back import index_html
from ..render.book import RenderedBook, TocEntry, render_book
from ..render.images import screen_image
from ..render.stylesheets import stylesheet
from ..render.xhtml import Links, XhtmlRenderer, escape
from ..text.labels import counted, word
from ..weasy import layout as weasy
from ..weasy import tagging
from .fetcher import BOOK_URL, BookFetcher, font_faces
from .footnotes import render_keeping_notes, warn_strays
from .printbook import LINKS
from .tagging import ScreenTagger
from .typeset import document_html

if TYPE_CHECKING:
    from weasyprint.document import Document

VARIANT = "pdf/ua-1"  # tagged, with a title shown, a language, and XMP saying so
SCREEN_LINKS = Links(target=lambda ident: f"#{ident}", image=LINKS.image)  # links within the one document
PASSES = 4  # at most this many layouts of the book; the page numbers settle after the second
PLACEHOLDER = "000"  # a contents page number before the first layout: three figures' room


def digital_pdf(book: Book, diagnostics: Diagnostics, progress: Progress = silent) -> bytes:
    """The digital edition of `book`: a tagged PDF/UA-1, the same bytes for the same book."""
    return ScreenLayout(book, diagnostics, progress=progress).pdf()


class ScreenLayout:
    """One layout of the screen edition: the book as one document (`pdf`), never in pieces."""

    def __init__(self, book: Book, diagnostics: Diagnostics, progress: Progress = silent):
        self.book = book
        self.diagnostics = diagnostics
        self.options = book.print  # its notes setting; the page is the screen's (`_screen_page_css`)
        self.progress = progress

    def pdf(self) -> bytes:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        weasy.keep_notes_with_their_calls()
        rendered = render_book(self.book, SCREEN_LINKS, notes=self.options.notes, note_links=True)
        fetch = ScreenFetcher(self.book.root)
        font_config = FontConfiguration()
        css = font_faces() + stylesheet(self.book.styles, ("base", "print", "digital"))
        sheets = [CSS(string=css + self._screen_page_css(), font_config=font_config, url_fetcher=fetch, base_url=BOOK_URL)]
        pages: dict[str, int] = {}  # anchor -> the number of the first page holding it, as last laid out
        numbered = self.book.index_anchors() | {e.doc for e in rendered.toc_entries()}  # the pages the contents and index print
        images: dict = {}  # WeasyPrint's images, fetched and decoded once for every pass
        for number in range(1, PASSES + 1):
            self.progress("Laying out the screen edition" + (" again, with its page numbers …" if number > 1 else " …"))
            html = HTML(string=document_html(self.book.metadata, self._body(rendered, pages), 1), base_url=BOOK_URL, url_fetcher=fetch)
            document = render_keeping_notes(html, sheets, font_config=font_config, pdf_variant=VARIANT, cache=images)
            printed, pages = pages, first_pages(document)
            if all(pages.get(anchor) == printed.get(anchor) for anchor in numbered):
                break  # every page number printed is the page's own
        warn_strays(self.book, self.options.notes, {a: str(n) for a, n in pages.items()}, self.diagnostics)
        self.progress(f"Writing the tagged PDF ({counted(len(document.pages), 'page')}) …")
        tagger = ScreenTagger(self.book, rendered, pages)
        with tagging.tagged([weasy.page_box(page) for page in document.pages], tagger):
            return pdf_bytes(document, str(self.book.metadata), self.book.metadata.date, VARIANT)

    def _body(self, rendered: RenderedBook, pages: dict[str, int]) -> str:
        """The book from the title page on (a screen edition needs no half title), the contents after
        the copyright page, each chapter of a part marked as such for its bookmark's level."""
        out = []
        for doc in rendered.documents:
            if doc.id == "halftitle":
                continue
            body = self._index(pages) if doc.id == "index" else doc.body
            out.append(f'<div class="level-2">\n{body}\n</div>' if doc.level == 2 else body)
            if doc.id == "copyright":
                out.append(self._contents_nav(rendered.toc, pages))
        return "\n".join(out)

    def _contents_nav(self, toc: list[TocEntry], pages: dict[str, int]) -> str:
        """The contents, marked up as the print edition's (print.css sets its leaders and figures)."""
        title = escape(word(self.book.metadata.language, "contents"))

        def items(entries: list[TocEntry]) -> str:
            out = []
            for e in entries:
                sub = f"\n<ol>\n{items(e.children)}\n</ol>" if e.children else ""
                cls = ' class="part"' if e.children else ""
                page = pages.get(e.doc, PLACEHOLDER)
                out.append(f'<li{cls}><a href="#{e.doc}">{e.markup()}</a> <span class="page">{page}</span>{sub}</li>')
            return "\n".join(out)

        return (
            f'<nav class="contents" id="{CONTENTS}" role="doc-toc" aria-labelledby="contents-title">\n'
            f'<section><h1 id="contents-title">{title}</h1>\n<ol>\n{items(toc)}\n</ol>\n</section>\n</nav>'
        )

    def _index(self, pages: dict[str, int]) -> str:
        """The index with the pages' numbers (chapter numbers before the first layout: any text will do)."""
        renderer = XhtmlRenderer(SCREEN_LINKS, self.book.metadata.scripts)
        labels = {anchor: str(number) for anchor, number in pages.items()}
        return index_html(self.book, word(self.book.metadata.language, "index"), renderer, SCREEN_LINKS.target, labels)

    def _screen_page_css(self) -> str:
        """The page: the print edition's trim and top and bottom margins, and its outside margin on
        both sides (the same measure as in print, where the inside margin is at its minimum)."""
        o = self.options
        return f"@page {{ size: {o.width:.4f}in {o.height:.4f}in; margin: {o.top}in {o.outside}in {o.bottom}in; }}\n"


def first_pages(document: Document) -> dict[str, int]:
    """Each anchor of a laid-out WeasyPrint document with the number of the first page holding it."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


class ScreenFetcher(BookFetcher):
    """The book's files and fonts as the print layout reads them, but its CMYK images in sRGB, as
    the e-books carry them: a screen edition is RGB only."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        response = super().fetch(url, headers)
        if response.headers.get_content_maintype() != "image":
            return response
        data = response.read()
        rgb = screen_image(data)
        kind = response.headers.get_content_type() if rgb is data else "image/jpeg"
        return URLFetcherResponse(url, rgb, {"Content-Type": kind})
