"""Crop marks for the print PDF, drawn by the PDF backend when it assembles the pieces, not by
WeasyPrint, whose `marks: crop` cannot be tuned (a 6 pt slug, marks a few points long, drawn
inside the bleed where artwork sits). Each page's MediaBox grows to hold the bleed, an offset and
the marks; the marks are hairlines in registration colour (every ink), starting outside the bleed
so that trimming never shows them. The layout is the same with or without them.
"""

from __future__ import annotations

import pikepdf

from ..model import PrintOptions

BEYOND_BLEED = 6.0  # pt between the bleed's edge and a mark (InDesign's default offset, 1/12 in)
LENGTH = 18.0  # pt: a quarter inch, the printers' usual length
HAIRLINE = 0.25  # pt
REGISTRATION = pikepdf.Name("/Registration")  # the colour space's name in each page's resources


def add_crop_marks(pdf: pikepdf.Pdf, options: PrintOptions) -> None:
    """When `options` ask for marks, give every page of `pdf` crop marks around its TrimBox:
    MediaBox = trim + bleed + offset + mark length on every side, BleedBox = trim + bleed, TrimBox
    unchanged. What the page draws is clipped to its bleed box, so nothing reaches the marks."""
    if not options.marks:
        return
    bleed_pt = options.bleed * 72
    offset = bleed_pt + BEYOND_BLEED
    space = _registration_space(pdf)
    streams: dict[tuple[float, ...], tuple[pikepdf.Stream, pikepdf.Stream]] = {}  # one pair a trim, shared
    for page in pdf.pages:
        trim = tuple(float(x) for x in page.trimbox)
        if trim not in streams:
            left, bottom, right, top = _grown(trim, bleed_pt)
            clip = f"q\n{_n(left)} {_n(bottom)} {_n(right - left)} {_n(top - bottom)} re W n\n".encode()
            streams[trim] = pikepdf.Stream(pdf, clip), pikepdf.Stream(pdf, b"Q\n" + _marks_content(trim, offset))
        before, after = streams[trim]
        page.add_resource(space, pikepdf.Name.ColorSpace, REGISTRATION, replace_existing=True)
        page.contents_add(before, prepend=True)
        page.contents_add(after)
        page.obj.BleedBox = _box(_grown(trim, bleed_pt))
        page.obj.MediaBox = _box(_grown(trim, offset + LENGTH))
        page.obj.TrimBox = _box(trim)


def _registration_space(pdf: pikepdf.Pdf) -> pikepdf.Array:
    """`/Separation /All`: a RIP puts it on every plate. Its alternate is the output intent's space
    (CMYK 1 1 1 1, or black in grey or RGB), so that PDF/X and PDF/A stay valid; CMYK without one."""
    channels = 4
    for intent in pdf.Root.get("/OutputIntents", []):
        profile = intent.get("/DestOutputProfile")
        if profile is not None and "/N" in profile:
            channels = int(profile.N)
            break
    alternate, none, full = {1: ("/DeviceGray", [1], [0]), 3: ("/DeviceRGB", [1, 1, 1], [0, 0, 0])}.get(
        channels, ("/DeviceCMYK", [0, 0, 0, 0], [1, 1, 1, 1]))  # fmt: skip
    tint = pdf.make_indirect(pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=none, C1=full, N=1))
    return pdf.make_indirect(pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name("/All"), pikepdf.Name(alternate), tint]))


def _marks_content(trim: tuple[float, ...], offset: float) -> bytes:
    """Eight strokes, two a corner, each on the line of a trim edge and `offset` pt beyond the trim."""
    left, bottom, right, top = trim
    lines = []
    for x, outward_x in ((left, -1), (right, 1)):
        for y, outward_y in ((bottom, -1), (top, 1)):
            start, end = x + outward_x * offset, x + outward_x * (offset + LENGTH)
            lines.append(f"{_n(start)} {_n(y)} m {_n(end)} {_n(y)} l")  # along the horizontal trim edge
            start, end = y + outward_y * offset, y + outward_y * (offset + LENGTH)
            lines.append(f"{_n(x)} {_n(start)} m {_n(x)} {_n(end)} l")  # along the vertical one
    body = "\n".join(lines)
    return f"q\n{REGISTRATION} CS 1 SCN\n{_n(HAIRLINE)} w 0 J [] 0 d\n{body}\nS\nQ\n".encode()


def _grown(box: tuple[float, ...], by: float) -> tuple[float, float, float, float]:
    left, bottom, right, top = box
    return left - by, bottom - by, right + by, top + by


def _box(box: tuple[float, ...]) -> pikepdf.Array:
    return pikepdf.Array([round(x, 4) for x in box])


def _n(x: float) -> str:
    """A number as PDF content writes it: short, and the same for the same value."""
    return f"{x + 0.0:.4f}".rstrip("0").rstrip(".")
