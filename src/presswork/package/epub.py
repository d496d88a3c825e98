"""The EPUB package: navigation, fonts and zip around the rendered book, for every EPUB product.

The package is written with lxml-free string templates from escaped values rather than with
ebooklib: ebooklib cannot fix zip timestamps or write the EPUB Accessibility metadata and
refinements we need, and byte-identical output is a requirement.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from PIL import Image

from ..errors import Diagnostics, Location
from ..files.output import build_time
from ..layout.pagemap import PageMap
from ..model import IMAGE_TYPES, Book
from ..render import fonts
from ..render.book import RenderedBook, TocEntry, render_book
from ..render.stylesheets import stylesheet
from ..render.xhtml import Links, escape
from ..text.labels import word

XHTML_NS = 'xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


@dataclass
class Item:
    """A file in the package."""

    id: str
    href: str  # relative to the package document
    media_type: str
    data: bytes
    properties: str = ""
    in_spine: bool = False


@dataclass(frozen=True)
class Profile:
    """What distinguishes one EPUB product from another built from the same book."""

    suffix: str = ".epub"
    layers: tuple[str, ...] = ("base", "epub")
    notes: str = "list"  # how render_book places notes
    jpeg_cover: bool = False  # Kindle reads the cover best as a JPEG


EPUB = Profile()


@dataclass
class EpubBuilder:
    book: Book
    diagnostics: Diagnostics
    profile: Profile = EPUB
    items: list[Item] = field(default_factory=list)
    image_hrefs: dict[Path, str] = field(default_factory=dict)

    def build(self) -> bytes:
        links = Links(target=self._target_href, image=self._image_href)
        self.pages = self._print_pages()
        rendered = render_book(self.book, links, notes=self.profile.notes, pages=self.pages)
        self._cover_page()
        for doc in rendered.documents:
            if doc.kind != "halftitle":  # the cover page stands in for it on screens
                self._document(doc.id, doc.title, doc.body, epub_type=_body_type(doc.matter))
        self._fonts_and_css(rendered)
        self._images()
        nav = self._nav(rendered)
        ncx = self._ncx(rendered)
        return self._zip(self._package(rendered, nav, ncx), nav, ncx)

    def _print_pages(self) -> PageMap | None:
        """Books with a print edition (a paperback ISBN) carry its page numbers."""
        if not self.book.metadata.isbn_paperback:
            return None
        from ..backends.pdf import print_pages  # the print layout is only needed here

        return print_pages(self.book, self.diagnostics)

    # -- addressing ---------------------------------------------------------------------
    def _target_href(self, ident: str) -> str:
        doc = self.book.targets[ident]
        return f"{doc}.xhtml" if doc == ident else f"{doc}.xhtml#{ident}"

    def _image_href(self, src: Path) -> str:
        return "../" + quote(self._image_path(src))

    def _image_path(self, src: Path) -> str:
        if src not in self.image_hrefs:
            clean = re.sub(r"[^A-Za-z0-9._/-]", "-", src.as_posix())
            if src == self.book.metadata.cover and self.profile.jpeg_cover:
                clean = str(Path(clean).with_suffix(".jpg"))
            if not clean.startswith("images/"):
                clean = "images/" + clean
            taken = set(self.image_hrefs.values())
            stem, n = clean, 1
            while clean in taken:
                n += 1
                clean = re.sub(r"(\.[^./]+)?$", rf"-{n}\1", stem, count=1)
            self.image_hrefs[src] = clean
        return self.image_hrefs[src]

    # -- content --------------------------------------------------------------------------
    def _document(self, ident: str, title: str, body: str, epub_type: str, properties: str = "") -> None:
        lang = self.book.metadata.language
        xhtml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            f'<html {XHTML_NS} lang="{lang}" xml:lang="{lang}">\n<head>\n<meta charset="utf-8" />\n'
            f"<title>{escape(title)}</title>\n"
            '<link rel="stylesheet" type="text/css" href="../css/book.css" />\n</head>\n'
            f'<body epub:type="{epub_type}">\n{body}\n</body>\n</html>\n'
        )
        self.items.append(
            Item(ident, f"text/{ident}.xhtml", "application/xhtml+xml", xhtml.encode(), properties, in_spine=True)
        )

    def _cover_page(self) -> None:
        meta = self.book.metadata
        if not meta.cover:
            return
        authors = ", ".join(a.name for a in meta.authors)
        alt = escape(f"{meta.title}, by {authors}")
        body = (
            f'<section class="cover" epub:type="cover" aria-label="{escape(word(meta.language, "cover"))}">\n'
            f'<img src="{self._image_href(meta.cover)}" alt="{alt}" />\n</section>'
        )
        self._document("cover", word(meta.language, "cover"), body, epub_type="cover")

    def _fonts_and_css(self, rendered: RenderedBook) -> None:
        used = set().union(*(set(d.body) for d in rendered.documents), *(set(e.title) for e in _flat(rendered.toc)))
        faces = []
        for face in fonts.FACES:
            href = f"fonts/{face.file}"
            self.items.append(Item(Path(face.file).stem, href, "font/otf", fonts.subset_face(face, used)))
            faces.append(
                f'@font-face {{ font-family: "{fonts.FAMILY}"; font-weight: {face.weight}; '
                f'font-style: {face.style}; src: url("../{href}"); }}'
            )
        css = "\n".join(faces) + "\n\n" + stylesheet(self.book.root, self.profile.layers, self.diagnostics)
        self.items.append(Item("css", "css/book.css", "text/css", css.encode()))

    def _images(self) -> None:
        for src, href in sorted(self.image_hrefs.items(), key=lambda kv: kv[1]):
            props = "cover-image" if src == self.book.metadata.cover else ""
            ident = "cover-image" if props else "img-" + re.sub(r"[^A-Za-z0-9]+", "-", href[len("images/") :])
            data = (self.book.root / src).read_bytes()
            if props and self.profile.jpeg_cover:
                data = kindle_cover(self.book.root / src, self.diagnostics, src)
            self.items.append(Item(ident, href, IMAGE_TYPES[Path(href).suffix.lower()], data, props))

    # -- navigation -----------------------------------------------------------------------
    def _nav(self, rendered: RenderedBook) -> Item:
        lang = self.book.metadata.language
        toc = _nav_list(rendered.toc, prefix="text/")
        first_body = next(d.id for d in rendered.documents if d.matter == "body")
        marks = []
        if self.book.metadata.cover:
            marks.append(("cover", "text/cover.xhtml", word(lang, "cover")))
        marks += [
            ("titlepage", "text/titlepage.xhtml", word(lang, "titlepage")),
            ("toc", "nav.xhtml#toc", word(lang, "contents")),
            ("bodymatter", f"text/{first_body}.xhtml", word(lang, "start")),
        ]
        marks += [(d.kind, f"text/{d.id}.xhtml", d.title) for d in rendered.documents if d.kind in ("glossary", "index")]
        landmarks = "\n".join(f'<li><a epub:type="{t}" href="{h}">{escape(label)}</a></li>' for t, h, label in marks)
        xhtml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            f'<html {XHTML_NS} lang="{lang}" xml:lang="{lang}">\n<head>\n<meta charset="utf-8" />\n'
            f'<title>{escape(word(lang, "contents"))}</title>\n'
            '<link rel="stylesheet" type="text/css" href="css/book.css" />\n</head>\n<body epub:type="frontmatter">\n'
            f'<nav id="toc" epub:type="toc" role="doc-toc" aria-labelledby="toc-title">\n'
            f'<h1 id="toc-title">{escape(word(lang, "contents"))}</h1>\n{toc}\n</nav>\n'
            f'<nav epub:type="landmarks" aria-labelledby="landmarks-title" hidden="hidden">\n'
            f'<h2 id="landmarks-title">{escape(word(lang, "landmarks"))}</h2>\n<ol>\n{landmarks}\n</ol>\n</nav>\n'
            f"{self._page_list(rendered)}"
            "</body>\n</html>\n"
        )
        return Item("nav", "nav.xhtml", "application/xhtml+xml", xhtml.encode(), "nav", in_spine=True)

    def _page_list(self, rendered: RenderedBook) -> str:
        if not self.pages:
            return ""
        where = {label: rendered.block_docs[block] for block, labels in self.pages.breaks.items() for label in labels}
        items = "\n".join(f'<li><a href="text/{where[label]}.xhtml#page-{label}">{label}</a></li>' for label in self.pages.pages)
        lang = self.book.metadata.language
        return (
            f'<nav epub:type="page-list" aria-labelledby="page-list-title" hidden="hidden">\n'
            f'<h2 id="page-list-title">{escape(word(lang, "pages"))}</h2>\n<ol>\n{items}\n</ol>\n</nav>\n'
        )

    def _ncx(self, rendered: RenderedBook) -> Item:
        counter = iter(range(1, 100_000))
        meta = self.book.metadata

        def points(entries: list[TocEntry]) -> str:
            out = []
            for entry in entries:
                n = next(counter)
                out.append(
                    f'<navPoint id="np-{n}" playOrder="{n}"><navLabel><text>{escape(entry.title)}</text></navLabel>'
                    f'<content src="text/{entry.doc}.xhtml" />{points(entry.children)}</navPoint>'
                )
            return "\n".join(out)

        depth = 2 if any(e.children for e in rendered.toc) else 1
        ncx = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" xml:lang="{meta.language}">\n'
            f'<head>\n<meta name="dtb:uid" content="{escape(_identifier(self.book))}" />\n'
            f'<meta name="dtb:depth" content="{depth}" />\n'
            '<meta name="dtb:totalPageCount" content="0" />\n<meta name="dtb:maxPageNumber" content="0" />\n</head>\n'
            f"<docTitle><text>{escape(meta.title)}</text></docTitle>\n"
            f"<navMap>\n{points(rendered.toc)}\n</navMap>\n</ncx>\n"
        )
        return Item("ncx", "toc.ncx", "application/x-dtbncx+xml", ncx.encode())

    # -- package ---------------------------------------------------------------------------
    def _package(self, rendered: RenderedBook, nav: Item, ncx: Item) -> bytes:
        meta = self.book.metadata
        items = self._reading_order(nav)
        manifest = "\n".join(
            f'<item id="{i.id}" href="{quote(i.href)}" media-type="{i.media_type}"'
            + (f' properties="{i.properties}"' if i.properties else "")
            + " />"
            for i in items + [ncx]
        )
        spine = "\n".join(
            f'<itemref idref="{i.id}"' + (' linear="yes"' if i.id != "cover" else "") + " />"
            for i in items
            if i.in_spine
        )
        opf = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="pub-id" '
            f'xml:lang="{meta.language}" dir="ltr">\n'
            f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n{self._metadata(rendered)}\n</metadata>\n'
            f"<manifest>\n{manifest}\n</manifest>\n"
            f'<spine toc="ncx">\n{spine}\n</spine>\n</package>\n'
        )
        return opf.encode()

    def _reading_order(self, nav: Item) -> list[Item]:
        """Spine order: cover, title page, copyright page, contents, then the book; other files after."""
        spine = [i for i in self.items if i.in_spine]
        position = 3 if spine and spine[0].id == "cover" else 2
        spine.insert(position, nav)
        return spine + [i for i in self.items if not i.in_spine]

    def _metadata(self, rendered: RenderedBook) -> str:
        meta = self.book.metadata
        e = escape
        lines = [f'<dc:identifier id="pub-id">{e(_identifier(self.book))}</dc:identifier>']
        lines.append(f'<dc:title id="title">{e(meta.title)}</dc:title>')
        lines.append('<meta refines="#title" property="title-type">main</meta>')
        if meta.subtitle:
            lines.append(f'<dc:title id="subtitle">{e(meta.subtitle)}</dc:title>')
            lines.append('<meta refines="#subtitle" property="title-type">subtitle</meta>')
        lines.append(f"<dc:language>{e(meta.language)}</dc:language>")
        for n, person in enumerate(meta.contributors, 1):
            tag = "dc:creator" if person.role == "author" else "dc:contributor"
            lines.append(f'<{tag} id="contributor-{n}">{e(person.name)}</{tag}>')
            lines.append(f'<meta refines="#contributor-{n}" property="role" scheme="marc:relators">{person.marc}</meta>')
            lines.append(f'<meta refines="#contributor-{n}" property="file-as">{e(person.file_as)}</meta>')
        if meta.publisher:
            lines.append(f"<dc:publisher>{e(meta.publisher)}</dc:publisher>")
        if meta.date:
            lines.append(f"<dc:date>{meta.date.isoformat()}</dc:date>")
        if meta.rights:
            lines.append(f"<dc:rights>{e(meta.rights)}</dc:rights>")
        if meta.description:
            lines.append(f"<dc:description>{e(meta.description)}</dc:description>")
        lines += [f"<dc:subject>{e(s)}</dc:subject>" for s in meta.subjects]
        if meta.series:
            lines.append(f'<meta property="belongs-to-collection" id="series">{e(meta.series)}</meta>')
            lines.append('<meta refines="#series" property="collection-type">series</meta>')
            if meta.series_number:
                lines.append(f'<meta refines="#series" property="group-position">{e(meta.series_number)}</meta>')
        modified = build_time(meta).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(f'<meta property="dcterms:modified">{modified}</meta>')
        if meta.cover:
            lines.append('<meta name="cover" content="cover-image" />')
        lines += self._accessibility(rendered)
        return "\n".join(lines)

    def _accessibility(self, rendered: RenderedBook) -> list[str]:
        """EPUB Accessibility 1.1 metadata, derived from what the book really contains."""
        figures = list(self.book.figures())
        has_images = bool(figures) or self.book.metadata.cover is not None
        all_alt = all(f.alt.strip() for f in figures)
        has_tables = any("<table" in d.body for d in rendered.documents)
        modes = ["textual"] + (["visual"] if has_images else [])
        features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
        if figures and all_alt:
            features.append("alternativeText")
        if has_tables:
            features.append("table")
        if self.book.index:
            features.append("index")
        if self.pages:
            features += ["pageBreakMarkers", "pageNavigation"]
        summary = (
            "This publication conforms to EPUB Accessibility 1.1 at WCAG 2.2 Level AA as far as automated "
            "checks can tell. It has a navigable table of contents, headings that mark its structure, a "
            "logical reading order, notes linked to and from their references, and language tags on "
            "foreign-language passages."
            + (" Every figure has a text description." if figures and all_alt else "")
            + " Text can be resized and restyled; no content depends on colour, sound or motion."
        )
        lines = [f'<meta property="schema:accessMode">{m}</meta>' for m in modes]
        if not figures or all_alt:
            lines.append('<meta property="schema:accessModeSufficient">textual</meta>')
        if has_images:
            lines.append('<meta property="schema:accessModeSufficient">textual,visual</meta>')
        lines += [f'<meta property="schema:accessibilityFeature">{f}</meta>' for f in features]
        lines.append('<meta property="schema:accessibilityHazard">none</meta>')
        lines.append(f'<meta property="schema:accessibilitySummary">{escape(summary)}</meta>')
        lines.append(f'<meta property="dcterms:conformsTo">{CONFORMANCE}</meta>')
        if self.pages:
            source = f"urn:isbn:{self.book.metadata.isbn_paperback}"
            lines.append(f"<dc:source>{source}</dc:source>")  # the edition whose pages the page list gives
        return lines

    # -- container ---------------------------------------------------------------------------
    def _zip(self, opf: bytes, nav: Item, ncx: Item) -> bytes:
        stamp = build_time(self.book.metadata)
        date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
        files: list[tuple[str, bytes]] = [
            ("META-INF/container.xml", _CONTAINER),
            ("EPUB/package.opf", opf),
        ]
        files += [(f"EPUB/{i.href}", i.data) for i in self._reading_order(nav) + [ncx]]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            _add(archive, "mimetype", b"application/epub+zip", date_time, zipfile.ZIP_STORED)
            for name, data in files:
                _add(archive, name, data, date_time, zipfile.ZIP_DEFLATED)
        return buffer.getvalue()


_CONTAINER = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    b'<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml" />'
    b"</rootfiles>\n</container>\n"
)


def _add(archive: zipfile.ZipFile, name: str, data: bytes, date_time: tuple, compression: int) -> None:
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = compression
    info.external_attr = 0o644 << 16
    info.create_system = 3
    archive.writestr(info, data, compresslevel=9 if compression == zipfile.ZIP_DEFLATED else None)


def _identifier(book: Book) -> str:
    """The ebook ISBN, else a UUID that stays the same for the same title and contributors."""
    meta = book.metadata
    if meta.isbn_ebook:
        return f"urn:isbn:{meta.isbn_ebook}"
    names = ";".join(c.name for c in meta.contributors)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'presswork:{meta.title}:{names}')}"


def _body_type(matter: str) -> str:
    return {"front": "frontmatter", "body": "bodymatter", "back": "backmatter"}[matter]


def _nav_list(entries: list[TocEntry], prefix: str) -> str:
    items = []
    for entry in entries:
        sub = "\n" + _nav_list(entry.children, prefix) if entry.children else ""
        items.append(f'<li><a href="{prefix}{entry.doc}.xhtml">{escape(entry.title)}</a>{sub}</li>')
    return "<ol>\n" + "\n".join(items) + "\n</ol>"


def _flat(entries: list[TocEntry]) -> list[TocEntry]:
    return [x for e in entries for x in [e, *_flat(e.children)]]


def kindle_cover(path: Path, diagnostics: Diagnostics, src: Path) -> bytes:
    """The cover as Kindle wants it: a JPEG, ideally 1600 × 2560 px or larger (height:width 1.6)."""
    with Image.open(path) as image:
        width, height = image.size
        if max(width, height) < 1600:
            diagnostics.warn(f"the cover is {width} × {height} px; Kindle wants at least 1600 px on the long side",
                             Location(src), "export the cover at 1600 × 2560 px or larger")  # fmt: skip
        if abs(height / width - 1.6) > 0.08:
            diagnostics.warn(f"the cover's height:width is {height / width:.2f}; Kindle's ideal is 1.6",
                             Location(src), "crop or extend the cover to 1600 × 2560 px")  # fmt: skip
        if image.format == "JPEG" and image.mode == "RGB":
            return path.read_bytes()
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=92, optimize=True)
        return out.getvalue()
