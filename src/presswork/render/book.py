"""Book → rendered documents (title page, copyright page, parts, chapters) and a table of contents.

Rendering happens once per product; a backend only says how it addresses targets and images.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from ..model import (
    KINDS,
    ROLES,
    Biographies,
    Book,
    Chapter,
    Chronology,
    Glossary,
    IndexPlace,
    NotePlacement,
    Part,
)
from ..pagemap import PageMap
from ..text.isbn import hyphenate_isbn
from ..text.labels import chapter_label, chapter_number, part_label, role_label, word
from ..text.typography import display_string, smarten_string
from .back import biographies_html, chronology_html, glossary_html, index_html
from .xhtml import Links, XhtmlRenderer, escape


@dataclass
class Document:
    """One reading unit: a file in an EPUB, a section in a PDF."""

    id: str
    title: str
    kind: str  # titlepage, copyright, part, or a chapter kind
    matter: str  # front, body or back
    body: str  # an XHTML fragment: one <section>
    source: Path | None = None
    level: int = 1  # depth in the table of contents: 2 for a chapter inside a part


@dataclass
class TocEntry:
    title: str  # plain text, number included, for navigation documents and bookmarks
    doc: str
    children: list[TocEntry] = field(default_factory=list)
    html: str = ""  # the entry as printed contents set it: its number apart (a hanging indent) and the title's markup

    def markup(self) -> str:
        return self.html or escape(self.title)


@dataclass
class RenderedBook:
    book: Book
    documents: list[Document]
    toc: list[TocEntry]
    blocks: list[str] = field(default_factory=list)  # top-level block ids in reading order
    block_docs: dict[str, str] = field(default_factory=dict)  # block id -> id of the document holding it
    # block or note id -> (source file, first line, past-last line or None: to the end; 0-based): where its text was written
    sources: dict[str, tuple[Path, int, int | None]] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return self.book.metadata.language

    def toc_entries(self) -> list[TocEntry]:
        """Every entry of the table of contents, children after their parent."""

        def flat(entries: list[TocEntry]) -> list[TocEntry]:
            return [x for e in entries for x in [e, *flat(e.children)]]

        return flat(self.toc)


def render_book(
    book: Book, links: Links, notes: NotePlacement = NotePlacement.ENDNOTES, pages: PageMap | None = None,
    block_ids: bool = False, note_links: bool = False,
) -> RenderedBook:
    """Render every document. Notes go at the end of their chapter as a list (ENDNOTES) or as
    asides (POPUPS, Kindle's pop-ups), or stand inline at their first reference (FOOTNOTES, which
    print CSS floats to the foot of the page). With `pages` (the print layout), page-break markers mark
    where printed pages begin and index locators carry page numbers; `block_ids` gives every
    block an id so that a print layout can report where its pages begin; `note_links` links each
    footnote's call and note both ways (a screen edition)."""
    meta = book.metadata
    renderer = XhtmlRenderer(links, meta.scripts, notes, breaks=pages.breaks if pages else None, block_ids=block_ids,
                             note_links=note_links, starts=pages.starts if pages else None)
    renderer.lang = meta.language
    rendered = RenderedBook(book, [], [])

    def add(make, *args, toc: list[TocEntry] | None = None, title: str | None = None, html: str = "", **kwargs) -> TocEntry | None:
        since, placed = len(renderer.blocks), len(renderer.lines)
        doc = make(*args, **kwargs)
        rendered.documents.append(doc)
        rendered.block_docs.update(dict.fromkeys(renderer.blocks[since:], doc.id))
        if doc.source is not None:
            rendered.sources.update((ident, (doc.source, *lines)) for ident, lines in islice(renderer.lines.items(), placed, None))
        if toc is None:
            return None
        entry = TocEntry(title or smarten_string(doc.title, meta.language), doc.id, html=html)
        toc.append(entry)
        return entry

    for page in (_half_title, _title_page, _copyright_page):
        add(page, book, renderer)
    for chapter in book.front:
        add(_chapter, chapter, book, renderer, toc=rendered.toc, title=_toc_title(chapter, book), html=_toc_html(chapter, book, renderer))
    for entry in book.body:
        if isinstance(entry, Part):
            part = add(_part, entry, book, renderer, toc=rendered.toc, title=_part_name(entry, meta.language))
            for chapter in entry.chapters:
                add(_chapter, chapter, book, renderer, level=2, toc=part.children, title=_toc_title(chapter, book), html=_toc_html(chapter, book, renderer))
        else:
            add(_chapter, entry, book, renderer, toc=rendered.toc, title=_toc_title(entry, book), html=_toc_html(entry, book, renderer))
    for item in book.back:
        if isinstance(item, Chapter):
            add(_chapter, item, book, renderer, toc=rendered.toc, title=_toc_title(item, book), html=_toc_html(item, book, renderer))
        else:
            add(_back_data, item, book, renderer, links, pages, toc=rendered.toc)
    rendered.blocks = renderer.blocks
    return rendered


def _back_data(item, book: Book, renderer: XhtmlRenderer, links: Links, pages: PageMap | None) -> Document:
    if isinstance(item, Glossary):
        return Document("glossary", item.title, "glossary", "back", glossary_html(item, book, renderer), item.source)
    if isinstance(item, Chronology):
        return Document("chronology", item.title, "chronology", "back", chronology_html(item, book, renderer), item.source)
    if isinstance(item, Biographies):
        return Document("biographies", item.title, "biographies", "back", biographies_html(item, book, renderer), item.source)
    assert isinstance(item, IndexPlace)
    title = word(book.metadata.language, "index")
    body = index_html(book, title, renderer, links.target, pages.labels if pages else None)
    return Document("index", title, "index", "back", body)


def _number(chapter: Chapter, book: Book) -> str:
    """The chapter's number as the contents print it ("" when the book does not number chapters)."""
    style = book.metadata.chapter_numbers
    return chapter_number(book.metadata.language, chapter.number, style) if chapter.number and style != "none" else ""


def _toc_title(chapter: Chapter, book: Book) -> str:
    title = smarten_string(chapter.title, book.metadata.language)
    number = _number(chapter, book)
    return title if chapter.untitled or not number else f"{number}. {title}"


def _toc_html(chapter: Chapter, book: Book, renderer: XhtmlRenderer) -> str:
    """The contents entry: the number in its own span, its space inside it (print.css hangs the
    turnover lines where the title starts) and the title with its italics."""
    number = _number(chapter, book)
    title = _title_html(chapter, book, renderer)
    return title if chapter.untitled or not number else f'<span class="toc-number">{escape(number)}.\u00a0</span>{title}'


def _title_html(chapter: Chapter, book: Book, renderer: XhtmlRenderer) -> str:
    lang = book.metadata.language
    if chapter.title_markup is not None:
        return renderer.inline_html(chapter.title_markup)
    return renderer.text_html(display_string(chapter.title, lang), lang)


def _chapter(chapter: Chapter, book: Book, renderer: XhtmlRenderer, level: int = 1) -> Document:
    lang = book.metadata.language
    epub_type, role = KINDS[chapter.kind]
    title = _title_html(chapter, book, renderer)
    untitled = ' class="chapter-number"' if chapter.untitled else ""
    heading = f'<h1 id="{chapter.id}-title"{untitled}>{title}</h1>'
    renderer.lines[f"{chapter.id}-title"] = (chapter.title_line - 1, chapter.title_line)
    style = book.metadata.chapter_numbers
    if chapter.number and style != "none" and not chapter.untitled:
        label = escape(chapter_label(lang, chapter.number, style))
        heading = f'<header>\n<p class="chapter-label">{label}</p>\n{heading}\n</header>'
    parts = [
        f'<section id="{chapter.id}" class="{chapter.kind}" epub:type="{epub_type}" role="{role}" '
        f'aria-labelledby="{chapter.id}-title" data-running-head="{escape(smarten_string(chapter.short_title, lang))}">',
        renderer.block(chapter.id) + heading,
        renderer.chapter(chapter.tokens, chapter.id, lang, {n.number: n.tokens for n in chapter.notes}),
    ]
    if chapter.notes and renderer.notes_at == NotePlacement.ENDNOTES:
        parts.append(_notes(chapter, lang, renderer))
    elif chapter.notes and renderer.notes_at == NotePlacement.POPUPS:
        parts.append(_note_asides(chapter, lang, renderer))
    parts.append("</section>")
    body = "\n".join(parts)
    return Document(chapter.id, chapter.title, chapter.kind, chapter.matter, body, chapter.source, level)


def _backlink(chapter: Chapter, number: int, lang: str) -> str:
    """The link back to the call, first in the note: pop-up readers rely on it standing there."""
    return (
        f'<a class="note-number" href="#{chapter.id}-nref{number}" role="doc-backlink" '
        f'title="{escape(word(lang, "backlink"))}">{number}.</a>'
    )


def _note_asides(chapter: Chapter, lang: str, renderer: XhtmlRenderer) -> str:
    asides = [
        f'<aside id="{chapter.id}-n{note.number}" class="note" epub:type="footnote" role="doc-footnote">\n'
        f"{renderer.note(note.tokens, _backlink(chapter, note.number, lang))}</aside>"
        for note in chapter.notes
    ]
    return (
        f'<section class="notes" aria-labelledby="{chapter.id}-notes">\n'
        f'<h2 id="{chapter.id}-notes">{escape(word(lang, "notes"))}</h2>\n' + "\n".join(asides) + "\n</section>"
    )


def _notes(chapter: Chapter, lang: str, renderer: XhtmlRenderer) -> str:
    items = []
    for note in chapter.notes:
        body = renderer.note(note.tokens, _backlink(chapter, note.number, lang))
        items.append(f'<li id="{chapter.id}-n{note.number}" epub:type="endnote">\n{body}</li>')
    return (
        f'<section class="notes" epub:type="endnotes" role="doc-endnotes" aria-labelledby="{chapter.id}-notes">\n'
        f'<h2 id="{chapter.id}-notes">{escape(word(lang, "notes"))}</h2>\n'
        f'<ol class="notes">\n' + "\n".join(items) + "\n</ol>\n</section>"
    )


def _part_name(part: Part, lang: str) -> str:
    """The part's heading as one line ("Part One: Metal and Ink"), for the contents, the heading's
    accessible name, and the PDF bookmark (print.css makes that name the bookmark-label)."""
    return f"{part_label(lang, part.number)}: {smarten_string(part.title, lang)}"


def _part(part: Part, book: Book, renderer: XhtmlRenderer) -> Document:
    lang = book.metadata.language
    name = escape(_part_name(part, lang))
    body = (
        f'<section id="{part.id}" class="part" epub:type="part" role="doc-part" aria-labelledby="{part.id}-title">\n'
        f'{renderer.block(part.id)}<h1 id="{part.id}-title" aria-label="{name}"><span class="part-label">{escape(part_label(lang, part.number))}</span> '
        f'<span class="part-title">{renderer.text_html(display_string(part.title, lang), lang)}</span></h1>\n</section>'
    )
    return Document(part.id, part.title, "part", "body", body)


def _half_title(book: Book, renderer: XhtmlRenderer) -> Document:
    """No block for the page map: an EPUB has no half title, so its page's marker joins the title page's."""
    lang = book.metadata.language
    plain = smarten_string(book.metadata.title, lang)
    body = (
        f'<section id="halftitle" class="halftitle" epub:type="halftitlepage" aria-label="{escape(plain)}">\n'
        f'<p class="title">{renderer.text_html(display_string(book.metadata.title, lang), lang)}</p>\n</section>'
    )
    return Document("halftitle", book.metadata.title, "halftitle", "front", body)


def _title_page(book: Book, renderer: XhtmlRenderer) -> Document:
    meta = book.metadata
    lang = meta.language
    lines = [f'<p class="author">{_names(meta.authors, renderer)}</p>']
    lines.append(f'<h1 class="title" id="titlepage-title">{renderer.text_html(display_string(meta.title, lang), lang)}</h1>')
    if meta.subtitle:
        lines.append(f'<p class="subtitle">{renderer.text_html(display_string(meta.subtitle, lang), lang)}</p>')
    for role in ROLES:
        people = [c for c in meta.contributors if c.role == role]
        label = role_label(lang, ROLES[role].labels)
        if people and label:
            lines.append(f'<p class="contributor {role}">{escape(label)} {_names(people, renderer)}</p>')
    if meta.publisher:
        place = f' <span class="place">{escape(meta.place)}</span>' if meta.place else ""
        lines.append(f'<p class="publisher">{escape(meta.publisher)}{place}</p>')
    body = (
        '<section id="titlepage" class="titlepage" epub:type="titlepage" aria-labelledby="titlepage-title">\n'
        + renderer.block("titlepage")
        + "\n".join(lines)
        + "\n</section>"
    )
    return Document("titlepage", word(lang, "titlepage"), "titlepage", "front", body)


def _copyright_page(book: Book, renderer: XhtmlRenderer) -> Document:
    meta = book.metadata
    lang = meta.language
    lines = []
    title = smarten_string(meta.title, lang) + (f": {smarten_string(meta.subtitle, lang)}" if meta.subtitle else "")
    lines.append(f'<p class="book-title"><cite>{renderer.text_html(title, lang)}</cite></p>')
    if meta.original_title:
        lines.append(f'<p class="original-title">Translation of <cite>{renderer.text_html(meta.original_title)}</cite></p>')
    if meta.series:
        number = f", {escape(meta.series_number)}" if meta.series_number else ""
        lines.append(f'<p class="series">{escape(meta.series)}{number}</p>')
    if meta.rights:
        lines.append(f'<p class="rights">{renderer.text_html(smarten_string(meta.rights, lang), lang)}</p>')
    if meta.publisher:
        where = ", ".join(x for x in (meta.place, str(meta.date.year) if meta.date else None) if x)
        lines.append(f'<p class="imprint">{escape(word(lang, "published"))} {escape(meta.publisher)}' + (f", {escape(where)}" if where else "") + "</p>")
    for label, isbn in (("ebook", meta.isbn_ebook), ("paperback", meta.isbn_paperback)):
        if isbn:
            lines.append(f'<p class="isbn">ISBN {hyphenate_isbn(isbn)} ({label})</p>')
    body = (
        '<section id="copyright" class="copyright" epub:type="copyright-page" aria-label="'
        + escape(word(lang, "copyright"))
        + '">\n'
        + renderer.block("copyright")
        + "\n".join(lines)
        + "\n</section>"
    )
    return Document("copyright", word(lang, "copyright"), "copyright", "front", body)


def _names(people: list, renderer: XhtmlRenderer) -> str:
    return ", ".join(renderer.text_html(p.name) for p in people)
