"""N: notes called but not defined, empty, or numbered out of the order of their calls."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from markdown_it.token import Token

from ..model import Note
from .codes import Problems

_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")  # left as text by the parser: a call with no definition

Call = tuple[str, int | None]  # a note's label and the line of its call


def calls(found: Problems, source: Path, inline: Token, at: Callable[[int], int | None]) -> list[Call]:
    """The note calls of one inline run in order, each at its line (`at` a line offset in the run);
    N001 for each call the parser left as text, having found no definition."""
    made: list[Call] = []
    offset = 0
    for child in inline.children or []:
        offset += child.type in ("softbreak", "hardbreak")
        if child.type == "footnote_ref":
            made.append((str(child.meta["label"]), at(offset)))
        elif child.type == "text":
            for match in _NOTE_CALL.finditer(child.content):
                found.add("N001", source, at(offset), f"[^{match.group(1)}]")
    return made


def empty(found: Problems, source: Path, note: Note) -> None:
    """N004 for a note with no text."""
    if not any(tok.content.strip() for tok in note.tokens):
        found.add("N004", source, note.where.line, f"[^{note.label}]")


def order(found: Problems, source: Path, made: list[Call]) -> None:
    """N003: numbered notes should be numbered in the order they are first called."""
    seen = list(dict.fromkeys(label for label, _ in made))
    numbers = [int(label) for label in seen if label.isdigit()]
    ordered = sorted(numbers)
    if numbers != ordered:
        position = {number: index for index, number in reversed(list(enumerate(numbers)))}
        first = next(line for label, line in made if label.isdigit() and int(label) != ordered[position[int(label)]])
        found.add("N003", source, first, "labels " + ", ".join(map(str, numbers[:8])) + ("…" if len(numbers) > 8 else ""))
