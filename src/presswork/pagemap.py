"""Where the print edition's pages begin, for the EPUB's page list and the index's locators.

The layout stage records, for every printed page, roman ones included, the block (paragraph,
heading, figure, glossary entry, table row …) in which that page begins, how far into the block's
text when it begins inside one (so that the EPUB's marker stands at that word), and for every index
anchor the page it falls on. Plain data beside the model: the renderer and the EPUB read it without the print layout
(the pipeline keeps it in the build cache as JSON: laying out costs seconds to minutes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONTENTS = "contents"  # the block of the printed contents, which an EPUB's navigation document stands for
UNCOUNTED = frozenset({"noteref", "footnote"})  # classes of a block's text that is not its own: note calls, notes


def letters(text: str) -> int:
    """How a page's start is measured in its block's text: letters and digits, which white space,
    line breaking and hyphenation leave the same in print and on screen."""
    return sum(c.isalnum() for c in text)


@dataclass
class PageMap:
    labels: dict[str, str] = field(default_factory=dict)  # index anchor id -> page label
    breaks: dict[str, list[str]] = field(default_factory=dict)  # block id -> labels of pages beginning in it
    pages: list[str] = field(default_factory=list)  # every page label, in order
    starts: dict[str, int] = field(default_factory=dict)  # page label -> `letters` of its block before it, if inside one
