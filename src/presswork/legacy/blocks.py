"""The export as blocks: runs of non-blank lines, each remembering the line it starts on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Location, PressworkError

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


@dataclass
class Block:
    lines: list[str]
    line: int  # 1-based line of its first line

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.lines).split())


def read_blocks(path: Path) -> list[Block]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PressworkError("the export is not UTF-8 text", Location(path, line), "convert it to UTF-8 first") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            blocks.append(Block(current, start))
            current = []
    if current:
        blocks.append(Block(current, start))
    return blocks


def norm(text: str) -> str:
    """Text reduced for comparing headings: no Markdown links or emphasis, plain quotes, one case."""
    text = re.sub(r"^\[(.*)\]\(#\)$", r"\1", text.strip())
    text = text.replace("**", "").replace("*", "").translate(_QUOTES)
    return " ".join(re.sub(r"[\u00b9\u00b2\u00b3\u2070-\u2079]+$", "", text).split()).casefold()
