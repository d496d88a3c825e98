"""T: typography the author should settle before a proofreader reads: quotes, spaces, dashes, repeats."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from markdown_it.token import Token

from .codes import Problems


def prose_line(found: Problems, source: Path, number: int | None, prose: str) -> None:
    """T001–T004 and T006 on one line of prose as the author wrote it."""
    if re.search(r"\S  +\S", prose):
        found.add("T002", source, number)
    if re.search(r"\w - \w", prose):
        found.add("T003", source, number)
    if re.search(r"\w [,.;:!?](?:\s|$)", prose) and not re.search(r"\.\.\.|\w \.\w", prose):
        found.add("T004", source, number)
    if re.search(r'\w"\w', prose):
        found.add("T001", source, number, "between two letters, so it can be neither opening nor closing")
    for match in re.finditer(r"\b(\w+) \1\b", prose, re.I):
        if not match.group(1).isdigit():
            found.add("T006", source, number, f"{match.group(1)!r} twice")


def balance(found: Problems, source: Path, line: int | None, inline: Token) -> None:
    """T005: quotes and brackets, after presswork's own typography, per paragraph."""
    counts = Counter("".join(c.content for c in inline.children or [] if c.type == "text"))
    pairs = [(counts["("], counts[")"], "(", ")"), (counts["["], counts["]"], "[", "]"),
             (counts["«"], counts["»"], "«", "»"),
             (counts["“"] - counts["„"], counts["”"], "“", "”")]  # „ closes with “ in Russian  # fmt: skip
    for opened, closed, open_, close in pairs:
        if opened != closed:
            found.add("T005", source, line, f"{opened} {open_} but {closed} {close}")
            break
