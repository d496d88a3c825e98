"""The typesetting report: how well a print PDF is set, measured from the file alone as a proofreader
with a ruler would (pdfplumber's glyph positions), never from what presswork meant to set. Word
spaces are compared with the natural space of the face at that size (the space glyph's advance);
the text block, the leading and the body size are read off the pages themselves."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError

from ..errors import Location, PressworkError

LOOSE = 1.5  # word space over the natural space: a loose line
VERY_LOOSE = 2.0
TIGHT = 0.75  # below TeX's shrink limit of two thirds plus a margin: a tight line
HYPHENS = ("-", "\u2010", "\u00ad")
LADDER = 3  # this many hyphenated line ends in a row make a ladder
OVERFULL = 1.0  # points past the measure: less is a rounding, or a line set a hair short beside it
FOLIO = re.compile(r"^([0-9]+|[ivxlcdm]+)$", re.IGNORECASE)
EDGE_SHARE = 12  # lines that end at one x (±EDGE_TOLERANCE) to make it a justified edge
EDGE_TOLERANCE = 0.6
SHORT = 2  # whole lines of room left on a page (beyond a full page's own) that make it a short page
LINE_TOLERANCE = 0.1  # of a leading: a hole this near a whole number of lines holds that many


@dataclass
class Line:
    """One printed line: where it stands, its text, size and word-space ratios."""

    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    ratios: list[float]
    font: str = ""  # the face most of its glyphs are set in (a bold term is not its text's widow)

    @property
    def spread(self) -> float:
        """The line's word space over the natural space (the median: justified spaces are equal)."""
        ordered = sorted(self.ratios)
        return ordered[len(ordered) // 2] if ordered else 1.0


@dataclass
class PageReport:
    """One page's faults; `badness` orders the worst pages for the report's thumbnails."""

    number: int
    justified: int = 0
    loose: list[str] = field(default_factory=list)
    very_loose: list[str] = field(default_factory=list)
    tight: list[str] = field(default_factory=list)
    overfull: list[str] = field(default_factory=list)
    ladders: list[int] = field(default_factory=list)
    widow: str = ""
    orphan: str = ""
    short_lines: int = 0
    shortened_head: str = ""

    @property
    def badness(self) -> float:
        return (len(self.loose) + 3 * len(self.very_loose) + 2 * len(self.overfull) + 2 * len(self.ladders)
                + bool(self.widow) + bool(self.orphan) + 2 * self.short_lines)  # fmt: skip


@dataclass
class Report:
    """The book's pages and the totals a publisher compares between builds."""

    pages: list[PageReport]
    body_size: float
    leading: float

    def totals(self) -> dict[str, int | float]:
        justified = sum(p.justified for p in self.pages)
        loose = sum(len(p.loose) for p in self.pages)
        return {
            "pages": len(self.pages),
            "justified lines": justified,
            "loose lines (> 1.5x)": loose,
            "loose %": round(100 * loose / justified, 1) if justified else 0.0,
            "very loose lines (> 2x)": sum(len(p.very_loose) for p in self.pages),
            "tight lines (< 0.75x)": sum(len(p.tight) for p in self.pages),
            "overfull lines": sum(len(p.overfull) for p in self.pages),
            "hyphen ladders (3+)": sum(len(p.ladders) for p in self.pages),
            "widows": sum(bool(p.widow) for p in self.pages),
            "orphans": sum(bool(p.orphan) for p in self.pages),
            "short pages (> 1 line)": sum(p.short_lines >= SHORT for p in self.pages),
            "running heads shortened": sum(bool(p.shortened_head) for p in self.pages),
        }


def measure(path: Path) -> Report:
    """Read every page's lines and judge them against the text block found on the pages."""
    try:
        with pdfplumber.open(path) as pdf:
            pages = [(page.height, _lines(page.chars), [(image["top"], image["bottom"]) for image in page.images])
                     for page in pdf.pages]  # fmt: skip
    except (PDFSyntaxError, OSError, ValueError) as exc:
        raise PressworkError(f"cannot read this PDF: {exc}", Location(path), "the report reads a print PDF") from None
    everything = [line for _, lines, _ in pages for line in lines]
    if not everything:
        return Report([PageReport(n) for n in range(1, len(pages) + 1)], 0.0, 0.0)
    body = _mode(round(line.size, 1) for line in everything)
    leading = _mode(round(b.top - a.top, 1) for _, lines, _ in pages
                    for a, b in zip(lines, lines[1:]) if _is_body(a, body) and _is_body(b, body) and b.top > a.top)  # fmt: skip
    edges = _edges(everything)
    foot = _foot_row([lines for _, lines, _ in pages])
    text = [[line for line in lines if not FOLIO.match(line.text) and line.bottom < foot] for _, lines, _ in pages]
    first_tops = [next(line.top for line in lines if _is_body(line, body)) for lines in text if any(_is_body(li, body) for li in lines)]
    # (less half a line: a larger heading opening a page stands a little higher than the text)
    block_top = _mode(round(top, 0) for top in first_tops) - leading / 2 if first_tops else 0.0
    bottoms = [max(line.bottom for line in lines if line.top >= block_top) for lines in text if any(li.top >= block_top for li in lines)]
    block_bottom = _mode(round(b, 0) for b in bottoms) + 1 if bottoms else 0.0
    gaps = sorted(gap for gap in (_gap_above_notes(lines, body) for lines in text) if gap != float("inf"))
    note_gap = gaps[0] if gaps else 0.0
    # (a page run a line long ends a line lower)
    inside = [[line for line in lines if block_top <= line.top and line.bottom <= block_bottom + 1.5 * leading] for lines in text]
    foot = _text_foot(inside, body, block_bottom, leading)
    above = _space_above_headings(inside, body)
    reports = []
    for index, lines in enumerate(text):
        report = PageReport(index + 1)
        _judge_lines(report, inside[index], edges, _last_body_line(inside[index - 1] if index else [], body))
        heads = [line for line in lines if line.bottom < block_top]
        report.shortened_head = next((line.text for line in heads if line.text.rstrip().endswith("…")), "")
        if inside[index]:
            hole = _hole(inside[index], pages[index][2], body, foot, note_gap)
            following = (inside[index + 1], pages[index + 1][2]) if index + 1 < len(pages) else ([], [])
            if not _ends_a_run(*following, body, block_top, leading, hole, above):
                report.short_lines = max(0, int(hole / leading + LINE_TOLERANCE)) if leading else 0
        reports.append(report)
    return Report(reports, body, leading)


def _lines(chars: list[dict]) -> list[Line]:
    """The page's upright glyphs grouped into lines by baseline, with each word space's ratio to the
    advance of the space glyph that stands in it."""
    rows: dict[float, list[dict]] = {}
    for char in chars:
        if char.get("upright", True):
            key = round(char["bottom"] * 2) / 2
            row = rows.get(key) or rows.get(key - 0.5) or rows.get(key + 0.5)
            (row if row is not None else rows.setdefault(key, [])).append(char)
    lines = []
    for row in rows.values():
        row.sort(key=lambda c: c["x0"])
        visible = [c for c in row if c["text"].strip()]
        if not visible:
            continue
        ratios = []
        for i, char in enumerate(row):
            if char["text"] == " " and 0 < i < len(row) - 1 and char["width"] > 0:
                before, after = row[i - 1], row[i + 1]
                if before["text"].strip() and after["text"].strip():
                    ratios.append((after["x0"] - before["x1"]) / char["width"])
        size = Counter(round(c["size"], 1) for c in visible).most_common(1)[0][0]
        font = Counter(c.get("fontname", "") for c in visible).most_common(1)[0][0]
        text = "".join(c["text"] for c in row).strip()
        lines.append(Line(min(c["top"] for c in visible), max(c["bottom"] for c in visible),
                          visible[0]["x0"], visible[-1]["x1"], size, text, ratios, font))  # fmt: skip
    return sorted(lines, key=lambda line: (line.top, line.x0))


def _foot_row(pages: list[list[Line]]) -> float:
    """The height of the folios (and a proof's mark) below the text block: the row most pages end
    with, when what stands there is short and set apart; inf when the book has no such row."""
    lasts = [(lines[-1], next((li for li in reversed(lines) if li.bottom < lines[-1].top), None)) for lines in pages if lines]
    row = _mode(round(last.top) for last, _ in lasts)
    there = [(last, above) for last, above in lasts if abs(last.top - row) <= 1]
    # (a page run a line long ends a little more than a folio's height above it)
    apart = all(len(last.text) < 60 and (above is None or last.top - above.bottom > last.bottom - last.top) for last, above in there)
    return row if len(there) * 2 >= len(lasts) and apart else float("inf")


def _mode(values: Iterable[float]) -> float:
    counted = Counter(values).most_common(1)
    return float(counted[0][0]) if counted else 0.0


def _is_body(line: Line, body: float) -> bool:
    return abs(line.size - body) < 0.3


def _edges(lines: list[Line]) -> list[float]:
    """The right edges many lines end at: the measure of justified text (and of indented blocks)."""
    ends = Counter(round(line.x1 / EDGE_TOLERANCE) for line in lines if line.ratios)
    found = []
    for key in sorted(ends):
        near = ends[key] + ends.get(key - 1, 0) + ends.get(key + 1, 0)
        if near >= EDGE_SHARE and ends[key] >= max(ends.get(key - 1, 0), ends.get(key + 1, 0)):
            found.append(key * EDGE_TOLERANCE)
    return found


def _judge_lines(report: PageReport, lines: list[Line], edges: list[float], before: Line | None) -> None:
    """Loose, tight and overfull lines, hyphen ladders, a widow at the head and an orphan at the foot.
    A widow ends a paragraph the page `before` left running to the measure, in the face of the
    text after it (not a short term heading a glossary entry, which is set apart in bold)."""
    for line in lines:
        edge = min(edges, key=lambda e: abs(e - line.x1), default=None)
        at_edge = edge is not None and abs(edge - line.x1) <= EDGE_TOLERANCE * 1.5
        if at_edge and line.ratios and any(c.isalnum() for c in line.text):  # not an ornament ("* * *")
            report.justified += 1
            spread = line.spread
            if spread > LOOSE:
                report.loose.append(f"{spread:.2f}x {line.text}")
            if spread > VERY_LOOSE:
                report.very_loose.append(f"{spread:.2f}x {line.text}")
            if spread < TIGHT:
                report.tight.append(f"{spread:.2f}x {line.text}")
    measure = max((e for e in edges if any(abs(e - li.x1) <= EDGE_TOLERANCE * 1.5 for li in lines)), default=None)
    for line in lines:
        if measure is not None and OVERFULL < line.x1 - measure < 24 and line.ratios:
            report.overfull.append(f"{line.x1 - measure:.1f} pt {line.text}")
    run = 0
    for line in lines:
        hyphenated = line.text.endswith(HYPHENS) and len(line.text) > 1 and line.text[-2].isalpha()
        run = run + 1 if hyphenated else 0
        if run == LADDER:
            report.ladders.append(LADDER)
        elif run > LADDER:
            report.ladders[-1] = run
    body = [line for line in lines if line.ratios or len(line.text) > 20]
    if len(body) >= 3:
        first, last = body[0], body[-1]
        left = min(line.x0 for line in body)
        edge = min(edges, key=lambda e: abs(e - first.x1), default=first.x1)
        running = before is not None and _at_edge(before, edges)
        if (first.x0 - left < 1 and edge - first.x1 > 30 and abs(first.size - body[1].size) < 0.3
                and first.text[:1].islower() and first.font == body[1].font and running):  # fmt: skip
            report.widow = first.text
        if (5 < last.x0 - left < 30 and last.x0 - body[-2].x0 > 5 and abs(last.size - body[-2].size) < 0.3
                and last.top - body[-2].top < 2 * (last.bottom - last.top) and _at_edge(last, edges)):  # fmt: skip
            report.orphan = last.text


def _at_edge(line: Line, edges: list[float]) -> bool:
    return any(abs(edge - line.x1) <= EDGE_TOLERANCE * 1.5 for edge in edges)


def _last_body_line(lines: list[Line], body: float) -> Line | None:
    return next((line for line in reversed(lines) if _is_body(line, body)), None)


def _ends_a_run(following: list[Line], images: list[tuple[float, float]], body: float, block_top: float, leading: float,
                hole: float, above: dict[float, float]) -> bool:  # fmt: skip
    """The page before is allowed to run short: the next page opens a chapter or a part (a title half
    as large again as the text, a sunk opening, a blank page), opens with a figure (which cannot
    split), or opens a section whose heading (with the space `above` it in mid-page) and first two
    lines did not fit in the `hole`."""
    if not following:
        return True
    first = following[0]
    if any(top < first.top for top, _ in images):
        return True
    if first.top > block_top + 2 * leading or any(line.size > body * 1.5 for line in following[:3]):
        return True
    if first.size > body + 0.3:  # a section heading, kept with two lines of its text
        text = [line for line in following if _is_body(line, body)][:2]
        return len(text) == 2 and hole < above.get(first.size, 0.0) + text[-1].bottom - first.top
    return False


def _space_above_headings(pages: list[list[Line]], body: float) -> dict[float, float]:
    """Each heading size's commonest space above it where it follows text on a page (at the head of
    a page that space is dropped, at the foot it is part of what a heading needs)."""
    gaps: dict[float, list[float]] = {}
    for lines in pages:
        for before, line in zip(lines, lines[1:]):
            if line.size > body + 0.3 and _is_body(before, body) and line.top > before.bottom:
                gaps.setdefault(line.size, []).append(round(line.top - before.bottom, 0))
    return {size: _mode(found) for size, found in gaps.items()}


NOTE_START = re.compile(r"^[0-9]+[.)]?\s")


def _split_notes(lines: list[Line], body: float) -> tuple[list[Line], list[Line]]:
    """The page's text and its notes: the run of lines smaller than the text at the foot of the
    page, from a line that begins with a note's number (a smaller block quotation or caption at
    the foot is text)."""
    start = len(lines)
    while start and lines[start - 1].size < body - 0.3:
        start -= 1
    while start < len(lines) and not NOTE_START.match(lines[start].text):
        start += 1
    return lines[:start], lines[start:]


def _gap_above_notes(lines: list[Line], body: float) -> float:
    """The space between the text and the notes below it on this page (infinite without notes or
    when the text above them is not body text): the smallest of these over the book is the notes'
    own separator, not a hole."""
    text, notes = _split_notes(lines, body)
    return notes[0].top - text[-1].bottom if text and notes and _is_body(text[-1], body) else float("inf")


def _text_foot(pages: list[list[Line]], body: float, block_bottom: float, leading: float) -> float:
    """Where a full page's last line of text ends: the commonest bottom of the last line on pages
    whose text runs to the foot (a text block is rarely a whole number of lines: the room left
    under that line belongs to every page, and is no hole)."""
    ends = []
    for lines in pages:
        last = _last_body_line(lines, body)
        if last is not None and last is lines[-1] and last.bottom > block_bottom - leading:
            ends.append(round(last.bottom, 0))
    return _mode(ends) if ends else block_bottom


def _hole(lines: list[Line], images: list[tuple[float, float]], body: float, foot: float, note_gap: float) -> float:
    """The room left at the page's foot, or above its notes (beyond their separator), beyond what
    a full page leaves, under its last line or a figure standing lower."""
    text, notes = _split_notes(lines, body)
    if not text:
        return 0.0
    end = max([text[-1].bottom, *(bottom for _, bottom in images if bottom <= (notes[0].top if notes else foot))])
    if notes:
        return max(notes[0].top - end - note_gap, 0.0)
    return max(foot - end, 0.0)
