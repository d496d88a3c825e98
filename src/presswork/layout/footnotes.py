"""Every footnote on the page of its call.

WeasyPrint 70 keeps `footnote-policy: line` when a note does not fit beside its call's line (the
line moves to the next page), but not when the room runs out later on the page: when one line of
the page's last paragraph fits and its `orphans` ask for two, WeasyPrint makes room by moving the
page's notes to the next page instead of the paragraph ("first try to report footnotes" in
layout/block.py, `_linebox_layout`). No CSS property turns that off.

So that choice is turned off where WeasyPrint's code is as expected (`weasy.layout.keep_notes_with_their_calls`):
the paragraph then moves, as it does on a page without notes. And a piece is measured after
layout, in case a WeasyPrint of other code (or another cause) still strays a note: for the
first note printed after its call's page, the piece
is laid out again with a forced page break before the block that took the note's room (the page's
last block, with the headings kept with it), the break WeasyPrint makes on a page without notes;
the block heads the next page as after such a break, its top margin dropped.
The break stays only if the note comes home. A note no break brings home (one taller than a page)
stays where it is, and the build names it (`warn_strays`).

The same correction brings back a note WeasyPrint drops: the crowding paragraph's line that got
the room may hold a call of its own, whose note WeasyPrint then never lays out.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ..errors import Diagnostics
from ..model import Book, NotePlacement
from ..weasy import layout as weasy

if TYPE_CHECKING:
    from weasyprint import CSS, HTML
    from weasyprint.document import Document

RELAYOUTS = 8  # at most this many more layouts of one piece; each is the piece's layout time again
# The block opens the next page as after a break of WeasyPrint's own, which drops its top margin.
BREAK = "{ break-before: page; margin-break: discard; }"


def render_keeping_notes(html: HTML, stylesheets: list[CSS], **options: Any) -> Document:
    """`html` laid out with `stylesheets` and WeasyPrint's `options`, with the forced page breaks
    that bring its notes to their calls' pages."""
    return keeping_notes(html, stylesheets, html.render(stylesheets=stylesheets, **options), **options)


def keeping_notes(html: HTML, stylesheets: list[CSS], document: Document, **options: Any) -> Document:
    """`document` (`html` laid out with `stylesheets` and `options`), or `html` laid out again
    with the forced page breaks that bring its notes to their calls' pages."""
    from weasyprint import CSS

    breaks: list[str] = []
    left: set[object] = set()  # notes no break brings home
    relayouts = 0
    found = strays(document)
    while relayouts < RELAYOUTS:
        stray = next(((note, page) for note, page in found if note not in left), None)
        if stray is None:
            break
        note, page = stray
        selector = _break_selector(document, page)
        if selector is None or selector in breaks:
            left.add(note)
            continue
        relayouts += 1
        css = CSS(string="".join(f"{s} {BREAK}\n" for s in [*breaks, selector]))
        trial = html.render(stylesheets=[*stylesheets, css], **options)
        trial_strays = strays(trial)
        if any(n is note for n, _ in trial_strays):
            left.add(note)
        else:
            document, found = trial, trial_strays
            breaks.append(selector)
    return document


def strays(document: Document) -> list[tuple[object, int]]:
    """The notes laid out on another page than their call's, or on none: (the note's element, its
    call's page index), in page order. A call is a `::footnote-call` box of the note's element in
    the flow; the note, a box of that element in the page's footnote area."""
    calls: dict[object, int] = {}
    notes: dict[object, int] = {}
    for number, page in enumerate(document.pages):
        for box in weasy.page_flow(page).descendants():
            if box.element_tag.endswith("::footnote-call"):
                calls.setdefault(box.element, number)
        for box in weasy.page_notes(page):
            notes.setdefault(box.element, number)
    return [(note, page) for note, page in calls.items() if notes.get(note) != page]


def _break_selector(document: Document, page: int) -> str | None:
    """A CSS selector for the block that takes the room of page `page`'s notes: the page's last
    block, or a heading before it that is kept with it. None when that block begins on an earlier
    page or heads the page, where a break would move nothing."""
    flow = weasy.page_flow(document.pages[page])
    earlier = {box.element for box in weasy.page_flow(document.pages[page - 1]).descendants()} if page else set()
    path = [flow]  # from the page's root box down its last blocks
    while children := weasy.flow_blocks(path[-1]):
        path.append(children[-1])
    while len(path) > 1:
        box, parent = path[-1], path[-2]
        if box.element in earlier:
            return None
        siblings = weasy.flow_blocks(parent)
        before = siblings[siblings.index(box) - 1] if siblings.index(box) else None
        if before is None:  # first in its parent here: the break goes before the parent
            path.pop()
        elif before.style["break_after"] in ("avoid", "avoid-page"):
            path[-1] = before
        else:
            return _selector([b.element for b in path])
    return None


def _selector(elements: list[Any]) -> str:
    """A selector for the last of `elements` (a path down the document tree): its nearest
    ancestor with an id, then child by child."""
    from tinycss2.serializer import serialize_identifier

    path: list[Any] = []
    for element in elements:  # anonymous boxes repeat their parent's element
        if not path or element is not path[-1]:
            path.append(element)
    steps = [":root"]
    for parent, child in pairwise(path):
        if child.get("id"):
            steps = [f"#{serialize_identifier(child.get('id'))}"]
        else:  # the child's place among its parent's elements (not its comments)
            steps.append(f":nth-child({[c for c in parent if isinstance(c.tag, str)].index(child) + 1})")
    return " > ".join(steps)


def warn_strays(book: Book, notes: NotePlacement, folios: Mapping[str, str], diagnostics: Diagnostics) -> None:
    """Name each note printed on another page than its call (a note taller than the room a
    page has for notes) or on none, with the pages' `folios` (each anchor's first page). Endnotes
    have pages of their own."""
    if notes != NotePlacement.FOOTNOTES:
        return
    for chapter in book.chapters():
        for note in chapter.notes:
            call = folios.get(f"{chapter.id}-nref{note.number}")
            printed = folios.get(f"{chapter.id}-n{note.number}")
            if call and call != printed:
                diagnostics.warn(f"note {note.number} is called on page {call} but "
                                 + (f"printed on page {printed}" if printed else "not printed"), note.where,
                                 "a note must fit in the room a page has for notes: shorten it, or split it")  # fmt: skip
