"""A line's prose: the words a reader sees, without inline markup (code, link targets, attributes,
addresses, note calls); what the prose checks and the release gate read."""

from __future__ import annotations

import re
from functools import lru_cache

from ..text.scripts import mixed_scripts

_MARKUP = re.compile(r"`[^`]*`|\]\([^)]*\)|\{[^}]*\}|https?://\S+|\[\^[^\]]*\]")
_WORD = re.compile(r"[\w\u0300-\u036f]+")


def prose(line: str) -> str:
    return _MARKUP.sub("", line)


@lru_cache(maxsize=1 << 15)
def mixed_words(prose_text: str) -> tuple[tuple[str, list[str]], ...]:
    """(word, its scripts) for each word of the prose written in two scripts (look-alike letters).
    Kept for the lines seen last: every build reads the whole book's prose for them, and a
    long-lived process (`presswork watch`) sees the same lines again."""
    return tuple((word, scripts) for word in _WORD.findall(prose_text) if (scripts := mixed_scripts(word)))
