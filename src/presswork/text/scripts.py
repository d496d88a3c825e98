"""Which writing system a run of text is in, so unmarked foreign runs get the right language."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .typography import primary

_LETTERS = {
    "Cyrl": "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f",
    "Grek": "\u0370-\u03ff\u1f00-\u1fff",
    "Hebr": "\u0590-\u05ff\ufb1d-\ufb4f",
}
_COMBINING = "\u0300-\u036f"
_JOINERS = r"[\s\u00a0,.;:!?'’\"«»„“”()\-–—…]*"
RUNS = {
    script: re.compile(rf"[{letters}][{letters}{_COMBINING}]*(?:{_JOINERS}[{letters}][{letters}{_COMBINING}]*)*")
    for script, letters in _LETTERS.items()
}
ANY_FOREIGN = re.compile("[" + "".join(_LETTERS.values()) + "]")
RTL = {"Hebr"}

_LANG_SCRIPT = {
    **dict.fromkeys(("ru", "uk", "be", "bg", "sr", "mk", "kk", "cu", "ky", "tg", "mn"), "Cyrl"),
    **dict.fromkeys(("el", "grc"), "Grek"),
    **dict.fromkeys(("he", "yi"), "Hebr"),
}


# Writing systems whose letters look alike across scripts, as the first word of a letter's Unicode
# name. Han, kana and Hangul are left out: Japanese and Korean mix them within a word by design.
_SCRIPTS = frozenset({
    "LATIN", "CYRILLIC", "GREEK", "COPTIC", "HEBREW", "ARABIC", "SYRIAC", "ARMENIAN", "GEORGIAN", "GLAGOLITIC",
    "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "THAI", "LAO",
    "TIBETAN", "ETHIOPIC", "CHEROKEE", "RUNIC", "OGHAM",
})  # fmt: skip


@lru_cache(maxsize=4096)
def _script(char: str) -> str | None:
    """The script of a letter ('Latin', 'Cyrillic' …); None for marks, digits, punctuation and
    letters of no script above (ª, µ, fullwidth and mathematical letters)."""
    if not unicodedata.category(char).startswith("L"):
        return None
    first = unicodedata.name(char, "").split(" ", 1)[0]
    return first.capitalize() if first in _SCRIPTS else None


def mixed_scripts(word: str) -> list[str]:
    """The scripts a word mixes ('Latin', 'Cyrillic' …) in order of appearance, empty when it keeps
    to one: look-alike letters from two scripts are the classic OCR and typing slip in translated books."""
    if word.isascii():
        return []
    found = list(dict.fromkeys(s for s in map(_script, word) if s))
    return found if len(found) > 1 else []


def script_of(lang: str) -> str:
    return _LANG_SCRIPT.get(primary(lang), "Latn")


def foreign_runs(text: str, lang: str) -> list[tuple[int, int, str]]:
    """(start, end, script) of every run in `text` whose script is not that of `lang`, in order."""
    if not ANY_FOREIGN.search(text):
        return []
    own = script_of(lang)
    runs = [(m.start(), m.end(), s) for s, rx in RUNS.items() if s != own for m in rx.finditer(text)]
    return sorted(runs)
