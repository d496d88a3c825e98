"""The print layout stage: WeasyPrint lays the rendered book out in pieces, yielding every page
(the `Layout` the PDF backend assembles) and the page map (where each printed page begins).

Each piece (the opening pages, the contents, each chapter or part) is laid out on its own, in
worker processes (`typeset.py`), and kept in the build cache. A piece is laid out without its
folios (their boxes keep their room), which the PDF backend prints at assembly after two laid-out
folio samples: a chapter that grows by a page moves later chapters' folios, not their layout, so
only the changed piece, the contents and the index are laid out again. Links point at
`PIECES_URL#id`, which the PDF backend turns into links to named destinations, so they cross pieces.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from PIL import Image

from ..collector import collected_after
from ..errors import Diagnostics, PressworkError
from ..files.cache import Cache, book_key, code_key, content_digest
from ..files.output import build_time
from ..lifeline import jobs_default
from ..load.printopts import profile_space
from ..model import Book, PrintOptions
from ..pagemap import CONTENTS, PageMap
from ..progress import Progress, silent
from ..render.back import index_html
from ..render.book import RenderedBook, TocEntry, render_book
from ..render.stylesheets import stylesheet
from ..render.xhtml import Links, XhtmlRenderer, escape
from ..sourcemap import text_digest
from ..text.labels import word
from ..text.markers import is_placeholder
from ..text.typography import smarten_string
from .fetcher import BOOK_URL, font_faces
from .footnotes import warn_strays
from .heads import fit_heads
from .pieces import (
    FOLIO_CHARACTERS,
    PIECES_URL,
    Folios,
    Layout,
    Piece,
    first_recto,
    label,
    last_folio,
)
from .totalfit import HouseStyle, TextBlock
from .typeset import Job, KeptTypesetters, LaidOut, Typeset, typesetters

LINKS = Links(target=lambda ident: f"{PIECES_URL}#{ident}", image=lambda path: quote(path.as_posix()))
# A piece's folio boxes keep the room of its widest folio (hidden: the PDF backend prints the folio),
# so that a long running head beside them makes room for any folio
HIDDEN_FOLIO = {False: '"0000"; visibility: hidden', True: '"xxxviii"; visibility: hidden'}


def lay_out(book: Book, diagnostics: Diagnostics, options: PrintOptions | None = None, margin_css: str = "",
            progress: Progress | None = None, jobs: int | None = None, cache: Cache | None = None,
            kept: KeptTypesetters | None = None) -> Layout:  # fmt: skip
    """The print book laid out with `options` (the book's own by default), its page map included.
    `margin_css` styles the page margins only (a proof's mark), so it moves no page break. `jobs`
    worker processes lay pieces out (the number of cores by default); `cache` keeps laid-out pieces;
    `kept` keeps the typesetters and pieces for the next build in this process."""
    return PrintLayout(book, diagnostics, options, margin_css, progress, jobs, cache, kept).run()


class PrintLayout:
    """One run of the layout stage: the book's HTML and CSS for each piece, laid out by a pool of
    typesetters, taken from the build cache when a piece was laid out alike before."""

    def __init__(self, book: Book, diagnostics: Diagnostics, options: PrintOptions | None = None, margin_css: str = "",
                 progress: Progress | None = None, jobs: int | None = None, cache: Cache | None = None,
                 kept: KeptTypesetters | None = None):  # fmt: skip
        self.book = book
        self.diagnostics = diagnostics
        self.options = options or book.print
        self.margin_css = margin_css
        self.progress = progress or silent
        self.jobs = jobs or jobs_default()
        self.cache = cache
        self.kept = kept
        self.css = ""
        self._typeset: Typeset | None = None
        self._inputs = ""  # a digest of what every piece depends on besides its HTML and page CSS
        self._pieces_total = 0
        self._laid_out: set[str] = set()  # keys of the pieces laid out at least once, for progress lines
        # layouts by cache key: this run's, for the jobs laid out early, and the last build's when kept
        self._made: dict[str, LaidOut] = dict(kept.pieces) if kept else {}
        self._used: set[str] = set()  # the keys of this run's pieces
        self.house = HouseStyle.read(list(book.styles.values()))  # what the book's stylesheets leave to total fit

    def run(self) -> Layout:
        """Lay the whole book out (pieces, contents, index, folio samples) and record where its pages begin."""
        self._check_variant()
        with collected_after():
            rendered = render_book(self.book, LINKS, notes=self.options.notes, block_ids=True)
        self.css = font_faces() + stylesheet(self.book.styles, ("base", "print"))
        placeholders = frozenset(LINKS.image(f.src) for f in self.book.figures() if is_placeholder(f.alt))
        profile = self.options.output_profile
        self._inputs = book_key(self.book.root, self.css, self.options.pdf_variant, repr(self.book.metadata), sorted(placeholders),
                                build_time(self.book.metadata.date).isoformat(),
                                content_digest(self.book.root / profile) if profile else None, folders=("images",))  # fmt: skip
        layout = self._pieces(rendered)
        layout.sources = rendered.sources
        named = {path for path, *_ in rendered.sources.values() if path in self.book.texts}
        layout.digests = {path: text_digest(self.book.texts[path]) for path in sorted(named)}
        self._pieces_total = len(layout.front) + len(layout.body)
        gutter = self.options.gutter(self._estimated_pages())
        settings = (self.jobs, self.book.root, self.css, self.options.pdf_variant, self.book.metadata, placeholders)
        with self.kept.typesetters(*settings) if self.kept else typesetters(*settings) as typeset:
            self._typeset = typeset
            for _ in range(3):  # the gutter depends on the page count, which depends on the gutter
                self._pass(layout, rendered, gutter)
                wanted = self.options.gutter(layout.page_count())
                if wanted <= gutter:
                    break
                self.progress(f"Laying out again: {layout.page_count()} pages need a {wanted:g} in inside margin")
                gutter = wanted
            *samples, layout.blank = self._run(self._folio_jobs(gutter), said=0)
            layout.folios = Folios((FOLIO_CHARACTERS, "1"), (samples[0], samples[1]))
        layout.pages = self._page_map(layout, rendered.blocks)
        if self.kept:
            self.kept.pieces = {key: self._made[key] for key in self._used}
        warn_strays(self.book, self.options.notes, layout.anchor_folios(), self.diagnostics)
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
            target.append(Piece(doc.id, fit_heads(doc.body, self.options), roman=doc.matter == "front", level=doc.level))
        return layout

    def _pass(self, layout: Layout, rendered: RenderedBook, gutter: float) -> None:
        """Lay every piece out with this inside margin: all but the contents and the index at once
        (their layout needs no folio), with the folio samples; then the contents and the index
        together; then the contents again until the front matter's folios settle, and the index
        again if they moved."""
        index = layout.body[-1] if layout.body and layout.body[-1].key == "index" else None
        text = layout.body[:-1] if index else layout.body
        contents = layout.front[1]
        contents.html = self._contents(rendered, layout, placeholder=True)
        self._lay_out([*text, *layout.front], gutter, self._folio_jobs(gutter))
        self._number(text, layout.front)
        last = [contents]
        if index is not None:  # its first page is known now; its page numbers once the front is numbered
            index.first = first_recto(last_folio(text) + 1)
            index.html = self._index(layout.front + text)
            last.append(index)
        for _ in range(3):  # front folios depend on the contents' length, and the contents list them
            pages_before = contents.pages
            contents.html = self._contents(rendered, layout, placeholder=False)
            self._lay_out(last, gutter)
            self._number(layout.front)
            if contents.pages == pages_before:
                break
            last = [contents]
        if index is not None and (html := self._index(layout.front + text)) != index.html:
            index.html = html  # the front's folios moved under index entries pointing there
            self._lay_out([index], gutter)

    @staticmethod
    def _number(*runs: list[Piece]) -> None:
        """Give each piece of each run its first folio: the first recto after the piece before it."""
        for pieces in runs:
            folio = 1
            for piece in pieces:
                piece.first = first_recto(folio)
                folio = piece.first + piece.pages

    def _folio_jobs(self, gutter: float) -> list[Job]:
        """The two folio samples the PDF backend prints every folio after (`Folios`), and a blank
        page (head- and folio-less) for the versos it puts before rectos. Each sample is a first
        page, a verso and a recto with the folio set to one text; the first also a verso and a
        recto without folio (a part title's, a blank's: only a proof's mark)."""
        css = "div.folio + div.folio { break-before: page; } div.plain { page: plain; }\n"
        pages = '<div class="folio"></div>' * 3
        return [
            Job("folio sample", pages + '<div class="folio plain"></div>' * 2, self._page_css(gutter, folio=FOLIO_CHARACTERS) + css),
            Job("second folio sample", pages, self._page_css(gutter, folio="1") + css),
            Job("blank", '<section class="part"></section>', self._page_css(gutter)),
        ]  # fmt: skip

    def _lay_out(self, pieces: list[Piece], gutter: float, beside: Sequence[Job] = ()) -> None:
        """Lay `pieces` out, and the jobs `beside` them (kept for later in the run)."""
        text = self._text_block(gutter)
        jobs = [Job(p.key, p.html, self._page_css(gutter, roman=p.roman), p.level, text) for p in pieces]
        for piece, laid in zip(pieces, self._run([*jobs, *beside], said=len(jobs))):
            piece.laid = laid

    def _text_block(self, gutter: float) -> TextBlock:
        """Where the typesetter breaks a piece's justified paragraphs total-fit (totalfit.py), but
        those the book's own stylesheets restyle: the text block this gutter leaves."""
        width = (self.options.width - self.options.outside - gutter) * 72
        return TextBlock(width, self.book.metadata.language, self.house)

    def _run(self, jobs: list[Job], said: int) -> list[LaidOut]:
        """Each job laid out: from this run's earlier batches or the build cache when they hold it;
        the rest by the typesetters at once, the biggest first so that no worker is left with a
        long piece at the end. The first `said` jobs are pieces, named in progress lines; the
        rest (folio samples, the blank) go unsaid."""
        keys = [code_key("piece", self._inputs, job.body, job.level, job.page_css, job.text) for job in jobs]
        self._used.update(keys)
        found: dict[int, LaidOut] = {}
        for number, key in enumerate(keys):
            data = self.cache.load("piece", key) if self.cache is not None and key not in self._made else None
            laid = self._made.get(key) or (LaidOut.from_bytes(data) if data is not None else None)
            if laid is not None:
                found[number] = self._made[key] = laid
        missing = sorted((n for n in range(len(jobs)) if n not in found), key=lambda n: (-len(jobs[n].body), n))
        if cached := sum(1 for n in found if n < said):
            self.progress(f"{cached} of {said} pieces taken from the build cache")
        for number in sorted(n for n in missing if n < said):
            self._say(jobs[number].key)
        assert self._typeset is not None, "run() opens the typesetters"
        for number, laid in zip(missing, self._typeset([jobs[n] for n in missing])):
            found[number] = self._made[keys[number]] = laid
            if self.cache is not None:
                self.cache.store("piece", keys[number], laid.to_bytes())
        return [found[number] for number in range(len(jobs))]

    def _say(self, key: str) -> None:
        if key in self._laid_out:  # the count stays: it is of pieces laid out at least once
            self.progress(f"Laying out {key} again", (len(self._laid_out), self._pieces_total))
        else:
            self._laid_out.add(key)
            self.progress(f"Laying out {len(self._laid_out)}/{self._pieces_total}: {key}",
                          (len(self._laid_out), self._pieces_total))  # fmt: skip

    def _index(self, pieces: list[Piece]) -> str:
        anchors = {anchor: label(number, piece.roman) for piece in pieces
                   for number, page in enumerate(piece.laid.pages, piece.first) for anchor in page.anchors}  # fmt: skip
        renderer = XhtmlRenderer(LINKS, self.book.metadata.scripts)
        title = word(self.book.metadata.language, "index")
        return index_html(self.book, title, renderer, LINKS.target, anchors, plain_locators=True)

    def _page_map(self, layout: Layout, blocks: list[str]) -> PageMap:
        """For each page, roman ones included, the block it begins in, and how far into the
        block's text when it begins inside one (`PageStarts`). WeasyPrint anchors an element on
        every page that holds a piece of it, so the page begins in the latest-opened block
        anchored at the top of its text area, or the block its first text opens when that comes
        later (a table whose caption stands above its anchor). A page with no block (a blank
        verso, the half title, which an EPUB lacks) shares the place of the page that follows it."""
        at = blocks.index("copyright") + 1 if "copyright" in blocks else 0
        order = {block: number for number, block in enumerate([*blocks[:at], CONTENTS, *blocks[at:]])}
        located = self.book.index_anchors()
        pages = PageMap()
        waiting: list[str] = []
        top = (self.options.top + self.options.bleed) * 96 + 1  # CSS px from the page's top edge
        for _, folio, piece, number in layout.sequence():
            page = piece.laid.pages[number] if piece else None
            if page is not None:
                pages.labels.update({a: folio for a in page.anchors if a in located})
            pages.pages.append(folio)
            present = sorted((order[a], box[1], a) for a, box in (page.anchors.items() if page else ()) if a in order)
            if not present:
                waiting.append(folio)
                continue
            at_top = [a for _, y, a in present if y <= top]
            target = at_top[-1] if at_top else present[0][2]
            holding = [a for a in page.starts if a in order] if page is not None else []
            if holding and order[deepest := max(holding, key=order.__getitem__)] > order[target]:
                target = deepest  # its first text opens a block below the top (a table under its caption)
            pages.breaks.setdefault(target, []).extend([*waiting, folio])
            if page is not None and page.starts.get(target):
                pages.starts.update(dict.fromkeys([*waiting, folio], page.starts[target]))
            waiting = []
        if waiting:
            pages.breaks.setdefault(blocks[-1], []).extend(waiting)
        return pages

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
                out.append(f'<li{cls}><a href="{LINKS.target(e.doc)}">{e.markup()}</a> <span class="page">{folio(e)}</span>{sub}</li>')
            return "\n".join(out)

        return (
            f'<nav class="contents" id="{CONTENTS}" role="doc-toc" aria-labelledby="contents-title">\n'
            f'<section data-running-head="{title}"><h1 id="contents-title">{title}</h1>\n'
            f"<ol>\n{items(rendered.toc)}\n</ol>\n</section>\n</nav>"
        )

    # -- styles and checks ---------------------------------------------------------------
    def _page_css(self, gutter: float, folio: str | None = None, roman: bool = False) -> str:
        """The pages' CSS. A piece's folios are hidden, their boxes keeping the room of the widest
        folio (a `roman` one in the front matter); a folio sample shows only the folio `folio` and
        the proof's mark (`margin_css`)."""
        o = self.options
        meta = self.book.metadata
        sample = folio is not None
        counter = f'"{_css_string(folio)}"' if sample else HIDDEN_FOLIO[roman]
        verso = smarten_string(meta.title, meta.language) if o.running_head == "title" else ", ".join(a.name for a in meta.authors)
        bleed = f"bleed: {o.bleed}in;" if o.bleed else ""
        cmyk = "html { color: device-cmyk(0 0 0 1); }" if o.pdf_variant == "pdf/x-1a" else ""
        if o.output_profile:
            components = "cyan, magenta, yellow, black" if profile_space(self.book.root / o.output_profile) == "CMYK" else "gray"
            cmyk += f'@color-profile device-cmyk {{ src: url("{BOOK_URL}{quote(o.output_profile.as_posix())}"); components: {components}; }}'
        return f"""
@page {{ size: {o.width:.4f}in {o.height:.4f}in; {bleed}
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
""" + ("@page :left { @top-center { content: none; } } @page :right { @top-center { content: none; } }\n"
       + self.margin_css if sample else "")

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


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
