"""The manuscript's Markdown dialect: CommonMark plus notes, attributes, figures, captions, attributions.

Each extension is a markdown-it core rule that reshapes tokens once, at parse time, so that
the renderer only has to turn tokens into XHTML.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..errors import Location, PressworkError
from ..files.kept import KeptParses
from .typography import QuoteState, smarten

_HEADING_ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")
_ATTRIBUTION = re.compile(r"^(—|---)\s")
_TABLE_CAPTION = "Table: "

# The characters that open and close links, emphasis, code and autolinks. markdown-it matches
# them by scanning back and forth within a paragraph, which is quadratic in how many it holds
# (60,000 `[` take 12 s; a 20 MB file of them, hours). A real paragraph has a few dozen.
DELIMITERS = "[]*_<`"
MAX_DELIMITERS = 1_000
# Blocks nested this deep (a block quote counts one, a list level two) are beyond markdown-it's
# limit, which drops their text without a word; presswork refuses them instead.
MAX_DEPTH = 20


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True, "maxNesting": MAX_DEPTH + 1})
    md.enable("table")
    md.block.ruler.before("table", "presswork_depth", _depth)
    md.core.ruler.before("inline", "presswork_delimiters", _delimiters)
    md.use(footnote_plugin)
    md.use(attrs_plugin, spans=True)
    md.use(attrs_block_plugin)
    md.core.ruler.before("inline", "presswork_window", _window)
    md.core.ruler.after("inline", "presswork_unwindow", _unwindow)
    md.core.ruler.push("presswork_balance", _balance)
    md.core.ruler.push("presswork_blocks", _blocks)
    md.core.ruler.push("presswork_typography", _typography)
    return md


# Each text parsed in this process (the loader reshapes the tokens it is given, so each caller gets a
# copy), by what the parse depends on: a long-lived process (`presswork watch`) parses only the files that changed.
KEPT = KeptParses()


def parse(text: str, lang: str, where: Location | None = None) -> tuple[list[Token], dict]:
    """Parse one file's Markdown body; returns tokens and markdown-it's env (footnote tables).
    `where` is the text's first line, for errors. Tokens of their own each time: a copy of the
    last parse of the same text (unpickling takes a quarter of the time parsing does)."""
    key = (text, lang, where)
    if (kept := KEPT.get(key)) is not None:
        return kept
    env: dict = {"lang": lang, "where": where or Location()}
    tokens = parser().parse(text, env)
    KEPT.put(key, (tokens, env))
    return tokens, env


def parse_inline(text: str, lang: str, where: Location | None = None) -> Token:
    """One line of inline Markdown (a table cell, say) as a single inline token."""
    tokens = parser().parseInline(text, {"lang": lang, "where": where or Location()})
    return tokens[0]


def _at(env: dict, line: int) -> Location:
    """The file and line of the text's 0-based `line`."""
    where: Location = env["where"]
    return Location(where.file, (where.line or 1) + line)


def _depth(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A block rule tried first on every line: refuse a block nested past MAX_DEPTH."""
    if state.level >= MAX_DEPTH:
        raise PressworkError(f"blocks nested {MAX_DEPTH} levels deep (a block quote counts one, a list two)",
                             _at(state.env, start), f"nest block quotes and lists at most {MAX_DEPTH - 1} levels deep")  # fmt: skip
    return False


def _delimiters(state: StateCore) -> None:
    """Refuse, before inline parsing, a paragraph (or heading, or table cell) with more delimiters
    than MAX_DELIMITERS, so that parsing stays linear in the file's length."""
    for tok in state.tokens:
        if tok.type == "inline" and (count := sum(map(tok.content.count, DELIMITERS))) > MAX_DELIMITERS:
            raise PressworkError(
                f"this paragraph has {count:,} of the characters {' '.join(DELIMITERS)}, more than the "
                f"{MAX_DELIMITERS:,} one paragraph may hold", _at(state.env, tok.map[0] if tok.map else 0),
                "split it into shorter paragraphs")  # fmt: skip


def parse_attrs(text: str) -> dict[str, str]:
    """`#id .class key=value` as in Pandoc's attribute syntax."""
    attrs: dict[str, str] = {}
    for item in text.split():
        if item.startswith("#"):
            attrs["id"] = item[1:]
        elif item.startswith("."):
            attrs["class"] = (attrs.get("class", "") + " " + item[1:]).strip()
        elif "=" in item:
            key, value = item.split("=", 1)
            attrs[key] = value.strip("\"'")
    return attrs


_WINDOW = 4096  # characters of a paragraph an attribute block may span


class _Windowed(str):
    """A paragraph's source whose open-ended slices stop _WINDOW characters on. The attrs plugin
    slices `src[pos:]` at every `[span]{…}` and `{…}` it tries, which copied (and scanned) the rest
    of the paragraph each time: quadratic in a paragraph's length. Attributes are never that long."""

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, slice) and key.stop is None and key.start is not None and key.start >= 0:
            key = slice(key.start, key.start + _WINDOW, key.step)
        return str.__getitem__(self, key)


def _window(state: StateCore) -> None:
    for tok in state.tokens:
        if tok.type == "inline":
            tok.content = _Windowed(tok.content)


def _unwindow(state: StateCore) -> None:
    """Plain strings again once inline parsing is done, so that nothing later sees a cut slice."""
    for tok in state.tokens:
        if tok.type == "inline":
            tok.content = str(tok.content)


def _balance(state: StateCore) -> None:
    """Drop closing tokens that close nothing and close what stays open: the footnote plugin leaves
    a stray close behind when a note definition sits inside a block quote, which would make the
    XHTML ill-formed."""
    state.tokens = _balanced(state.tokens)
    for tok in state.tokens:
        if tok.children:
            tok.children = _balanced(tok.children)


def _balanced(tokens: list[Token]) -> list[Token]:
    kept: list[Token] = []
    opened: list[Token] = []
    for tok in tokens:
        if tok.nesting == 1:
            opened.append(tok)
        elif tok.nesting == -1:
            if not opened or opened[-1].type.removesuffix("_open") != tok.type.removesuffix("_close"):
                continue
            opened.pop()
        kept.append(tok)
    for tok in reversed(opened):
        kept.append(Token(tok.type.removesuffix("_open") + "_close", tok.tag, -1))
    return kept


def _blocks(state: StateCore) -> None:
    tokens = state.tokens
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            _heading_attrs(tok, tokens[i + 1])
        elif tok.type == "paragraph_open" and _is_figure(tokens[i + 1]):
            _make_figure(tokens, i)
        elif tok.type == "blockquote_open":
            _mark_attribution(tokens, i)
        elif tok.type == "paragraph_open" and _is_table_caption(tokens, i):
            tokens[i + 3].meta["caption"] = tokens[i + 1]
            first = tokens[i + 1].children[0]
            first.content = first.content[len(_TABLE_CAPTION) :]
            del tokens[i : i + 3]
            continue
        i += 1


def _heading_attrs(heading: Token, inline: Token) -> None:
    last = inline.children[-1] if inline.children else None
    if last is None or last.type != "text":
        return
    match = _HEADING_ATTRS.search(last.content)
    if match:
        last.content = last.content[: match.start()]
        inline.content = inline.content[: inline.content.rfind("{")].rstrip()
        for key, value in parse_attrs(match.group(1)).items():
            heading.attrSet(key, value)


def _is_figure(inline: Token) -> bool:
    children = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
    return len(children) == 1 and children[0].type == "image"


def _make_figure(tokens: list[Token], i: int) -> None:
    image = next(c for c in tokens[i + 1].children if c.type == "image")
    tokens[i + 1].children = [image]
    # the paragraph's close: in a note, the notes plugin puts its back-reference anchor before it
    close = next(j for j in range(i + 2, len(tokens)) if tokens[j].type == "paragraph_close")
    tokens[i].type, tokens[i].tag = "figure_open", "figure"
    tokens[close].type, tokens[close].tag = "figure_close", "figure"
    if image.attrGet("id"):
        tokens[i].attrSet("id", str(image.attrGet("id")))
        del image.attrs["id"]


def _mark_attribution(tokens: list[Token], start: int) -> None:
    depth, last_para = 0, None
    for j in range(start, len(tokens)):
        if depth == 1 and tokens[j].type == "paragraph_open":
            last_para = j
        depth += tokens[j].nesting
        if depth == 0:
            break
    if last_para is not None and last_para != start + 1 and _ATTRIBUTION.match(tokens[last_para + 1].content):
        tokens[last_para].meta["attribution"] = True


def _is_table_caption(tokens: list[Token], i: int) -> bool:
    return (
        i + 3 < len(tokens)
        and tokens[i + 3].type == "table_open"
        and tokens[i + 1].content.startswith(_TABLE_CAPTION)
        and bool(tokens[i + 1].children)
        and tokens[i + 1].children[0].type == "text"
    )


def _typography(state: StateCore) -> None:
    """Curl quotes and fix dashes with the language in force at each piece of text."""
    default = state.env.get("lang", "en")
    block_langs: list[str | None] = []
    for tok in state.tokens:
        if tok.nesting == 1:
            block_langs.append(_lang_of(tok))
            if (caption := tok.meta.get("caption")) is not None:  # a table's caption, out of the stream since _blocks
                _smarten_inline(caption, next((l for l in reversed(block_langs) if l), default))
        elif tok.nesting == -1 and block_langs:
            block_langs.pop()
        elif tok.type == "inline":
            lang = next((l for l in reversed(block_langs) if l), default)
            _smarten_inline(tok, lang)


def _lang_of(tok: Token) -> str | None:
    value = tok.attrGet("lang")
    return str(value) if value else None


def _smarten_inline(inline: Token, lang: str) -> None:
    state = QuoteState()
    langs: list[str | None] = []
    children = inline.children or []
    for index, child in enumerate(children):
        current = next((l for l in reversed(langs) if l), lang)
        if child.nesting == 1:
            langs.append(_lang_of(child))
        elif child.nesting == -1 and langs:
            langs.pop()
        elif child.type == "text":
            child.content = smarten(child.content, current, state, _char_after(children, index))
        elif child.type in ("softbreak", "hardbreak"):
            state.prev = " "
        elif child.type == "image":
            title = child.attrGet("title")
            if title:
                child.attrSet("title", smarten(str(title), current, QuoteState()))
            alt = "".join(c.content for c in child.children or [])
            child.attrSet("alt", smarten(alt, current, QuoteState()))
        elif child.type in ("code_inline", "footnote_ref"):
            state.prev = "x"


def _char_after(children: list[Token], index: int) -> str:
    """The character that follows a text piece, so a quote at its end can tell opening from closing."""
    for position in range(index + 1, len(children)):  # no slice: copying the rest would make a long paragraph quadratic
        child = children[position]
        if child.type == "text" and child.content:
            return child.content[0]
        if child.type in ("softbreak", "hardbreak"):
            return " "
        if child.type not in ("em_open", "strong_open", "span_open", "link_open"):
            return "x"
    return " "
