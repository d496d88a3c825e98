"""The book model: plain data produced by the loader and read by the renderer and every backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from markdown_it.token import Token

from .errors import Location
from .load.printopts import PrintOptions

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

# Contributor roles and their MARC relator codes (used by EPUB and, later, ONIX).
ROLES: dict[str, str] = {
    "author": "aut",
    "translator": "trl",
    "editor": "edt",
    "foreword": "wpr",
    "introduction": "win",
    "afterword": "aft",
    "illustrator": "ill",
}


@dataclass
class Contributor:
    name: str
    role: str
    file_as: str

    @property
    def marc(self) -> str:
        return ROLES[self.role]


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
    prices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # ebook/paperback -> (amount, currency)

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
