"""Hook: a document laid out again with page rules added, from the first page they reach on.

A long-page try (layout/pagelength.py) lays a piece out again with a stylesheet of `@page :nth(N)`
rules. Such rules change no element's style, so the cascade of the elements, the box tree, and
every page before the first page the rules reach come out as the first layout made them; only the
pages from there on need laying out again. WeasyPrint already lays a document out page by page
from a kept state (`layout/page.py`: `make_all_pages` reuses a page unless its `page_maker` entry
asks for it to be made again, and `remake_page` marks the next page changed when where it begins
differs), for its own passes over page-based counters. This hook drives that loop from the state
the first layout had at the page the rules first reach:

- `render` lays a document out as `HTML.render` does, keeping its `LayoutContext`, root box, the
  pages as `make_all_pages` made them (before `layout_document` adds fixed and margin boxes) and
  the context's state at each page's start (the notes not yet placed, those carried over, running
  elements);
- `relayout` copies the context with its `style_for` extended by the new sheet (the cached styles
  of the page types the new rules reach dropped, WeasyPrint makes them again), gives
  `make_all_pages` the first pages as they were, the state at the first page reached, and
  `layout_document`'s own post-processing (margin boxes, named strings, bookmarks, backgrounds)
  runs over every page as in a full render. When a page after the ones the rules reach begins in
  the same state as the first layout's (same place in the flow, same notes waiting), the first
  layout's pages are taken from there on too. The target collector, which WeasyPrint shares
  between the layouts, is set back to where the first layout left it.

The result is what `HTML.render` with the extra stylesheet gives (tests/test_relayout.py compares
pages, lines and PDF bytes). Where that cannot be assured, `relayout` renders in full, as before:
WeasyPrint's sources not the ones checked (`CHECKED`, a digest of the functions relied on; checked
with WeasyPrint 70.0), a first layout that needed a second pass or whose content holds page-based
counters (`counter(pages)`, a `target-counter()` of a page), a sheet with element rules, rules
reaching the document's first page when a style of the document may use viewport units (the
first page's size sets them, and the elements' computed styles, shared with the first layout,
keep them: `_sizes_unused`), state this hook does not copy (floats or absolute boxes broken across
the page), or a second pass needed by the new layout.

The kept layouts share boxes: the pages taken from the first layout are its boxes (shallow copies
of the page and flow root boxes, so that each document gets its own margin boxes).
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections import defaultdict
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from hashlib import sha256
from typing import TYPE_CHECKING, Any

import weasyprint.layout as weasy_layout
from tinycss2 import ast as css_ast
from weasyprint.css import StyleFor
from weasyprint.css.properties import Dimension
from weasyprint.document import Document, Page
from weasyprint.formatting_structure import boxes
from weasyprint.layout import background as weasy_background
from weasyprint.layout import page as weasy_page
from weasyprint.layout.page import PageType

if TYPE_CHECKING:
    from weasyprint import CSS, HTML

# The functions whose behaviour the hook relies on, and the digest of their source in the
# WeasyPrint versions checked (70.0)
RELIED_ON = (Document._render, weasy_layout.layout_document, weasy_layout.initialize_page_maker,
             weasy_layout.LayoutContext, weasy_page.make_all_pages, weasy_page.remake_page, weasy_page.make_page,
             weasy_page.set_page_type_computed_styles, StyleFor, weasy_background.layout_backgrounds)  # fmt: skip
CHECKED = frozenset({"61a058c616c875eff984de21533dbf49067e49e6896039d4fa4fe58895c8662a"})  # 70.0
# The attributes of a LayoutContext (70.0): what carries over from page to page (`_CARRIED`), what
# each page sets afresh, the caches and settings shared, and what `layout_document` fills
_CARRIED = frozenset({"footnotes", "reported_footnotes", "rendered_notes", "running_elements", "broken_out_of_flow",
                      "_excluded_shapes", "_excluded_shapes_root_boxes"})  # fmt: skip
_CONTEXT = _CARRIED | {"style_for", "get_image_from_uri", "font_config", "counter_style", "target_collector",
                       "page_footnotes", "current_page_footnotes", "current_footnote_area", "page_bottom",
                       "string_set", "current_page", "forced_break", "in_column", "tables", "dictionaries",
                       "page_maker"}  # fmt: skip


def sources_digest() -> str:
    """The digest of the source of `RELIED_ON` in the installed WeasyPrint ('' without sources)."""
    try:
        text = "".join(inspect.getsource(item) for item in RELIED_ON)
    except (OSError, TypeError):
        return ""
    return sha256(text.encode()).hexdigest()


@functools.cache
def available() -> bool:
    """Whether the installed WeasyPrint is one the hook was checked with; if so, the hook is in
    place (`weasyprint.layout.make_all_pages`, the name `layout_document` calls, wrapped)."""
    if sources_digest() not in CHECKED:
        return False
    original = weasy_layout.make_all_pages
    if not hasattr(original, "__wrapped__"):
        pages = functools.partial(_make_all_pages, original)
        pages.__wrapped__ = original  # type: ignore[attr-defined]
        weasy_layout.make_all_pages = pages
        backgrounds = functools.partial(_layout_backgrounds, weasy_layout.layout_backgrounds)
        backgrounds.__wrapped__ = weasy_layout.layout_backgrounds  # type: ignore[attr-defined]
        weasy_layout.layout_backgrounds = backgrounds
    return True


@dataclass
class _Page:
    """A page box as `make_all_pages` made it: its children then (flow root, footnote area, note
    area) and its flow root's (`layout_document` replaces both lists afterwards)."""

    box: Any
    children: list[Any]
    flow: list[Any]

    def again(self) -> Any:
        """The page box for another document: the page and its flow root copied, their children
        the lists `make_all_pages` made, the rest shared."""
        box, root = self.box.copy(), self.children[0].copy()
        root.children = self.flow
        box.children = [root, *self.children[1:]]
        return box


@dataclass
class _Layout:
    """What laying a document out again needs of its layout."""

    context: Any
    root: Any
    pages: list[_Page] = field(default_factory=list)
    starts: list[dict[str, Any]] = field(default_factory=list)  # the context's `_CARRIED` state at each page's start, and at the end
    targets: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # `_targets` once laid out


@dataclass
class Kept:
    """A document as `HTML.render` lays it out, with what `relayout` needs to lay it out again."""

    document: Document
    html: HTML
    stylesheets: list[CSS]
    options: dict[str, Any]
    layout: _Layout | None  # None: a relayout renders in full


@dataclass
class _Record:
    """A layout being recorded (`render`): usable when WeasyPrint made one pass over the pages."""

    layout: _Layout | None = None
    passes: int = 0


@dataclass
class _Again:
    """A layout being made again from `base` with `style_for`, from page `first` on; `reached`, the
    last page of `base` whose page type the new rules reach."""

    base: _Layout
    first: int
    reached: int
    layout: _Layout | None = None
    taken: dict[int, tuple[Any, list[Any]]] = field(default_factory=dict)  # id -> (page box taken, its flow as made)


class _Unsure(Exception):
    """The layout being made again needs what the hook does not do: render in full."""


_job: ContextVar[_Record | _Again | None] = ContextVar("relayout_job", default=None)


def render(html: HTML, stylesheets: list[CSS], **options: Any) -> Kept:
    """`html.render(stylesheets=stylesheets, **options)`, kept for `relayout`."""
    record = _Record()
    token = _job.set(record if available() else None)
    try:
        document = html.render(stylesheets=stylesheets, **options)
    finally:
        _job.reset(token)
    layout = record.layout
    if layout is None or record.passes > 1 or layout.context.target_collector.counter_lookup_items:
        return Kept(document, html, stylesheets, options, None)  # a second pass, or page-based counters in content
    layout.targets = _targets(layout.context)
    return Kept(document, html, stylesheets, options, layout)


def relayout(kept: Kept, extra: CSS) -> Kept:
    """`kept`'s document laid out again with `extra` (page rules only) after its stylesheets: what
    `render` with the stylesheets and `extra` gives, laying out only the pages from the first one
    `extra` reaches (and the pages after them that begin differently), else in full."""
    base = kept.layout
    stylesheets = [*kept.stylesheets, extra]
    if base is None or extra.matcher.order or not available():
        return render(kept.html, stylesheets, **kept.options)
    reached = [number for number, page in enumerate(base.pages) if _reaches(extra, page.box.page_type)]
    first = reached[0] if reached else len(base.pages)
    if first == 0 and not _sizes_unused(base.context.style_for, extra) or not _plain(base.starts[first]):
        return render(kept.html, stylesheets, **kept.options)
    style_for = copy.copy(base.context.style_for)
    style_for._sheets = [*style_for._sheets, (extra, "user", None)]  # as get_all_computed_styles lists user sheets
    kinds = {key[0] for styles in (style_for._cascaded_styles, style_for._computed_styles) for key in styles
             if isinstance(key[0], PageType)}  # fmt: skip
    dropped = {kind for kind in kinds if _reaches(extra, kind)}
    style_for._cascaded_styles = {k: v for k, v in style_for._cascaded_styles.items() if k[0] not in dropped}
    style_for._computed_styles = {k: v for k, v in style_for._computed_styles.items() if k[0] not in dropped}
    context = copy.copy(base.context)
    context.style_for = style_for
    context.string_set = defaultdict(lambda: defaultdict(list))
    context.footnotes = list(base.starts[0]["footnotes"])  # as the first layout began
    for name, (index, values) in base.targets.items():  # the targets' pages as the first layout left them
        item = context.target_collector.target_lookup_items[name]
        item.page_maker_index, item.cached_page_counter_values = index, values
    job = _Again(base, first, reached[-1] if reached else -1)
    token = _job.set(job)
    try:
        boxes = list(weasy_layout.layout_document(kept.html, base.root, context))
    except _Unsure:
        return render(kept.html, stylesheets, **kept.options)
    finally:
        _job.reset(token)
    assert job.layout is not None
    job.layout.targets = _targets(context)
    document = kept.document.copy([Page(box) for box in boxes])
    document._html = kept.html  # as Document._render sets it
    return Kept(document, kept.html, stylesheets, kept.options, job.layout)


def _make_all_pages(original: Any, context: Any, root_box: Any, html: Any, pages: list[Any]) -> Iterator[Any]:
    """`make_all_pages` (layout/page.py), recording a layout for `render` or making one again for
    `relayout`; as it is otherwise."""
    job = _job.get()
    if isinstance(job, _Record):
        yield from _record(job, original, context, root_box, html, pages)
    elif isinstance(job, _Again):
        yield from _again(job, original, context, root_box, html)
    else:
        yield from original(context, root_box, html, pages)


def _record(job: _Record, original: Any, context: Any, root_box: Any, html: Any, pages: list[Any]) -> Iterator[Any]:
    """The first pass over the pages: each page and the state at its start recorded (not when the
    context holds what the hook does not know)."""
    job.passes += 1
    if job.passes > 1 or set(vars(context)) != _CONTEXT:  # a further pass: page-based counters
        yield from original(context, root_box, html, pages)
        return
    job.layout = layout = _Layout(context, root_box)
    layout.starts.append(_state(context))
    for page in original(context, root_box, html, pages):
        layout.pages.append(_Page(page, page.children, page.children[0].children))
        layout.starts.append(_state(context))
        yield page


def _again(job: _Again, original: Any, context: Any, root_box: Any, html: Any) -> Iterator[Any]:
    """The pass over the pages of `relayout`: the first layout's pages before `job.first`, then
    pages made from the state the first layout had there, until one begins as in the first layout
    after the pages the new rules reach; the first layout's pages from there on."""
    if job.layout is not None:  # the new layout needs a further pass
        raise _Unsure
    base, first = job.base, job.first
    job.layout = layout = _Layout(context, root_box)
    kept = [page.again() for page in base.pages]
    entries = [_entry(entry) for entry in base.context.page_maker]
    if first < len(base.pages):
        entries[first][-1]["content_changed"] = True
    context.page_maker = list(entries)
    _restore(context, base.starts[first])
    layout.starts.append(base.starts[0])
    taken = False
    for number, page in enumerate(original(context, root_box, html, kept)):
        taken = number < len(kept) and page is kept[number]
        if taken:  # taken from the first layout
            job.taken[id(page)] = (page, base.pages[number].flow)
            layout.pages.append(base.pages[number])
            layout.starts.append(base.starts[number + 1])
        else:
            layout.pages.append(_Page(page, page.children, page.children[0].children))
            state = _state(context)
            after = number + 1
            following = context.page_maker[after] if after < len(context.page_maker) else None
            if following is not None and (following[0] is not None or context.reported_footnotes):
                # WeasyPrint takes the first layout's next page where it finds that the page begins
                # as it did there, and where the page is one of notes alone (it makes such a page
                # only with no first layout): it is made unless the context's state is the same
                # too and the new rules do not reach it
                if not (after < len(entries) and following is entries[after] and job.reached < after < len(base.pages)
                        and _same(state, base.starts[after])):  # fmt: skip
                    following[-1]["content_changed"] = True
            layout.starts.append(state)
        yield page
    if taken and len(layout.pages) < len(base.pages):
        # WeasyPrint stops after a page it takes whose flow is done, though notes wait for the
        # pages after it (`make_all_pages` forgets them for a page taken): those pages are the
        # first layout's, as the page taken is
        context.page_maker[len(layout.pages) + 1:] = entries[len(layout.pages) + 1:]
        for number in range(len(layout.pages), len(base.pages)):
            layout.pages.append(base.pages[number])
            layout.starts.append(base.starts[number + 1])
            job.taken[id(kept[number])] = (kept[number], base.pages[number].flow)
            yield kept[number]


def _layout_backgrounds(original: Any, page: Any, get_image_from_uri: Any) -> None:
    """`layout_backgrounds` (layout/background.py), but for a page `relayout` took from the first
    layout with its flow as it was (no fixed box added): only its margin boxes, made anew. Its
    other boxes are the first layout's, and its page box and flow root copies of that layout's,
    with the backgrounds that layout gave them (the canvas's too)."""
    job = _job.get()
    taken = job.taken.get(id(page)) if isinstance(job, _Again) else None
    if taken is None or taken[0] is not page or not _identical(page.children[0].children, taken[1]):
        original(page, get_image_from_uri)
        return
    for child in page.children:
        if isinstance(child, boxes.MarginBox):
            weasy_background.layout_box_backgrounds(page, child, get_image_from_uri)


def _identical(items: list[Any], others: list[Any]) -> bool:
    """Whether two lists hold the same objects, in the same order."""
    return len(items) == len(others) and all(a is b for a, b in zip(items, others))


def _targets(context: Any) -> dict[str, tuple[Any, Any]]:
    """Where the layout left each anchor of the (shared) target collector: its page index and page
    counters, which `make_page` sets for the anchors of the pages it makes (margin boxes'
    `target-counter()` read them)."""
    return {name: (item.page_maker_index, item.cached_page_counter_values)
            for name, item in context.target_collector.target_lookup_items.items()}  # fmt: skip


def _entry(entry: tuple) -> tuple:
    """A copy of a `page_maker` entry of a finished layout as it was while its pages were made:
    `layout_document` sets the `pages` counter of every entry to the page count afterwards."""
    resume_at, next_page, right_page, page_state, remake_state = entry
    page_state = copy.deepcopy(page_state)
    page_state[1]["pages"] = [0]  # initialize_page_maker's
    remake_state = {key: list(value) if isinstance(value, list) else value for key, value in remake_state.items()}
    return resume_at, next_page, right_page, page_state, remake_state


def _state(context: Any) -> dict[str, Any]:
    """The context's `_CARRIED` state, copied."""
    return {
        "footnotes": list(context.footnotes),
        "reported_footnotes": list(context.reported_footnotes),
        "rendered_notes": None if context.rendered_notes is None else list(context.rendered_notes),
        "running_elements": {name: {page: list(boxes) for page, boxes in pages.items()}
                             for name, pages in context.running_elements.items()},  # fmt: skip
        "broken_out_of_flow": dict(context.broken_out_of_flow),
        "_excluded_shapes": dict(context._excluded_shapes),
        "_excluded_shapes_root_boxes": list(context._excluded_shapes_root_boxes),
    }


def _plain(state: dict[str, Any]) -> bool:
    """Whether a page begins with no float or absolute box broken across its start (the boxes
    the hook does not copy)."""
    return not (state["broken_out_of_flow"] or state["_excluded_shapes"] or state["_excluded_shapes_root_boxes"])


def _restore(context: Any, state: dict[str, Any]) -> None:
    """The context's `_CARRIED` state set to copies of `state`'s."""
    context.footnotes = list(state["footnotes"])
    context.reported_footnotes = list(state["reported_footnotes"])
    context.rendered_notes = None if state["rendered_notes"] is None else list(state["rendered_notes"])
    context.running_elements = defaultdict(lambda: defaultdict(list))
    for name, pages in state["running_elements"].items():
        for page, boxes in pages.items():
            context.running_elements[name][page] = list(boxes)
    context.broken_out_of_flow = {}
    context._excluded_shapes = {}
    context._excluded_shapes_root_boxes = []


def _same(state: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether two pages begin in the same `_CARRIED` state: the same notes waiting and carried
    over, no running element or broken float anywhere."""
    return (_identical(state["footnotes"], other["footnotes"])
            and _identical(state["reported_footnotes"], other["reported_footnotes"])
            and _identical(state["rendered_notes"] or [], other["rendered_notes"] or [])
            and not any(boxes for pages in (*state["running_elements"].values(), *other["running_elements"].values())
                        for boxes in pages.values())
            and _plain(state) and _plain(other))  # fmt: skip


def _sizes_unused(style_for: StyleFor, extra: CSS) -> bool:
    """Whether no style of the document can use the first page's size: no viewport unit in the
    values any element's declarations give it (the cascade WeasyPrint made of every element, style
    attributes included, kept by its computed style), nor in the page rules of its sheets and of
    `extra`. Then a new first page changes no computed style, and a layout made again from it is
    the full render's."""
    sheets = [sheet for sheet, _origin, _specificity in style_for._sheets] + [extra]
    return not (any(_viewport(value) for style in style_for._computed_styles.values()
                    for value, _weight in getattr(style, "cascaded", {}).values())
                or any(_viewport(declarations) for sheet in sheets for _rule, _selectors, declarations in sheet.page_rules))  # fmt: skip


# CSS Values 4's viewport-percentage units and WeasyPrint's page ones (70 has the set as `css.units.VIEWPORT_UNITS`; 68 has not)
VIEWPORT_UNITS = frozenset(f"{size}{axis}" for size in ("", "l", "s", "d", "p") for axis in ("vw", "vh", "vi", "vb", "vmin", "vmax"))


def _viewport(value: Any) -> bool:
    """Whether a declared value (as WeasyPrint keeps it) may hold a viewport length: a dimension or
    a CSS token in a viewport unit, or a value of a kind this does not know."""
    if value is None or isinstance(value, (str, int, float)):
        return False
    if isinstance(value, (Dimension, css_ast.DimensionToken)):
        return str(value.unit).lower() in VIEWPORT_UNITS
    if isinstance(value, (tuple, list)):
        return any(_viewport(item) for item in value)
    if isinstance(value, css_ast.FunctionBlock):
        return _viewport(value.arguments)
    if isinstance(value, (css_ast.ParenthesesBlock, css_ast.SquareBracketsBlock, css_ast.CurlyBracketsBlock)):
        return _viewport(value.content)
    return not isinstance(value, (css_ast.IdentToken, css_ast.LiteralToken, css_ast.WhitespaceToken, css_ast.StringToken,
                                  css_ast.NumberToken, css_ast.PercentageToken, css_ast.HashToken, css_ast.URLToken))  # fmt: skip


def _reaches(sheet: CSS, page_type: Any) -> bool:
    """Whether one of `sheet`'s page rules matches `page_type` (WeasyPrint's own matching)."""
    return any(StyleFor._page_type_match(selector[2], page_type)
               for _rule, selectors, _declarations in sheet.page_rules for selector in selectors)  # fmt: skip

