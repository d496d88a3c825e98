"""One justified paragraph broken total-fit (knuthplass.py) and handed back to WeasyPrint as lines.

The paragraph's inner HTML is read as runs of text, each with the face, size and language it is
set in (`shaping.py` measures them), and turned into boxes (words, split at the hyphenation points
their language allows and after the hyphens and dashes inside them), glue (word spaces, no-break
spaces among them, which stretch with the line but never end it) and penalties (a hyphen's; the
price of ending a line between a paragraph's last two words, which print.css ties), and broken
where the whole paragraph's demerits are least. It is
written back with its white space kept (`LINES`) and a newline where each line ends (after a
hyphen where it ends in one): WeasyPrint then breaks nowhere else, and justifies each line but the
last to the measure, shrinking its spaces where total fit shrank them (`weasy.layout.
justify_set_lines`). No element is added a line: WeasyPrint computes a style for every element,
which is what laying a book out mostly costs. A paragraph holding what this module does not
measure is left to WeasyPrint (None)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache

from ..weasy.layout import SET_LINES
from .knuthplass import HYPHEN_PENALTY, INFINITY, Box, Glue, Item, Penalty, breakpoints, paragraph_end
from .shaping import covered, hyphenator, width

CALL_SIZE = 6.5  # pt: print.css's .footnote::footnote-call
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character
LIMIT = (6, 3, 3)  # print.css's hyphenate-limit-chars: a word's letters, before and after the hyphen
STRETCH, SHRINK = 2, 3  # a word space stretches by half and shrinks by a third, as in TeX
# Tried in turn, as TeX tries: no hyphenation and no line looser than 1.5 spaces (\pretolerance),
# then hyphenation and up to twice the stretch (\tolerance), then whatever it takes.
PASSES = ((False, 0.9), (True, 2.0), (True, 10.0))  # 0.9: spaces under 1.45 times their width
# A line whose spaces would open wider than 1.45 times their width (a line its language's patterns
# give no better break for) spaces its letters too, by at most 2 % of an em, as a compositor (or
# InDesign's composer) would, and by up to 5 % to keep its spaces under 1.8 times; WeasyPrint's
# justification takes what is left.
LOOSE, TRACKING = 1.45, 0.02
GAPING, MOST_TRACKING = 1.8, 0.05
SPACES = re.compile(r"([ \n\t\r]+|\u00a0)")  # white space (CSS collapses a run of it to one space); a no-break space
_WHITE = re.compile(r"[ \n\t\r]+")
LINES = f"white-space: pre; {SET_LINES}: set"  # the style of a paragraph set here
DASHES = "-\u2010\u2013"  # a line may end after one standing between letters or digits
# Elements a paragraph may hold: their text is measured in the face they set (em, strong, small
# capitals) or in the paragraph's (links, index marks, a tied ending, a note's call); any other
# leaves the paragraph to WeasyPrint.
INLINE = {"em", "i", "strong", "b", "a", "span"}
SMALL_CAPS = {"sc", "smallcaps"}  # base.css: font-variant: small-caps, the face's smcp glyphs
TIED_CLASS = "last-words"  # print.css: white-space: nowrap
TIED = "\u00a0"  # a no-break space: it stretches with its line and never ends it
# What ending a line between a paragraph's last two words costs (TeX's penalties): the last line
# then holds one word, taken only to spare the line before spaces of about 1.8 times their width.
LAST_WORDS = 400
NOTE_CLASS = "footnote"
NEUTRAL_CLASSES = {"", "ix", "ix-auto", "noteref", "term", "person", TIED_CLASS, NOTE_CLASS, *SMALL_CAPS}
VOID = {"br", "img", "wbr", "hr", "input", "col", "source"}


@dataclass(frozen=True)
class Element:
    """An element by its tag, classes and attributes, as a stylesheet's selector sees it."""

    tag: str
    classes: frozenset[str]
    attrs: dict[str, str] = field(hash=False, compare=False)


@dataclass(frozen=True)
class Measure:
    """Where a paragraph is set: its line length, font size and first-line indent (points), and
    the language it hyphenates by unless its text says otherwise."""

    width: float
    size: float
    indent: float
    lang: str


@dataclass(frozen=True)
class Run:
    """How a stretch of the paragraph's text is set."""

    italic: bool
    bold: bool
    caps: bool
    tied: bool
    lang: str
    size: float
    call: bool = False  # a note's call: drawn by WeasyPrint from the note's data-n, not written

    def width(self, text: str) -> float:
        return width(text, self.size, self.italic, self.bold, self.caps)


@dataclass(frozen=True)
class Text:
    text: str
    run: Run


Piece = str | Text  # markup kept verbatim, or text
Place = tuple[int, int]  # a piece and a character in it


TAG = re.compile(r"(<[^>]*>)")  # the renderer's markup: no raw HTML, attribute values escaped
NAME = re.compile(r"</?\s*([a-zA-Z][\w:-]*)")
ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')


def element(tag: str) -> Element:
    """The element a start tag opens."""
    name = NAME.match(tag)
    attrs = {k: html.unescape(v) for k, v in ATTRIBUTE.findall(tag)}
    return Element(name.group(1).lower() if name else "", frozenset(attrs.get("class", "").split()), attrs)


@dataclass
class _Read:
    """The paragraph's inner HTML as pieces (a note inside it kept verbatim, its call measured), and
    the elements it holds (for the book's stylesheets to be asked about)."""

    pieces: list[Piece] = field(default_factory=list)
    elements: list[Element] = field(default_factory=list)


def _read(inner: str, measure: Measure) -> _Read | None:
    """`inner` read into pieces, or None when it holds an element or a character it cannot measure."""
    read = _Read()
    open_: list[tuple[str, frozenset[str], str]] = [("p", frozenset(), measure.lang)]
    in_note = 0
    for token in TAG.split(inner):
        if not token:
            continue
        if not token.startswith("<"):
            if in_note:
                read.pieces.append(token)
                continue
            text = html.unescape(token)
            tags = {t for t, _, _ in open_}
            classes = frozenset().union(*(c for _, c, _ in open_))
            run = Run(bool(tags & {"em", "i"}), bool(tags & {"strong", "b"}), bool(classes & SMALL_CAPS),
                      TIED_CLASS in classes, open_[-1][2], measure.size)  # fmt: skip
            if not covered(text, run.italic, run.bold):
                return None
            read.pieces.append(Text(text, run))
        elif token.startswith("</"):
            if len(open_) > 1:
                open_.pop()
            in_note = max(in_note - 1, 0)
            read.pieces.append(token)
        else:
            found = element(token)
            if token.endswith("/>") or found.tag in VOID:  # opens nothing
                if not (in_note or found.tag == "span"):
                    return None
                read.pieces.append(token if token.endswith("/>") else token[:-1].rstrip() + "/>")
                continue
            if in_note:
                in_note += 1
            elif found.tag not in INLINE or not found.classes <= NEUTRAL_CLASSES:
                return None
            else:
                read.elements.append(found)
                if NOTE_CLASS in found.classes:
                    in_note = 1
                    read.pieces.append(Text(found.attrs.get("data-n", ""), Run(False, False, False, False, "", CALL_SIZE, call=True)))
            open_.append((found.tag, found.classes, found.attrs.get("lang") or open_[-1][2]))
            read.pieces.append(token)
    return read


@dataclass(frozen=True)
class Lines:
    """A paragraph set: its inner HTML, whether it was broken or shrunk (a paragraph of one line at
    its natural width gains nothing), and the elements it holds."""

    html: str
    broken: bool
    elements: list[Element] = field(hash=False, compare=False)


@cache
def set_paragraph(inner: str, measure: Measure) -> Lines | None:
    """The paragraph's inner HTML broken into lines total-fit; None to leave it to WeasyPrint
    (markup or characters it cannot measure)."""
    read = _read(inner, measure)
    if read is None:
        return None
    for hyphenate, tolerance in PASSES:
        items, places = _items(read.pieces, measure, hyphenate)
        found = breakpoints(items, measure.width, tolerance)
        if found is not None:
            break
    if found is None:
        return None
    ends: list[tuple[Place, str, float]] = []
    start, after = 0, (0, 0)
    for line in found[:-1]:
        place, kind = places[line.at]
        gap = 1 + line.ratio / STRETCH  # a space's width at this ratio, in its natural widths
        spaces = [item for item in items[start : line.at] if isinstance(item, Glue)]
        tracking = _tracking(gap, spaces, _letters(read.pieces, after, place), measure.size) if gap > LOOSE else 0.0
        ends.append((place, kind, tracking))
        start, after = line.at + 1, place
    broken = len(found) > 1 or found[0].ratio < 0
    return Lines("".join(_write(read.pieces, ends)), broken, read.elements)


def _tracking(gap: float, spaces: list[Glue], letters: int, size: float) -> float:
    """The letter spacing (pt) that brings a line's spaces from `gap` times their width to `LOOSE`
    times, or failing that to `GAPING` times, within the limits. Pango spaces every character, the
    spaces too, and a gap between words takes the half after its last letter and the half before
    the next: each point of tracking narrows a gap by (letters - spaces) / spaces points."""
    if not spaces or letters <= len(spaces):
        return 0.0
    width = sum(glue.width for glue in spaces) / len(spaces)
    per_point = (letters - len(spaces)) / len(spaces) / width  # a gap's narrowing, in widths
    return max(min((gap - LOOSE) / per_point, TRACKING * size), min((gap - GAPING) / per_point, MOST_TRACKING * size))


def _letters(pieces: list[Piece], start: Place, end: Place) -> int:
    """The characters of the paragraph's text from `start` to `end`, spaces among them (a run of
    white space counted once)."""
    count = 0
    for number in range(start[0], min(end[0], len(pieces) - 1) + 1):
        piece = pieces[number]
        if isinstance(piece, Text) and not piece.run.call:
            text = piece.text[start[1] if number == start[0] else 0 : end[1] if number == end[0] else None]
            count += len(_WHITE.sub(" ", text))
    return count


def _items(pieces: list[Piece], measure: Measure, hyphenate: bool) -> tuple[list[Item], dict[int, tuple[Place, str]]]:
    """Boxes, glue and penalties for the paragraph (words hyphenated or not), and for each item a
    line may end at, the place it ends and how."""
    items: list[Item] = [Box(measure.indent)] if measure.indent else []
    places: dict[int, tuple[Place, str]] = {}
    word: list[tuple[Place, str, Run]] = []  # the word so far: its fragments, a run each
    for number, piece in enumerate(pieces):
        if isinstance(piece, str):
            continue
        offset = 0
        for part in SPACES.split(piece.text):
            if not part:
                continue
            if not SPACES.fullmatch(part):
                word.append(((number, offset), part, piece.run))
                offset += len(part)
                continue
            if word:
                _word(word, items, places, hyphenate)
                word.clear()
            breaking = part != TIED and not piece.run.tied
            if items and not isinstance(items[-1], Glue) and not (len(items) == 1 and measure.indent):
                space = piece.run.width(" ")
                if breaking:
                    places[len(items)] = ((number, offset), "space")
                elif part != TIED:  # between a paragraph's last words: a line may end there, at a price
                    places[len(items)] = ((number, offset), "tied")
                    items.append(Penalty(0, LAST_WORDS))
                else:
                    items.append(Penalty(0, INFINITY))
                items.append(Glue(space, space / STRETCH, space / SHRINK))
            offset += len(part)  # white space after white space, or at the start, collapses as in CSS
    if word:
        _word(word, items, places, hyphenate)
    while items and isinstance(items[-1], (Glue, Penalty)):
        items.pop()
    return items + paragraph_end(), places


def _word(word: list[tuple[Place, str, Run]], items: list[Item], places: dict[int, tuple[Place, str]], hyphenate: bool) -> None:
    """One word's boxes: split where `_cuts` allows when it is one run of text, else one box
    measured run by run (a word across faces, or ending in a note's call)."""
    if len(word) == 1 and not word[0][2].tied:
        (number, offset), text, run = word[0]
        for item, cut, kind in _split_word(text, run, hyphenate):
            if cut >= 0:
                places[len(items)] = ((number, offset + cut), kind)
            items.append(item)
        return
    items.append(Box(sum(run.width(text) for _, text, run in word)))


@cache
def _split_word(text: str, run: Run, hyphenate: bool) -> tuple[tuple[Item, int, str], ...]:
    """A word's boxes and penalties, each penalty with the character it stands before and its kind."""
    found: list[tuple[Item, int, str]] = []
    done = 0
    for cut, kind in _cuts(text, run.lang if hyphenate else ""):
        found.append((Box(run.width(text[done:cut])), -1, ""))
        found.append((Penalty(run.width(HYPHEN) if kind == "hyphen" else 0.0, HYPHEN_PENALTY, flagged=True), cut, kind))
        done = cut
    found.append((Box(run.width(text[done:])), -1, ""))
    return tuple(found)


_LETTERS = re.compile(r"(\W*)(\w+)(\W*)")


def _cuts(text: str, lang: str) -> tuple[tuple[int, str], ...]:
    """Where in the word `text` a line may end: after a hyphen or dash between letters or digits
    ("after"), else at the hyphenation points of its language (none without one) within the book's
    limits ("hyphen")."""
    dashes = [(i + 1, "after") for i, ch in enumerate(text) if ch in DASHES and 0 < i < len(text) - 1
              and text[i - 1].isalnum() and text[i + 1].isalnum()]  # fmt: skip
    if dashes:
        return tuple(dashes)
    letters = _LETTERS.fullmatch(text)
    patterns = hyphenator(lang)
    if not letters or patterns is None or len(letters.group(2)) < LIMIT[0] or not letters.group(2).isalpha():
        return ()
    lead, core = letters.group(1), letters.group(2)
    return tuple((len(lead) + c, "hyphen") for c in patterns.positions(core) if LIMIT[1] <= c <= len(core) - LIMIT[2])


def _write(pieces: list[Piece], ends: list[tuple[Place, str, float]]) -> list[str]:
    """The inner HTML again for a paragraph whose white space is kept (`LINES`): a newline where each
    line ends (`ends`: where, how, and its letters' spacing, each run of its text in a span when it
    has some), and white space collapsed as CSS would collapse it."""
    out: list[str] = []
    ends = [*ends, ((len(pieces), 0), "last", 0.0)]
    line = 0
    spaced = True  # after a space or at a line's start, where white space collapses away
    last = max((n for n, p in enumerate(pieces) if isinstance(p, Text) and not p.run.call and p.text.strip()), default=-1)

    def text(run: str) -> None:
        nonlocal spaced
        run = _WHITE.sub(" ", run)
        if spaced and run.startswith(" "):
            run = run[1:]
        if run:
            spaced = run.endswith(" ")
            tracking = ends[line][2]
            out.append(f'<span style="letter-spacing: {tracking:.3f}pt">{html.escape(run, quote=False)}</span>'
                       if tracking else html.escape(run, quote=False))  # fmt: skip

    for number, piece in enumerate(pieces):
        if isinstance(piece, str):
            out.append(piece)
            continue
        if piece.run.call or number > last:
            continue  # a call is drawn by WeasyPrint; white space ending the paragraph would stay
        chars = piece.text.rstrip(" \n\t\r") if number == last else piece.text
        done = 0
        while ends[line][0][0] == number:
            (_, end), kind, _ = ends[line]
            text(chars[done:end])
            out.append(HYPHEN + "\n" if kind == "hyphen" else "<br/>" if kind == "tied" else "\n")  # no newline holds in nowrap
            spaced = True
            done = len(SPACES.match(chars, end).group()) + end if kind in ("space", "tied") else end
            line += 1
        text(chars[done:])
    return out
