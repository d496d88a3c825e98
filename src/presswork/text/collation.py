"""Sort keys for glossaries, biographies and the index: letters before their accents, case last.

Python's default order puts every accented or Cyrillic capital in the wrong place; this key
compares base letters first (é with e, Ł with L, Ё with Е), then accents, then case, which is
what readers of an index expect in English and Russian.
"""

from __future__ import annotations

import unicodedata

_BASE = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE",
                       "œ": "oe", "Œ": "OE", "ё": "е", "Ё": "Е"})  # fmt: skip


def sort_key(text: str) -> tuple[str, str, str]:
    cleaned = text.strip().lstrip("\"'“‘«(").translate(_BASE)
    decomposed = unicodedata.normalize("NFKD", cleaned)
    base = "".join(c for c in decomposed if not unicodedata.combining(c) and (c.isalnum() or c.isspace()))
    return (base.casefold(), decomposed.casefold(), cleaned)


def initial(text: str) -> str:
    """The letter an index groups an entry under ('#' for digits and symbols)."""
    base = sort_key(text)[0]
    return base[0].upper() if base and base[0].isalpha() else "#"
