"""One Markdown file → Chapter, with its notes, figures, ids and cross-references checked."""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from ..errors import Diagnostics, Location, PressworkError
from ..model import IMAGE_TYPES, KINDS, Chapter, Figure, Note
from ..text.markdown import parse
from .metadata import LANGUAGE_TAG
from ..text.nearmiss import did_you_mean
from .sources import line_finder, require_image, resolve_inside, slugify
from .yamlfile import LineDict, parse_yaml
from .yamlfile import text as yaml_text

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_DEFINITION = re.compile(r"^[ \t]*\[\^([^\]]+)\]:", re.M)
_UNDEFINED_REF = re.compile(r"\[\^([^\]\s]+)\]")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_FRONT_MATTER_KEYS = ("title", "short_title", "id", "kind")  # what a Markdown file's front matter may set
TITLE_MARKUP = {"em_open", "em_close", "strong_open", "strong_close", "code_inline", "span_open", "span_close"}  # what a title keeps for the places that print it
# Names of presswork's own pages and files: the EPUB's documents and manifest items, the book's
# index, the web edition's home (index.html) and search page. No id may take them in any case: an id
# becomes a file name (text/ID.xhtml, ID.html), and Cover.xhtml and cover.xhtml, or INDEX.html and
# index.html, are one file on macOS and Windows disks.
RESERVED_IDS = {"cover", "cover-image", "halftitle", "titlepage", "copyright", "nav", "toc", "contents", "css", "ncx",
                "index", "search"}  # fmt: skip
# Ids the Kobo kepub gives its own markup (package/kepub.py): its spans' kobo.P.S and its two
# wrapping divs. The same id in the manuscript would stand twice in the kepub.
KOBO_IDS = re.compile(r"^kobo\.|^book-(columns|inner)$")
# The ids presswork makes from a page's id (its heading, notes, note calls, figures and numbered
# blocks: `{page}-b3` is a page's third block in the web edition), from a glossary term's (its
# definition) and from a person's (the biography's text). A manuscript id of such a form would
# stand twice in a page; so would one of the ids presswork writes into pages whatever the book (the
# EPUB's page-break markers, the web edition's main and search form, the index's letters, the
# chronology's groups and rows).
PAGE_FORMS = re.compile(r"title|notes|n\d+|nref\d+(-\d+)?|b\d+|fig\d+", re.I)
TERM_FORMS = re.compile(r"def", re.I)
PERSON_FORMS = re.compile(r"text", re.I)
MADE_IDS = re.compile(r"^(page-[0-9ivxlcdm]+|main|site-search(-q)?|search-(q|status|results)|index-[a-z]|chronology-\d+(-\d+)?)$", re.I)
_WEB_LINK = re.compile(r"^(https?:|mailto:)", re.I)
# The token types on which an attribute the XHTML keeps may stand, and what its value must be.
_ATTR_PLACES = {"href": ("link_open",), "src": ("image",), "alt": ("image",), "start": ("ordered_list_open",),
                "reversed": ("ordered_list_open",), "colspan": ("th_open", "td_open"), "rowspan": ("th_open", "td_open")}  # fmt: skip
_ATTR_VALUES = {
    "lang": (LANGUAGE_TAG, "a language tag", "write e.g. lang=ru, lang=de-CH or lang=sr-Latn"),
    "start": (re.compile(r"^-?\d{1,9}$"), "a whole number", "write e.g. start=5"),
    "reversed": (re.compile(r"^(reversed)?$"), 'empty or "reversed"', 'write reversed=""'),
    "colspan": (re.compile(r"^[1-9]\d{0,2}$"), "a number of columns", "write e.g. colspan=2"),
    "rowspan": (re.compile(r"^[1-9]\d{0,3}$"), "a number of rows", "write e.g. rowspan=2"),
}


@dataclass
class Anchors:
    """Ids a file defines and the `#id` links it makes, with where each stands."""

    ids: dict[str, Location] = field(default_factory=dict)
    links: list[tuple[str, Location]] = field(default_factory=list)
    folded: dict[str, str] = field(default_factory=dict)  # each id by its case-folded form
    # A page's, term's or person's case-folded id -> the forms of the ids presswork makes from it
    forms: dict[str, re.Pattern[str]] = field(default_factory=lambda: dict.fromkeys(RESERVED_IDS, PAGE_FORMS))
    stems: dict[str, list[str]] = field(default_factory=dict)  # the manuscript's ids by each folded stem before a '-'

    def define(self, ident: str, where: Location, *, own: bool = False) -> None:
        """Take `ident` for one place of the book. `own` is presswork's own use of a reserved
        name (the book's index) or of a name it makes (`{chapter}-title`). Ids are compared
        case-blind, since each may name a file."""
        if not own and (ident.casefold() in RESERVED_IDS or MADE_IDS.match(ident)):
            raise PressworkError(f"id {ident!r} is reserved for presswork's own pages", where,
                                 "give it another id (a file's id goes in its front matter: `id: …`)")  # fmt: skip
        if KOBO_IDS.match(ident):
            raise PressworkError(f"id {ident!r} is Kobo's: the Kobo kepub gives it to its own markup", where,
                                 "give it another id: none may start with 'kobo.' or be book-columns or book-inner")  # fmt: skip
        if not _ID.match(ident):
            raise PressworkError(
                f"id {ident!r} is not a valid name", where, "start it with a letter; use letters, digits, '-', '_' and '.'"
            )
        first = self.folded.get(ident.casefold())
        if first == ident:
            raise PressworkError(f"duplicate id {ident!r} (first defined at {self.ids[ident]})", where, "give each id a unique name")
        if first is not None:
            raise PressworkError(f"id {ident!r} differs only in case from id {first!r} (defined at {self.ids[first]}): "
                                 "one file name on macOS and Windows disks", where, "give each id a name unique in any case")  # fmt: skip
        if not own:
            self._refuse_made_form(ident, where)
        self.ids[ident] = where
        self.folded[ident.casefold()] = ident

    def reserve(self, ident: str, forms: re.Pattern[str], where: Location) -> None:
        """Take the ids presswork makes from `ident` (its `forms` after a '-') for it: a manuscript
        id of such a form, defined before or after, is an error naming both places."""
        stem = ident.casefold()
        self.forms[stem] = forms
        for other in self.stems.get(stem, ()):
            if forms.fullmatch(other[len(stem) + 1 :]):
                raise PressworkError(f"id {ident!r} makes the id {other!r} for a part of its own, "
                                     f"which the manuscript gives to another place ({self.ids[other]})", where,
                                     f"give that place another id than {other!r}")  # fmt: skip

    def _refuse_made_form(self, ident: str, where: Location) -> None:
        folded = ident.casefold()
        for at, char in enumerate(folded):
            if char != "-":
                continue
            stem = folded[:at]
            forms = self.forms.get(stem)
            if forms is not None and forms.fullmatch(folded[at + 1 :]):
                owner = self.folded.get(stem)
                place = f" (defined at {self.ids[owner]})" if owner in self.ids else ""
                raise PressworkError(f"id {ident!r} is one presswork makes from id {stem!r}{place}", where,
                                     "give it another id")  # fmt: skip
            self.stems.setdefault(stem, []).append(ident)


def load_chapter(
    root: Path, source: Path, text: str, matter: str, lang: str, anchors: Anchors, diagnostics: Diagnostics,
    numbered: bool = False,
) -> Chapter:
    """One file as a Chapter; with `numbered` (book.yaml says how it numbers chapters) a chapter may
    have no title, its number standing for one (a novel's I, II, III)."""
    try:
        front, body, broken = *split_front_matter(text, source), False
    except PressworkError as exc:  # a YAML slip: read on without the front matter, to find the book's other errors
        diagnostics.error(exc)
        front, body, broken = _empty_dict(), _FRONT_MATTER.sub(lambda m: "\n" * m.group().count("\n"), text, count=1), True
    tokens, env = parse(body, lang, Location(source, 1))
    at = _locator(source)

    def field(key: str) -> str | None:
        return yaml_text(front.get(key), key, Location(source, front.line_of(key)))

    for key in front:
        if key not in _FRONT_MATTER_KEYS:
            diagnostics.warn(f"unknown front matter key {key!r} ignored", Location(source, front.line_of(key)),
                             "a front matter takes " + ", ".join(_FRONT_MATTER_KEYS) + ": check the spelling", "L005")  # fmt: skip

    title, title_line, markup = field("title"), front.key_lines.get("title", 1), None
    if not title and tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        title, title_line, markup = plain_title(tokens[1]), tokens[0].map[0] + 1, marked_up_title(tokens[1])
        del tokens[:3]
    if not title and (broken or not text.strip()):
        title = re.sub(r"^[\d\s._-]+", "", source.stem).replace("-", " ").replace("_", " ").strip().capitalize() or source.stem
    kind = field("kind") or {"front": "preface", "body": "chapter", "back": "appendix"}[matter]
    if kind not in KINDS:
        raise PressworkError(f"unknown kind {kind!r}", Location(source, front.line_of("kind")), "use one of " + ", ".join(KINDS))
    if not title and not (numbered and kind == "chapter"):
        raise PressworkError(
            "the file has no title", Location(source, 1), "start it with `# Title` or add `title:` to its front matter"
            + ("" if numbered else " (an untitled chapter needs `chapter_numbers: arabic`, roman or words in book.yaml)")
        )
    ident = field("id") or _id_from_name(source)
    chapter = Chapter(
        id=ident,
        title=" ".join((title or "").split()),
        short_title=" ".join((field("short_title") or title or "").split()),
        kind=kind,
        matter=matter,
        source=source,
        tokens=tokens,
        words=len(body.split()),
        title_line=title_line,
        title_markup=markup,
        untitled=not title,
    )
    anchors.define(ident, Location(source, front.line_of("id") if "id" in front else 1))
    anchors.reserve(ident, PAGE_FORMS, Location(source, front.line_of("id") if "id" in front else 1))
    anchors.define(f"{ident}-title", Location(source, 1), own=True)
    chapter.notes = _take_notes(chapter, env, body, anchors, diagnostics)
    _walk(root, chapter, tokens, anchors, at, diagnostics)
    for note in chapter.notes:
        _walk(root, chapter, note.tokens, anchors, at, diagnostics)
    if not any(t.type == "inline" and t.content.strip() for t in tokens):
        diagnostics.warn("the chapter is empty", Location(source, 1), "write its text or remove it from book.yaml", "L003")
    return chapter


def split_front_matter(text: str, source: Path) -> tuple[LineDict, str]:
    """A Markdown file's front matter and its body, the body keeping the file's line numbers."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return _empty_dict(), text
    data = parse_yaml(match.group(1) or "", source, first_line=2) or _empty_dict()
    if not isinstance(data, dict):
        raise PressworkError("front matter must be `key: value` lines", Location(source, 2))
    # Blank lines keep the body's line numbers equal to the file's.
    return data, "\n" * match.group().count("\n") + text[match.end() :]


def _empty_dict() -> LineDict:
    data = LineDict()
    data.key_lines = {}
    return data


def plain_title(inline: Token) -> str:
    """A heading's words without their markup, for bookmarks, running heads and metadata."""
    return "".join(c.content if c.type in ("text", "code_inline") else " " if c.type == "softbreak" else "" for c in inline.children or [])


def marked_up_title(inline: Token) -> Token | None:
    """The heading's inline token when it sets words in italic, bold, code or a span (a language),
    for the places that print the title; None when plain words say it all."""
    kinds = {c.type for c in inline.children or []}
    return inline if kinds & TITLE_MARKUP and kinds <= TITLE_MARKUP | {"text", "softbreak"} else None


def _id_from_name(source: Path) -> str:
    slug = slugify(source.stem)
    if not slug:  # nothing ASCII in the name (e.g. глава.md): a stable id from the path, as NFC (macOS may store NFD)
        return f"file-{zlib.crc32(unicodedata.normalize('NFC', source.as_posix()).encode()):08x}"
    slug = slug if slug[0].isalpha() else f"ch-{slug}"
    return f"{slug}-text" if slug in RESERVED_IDS or KOBO_IDS.match(slug) or MADE_IDS.match(slug) else slug


def _locator(source: Path):
    def at(token: Token | None, extra_lines: int = 0) -> Location:
        line = token.map[0] + 1 + extra_lines if token is not None and token.map else None
        return Location(source, line)

    return at


def _take_notes(chapter: Chapter, env: dict, body: str, anchors: Anchors, diagnostics: Diagnostics) -> list[Note]:
    """Move the footnote definitions out of the body into numbered Notes."""
    line_of = _definition_lines(body)
    for label, number in env.get("footnotes", {}).get("refs", {}).items():
        if number == -1:
            diagnostics.warn(
                f"footnote [^{label[1:]}] is defined but never referenced",
                Location(chapter.source, line_of.get(label[1:])),
                "reference it in the text or delete it",
                "N002",
            )
    chapter.tokens, definitions = split_notes(chapter.tokens)
    notes = []
    for meta, tokens in definitions:
        number = meta["id"] + 1
        where = Location(chapter.source, line_of.get(str(meta.get("label", number))))
        notes.append(Note(number, str(meta.get("label", number)), tokens, where))
        anchors.define(f"{chapter.id}-n{number}", where, own=True)
    return notes


def split_notes(tokens: list[Token]) -> tuple[list[Token], list[tuple[dict, list[Token]]]]:
    """The body without its footnote block, and each note's (meta, tokens) in number order."""
    start = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    notes: list[tuple[dict, list[Token]]] = []
    for tok in tokens[start:]:
        if tok.type == "footnote_open":
            notes.append((tok.meta, []))
        elif tok.type not in ("footnote_close", "footnote_block_open", "footnote_block_close", "footnote_anchor"):
            if tok.type == "inline" and tok.children:
                tok.children = [c for c in tok.children if c.type != "footnote_anchor"]
            notes[-1][1].append(tok)
    return tokens[:start], notes


def _definition_lines(body: str) -> dict[str, int]:
    """The line of each note label's first definition, found in one pass over the file."""
    line_at = line_finder(body)
    lines: dict[str, int] = {}
    for match in _DEFINITION.finditer(body):
        lines.setdefault(match.group(1), line_at(match.start()))
    return lines


def _walk(root: Path, chapter: Chapter, tokens: list[Token], anchors: Anchors, at, diagnostics: Diagnostics) -> None:
    """Check every id, link, image and note reference in the tokens."""
    block: Token | None = None
    for index, tok in enumerate(tokens):
        if tok.map:
            block = tok
        if tok.attrGet("id") and tok.type != "figure_open":
            anchors.define(str(tok.attrGet("id")), at(block))
        _check_attrs(tok, at(block))
        if tok.type == "figure_open":
            chapter.figures.append(_figure(root, chapter, tok, tokens[index + 1], at(block), anchors))
        caption = tok.meta.get("caption")  # a table's caption, moved out of the token stream
        for inline, line_of in ((tok, block), (caption, caption)) if caption else ((tok, block),):
            lines = 0  # line breaks before the child, counted as we go: a long paragraph stays linear
            for child in inline.children or []:
                _check_inline(root, child, anchors, at(line_of, lines), diagnostics)
                lines += child.type in ("softbreak", "hardbreak")


def _check_attrs(tok: Token, where: Location) -> None:
    """Attributes the XHTML keeps must stand where HTML allows them and hold what it allows: a
    `{href=…}` on a span, `{start=abc}` or `{lang=xx-!!}` would make the EPUB invalid."""
    for name, value in tok.attrs.items():
        if tok.type not in _ATTR_PLACES.get(name, (tok.type,)):
            raise PressworkError(f"attribute {name!r} is not allowed here", where, "give attributes as {#id .class lang=xx}")
        pattern, what, hint = _ATTR_VALUES.get(name, (None, "", ""))
        if pattern is not None and not pattern.match(str(value)):
            raise PressworkError(f"{name}={str(value)!r} is not {what}", where, hint)


def check_fragment(root: Path, tokens: list[Token], anchors: Anchors, where: Location, diagnostics: Diagnostics) -> None:
    """Back matter's Markdown (a definition, a biography, a table cell) gets a chapter's checks of
    ids, links, languages and images, each reported at its entry."""
    for tok in tokens:
        if tok.attrGet("id"):
            anchors.define(str(tok.attrGet("id")), where)
        _check_attrs(tok, where)
        for child in tok.children or []:
            _check_inline(root, child, anchors, where, diagnostics)


def _check_inline(root: Path, tok: Token, anchors: Anchors, where: Location, diagnostics: Diagnostics) -> None:
    """Ids, attributes, note calls, links and images of one inline token; a note never defined and
    a missing image are recorded in `diagnostics` (the loader reads on), any other error raised."""
    if tok.attrGet("id") and tok.type != "image":
        anchors.define(str(tok.attrGet("id")), where)
    _check_attrs(tok, where)
    if tok.type == "text":
        for match in _UNDEFINED_REF.finditer(tok.content):
            diagnostics.error(PressworkError(
                f"footnote [^{match.group(1)}] is referenced but not defined",
                where,
                f"add a line `[^{match.group(1)}]: note text` to the file",
                "N001",
            ))  # fmt: skip
    elif tok.type == "link_open":
        href = str(tok.attrGet("href") or "")
        if href.startswith("#") and len(href) > 1:
            anchors.links.append((href[1:], where))
        elif not _WEB_LINK.match(href):
            raise PressworkError(
                f"link target {href!r} is neither a cross-reference (#id) nor a web address",
                where,
                "link to an id in the book as (#id), or to a full https:// address",
            )
    elif tok.type == "image":
        src = resolve_inside(root, str(tok.attrGet("src")), where)
        if src.suffix.lower() not in IMAGE_TYPES:
            raise PressworkError(f"image {src} is not PNG, JPEG, GIF, SVG or WebP", where, "convert it to PNG or JPEG")
        tok.attrSet("src", src.as_posix())
        if not (root / src).is_file():
            folder = root / src.parent
            near = {p.name: p.relative_to(root).as_posix() for p in folder.iterdir() if p.suffix.lower() in IMAGE_TYPES} if folder.is_dir() else {}
            hint = did_you_mean(src.name, near, "check the file name and folder")
            diagnostics.error(PressworkError(f"image {src} does not exist", where, hint, "I001"))
            return
        require_image(root, src, where, "image")


def _figure(root: Path, chapter: Chapter, tok: Token, inline: Token, where: Location, anchors: Anchors) -> Figure:
    image = inline.children[0]
    given = tok.attrGet("id")
    ident = str(given or f"{chapter.id}-fig{len(chapter.figures) + 1}")
    tok.attrSet("id", ident)
    anchors.define(ident, where, own=not given)
    src = resolve_inside(root, str(image.attrGet("src")), where)
    return Figure(
        id=ident, src=src, alt=str(image.attrGet("alt") or ""), caption=str(image.attrGet("title") or ""), where=where
    )
