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
            "short pages (> 1 line)": sum(p.short_lines > 1 for p in self.pages),
            "running heads shortened": sum(bool(p.shortened_head) for p in self.pages),
        }


def measure(path: Path) -> Report:
    """Read every page's lines and judge them against the text block found on the pages."""
    try:
        with pdfplumber.open(path) as pdf:
            pages = [(page.height, _lines(page.chars), bool(page.images)) for page in pdf.pages]
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
    block_top = _mode(round(top, 0) for top in first_tops) - 1 if first_tops else 0.0
    bottoms = [max(line.bottom for line in lines if line.top >= block_top) for lines in text if any(li.top >= block_top for li in lines)]
    block_bottom = _mode(round(b, 0) for b in bottoms) + 1 if bottoms else 0.0
    gaps = sorted(gap for gap in (_gap_above_notes(lines, body) for lines in text) if gap != float("inf"))
    note_gap = gaps[len(gaps) // 10] if gaps else 0.0  # a low one, not an odd page's (a title page's) lowest
    reports = []
    for index, lines in enumerate(text):
        inside = [line for line in lines if block_top <= line.top and line.bottom <= block_bottom + leading / 2]
        report = PageReport(index + 1)
        _judge_lines(report, inside, edges)
        heads = [line for line in lines if line.bottom < block_top]
        report.shortened_head = next((line.text for line in heads if line.text.rstrip().endswith("…")), "")
        following = text[index + 1] if index + 1 < len(text) else []
        if inside and _ends_a_run(following, body, block_top, leading, pages[index + 1][2] if index + 1 < len(pages) else False):
            report.short_lines = 0
        elif inside:
            report.short_lines = _short_by(inside, body, block_bottom, leading, note_gap)
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
        text = "".join(c["text"] for c in row).strip()
        lines.append(Line(min(c["top"] for c in visible), max(c["bottom"] for c in visible),
                          visible[0]["x0"], visible[-1]["x1"], size, text, ratios))  # fmt: skip
    return sorted(lines, key=lambda line: (line.top, line.x0))


def _foot_row(pages: list[list[Line]]) -> float:
    """The height of the folios (and a proof's mark) below the text block: the row most pages end
    with, when what stands there is short and set apart; inf when the book has no such row."""
    lasts = [(lines[-1], next((li for li in reversed(lines) if li.bottom < lines[-1].top), None)) for lines in pages if lines]
    row = _mode(round(last.top) for last, _ in lasts)
    there = [(last, above) for last, above in lasts if abs(last.top - row) <= 1]
    apart = all(len(last.text) < 60 and (above is None or last.top - above.bottom > 2 * (last.bottom - last.top)) for last, above in there)
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


def _judge_lines(report: PageReport, lines: list[Line], edges: list[float]) -> None:
    """Loose, tight and overfull lines, hyphen ladders, a widow at the head and an orphan at the foot."""
    for line in lines:
        edge = min(edges, key=lambda e: abs(e - line.x1), default=None)
        at_edge = edge is not None and abs(edge - line.x1) <= EDGE_TOLERANCE * 1.5
        if at_edge and line.ratios:
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
        if first.x0 - left < 1 and edge - first.x1 > 30 and abs(first.size - body[1].size) < 0.3 and first.text[:1].islower():
            report.widow = first.text
        if 5 < last.x0 - left < 30 and abs(last.size - body[-2].size) < 0.3 and last.top - body[-2].top < 2 * (last.bottom - last.top):
            report.orphan = last.text


def _ends_a_run(following: list[Line], body: float, block_top: float, leading: float, images: bool) -> bool:
    """The page before is allowed to run short: the next page opens a chapter or a part (a title half
    as large again as the text, a sunk opening, a blank page) or holds a figure."""
    if not following or images:
        return True
    head = [line for line in following if line.top >= block_top]
    if not head:
        return True
    first = head[0]
    return first.top > block_top + 2 * leading or any(line.size > body * 1.5 for line in head[:3])


def _gap_above_notes(lines: list[Line], body: float) -> float:
    """The space between the text and the notes below it on this page (infinite without notes):
    the smallest of these over the book is the notes' own separator, not a hole."""
    text = [line for line in lines if _is_body(line, body)]
    below = [line for line in lines if text and line.top > text[-1].bottom and line.size < body - 0.3]
    return below[0].top - text[-1].bottom if below else float("inf")


def _short_by(lines: list[Line], body: float, block_bottom: float, leading: float, note_gap: float) -> int:
    """How many lines of text would fit in the hole at the page's foot, or above its notes."""
    text = [line for line in lines if _is_body(line, body)]
    if not leading or not text:
        return 0
    last = text[-1]
    below = [line for line in lines if line.top > last.bottom]
    if below:  # notes (or a caption) at the foot: the hole is above them, beyond the notes' separator
        gap = below[0].top - last.bottom
        hole = max(gap - (note_gap if below[0].size < body - 0.3 else leading - (last.bottom - last.top)), 0)
    else:
        hole = block_bottom - last.bottom
    return max(0, int((hole + leading / 4) // leading))
