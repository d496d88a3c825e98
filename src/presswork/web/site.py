"""The web edition: the rendered book as a static site, one page a chapter.

Every page is the shared rendered XHTML turned into HTML5: EPUB's vocabulary (`epub:type`,
`xml:lang`) dropped, since the roles and `lang` carry the same meaning on the web; an id on every
top-level block, for search results to land on; wide tables in a scrolling region. Notes stay at
their chapter's end, linked both ways (readable without JavaScript); js/notes.js shows them as
pop-overs where the browser has the Popover API. The site needs no server code and no fetch(), so
it works from any static server and from file:// alike.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from fontTools.ttLib import TTFont
from lxml import etree

from ..errors import Diagnostics
from ..model import Book
from ..render import fonts
from ..render.book import Document, RenderedBook, TocEntry, render_book
from ..render.images import ebook_image, image_name
from ..render.stylesheets import stylesheet
from ..render.xhtml import Links, XhtmlRenderer, escape
from ..text.labels import word
from ..text.typography import smarten_string
from .search import SCRIPT_NAME, Passage, search_script

ASSETS = Path(__file__).parent / "assets"
HOME, SEARCH = "index.html", "search.html"
_HOME_KINDS = {"halftitle", "titlepage", "copyright"}  # the rendered documents index.html shows (no half title)
_PREFERRED = {"index": "book-index"}  # the book's index may not take index.html, the home page
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_PASSAGE_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "tr", "figcaption", "caption"}


@dataclass
class Page:
    name: str  # its file name
    title: str  # plain text, for <title>
    title_html: str  # with language spans, for links to it
    main: str  # the XHTML inside <main>
    notes: bool = False  # holds note calls: gets the pop-over script


@dataclass
class Site:
    """One web edition: `build` returns its files by path inside the site folder."""

    book: Book
    diagnostics: Diagnostics
    names: dict[str, str] = field(default_factory=dict)  # rendered document id -> page file
    images: dict[Path, str] = field(default_factory=dict)  # image in the book -> its path in the site

    def build(self) -> dict[str, bytes]:
        meta = self.book.metadata
        links = Links(target=self._href, image=self._image_href)
        rendered = render_book(self.book, links)
        self.renderer = XhtmlRenderer(links, meta.scripts)
        self.renderer.lang = meta.language
        pages = self._pages(rendered)
        files: dict[str, bytes] = {}
        passages: list[Passage] = []
        for number, page in enumerate(pages):
            before, after = pages[number - 1] if number else None, pages[number + 1] if number + 1 < len(pages) else None
            files[page.name], found = self._html(page, before, after)
            passages += [Passage(page.name, anchor, text) for anchor, text in found]
        search = self._search_page()
        files[search.name], _ = self._html(search, None, None)
        files[SCRIPT_NAME] = search_script({p.name: p.title for p in pages}, passages)
        files |= self._fonts_and_css(files)
        for name in ("notes.js", "search.js"):
            files[f"js/{name}"] = (ASSETS / name).read_bytes()
        for src, name in self.images.items():
            files[name] = ebook_image(self.book.root / src)
        return files

    # -- addressing ---------------------------------------------------------------------
    def _page(self, doc: str) -> str:
        """The file of a rendered document's page, named after its id (taken names, in any case, get
        a number: Book-Index.html and book-index.html are one file on macOS and Windows disks)."""
        if doc not in self.names:
            if doc in _HOME_KINDS:
                self.names[doc] = HOME
            else:
                taken = {name.casefold() for name in (HOME, SEARCH, *self.names.values())}
                stem = _PREFERRED.get(doc, doc)
                name, n = f"{stem}.html", 1
                while name.casefold() in taken:
                    n += 1
                    name = f"{stem}-{n}.html"
                self.names[doc] = name
        return self.names[doc]

    def _href(self, ident: str) -> str:
        doc = self.book.targets[ident]
        return self._page(doc) if doc == ident else f"{self._page(doc)}#{ident}"

    def _image_href(self, src: Path) -> str:
        if src not in self.images:
            self.images[src] = image_name(src, set(self.images.values()))
        return quote(self.images[src])

    # -- pages --------------------------------------------------------------------------
    def _pages(self, rendered: RenderedBook) -> list[Page]:
        """The home page (title page, contents, copyright), then a page for every other document."""
        meta = self.book.metadata
        titles = {entry.doc: entry.title for entry in rendered.toc_entries()}
        home = [d for d in rendered.documents if d.kind in _HOME_KINDS and d.kind != "halftitle"]
        title = smarten_string(meta.title, meta.language)
        pages = [Page(HOME, title, self.renderer.text_html(title), self._home(home, rendered.toc))]
        for doc in rendered.documents:
            if doc.kind in _HOME_KINDS:
                continue
            title = titles.get(doc.id) or smarten_string(doc.title, meta.language)
            pages.append(Page(self._page(doc.id), title, self.renderer.text_html(title), doc.body, 'role="doc-noteref"' in doc.body))
        return pages

    def _home(self, docs: list[Document], toc: list[TocEntry]) -> str:
        lang = self.book.metadata.language
        cover = ""
        if self.book.metadata.cover:
            meta = self.book.metadata
            alt = escape(f"{smarten_string(meta.title, lang)}, by {', '.join(a.name for a in meta.authors)}")
            cover = f'<p class="home-cover"><img src="{self._image_href(meta.cover)}" alt="{alt}" /></p>\n'
        contents = (
            f'<nav id="contents" class="contents" aria-labelledby="contents-title">\n'
            f'<h2 id="contents-title">{escape(word(lang, "contents"))}</h2>\n{self._toc(toc)}\n</nav>'
        )
        return cover + docs[0].body + "\n" + contents + "\n" + "\n".join(d.body for d in docs[1:])

    def _toc(self, entries: list[TocEntry]) -> str:
        items = []
        for entry in entries:
            children = f"\n{self._toc(entry.children)}" if entry.children else ""
            items.append(f'<li><a href="{self._page(entry.doc)}">{self.renderer.text_html(entry.title)}</a>{children}</li>')
        return "<ol>\n" + "\n".join(items) + "\n</ol>"

    def _search_page(self) -> Page:
        lang = self.book.metadata.language
        main = (
            f'<h1 id="search-title">{escape(word(lang, "search"))}</h1>\n'
            + _search_form("search", word(lang, "search-book"), word(lang, "search"))
            + f'\n<p id="search-status" class="search-status" role="status" data-ready="{escape(word(lang, "search-ready"))}" '
            f'data-found="{escape(word(lang, "search-found"))}" data-none="{escape(word(lang, "search-none"))}">'
            f'{escape(word(lang, "search-off"))}</p>\n<ol id="search-results" class="search-results"></ol>'
        )
        return Page(SEARCH, word(lang, "search"), escape(word(lang, "search")), main)

    # -- HTML ---------------------------------------------------------------------------
    def _html(self, page: Page, before: Page | None, after: Page | None) -> tuple[bytes, list[tuple[str, str]]]:
        """The page as an HTML5 document, and its passages for the search index (none from the
        search page and the book's index, whose words would only repeat the text's)."""
        meta = self.book.metadata
        lang = meta.language
        book_title = smarten_string(meta.title, lang)
        header = (
            f'<a class="skip-link" href="#main">{escape(word(lang, "skip"))}</a>\n<header class="site-header">\n'
            f'<p class="site-title"><a href="{HOME}">{self.renderer.text_html(book_title)}</a></p>\n'
            f'<nav class="site-nav" aria-label="{escape(book_title)}">'
            f'<a href="{HOME}#contents">{escape(word(lang, "contents"))}</a>'
            + (f' <a href="{self.names["index"]}">{escape(word(lang, "index"))}</a>' if "index" in self.names else "")
            + "</nav>\n"
            + ("" if page.name == SEARCH else _search_form("site-search", word(lang, "search-book"), word(lang, "search")))
            + "\n</header>\n"
        )
        pager = ""
        if before or after:
            links = []
            for other, rel in ((before, "prev"), (after, "next")):
                if other:
                    label = word(lang, "previous" if rel == "prev" else "next")
                    links.append(f'<a class="{rel}" rel="{rel}" href="{other.name}"><span class="pager-label">{escape(label)}</span> '
                                 f'<span class="pager-title">{other.title_html}</span></a>')  # fmt: skip
            pager = f'\n<nav class="pager" aria-label="{escape(word(lang, "pager"))}">\n' + "\n".join(links) + "\n</nav>"
        body = _parse(f'{header}<main id="main">\n{page.main}\n</main>{pager}')
        main = body.find("main")
        _finish(main, page.name)
        passages = [] if page.name == SEARCH or page.name == self.names.get("index") else _passages(main)
        head = [
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="color-scheme" content="light dark">',
            f"<title>{escape(page.title if page.name == HOME else f'{page.title} — {book_title}')}</title>",
        ]
        if page.name == HOME and meta.description:
            head.append(f'<meta name="description" content="{escape(" ".join(meta.description.split()))}">')
        head.append('<link rel="stylesheet" href="css/book.css">')
        head += [f'<link rel="{rel}" href="{other.name}">' for other, rel in ((before, "prev"), (after, "next")) if other]
        if page.notes:
            head.append(f'<script src="js/notes.js" defer data-note="{escape(word(lang, "note"))}" '
                        f'data-close="{escape(word(lang, "close"))}"></script>')  # fmt: skip
        if page.name == SEARCH:
            head += [f'<script src="{SCRIPT_NAME}" defer></script>', '<script src="js/search.js" defer></script>']
        html = (
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n' + "\n".join(head) + "\n</head>\n"
            + etree.tostring(body, method="html", encoding="unicode") + "\n</html>\n"
        )
        return html.encode(), passages

    def _fonts_and_css(self, files: dict[str, bytes]) -> dict[str, bytes]:
        """The book face cut down to the characters of the site's pages, as WOFF, with its licence,
        and the stylesheet: the base layer and the web one, with the book's own on top."""
        used = set().union(*(set(data.decode()) for name, data in files.items() if name.endswith(".html")))
        out: dict[str, bytes] = {"fonts/OFL.txt": (fonts.FONT_DIR / "OFL.txt").read_bytes()}
        faces = []
        for face in fonts.FACES:
            href = f"fonts/{Path(face.file).stem}.woff"
            out[href] = _woff(fonts.subset_face(face, used))
            faces.append(f'@font-face {{ font-family: "{fonts.FAMILY}"; font-weight: {face.weight}; font-style: {face.style}; '
                         f'font-display: swap; src: url("../{href}") format("woff"); }}')  # fmt: skip
        css = "\n".join(faces) + "\n\n" + stylesheet(self.book.styles, ("base", "web"))
        out["css/book.css"] = css.encode()
        return out


def _search_form(ident: str, label: str, button: str) -> str:
    return (
        f'<form id="{ident}" class="search-form" role="search" action="{SEARCH}" method="get">'
        f'<label for="{ident}-q">{escape(label)}</label> <input type="search" id="{ident}-q" name="q" /> '
        f'<button type="submit">{escape(button)}</button></form>'
    )


def _parse(xhtml: str) -> etree._Element:
    return etree.fromstring(f'<body xmlns:epub="http://www.idpf.org/2007/ops">{xhtml}</body>')


def _finish(main: etree._Element, page: str) -> None:
    """Turn EPUB's XHTML into the web's HTML: EPUB's attributes dropped, every top-level block of a
    document given an id (search results land on it), wide tables scrolled in a region of their own."""
    for element in main.iter():
        for name in (_EPUB_TYPE, _XML_LANG, "data-running-head"):
            element.attrib.pop(name, None)
    etree.cleanup_namespaces(main.getroottree())
    stem = page.removesuffix(".html")
    for section in main.iterfind("section"):
        for number, block in enumerate(section, 1):
            if block.get("id") is None and block.tag != "span":
                block.set("id", f"{section.get('id') or stem}-b{number}")
    for table in list(main.iter("table")):  # focusable, so a keyboard can scroll it; a region when it has a name
        caption = table.find("caption")
        region = etree.Element("div", {"class": "table-scroll", "tabindex": "0"})
        if caption is not None:
            region.attrib.update({"role": "region", "aria-label": " ".join("".join(caption.itertext()).split())})
        table.addprevious(region)
        region.append(table)  # moves it, with its tail


def _passages(main: etree._Element) -> list[tuple[str, str]]:
    """(id to land on, text) for every passage of a page: each paragraph, heading, list item,
    glossary or biography entry and table row that holds no other, in reading order, without its
    note numbers; the contents list left out."""
    found: list[tuple[str, str]] = []

    def walk(element: etree._Element, anchor: str) -> None:
        anchor = element.get("id") or anchor
        if element.tag in _PASSAGE_TAGS:
            text = " ".join(_text(element).split())
            if text:
                found.append((anchor, text))
            return
        for child in element:
            if child.tag != "nav":
                walk(child, anchor)

    walk(main, "main")
    return found


def _text(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if not (child.tag == "sup" and child.get("class") == "noteref"):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _woff(otf: bytes) -> bytes:
    """A face in WOFF, which every browser reads: zlib, so as fast to make as to copy, and the
    same bytes every build (WOFF 2's Brotli would save a tenth of the size at a hundred times the time)."""
    font = TTFont(io.BytesIO(otf), recalcTimestamp=False)  # keeps the face's own date, not the clock
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
