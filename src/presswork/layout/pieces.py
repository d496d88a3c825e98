"""The laid-out print book, the artifact the layout stage hands to the PDF backend: pieces of
pages (PDF bytes laid out without folios), each starting on a recto with a known folio, the folio
samples the backend prints every folio after, and the page map they yield."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import PrintOptions
from ..pagemap import PageMap
from ..text.labels import roman as roman_numeral

if TYPE_CHECKING:
    from .typeset import LaidOut, PageInfo

PIECES_URL = "https://pieces.invalid/"  # the layout's links to `PIECES_URL#id` become links to the named destination `id`


@dataclass
class Piece:
    """A run of documents laid out together, starting on a recto with a known folio."""

    key: str
    html: str
    roman: bool
    level: int = 1
    first: int = 1  # folio of its first page
    laid: LaidOut | None = None  # its pages, without folios

    @property
    def pages(self) -> int:
        return len(self.laid.pages) if self.laid else 0


FOLIO_CHARACTERS = "0123456789ivxlcdm"  # every character a folio holds, arabic or lower-roman

# The pages of a folio sample (`Folios`), one for each kind of page a piece has
FIRST, VERSO, RECTO, PLAIN_VERSO, PLAIN_RECTO = range(5)


@dataclass
class Folios:
    """Two laid-out folio samples, from which the PDF backend prints every page's folio as the page
    CSS sets it (font, size, colour, place, alignment) and the rest of the margins (a proof's
    mark). Each is a piece's first page, a verso and a recto with the folio `texts[i]`; the first
    sample also a verso and a recto without folio (a part title's page, a blank: `kind`)."""

    texts: tuple[str, str]  # the first holds every character of FOLIO_CHARACTERS
    samples: tuple[LaidOut, LaidOut]

    @staticmethod
    def kind(page: PageInfo, index: int) -> int:
        """Which sample page the page at `index` of a piece takes its margins from: the piece's
        first page is a recto, and WeasyPrint alternates from there."""
        if not page.folio:
            return PLAIN_VERSO if index % 2 else PLAIN_RECTO
        if index == 0:
            return FIRST
        return VERSO if index % 2 else RECTO


@dataclass
class Layout:
    """Every page of the print book, in pieces, with what it was laid out for."""

    options: PrintOptions  # the print options the pages were laid out with (the PDF variant among them)
    front: list[Piece] = field(default_factory=list)
    body: list[Piece] = field(default_factory=list)
    pages: PageMap | None = None
    blank: LaidOut | None = None  # a truly blank page of this layout, for the versos inserted before rectos
    folios: Folios | None = None
    # block and note ids -> where their text stands in the manuscript (`RenderedBook.sources`), for the source map
    sources: dict[str, tuple[Path, int, int | None]] = field(default_factory=dict)
    digests: dict[Path, str] = field(default_factory=dict)  # each of those files -> `sourcemap.text_digest` of its text

    def sequence(self) -> Iterator[tuple[bool, str, Piece | None, int]]:
        """Every page in print order as (roman?, folio label, piece, page's index in the piece);
        an inserted blank verso has no piece."""
        for roman, pieces in ((True, self.front), (False, self.body)):
            folio = 1
            for piece in pieces:
                for number in range(folio, piece.first):
                    yield roman, label(number, roman), None, 0
                for number in range(piece.pages):
                    yield roman, label(piece.first + number, roman), piece, number
                folio = piece.first + piece.pages
            if roman and (folio - 1) % 2:
                yield roman, label(folio, roman), None, 0

    def anchor_folios(self) -> dict[str, str]:
        """Each anchor with the folio of the first page holding it."""
        folios: dict[str, str] = {}
        for _, folio, piece, number in self.sequence():
            if piece is not None and piece.laid is not None:
                for anchor in piece.laid.pages[number].anchors:
                    folios.setdefault(anchor, folio)
        return folios

    def page_sources(self) -> list[list[tuple[Path, int, int | None]]]:
        """For every page in print order, the source lines of its text: the block it begins inside
        of, then the blocks and notes that begin on it (WeasyPrint anchors every element with an
        id, and the print rendering gives one to every block)."""
        pages = []
        for _, _, piece, number in self.sequence():
            info = piece.laid.pages[number] if piece is not None and piece.laid is not None else None
            ids = dict.fromkeys([*info.starts, *info.anchors]) if info else {}
            pages.append(list(dict.fromkeys(self.sources[ident] for ident in ids if ident in self.sources)))
        return pages

    def page_count(self) -> int:
        front = last_folio(self.front)
        return front + (front % 2) + last_folio(self.body)


def last_folio(pieces: list[Piece]) -> int:
    return pieces[-1].first + pieces[-1].pages - 1 if pieces else 0


def first_recto(folio: int) -> int:
    """The first recto at or after `folio`."""
    return folio if folio % 2 else folio + 1


def label(number: int, roman: bool) -> str:
    return roman_numeral(number).lower() if roman else str(number)
