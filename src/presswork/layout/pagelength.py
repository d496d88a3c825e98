"""Pages that run a line long rather than leave a hole.

WeasyPrint ends a page where the next thing cannot be split under the book's rules: a list item
or a glossary entry of three lines (two lines each side of a break), a heading with its first two
lines, a line whose footnote does not fit beside it. The page then ends two to five lines short.
A compositor makes such a page, and the page facing it, a line longer (facing pages end level),
and the next thing fits. So after layout, for each page of a piece that ends two lines or more
short of its foot (the piece's last page aside), the piece is laid out again with that page's
spread a line long (`@page :nth()` with the bottom margin less a line); the long spread stays
only if the piece then has fewer short pages, no more pages and no more notes away from their
calls. A piece starts on a recto, so its first page stands alone, then versos face rectos. A
hole a long page cannot take (a term or heading kept with two lines that need more) stays.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..weasy import layout as weasy
from .footnotes import render_keeping_notes, strays

if TYPE_CHECKING:
    from weasyprint import CSS, HTML
    from weasyprint.document import Document

TRIES = 3  # spreads tried long in one piece at most; each is the piece's layout time again
SHORT = 1.9  # lines of room at a page's foot that make it short (the report's two lines, less its tolerance)


def render_with_long_pages(html: HTML, stylesheets: list[CSS], **options: Any) -> Document:
    """`html` laid out as `render_keeping_notes` does, with the spreads run a line long that take
    up the holes at the foot of its pages."""
    from weasyprint import CSS

    document = original = render_keeping_notes(html, stylesheets, **options)
    long: set[int] = set()
    tried: set[int] = set()
    for _ in range(TRIES):
        short = [page for page in short_pages(document) if page not in tried]
        if not short:
            break
        tried.add(short[0])
        spread = long | _spread(short[0], len(document.pages))
        trial = render_keeping_notes(html, [*stylesheets, CSS(string=long_pages_css(original, spread))], **options)
        if (len(short_pages(trial)) < len(short_pages(document)) and len(trial.pages) <= len(document.pages)
                and len(strays(trial)) <= len(strays(document))):  # fmt: skip
            document, long = trial, spread
    return document


def short_pages(document: Document) -> list[int]:
    """The pages (indexes) but the last that end `SHORT` lines or more above their foot (or their
    notes), in lines of the piece's commonest line height."""
    leading = _leading(document)
    if not leading:
        return []
    found = []
    for number, page in enumerate(document.pages[:-1]):
        lines = weasy.page_lines(page)
        if lines:
            foot, _ = weasy.flow_room(page)
            if foot - max(line.position_y + line.height for line in lines) >= SHORT * leading:
                found.append(number)
    return found


def long_pages_css(document: Document, pages: set[int]) -> str:
    """The page rules that make `pages` (indexes) of the piece a line long: a line of the piece's
    commonest height taken off the bottom margin `document` (laid out with no page long) gives them."""
    leading = _leading(document)
    return "".join(f"@page :nth({page + 1}) {{ margin-bottom: {weasy.flow_room(document.pages[page])[1] - leading:.3f}px; }}\n"
                   for page in sorted(pages))  # fmt: skip


def _leading(document: Document) -> float:
    """The piece's commonest line height (CSS px), 0 for a piece without text."""
    heights = Counter(round(line.height, 2) for page in document.pages for line in weasy.page_lines(page))
    return heights.most_common(1)[0][0] if heights else 0.0


def _spread(page: int, count: int) -> set[int]:
    """The page and the page facing it: the first page of a piece (a recto) stands alone."""
    if page == 0:
        return {0}
    first = page if page % 2 else page - 1
    return {p for p in (first, first + 1) if p < count}
