"""The `print:` block of book.yaml: trim, margins, bleed, notes and PDF variant for the print PDF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PIL import ImageCms

from ..errors import Location, PressworkError
from ..model import PAPER_THICKNESS, STANDARD_BLEED, NotePlacement, PrintOptions
from .sources import BOOK_YAML, require_file, resolve_inside
from .yamlfile import LineDict, line_of, text

# Common trims (width, height) in inches.
TRIMS: dict[str, tuple[float, float]] = {
    "5x8": (5.0, 8.0),
    "5.25x8": (5.25, 8.0),
    "5.5x8.5": (5.5, 8.5),
    "6x9": (6.0, 9.0),
    "6.14x9.21": (6.14, 9.21),
    "7x10": (7.0, 10.0),
    "a5": (148 / 25.4, 210 / 25.4),
    "demy": (138 / 25.4, 216 / 25.4),
    "royal": (156 / 25.4, 234 / 25.4),
}
VARIANTS = ("pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u")
# Sane bounds (inches): what any printer takes, and what keeps layout work small.
TRIM_RANGE = (2.0, 20.0)
MAX_BLEED = 0.5
MIN_TEXT_AREA = 1.0  # the text block left inside the margins, each way
_UNITS = {"in": 1.0, "mm": 1 / 25.4, "cm": 1 / 2.54, "pt": 1 / 72}
KEYS = {"trim", "bleed", "marks", "notes", "pdf_variant", "output_profile", "running_head", "margins", "paper"}


def parse_print_options(data: Any, line: int | None, root: Path) -> PrintOptions:
    if data is None:
        return PrintOptions()
    if not isinstance(data, LineDict):
        raise PressworkError("'print' must be a block of `key: value` lines", Location(BOOK_YAML, line))
    values: dict[str, Any] = {}

    def where(key: str) -> Location:
        return Location(BOOK_YAML, line_of(data.get(key), data.line_of(key)))

    for key in data:
        if key not in KEYS:
            raise PressworkError(f"unknown print option {key!r}", where(key), "use one of " + ", ".join(sorted(KEYS)))
    if "trim" in data:
        values["trim"], (values["width"], values["height"]) = _trim(data["trim"], where("trim"))
    if data.get("bleed"):
        values["bleed"] = STANDARD_BLEED if data["bleed"] is True else _length(data["bleed"], "bleed", where("bleed"))
        if values["bleed"] > MAX_BLEED:
            raise PressworkError(f"bleed {data['bleed']} is more than {MAX_BLEED} in", where("bleed"),
                                 f"give 0–{MAX_BLEED} in; printers ask for {STANDARD_BLEED:g}in (3mm)")  # fmt: skip
    marks = data.get("marks", False)
    if not isinstance(marks, bool):
        raise PressworkError(f"marks {marks!r} is not true or false", where("marks"), "write `marks: true` or `marks: false`")
    values["marks"] = marks
    if "notes" in data:
        placements = (NotePlacement.FOOTNOTES, NotePlacement.ENDNOTES)  # a printed page has no pop-ups
        values["notes"] = NotePlacement(_choice(data["notes"], "notes", placements, where("notes")))
    if data.get("pdf_variant"):
        values["pdf_variant"] = _choice(data["pdf_variant"], "pdf_variant", VARIANTS, where("pdf_variant"))
    if profile := text(data.get("output_profile"), "output_profile", where("output_profile")):
        values["output_profile"] = resolve_inside(root, profile, where("output_profile"))
        require_file(root, values["output_profile"], where("output_profile"), "output profile")
        _check_profile(root / values["output_profile"], where("output_profile"))
    if values.get("pdf_variant", "").startswith("pdf/x") and "output_profile" not in values:
        raise PressworkError(
            f"{values['pdf_variant'].upper()} needs the printer's output profile",
            where("pdf_variant"),
            "add `output_profile: profiles/NAME.icc` (the ICC profile your printer names) under print:",
        )
    if "paper" in data:
        values["paper"] = _choice(data["paper"], "paper", tuple(PAPER_THICKNESS), where("paper"))
    if "running_head" in data:
        values["running_head"] = _choice(data["running_head"], "running_head", ("title", "author"), where("running_head"))
    margins = data.get("margins") or {}
    if not isinstance(margins, dict):
        raise PressworkError("'margins' must map top, bottom, inside, outside to lengths", where("margins"))
    for side, value in margins.items():
        if side not in ("top", "bottom", "inside", "outside"):
            raise PressworkError(f"unknown margin {side!r}", where("margins"), "use top, bottom, inside, outside")
        values[side] = _length(value, f"margin {side}", where("margins"))
    options = PrintOptions(**values)
    _check_text_area(options, where("margins" if margins else "trim"))
    return options


def _check_text_area(o: PrintOptions, where: Location) -> None:
    """Margins that leave no room for text would make WeasyPrint grow the page instead."""
    across, down = o.width - o.inside - o.outside, o.height - o.top - o.bottom
    if min(across, down) < MIN_TEXT_AREA:
        raise PressworkError(
            f"the margins leave a text area of {max(across, 0):.2f} × {max(down, 0):.2f} in on a {o.width:g} × {o.height:g} in page",
            where, f"keep at least {MIN_TEXT_AREA:g} in of text area each way: make the margins smaller or the trim larger",
        )  # fmt: skip


def profile_space(path: Path) -> str:
    """The colour space an ICC profile describes: 'CMYK', 'GRAY', 'RGB' …"""
    return ImageCms.getOpenProfile(str(path)).profile.xcolor_space.strip()


def _check_profile(path: Path, where: Location) -> None:
    try:
        space = profile_space(path)
    except (OSError, ImageCms.PyCMSError):
        raise PressworkError(f"{path.name} is not an ICC profile", where, "use the .icc file your printer supplies") from None
    if space not in ("CMYK", "GRAY"):
        raise PressworkError(f"{path.name} is an {space} profile, not a printer's", where, "use a CMYK or greyscale profile")


def _choice(value: Any, what: str, allowed: tuple[str, ...], where: Location) -> str:
    found = (text(value, what, where) or "").lower()
    if found not in allowed:
        raise PressworkError(f"{what} {value!r} is not one of {', '.join(allowed)}", where)
    return found


def _trim(value: Any, where: Location) -> tuple[str, tuple[float, float]]:
    if isinstance(value, int) and not isinstance(value, bool):  # YAML reads 0x10 as a number
        raise PressworkError(f"trim size {value!r} is not a size", where, 'quote it: trim: "6x9"')
    key = re.sub(r"\s|in$", "", (text(value, "trim", where) or "").lower()).replace("×", "x")
    if key in TRIMS:
        return key, TRIMS[key]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(mm|in)?x(\d+(?:\.\d+)?)(mm|in)?", key)
    if not match:
        raise PressworkError(
            f"unknown trim size {value!r}", where, "use a preset (" + ", ".join(TRIMS) + ") or WIDTHxHEIGHT such as 6x9 or 150mmx230mm"
        )
    unit = _UNITS[match.group(4) or match.group(2) or "in"]
    width, height = float(match.group(1)) * unit, float(match.group(3)) * unit
    low, high = TRIM_RANGE
    if not (low <= width <= high and low <= height <= high):
        raise PressworkError(f"trim size {value!r} is not a book's size", where,
                             f"give each side {low:g}–{high:g} in, e.g. 6x9 or 150mmx230mm")  # fmt: skip
    return key, (width, height)


def _length(value: Any, what: str, where: Location) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(in|mm|cm|pt)?\s*", text(value, what, where) or "")
    if not match:
        raise PressworkError(f"{what} {value!r} is not a length", where, "write e.g. 0.75in or 18mm")
    return float(match.group(1)) * _UNITS[match.group(2) or "in"]
