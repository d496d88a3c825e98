"""Typography applied once for every product: quotes by language, dashes, ellipses, non-breaking spaces."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NBSP = "\u00a0"
WORD_JOINER = "\u2060"  # no break on either side, and no width

# (open double, close double, open single, close single) by primary language subtag.
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("“", "”", "‘", "’"),
    "ru": ("«", "»", "„", "“"),
    "uk": ("«", "»", "„", "“"),
    "be": ("«", "»", "„", "“"),
    "de": ("„", "“", "‚", "‘"),
    "pl": ("„", "”", "«", "»"),
    "fr": ("«\u202f", "\u202f»", "“", "”"),
}
# Languages whose inner quotes are the "single" pair when nested inside doubles.
_GUILLEMET_LANGS = {"ru", "uk", "be"}

# An address runs from a word's start to its first "@" and on: `\S+@` tried at every position
# backtracked over every "@" of a long word (cubic); anchored, it matches the same in linear time.
_URL = re.compile(r"(?:https?://|www\.)\S+|(?<!\S)\S[^\s@]*@\S+\.\w+")
_OPENERS = set(" \t\n\u00a0([{—–-/«„“‘")


def primary(lang: str) -> str:
    return lang.split("-")[0].lower()


@dataclass
class QuoteState:
    """What the quote algorithm must remember across the text pieces of one paragraph."""

    prev: str = " "
    stack: list[tuple[str, str]] = field(default_factory=list)  # (quote char, closing mark)


def smarten(text: str, lang: str, state: QuoteState, after: str = " ") -> str:
    """Curl quotes and apply dash, ellipsis and spacing rules, leaving web addresses alone.

    `after` is the character that follows `text` in its paragraph (text may be one piece of it).
    """
    out: list[str] = []
    pos = 0
    for match in _URL.finditer(text):
        out.append(_smarten_plain(text[pos : match.start()], lang, state, match.group()[0]))
        out.append(match.group())
        state.prev = match.group()[-1]
        pos = match.end()
    out.append(_smarten_plain(text[pos:], lang, state, after))
    return "".join(out)


def _smarten_plain(text: str, lang: str, state: QuoteState, after: str) -> str:
    if not text:
        return text
    text = _punctuation(text, primary(lang))
    if text[0] == "—" and not (state.prev.isspace() or state.prev == WORD_JOINER):  # a close dash after *emphasis*
        text = WORD_JOINER + text
    if '"' not in text and "'" not in text:
        state.prev = text[-1]
        return text
    marks = QUOTES.get(primary(lang), QUOTES["en"])
    out = []
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else after
        if ch == '"':
            out.append(_double(marks, lang, state, nxt))
        elif ch == "'":
            out.append(_single(marks, state, nxt))
        else:
            out.append(ch)
        state.prev = ch
    return "".join(out)


def _opens(prev: str, nxt: str) -> bool:
    return (prev in _OPENERS or prev.isspace()) and not nxt.isspace()


def _double(marks: tuple[str, str, str, str], lang: str, state: QuoteState, nxt: str) -> str:
    if _opens(state.prev, nxt):
        nested = any(q == '"' for q, _ in state.stack) and primary(lang) in _GUILLEMET_LANGS
        pair = (marks[2], marks[3]) if nested else (marks[0], marks[1])
        state.stack.append(('"', pair[1]))
        return pair[0]
    while state.stack:
        quote, close = state.stack.pop()
        if quote == '"':
            return close
    return marks[1]


def _single(marks: tuple[str, str, str, str], state: QuoteState, nxt: str) -> str:
    if state.prev.isalnum():
        if state.stack and state.stack[-1][0] == "'" and not nxt.isalnum():
            return state.stack.pop()[1]
        return "’"  # apostrophe
    if nxt.isdigit():
        return "’"  # elided century: the ’90s
    if _opens(state.prev, nxt):
        state.stack.append(("'", marks[3] if marks[0] != "«" else "’"))
        return marks[2] if marks[0] != "«" else "‘"
    if state.stack and state.stack[-1][0] == "'":
        return state.stack.pop()[1]
    return "’"


_RULES_ALL: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\.\.\."), "…"),
    (re.compile(r"---"), "—"),
    (re.compile(r"(?<=\d)--(?=\d)"), "–"),
    (re.compile(r"--"), "–"),
    (re.compile(r"\b(pp?|No|no|vol|Vol|ch|fig|Fig|art|§)\. (?=[\dIVXLC])"), "\\1." + NBSP),
    (re.compile(r"(№|§) (?=\d)"), "\\1" + NBSP),
    (re.compile(r"\b([A-ZА-ЯЁ]\.) (?=[A-ZА-ЯЁ])"), "\\1" + NBSP),
]
_RULES_EN = [(re.compile(r"(?<=\w) - (?=\w)"), " – ")]
_RULES_RU = [(re.compile(r"(?<=\S) - (?=\S)"), " — ")]
# A dash never starts a line: a spaced em or en dash keeps the word before it, and an em dash
# set close (Unicode lets a line break before it, an en dash not) gets a word joiner, which
# has no width and which searching and copying pass over. Applied after the rules above.
_DASH_TIES = [
    (re.compile(r"(?<!\s) (?=—|– )"), NBSP),
    (re.compile(r"(?<=[^\s\u2060])—"), WORD_JOINER + "—"),
]


def _punctuation(text: str, lang: str) -> str:
    for pattern, repl in _RULES_ALL:
        text = pattern.sub(repl, text)
    for pattern, repl in _RULES_RU if lang in _GUILLEMET_LANGS else _RULES_EN:
        text = pattern.sub(repl, text)
    for pattern, repl in _DASH_TIES:
        text = pattern.sub(repl, text)
    return text


def smarten_string(text: str, lang: str) -> str:
    """Typography for a stand-alone string (titles, captions, metadata)."""
    return smarten(text, lang, QuoteState())


_RANGE = re.compile(r"(?<=\d)([–-])(?=\d)")  # 1923–1927: a dash allows a break after it
_SHORT_LAST = re.compile(r"\s+(?=\w{1,3}\W*$)")  # the space before a last word of three letters or fewer


def display_string(text: str, lang: str) -> str:
    """Typography for a title set large (title page, chapter and part headings): a number range
    stays on one line and a short last word never stands alone on the last one."""
    text = _RANGE.sub(WORD_JOINER + "\\1" + WORD_JOINER, smarten_string(text, lang))
    return _SHORT_LAST.sub(NBSP, text)
