"""JSON that presswork reads back (its records, manifests and cache entries), which anyone may have
edited or forged: read within a size and a nesting limit, so a hostile file reads as damaged (a
ValueError, which every caller already treats as its way of damage) and never ends in a crash."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

MAX_BYTES = 64 * 2**20  # a record of ten thousand books, or a long book's page map, is a few MB
MAX_DEPTH = 32  # presswork writes JSON at most six levels deep
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.S)  # possessive: linear on any input
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


class DamagedJson(ValueError):
    """JSON too big or too deeply nested to be one presswork wrote."""


def loads(data: str | bytes) -> Any:
    """`json.loads` that refuses nesting deeper than MAX_DEPTH, found before parsing (the parser
    itself recurses, and 100,000 `[` would exhaust its stack): the brackets outside strings, with
    their innermost pairs removed once for each level allowed, must be gone."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    brackets = _NOT_BRACKETS.sub("", _STRING.sub("", text))
    for _ in range(MAX_DEPTH):
        brackets = brackets.replace("[]", "").replace("{}", "")
    if brackets:
        raise DamagedJson(f"JSON nested more than {MAX_DEPTH} deep, or its brackets unbalanced")
    return json.loads(text)


def read(path: Path) -> Any:
    """The JSON in the regular file at `path` (a link is not followed, a FIFO not waited on), read no
    further than MAX_BYTES; OSError when it cannot be opened."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DamagedJson(f"{path.name} is not a regular file")
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DamagedJson(f"{path.name} is bigger than {MAX_BYTES:,} bytes")
    return loads(data)
