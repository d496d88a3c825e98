"""Knuth and Plass's total-fit line breaking (Breaking Paragraphs into Lines, 1981): a paragraph
as boxes, glue and penalties, broken where the sum of the lines' demerits over the whole paragraph
is least, rather than line by line as browsers (and WeasyPrint) do, so that early lines do not leave
their late ones to gape. Fitness classes keep a tight line from standing next to a loose one;
hyphenated breaks are penalised, two in a row more so, and three never."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

INFINITY = 10_000  # a penalty this high forbids a break, this low forces one
HYPHEN_PENALTY = 50
DOUBLE_HYPHEN = 3000  # extra demerits for a second hyphenated line in a row (TeX's \doublehyphendemerits)
FITNESS_JUMP = 3000  # extra demerits for lines of non-adjacent fitness classes (TeX's \adjdemerits)
MAX_HYPHENS = 2  # hyphenated lines in a row
EPSILON = 1e-9


class Box(NamedTuple):  # named tuples: a book makes hundreds of thousands of these
    width: float


class Glue(NamedTuple):
    width: float
    stretch: float
    shrink: float


class Penalty(NamedTuple):
    width: float  # what the line gains when it breaks here (the hyphen)
    cost: float
    flagged: bool = False  # a hyphenated break


Item = Box | Glue | Penalty


@dataclass(frozen=True)
class Break:
    """A line ends at item `at` (a glue or a penalty) with its glue set at `ratio` (-1 all shrink
    used, 0 natural, 1 all stretch used)."""

    at: int
    ratio: float


class _Node:
    """A feasible break: where, its line's fitness class and ratio, the paragraph's demerits up to
    it, the hyphenated lines in a row ending there, where the next line begins, the break before."""

    __slots__ = ("at", "fitness", "ratio", "demerits", "hyphens", "start", "previous")

    def __init__(self, at: int, fitness: int, ratio: float, demerits: float, hyphens: int, start: int,
                 previous: _Node | None) -> None:  # fmt: skip
        self.at, self.fitness, self.ratio, self.demerits = at, fitness, ratio, demerits
        self.hyphens, self.start, self.previous = hyphens, start, previous


def paragraph_end() -> list[Item]:
    """What ends every paragraph: no break before the finishing glue, which stretches without limit
    (TeX's \\parfillskip), then the forced break."""
    return [Penalty(0, INFINITY), Glue(0, 1e6, 0), Penalty(0, -INFINITY)]


def breakpoints(items: list[Item], width: float, tolerance: float = 2.0) -> list[Break] | None:
    """The breaks of least total demerits with no line's ratio above `tolerance` (None when there
    is no such set: the caller tries a larger tolerance or leaves the paragraph to WeasyPrint).
    `items` must end with `paragraph_end()`."""
    count = len(items)
    total_width, total_stretch, total_shrink = [0.0] * (count + 1), [0.0] * (count + 1), [0.0] * (count + 1)
    legal: list[tuple[int, float, float, bool]] = []  # where a line may end: item, width gained, cost, flagged
    width_sum = stretch_sum = shrink_sum = 0.0
    for at, item in enumerate(items):
        if type(item) is Box:
            width_sum += item.width
        elif type(item) is Glue:
            if at and type(items[at - 1]) is Box:
                legal.append((at, 0.0, 0.0, False))
            width_sum, stretch_sum, shrink_sum = width_sum + item.width, stretch_sum + item.stretch, shrink_sum + item.shrink
        elif item.cost < INFINITY:  # type: ignore[union-attr]
            legal.append((at, item.width, item.cost, item.flagged))  # type: ignore[union-attr]
        total_width[at + 1], total_stretch[at + 1], total_shrink[at + 1] = width_sum, stretch_sum, shrink_sum
    active = [_Node(-1, 1, 0.0, 0.0, 0, _line_start(items, -1), None)]
    for at, gain, cost, flagged in legal:
        best: dict[int, _Node] = {}
        kept = []
        for node in active:
            start = node.start
            natural = total_width[at] - total_width[start] + gain
            if natural < width:
                stretch = total_stretch[at] - total_stretch[start]
                ratio = (width - natural) / stretch if stretch > 0 else INFINITY
            else:
                shrink = total_shrink[at] - total_shrink[start]
                ratio = (width - natural) / shrink if shrink > 0 else (0.0 if natural == width else -INFINITY)
                if -1 - EPSILON < ratio < -1:  # sums of shrink carry rounding
                    ratio = -1.0
                if ratio < -1:
                    continue  # the line is overfull here and will only grow: the node is done
            if cost > -INFINITY:
                kept.append(node)
            hyphens = node.hyphens + 1 if flagged else 0
            if ratio > tolerance or hyphens > MAX_HYPHENS:
                continue
            demerits = (1 + 100 * abs(ratio) ** 3) ** 2
            if cost >= 0:
                demerits += cost * cost
            elif cost > -INFINITY:
                demerits -= cost * cost
            if flagged and node.hyphens:
                demerits += DOUBLE_HYPHEN
            fitness = 0 if ratio < -0.5 else 1 if ratio <= 0.5 else 2 if ratio <= 1 else 3
            if abs(fitness - node.fitness) > 1:
                demerits += FITNESS_JUMP
            total = node.demerits + demerits
            if fitness not in best or total < best[fitness].demerits:
                best[fitness] = _Node(at, fitness, ratio, total, hyphens, -1, node)
        for node in best.values():
            node.start = _line_start(items, at)
        active = kept + [best[f] for f in sorted(best)]
        if not active:
            return None
    ends = [node for node in active if node.at == count - 1]
    if not ends:
        return None
    last: _Node | None = min(ends, key=lambda n: (n.demerits, n.fitness))
    chain = []
    while last is not None and last.at >= 0:
        chain.append(Break(last.at, last.ratio))
        last = last.previous
    return chain[::-1]


def _line_start(items: list[Item], after: int) -> int:
    """Where a line that follows a break at `after` begins: glue and penalties there vanish."""
    at = after + 1
    while at < len(items) - 3 and not isinstance(items[at], Box):
        at += 1
    return at
