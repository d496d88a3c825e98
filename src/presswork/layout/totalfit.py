"""Total-fit justified text for print: every justified paragraph of a print piece (running text,
block quotations, glossary and biography entries, list items, each paragraph of a footnote) broken
into lines by Knuth–Plass (paragraph.py) at the measure, size and indent the stylesheets give it.

Where a paragraph stands decides how it is set, as base.css and print.css say (the figures below
mirror them, and tests/test_totalfit.py checks that they still do): the text block's width less the
margins of the block quotations, lists and glossary entries around it, their font sizes, and the
indent of its first line. A footnote is set at the notes' size across the whole text block,
wherever its call stands. A paragraph anywhere else (headings, captions, tables, the title and
copyright pages, the contents and the index) is not justified, and is left as it is.

A book's own stylesheet may change how its text is set. A paragraph that one of its rules may
reach (the rule's last compound selector matching the paragraph, an element around it or one it
holds) with a property that moves text along the line is left to WeasyPrint, and all of them are
when a rule redefines the book face or sets the page's margins. Only the print layout's copy of
the text changes: the EPUB and the other products never see it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import tinycss2

from ..render.fonts import FAMILY
from .paragraph import LINES, NOTE_CLASS, TAG, Element, Lines, Measure, element, set_paragraph
from .shaping import width

SIZE = 10.5  # pt: print.css's html font-size
NOTE_SIZE = 8.5  # pt: print.css's .footnote font-size
NOTE_MARKER = "{}. "  # print.css's .footnote::footnote-marker: the note's number, set on its first line
INDENT = 1.2  # em: base.css's p text-indent
QUOTE_SIZE, QUOTE_MARGIN = 0.95, 1.5  # base.css's blockquote: font-size, left and right margins (em)
LIST_MARGIN = 1.5  # em: base.css's ul, ol margin-left
ENTRY_MARGIN = 1.2  # em: base.css's dl.glossary dd, dl.biographies dd margin-left
ENDNOTES_SIZE = 0.9  # base.css's section.notes font-size
# base.css: h1 + p, h2 + p, … p.first { text-indent: 0 }
UNINDENTED_AFTER = {"h1", "h2", "h3", "header", "blockquote", "figure", "table", "hr", "ul", "ol"}
UNJUSTIFIED_SECTIONS = {"titlepage", "copyright", "halftitle"}  # base.css, print.css: centred or ranged left
ENTRY_LISTS = {"glossary", "biographies"}
CONTAINERS = {"html", "body", "section", "article", "main"}
INLINE = {"span", "em", "i", "strong", "b", "a", "sup", "sub", "small", "abbr", "cite", "code", "q", "dfn"}
VOID = {"br", "hr", "img", "wbr", "col", "source", "input", "meta", "link"}


@dataclass
class _Frame:
    """An open element and what it makes of the text inside it."""

    element: Element
    size: float  # pt
    margins: float  # pt taken from the measure, both sides
    lang: str
    justified: bool  # whether a paragraph inside it is set total-fit
    note: int | None = None  # inside a footnote: the token of its start tag
    previous: str = ""  # the tag of its last child element so far


@dataclass
class _Paragraph:
    start: int  # token of its start tag
    end: int  # token of its end tag
    measure: Measure
    around: list[Element]  # the elements it stands in, and itself
    note: int | None  # the token opening the footnote it is a paragraph of


def set_text(body: str, text_width: float, lang: str, house: HouseStyle) -> str:
    """`body` (a print piece's HTML) with each justified paragraph broken total-fit, the text block
    being `text_width` points wide. A footnote is set whole or not at all: its paragraphs are the
    lines of one block at the foot of the page, which takes the style that keeps them."""
    if house.off:
        return body
    tokens = TAG.split(body)
    paragraphs, mixed = _paragraphs(tokens, text_width, lang)
    notes: dict[int, list[_Paragraph]] = {}
    for paragraph in paragraphs:
        if paragraph.note is not None:
            notes.setdefault(paragraph.note, []).append(paragraph)
    done: dict[int, tuple[int, str]] = {}  # start tag -> (end tag, the paragraph's new inner HTML)
    for note, its in notes.items():
        found = [_set(tokens, p, house, done) for p in its]
        if note not in mixed and all(f is not None for f in found) and any(f.broken for f in found if f):
            done.update({p.start: (p.end, f.html) for p, f in zip(its, found) if f is not None})
            tokens[note] = _styled(tokens[note])
    for paragraph in paragraphs:
        if paragraph.note is None and (lines := _set(tokens, paragraph, house, done)) is not None and lines.broken:
            done[paragraph.start] = (paragraph.end, lines.html)
            tokens[paragraph.start] = _styled(tokens[paragraph.start])
    return _join(tokens, 0, len(tokens), done)


def _set(tokens: list[str], paragraph: _Paragraph, house: HouseStyle, done: dict[int, tuple[int, str]]) -> Lines | None:
    """The paragraph set total-fit (with the notes it holds as `done` has them), or None."""
    if house.touches(paragraph.around):
        return None
    found = set_paragraph(_join(tokens, paragraph.start + 1, paragraph.end, done), paragraph.measure)
    return found if found is not None and not house.touches(found.elements) else None


def _styled(tag: str) -> str:
    """A start tag with the style that keeps the lines written inside it (the renderer writes none)."""
    return f'{tag[:-1]} style="{LINES}">'


def _join(tokens: list[str], start: int, end: int, done: dict[int, tuple[int, str]]) -> str:
    """Tokens `start` to `end` (exclusive) with the paragraphs `done` replaced."""
    out, at = [], start
    while at < end:
        out.append(tokens[at])
        if at in done:
            closing, inner = done[at]
            out.append(inner)
            at = closing
        else:
            at += 1
    return "".join(out)


def _paragraphs(tokens: list[str], text_width: float, lang: str) -> tuple[list[_Paragraph], set[int]]:
    """The justified paragraphs among a piece's tokens, each with where it is set, and the footnotes
    holding more than paragraphs (a quotation, a list, text between them)."""
    stack = [_Frame(Element(tag, frozenset(), {}), SIZE, 0.0, lang, True) for tag in ("html", "body")]  # around every piece
    opened: list[_Paragraph | None] = []  # per open element below the root: the paragraph it starts
    found: list[_Paragraph] = []
    mixed: set[int] = set()
    for number, token in enumerate(tokens):
        top = stack[-1]
        if not token.startswith("<"):
            if token and top.note is not None and NOTE_CLASS in top.element.classes:
                mixed.add(top.note)  # text of its own between its paragraphs
            continue
        if token.startswith(("<!", "<?")):
            continue
        if token.startswith("</"):
            if len(stack) > 2:
                closed = stack.pop()
                stack[-1].previous = closed.element.tag
                paragraph = opened.pop()
                if paragraph is not None:
                    paragraph.end = number
                    found.append(paragraph)
            continue
        here = element(token)
        if not here.tag:
            continue
        if token.endswith("/>") or here.tag in VOID:
            top.previous = here.tag
            continue
        frame, measure = _enter(top, here, text_width, number)
        if top.note is not None and NOTE_CLASS in top.element.classes and measure is None:
            mixed.add(top.note)  # a footnote's child that is not one of its paragraphs
        paragraph = None
        if measure is not None:
            paragraph = _Paragraph(number, -1, measure, [f.element for f in stack] + [here], frame.note)
        stack.append(frame)
        opened.append(paragraph)
    return found, mixed


def _enter(parent: _Frame, element: Element, text_width: float, number: int) -> tuple[_Frame, Measure | None]:
    """The frame `element` (token `number`) opens inside `parent`, and the measure of the paragraph
    it is, if it is one."""
    tag, classes = element.tag, element.classes
    lang = element.attrs.get("lang") or parent.lang
    frame = _Frame(element, parent.size, parent.margins, lang, parent.justified, parent.note)
    if NOTE_CLASS in classes:  # set apart at the foot of the page, across the text block
        frame.size, frame.margins, frame.justified, frame.note = NOTE_SIZE, 0.0, "style" not in element.attrs, number
    elif parent.note is not None and NOTE_CLASS in parent.element.classes:
        if "note-p" in classes and frame.justified and "style" not in element.attrs:
            marker = "" if parent.previous else NOTE_MARKER.format(parent.element.attrs.get("data-n", ""))
            return frame, Measure(text_width, frame.size, width(marker, frame.size), lang)
    elif tag in CONTAINERS:
        if classes & UNJUSTIFIED_SECTIONS:
            frame.justified = False
        elif "notes" in classes:
            frame.size *= ENDNOTES_SIZE
    elif tag == "blockquote":
        frame.size *= QUOTE_SIZE
        frame.margins += 2 * QUOTE_MARGIN * frame.size
    elif tag in ("ul", "ol"):
        frame.margins += 0.0 if "notes" in classes else LIST_MARGIN * frame.size
    elif tag == "dl":
        frame.justified = frame.justified and bool(classes & ENTRY_LISTS)
    elif tag == "dd" and parent.element.tag == "dl":
        frame.margins += ENTRY_MARGIN * frame.size
    elif tag == "li":
        pass
    elif tag == "p" and frame.justified and classes <= {"first"} and "style" not in element.attrs:
        return frame, Measure(text_width - frame.margins, frame.size, _indent(parent, element) * frame.size, lang)
    elif tag not in INLINE:
        frame.justified = False  # headings, captions, tables, figures, notes' numbers …
    return frame, None


def _indent(parent: _Frame, element: Element) -> float:
    """A paragraph's first-line indent in ems, as base.css gives it."""
    if parent.element.tag in ("li", "dd") or "notes" in parent.element.classes:
        return 0.0
    if parent.element.tag == "blockquote":
        return INDENT if parent.previous == "p" else 0.0
    return 0.0 if "first" in element.classes or parent.previous in UNINDENTED_AFTER else INDENT


# -- the book's own stylesheets ---------------------------------------------------------------
# Properties that do not move text along a line: a rule setting only these leaves total fit on.
_HARMLESS = {"color", "line-height", "margin-top", "margin-bottom", "padding-top", "padding-bottom", "orphans",
             "widows", "string-set", "page", "opacity", "visibility", "quotes", "box-decoration-break"}  # fmt: skip
_HARMLESS_PREFIXES = ("background", "border-top", "border-bottom", "text-decoration", "page-break-", "break-",
                      "bookmark-", "outline", "counter-", "text-emphasis-color", "-")  # fmt: skip
_COMPOUND = re.compile(r"(\*|[a-zA-Z][\w-]*)?((?:\.[\w-]+|#[\w-]+|\[[^\]]*\]|::?[\w-]+(?:\([^)]*\))?)*)")
_PSEUDO = re.compile(r"::?[\w-]+(?:\([^)]*\))?")
_PARTS = re.compile(r"\.([\w-]+)|#([\w-]+)|\[\s*([\w:-]+)\s*(?:([~|^$*]?=)\s*(\"[^\"]*\"|'[^']*'|[^\]\s]+)\s*)?\]")


@dataclass(frozen=True)
class Compound:
    """The last compound selector of a rule: what it may style (pseudo-classes and combinators are
    left out, so it reaches at least every element the rule does). Its classes are sorted, not a
    set, so that its repr is the same in every process: a layout job's `TextBlock` keys the build cache."""

    tag: str | None = None
    ident: str | None = None
    classes: tuple[str, ...] = ()
    attrs: tuple[tuple[str, str, str], ...] = ()

    def matches(self, element: Element) -> bool:
        if self.tag not in (None, "*", element.tag) or (self.ident and element.attrs.get("id") != self.ident):
            return False
        if not element.classes.issuperset(self.classes):
            return False
        for name, op, value in self.attrs:
            have = element.attrs.get(name)
            if have is None or (op == "=" and have != value) or (op == "~=" and value not in have.split()):
                return False
            if op == "|=" and have != value and not have.startswith(value + "-"):
                return False
        return True


EVERYTHING = Compound()


@dataclass(frozen=True)
class HouseStyle:
    """What a book's own stylesheets do to its text: nothing total fit minds, every paragraph
    (`off`), or some elements (`compounds`)."""

    off: bool = False
    compounds: tuple[Compound, ...] = ()

    @classmethod
    def read(cls, stylesheets: list[str]) -> HouseStyle:
        compounds: list[Compound] = []
        off = False
        for css in stylesheets:
            off = _rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), compounds) or off
        return cls(off, tuple(dict.fromkeys(compounds)))

    def touches(self, elements: list[Element]) -> bool:
        """Whether a rule may move the text of a paragraph standing in or holding `elements`."""
        return any(c.matches(e) for c in self.compounds for e in elements)


@dataclass(frozen=True)
class TextBlock:
    """Where a print piece's text is set: what `set_text` needs besides the piece. A layout job
    carries it, so that the typesetter sets the text (in a worker, in parallel), and only when the
    piece is laid out, not when the build cache holds it; its repr is part of the piece's key."""

    width: float  # pt
    lang: str
    house: HouseStyle

    def set(self, body: str) -> str:
        return set_text(body, self.width, self.lang, self.house)


def _rules(rules: list, compounds: list[Compound]) -> bool:
    """Add the compounds of `rules` that set a property moving text; True when a rule changes the
    book face or the page's margins, which every paragraph's measure depends on."""
    off = False
    for rule in rules:
        if rule.type == "qualified-rule":
            if any(not _harmless(name) for name in _declared(rule.content)):
                compounds.extend(_compounds(tinycss2.serialize(rule.prelude)))
        elif rule.type == "at-rule" and rule.content is not None:
            keyword = rule.lower_at_keyword
            if keyword == "page":
                off = off or any(n.startswith(("margin", "size", "padding")) for n in _declared(rule.content))
            elif keyword == "font-face":
                declared = tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
                off = off or any(d.type == "declaration" and d.lower_name == "font-family" and FAMILY.lower()
                                 in tinycss2.serialize(d.value).lower() for d in declared)  # fmt: skip
            else:  # @media, @supports …: the rules inside
                inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
                off = _rules(inner, compounds) or off
    return off


def _declared(content: list) -> list[str]:
    return [d.lower_name for d in tinycss2.parse_declaration_list(content, skip_comments=True, skip_whitespace=True)
            if d.type == "declaration"]  # fmt: skip


def _harmless(name: str) -> bool:
    return name in _HARMLESS or name.startswith(_HARMLESS_PREFIXES)


def _compounds(selectors: str) -> list[Compound]:
    """The last compound of each selector in a list; EVERYTHING for one this cannot read."""
    found = []
    for selector in _split(selectors, ","):
        last = _split(selector.strip(), " >+~")[-1].strip() if selector.strip() else ""
        match = _COMPOUND.fullmatch(last)
        if not last or match is None:
            found.append(EVERYTHING)
            continue
        classes, ident, attrs = set(), None, []
        for cls, ident_, name, op, value in _PARTS.findall(_PSEUDO.sub("", match.group(2))):
            if cls:
                classes.add(cls)
            elif ident_:
                ident = ident_
            elif name:
                attrs.append((name.lower(), op if op in ("=", "~=", "|=") else "", value.strip("\"'")))
        tag = match.group(1).lower() if match.group(1) else None
        found.append(Compound(tag, ident, tuple(sorted(classes)), tuple(attrs)))
    return found


def _split(text: str, separators: str) -> list[str]:
    """`text` split at `separators` standing outside brackets, parentheses and quotes."""
    parts, depth, quote, current = [], 0, "", []
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return [p for p in parts if p.strip()] or [""]
