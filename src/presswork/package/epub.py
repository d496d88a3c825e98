"""The EPUB package around the rendered book, for every EPUB product, built with ebooklib.

The builder fills an `ebooklib.epub.EpubBook` (metadata with the EPUB Accessibility 1.1
properties and the refinements for titles, contributors and the series; manifest; spine; table
of contents; landmarks; cover; page list) and ebooklib's writer serialises the package document,
the navigation document and the NCX. `_Writer` finishes what ebooklib leaves undone:

- the page list: ebooklib would make one by scanning the documents for every element with an
  `epub:type` and an id (note references too), so it is written from the print edition's page
  map instead; and the navs get headings that label them, with the landmarks hidden, so that
  the contents page a reader sees shows the contents only;
- the NCX's `dtb:depth`, which ebooklib always writes as 0 (calibre reads the NCX), and its language;
- the package document keeps its name, `EPUB/package.opf`, and gets the book's language.

Byte-identical rebuilds: ebooklib's writer dates every zip entry with the clock and has no
option against it, so the files it writes are read back and zipped again in its order, the
mimetype first and stored, every entry dated with the build time (`SOURCE_DATE_EPOCH`, else the
book's date), which is also `dcterms:modified`. ebooklib's random identifier is replaced by the
book's, and its generator meta dropped, so that the product does not name ebooklib's version.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ebooklib import epub
from lxml import etree
from PIL import Image

from ..errors import Diagnostics, Location, PressworkError
from ..files.output import build_time
from ..model import IMAGE_TYPES, Book, NotePlacement
from ..pagemap import CONTENTS, PageMap
from ..render import fonts
from ..render.book import RenderedBook, TocEntry, render_book
from ..render.cover import generated_cover
from ..render.images import ebook_image, image_name, rgb_jpeg
from ..render.stylesheets import stylesheet
from ..render.xhtml import Links, escape
from ..text.labels import word
from .a11y import book_claims
from .reader import XHTML

XHTML_NS = 'xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
OPF_PATH = "EPUB/package.opf"
H = "{http://www.w3.org/1999/xhtml}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GENERATED_COVER = Path("cover.jpg")  # the image key of the cover drawn for a book without one: images/cover.jpg


@dataclass(frozen=True)
class Profile:
    """What distinguishes one EPUB product from another built from the same book."""

    suffix: str = ".epub"
    layers: tuple[str, ...] = ("base", "epub")
    notes: NotePlacement = NotePlacement.ENDNOTES
    jpeg_cover: bool = False  # Kindle reads the cover best as a JPEG
    rewrite: Callable[[bytes], bytes] | None = None  # applied to every XHTML document, the nav too (Kobo's spans)


EPUB = Profile()


@dataclass
class EpubBuilder:
    book: Book
    diagnostics: Diagnostics
    profile: Profile = EPUB
    pages: PageMap | None = None  # the print edition's page map, for its page list; None without one
    items: list[epub.EpubItem] = field(default_factory=list)  # the spine's documents and the other files, as made
    image_hrefs: dict[Path, str] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)  # the package document's ids so far: each names one thing

    def build(self) -> bytes:
        links = Links(target=self._target_href, image=self._image_href)
        rendered = render_book(self.book, links, notes=self.profile.notes, pages=self.pages)
        self._cover_page()
        for doc in rendered.documents:
            if doc.kind != "halftitle":  # the cover page stands in for it on screens
                self._document(doc.id, doc.title, doc.body, epub_type=_body_type(doc.matter))
        self._fonts_and_css(rendered)
        self._images()
        return self._zip(self._package(rendered))

    # -- addressing ---------------------------------------------------------------------
    def _target_href(self, ident: str) -> str:
        doc = self.book.targets[ident]
        return f"{doc}.xhtml" if doc == ident else f"{doc}.xhtml#{ident}"

    def _image_href(self, src: Path) -> str:
        return "../" + quote(self._image_path(src))

    def _image_path(self, src: Path) -> str:
        if src not in self.image_hrefs:
            jpeg = src == self.book.metadata.cover and self.profile.jpeg_cover
            self.image_hrefs[src] = image_name(src, set(self.image_hrefs.values()), ".jpg" if jpeg else None)
        return self.image_hrefs[src]

    # -- content --------------------------------------------------------------------------
    def _document(self, ident: str, title: str, body: str, epub_type: str) -> None:
        lang = self.book.metadata.language
        xhtml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            f'<html {XHTML_NS} lang="{lang}" xml:lang="{lang}">\n<head>\n<meta charset="utf-8" />\n'
            f"<title>{escape(title)}</title>\n"
            '<link rel="stylesheet" type="text/css" href="../css/book.css" />\n</head>\n'
            f'<body epub:type="{epub_type}">\n{body}\n</body>\n</html>\n'
        )
        self.items.append(epub.EpubItem(self._id(ident), f"text/{ident}.xhtml", XHTML, xhtml.encode()))

    def _id(self, natural: str) -> str:
        """`natural`, or it with the first free number after it: the package's ids are unique
        whatever the book's ids and image names (a chapter `LinLibertine_R` or `title`, images
        a.b.png and a-b.png). The documents take theirs first, and as they are: their ids are
        unique already, and name their files."""
        ident, number = natural, 1
        while ident in self.ids:
            number += 1
            ident = f"{natural}-{number}"
        self.ids.add(ident)
        return ident

    def _cover_src(self) -> Path:
        """The cover's image: the manuscript's, or the typographic one presswork draws for a book without."""
        return self.book.metadata.cover or GENERATED_COVER

    def _cover_page(self) -> None:
        meta = self.book.metadata
        authors = ", ".join(a.name for a in meta.authors)
        alt = escape(f"{meta.title}, by {authors}")
        body = (
            f'<section class="cover" epub:type="cover" aria-label="{escape(word(meta.language, "cover"))}">\n'
            f'<img src="{self._image_href(self._cover_src())}" alt="{alt}" />\n</section>'
        )
        self._document("cover", word(meta.language, "cover"), body, epub_type="cover")

    def _fonts_and_css(self, rendered: RenderedBook) -> None:
        used = set().union(*(set(d.body) for d in rendered.documents), *(set(e.title) for e in rendered.toc_entries()))
        faces = []
        for face in fonts.FACES:
            href = f"fonts/{face.file}"
            self.items.append(epub.EpubItem(self._id(Path(face.file).stem), href, "font/otf", fonts.subset_face(face, used)))
            faces.append(
                f'@font-face {{ font-family: "{fonts.FAMILY}"; font-weight: {face.weight}; '
                f'font-style: {face.style}; src: url("../{href}"); }}'
            )
        css = "\n".join(faces) + "\n\n" + stylesheet(self.book.styles, self.profile.layers)
        self.items.append(epub.EpubItem("css", "css/book.css", "text/css", css.encode()))

    def _images(self) -> None:
        for src, href in sorted(self.image_hrefs.items(), key=lambda kv: kv[1]):
            path = self.book.root / src
            if src == self._cover_src():  # ebooklib declares it with the cover-image property
                image: epub.EpubItem = epub.EpubCover("cover-image", href)
                if not self.book.metadata.cover:
                    image.content = generated_cover(self.book)
                else:
                    image.content = kindle_cover(path, self.diagnostics, src) if self.profile.jpeg_cover else ebook_image(path)
            else:
                ident = self._id("img-" + re.sub(r"[^A-Za-z0-9]+", "-", href[len("images/") :]))
                image = epub.EpubImage(uid=ident, file_name=href, content=ebook_image(path))
            image.media_type = IMAGE_TYPES[Path(href).suffix.lower()]
            self.items.append(image)

    # -- package ---------------------------------------------------------------------------
    def _package(self, rendered: RenderedBook) -> epub.EpubBook:
        """The book as ebooklib holds it: metadata, manifest, spine, table of contents, landmarks and
        page list (in `pages`, as the (file, id, label) triples ebooklib's own page scan yields)."""
        meta = self.book.metadata
        book = epub.EpubBook()
        del book.metadata[epub.NAMESPACES["OPF"]]["generator"]  # names ebooklib's version in every product
        book.IDENTIFIER_ID = self._id("pub-id")
        book.set_identifier(_identifier(self.book))  # in place of ebooklib's random one
        book.set_direction("ltr")
        self._metadata(book)
        nav = epub.EpubNav(title=word(meta.language, "contents"))
        nav.add_link(href="css/book.css", rel="stylesheet", type="text/css")
        book.spine = self._reading_order(nav)
        for item in [*book.spine, *(i for i in self.items if i.media_type != XHTML), epub.EpubNcx()]:
            book.add_item(item)
        book.toc = _toc(rendered.toc, itertools.count(1))
        book.guide = self._landmarks(rendered)
        if self.pages:
            files = {block: f"text/{doc}.xhtml" for block, doc in rendered.block_docs.items()} | {CONTENTS: "nav.xhtml"}
            where = {label: files[block] for block, labels in self.pages.breaks.items() for label in labels}
            book.pages = [(where[label], f"page-{label}", label) for label in self.pages.pages]
        return book

    def _reading_order(self, nav: epub.EpubNav) -> list[epub.EpubItem]:
        """Spine order: cover, title page, copyright page, contents, then the book."""
        spine = [i for i in self.items if i.media_type == XHTML]
        spine.insert(3 if spine and spine[0].id == "cover" else 2, nav)
        return spine

    def _landmarks(self, rendered: RenderedBook) -> list[dict[str, str]]:
        lang = self.book.metadata.language
        first_body = next(d.id for d in rendered.documents if d.matter == "body")
        marks = [
            ("cover", "text/cover.xhtml", word(lang, "cover")),
            ("titlepage", "text/titlepage.xhtml", word(lang, "titlepage")),
            ("toc", "nav.xhtml#toc", word(lang, "contents")),
            ("bodymatter", f"text/{first_body}.xhtml", word(lang, "start")),
        ]
        marks += [(d.kind, f"text/{d.id}.xhtml", d.title) for d in rendered.documents if d.kind in ("glossary", "index")]
        return [{"type": kind, "href": href, "title": title} for kind, href, title in marks]

    def _metadata(self, book: epub.EpubBook) -> None:
        meta = self.book.metadata

        def refine(ident: str, prop: str, value: str, **more: str) -> None:
            book.add_metadata(None, "meta", value, {"refines": f"#{ident}", "property": prop, **more})

        book.title = meta.title  # the NCX's title
        title = self._id("title")
        book.add_metadata("DC", "title", meta.title, {"id": title})
        refine(title, "title-type", "main")
        if meta.subtitle:
            subtitle = self._id("subtitle")
            book.add_metadata("DC", "title", meta.subtitle, {"id": subtitle})
            refine(subtitle, "title-type", "subtitle")
        book.set_language(meta.language)
        for n, person in enumerate(meta.contributors, 1):
            ident = self._id(f"contributor-{n}")
            book.add_metadata("DC", "creator" if person.role == "author" else "contributor", person.name, {"id": ident})
            refine(ident, "role", person.marc, scheme="marc:relators")
            refine(ident, "file-as", person.file_as)
        date = meta.date.isoformat() if meta.date else None
        fields = (("publisher", meta.publisher), ("date", date), ("rights", meta.rights), ("description", meta.description))
        for name, value in fields:
            if value:
                book.add_metadata("DC", name, value)
        for subject in meta.subjects:
            book.add_metadata("DC", "subject", subject)
        if meta.series:
            series = self._id("series")
            book.add_metadata(None, "meta", meta.series, {"property": "belongs-to-collection", "id": series})
            refine(series, "collection-type", "series")
            if meta.series_number:
                refine(series, "group-position", str(meta.series_number))
        book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})  # how Kindle finds it
        for prop, value in book_claims(self.book, page_list=bool(self.pages)).metadata():
            book.add_metadata(None, "meta", value, {"property": prop})
        if self.pages:  # the edition whose pages the page list gives, declared as its source of pagination
            source = self._id("pagination-source")
            book.add_metadata("DC", "source", f"urn:isbn:{meta.isbn_paperback}", {"id": source})
            refine(source, "source-of", "pagination")

    # -- container ---------------------------------------------------------------------------
    def _zip(self, book: epub.EpubBook) -> bytes:
        """ebooklib's files, zipped again so that the same book gives the same bytes (see the module docstring)."""
        stamp = build_time(self.book.metadata.date)
        lang = self.book.metadata.language
        options = {
            "mtime": stamp,  # dcterms:modified
            "epub2_guide": False,  # the landmarks are enough for EPUB 3 readers
            "epub3_pages": False,  # the page list comes from the print layout (`_Writer._get_nav`)
            "landmark_title": word(lang, "landmarks"),
            "pages_title": word(lang, "pages"),
            "package_direction": True,  # dir="ltr" on the package, none on the spine
            "spine_direction": False,
            "compresslevel": 0,  # ebooklib's zip is only read back
            "play_order": {"enabled": True, "start_from": 1},
        }
        date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in sorted(_Writer(book, options).entries(), key=lambda entry: entry[0] != "mimetype"):
                if self.profile.rewrite and name.endswith(".xhtml"):
                    data = self.profile.rewrite(data)
                _add(archive, name, data, date_time, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
        return buffer.getvalue()


class _Writer(epub.EpubWriter):
    """ebooklib's writer, into memory, with what it leaves undone finished (see the module docstring)."""

    def __init__(self, book: epub.EpubBook, options: dict):
        super().__init__(io.BytesIO(), book, options)

    def entries(self) -> list[tuple[str, bytes]]:
        """The files ebooklib writes, in its order."""
        try:
            os.getcwd()  # ebooklib makes the navigation's links relative through the working folder
        except FileNotFoundError:
            hint = "change to a folder that exists and build again"
            raise PressworkError("the current folder no longer exists", None, hint) from None
        self.process()
        self.write()
        with zipfile.ZipFile(self.file_name) as archive:
            return [(info.filename, archive.read(info)) for info in archive.infolist()]

    def _write_container(self) -> None:
        self.out.writestr(epub.CONTAINER_PATH, _CONTAINER)

    def _write_opf_file(self, root: etree._Element) -> None:
        """The package document under its own name, with the book's language."""
        root.set(XML_LANG, self.book.language)
        self.out.writestr(OPF_PATH, etree.tostring(root, pretty_print=True, encoding="utf-8", xml_declaration=True))

    def _get_nav(self, item: epub.EpubNav) -> bytes:
        """ebooklib's navigation document with headings that label each nav, the landmarks hidden
        and the print edition's page list."""
        root = _parse(super()._get_nav(item))
        body = root.find(f"{H}body")
        body.set(EPUB_TYPE, "frontmatter")
        toc, landmarks = body.findall(f"{H}nav")
        toc.set("id", "toc")
        heading = _label(toc, "toc-title")
        heading.tag = f"{H}h1"
        for file_name, ident, label in self.book.pages:  # the printed contents' pages: markers in its heading
            if file_name == "nav.xhtml":
                marker = {"id": ident, "class": "pagebreak", EPUB_TYPE: "pagebreak", "role": "doc-pagebreak", "aria-label": label}
                heading.append(etree.Element(f"{H}span", marker))
        _label(landmarks, "landmarks-title")
        landmarks.set("hidden", "hidden")
        if self.book.pages:
            page_list = etree.SubElement(body, f"{H}nav", {EPUB_TYPE: "page-list", "hidden": "hidden"})
            etree.SubElement(page_list, f"{H}h2").text = self.options["pages_title"]
            _label(page_list, "page-list-title")
            entries = etree.SubElement(page_list, f"{H}ol")
            for file_name, ident, label in self.book.pages:
                etree.SubElement(etree.SubElement(entries, f"{H}li"), f"{H}a", href=f"{file_name}#{ident}").text = label
        return etree.tostring(root.getroottree(), pretty_print=True, encoding="utf-8", xml_declaration=True)

    def _get_ncx(self) -> bytes:
        """ebooklib's NCX with the book's language and the real depth of the table of contents."""
        root = _parse(super()._get_ncx())
        root.set(XML_LANG, self.book.language)
        root.find(f"{NCX}head/{NCX}meta[@name='dtb:depth']").set("content", str(_depth(self.book.toc)))
        return etree.tostring(root, pretty_print=True, encoding="utf-8", xml_declaration=True)


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


def _parse(xml: bytes) -> etree._Element:
    """ebooklib's XML without its indentation, so that what is added is indented like the rest
    (a parser of its own for each call: lxml parsers are not to be shared between threads)."""
    return etree.fromstring(xml, etree.XMLParser(remove_blank_text=True))


def _label(nav: etree._Element, ident: str) -> etree._Element:
    """Name a nav by its heading, for screen readers; returns the heading."""
    heading = nav[0]
    heading.set("id", ident)
    nav.set("aria-labelledby", ident)
    return heading


def _identifier(book: Book) -> str:
    """The ebook ISBN, else a UUID that stays the same for the same title and contributors."""
    meta = book.metadata
    if meta.isbn_ebook:
        return f"urn:isbn:{meta.isbn_ebook}"
    names = ";".join(c.name for c in meta.contributors)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'presswork:{meta.title}:{names}')}"


def _body_type(matter: str) -> str:
    return {"front": "frontmatter", "body": "bodymatter", "back": "backmatter"}[matter]


def _toc(entries: list[TocEntry], numbers: Iterator[int]) -> list:
    """The table of contents as ebooklib takes it: a link, or a (link, children) pair."""
    out: list = []
    for entry in entries:
        link = epub.Link(f"text/{entry.doc}.xhtml", entry.title, f"np-{next(numbers)}")
        out.append((link, _toc(entry.children, numbers)) if entry.children else link)
    return out


def _depth(toc: list) -> int:
    return 1 + max((_depth(entry[1]) for entry in toc if isinstance(entry, tuple)), default=0)


def cover_shortfalls(width: int, height: int) -> list[tuple[str, str]]:
    """How a cover of this size misses what Kindle wants, 1600 × 2560 px or larger (height:width 1.6),
    as (message, hint): `build kindle` warns with them and `check` reports them (M004)."""
    found = []
    if max(width, height) < 1600:
        found.append((f"the cover is {width} × {height} px; Kindle wants at least 1600 px on the long side",
                      "export the cover at 1600 × 2560 px or larger"))  # fmt: skip
    if abs(height / width - 1.6) > 0.08:
        found.append((f"the cover's height:width is {height / width:.2f}; Kindle's ideal is 1.6",
                      "crop or extend the cover to 1600 × 2560 px"))  # fmt: skip
    return found


def kindle_cover(path: Path, diagnostics: Diagnostics, src: Path) -> bytes:
    """The cover as Kindle wants it: a JPEG, ideally 1600 × 2560 px or larger (height:width 1.6)."""
    with Image.open(path) as image:
        for message, hint in cover_shortfalls(*image.size):
            diagnostics.warn(message, Location(src), hint)
        if image.format == "JPEG" and image.mode == "RGB":
            return path.read_bytes()
        return rgb_jpeg(image)
