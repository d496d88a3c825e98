"""The print layout stage: WeasyPrint lays the rendered book out in pieces, yielding every page
(the `Layout` the PDF backend writes) and the page map (where each printed page begins).

Each piece (the opening pages, the contents, each chapter or part) is laid out on its own with
its first folio known in advance, so pieces can later be laid out in parallel and cached; the
contents are laid out last, when every piece's first page is known.
"""

from __future__ import annotations

import gc
import mimetypes
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from PIL import Image
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..errors import Diagnostics, PressworkError
from ..files.folders import resolved
from ..files.output import build_time
from ..load.printopts import profile_space
from ..model import Book, PrintOptions
from ..progress import Progress, silent
from ..render import fonts
from ..render.back import index_html
from ..render.book import RenderedBook, TocEntry, render_book
from ..render.stylesheets import stylesheet
from ..render.xhtml import Links, XhtmlRenderer, escape
from ..text.labels import word
from ..text.typography import smarten_string
from .pagemap import PageMap
from .pieces import Layout, Piece, first_recto, label, last_folio

LINKS = Links(target=lambda ident: f"#{ident}", image=lambda path: quote(path.as_posix()))
# Where WeasyPrint sees the book's files and presswork's fonts (BookFetcher serves them): the same
# for every book folder and installation. `.invalid` names can never reach the network.
BOOK_URL = "https://book.invalid/"
FONTS_URL = "https://fonts.invalid/"


def lay_out(book: Book, diagnostics: Diagnostics, options: PrintOptions | None = None, margin_css: str = "",
            progress: Progress | None = None) -> Layout:  # fmt: skip
    """The print book laid out with `options` (the book's own by default), its page map included.
    `margin_css` styles the page margins only (a proof's mark), so it moves no page break."""
    return PrintLayout(book, diagnostics, options, margin_css, progress).run()


class PrintLayout:
    """One run of the layout stage; its WeasyPrint settings (fonts, colour profiles, page CSS)
    are shared by every piece."""

    def __init__(self, book: Book, diagnostics: Diagnostics, options: PrintOptions | None = None, margin_css: str = "",
                 progress: Progress | None = None):  # fmt: skip
        self.book = book
        self.diagnostics = diagnostics
        self.options = options or book.print
        self.margin_css = margin_css
        self.progress = progress or silent
        self.font_config = FontConfiguration()
        self.color_profiles: dict = {}  # filled by @color-profile rules as the page CSS is parsed
        self._fetch = BookFetcher(self.book.root)
        self.css: CSS | None = None
        self.page_css: dict[bool, CSS] = {}
        self._pieces_total = 0
        self._laid_out: set[str] = set()  # keys of the pieces laid out at least once, for progress lines

    def run(self) -> Layout:
        """Lay the whole book out (pieces, contents, index) and record where its pages begin."""
        self._check_variant()
        rendered = render_book(self.book, LINKS, notes=self.options.notes, block_ids=True)
        self.css = CSS(string=self._font_faces() + stylesheet(self.book.root, ("base", "print"), self.diagnostics),
                       font_config=self.font_config, url_fetcher=self._fetch, base_url=BOOK_URL)  # fmt: skip
        layout = self._pieces(rendered)
        self._pieces_total = len(layout.front) + len(layout.body)
        gutter = self.options.gutter(self._estimated_pages())
        for _ in range(3):  # the gutter depends on the page count, which depends on the gutter
            self._pass(layout, rendered, gutter)
            wanted = self.options.gutter(layout.page_count())
            if wanted <= gutter:
                break
            self.progress(f"Laying out again: {layout.page_count()} pages need a {wanted:g} in inside margin")
            gutter = wanted
        layout.pages = self._page_map(layout, rendered.blocks)
        layout.blank = HTML(string='<html><body><section class="part"></section></body></html>').render(
            stylesheets=[self.css, self.page_css[False]], font_config=self.font_config,
            color_profiles=self.color_profiles, pdf_variant=self.options.pdf_variant,
        ).pages[0]  # a page of the head- and folio-less "plain" kind
        gc.collect()  # discarded trial layouts (contents, gutter) hold cycles of boxes: free them before painting
        return layout

    def _estimated_pages(self) -> int:
        """A first guess at the page count, so that the gutter is right the first time: a 6 × 9 in
        page holds about 330 words of 10.5 pt text; notes, openers and blanks add a fifth."""
        words = sum(c.words for c in self.book.chapters())
        return int(words / (330 * self.options.width * self.options.height / 54) * 1.2)

    # -- pieces ------------------------------------------------------------------------
    def _pieces(self, rendered: RenderedBook) -> Layout:
        docs = {d.id: d for d in rendered.documents}
        opening = [docs["halftitle"], docs["titlepage"], docs["copyright"]]
        layout = Layout(self.options, front=[Piece("opening", "\n".join(d.body for d in opening), roman=True)])
        layout.front.append(Piece("contents", "", roman=True))
        for doc in rendered.documents[3:]:
            target = layout.front if doc.matter == "front" else layout.body
            target.append(Piece(doc.id, doc.body, roman=doc.matter == "front", level=doc.level))
        return layout

    def _pass(self, layout: Layout, rendered: RenderedBook, gutter: float) -> None:
        """Lay every piece out with this inside margin; pieces already laid out alike are kept."""
        self.page_css = {
            roman: CSS(string=self._page_css(gutter, roman), font_config=self.font_config,
                       color_profiles=self.color_profiles, url_fetcher=self._fetch)
            for roman in (True, False)
        }  # fmt: skip
        index = layout.body[-1] if layout.body and layout.body[-1].key == "index" else None
        text = layout.body[:-1] if index else layout.body
        self._run(text, start=1)
        if index is not None:  # its first page is known now; its page numbers once the front is laid out
            index.first = first_recto(last_folio(text) + 1)
        contents = layout.front[1]
        contents.html = self._contents(rendered, layout, placeholder=True)
        for _ in range(3):  # front folios depend on the contents' length, and the contents list them
            self._run(layout.front, start=1)
            html = self._contents(rendered, layout, placeholder=False)
            pages_before = contents.pages
            contents.html = html
            self._render(contents)
            if contents.pages == pages_before:
                break
        if index is not None:
            index.html = self._index(layout.front + text)
            self._render(index)

    def _index(self, pieces: list[Piece]) -> str:
        anchors = {anchor: label(number, piece.roman) for piece in pieces
                   for number, page in enumerate(piece.document.pages, piece.first) for anchor in page.anchors}  # fmt: skip
        renderer = XhtmlRenderer(LINKS, self.book.metadata.scripts)
        title = word(self.book.metadata.language, "index")
        return index_html(self.book, title, renderer, LINKS.target, anchors)

    def _page_map(self, layout: Layout, blocks: list[str]) -> PageMap:
        """For each body page, the block it begins in. WeasyPrint anchors an element on every page
        that holds a piece of it, so the page begins in the latest-opened block anchored at the
        top of its text area. Blank versos share the place of the page that follows them."""
        order = {block: number for number, block in enumerate(blocks)}
        located = {loc.anchor for entry in self.book.index.values() for e in [entry, *entry.subentries.values()] for loc in e.locators}
        pages = PageMap()
        waiting: list[str] = []
        top = (self.options.top + self.options.bleed) * 96 + 1  # CSS px from the page's top edge
        for roman, folio, page in layout.sequence():
            if page is not None:
                pages.labels.update({a: folio for a in page.anchors if a in located})
            if roman:
                continue
            pages.pages.append(folio)
            present = sorted((order[a], box[1], a) for a, box in (page.anchors.items() if page else ()) if a in order)
            if not present:
                waiting.append(folio)
                continue
            at_top = [a for _, y, a in present if y <= top]
            target = at_top[-1] if at_top else present[0][2]
            pages.breaks.setdefault(target, []).extend([*waiting, folio])
            waiting = []
        if waiting:
            pages.breaks.setdefault(blocks[-1], []).extend(waiting)
        return pages

    def _run(self, pieces: list[Piece], start: int) -> None:
        folio = start
        for piece in pieces:
            piece.first = first_recto(folio)
            self._render(piece)
            folio = piece.first + piece.pages

    def _render(self, piece: Piece) -> None:
        key = (piece.first, piece.html, id(self.page_css[piece.roman]))
        if piece.laid_out_as == key:
            return
        piece.laid_out_as = key
        if piece.key in self._laid_out:  # the count stays: it is of pieces laid out at least once
            self.progress(f"Laying out {piece.key} again", (len(self._laid_out), self._pieces_total))
        else:
            self._laid_out.add(piece.key)
            self.progress(f"Laying out {len(self._laid_out)}/{self._pieces_total}: {piece.key}",
                          (len(self._laid_out), self._pieces_total))  # fmt: skip
        first_page = CSS(string=f"@page :first {{ counter-reset: page {piece.first} }}", font_config=self.font_config)
        piece.document = HTML(string=self._html(piece), base_url=BOOK_URL, url_fetcher=self._fetch).render(
            stylesheets=[self.css, self.page_css[piece.roman], first_page], font_config=self.font_config,
            color_profiles=self.color_profiles, pdf_variant=self.options.pdf_variant,
        )

    def _html(self, piece: Piece) -> str:
        meta = self.book.metadata
        stamp = build_time(meta).strftime("%Y-%m-%dT%H:%M:%SZ")
        head = [f"<title>{escape(meta.title)}</title>", '<meta charset="utf-8">']
        head += [f'<meta name="author" content="{escape(a.name)}">' for a in meta.authors]
        if meta.description:
            head.append(f'<meta name="description" content="{escape(meta.description)}">')
        if meta.subjects:
            head.append(f'<meta name="keywords" content="{escape(", ".join(meta.subjects))}">')
        head += [f'<meta name="dcterms.created" content="{stamp}">', f'<meta name="dcterms.modified" content="{stamp}">',
                 '<meta name="generator" content="presswork">']  # fmt: skip
        return (
            f'<!DOCTYPE html>\n<html lang="{meta.language}">\n<head>\n' + "\n".join(head) + "\n</head>\n"
            f'<body class="level-{piece.level}">\n{piece.html}\n</body>\n</html>\n'
        )

    def _contents(self, rendered: RenderedBook, layout: Layout, placeholder: bool) -> str:
        first = {p.key: p for p in layout.front + layout.body}
        lang = self.book.metadata.language
        title = escape(word(lang, "contents"))

        def folio(entry: TocEntry) -> str:
            piece = first[entry.doc]
            return "xxx" if placeholder else label(piece.first, piece.roman)

        def items(entries: list[TocEntry]) -> str:
            out = []
            for e in entries:
                sub = f"\n<ol>\n{items(e.children)}\n</ol>" if e.children else ""
                cls = ' class="part"' if e.children else ""
                out.append(f'<li{cls}><a href="#{e.doc}">{escape(e.title)}</a> <span class="page">{folio(e)}</span>{sub}</li>')
            return "\n".join(out)

        return (
            f'<nav class="contents" id="contents" role="doc-toc" aria-labelledby="contents-title">\n'
            f'<section data-running-head="{title}"><h1 id="contents-title">{title}</h1>\n'
            f"<ol>\n{items(rendered.toc)}\n</ol>\n</section>\n</nav>"
        )

    # -- styles and checks ---------------------------------------------------------------
    def _page_css(self, gutter: float, roman: bool) -> str:
        o = self.options
        meta = self.book.metadata
        counter = "counter(page, lower-roman)" if roman else "counter(page)"
        verso = smarten_string(meta.title, meta.language) if o.running_head == "title" else ", ".join(a.name for a in meta.authors)
        marks = "marks: crop;" if o.marks else ""
        bleed = f"bleed: {o.bleed}in;" if o.bleed else ""
        cmyk = "html { color: device-cmyk(0 0 0 1); }" if o.pdf_variant == "pdf/x-1a" else ""
        if o.output_profile:
            components = "cyan, magenta, yellow, black" if profile_space(self.book.root / o.output_profile) == "CMYK" else "gray"
            cmyk += f'@color-profile device-cmyk {{ src: url("{BOOK_URL}{quote(o.output_profile.as_posix())}"); components: {components}; }}'
        return f"""
@page {{ size: {o.width:.4f}in {o.height:.4f}in; {bleed} {marks}
        margin: {o.top}in {o.outside}in {o.bottom}in {gutter}in; }}
@page :left {{ margin-left: {o.outside}in; margin-right: {gutter}in;
  @top-left {{ content: {counter}; }} @top-center {{ content: "{_css_string(verso)}"; }} }}
@page :right {{ margin-left: {gutter}in; margin-right: {o.outside}in;
  @top-right {{ content: {counter}; }} @top-center {{ content: string(chapter); }} }}
@page :first {{ @top-left {{ content: none; }} @top-center {{ content: none; }} @top-right {{ content: none; }}
  @bottom-center {{ content: {counter}; }} }}
@page :blank {{ @top-left {{ content: none; }} @top-center {{ content: none; }} @top-right {{ content: none; }}
  @bottom-center {{ content: none; }} }}
@page plain {{ @top-left {{ content: none; }} @top-center {{ content: none; }} @top-right {{ content: none; }}
  @bottom-center {{ content: none; }} }}
{cmyk}
{self.margin_css}
"""

    def _font_faces(self) -> str:
        return "\n".join(
            f'@font-face {{ font-family: "{fonts.FAMILY}"; font-weight: {f.weight}; font-style: {f.style}; '
            f'src: url("{FONTS_URL}{quote(f.file)}"); }}'
            for f in fonts.FACES
        ) + "\n"

    def _check_variant(self) -> None:
        """Images a PDF/X or PDF/A variant forbids stop the build with the reason and the fix."""
        variant = self.options.pdf_variant
        if not variant:
            return
        for figure in self.book.figures():
            with Image.open(self.book.root / figure.src) as image:
                alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
                if variant == "pdf/x-1a" and image.mode not in ("CMYK", "L", "1"):
                    raise PressworkError(
                        f"image {figure.src} is {image.mode}; PDF/X-1a allows only CMYK or greyscale images",
                        figure.where, "convert the image to CMYK or greyscale, or choose pdf/x-3 or pdf/x-4",
                    )  # fmt: skip
                if alpha and variant in ("pdf/x-1a", "pdf/x-3", "pdf/a-1b"):
                    raise PressworkError(
                        f"image {figure.src} has transparency, which {variant.upper()} forbids",
                        figure.where, "flatten the image onto white, or choose pdf/x-4",
                    )  # fmt: skip


class BookFetcher(URLFetcher):
    """Serves the book's files and presswork's fonts at fixed made-up addresses, and nothing else: no
    absolute path (nor its hash, by which WeasyPrint names images) gets into the PDF, so the bytes do
    not depend on where the book lives, and a manuscript reaches no other file and no network."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols={"https"})
        self.folders = {urlsplit(BOOK_URL).netloc: resolved(root), urlsplit(FONTS_URL).netloc: fonts.FONT_DIR.resolve()}

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        folder = self.folders.get(parts.netloc) if parts.scheme == "https" else None
        path = resolved(folder / unquote(parts.path).lstrip("/")) if folder else None  # a link loop: not a file
        if path is None or not path.is_relative_to(folder) or not path.is_file():
            raise ValueError(f"{url} is not a file of the book")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
