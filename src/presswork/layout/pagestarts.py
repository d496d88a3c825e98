"""Where in its block's text each laid-out page begins, so that the EPUB's page-break marker can
stand at the word a printed page begins with, not before the paragraph the page began in.

A page's start is measured as the letters and digits (`pagemap.letters`) of the block's own text
laid out on the pages before it: white space, line breaks and hyphenation do not change that count,
and the EPUB counts the same text the same way (`render/pagebreaks.py`). Text a stylesheet
generates (`::footnote-call`, `::marker`, `::before`) and notes (`pagemap.UNCOUNTED`) are not the
block's own text, on either side.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from ..pagemap import UNCOUNTED, letters
from ..weasy import layout as weasy


class PageStarts:
    """Fed a piece's pages in order; for each, the blocks (by id) its text begins inside of."""

    def __init__(self) -> None:
        self.laid: Counter[str] = Counter()  # element id -> letters of its text on the pages so far

    def page(self, page: Any) -> dict[str, int]:
        """Each element (by id) holding the first text of `page`, and the letters of its text on
        earlier pages: the page begins that far into it (0: at its start)."""
        starts: dict[str, int] | None = None
        for text, ids in _texts(weasy.page_flow(page), ()):
            if starts is None and text.strip():
                starts = {ident: self.laid[ident] for ident in ids}
            count = letters(text)
            for ident in ids:
                self.laid[ident] += count
        return starts or {}


def _texts(box: Any, ids: tuple[str, ...]) -> Iterator[tuple[str, tuple[str, ...]]]:
    """The text of the block's own text boxes under `box`, in order, with the ids of the elements
    around each."""
    if "::" in (box.element_tag or ""):
        return
    element = box.element
    if element is not None:
        if UNCOUNTED & set(element.get("class", "").split()):
            return
        ident = element.get("id")
        if ident and ident not in ids:
            ids = (*ids, ident)
    if weasy.is_text(box):
        yield box.text, ids
        return
    for child in box.all_children():
        yield from _texts(child, ids)
