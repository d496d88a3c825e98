"""Dates as biographies give them: years, full dates, circa, 'between' ranges, and Julian [Gregorian] pairs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = "January February March April May June July August September October November December".split()
_FULL = r"(\d{3,4})-(\d{2})-(\d{2})"
# Publication dates and build times presswork accepts: ZIP (inside every EPUB) records years
# up to 2107 only, and a book printed before Gutenberg is a typing slip.
EARLIEST_YEAR, LATEST_YEAR = 1450, 2100


@dataclass(frozen=True)
class LifeDate:
    text: str  # as printed: "c. 1510", "26 October [8 November] 1879"
    year: int  # for sorting and checks


class DateError(ValueError):
    pass


def parse_life_date(raw: str) -> LifeDate:
    value = " ".join(str(raw).split())
    if match := re.fullmatch(rf"{_FULL} \[{_FULL}\]", value):
        julian, gregorian = _day(*match.groups()[:3]), _day(*match.groups()[3:])
        if not 10 <= (gregorian - julian).days <= 13:
            raise DateError(f"{value!r}: the Gregorian date must be 10 to 13 days after the Julian one")
        return LifeDate(_dual(julian, gregorian), julian.year)
    if match := re.fullmatch(_FULL, value):
        day = _day(*match.groups())
        return LifeDate(f"{day.day} {MONTHS[day.month - 1]} {day.year}", day.year)
    if match := re.fullmatch(r"(c\. ?)?(\d{1,4})(s)?", value):
        return LifeDate(f"{'c. ' if match.group(1) else ''}{match.group(2)}{match.group(3) or ''}", int(match.group(2)))
    if match := re.fullmatch(r"(\d{1,4})/(\d{1,4})", value):
        first, last = int(match.group(1)), int(match.group(2))
        if last <= first:
            raise DateError(f"{value!r}: the second year must come after the first")
        return LifeDate(f"{first}/{last}", first)
    raise DateError(f"{value!r} is not a date presswork reads")


def _day(year: str, month: str, day: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise DateError(f"{year}-{month}-{day}: {exc}") from None


def _dual(julian: dt.date, gregorian: dt.date) -> str:
    """26 October [8 November] 1879; 31 December 1699 [10 January 1700] across a year."""
    if julian.year != gregorian.year:
        return f"{julian.day} {MONTHS[julian.month - 1]} {julian.year} [{gregorian.day} {MONTHS[gregorian.month - 1]} {gregorian.year}]"
    if julian.month != gregorian.month:
        return f"{julian.day} {MONTHS[julian.month - 1]} [{gregorian.day} {MONTHS[gregorian.month - 1]}] {julian.year}"
    return f"{julian.day} [{gregorian.day}] {MONTHS[julian.month - 1]} {julian.year}"
