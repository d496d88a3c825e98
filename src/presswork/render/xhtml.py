"""Markdown tokens → semantic XHTML (HTML5 + epub:type + DPUB-ARIA roles), the same for every backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from ..model import NotePlacement
from ..text.markdown import parser
from ..text.scripts import RTL, foreign_runs
from ..text.typography import NBSP
from .pagebreaks import marker, place_markers

_ALLOWED_ATTRS = {"id", "class", "lang", "href", "src", "alt", "title", "colspan", "rowspan", "start", "reversed"}


@dataclass
class Links:
    """How a backend addresses things: a target id in its document, and an image file."""

    target: Callable[[str], str]  # id -> href
    image: Callable[[Path], str]  # path relative to the book folder -> src


def escape(text: str) -> str:
    return escapeHtml(text)


class XhtmlRenderer(RendererHTML):
    """markdown-it's HTML renderer, taught our token types, XML-safe attributes and language tagging."""

    def __init__(
        self, links: Links, scripts: dict[str, str], notes_at: NotePlacement = NotePlacement.ENDNOTES,
        breaks: dict[str, list[str]] | None = None, block_ids: bool = False, note_links: bool = False,
        starts: dict[str, int] | None = None,
    ):  # fmt: skip
        super().__init__()
        self.note_links = note_links  # FOOTNOTES on screen: each call a link to its note, each note's number a link back
        self.breaks = breaks or {}  # EPUB: print pages beginning in each block, for page-break markers
        self.starts = starts or {}  # EPUB: how far into its block's text a print page begins (`PageMap.starts`)
        self.inside: list[tuple[str, int]] = []  # the markers of pages beginning inside the block being rendered
        self.block_ids = block_ids  # print: every top-level block gets an id the layout can report
        self.blocks: list[str] = []  # ids of top-level blocks in reading order
        self.lines: dict[str, tuple[int, int | None]] = {}  # block or note id -> its source lines (first, past-last or None: to the end; 0-based)
        self.counting = False
        self.links = links
        self.scripts = scripts
        self.notes_at = notes_at  # FOOTNOTES: each note's text stands at its first reference
        self.notes: dict[int, Sequence[Token]] = {}  # the current chapter's notes by number
        self.block_number = 0  # top-level blocks counted so far in the current chapter
        self.inline_blocks = False  # inside an inline footnote, blocks become spans
        self.langs: list[str | None] = []
        self.lang = "en"
        self.chapter_id = ""
        self.backlink: str | None = None
        self.attributions: list[bool] = []  # per open paragraph: is it a quote's attribution?
        self.span_links: list[bool] = []  # per open span: did it become a link?
        self.last_words: Token | None = None  # print: the text ending the paragraph being rendered

    # -- entry points ---------------------------------------------------------------------
    def chapter(
        self, tokens: Sequence[Token], chapter_id: str, lang: str, notes: dict[int, Sequence[Token]] | None = None
    ) -> str:
        self.chapter_id, self.lang, self.langs, self.notes = chapter_id, lang, [], notes or {}
        self.counting, self.block_number = True, 0
        html = "".join(self.place_inside(self.render(block, parser().options, {})) for block in _top_level(tokens))
        self.counting = False
        return html

    def html(self, tokens: Sequence[Token]) -> str:
        return self.render(tokens, parser().options, {})

    def inline_html(self, inline: Token) -> str:
        return self.render_inline(inline.children or [], parser().options, {})

    def block(self, ident: str, inside: bool = False, lines: Sequence[int | None] | None = None) -> str:
        """Record a block for the page map (with `lines`, where it stands in its source file, for the
        print PDF's source map); return the page-break markers that belong before it.
        With `inside`, those of pages beginning inside the block's text wait for its markup
        (`place_inside`), to stand at the word each page begins with."""
        self.blocks.append(ident)
        if lines:
            self.lines[ident] = (lines[0], lines[1])
        labels = self.breaks.get(ident, ())
        self.inside = [(label, self.starts[label]) for label in labels if inside and label in self.starts]
        return "".join(marker(label) for label in labels if not (inside and label in self.starts))

    def place_inside(self, html: str) -> str:
        """`html`, the markup of the block recorded last, with the markers of pages beginning inside it."""
        html, self.inside = (place_markers(html, self.inside) if self.inside else html), []
        return html

    def note(self, tokens: Sequence[Token], backlink: str) -> str:
        self.backlink = backlink
        html = self.render(tokens, parser().options, {})
        if self.backlink:  # a note that does not open with a paragraph
            html, self.backlink = self.backlink + html, None
        return html

    def text_html(self, text: str, lang: str | None = None) -> str:
        """Escape plain text, wrapping runs in another script in a span with their language."""
        current = lang or self.current_lang
        runs = foreign_runs(text, current)
        if not runs:
            return escape(text)
        out, pos = [], 0
        for start, end, script in runs:
            if start < pos:
                continue
            run_lang = self.scripts.get(script)
            if not run_lang:
                continue
            direction = ' dir="rtl"' if script in RTL else ""
            out.append(escape(text[pos:start]))
            out.append(f'<span lang="{run_lang}" xml:lang="{run_lang}"{direction}>{escape(text[start:end])}</span>')
            pos = end
        out.append(escape(text[pos:]))
        return "".join(out)

    @property
    def current_lang(self) -> str:
        return next((l for l in reversed(self.langs) if l), self.lang)

    # -- dispatch with language tracking -------------------------------------------------
    def render(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        out = []
        for i, token in enumerate(tokens):
            if token.type == "inline":
                saved, self.last_words = self.last_words, self._paragraph_end(tokens, i)
                out.append(self.render_inline(token.children or [], options, env))
                self.last_words = saved
            else:
                out.append(self._dispatch(tokens, i, options, env))
        return "".join(out)

    def render_inline(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        return "".join(self._dispatch(tokens, i, options, env) for i in range(len(tokens)))

    renderInline = render_inline  # markdown-it's name, used by its own rules

    def _dispatch(self, tokens: Sequence[Token], i: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[i]
        if token.nesting == 1:
            lang = token.attrGet("lang")
            self.langs.append(str(lang) if lang else None)
        elif token.nesting == -1 and self.langs:
            self.langs.pop()
        if self.inline_blocks and token.block:
            return self._as_span(token)
        rule = self.rules.get(token.type) or self.renderToken
        if not (self.counting and token.block and token.level == 0 and token.nesting >= 0 and token.type != "inline"):
            return rule(tokens, i, options, env)
        self.block_number += 1
        ident = token.attrGet("id")
        if ident:
            return self.block(str(ident), inside=True, lines=token.map) + rule(tokens, i, options, env)
        ident = f"{self.chapter_id}-b{self.block_number}"
        markers = self.block(ident, inside=True, lines=token.map)
        if not self.block_ids:
            return markers + rule(tokens, i, options, env)
        token.attrSet("id", ident)  # for this rendering only
        try:
            return markers + rule(tokens, i, options, env)
        finally:
            del token.attrs["id"]

    def _as_span(self, token: Token) -> str:
        """Block markup inside a footnote that sits in a paragraph: spans an HTML parser keeps in place."""
        if token.type in ("fence", "code_block"):
            return f'<code class="note-code">{escape(token.content)}</code>'
        if token.nesting == 1:
            return f'<span class="note-{token.tag}"{self.renderAttrs(token)}>'
        if token.nesting == -1:
            return "</span>"
        return f'<span class="note-{token.tag}"></span>'

    def renderAttrs(self, token: Token) -> str:
        attrs = {k: v for k, v in token.attrs.items() if k in _ALLOWED_ATTRS}
        if "lang" in attrs:
            attrs["xml:lang"] = attrs["lang"]
        return "".join(f' {k}="{escape(str(v))}"' for k, v in attrs.items())

    # -- rules ------------------------------------------------------------------------------
    def _paragraph_end(self, tokens: Sequence[Token], i: int) -> Token | None:
        """In print (the layout asks for block ids), the text token that ends the paragraph whose
        inline content is tokens[i], when it holds a word before its last two and only note calls
        follow it."""
        if not self.block_ids or i == 0 or tokens[i - 1].type != "paragraph_open":
            return None
        for child in reversed(tokens[i].children or []):
            if child.type != "footnote_ref":
                return child if child.type == "text" and _last_two(child.content) else None
        return None

    def text(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        if token is not self.last_words:
            return self.text_html(token.content)
        # A paragraph's last two words stay together, unhyphenated (print CSS: .last-words), so
        # that its last line never holds a single word or the tail of a hyphenated one.
        start = _last_two(token.content)
        before, last = token.content[start:].split(" ", 1)
        tied = f"{before}{NBSP}{last.lstrip(' ')}"
        return f'{self.text_html(token.content[:start])}<span class="last-words">{self.text_html(tied)}</span>'

    def footnote_ref(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        meta = tokens[idx].meta
        number, sub = meta["id"] + 1, meta.get("subId", 0)  # an inline note ^[…] has no subId
        ref_id = f"{self.chapter_id}-nref{number}" + (f"-{sub}" if sub else "")
        if self.notes_at == NotePlacement.FOOTNOTES and number in self.notes:
            return self._footnote(number, ref_id, sub == 0, options, env)
        return (
            f'<sup class="noteref"><a id="{ref_id}" href="#{self.chapter_id}-n{number}" '
            f'epub:type="noteref" role="doc-noteref">{number}</a></sup>'
        )

    def _footnote(self, number: int, ref_id: str, first: bool, options: OptionsDict, env: EnvType) -> str:
        """The note itself, floated by print CSS to the foot of the page where it is called."""
        if not first:
            return f'<sup class="noteref"><a id="{ref_id}" href="#{self.chapter_id}-n{number}">{number}</a></sup>'
        saved, self.inline_blocks = self.inline_blocks, True
        if spans := [t.map for t in self.notes[number] if t.map]:
            self.lines[f"{self.chapter_id}-n{number}"] = (min(s[0] for s in spans), max(s[1] for s in spans))
        if self.note_links:  # the call a link to the note, the note's number one back (its marker and call styled away)
            body = self.note(self.notes[number], f'<a class="note-number" href="#{ref_id}" role="doc-backlink">{number}.</a> ')
            call = f'<sup class="noteref"><a id="{ref_id}" href="#{self.chapter_id}-n{number}" role="doc-noteref">{number}</a></sup>'
        else:
            body = self.render(self.notes[number], options, env)
            call = f'<span class="noteref" id="{ref_id}"></span>'
        self.inline_blocks = saved
        return f'{call}<span class="footnote" id="{self.chapter_id}-n{number}" data-n="{number}">{body}</span>'

    def figure_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return f"<figure{self.renderAttrs(tokens[idx])}>\n"

    def figure_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        image = tokens[idx - 1].children[0]
        caption = str(image.attrGet("title") or "")
        return f"<figcaption>{self.text_html(caption)}</figcaption>\n</figure>\n" if caption else "</figure>\n"

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        src = self.links.image(Path(str(token.attrGet("src"))))
        alt = escape(str(token.attrGet("alt") or ""))
        return f'<img src="{escape(src)}" alt="{alt}"{self.renderAttrs(_only(token, "id", "class"))} />'

    def paragraph_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        self.attributions.append(bool(token.meta.get("attribution")))
        if token.hidden:  # a paragraph in a tight list
            return ""
        if token.meta.get("attribution"):
            return f'<footer><p class="attribution"{self.renderAttrs(token)}>'
        html = f"<p{self.renderAttrs(token)}>"
        if self.backlink:
            html, self.backlink = html + self.backlink + " ", None
        return html

    def paragraph_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        attribution = self.attributions.pop()
        if tokens[idx].hidden:
            return ""
        return "</p></footer>\n" if attribution else "</p>\n"

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        if href.startswith("#"):
            return f'<a href="{escape(self.links.target(href[1:]))}">'
        return f'<a href="{escape(href)}"{self.renderAttrs(_only(token, "title"))}>'

    def table_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        caption = tokens[idx].meta.get("caption")
        html = f"<table{self.renderAttrs(tokens[idx])}>\n"
        if caption is not None:
            html += f"<caption>{self.render_inline(caption.children or [], options, env)}</caption>\n"
        return html

    def th_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._cell(tokens[idx], "th")

    def td_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._cell(tokens[idx], "td")

    def _cell(self, token: Token, tag: str) -> str:
        style = str(token.attrGet("style") or "")
        align = style.removeprefix("text-align:") if style.startswith("text-align:") else None
        scope = ' scope="col"' if tag == "th" else ""
        return f'<{tag}{scope} class="align-{align}">' if align else f"<{tag}{scope}>"

    def span_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """Term and person marks become links to their entries; index marks stay spans with an id."""
        token = tokens[idx]
        link = token.meta.get("link")
        self.span_links.append(bool(link))
        if not link:
            return f"<span{self.renderAttrs(token)}>"
        kind = ' epub:type="glossref" role="doc-glossref"' if token.meta.get("kind") == "term" else ""
        return f'<a{self.renderAttrs(_only(token, "id", "lang"))} class="{token.meta["kind"]}" href="{escape(self.links.target(link))}"{kind}>'

    def span_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "</a>" if self.span_links.pop() else "</span>"

    def hr(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return '<hr class="scene-break" />\n'


def _top_level(tokens: Sequence[Token]) -> Iterator[Sequence[Token]]:
    """`tokens` cut into their top-level blocks (a block's tokens end with one of level 0 that
    opens nothing)."""
    start = 0
    for number, token in enumerate(tokens):
        if token.level == 0 and token.nesting <= 0:
            yield tokens[start:number + 1]
            start = number + 1
    if start < len(tokens):
        yield tokens[start:]


def _last_two(text: str) -> int | None:
    """Where the last two words of `text` begin, when a word comes before them (else None): set
    after nothing but a space, a span of them would lose that space from WeasyPrint's PDF text."""
    words = text.rstrip()
    last = words.rfind(" ")
    if last <= 0:
        return None
    start = words.rfind(" ", 0, len(words[:last].rstrip(" "))) + 1
    return start if words[:start].strip() else None


def _only(token: Token, *names: str) -> Token:
    copy = Token(token.type, token.tag, token.nesting)
    copy.attrs = {k: v for k, v in token.attrs.items() if k in names}
    return copy
