"""`presswork marks ANNOTATED.pdf [BOOK_DIR]`: a proofreader's marks on a PDF of the book, one line
a mark at the manuscript's file:line:column, so that an editor works through them in the source."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostics, Location, PressworkError
from ..files.output import write_atomic, writing_into
from ..load.book import load_book
from ..model import Book
from ..proofmarks.annotations import Mark, read_marks, read_sections, read_source_map
from ..proofmarks.edits import ARROW, apply, edited, patch, plan
from ..proofmarks.locate import Locator, Place
from ..sourcemap import SourceMap
from ..text.labels import counted


@dataclass
class Found:
    mark: Mark
    place: Place


def find_marks(pdf: Path, book_dir: Path, diagnostics: Diagnostics, strict: bool = False) -> tuple[list[Found], str | None]:
    """The PDF's marks placed in the book, and a warning when they were placed by their text alone
    (the PDF is of another build of the book, or has no source map); with `strict`, that is an error."""
    book = load_book(book_dir, diagnostics)
    source_map = read_source_map(pdf)
    warning = _other_build(source_map, book)
    if warning and strict:
        raise PressworkError(f"{warning}: --strict places marks only through the source map of the book as it is",
                             Location(pdf), "mark up a PDF built from the manuscript as it is now, or leave out --strict")  # fmt: skip
    locator = Locator(book, read_sections(pdf), None if warning else source_map)
    found = [Found(mark, locator.place(mark)) for mark in read_marks(pdf)]
    return found, f"{pdf}: {warning}: marks placed by their text" if warning else None


def _other_build(source_map: SourceMap | None, book: Book) -> str | None:
    """Why the PDF's source map cannot be used for the book as it is, or None when it can."""
    if source_map is None:
        return "no source map of its pages (not a print or proof PDF presswork made, made before it kept one, or pages added or taken out since)"
    changed = source_map.changed(book.texts)
    if changed:
        files = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        return f"from another build of the book (build {source_map.build[:12]}; changed since: {files})"
    return None


def line(found: Found, pdf: Path) -> str:
    """`file:line:col: strike "the the" → "the" (p. 96, folio 64) — note: "…"`."""
    mark, place = found.mark, found.place
    where = f"{place.file}:{place.line}:{place.column}" if place.line else f"{place.file or pdf}"
    return f"{where}: {describe(mark)}{_belongs(place)}"


def describe(mark: Mark) -> str:
    """What a mark asks for, in the words of its kind, with its page, author and replies."""
    text, comment = _quoted(mark.text), _quoted(mark.comment)
    if mark.kind == "strike":
        what = f"strike {text}" + (f" → {_quoted(ARROW.sub('', mark.comment))}" if mark.comment else "")
    elif mark.kind == "insert":
        what = f"insert {comment or '(nothing said)'} after {text}"
    elif mark.kind == "text":
        what = f"text {comment} at {text}"
    else:
        what = f"{mark.kind} {text}" + (f" — note: {comment}" if mark.comment else "")
    what += f" (p. {mark.page}, folio {mark.folio})"
    if mark.author or mark.date:
        what += f" [{', '.join(p for p in (mark.author, mark.date) if p)}]"
    for reply in mark.replies:
        what += f" — reply{' by ' + reply.author if reply.author else ''}: {_quoted(reply.comment)}"
    return what


def _belongs(place: Place) -> str:
    if place.what:
        return f" — on {place.what}" if place.file is None else f" — {place.what}"
    return "" if place.exact else " — placed by the words around it (the marked words are not in the manuscript as printed)"


def _quoted(text: str) -> str:
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def as_json(found: list[Found]) -> str:
    return json.dumps([_record(f) for f in found], ensure_ascii=False, indent=2)


def _record(found: Found) -> dict:
    mark, place = found.mark, found.place
    record = {"file": str(place.file) if place.file else None, "line": place.line, "column": place.column,
              "exact": place.exact, "by": "source map" if place.mapped else "text", "belongs_to": place.what or None, "kind": mark.kind, "text": mark.text,
              "comment": mark.comment, "author": mark.author, "date": mark.date, "page": mark.page, "folio": mark.folio}  # fmt: skip
    record["replies"] = [{"author": r.author, "date": r.date, "comment": r.comment} for r in mark.replies]
    return record


def write_html(found: list[Found], pdf: Path, path: Path) -> None:
    """The marks as a table an editor can tick through, written atomically."""
    rows = "".join(f"<tr><td>{html.escape(line(f, pdf).partition(': ')[0])}</td><td>{html.escape(describe(f.mark))}"
                   f"{html.escape(_belongs(f.place))}</td></tr>" for f in found)  # fmt: skip
    page = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>presswork marks</title><style>"
            "body{font-family:serif;max-width:60em;margin:auto}td{vertical-align:top;padding:.2em .5em}"
            f"</style></head><body><h1>Marks on {html.escape(pdf.name)}</h1><table>{rows}</table></body></html>\n")  # fmt: skip
    with writing_into(path.parent):
        write_atomic(path, page.encode())


def apply_marks(found: list[Found], pdf: Path, root: Path, patch_file: Path | None) -> str:
    """The unambiguous marks as a patch written to `patch_file` (None: edits written to the
    manuscript), then every other mark with the reason it was left."""
    edits, left = plan([(f.mark, f.place) for f in found], root)
    changes = edited(root, edits)
    if patch_file is None:
        apply(root, changes)
        done = f"applied {counted(len(edits), 'edit')} to {counted(len(changes), 'file')}"
    else:
        with writing_into(patch_file.parent):
            write_atomic(patch_file, patch(changes).encode("utf-8"))
        done = f"wrote {counted(len(edits), 'edit')} of {counted(len(changes), 'file')} to {patch_file} (apply: patch -p1 -d {root} < {patch_file})"
    lines = [f"{line(Found(e.mark, e.place), pdf)} — edit" for e in edits]
    lines += [f"{line(Found(mark, place), pdf)} — left: {reason}" for mark, place, reason in left]
    return "\n".join([*lines, done])
