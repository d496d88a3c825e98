"""The stylesheet family: presswork's own styles, overridden or extended by the book's styles/ folder."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import tinycss2
from tinycss2.ast import Node

from ..errors import Diagnostics, Location, PressworkError
from ..load.sources import read_text, require_file, resolve_inside

SHIPPED = Path(__file__).parent.parent / "styles"
STYLES = Path("styles")
# CSS functions whose arguments name files to load.
_URL_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set"}
_LOADS = "may not load other files (url() or @import)"
_NO_LOADS = "remove the rule; presswork embeds its own fonts, and images belong in the Markdown"


def stylesheet(root: Path, layers: tuple[str, ...], diagnostics: Diagnostics) -> str:
    """Concatenate the named layers (e.g. base, epub); a book's file of the same name replaces ours,
    and the book's other CSS files follow in name order."""
    texts = []
    for layer in layers:
        name = STYLES / f"{layer}.css"
        if (root / name).is_file() or (root / name).is_symlink():
            texts.append(_book_css(root, name, diagnostics))
        else:
            texts.append((SHIPPED / name.name).read_text(encoding="utf-8"))
    shipped_names = {p.name for p in SHIPPED.glob("*.css")}
    if (root / STYLES).is_dir():
        others = sorted(p.name for p in (root / STYLES).glob("*.css") if p.name not in shipped_names)
        texts += [_book_css(root, STYLES / name, diagnostics) for name in others]
    joined = "\n".join(texts)
    if _first_load(joined) is not None:  # each file passed on its own; joined, they must pass too
        raise PressworkError(f"the book's stylesheets joined {_LOADS}", Location(STYLES), _NO_LOADS)
    return joined


def _book_css(root: Path, name: Path, diagnostics: Diagnostics) -> str:
    """A CSS file of the book, which must lie inside the book and load nothing: a url() or @import
    would reach files outside the book (or the network) and make the EPUB invalid."""
    relative = resolve_inside(root, name.as_posix(), Location(name))
    require_file(root, relative, Location(name), "stylesheet")
    text = read_text(root, name, diagnostics)
    load = _first_load(text)
    if load is not None:
        raise PressworkError(f"the book's CSS {_LOADS}", Location(name, load.source_line), _NO_LOADS)
    open_at = _unclosed(text)
    if open_at is not None:
        raise PressworkError("the stylesheet ends inside an unclosed comment, string or block, which would swallow "
                             "the next stylesheet", Location(name, open_at), "close it")  # fmt: skip
    return text


def _first_load(text: str) -> Node | None:
    """The first url(), url-taking function or @import of a stylesheet, or None."""
    return next(_loads(tinycss2.parse_stylesheet(text)), None)


def _unclosed(text: str) -> int | None:
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
