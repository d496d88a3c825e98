"""`presswork export docx`: the manuscript as one Word file for a copy-editor, through Pandoc's docx
writer. Each manuscript file opens with a Heading 1 bookmarked `presswork_N` (N its place in the
book), which Word and LibreOffice keep, so that `import docx --into` finds each file again."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import Diagnostics, PressworkError
from ..files.output import write_atomic
from ..load.book import load_book
from ..load.chapters import split_front_matter
from ..model import Book, Chapter
from . import pandoc

BOOKMARK = "presswork_"
# presswork's marks as Word character styles, so that an editor sees them (and keeps them) in Word
MARK_STYLES = {"term": "Glossary Term", "person": "Person", "ix": "Index Mark", "sup": "Superscript Text", "sub": "Subscript Text"}
BLOCK_STYLES = {"epigraph": "Epigraph", "poem": "Poem"}
_ATTR_LINE = re.compile(r"^\{([^{}\n]*)\}\n((?:[^\n]+\n?)+)", re.M)
_TITLE = re.compile(r"\A\s*# [^\n]*\n")


def export_docx(root: Path, out: Path) -> int:
    """Write the book in `root` to `out` as a .docx; the number of manuscript files in it."""
    book = load_book(root, Diagnostics())
    chapters = list(book.chapters())
    if not out.name.lower().endswith(".docx"):
        raise PressworkError(f"{out.name} does not end in .docx", None, "name the Word file NAME.docx")
    ast = json.loads(pandoc.run(["-f", "markdown-smart", "-t", "json"], stdin=manuscript(book, chapters).encode()))
    ast["blocks"] = [_styled(b) for b in ast["blocks"]]
    ast["meta"] = {"title": {"t": "MetaInlines", "c": [{"t": "Str", "c": book.metadata.title}]}}
    data = pandoc.run(["-f", "json", "-t", "docx", f"--resource-path={book.root}", "-o", "-"], stdin=json.dumps(ast).encode())
    write_atomic(out, data)
    return len(chapters)


def manuscript(book: Book, chapters: list[Chapter]) -> str:
    """Every manuscript file as Pandoc Markdown: its title as a bookmarked Heading 1, its notes
    renamed so that two files' `[^1]` stay apart, presswork's attribute lines as Pandoc divs."""
    parts = []
    for index, chapter in enumerate(chapters, 1):
        _, body = split_front_matter(book.texts[chapter.source], chapter.source)
        body = _TITLE.sub("", body, count=1)
        body = re.sub(r"\[\^([^\]\s]+)\]", lambda m: f"[^f{index}-{m.group(1)}]", body)
        body = _ATTR_LINE.sub(lambda m: f"::: {{{m.group(1)}}}\n{m.group(2).rstrip()}\n:::\n", body)
        parts.append(f"# {chapter.title} {{#{BOOKMARK}{index}}}\n\n{body.strip()}\n")
    return "\n\n".join(parts)


def _styled(node: object) -> object:
    """presswork's classes as Word styles: small caps as Word's own, marks and epigraphs as named styles."""
    if isinstance(node, list):
        return [_styled(n) for n in node]
    if not isinstance(node, dict):
        return node
    kind, c = node.get("t"), node.get("c")
    if kind == "Span" and "sc" in c[0][1]:
        return {"t": "SmallCaps", "c": _styled(c[1])}
    if kind == "Span" and (style := next((MARK_STYLES[k] for k in c[0][1] if k in MARK_STYLES), None)):
        return {"t": "Span", "c": [[c[0][0], c[0][1], [*c[0][2], ["custom-style", style]]], _styled(c[1])]}
    if kind == "Div" and (style := next((BLOCK_STYLES[k] for k in c[0][1] if k in BLOCK_STYLES), None)):
        inner = c[1][0]["c"] if len(c[1]) == 1 and c[1][0]["t"] == "BlockQuote" else c[1]
        return {"t": "Div", "c": [[c[0][0], c[0][1], [*c[0][2], ["custom-style", style]]], _styled(inner)]}
    if kind == "HorizontalRule":  # Word has no rule LibreOffice keeps: a scene break as the text Word users type
        return {"t": "Div", "c": [["", [], [["custom-style", "Scene Break"]]], [{"t": "Para", "c": [{"t": "Str", "c": "* * *"}]}]]}
    if kind == "BlockQuote":
        return {"t": "Div", "c": [["", [], [["custom-style", "Quote"]]], _styled(c)]}
    return {**node, "c": _styled(c)} if c is not None else node
