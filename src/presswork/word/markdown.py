"""Pandoc's AST of a Word document written as presswork Markdown: one block at a time, with notes,
figures, comments and language markers collected on the way for the import report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..model import IMAGE_TYPES
from .docxparts import CLOSE, FILE, FILE_END, MID, OPEN

GONE = "\ue007"  # where a change not taken stood: the space before it goes if punctuation follows
COMMENT, COMMENT_END = "\ue003", "\ue004"  # a comment's place: COMMENT index COMMENT_END, found by line later
QUOTE_STYLES = {"quote", "quotations", "quotation", "block text", "block quote", "blockquote", "intense quote", "extract"}
EPIGRAPH_STYLES = {"epigraph"}
POEM_STYLES = {"poem", "poetry", "verse"}
SCENE_BREAKS = {"***", "* * *", "*", "#", "⁂", "* * * * *", "~", "§", "◊"}
_ESCAPE = re.compile(r"([\\`*_\[\]<>{}|])")
_LINE_START = re.compile(r"^(#|>|[-+=](?=\s|$)|\d+(?=[.)]))")
_LANG = re.compile(f"{OPEN}([a-z]{{2,3}}){MID}(.*?){CLOSE}", re.S)
_FILE = re.compile(f"{FILE}\\d+{FILE_END}")
_SPACES = re.compile(r"(?<=\S) {2,}")
_LINK = re.compile(r"^(https?://|mailto:)")


@dataclass
class Figure:
    number: int
    source: str  # the media file Pandoc extracted
    alt: str
    caption: str


@dataclass
class Comment:
    author: str
    text: str


@dataclass
class Tally:
    """What one chapter file holds, for the report."""

    notes: int = 0
    tables: int = 0
    quotes: int = 0
    poems: int = 0
    epigraphs: int = 0
    scene_breaks: int = 0
    figures: list[Figure] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # what had no place in Markdown
    styles: dict[str, int] = field(default_factory=dict)  # Word paragraph styles met, and how often


class Writer:
    """Turns Pandoc blocks into Markdown for one chapter file. `changes` is "accept" or "reject":
    which side of a tracked change is kept."""

    def __init__(self, changes: str, first_figure: int, comments_offset: int = 0):
        self.changes = changes
        self.tally = Tally()
        self.notes: list[str] = []
        self.next_figure = first_figure
        self.comments_offset = comments_offset

    # blocks
    def document(self, blocks: list[dict]) -> str:
        body = "\n\n".join(b for b in self.blocks(blocks) if b.strip())
        notes = "\n\n".join(f"[^{n}]: " + text.replace("\n", "\n    ").replace("\n    \n", "\n\n")
                            for n, text in enumerate(self.notes, 1))  # fmt: skip
        return _languages(body + (f"\n\n{notes}" if notes else "") + "\n")

    def blocks(self, blocks: list[dict]) -> list[str]:
        out: list[str] = []
        for group in _grouped(blocks):
            out.extend(self.block(group))
        return out

    def block(self, block: dict) -> list[str]:
        kind, c = block["t"], block.get("c")
        if kind in ("Para", "Plain"):
            if len(c) == 1 and c[0]["t"] == "Image":
                return [self.figure(c[0], [])]
            text = _SPACES.sub(" ", _gone(self.inlines(c))).strip()
            if _plain(text) in SCENE_BREAKS:
                self.tally.scene_breaks += 1
                return ["* * *"]
            return [_escape_start(text)] if text else []
        if kind == "Header":
            return ["#" * max(2, c[0]) + " " + self.inlines(c[2]).strip()]
        if kind == "BlockQuote":
            self.tally.quotes += 1
            return [_quoted(self.blocks(c))]
        if kind == "Div":
            return self.div(c[0], c[1])
        if kind == "LineBlock":
            return ["\\\n".join(self.inlines(line).strip() for line in c)]
        if kind in ("BulletList", "OrderedList"):
            return [self.listing(c)] if kind == "BulletList" else [self.listing(c[1], c[0][0])]
        if kind == "DefinitionList":
            return [f"**{self.inlines(term).strip()}**\n\n" + "\n\n".join(t for d in defs for t in self.blocks(d)) for term, defs in c]
        if kind == "Table":
            return self.table(c)
        if kind == "Figure":
            caption = " ".join(self.inlines(_inlines_of(b)) for b in c[1][1]).strip()
            images = [i for b in c[2] for i in _inlines_of(b) if i["t"] == "Image"]
            return [self.figure(i, [], caption) for i in images]
        if kind == "HorizontalRule":
            self.tally.scene_breaks += 1
            return ["* * *"]
        if kind == "CodeBlock":
            return ["```\n" + c[1] + "\n```"]
        self.tally.dropped.append(kind)
        return []

    def div(self, attr: list, blocks: list[dict]) -> list[str]:
        style = dict(attr[2]).get("custom-style", "")
        name = style.casefold()
        if style:
            self.tally.styles[style] = self.tally.styles.get(style, 0) + 1
        inner = blocks[0]["c"] if len(blocks) == 1 and blocks[0]["t"] == "BlockQuote" else blocks
        if name in EPIGRAPH_STYLES:
            self.tally.epigraphs += 1
            return ["{.epigraph}\n" + _quoted(self.blocks(inner))]
        if name in POEM_STYLES:
            self.tally.poems += 1
            return ["{.poem}\n" + _quoted(self.blocks(inner))]
        if name in QUOTE_STYLES or inner is not blocks:
            self.tally.quotes += 1
            return [_quoted(self.blocks(inner))]
        return self.blocks(blocks)

    def listing(self, items: list[list[dict]], start: int | None = None) -> str:
        lines = []
        for n, item in enumerate(items, start or 1):
            mark = f"{n}. " if start is not None else "- "
            text = "\n\n".join(self.blocks(item)) or "\u00a0"
            lines.append(mark + text.replace("\n", "\n" + " " * len(mark)).replace("\n" + " " * len(mark) + "\n", "\n\n"))
        return "\n".join(lines) if all("\n\n" not in line for line in lines) else "\n\n".join(lines)

    def table(self, c: list) -> list[str]:
        self.tally.tables += 1
        caption = " ".join(self.inlines(_inlines_of(b)) for b in c[1][1]).strip()
        head = [self.row(r) for r in c[3][1]]
        body = [self.row(r) for tbody in c[4] for r in tbody[2] + tbody[3]] + [self.row(r) for r in c[5][1]]
        if not head:  # a pipe table has a header row: Word's first row, unless marked, is the nearest thing
            head, body = body[:1], body[1:]
        width = max(len(r) for r in head + body) if head or body else 0
        rows = [r + [""] * (width - len(r)) for r in head[:1] + head[1:] + body]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width] + ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return ([f"Table: {caption}"] if caption else []) + ["\n".join(lines)]

    def row(self, row: list) -> list[str]:
        return [" ".join(self.inlines(_inlines_of(b)).strip() for b in cell[4]).replace("|", "\\|").replace("\\\n", " ")
                for cell in row[1]]  # fmt: skip

    def figure(self, image: dict, _: list, caption: str = "") -> str:
        attr, alt, (url, title) = image["c"]
        figure = Figure(self.next_figure, url, _plain(self.inlines(alt)).strip(), caption or title.removeprefix("fig:"))
        self.next_figure += 1
        self.tally.figures.append(figure)
        title_part = ' "' + figure.caption.replace('"', '\\"') + '"' if figure.caption else ""
        alt = _ESCAPE.sub(r"\\\1", figure.alt)
        return f"![{alt}]({image_name(figure)}{title_part})"

    # inlines
    def inlines(self, inlines: list[dict]) -> str:
        return "".join(self.inline(i) for i in inlines)

    def inline(self, item: dict) -> str:
        kind, c = item["t"], item.get("c")
        if kind == "Str":
            return _ESCAPE.sub(r"\\\1", c)
        if kind in ("Space", "SoftBreak"):
            return " "
        if kind == "LineBreak":
            return "\\\n"
        if kind == "Emph":
            return _wrapped("*", self.inlines(c))
        if kind == "Strong":
            return _wrapped("**", self.inlines(c))
        if kind in ("SmallCaps", "Superscript", "Subscript"):
            cls = {"SmallCaps": "sc", "Superscript": "sup", "Subscript": "sub"}[kind]
            text = self.inlines(c)
            return f"[{text}]{{.{cls}}}" if text.strip() else text
        if kind in ("Underline", "Strikeout", "Cite"):
            return self.inlines(c if kind != "Cite" else c[1])
        if kind == "Quoted":
            left, right = ("“", "”") if c[0]["t"] == "DoubleQuote" else ("‘", "’")
            return left + self.inlines(c[1]) + right
        if kind == "Code":
            return f"`{c[1]}`"
        if kind == "Math":
            return _ESCAPE.sub(r"\\\1", c[1])
        if kind == "Link":
            text, url = self.inlines(c[1]), c[2][0]
            return f"[{text}]({url})" if _LINK.match(url) and text.strip() else text
        if kind == "Image":
            return self.figure(item, [])
        if kind == "Note":
            self.notes.append("\n\n".join(self.blocks(c)))
            self.tally.notes += 1
            return f"[^{len(self.notes)}]"
        if kind == "Span":
            return self.span(c[0], c[1])
        self.tally.dropped.append(kind)
        return ""

    def span(self, attr: list, inlines: list[dict]) -> str:
        classes, keys = attr[1], dict(attr[2])
        if "insertion" in classes or "paragraph-insertion" in classes:
            return self.inlines(inlines) if self.changes == "accept" else GONE
        if "deletion" in classes or "paragraph-deletion" in classes:
            return self.inlines(inlines) if self.changes == "reject" else GONE
        if "comment-start" in classes:
            self.tally.comments.append(Comment(keys.get("author", "?"), " ".join(_plain(self.inlines(inlines)).split())))
            return f"{COMMENT}{self.comments_offset + len(self.tally.comments) - 1}{COMMENT_END}"
        if "comment-end" in classes:
            return ""
        return self.inlines(inlines)


def image_name(figure: Figure) -> str:
    """Where the figure's image goes in the book: PNG for formats the products cannot carry."""
    suffix = Path(figure.source).suffix.lower()
    return f"images/figure-{figure.number}{suffix if suffix in IMAGE_TYPES else '.png'}"


def _grouped(blocks: list[dict]) -> list[dict]:
    """Word styles each paragraph on its own, so Pandoc wraps each in a Div of its style: successive
    paragraphs of one quotation style are one quotation (or epigraph, or poem)."""
    out: list[dict] = []
    for block in blocks:
        style = _style(block)
        if style and style.casefold() in QUOTE_STYLES | EPIGRAPH_STYLES | POEM_STYLES and out and _style(out[-1]) == style:
            out[-1] = {"t": "Div", "c": [out[-1]["c"][0], _unquoted(out[-1]["c"][1]) + _unquoted(block["c"][1])]}
        else:
            out.append(block)
    return out


def _style(block: dict) -> str | None:
    return dict(block["c"][0][2]).get("custom-style") if block["t"] == "Div" else None


def _unquoted(blocks: list[dict]) -> list[dict]:
    return blocks[0]["c"] if len(blocks) == 1 and blocks[0]["t"] == "BlockQuote" else blocks


def _inlines_of(block: dict) -> list[dict]:
    if block["t"] in ("Para", "Plain"):
        return block["c"]
    if block["t"] == "Div":
        return [i for b in block["c"][1] for i in _inlines_of(b) + [{"t": "Space"}]][:-1]
    return []


def _quoted(blocks: list[str]) -> str:
    return "\n>\n".join("\n".join("> " + line if line else ">" for line in b.split("\n")) for b in blocks)


def _wrapped(mark: str, text: str) -> str:
    """Emphasis with its spaces outside the marks, where CommonMark needs them."""
    core = text.strip()
    if not core:
        return text
    return text[: len(text) - len(text.lstrip())] + mark + core + mark + text[len(text.rstrip()) :]


def _escape_start(text: str) -> str:
    return _LINE_START.sub(lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit() else "\\" + m.group(1), text, count=1)


def _plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


def _gone(text: str) -> str:
    """Where a change not taken stood: nothing, and no space before punctuation."""
    return re.sub(f" ?{GONE}+(?=[,.;:!?’”)\\]])", "", text).replace(GONE, "")


def _languages(text: str) -> str:
    """Language markers as spans, their spaces outside the brackets; a marker pair with nothing in
    it goes."""

    def span(m: re.Match[str]) -> str:
        inner = m.group(2)
        core = inner.strip()
        if not core:
            return inner
        return inner[: len(inner) - len(inner.lstrip())] + f"[{core}]{{lang={m.group(1)}}}" + inner[len(inner.rstrip()) :]

    return _FILE.sub("", _LANG.sub(span, _gone(text))).replace(OPEN, "").replace(MID, "").replace(CLOSE, "")
