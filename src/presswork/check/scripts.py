"""S: words that mix alphabets (a Cyrillic р among Latin letters), which no reader sees and no search finds."""

from __future__ import annotations

import re
from pathlib import Path

from ..text.scripts import mixed_scripts
from .codes import Problems

_WORD = re.compile(r"[\w\u0300-\u036f]+")


def prose_line(found: Problems, source: Path, number: int | None, prose: str) -> None:
    """S001 for each word of one line of prose written in two scripts."""
    for word in _WORD.findall(prose):
        scripts = mixed_scripts(word)
        if scripts:
            found.add("S001", source, number, f"{word!r} ({' + '.join(scripts)})")
