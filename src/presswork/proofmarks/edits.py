"""A proofreader's unambiguous marks as edits of the manuscript: a unified diff for review, or the
edits written. Only what a mark asks for without doubt becomes an edit — a strike-out (its note the
replacement, none: delete), a caret (its note inserted after the word before it), a free text whose
text begins with an arrow (it replaces the words under it) — in the Markdown file the mark was
placed in, never another. Every other mark stays in the list with the reason."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Location, PressworkError
from ..files.output import write_atomic, writing_into
from .annotations import Mark
from .locate import Place, key

ARROW = re.compile(r"\A\s*(?:→|->)\s*")  # `→ replacement`: the note's replacement, said as one
MARKUP = set("[]{}*_`^<>\\|#")  # Markdown between the marked words: not a plain edit of text
CLOSERS = ",.;:!?)]…’”"  # inserted text starting with one of these joins the word before it
_PUNCT = CLOSERS + "([‘“\"'-"  # printed around the marked words' letters, struck with them


@dataclass
class Edit:
    file: Path  # relative to the book folder
    start: int  # offsets in the file's text
    end: int
    new: str
    mark: Mark
    place: Place


def plan(marks: list[tuple[Mark, Place]], root: Path) -> tuple[list[Edit], list[tuple[Mark, Place, str]]]:
    """The edits the marks ask for without doubt, and every other mark with why it is not one."""
    edits: list[Edit] = []
    left: list[tuple[Mark, Place, str]] = []
    texts: dict[Path, str] = {}
    for mark, place in marks:
        reason = _doubt(mark, place)
        if reason is None and place.file is not None:
            text = texts.setdefault(place.file, (root / place.file).read_text(encoding="utf-8"))
            edit_or_reason = _edit(mark, place, text)
            if isinstance(edit_or_reason, Edit):
                edits.append(edit_or_reason)
                continue
            reason = edit_or_reason
        left.append((mark, place, reason or ""))
    clashing = {id(a) for a in edits for b in edits if a is not b and a.file == b.file and a.start <= b.end and b.start <= a.end}
    left += [(e.mark, e.place, "touches the place of another mark: apply by hand") for e in edits if id(e) in clashing]
    return [e for e in edits if id(e) not in clashing], left


def _doubt(mark: Mark, place: Place) -> str | None:
    if mark.kind not in ("strike", "insert", "text"):
        return f"a {mark.kind} asks no edit"
    if mark.kind == "text" and not ARROW.match(mark.comment):
        return "a free text not beginning with → is a comment"
    if mark.kind == "insert" and not mark.comment:
        return "a caret with no text to insert"
    if "\n" in mark.comment.strip():
        return "its note runs over several lines"
    if mark.replies:
        return "it has replies: settle the discussion by hand"
    if place.file is None or not place.exact:
        return "not found in the manuscript as printed"
    if place.span is None:
        return "found only outside the file of its page's section"
    if place.file.suffix != ".md":
        return f"in {place.file.name}, not a Markdown file: edit it by hand"
    return None


def _edit(mark: Mark, place: Place, text: str) -> Edit | str:
    """The edit a mark asks for, or why the file does not hold the marked words where they were found."""
    assert place.file is not None and place.span is not None
    start, end = place.span
    if key(text[start:end]) != key(mark.text):
        return f"the file changed: {mark.text!r} is no longer at {place.line}:{place.column}"
    printed = mark.text
    lead = printed[: len(printed) - len(printed.lstrip(_PUNCT))]
    trail = printed[len(printed.rstrip(_PUNCT)) :]
    if lead and text[start - len(lead) : start] == lead:
        start -= len(lead)
    if trail and text[end : end + len(trail)] == trail:
        end += len(trail)
    if MARKUP & set(text[max(0, start - 1) : end + 1]):  # inside or next to markup ([name]{.person}, *stress*)
        return "the marked words cross Markdown markup: edit by hand"
    note = ARROW.sub("", mark.comment.strip())
    if mark.kind == "insert":
        if text[end:].lstrip().startswith(note):
            return f"{note!r} already follows {mark.text!r}"
        return Edit(place.file, end, end, note if note.startswith(tuple(CLOSERS)) else " " + note, mark, place)
    if not note:  # a deletion takes one space with it, so that no double space is left
        if start > 0 and text[start - 1] == " " and (end == len(text) or not text[end].isalnum()):
            start -= 1
        elif end < len(text) and text[end] == " ":
            end += 1
    return Edit(place.file, start, end, note, mark, place)


def edited(root: Path, edits: list[Edit]) -> dict[Path, tuple[str, str]]:
    """Each file the edits name: its text as it is and as edited."""
    out: dict[Path, tuple[str, str]] = {}
    for file in dict.fromkeys(e.file for e in edits):
        text = new = (root / file).read_text(encoding="utf-8")
        for edit in sorted((e for e in edits if e.file == file), key=lambda e: e.start, reverse=True):
            new = new[: edit.start] + edit.new + new[edit.end :]
        out[file] = (text, new)
    return out


def patch(changes: dict[Path, tuple[str, str]]) -> str:
    """The edits as a unified diff, `patch -p1` applying it in the book folder."""
    return "".join("".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{file}", f"b/{file}"))
                   for file, (old, new) in changes.items())  # fmt: skip


def apply(root: Path, changes: dict[Path, tuple[str, str]]) -> None:
    """Write the edited files, each atomically, after making sure none changed since it was read."""
    for file, (old, _new) in changes.items():
        if (root / file).read_text(encoding="utf-8") != old:
            raise PressworkError("the file changed since the marks were located", Location(file), "run presswork marks --apply again")
    for file, (_old, new) in changes.items():
        with writing_into((root / file).parent):
            write_atomic(root / file, new.encode("utf-8"))
