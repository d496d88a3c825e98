"""The index's locators linked after layout. Laid out as one run of text per entry (see
`render.back.index_html(plain_locators=True)`), the index takes WeasyPrint a seventh of the time
an inline box per locator costs; each locator's link is then placed over its text, measured in
the Pango layout WeasyPrint drew the line with, and written by WeasyPrint like any other link.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import PressworkError
from ..render.back import LOCATOR_SEPARATOR
from ..weasy import layout as weasy


@dataclass
class _Locators:
    """One entry's run of locators as its fragments (a line or column each) come by."""

    text: str
    spans: list[tuple[int, int, str]]  # (start, end, link target) in `text`
    cursor: int = 0


def link_locators(pages: list[Any]) -> None:
    """Add a link to each locator's text on WeasyPrint's `pages`, as an `<a>` would have had."""
    runs: dict[int, _Locators] = {}
    for page in pages:
        for box, line, run_element in _text_in_runs(weasy.page_box(page), None, None):
            run = runs.get(id(run_element))
            if run is None:
                run = runs[id(run_element)] = _run(run_element)
            page.links.extend(_links(box, line, run))


def _run(element: Any) -> _Locators:
    text = "".join(element.itertext())
    targets = element.get("data-targets", "").split()
    spans, start = [], 0
    for label, target in zip(text.split(LOCATOR_SEPARATOR), targets):
        spans.append((start, start + len(label), target))
        start += len(label) + len(LOCATOR_SEPARATOR)
    return _Locators(text, spans)


def _text_in_runs(box: Any, parent: Any, run: Any) -> Iterator[tuple[Any, Any, Any]]:
    """The text boxes inside locator runs, in order, with the run's box on their line (whose
    height an `<a>`'s link would have had) and the run's element."""
    if (box.element_tag or "").endswith(("::before", "::after")):  # a stylesheet's generated text, not the run's
        return
    element = box.element
    if element is not None and element.get("data-targets") is not None:
        run = element
    if weasy.is_text(box):
        if run is not None:
            yield box, parent, run
        return
    for child in box.all_children():
        yield from _text_in_runs(child, box, run)


def _links(box: Any, line: Any, run: _Locators) -> Iterator[tuple[str, str, tuple[float, float, float, float], Any]]:
    """The links over the locators (or their parts) that this fragment of the run shows."""
    text, hyphen = box.text, box.style["hyphenate_character"]
    while run.cursor < len(run.text) and run.text[run.cursor] == " " and not text.startswith(" "):
        run.cursor += 1  # the space a line break took
    begin = run.cursor
    if not _same(run.text[begin:begin + len(text)], text) and text.endswith(hyphen):
        text = text[:-len(hyphen)]  # a locator hyphenated at the line's end
    if not _same(run.text[begin:begin + len(text)], text):
        raise PressworkError(f"the index's page numbers came out as {box.text!r} where {run.text[begin:]!r} was set, so they "
                             "cannot be linked", None, "remove the house style's rule that changes the index's text")  # fmt: skip
    run.cursor += len(text)
    with weasy.character_positions(box) as x:
        for start, end, target in run.spans:
            left, right = max(start, begin), min(end, begin + len(text))
            if left < right:
                x0, x1 = x(len(text[:left - begin].encode())), x(len(text[:right - begin].encode()))
                top = line.position_y  # WeasyPrint's hit area of an inline box: its line height
                rectangle = (box.position_x + x0, top, box.position_x + x1, top + line.margin_height())
                yield weasy.external_link(target, rectangle)


def _same(written: str, laid_out: str) -> bool:
    """Whether a fragment shows the run's text, in whatever case a stylesheet's text-transform gave it."""
    return written.casefold() == laid_out.casefold() and len(written) == len(laid_out)
