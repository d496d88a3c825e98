"""ISBN validation (stores reject a book whose ISBN check digit is wrong) and hyphenation."""

from __future__ import annotations

import re

from stdnum import isbn as stdnum_isbn


class IsbnError(ValueError):
    pass


def normalise_isbn(raw: str) -> str:
    """Return the ISBN-13 digits of `raw` (ISBN-10 converted), or raise IsbnError saying why."""
    digits = re.sub(r"[\s-]", "", str(raw)).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        if isbn10_check(digits[:9]) != digits[9]:
            raise IsbnError(f"ISBN-10 {raw} has a wrong check digit (expected {isbn10_check(digits[:9])})")
        body = "978" + digits[:9]
        return body + isbn13_check(body)
    if not re.fullmatch(r"\d{13}", digits):
        raise IsbnError(f"ISBN {raw!s} is not 13 digits (or 10 for an old ISBN-10)")
    if not digits.startswith(("978", "979")):
        raise IsbnError(f"ISBN {raw} must start with 978 or 979")
    expected = isbn13_check(digits[:12])
    if digits[12] != expected:
        raise IsbnError(f"ISBN {raw} has a wrong check digit: expected {expected}, found {digits[12]}")
    return digits


def isbn13_check(first12: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def isbn10_check(first9: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)



def hyphenate_isbn(isbn: str) -> str:
    """The ISBN-13 as printed: prefix, registration group, registrant, publication and check digit.
    The group and registrant lengths vary by range, so they come from the International ISBN
    Agency's range data, which python-stdnum ships and updates with each release; a number in a
    range not yet assigned keeps the neutral prefix-rest-check grouping."""
    return stdnum_isbn.format(isbn)
