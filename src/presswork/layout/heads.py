"""Running heads that fit one line. A recto's head is its chapter's short title, set as print.css's
@top-center sets it (8.5 pt small capitals of the book face, 0.05 em letter-spacing) and measured
with HarfBuzz on the shipped font; one wider than the room between the folios is cut after the last
whole word that fits, with an ellipsis. The room is the text block at the widest gutter a book can
have (KDP's for 828 pages), less the folios' boxes, so that `check` and every layout pass agree
whatever the page count."""

from __future__ import annotations

import html
import re

from ..model import GUTTER_BY_PAGES, PrintOptions
from .shaping import shaped

SIZE = 8.5  # pt, print.css @top-center
TRACKING = 0.05  # em, print.css @top-center
FOLIO = 0.5  # inches each side of the head: the folio's box and the space beside it
ELLIPSIS = "…"
_HEAD = re.compile(r'(<section\b[^>]*\bdata-running-head=")([^"]*)(")')


def width(text: str) -> float:
    """`text`'s width in points as the running head sets it (small capitals, letter-spaced)."""
    advance, glyphs = shaped(text, caps=True)
    return (advance + TRACKING * glyphs) * SIZE


def room(options: PrintOptions) -> float:
    """Points a head may take: the narrowest text block the options can give, less the folios."""
    widest_gutter = max(options.inside, GUTTER_BY_PAGES[-1][1])
    return (options.width - options.outside - widest_gutter - 2 * FOLIO) * 72


def fitted(text: str, options: PrintOptions) -> str:
    """`text` if it fits one line of the head, else its longest run of whole words that fits, with
    an ellipsis (the first word alone, cut, when even that is too wide)."""
    space = room(options)
    if width(text) <= space:
        return text
    words = text.split()
    for end in range(len(words) - 1, 0, -1):
        cut = " ".join(words[:end]).rstrip(",;:.–—-") + ELLIPSIS
        if width(cut) <= space:
            return cut
    cut = words[0]
    while cut and width(cut + ELLIPSIS) > space:
        cut = cut[:-1]
    return cut + ELLIPSIS


def fit_heads(body: str, options: PrintOptions) -> str:
    """A rendered piece's body with every `data-running-head` fitted to one line."""

    def one(match: re.Match[str]) -> str:
        head = html.unescape(match[2])
        short = fitted(head, options)
        return match[0] if short == head else match[1] + html.escape(short) + match[3]

    return _HEAD.sub(one, body)


def short_title(title: str, options: PrintOptions) -> str:
    """A short title for a head `title` overflows (the importer writes it for the editor to improve):
    the main title before a subtitle (after ':', ' — ' or ' – ') when that fits, else `fitted`."""
    if width(title) <= room(options):
        return title
    main = re.split(r":\s| [—–] ", title, maxsplit=1)[0].strip()
    return main if main != title and width(main) <= room(options) else fitted(title, options)
