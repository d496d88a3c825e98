"""Hook into WeasyPrint's margin boxes: a page's running head and folio box laid out once for each
way they can look, not once a page. Checked with WeasyPrint 70.0 (`layout/__init__.py`'s
`layout_document`, `layout/page.py`'s `make_margin_boxes`; 68.0's and 69.0's read alike).

A piece's pages carry margin boxes (the running head, and a hidden folio of four digits that holds
the place of the one stamped at assembly); WeasyPrint builds the sixteen margin boxes of every
page, resolves their sizes and lays their text out again for each page (a tenth of a piece's
layout), though most pages of a piece have the same boxes with the same text. The boxes a page's
margins get depend on the styles of the page and of its margin boxes, the page's size and margins,
and what their `content` says; where that content is text or named strings (`string()`), the
boxes laid out for the first page alike are copied (`deepcopy`) for the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import weasyprint.layout as weasy_layout
from weasyprint.formatting_structure.boxes import InlineBox, LineBox, MarginBox, TextBox

# The margin boxes CSS defines (css-page-3), each looked up for every page by `make_margin_boxes`
AT_KEYWORDS = tuple(f"@{side}-{where}" for side, wheres in (("top", "left center right"), ("bottom", "left center right"),
                                                           ("left", "top middle bottom"), ("right", "top middle bottom"))
                    for where in wheres.split()) + ("@top-left-corner", "@top-right-corner", "@bottom-left-corner",
                                                    "@bottom-right-corner")  # fmt: skip
_PLAIN = (MarginBox, LineBox, InlineBox, TextBox)  # what a kept margin box may hold


def margin_boxes_laid_out_once() -> bool:
    """Hook: `weasyprint.layout.make_margin_boxes(context, page, state)` (the name
    `layout_document` calls for each page, a generator of the page's laid-out margin boxes)
    wrapped, so that its boxes are kept, within one document's layout (on WeasyPrint's
    `LayoutContext`), by what they depend on — the cascaded styles (`ComputedStyle.cascaded`) of the
    page and of each margin box, the page's margins and border box, and the text of every `string()`
    their content names for this page (`LayoutContext.get_string_set_for`) — and copies of them are
    the next pages'. Cascaded styles are compared by their `repr` (numbers, strings, tuples, lists,
    `Dimension`s, tokens: each says all it holds; an object with no `repr` of its own names its
    address, and never matches). Pages whose margin boxes' content is anything else (counters,
    quotes, `element()`, targets, images) are laid out as WeasyPrint does. Idempotent."""
    original = weasy_layout.make_margin_boxes
    if hasattr(original, "__wrapped__"):  # done already
        return True

    def make_margin_boxes(context: Any, page: Any, state: Any) -> Iterator[Any]:
        key = _key(context, page)
        if key is None:
            return original(context, page, state)
        kept = context.__dict__.setdefault("_presswork_margin_boxes", {})
        if (boxes := kept.get(key)) is None:
            boxes = list(original(context, page, state))
            if not all(type(b) in _PLAIN for box in boxes for b in box.descendants(placeholders=True)):
                return iter(boxes)
            kept[key] = [box.deepcopy() for box in boxes], page.style  # the page's style kept: what the key's styles inherit
            return iter(boxes)
        return iter([box.deepcopy() for box in boxes[0]])

    make_margin_boxes.__wrapped__ = original  # type: ignore[attr-defined]
    weasy_layout.make_margin_boxes = make_margin_boxes
    return True


def _key(context: Any, page: Any) -> tuple | None:
    """What `page`'s margin boxes depend on, or None where their content is more than text and
    named strings."""
    styles = []
    strings = []
    for at_keyword in AT_KEYWORDS:
        style = context.style_for(page.page_type, at_keyword)
        if style is None:
            styles.append(None)
            continue
        content = style["content"]
        if content not in ("normal", "inhibit", "none"):
            for kind, value in content:
                if kind == "string()":
                    strings.append(context.get_string_set_for(page, *value))
                elif kind != "string":
                    return None
        styles.append(repr(style.cascaded))
    return (tuple(styles), repr(page.style.cascaded), id(page.style.parent_style), tuple(strings), page.margin_top,
            page.margin_right, page.margin_bottom, page.margin_left, page.border_width(), page.border_height())  # fmt: skip
