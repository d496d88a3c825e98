"""The book model: plain data produced by the loader and read by the renderer and every backend."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from .errors import Location

# Section kinds and their EPUB structural semantics (epub:type, DPUB-ARIA role).
KINDS: dict[str, tuple[str, str]] = {
    "foreword": ("foreword", "doc-foreword"),
    "preface": ("preface", "doc-preface"),
    "introduction": ("introduction", "doc-introduction"),
    "prologue": ("prologue", "doc-prologue"),
    "chapter": ("chapter", "doc-chapter"),
    "conclusion": ("conclusion", "doc-conclusion"),
    "epilogue": ("epilogue", "doc-epilogue"),
    "afterword": ("afterword", "doc-afterword"),
    "appendix": ("appendix", "doc-appendix"),
    "acknowledgments": ("acknowledgments", "doc-acknowledgments"),
    "dedication": ("dedication", "doc-dedication"),
    "epigraph": ("epigraph", "doc-epigraph"),
}

# Image file types every EPUB reader must show, by suffix.
IMAGE_TYPES: dict[str, str] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


@dataclass(frozen=True)
class Role:
    """A contributor role as every product names it: the title page, the EPUB and ONIX."""

    marc: str  # MARC relator code, the EPUB's `role` refinement
    onix: str  # ONIX code list 17
    labels: dict[str, str] = field(default_factory=dict)  # language -> the title page's words before the names


# The contributor roles book.yaml knows, in the order the title page lists them. Authors stand
# alone above the title, so they have no label.
ROLES: dict[str, Role] = {
    "author": Role("aut", "A01"),
    "translator": Role("trl", "B06", {"en": "Translated by", "ru": "Перевод:"}),
    "editor": Role("edt", "B01", {"en": "Edited by", "ru": "Под редакцией"}),
    "foreword": Role("wpr", "A23", {"en": "Foreword by", "ru": "Предисловие:"}),
    "introduction": Role("win", "A24", {"en": "Introduction by", "ru": "Введение:"}),
    "afterword": Role("aft", "A19", {"en": "Afterword by", "ru": "Послесловие:"}),
    "illustrator": Role("ill", "A12", {"en": "Illustrated by", "ru": "Иллюстрации:"}),
}


class NotePlacement(StrEnum):
    """Where a product puts the notes: one name for the loader, the renderer and every backend.
    `print.notes` in book.yaml takes the first two."""

    FOOTNOTES = "footnotes"  # at the foot of the printed page that calls them
    ENDNOTES = "endnotes"  # a numbered list at the end of their chapter
    POPUPS = "popups"  # asides at the end of their chapter, which Kindle shows as pop-ups


STANDARD_BLEED = 0.125  # inches (3 mm): what print services ask for, on interiors and cover wraps alike
# Spine width per page by paper (KDP Print's published figures, inches).
PAPER_THICKNESS = {"white": 0.002252, "cream": 0.0025}
# KDP Print's minimum inside margin by page count (the strictest of the print services' tables).
GUTTER_BY_PAGES = ((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (828, 0.875))


@dataclass(frozen=True)
class PrintOptions:
    """The print edition's page: trim, bleed, margins, notes and PDF variant (parsed by load.printopts)."""

    trim: str = "6x9"
    width: float = 6.0  # inches
    height: float = 9.0
    bleed: float = 0.0
    marks: bool = False
    notes: NotePlacement = NotePlacement.FOOTNOTES  # or ENDNOTES
    pdf_variant: str | None = None
    output_profile: Path | None = None  # the printer's ICC profile (relative to the book folder)
    running_head: str = "title"  # what versos carry: the book's title or its author
    paper: str = "white"  # white or cream: sets the spine width of the cover
    top: float = 0.75
    bottom: float = 0.75
    outside: float = 0.625
    inside: float = 0.625  # raised to the print services' minimum for the page count

    def spine(self, pages: int) -> float:
        """Spine width in inches for a page count on this paper."""
        return pages * PAPER_THICKNESS[self.paper]

    def gutter(self, pages: int) -> float:
        minimum = next((g for limit, g in GUTTER_BY_PAGES if pages <= limit), GUTTER_BY_PAGES[-1][1])
        return max(self.inside, minimum)


@dataclass
class Contributor:
    name: str
    role: str  # a key of ROLES
    file_as: str
    bio: str | None = None  # book.yaml's `bio:`; else the book's own biography of them, if they are in it

    @property
    def marc(self) -> str:
        return ROLES[self.role].marc


@dataclass(frozen=True)
class Price:
    """One consumer price of one product: ONIX wants the territory it holds in and whether tax is in it."""

    amount: str  # as written, e.g. "9.99"
    currency: str  # ISO 4217
    territories: tuple[str, ...]  # ISO 3166-1 codes, or ("WORLD",)
    tax_included: bool
    vat: str | None = None  # the rate in percent, where the price includes it


@dataclass
class Retail:
    """What a retailer's intake needs beyond the bibliographic record (book.yaml's `retail:`)."""

    thema: list[str] = field(default_factory=list)  # subject codes and qualifiers, checked against the code list
    bisac: list[str] = field(default_factory=list)
    audience: str = "01"  # ONIX list 28
    territories: tuple[str, ...] = ("WORLD",)  # where it may be sold (countries, or WORLD)
    excluded: tuple[str, ...] = ()  # countries taken out of WORLD
    supplier: str | None = None  # defaults to the publisher
    supplier_role: str = "01"  # ONIX list 93
    availability: str = "20"  # ONIX list 65
    on_sale: date | None = None  # defaults to the publication date
    returns: str | None = None  # ONIX list 204, the paperback's


@dataclass
class Metadata:
    title: str
    language: str
    contributors: list[Contributor]
    subtitle: str | None = None
    original_title: str | None = None  # of a translation
    slug: str = ""
    series: str | None = None
    series_number: str | None = None
    publisher: str | None = None
    place: str | None = None
    date: date | None = None
    isbn_ebook: str | None = None
    isbn_paperback: str | None = None
    rights: str | None = None
    description: str | None = None
    subjects: list[str] = field(default_factory=list)
    cover: Path | None = None  # relative to the book folder
    scripts: dict[str, str] = field(default_factory=dict)  # script name -> language for unmarked runs
    prices: dict[str, list[Price]] = field(default_factory=dict)  # ebook/paperback -> prices
    retail: Retail = field(default_factory=Retail)
    chapter_numbers: str = "arabic"  # arabic, roman, words or none: how chapters' labels and contents number them

    @property
    def authors(self) -> list[Contributor]:
        return [c for c in self.contributors if c.role == "author"]


@dataclass
class Note:
    number: int
    label: str
    tokens: list[Token]
    where: Location


@dataclass
class Figure:
    id: str
    src: Path  # relative to the book folder
    alt: str
    caption: str
    where: Location


@dataclass
class Chapter:
    """One manuscript file: a chapter or a piece of front or back matter."""

    id: str
    title: str
    short_title: str
    kind: str
    matter: str  # "front", "body" or "back"
    source: Path  # relative to the book folder
    tokens: list[Token]
    notes: list[Note] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    number: int | None = None  # chapters only
    words: int = 0
    title_line: int = 1  # where the title stands in the source (its `# Title` or front matter `title:`)
    title_markup: Token | None = None  # the `# Title`'s inline token when it carries emphasis; `title` is its plain text
    untitled: bool = False  # a numbered chapter without a title: its number stands as its title


@dataclass
class Part:
    id: str
    title: str
    number: int
    chapters: list[Chapter]


@dataclass
class IndexPlace:
    """Where book.yaml puts the generated index (always last)."""

    title: str = "Index"


@dataclass
class Book:
    root: Path
    metadata: Metadata
    front: list[Chapter]
    body: list[Part | Chapter]
    back: list[Chapter | Glossary | Chronology | Biographies | IndexPlace]
    targets: dict[str, str] = field(default_factory=dict)  # every id -> the id of the chapter or part holding it
    print: PrintOptions = field(default_factory=PrintOptions)

    index: dict[str, IndexEntry] = field(default_factory=dict)  # heading -> entry
    # What the loader read, so later stages never read the book folder again: the book's own
    # stylesheets (file name in styles/ -> CSS, checked to load nothing), and the text of
    # book.yaml, of every Markdown file and of the back matter's data files (path in the book -> text)
    # for checks of the source and the print PDF's source map.
    styles: dict[str, str] = field(default_factory=dict)
    texts: dict[Path, str] = field(default_factory=dict)

    def chapters(self) -> Iterator[Chapter]:
        """Every Markdown file in reading order."""
        yield from self.front
        for entry in self.body:
            if isinstance(entry, Part):
                yield from entry.chapters
            else:
                yield entry
        yield from (c for c in self.back if isinstance(c, Chapter))

    def back_item(self, kind: type) -> Any:
        return next((item for item in self.back if isinstance(item, kind)), None)

    def figures(self) -> Iterator[Figure]:
        for chapter in self.chapters():
            yield from chapter.figures

    def index_anchors(self) -> set[str]:
        """The marked places the index's locators (its entries' and subentries') point at."""
        return {loc.anchor for entry in self.index.values() for e in [entry, *entry.subentries.values()] for loc in e.locators}



@dataclass
class Term:
    id: str
    term: str
    definition: list[Token]  # parsed Markdown blocks
    original: str | None = None
    original_lang: str | None = None
    forms: list[str] = field(default_factory=list)
    where: Location = field(default_factory=Location)


@dataclass
class Glossary:
    source: Path
    title: str
    terms: list[Term]  # in the order the book prints them
    first_use: bool = False  # link each term's first use in every chapter


@dataclass
class ChronologyGroup:
    title: str | None
    rows: list[list[Token]]  # each row: one inline token per cell
    line: int | None = None  # where the group (its title) stands in chronology.yaml
    row_lines: list[int | None] = field(default_factory=list)  # where each row stands


@dataclass
class Chronology:
    source: Path
    title: str
    columns: list[str]
    groups: list[ChronologyGroup]


@dataclass
class LifeEvent:
    date: str | None = None  # as printed
    place: str | None = None


@dataclass
class Person:
    id: str
    surname: str
    given: str | None
    patronymic: str | None
    aliases: list[str]
    born: LifeEvent
    died: LifeEvent
    text: list[Token]
    forms: list[str] = field(default_factory=list)
    where: Location = field(default_factory=Location)

    @property
    def index_name(self) -> str:
        """Surname, Given Patronymic — how indexes and biographies list a person."""
        rest = " ".join(p for p in (self.given, self.patronymic) if p)
        return f"{self.surname}, {rest}" if rest else self.surname


@dataclass
class Biographies:
    source: Path
    title: str
    people: list[Person]
    note: list[Token] = field(default_factory=list)  # where the notes come from, printed after them
    note_line: int | None = None  # the note's line in biographies.yaml


@dataclass
class Locator:
    anchor: str  # id of the marked place
    chapter: str  # id of the chapter holding it


@dataclass
class IndexEntry:
    heading: str
    locators: list[Locator] = field(default_factory=list)
    see: list[str] = field(default_factory=list)
    see_also: list[str] = field(default_factory=list)
    subentries: dict[str, IndexEntry] = field(default_factory=dict)
