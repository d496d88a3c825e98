"""The laid-out print book, the artifact the layout stage hands to the PDF backend: pieces of
pages, each starting on a recto with a known folio, and the page map they yield."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import PrintOptions
from .pagemap import PageMap

if TYPE_CHECKING:
    from weasyprint import Document, Page


@dataclass
class Piece:
    """A run of documents laid out together, starting on a recto with a known folio."""

    key: str
    html: str
    roman: bool
    level: int = 1
    first: int = 1  # folio of its first page
    document: Document | None = None
    laid_out_as: tuple | None = None  # what `document` was laid out from, to skip repeating work

    @property
    def pages(self) -> int:
        return len(self.document.pages) if self.document else 0


@dataclass
class Layout:
    """Every page of the print book, in pieces, with what it was laid out for."""

    options: PrintOptions  # the print options the pages were laid out with (the PDF variant among them)
    front: list[Piece] = field(default_factory=list)
    body: list[Piece] = field(default_factory=list)
    pages: PageMap | None = None
    blank: Page | None = None  # a truly blank page of this layout, for the versos inserted before rectos

    def sequence(self, blank: Page | None = None) -> Iterator[tuple[bool, str, Page | None]]:
        """Every page in print order as (roman?, folio label, page); inserted blank versos are `blank`."""
        for roman, pieces in ((True, self.front), (False, self.body)):
            folio = 1
            for piece in pieces:
                for number in range(folio, piece.first):
                    yield roman, label(number, roman), blank
                for number, page in enumerate(piece.document.pages, piece.first):
                    yield roman, label(number, roman), page
                folio = piece.first + piece.pages
            if roman and (folio - 1) % 2:
                yield roman, label(folio, roman), blank

    def page_count(self) -> int:
        front = last_folio(self.front)
        return front + (front % 2) + last_folio(self.body)


def last_folio(pieces: list[Piece]) -> int:
    return pieces[-1].first + pieces[-1].pages - 1 if pieces else 0


def first_recto(folio: int) -> int:
    """The first recto at or after `folio`."""
    return folio if folio % 2 else folio + 1


def label(number: int, roman: bool) -> str:
    return _roman(number) if roman else str(number)


def _roman(n: int) -> str:
    numerals = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip
    out = ""
    for value, letters in numerals:
        count, n = divmod(n, value)
        out += letters * count
    return out
