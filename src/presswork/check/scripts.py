"""S: words that mix alphabets (a Cyrillic р among Latin letters), which no reader sees and no search finds."""

from __future__ import annotations

from pathlib import Path

from .codes import Problems
from .prose import mixed_words


def prose_line(found: Problems, source: Path, number: int | None, prose: str) -> None:
    """S001 for each word of one line of prose written in two scripts."""
    for word, scripts in mixed_words(prose):
        found.add("S001", source, number, f"{word!r} ({' + '.join(scripts)})")
