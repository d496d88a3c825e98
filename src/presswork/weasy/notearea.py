"""Hook into WeasyPrint's footnote area: each note laid out once per page and place, not once
each time the page gains or loses a note. Checked with WeasyPrint 68.0, 69.0 and 70.0 (by reading
68.0's and 69.0's `layout/block.py` and `LayoutContext._update_footnote_area`, and running 70.0).

WeasyPrint makes room for a page's notes as it meets their calls: each note added (or moved
away) lays the whole footnote area out again, from a fresh copy of every note on the page
(`LayoutContext._update_footnote_area`), and the page lays it out once more when it is done.
A page with n notes lays its first note out n + 1 times: a sixth of a note-heavy book's layout.
Each of those layouts of one note, at one place of one page, does the same work on the same
input and gives the same boxes; so the first is kept (a copy), and the others are copies of it.
"""

from __future__ import annotations

import inspect
from math import inf
from typing import Any

from weasyprint.css import AnonymousStyle
from weasyprint.formatting_structure.boxes import BlockBox, FootnoteAreaBox, InlineBox, LineBox, TextBox
from weasyprint.layout import block

# The boxes a kept note may hold: text in lines, in blocks (no table, image, float or positioned
# box, whose layout keeps more than its boxes)
_PLAIN = (BlockBox, LineBox, InlineBox, TextBox)
_PARAMETERS = ["context", "box", "bottom_space", "skip_stack", "containing_block", "page_is_empty",
               "absolute_boxes", "fixed_boxes", "adjoining_margins", "first_letter_style",
               "first_line_style", "discard", "max_lines"]  # fmt: skip


def notes_laid_out_once() -> bool:
    """Hook: `weasyprint.layout.block.block_level_layout` (the name `_in_flow_layout` calls for
    each child of a block) wrapped, so that a note laid out in a footnote area (a child whose
    containing block is a `FootnoteAreaBox`) is laid out once for each input that can change
    its boxes — the note, its place (x, y, the area's width), the margins adjoining its top,
    whether it is first, the page, the floats beside it — and its laid-out boxes are copied
    (`deepcopy`) for the same input afterwards, within one document's layout (the cache lives on
    WeasyPrint's `LayoutContext`). A note is kept only when its layout changed nothing else: no
    float, positioned box or break (the area is laid out with no bottom limit), and only plain
    boxes (`_PLAIN`); and only a note's own box, not an anonymous block around inline notes (whose
    style, the area's, does not tell which notes it holds). Idempotent; False, leaving WeasyPrint as it is, where the function is not
    the one known (`_PARAMETERS`)."""
    original = block.block_level_layout
    if hasattr(original, "__wrapped__"):  # done already
        return True
    if list(inspect.signature(original).parameters) != _PARAMETERS:
        return False

    def block_level_layout(context: Any, box: Any, bottom_space: float, skip_stack: Any, containing_block: Any,
                           page_is_empty: bool = True, absolute_boxes: Any = None, fixed_boxes: Any = None,
                           adjoining_margins: Any = None, first_letter_style: Any = None, first_line_style: Any = None,
                           discard: bool = False, max_lines: Any = None) -> Any:  # fmt: skip
        args = (context, box, bottom_space, skip_stack, containing_block, page_is_empty, absolute_boxes, fixed_boxes,
                adjoining_margins, first_letter_style, first_line_style, discard, max_lines)  # fmt: skip
        if (not isinstance(containing_block, FootnoteAreaBox) or isinstance(box.style, AnonymousStyle)
                or bottom_space != -inf or skip_stack is not None
                or first_letter_style is not None or first_line_style is not None or adjoining_margins is None
                or absolute_boxes is None or fixed_boxes is None):  # fmt: skip
            return original(*args)
        shapes = _floats(context)
        area = containing_block
        key = (id(box.style), type(box), box.element_tag, box.position_x, box.position_y, id(area.style), area.position_x,
               area.width, area.height, page_is_empty, tuple(adjoining_margins), discard, max_lines, context.current_page,
               context.forced_break, context.in_column, shapes)  # fmt: skip
        kept = context.__dict__.setdefault("_presswork_notes", {})
        if (hit := kept.get(key)) is not None:
            laid_out, margins_after, same_margins, rest, _styles = hit
            adjoining_margins[:] = margins_after  # the layout appends to the list it is given
            resume_at, next_page, next_margins, collapsing_through, lines = rest
            return (laid_out.deepcopy(), resume_at, dict(next_page),
                    adjoining_margins if same_margins else list(next_margins), collapsing_through, lines)  # fmt: skip
        sizes = len(absolute_boxes), len(fixed_boxes), len(context.broken_out_of_flow)
        result = original(*args)
        new_box, resume_at, next_page, next_margins, collapsing_through, lines = result
        if (new_box is not None and resume_at is None and isinstance(next_page, dict) and _floats(context) == shapes
                and sizes == (len(absolute_boxes), len(fixed_boxes), len(context.broken_out_of_flow))
                and all(type(b) in _PLAIN for b in new_box.descendants(placeholders=True))):  # fmt: skip
            kept[key] = (new_box.deepcopy(), list(adjoining_margins), next_margins is adjoining_margins,
                         (resume_at, dict(next_page), list(next_margins), collapsing_through, lines),
                         (box.style, area.style))  # kept alive: their ids are in the key  # fmt: skip
        return result

    block_level_layout.__wrapped__ = original  # type: ignore[attr-defined]
    block.block_level_layout = block_level_layout
    return True


def _floats(context: Any) -> tuple:
    """The floats a block laid out now keeps clear of: where they are and their size."""
    return tuple((s.position_x, s.position_y, s.margin_width(), s.margin_height()) for s in context.excluded_shapes)
