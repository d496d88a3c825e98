"""A line's prose: the words a reader sees, without inline markup (code, link targets, attributes,
addresses, note calls); what the prose checks and the release gate read."""

from __future__ import annotations

import re

from ..text.scripts import mixed_scripts

_MARKUP = re.compile(r"`[^`]*`|\]\([^)]*\)|\{[^}]*\}|https?://\S+|\[\^[^\]]*\]")
_WORD = re.compile(r"[\w\u0300-\u036f]+")


def prose(line: str) -> str:
    return _MARKUP.sub("", line)


def mixed_words(prose_text: str) -> list[tuple[str, list[str]]]:
    """(word, its scripts) for each word of the prose written in two scripts (look-alike letters)."""
    return [(word, scripts) for word in _WORD.findall(prose_text) if (scripts := mixed_scripts(word))]
