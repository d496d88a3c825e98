"""Draw the sample book's figures and cover with Pillow.

The images are drawn from code rather than kept as opaque binaries so that they can be
reviewed, changed and rebuilt. Output is byte-identical between runs (no randomness, no
timestamps, no EXIF), so rebuilding never produces spurious changes.

Usage: python tools/draw_images.py [OUT_DIR]   (default: images, relative to cwd)
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Point = tuple[float, float]

INK = (30, 30, 34)
GREY = (120, 120, 126)
LIGHT_GREY = (222, 222, 226)
WHITE = (255, 255, 255)
WOOD = (242, 230, 208)
WOOD_DARK = (218, 196, 158)
METAL = (212, 216, 222)


def font(name: str, size: int) -> Font:
    """Load a DejaVu font; fall back to Pillow's built-in font so the script still runs."""
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        try:
            return ImageFont.load_default(size)
        except TypeError:  # Pillow < 10.1 has no sized default font
            return ImageFont.load_default()


def save_png(img: Image.Image, path: Path) -> None:
    """Save without metadata chunks so the bytes depend only on the pixels."""
    img.save(path, "PNG", optimize=False, compress_level=9)


# --------------------------------------------------------------------------- helpers


def box(d: ImageDraw.ImageDraw, xy: tuple[float, float, float, float], fill: tuple[int, int, int],
        width: int = 4) -> None:
    """A filled rectangle with an ink outline: the basic stroke of the schematics."""
    d.rectangle(xy, fill=fill, outline=INK, width=width)


def label(d: ImageDraw.ImageDraw, text: str, at: Point, target: Point, f: Font,
          anchor: str = "lm") -> None:
    """Place a label at `at` with a leader line to `target`, ending in a dot on the part."""
    d.text(at, text, font=f, fill=INK, anchor=anchor)
    left, top, right, bottom = d.textbbox(at, text, font=f, anchor=anchor)
    cx, cy = (left + right) / 2, (top + bottom) / 2
    tx, ty = target
    if tx > right:
        start = (right + 10, cy)
    elif tx < left:
        start = (left - 10, cy)
    elif ty > bottom:
        start = (cx, bottom + 8)
    else:
        start = (cx, top - 8)
    d.line([start, target], fill=INK, width=2)
    d.ellipse((tx - 6, ty - 6, tx + 6, ty + 6), fill=INK)


def slab(d: ImageDraw.ImageDraw, start: Point, angle_deg: float, length: float, thickness: float,
         fill: tuple[int, int, int]) -> Point:
    """A thin board hinged at `start`, rotated by `angle_deg`; returns its far end."""
    a = math.radians(angle_deg)
    ux, uy = math.cos(a), -math.sin(a)
    nx, ny = -uy * thickness, ux * thickness
    end = (start[0] + ux * length, start[1] + uy * length)
    d.polygon([start, end, (end[0] + nx, end[1] + ny), (start[0] + nx, start[1] + ny)],
              fill=fill, outline=INK, width=3)
    return end


def vertical_text(text: str, f: Font, fill: tuple[int, int, int]) -> Image.Image:
    """Text rotated 90 degrees, for a y-axis title."""
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=f)
    layer = Image.new("RGBA", (right - left + 4, bottom - top + 4), (0, 0, 0, 0))
    ImageDraw.Draw(layer).text((2 - left, 2 - top), text, font=f, fill=fill)
    return layer.rotate(90, expand=True)


# --------------------------------------------------------------------------- hand press


def draw_hand_press() -> Image.Image:
    """A labelled side view of a common wooden press, to go with the chapter on the press."""
    img = Image.new("RGB", (1600, 1200), WHITE)
    d = ImageDraw.Draw(img)
    f_label = font("DejaVuSans.ttf", 26)

    d.text((70, 48), "The common wooden hand press", font=font("DejaVuSerif-Bold.ttf", 44), fill=INK)
    d.text((72, 108), "Schematic side view, not to scale", font=font("DejaVuSerif-Italic.ttf", 26),
           fill=GREY)

    # Floor, with hatching below it.
    d.line([(60, 1120), (1540, 1120)], fill=INK, width=4)
    for x in range(70, 1540, 28):
        d.line([(x, 1142), (x + 18, 1124)], fill=GREY, width=2)

    # Frame: sill, two cheeks, cap, head and winter.
    box(d, (780, 1070, 1300, 1120), WOOD_DARK)
    box(d, (840, 230, 900, 1070), WOOD)
    box(d, (1180, 230, 1240, 1070), WOOD)
    box(d, (810, 195, 1270, 235), WOOD_DARK)

    # Screw: passes through the nut in the head (dashed inside it), thread drawn as slants.
    sx, half = 1040, 20
    box(d, (sx - half, 400, sx + half, 470), METAL, width=3)
    for y in range(412, 470, 14):
        d.line([(sx - half + 3, y), (sx + half - 3, y - 10)], fill=INK, width=2)
    box(d, (900, 320, 1180, 400), WOOD)
    for y in range(326, 396, 16):
        d.line([(sx - half, y), (sx - half, y + 8)], fill=INK, width=2)
        d.line([(sx + half, y), (sx + half, y + 8)], fill=INK, width=2)

    # Hose around the lower spindle, platen hung from it by cords.
    box(d, (985, 505, 1095, 575), WOOD)
    box(d, (1005, 462, 1075, 505), METAL, width=3)
    d.line([(990, 560), (950, 578)], fill=INK, width=2)
    d.line([(1090, 560), (1130, 578)], fill=INK, width=2)
    box(d, (940, 578, 1140, 618), WOOD_DARK)

    # Winter under the rails, between the cheeks.
    box(d, (900, 765, 1180, 840), WOOD_DARK)

    # Rails run from the stay, through the frame; an iron ribbon on top.
    box(d, (170, 765, 205, 1120), WOOD)
    box(d, (150, 735, 1290, 765), WOOD)
    d.line([(150, 741), (1290, 741)], fill=INK, width=2)

    # Carriage run out for a fresh sheet: bed (coffin) with the forme of type on it.
    box(d, (380, 690, 700, 735), WOOD_DARK)
    box(d, (400, 668, 680, 690), METAL, width=3)
    for x in range(412, 668, 16):
        d.rectangle((x, 672, x + 10, 686), fill=GREY)

    # Tympan hinged at the outer end of the bed, frisket hinged at the tympan's head.
    tympan_end = slab(d, (380, 690), 105, 320, 16, WOOD)
    frisket_end = slab(d, tympan_end, 68, 230, 10, METAL)

    # Rounce: a wheel with a crank that winds the carriage in and out.
    rx, ry = 770, 805
    d.ellipse((rx - 36, ry - 36, rx + 36, ry + 36), fill=WOOD, outline=INK, width=4)
    d.ellipse((rx - 8, ry - 8, rx + 8, ry + 8), fill=INK)
    d.line([(rx, ry), (rx - 40, ry + 95)], fill=INK, width=8)
    box(d, (rx - 70, ry + 90, rx - 20, ry + 106), WOOD_DARK, width=3)
    d.line([(rx, ry - 36), (rx, 765)], fill=INK, width=2)  # girth to the carriage

    # Bar, drawn last: it sits in front of the frame. Iron lever, wooden handle.
    d.line([(1075, 484), (1410, 522)], fill=INK, width=16)
    d.line([(1077, 484), (1408, 522)], fill=METAL, width=8)
    d.line([(1405, 521), (1520, 536)], fill=INK, width=30)
    d.line([(1410, 522), (1515, 535)], fill=WOOD_DARK, width=22)

    # Labels.
    right = 1320
    label(d, "Cap", (right, 190), (1250, 215), f_label)
    label(d, "Head (holds the nut)", (right, 290), (1160, 360), f_label)
    label(d, "Screw", (right, 395), (sx + half, 440), f_label)
    label(d, "Bar", (1470, 450), (1470, 528), f_label, anchor="mm")
    label(d, "Hose", (right, 600), (1095, 540), f_label)
    label(d, "Platen", (right, 670), (1140, 600), f_label)
    label(d, "Winter", (right, 830), (1180, 805), f_label)
    label(d, "Cheek (frame)", (right, 950), (1240, 950), f_label)
    label(d, "Sill", (right, 1060), (1300, 1095), f_label)
    label(d, "Frisket", (560, 215), (frisket_end[0] - 20, frisket_end[1] + 40), f_label)
    label(d, "Tympan", (110, 470), (330, 490), f_label)
    label(d, "Forme of type", (560, 560), (560, 668), f_label, anchor="mm")
    label(d, "Bed (coffin)", (640, 625), (670, 712), f_label)
    label(d, "Rails", (420, 860), (420, 765), f_label, anchor="mm")
    label(d, "Rounce", (600, 990), (rx - 45, ry + 98), f_label, anchor="mm")
    label(d, "Stay", (300, 990), (205, 990), f_label)
    return img


# --------------------------------------------------------------------------- type case

# Upper case: the alphabet rows keep the old order, with J and U added after Z. Right half:
# the same rows as small capitals, then accented capitals and sundry sorts.
UPPER_CASE_ROWS = [
    "ABCDEFG", "HIKLMNO", "PQRSTVW", "XYZÆŒJU", "1234567", "890£&§¶", "ÉÈÊÀÇ†‡",
]
UPPER_CASE_RIGHT_EXTRA = ["ÂÎÔÛËÏÜ", "ÑØÅ½¼¾%", "ſ*°()[]"]

# Lower case lay on a 16 x 8 grid: (column, row, width, height, sort). Frequent letters get
# the big boxes nearest the compositor's hand, rare sorts the small ones at the edges.
LOWER_CASE_LAY: list[tuple[int, int, int, int, str]] = [
    *[(i, 0, 1, 1, s) for i, s in enumerate(
        ["ffl", "ffi", "fl", "fi", "ff", "j", "k", "’", "é", "ç", "?", "!", "(", ")", "[", "]"])],
    (0, 1, 1, 2, "b"), (1, 1, 2, 2, "c"), (3, 1, 2, 2, "d"), (5, 1, 3, 2, "e"),
    (8, 1, 2, 2, "i"), (10, 1, 2, 2, "s"), (12, 1, 1, 2, "f"), (13, 1, 1, 2, "g"),
    (14, 1, 1, 2, "l"), (15, 1, 1, 2, "v"),
    (0, 3, 1, 2, ","), (1, 3, 2, 2, "m"), (3, 3, 2, 2, "n"), (5, 3, 2, 2, "h"),
    (7, 3, 2, 2, "o"), (9, 3, 1, 2, "y"), (10, 3, 1, 2, "p"), (11, 3, 1, 2, "w"),
    (12, 3, 1, 2, ";"), (13, 3, 1, 2, ":"), (14, 3, 2, 1, "en quads"), (14, 4, 2, 1, "em quads"),
    (0, 5, 1, 2, "z"), (1, 5, 1, 2, "x"), (2, 5, 1, 2, "q"), (3, 5, 2, 2, "u"),
    (5, 5, 2, 2, "t"), (7, 5, 3, 2, "a"), (10, 5, 2, 2, "r"), (12, 5, 1, 2, "."),
    (13, 5, 1, 2, "-"), (14, 5, 2, 1, "thick sp."), (14, 6, 2, 1, "thin sp."),
    (0, 7, 4, 1, "hair spaces"), (4, 7, 4, 1, "mid spaces"), (8, 7, 4, 1, "2-em quads"),
    (12, 7, 4, 1, "3-em quads"),
]

CASE_WOOD = (176, 132, 84)
CASE_FLOOR = (246, 238, 222)


def _case_frame(d: ImageDraw.ImageDraw, x0: int, y0: int, w: int, h: int, rim: int) -> None:
    """The outer wooden rim of a case and the pale floor of its compartments."""
    d.rectangle((x0, y0, x0 + w + 2 * rim, y0 + h + 2 * rim), fill=CASE_WOOD, outline=INK, width=4)
    d.rectangle((x0 + rim, y0 + rim, x0 + rim + w, y0 + rim + h), fill=CASE_FLOOR, outline=INK,
                width=3)


def _centred(d: ImageDraw.ImageDraw, cell: tuple[float, float, float, float], text: str,
             f: Font, fill: tuple[int, int, int] = INK) -> None:
    """Write a sort's name in the middle of its compartment."""
    d.text(((cell[0] + cell[2]) / 2, (cell[1] + cell[3]) / 2), text, font=f, fill=fill, anchor="mm")


def draw_type_case() -> Image.Image:
    """A pair of cases from above: shows why capitals are 'upper case' and why the lay is uneven."""
    img = Image.new("RGB", (1600, 1100), WHITE)
    d = ImageDraw.Draw(img)
    d.text((800, 52), "A pair of cases, seen from above", font=font("DejaVuSerif-Bold.ttf", 42),
           fill=INK, anchor="mm")
    f_head = font("DejaVuSans-Bold.ttf", 24)
    rim = 14

    # Upper case: 14 x 7 equal boxes; capitals on the left half, small capitals on the right.
    cols, rows, cw, ch = 14, 7, 88, 46
    x0, y0 = (1600 - (cols * cw + 2 * rim)) // 2, 130
    d.text((x0, y0 - 14), "UPPER CASE — capitals, figures, signs (left); small capitals, sundry sorts (right)",
           font=f_head, fill=INK, anchor="ls")
    _case_frame(d, x0, y0, cols * cw, rows * ch, rim)
    f_cap = font("DejaVuSerif.ttf", 28)
    f_sc = font("DejaVuSerif.ttf", 21)
    ix, iy = x0 + rim, y0 + rim
    for r, row in enumerate(UPPER_CASE_ROWS):
        for c, sort in enumerate(row):
            cell = (ix + c * cw, iy + r * ch, ix + (c + 1) * cw, iy + (r + 1) * ch)
            _centred(d, cell, sort, f_cap)
            mirror = (cell[0] + 7 * cw, cell[1], cell[2] + 7 * cw, cell[3])
            if r < 4:  # the small-capital half mirrors the alphabet rows
                _centred(d, mirror, sort, f_sc)
            else:
                _centred(d, mirror, UPPER_CASE_RIGHT_EXTRA[r - 4][c], f_cap)
    for c in range(1, cols):
        d.line([(ix + c * cw, iy), (ix + c * cw, iy + rows * ch)], fill=INK, width=6 if c == 7 else 2)
    for r in range(1, rows):
        d.line([(ix, iy + r * ch), (ix + cols * cw, iy + r * ch)], fill=INK, width=2)
    # Lower case: boxes of uneven size, the lay.
    ucw, uch = 77, 52
    lw, lh = 16 * ucw, 8 * uch
    lx0, ly0 = (1600 - (lw + 2 * rim)) // 2, y0 + rows * ch + 2 * rim + 80
    d.text((lx0, ly0 - 14), "LOWER CASE — small letters, ligatures, points and spaces",
           font=f_head, fill=INK, anchor="ls")
    _case_frame(d, lx0, ly0, lw, lh, rim)
    jx, jy = lx0 + rim, ly0 + rim
    f_small = font("DejaVuSerif.ttf", 26)
    f_big = font("DejaVuSerif.ttf", 40)
    f_space = font("DejaVuSans-Oblique.ttf", 17)
    for c, r, w, h, sort in LOWER_CASE_LAY:
        cell = (jx + c * ucw, jy + r * uch, jx + (c + w) * ucw, jy + (r + h) * uch)
        d.rectangle(cell, outline=INK, width=2)
        if " " in sort:
            _centred(d, cell, sort, f_space, GREY)
        else:
            _centred(d, cell, sort, f_big if w * h >= 4 else f_small)
    d.rectangle((jx, jy, jx + lw, jy + lh), outline=INK, width=3)

    d.text((800, ly0 + lh + 2 * rim + 36),
           "The upper case sits on the frame above and behind the lower; "
           "the commonest letters lie nearest the compositor's hand.",
           font=font("DejaVuSerif-Italic.ttf", 22), fill=GREY, anchor="mm")
    return img


# --------------------------------------------------------------------------- bar chart

# Invented figures, roughly in line with the usual estimates: towns with a press by the end
# of each decade (cumulative).
TOWNS_BY_DECADE = [("1450s", 3), ("1460s", 14), ("1470s", 106), ("1480s", 186), ("1490s", 252)]
BAR = (47, 75, 110)


def draw_printing_towns() -> Image.Image:
    """A bar chart for the chapter on the spread of printing; the numbers are illustrative."""
    img = Image.new("RGB", (1600, 1000), WHITE)
    d = ImageDraw.Draw(img)
    d.text((800, 60), "Towns with a press, by decade, 1450–1500",
           font=font("DejaVuSerif-Bold.ttf", 44), fill=INK, anchor="mm")
    d.text((800, 112), "Cumulative count at the end of each decade; new towns in the decade in white",
           font=font("DejaVuSerif-Italic.ttf", 24), fill=GREY, anchor="mm")

    left, right, top, bottom = 230, 1500, 180, 820
    y_max, step = 300, 50
    f_tick = font("DejaVuSans.ttf", 24)

    def y_of(v: float) -> float:
        return bottom - (bottom - top) * v / y_max

    for v in range(0, y_max + 1, step):
        y = y_of(v)
        d.line([(left, y), (right, y)], fill=LIGHT_GREY if v else INK, width=2 if v else 3)
        d.line([(left - 12, y), (left, y)], fill=INK, width=3)
        d.text((left - 20, y), str(v), font=f_tick, fill=INK, anchor="rm")
    d.line([(left, top - 10), (left, bottom)], fill=INK, width=3)

    axis_title = vertical_text("Towns with a press", font("DejaVuSans.ttf", 28), INK)
    img.paste(axis_title, (80, int((top + bottom) / 2 - axis_title.height / 2)), axis_title)

    f_value = font("DejaVuSans-Bold.ttf", 28)
    f_new = font("DejaVuSans.ttf", 22)
    slot = (right - left) / len(TOWNS_BY_DECADE)
    bar_w = slot * 0.56
    previous = 0
    for i, (decade, towns) in enumerate(TOWNS_BY_DECADE):
        cx = left + slot * (i + 0.5)
        x0, x1 = cx - bar_w / 2, cx + bar_w / 2
        d.rectangle((x0, y_of(towns), x1, bottom - 1), fill=BAR, outline=INK, width=2)
        d.text((cx, y_of(towns) - 12), str(towns), font=f_value, fill=INK, anchor="ms")
        new = towns - previous
        if y_of(towns) < bottom - 40:
            d.text((cx, y_of(towns) + 14), f"+{new}", font=f_new, fill=WHITE, anchor="mt")
        previous = towns
        d.line([(cx, bottom), (cx, bottom + 12)], fill=INK, width=3)
        d.text((cx, bottom + 22), decade, font=f_tick, fill=INK, anchor="mt")
    d.text(((left + right) / 2, bottom + 80), "Decade", font=font("DejaVuSans.ttf", 28), fill=INK,
           anchor="mt")
    d.text((right, 975), "Illustrative figures invented for this sample book.",
           font=font("DejaVuSans-Oblique.ttf", 20), fill=GREY, anchor="rs")
    return img


# --------------------------------------------------------------------------- cover

COVER_BG_TOP = (27, 40, 58)
COVER_BG_BOTTOM = (14, 22, 34)
GOLD = (201, 164, 92)
CREAM = (244, 236, 218)


def _type_sort(img: Image.Image, x: float, base: float, w: float, letter: str) -> None:
    """One piece of metal type in oblique view, its inked face showing the letter reversed."""
    h, dx, dy = 270, 92, 150  # type height, and the depth offset of the body
    d = ImageDraw.Draw(img)
    front = [(x, base - h), (x + w, base - h), (x + w, base), (x, base)]
    side = [(x + w, base - h), (x + w + dx, base - h - dy), (x + w + dx, base - dy), (x + w, base)]
    top = [(x, base - h), (x + w, base - h), (x + w + dx, base - h - dy), (x + dx, base - h - dy)]
    d.polygon(side, fill=(96, 100, 108), outline=(20, 22, 26))
    d.polygon(front, fill=(150, 154, 162), outline=(20, 22, 26))
    d.polygon(top, fill=(196, 199, 205), outline=(20, 22, 26))
    for ny in (base - 70, base - 52):  # the nick, which tells the compositor which way is up
        d.line([(x + 2, ny), (x + w - 2, ny)], fill=(70, 73, 80), width=5)
    d.line([(x + 2, base - h + 2), (x + w - 2, base - h + 2)], fill=(226, 228, 232), width=3)

    # Letter drawn flat, mirrored, then sheared onto the top face with an affine map.
    size = 200
    glyph = Image.new("L", (size, size), 0)
    ImageDraw.Draw(glyph).text((size / 2, size / 2), letter, font=font("DejaVuSerif-Bold.ttf", 170),
                               fill=255, anchor="mm")
    glyph = glyph.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    # Forward map glyph (u, v) -> cover: back-left corner + u*(w/size, 0) + v*(-dx/size, dy/size).
    a, b, c, e = w / size, -dx / size, 0.0, dy / size
    det = a * e - b * c
    ox, oy = x + dx, base - h - dy
    ia, ib, ic, ie = e / det, -b / det, -c / det, a / det
    coeffs = (ia, ib, -(ia * ox + ib * oy), ic, ie, -(ic * ox + ie * oy))
    mask = glyph.transform(img.size, Image.Transform.AFFINE, coeffs, resample=Image.Resampling.BICUBIC)
    img.paste((26, 26, 30), (0, 0), mask)


def draw_cover() -> Image.Image:
    """The cover: title, subtitle, author, and a line of type sorts as the device."""
    W, H = 1600, 2560
    img = Image.new("RGB", (W, H), COVER_BG_TOP)
    d = ImageDraw.Draw(img)
    for y in range(H):  # quiet vertical gradient
        t = y / (H - 1)
        d.line([(0, y), (W, y)], fill=tuple(round(p + (q - p) * t)
                                             for p, q in zip(COVER_BG_TOP, COVER_BG_BOTTOM)))

    # Double rule border.
    d.rectangle((70, 70, W - 70, H - 70), outline=GOLD, width=6)
    d.rectangle((92, 92, W - 92, H - 92), outline=GOLD, width=2)

    f_title = font("DejaVuSerif-Bold.ttf", 136)
    d.text((W / 2, 420), "The Pressman’s", font=f_title, fill=CREAM, anchor="ms")
    d.text((W / 2, 600), "Craft", font=f_title, fill=CREAM, anchor="ms")

    def ornament_rule(y: float) -> None:
        d.line([(360, y), (730, y)], fill=GOLD, width=3)
        d.line([(870, y), (1240, y)], fill=GOLD, width=3)
        d.text((W / 2, y), "❦", font=font("DejaVuSans.ttf", 64), fill=GOLD, anchor="mm")

    ornament_rule(700)
    f_sub = font("DejaVuSerif-Italic.ttf", 64)
    d.text((W / 2, 850), "A Short History of Printing", font=f_sub, fill=CREAM, anchor="ms")
    d.text((W / 2, 940), "and the Printed Book", font=f_sub, fill=CREAM, anchor="ms")

    # Device: the word PRESS as a line of type, read from above, so it appears reversed.
    letters = "PRESS"[::-1]
    f_measure = font("DejaVuSerif-Bold.ttf", 170)
    widths = [max(120.0, f_measure.getlength(ch) + 36) for ch in letters]
    gap = 10
    total = sum(widths) + gap * (len(widths) - 1) + 70
    base = 1750
    x = (W - total) / 2
    # Shadow of the line on the stone, then the sorts from left to right.
    d.polygon([(x - 30, base + 10), (x + total + 20, base + 10), (x + total + 150, base - 130),
               (x + 90, base - 130)], fill=(10, 15, 24))
    for ch, w in zip(letters, widths):
        _type_sort(img, x, base, w, ch)
        x += w + gap

    ornament_rule(1990)
    f_author = font("DejaVuSerif.ttf", 84)
    d.text((W / 2, 2170), "A D A   Q U I L L", font=f_author, fill=GOLD, anchor="ms")
    d.text((W / 2, 2400), "PRESSWORK EDITIONS", font=font("DejaVuSans.ttf", 34), fill=(170, 160, 140),
           anchor="ms")
    return img


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    """Draw all images into the output folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default="images", type=Path)
    out: Path = parser.parse_args(argv).out_dir
    out.mkdir(parents=True, exist_ok=True)
    save_png(draw_hand_press(), out / "hand-press.png")
    save_png(draw_type_case(), out / "type-case.png")
    save_png(draw_printing_towns(), out / "printing-towns.png")
    draw_cover().save(out / "cover.jpg", "JPEG", quality=90, optimize=False, progressive=False)


if __name__ == "__main__":
    main()
