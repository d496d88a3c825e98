"""Which writing system a run of text is in, so unmarked foreign runs get the right language."""

from __future__ import annotations

import re

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


_ALPHABETS = {"Latin": re.compile(r"[A-Za-z\u00c0-\u024f]"), **{name: re.compile(f"[{letters}]") for name, letters in
              (("Cyrillic", _LETTERS["Cyrl"]), ("Greek", _LETTERS["Grek"]), ("Hebrew", _LETTERS["Hebr"]))}}  # fmt: skip


def mixed_scripts(word: str) -> list[str]:
    """The alphabets a word mixes ('Latin', 'Cyrillic' …), empty when it keeps to one: look-alike
    letters from two scripts are the classic OCR and typing slip in translated books."""
    found = [name for name, letters in _ALPHABETS.items() if letters.search(word)]
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
