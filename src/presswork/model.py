"""The book model: plain data produced by the loader and read by the renderer and every backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterator

from markdown_it.token import Token

from .errors import Location
from .printopts import PrintOptions

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
class Book:
    root: Path
    metadata: Metadata
    front: list[Chapter]
    body: list[Part | Chapter]
    back: list[Chapter]
    targets: dict[str, str] = field(default_factory=dict)  # every id -> the id of the chapter or part holding it
    print: PrintOptions = field(default_factory=PrintOptions)

    def chapters(self) -> Iterator[Chapter]:
        """Every manuscript file in reading order."""
        yield from self.front
        for entry in self.body:
            if isinstance(entry, Part):
                yield from entry.chapters
            else:
                yield entry
        yield from self.back

    def figures(self) -> Iterator[Figure]:
        for chapter in self.chapters():
            yield from chapter.figures

