"""Note numbers in every shape an export writes them: a note line's number (`12.`, `[12.](#)`,
`- [12.](#)`, `¹².`, `^{12}`, `[12]`) and a call's (`¹²`, `^{12}`, `^{[12](#)}`, and combined or
ranged: `^{18, 19}`, `^{18–20}`, `¹⁸,¹⁹`). One reading for both, so that a note block is found by its
run of numbers whatever shape each takes, and no shape is left in the text as markup."""

from __future__ import annotations

import re

from ..text.markers import SUPER_CHARS

SUPER_DIGITS = str.maketrans(SUPER_CHARS, "0123456789")
SUPERSCRIPT = re.compile(f"[{SUPER_CHARS}]+")  # a call's number in superscript digits
DAMAGED_CALL = re.compile(r"^\[\D\]\(#\)$")  # a call link on a line of its own whose digit was misread ([Z](#))
TO_SUPER = str.maketrans("0123456789", SUPER_CHARS)
# Between two calls that stand side by side (¹⁸⁣¹⁹), so that each stays a call of its own; never printed.
CALL_SEPARATOR = "\u2063"
_SUP = f"[{SUPER_CHARS}]"
# A note line: an optional list marker, the number in one of its shapes, then the note's text.
_NOTE_LINE = re.compile(
    rf"^(?:[-*•]\s*)?(?:\[(?P<link>\d{{1,3}})\.?\]\(#\)\.?|\^\{{\s*(?:\[(?P<caretlink>\d{{1,3}})\]\(#\)|(?P<caret>\d{{1,3}}))\s*\}}\.?"
    rf"|\[(?P<bracket>\d{{1,3}})\.?\]|(?P<plain>\d{{1,3}})\.|(?P<sup>{_SUP}{{1,3}})\.?)\s+(?P<text>\S.*)$"
)
# A note line whose number was damaged (¹². for 1., l. for 1., [l.](#)): a short mark, then the note's text.
DAMAGED_NOTE = re.compile(rf"^(?:[-*•]\s*)?(?:\[[\dlIi|!{SUPER_CHARS}]{{1,3}}[.,:]?\](?:\(#\))?\.?|[\dlIi|!{SUPER_CHARS}]{{1,3}}[.,:)]"
                          rf"|{_SUP}{{1,3}})\s+(?=\S)")
_CARET = re.compile(r"\^\{([^{}\n]{1,60})\}")  # a caret group: ^{12}, ^{18, 19}, ^{18–20}, ^{[8](#)}
_SUPER_LIST = re.compile(rf"{_SUP}+(?:\s?[,;–—\-⁻]\s?{_SUP}+)+")  # ¹⁸,¹⁹ and ¹⁸–²⁰ written in superscripts
_ITEM = re.compile(r"^(\d{1,3})(?:\s*[–—\-]\s*(\d{1,3}))?$")
_MAX_RANGE = 30  # a range wider than a page of notes is not a call but a misreading: left for the residue scan


def note_line(line: str) -> tuple[str, str] | None:
    """(number, text) of a line that opens a note, in any shape; None for any other line."""
    m = _NOTE_LINE.match(line)
    if not m:
        return None
    number = next(m.group(k) for k in ("link", "caretlink", "caret", "bracket", "plain", "sup") if m.group(k))
    return str(int(number.translate(SUPER_DIGITS))), m.group("text")


def numbers(group: str) -> list[str] | None:
    """The note numbers a combined or ranged call stands for ('18, 19' → 18, 19; '18–20' → 18, 19, 20;
    links to numbers too); None when it is not a list of numbers."""
    items = [item.strip() for item in re.split(r"[,;]", re.sub(r"\[(\d{1,3})\]\(#\)", r"\1", group.translate(SUPER_DIGITS)))]
    out: list[str] = []
    for item in items:
        m = _ITEM.match(item.replace("⁻", "-"))
        if not m:
            return None
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if not first <= last <= first + _MAX_RANGE:
            return None
        out += [str(n) for n in range(first, last + 1)]
    return out


def superscript_calls(labels: list[str]) -> str:
    """Calls as superscript runs, one a note, kept apart by the separator."""
    return CALL_SEPARATOR.join(label.translate(TO_SUPER) for label in labels)


def normalize_calls(line: str) -> tuple[str, list[str]]:
    """The line with every caret group and list of superscripts made one superscript call per note,
    and what was changed (for the report's repairs)."""
    changes: list[str] = []

    def caret(m: re.Match[str]) -> str:
        labels = numbers(m.group(1))
        if labels is None:
            return m.group()
        changes.append(f"the call {m.group()} made call {labels[0]}" if len(labels) == 1
                       else f"the call {m.group()} made {len(labels)} calls ({', '.join(labels)})")  # fmt: skip
        return superscript_calls(labels)

    def listed(m: re.Match[str]) -> str:
        labels = numbers(m.group())
        if labels is None:
            return m.group()
        changes.append(f"the calls {m.group()} made {len(labels)} calls ({', '.join(labels)})")
        return superscript_calls(labels)

    return _SUPER_LIST.sub(listed, _CARET.sub(caret, line)), changes
