"""T: typography the author should settle before a proofreader reads: quotes, spaces, dashes, repeats."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from markdown_it.token import Token

from .codes import Problems

# Words English doubles by grammar ("she had had enough", "There, there", "get her her pipe"):
# their repeat is no slip, so T006 leaves them.
GRAMMATICAL_DOUBLES = {"had", "that", "there", "her"}
# A list numbered in the text, "1) … 2) …": its closing brackets open nothing.
_LIST_NUMBER = re.compile(r"(?<![\w(])(?:\d{1,3}|[a-z])\)")


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
        if not match.group(1).isdigit() and match.group(1).casefold() not in GRAMMATICAL_DOUBLES:
            found.add("T006", source, number, f"{match.group(1)!r} twice")


def balance(found: Problems, source: Path, line: int | None, inline: Token, runs_on: bool = False) -> None:
    """T005: quotes and brackets, after presswork's own typography, per paragraph. A quotation
    running over paragraphs leaves each open but the last (`runs_on`: the next paragraph opens with
    a quote mark, as the convention has it), and a list numbered "1) … 2)" closes what it never opened."""
    text = "".join(c.content for c in inline.children or [] if c.type == "text")
    counts = Counter(text)
    # a closing bracket of a list number only where closers outnumber openers ("p. 67)" closes one)
    counts[")"] -= min(max(counts[")"] - counts["("], 0), len(_LIST_NUMBER.findall(text)))
    pairs = [(counts["("], counts[")"], "(", ")"), (counts["["], counts["]"], "[", "]"),
             (counts["«"], counts["»"], "«", "»"),
             (counts["“"] - counts["„"], counts["”"], "“", "”")]  # „ closes with “ in Russian  # fmt: skip
    for opened, closed, open_, close in pairs:
        if opened != closed and not (runs_on and open_ in "“«" and opened == closed + 1):
            found.add("T005", source, line, f"{opened} {open_} but {closed} {close}")
            break


def opens_with_quote(inline: Token) -> bool:
    """Whether a paragraph begins with an opening quote mark (continuing a quotation)."""
    first = next((c.content for c in inline.children or [] if c.type == "text" and c.content.strip()), "")
    return first.lstrip().startswith(("“", "«", "„"))
