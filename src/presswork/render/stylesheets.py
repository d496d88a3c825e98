"""The stylesheet family: presswork's own styles, overridden or extended by the book's styles/ folder."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import tinycss2

from ..errors import Diagnostics, Location, PressworkError
from ..load.sources import read_text, require_file, resolve_inside

SHIPPED = Path(__file__).parent.parent / "styles"
STYLES = Path("styles")
# CSS functions whose arguments name files to load.
_URL_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set"}


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
    return "\n".join(texts)


def _book_css(root: Path, name: Path, diagnostics: Diagnostics) -> str:
    """A CSS file of the book, which must lie inside the book and load nothing: a url() or @import
    would reach files outside the book (or the network) and make the EPUB invalid."""
    relative = resolve_inside(root, name.as_posix(), Location(name))
    require_file(root, relative, Location(name), "stylesheet")
    text = read_text(root, name, diagnostics)
    load = next(_loads(tinycss2.parse_stylesheet(text)), None)
    if load is not None:
        raise PressworkError(
            "the book's CSS may not load other files (url() or @import)",
            Location(name, load.source_line),
            "remove the rule; presswork embeds its own fonts, and images belong in the Markdown",
        )
    return text


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
