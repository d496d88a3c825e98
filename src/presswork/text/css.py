"""What a stylesheet would load, and what it leaves open: a book's CSS may load nothing (a url() or
@import would reach outside the book or the network) and must not swallow the stylesheet after it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pathlib import Path

import tinycss2
from tinycss2.ast import Node

STYLES = Path("styles")  # the book's stylesheets, in its folder
LOADS = "may not load other files (url() or @import)"
NO_LOADS = "remove the rule; presswork embeds its own fonts, and images belong in the Markdown"
# CSS functions whose arguments name files to load.
_URL_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set"}


def first_load(text: str) -> Node | None:
    """The first url(), url-taking function or @import of a stylesheet, or None."""
    return next(_loads(tinycss2.parse_stylesheet(text)), None)


def unclosed(text: str) -> int | None:
    """The line where a comment, string or block left open at the end of `text` starts, or None.
    A stray `}` after the text shows it: only when nothing is open does the tokenizer report it
    unmatched at the top level; an open comment or string swallows it, an open block takes it."""
    last = tinycss2.parse_component_value_list(text + "}")[-1]
    return None if last.type == "error" and last.kind == "}" else last.source_line


def _loads(nodes: Iterable) -> Iterator:
    """Every url(), url-taking function and @import among CSS nodes, at any depth (not @namespace,
    whose URL only names a namespace)."""
    for node in nodes:
        if node.type == "url" or (node.type == "function" and node.lower_name in _URL_FUNCTIONS):
            yield node
        elif node.type == "at-rule" and node.lower_at_keyword == "import":
            yield node
        elif node.type == "at-rule" and node.lower_at_keyword == "namespace":
            continue
        for part in ("prelude", "content", "arguments"):
            yield from _loads(getattr(node, part, None) or ())
