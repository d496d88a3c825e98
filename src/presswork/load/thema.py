"""The Thema subject code list (EDItEUR's, shipped as package data), so an unknown code is caught
in book.yaml, at its line, not by a retailer's intake weeks later."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

THEMA_VERSION = "1.2"
_DATA = f"thema-{THEMA_VERSION}-en.tsv"
# The first character of a qualifier code names its kind, which ONIX gives its own scheme (list 27).
QUALIFIER_SCHEMES = {"1": "94", "2": "95", "3": "96", "4": "97", "5": "98", "6": "99"}
SUBJECT_SCHEME = "93"


@cache
def thema_headings() -> dict[str, str]:
    """Every Thema code -> its English heading."""
    text = files("presswork.load").joinpath("data", _DATA).read_text(encoding="utf-8")
    rows = (line.split("\t", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {code: heading for code, heading in rows}


def thema_scheme(code: str) -> str:
    """The ONIX subject scheme (list 27) a Thema code belongs to: 93 for subjects, 94–99 for qualifiers."""
    return QUALIFIER_SCHEMES.get(code[0], SUBJECT_SCHEME)
