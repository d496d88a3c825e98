"""The EPUB's page-break markers, placed in a block's XHTML at the word where a printed page begins.

The page map gives a page that begins inside a block as the letters and digits of the block's own
text before it (`pagemap.letters`, counted in the print layout by `layout/pagestarts.py`); here
the same letters are counted in the block's markup, note calls aside (`pagemap.UNCOUNTED`), and
the marker goes before the word holding the next one, with its opening quote or bracket: a word
hyphenated across two pages gets its marker before the whole word, so that a reader sent to the
page reads all of its text (one broken after a dash, "1465–|1468", after the dash, as printed).
"""

from __future__ import annotations

import html
import re
import unicodedata

from ..pagemap import UNCOUNTED, letters

_PIECES = re.compile(r"(<[^>]*>)")  # the renderer's markup: no raw HTML, attribute values escaped
_UNIT = re.compile(r"&[#\w]+;|[^&]|&")  # a character or an entity
_CLASSES = re.compile(r'\sclass="([^"]*)"')
_VOID = {"br", "hr", "img", "wbr", "col", "source"}


def marker(label: str) -> str:
    """The empty element that marks where printed page `label` begins."""
    return f'<span id="page-{label}" class="pagebreak" epub:type="pagebreak" role="doc-pagebreak" aria-label="{label}"></span>'


def place_markers(block: str, starts: list[tuple[str, int]]) -> str:
    """`block`'s markup with a marker for each (page label, letters before the page) in
    `starts`, in reading order; one whose letters the block does not have goes at its end."""
    pending = sorted(starts, key=lambda start: start[1])
    out: list[str] = []
    counted, skipping = 0, 0  # letters so far; depth inside an uncounted element
    for piece in _PIECES.split(block):
        if piece.startswith("<"):
            skipping = _depth(piece, skipping)
            out.append(piece)
        elif skipping or not pending:
            out.append(piece)
        else:
            text, counted = _mark(piece, counted, pending)
            out.append(text)
    out.extend(marker(label) for label, _ in pending)
    return "".join(out)


def _depth(tag: str, skipping: int) -> int:
    """The depth inside an uncounted element (note call) after `tag`."""
    name = tag[1:].split(None, 1)[0].rstrip("/>").lstrip("/")
    if tag.endswith("/>") or name in _VOID:
        return skipping
    if tag.startswith("</"):
        return max(skipping - 1, 0)
    if skipping:
        return skipping + 1
    classes = _CLASSES.search(tag)
    return 1 if classes and UNCOUNTED & set(classes.group(1).split()) else 0


def _mark(text: str, counted: int, pending: list[tuple[str, int]]) -> tuple[str, int]:
    """One run of text with the markers of pages beginning in it put in (taken from `pending`),
    and the letters counted after it."""
    units = _UNIT.findall(text)
    chars = [html.unescape(unit) for unit in units]
    out = []
    for number, char in enumerate(chars):
        if letters(char):
            while pending and pending[0][1] <= counted:
                out.append((_word_start(chars, number), marker(pending.pop(0)[0])))
            counted += letters(char)
    pieces, at = [], 0
    for index, mark in out:
        pieces += ["".join(units[at:index]), mark]
        at = index
    pieces.append("".join(units[at:]))
    return "".join(pieces), counted


def _word_start(chars: list[str], index: int) -> int:
    """Where the word holding `chars[index]` begins in this run of text: its letters before it
    (hyphenation breaks a word between letters), then an opening quote or bracket."""
    while index and chars[index - 1].isalnum():
        index -= 1
    while index and unicodedata.category(chars[index - 1][:1]) in ("Ps", "Pi"):
        index -= 1
    return index
