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
hole a long page cannot take stays, and is not tried when the next page shows it: a page that
ends before a forced break, or whose next page's first two lines (what orphans ask to move
together) with the notes they call need more than a line more than the hole.

A try adds page rules only, so it is laid out again from the last layout it adds to
(`weasy.relayout`): the pages before the spread are that layout's, and so are those after it once
a page begins where it began there; the document is the one a full layout with the same
stylesheets gives. The rules of a try are added as a sheet of their own after the kept spreads'
(the same cascade as one sheet of them all: each rule reaches one page).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from ..weasy import layout as weasy
from ..weasy import relayout
from .footnotes import keeping_notes, strays

if TYPE_CHECKING:
    from weasyprint import CSS, HTML
    from weasyprint.document import Document

TRIES = 3  # spreads tried long in one piece at most; each lays the piece out again from its spread
SHORT = 1.9  # lines of room at a page's foot that make it short (the report's two lines, less its tolerance)
FORCED = {"page", "left", "right", "recto", "verso"}  # `break-before` values that end the page before
# A laid-out document's commonest line height and short pages, measured once: the tries read them
# again and again (each candidate page, each comparison), and each measure reads every line
_LEADINGS: WeakKeyDictionary[Document, float] = WeakKeyDictionary()
_SHORTS: WeakKeyDictionary[Document, tuple[int, ...]] = WeakKeyDictionary()


def render_with_long_pages(html: HTML, stylesheets: list[CSS], **options: Any) -> Document:
    """`html` laid out as `render_keeping_notes` does, with the spreads run a line long that take
    up the holes at the foot of its pages."""
    from weasyprint import CSS

    laid = relayout.render(html, stylesheets, **options)  # the layout the next try adds to
    document = original = keeping_notes(html, stylesheets, laid.document, **options)
    long: set[int] = set()
    tried: set[int] = set()
    for _ in range(TRIES):
        short = [page for page in short_pages(document) if page not in tried and _may_fit(document, page)]
        if not short:
            break
        tried.add(short[0])
        spread = long | _spread(short[0], len(document.pages))
        again = relayout.relayout(laid, CSS(string=long_pages_css(original, spread - long)))
        trial = keeping_notes(html, again.stylesheets, again.document, **options)
        if better(trial, document):
            document, long, laid = trial, spread, again
    return document


def better(trial: Document, document: Document) -> bool:
    """Whether a try's layout keeps its long spread: fewer short pages, no more pages, no more
    notes away from their calls."""
    return (len(short_pages(trial)) < len(short_pages(document)) and len(trial.pages) <= len(document.pages)
            and len(strays(trial)) <= len(strays(document)))  # fmt: skip


def short_pages(document: Document) -> list[int]:
    """The pages (indexes) but the last that end `SHORT` lines or more above their foot (or their
    notes), in lines of the piece's commonest line height."""
    if document not in _SHORTS:
        leading = _leading(document)
        _SHORTS[document] = tuple(number for number, page in enumerate(document.pages[:-1])
                                  if leading and _hole(page) >= SHORT * leading)  # fmt: skip
    return list(_SHORTS[document])


def _hole(page: Any) -> float:
    """The room under a page's last line (CSS px), 0 for a page without text."""
    lines = weasy.page_lines(page)
    return weasy.flow_room(page)[1] - max(line.position_y + line.height for line in lines) if lines else 0.0


def _may_fit(document: Document, page: int) -> bool:
    """Whether a line more of room on `page` may take in what opens the next page: not after a
    forced break, and only when the next page's opening fits in the hole and a line (two for a
    recto, whose verso also takes a line from it): its blocks
    kept with the next (headings, with the space above them they have in mid-page), then two lines
    of the first one that is not (what orphans ask to move together), with the notes they call."""
    following = document.pages[page + 1]
    box = weasy.page_flow(following)
    while blocks := weasy.flow_blocks(box):  # the page's first block, and its first block, and so on
        box = blocks[0]
        if box.style["break_before"] in FORCED:
            return False
    text = weasy.page_lines(following)
    need = 0.0
    lines: list[Any] = []
    for box in _leaves(weasy.page_flow(following)):
        own = [child for child in box.children if any(child is line for line in text)]
        if not own:  # a block without text (an image's): its height is what it needs
            need += box.margin_height()
        elif box.style["break_after"] in ("avoid", "avoid-page"):
            margin = box.style["margin_top"]
            need += margin.value if margin.unit == "px" else 0.0
            lines += own
        else:
            lines += own[:2]
            break
    if not lines:
        return False
    called = {box.element for line in lines for box in line.descendants() if box.element_tag.endswith("::footnote-call")}
    need += lines[-1].position_y + lines[-1].height - weasy.flow_room(following)[0]
    need += sum(note.margin_height() for note in weasy.page_notes(following) if note.element in called)
    lines_more = 2 if page % 2 == 0 and page else 1  # a recto's spread moves a line more from the verso before it
    return need <= _hole(document.pages[page]) + lines_more * _leading(document) + 0.5


def _leaves(box: Any) -> Iterator[Any]:
    """The blocks holding no blocks in `box`'s flow, in order."""
    for block in weasy.flow_blocks(box):
        if weasy.flow_blocks(block):
            yield from _leaves(block)
        else:
            yield block


def long_pages_css(document: Document, pages: set[int]) -> str:
    """The page rules that make `pages` (indexes) of the piece a line long: a line of the piece's
    commonest height taken off the bottom margin `document` (laid out with no page long) gives them."""
    leading = _leading(document)
    return "".join(f"@page :nth({page + 1}) {{ margin-bottom: {weasy.flow_room(document.pages[page])[2] - leading:.3f}px; }}\n"
                   for page in sorted(pages))  # fmt: skip


def _leading(document: Document) -> float:
    """The piece's commonest line height (CSS px), 0 for a piece without text."""
    if document not in _LEADINGS:
        heights = Counter(round(line.height, 2) for page in document.pages for line in weasy.page_lines(page))
        _LEADINGS[document] = heights.most_common(1)[0][0] if heights else 0.0
    return _LEADINGS[document]


def _spread(page: int, count: int) -> set[int]:
    """The page and the page facing it: the first page of a piece (a recto) stands alone."""
    if page == 0:
        return {0}
    first = page if page % 2 else page - 1
    return {p for p in (first, first + 1) if p < count}
