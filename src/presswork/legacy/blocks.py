"""The export as blocks: runs of non-blank lines, each remembering the line it starts on."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import Location, PressworkError

# A long book's text export is a few megabytes; more is not an export, and would be read whole.
MAX_EXPORT_BYTES = 64 * 2**20
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


@dataclass
class Block:
    lines: list[str]
    line: int  # 1-based line of its first line
    gap: int = 1  # blank lines before it: two or more mark where the export dropped an image

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.lines).split())


def read_blocks(path: Path) -> list[Block]:
    data = _read_export(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PressworkError("the export is not UTF-8 text", Location(path, line), "convert it to UTF-8 first") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    current: list[str] = []
    start = blank = gap = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not current:
                start, gap = number, blank
            current.append(line.strip())
            blank = 0
        else:
            blank += 1
            if current:
                blocks.append(Block(current, start, gap))
                current = []
    if current:
        blocks.append(Block(current, start, gap))
    return blocks


def _read_export(path: Path) -> bytes:
    """The export's bytes, from a regular file of at most MAX_EXPORT_BYTES: a FIFO would wait for a
    writer for ever and a device (/dev/zero) never ends, so the file is opened without waiting and
    its kind and size are checked before anything is read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise PressworkError(f"cannot read the export: {exc.strerror}", Location(path)) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PressworkError("the export is not a regular file", Location(path), "give the text file the old system exported")
        data = handle.read(MAX_EXPORT_BYTES + 1)
    if len(data) > MAX_EXPORT_BYTES:
        raise PressworkError(f"the export is bigger than {MAX_EXPORT_BYTES // 2**20} MB, more than any book's text",
                             Location(path), "give the text export of one book")  # fmt: skip
    return data


def norm(text: str) -> str:
    """Text reduced for comparing headings: no Markdown links or emphasis, plain quotes, one case."""
    text = re.sub(r"^\[(.*)\]\(#\)$", r"\1", text.strip())
    text = text.replace("**", "").replace("*", "").translate(_QUOTES)
    return " ".join(re.sub(r"[\u00b9\u00b2\u00b3\u2070-\u2079]+$", "", text).split()).casefold()
