"""One walk through every page's content as a RIP would paint it: the page's stream, the forms it
draws (nested), tiling patterns, shadings, images (inline too) and annotation appearances, with the
graphics state's matrix and line width kept, so each check reads marks at their placed size."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)
DEVICE = {"/DeviceRGB": "DeviceRGB", "/DeviceCMYK": "DeviceCMYK", "/DeviceGray": "DeviceGray",
          "/RGB": "DeviceRGB", "/CMYK": "DeviceCMYK", "/G": "DeviceGray"}  # fmt: skip
OPERATOR_SPACE = {"rg": "DeviceRGB", "RG": "DeviceRGB", "k": "DeviceCMYK", "K": "DeviceCMYK", "g": "DeviceGray", "G": "DeviceGray"}
STROKES = {"S", "s", "B", "B*", "b", "b*"}
FILLS = {"f", "F", "f*", "B", "B*", "b", "b*"}
SHOWS = {"Tj", "TJ", "'", '"'}
THIN = 2.0  # points: a rule narrower than this shows misregistration when printed in four inks
# presswork's mark on a placeholder figure's image (docs/print.md#preflight): an image XObject key
PLACEHOLDER = "/PressworkPlaceholder"
# Bounds a hostile file cannot push the walk past.
MAX_DEPTH = 12


@dataclass(frozen=True)
class Mark:
    """Something painted: `kind` is colour (a colour space set or used: `space`, `how`), image
    (`space`, pixel size and `ctm`), stroke (`width` in points), font (`font`), blend (the
    transparency `how`), rich black (text or a rule under `THIN` points, `how`, painted in a
    four-colour black)."""

    page: int
    kind: str
    space: str = ""
    how: str = ""
    width: float = 0.0
    pixels: tuple[int, int] = (0, 0)
    ctm: Matrix = IDENTITY
    font: pikepdf.Object | None = field(default=None, compare=False)


def family(space: object, resources: pikepdf.Dictionary | None = None) -> str:
    """A colour space's family as a preflight names it: DeviceRGB, ICCBased RGB, Separation …;
    a named space is looked up in the resources, an Indexed one reports its base."""
    if isinstance(space, pikepdf.Name):
        name = str(space)
        if name in DEVICE:
            default = "/Default" + DEVICE[name][6:]
            spaces = resources.get("/ColorSpace", {}) if resources is not None else {}
            return f"{DEVICE[name]} (with {default[1:]})" if default in spaces else DEVICE[name]
        if name == "/Pattern":
            return "Pattern"
        if resources is not None and name in resources.get("/ColorSpace", {}):
            return family(resources.ColorSpace[name], None)
        return name[1:]
    if isinstance(space, pikepdf.Array) and len(space):
        kind = str(space[0])
        if kind == "/ICCBased":
            return "ICCBased " + {1: "Gray", 3: "RGB", 4: "CMYK"}.get(int(space[1].get("/N", 0)), "?")
        if kind in ("/Indexed", "/I"):
            return family(space[1], resources)
        if kind in ("/Separation", "/DeviceN"):
            return f"{kind[1:]} ({family(space[2], resources)})"
        if kind == "/Pattern" and len(space) > 1:
            return family(space[1], resources)
        return kind[1:]
    return "unknown"


def rich_black(cmyk: tuple[float, ...] | None) -> bool:
    """A dark neutral built from all four inks (cyan, magenta and yellow under at least half black),
    where black alone was meant: text and thin rules in it blur when the plates are out of register."""
    return cmyk is not None and len(cmyk) == 4 and min(cmyk[:3]) > 0 and cmyk[3] >= 0.5


def thinnest(rects: list[tuple[float, float, float, float]]) -> float:
    """The narrowest part of a path of rectangles: a side, or the band between a rectangle and one
    inside it (a border drawn as an even-odd ring; paths of a few rectangles, so a hostile one of
    thousands costs no more than a look at each)."""
    narrowest = min((min(x1 - x0, y1 - y0) for x0, y0, x1, y1 in rects), default=math.inf)
    for outer in rects if len(rects) <= 8 else ():
        for inner in rects:
            if inner is not outer and outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]:
                narrowest = min(narrowest, inner[0] - outer[0], inner[1] - outer[1], outer[2] - inner[2], outer[3] - inner[3])
    return narrowest


def multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def scale(m: Matrix) -> float:
    """How much a length grows under `m` (the square root of its determinant's size)."""
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


def marks(pdf: pikepdf.Pdf) -> Iterator[Mark]:
    """Every mark of every page, page by page."""
    for number, page in enumerate(pdf.pages, 1):
        walker = _Walker(number)
        yield from walker.stream(page.obj, page.resources, IDENTITY, 0)
        for annot in page.obj.get("/Annots", []):
            appearance = annot.get("/AP", {}).get("/N")
            if isinstance(appearance, pikepdf.Stream):
                yield from walker.form(appearance, page.resources, IDENTITY, 0)


class _Walker:
    def __init__(self, page: int):
        self.page = page
        self.seen: set[tuple[int, int]] = set()

    def stream(self, owner: pikepdf.Object, resources: pikepdf.Dictionary, ctm: Matrix, depth: int) -> Iterator[Mark]:
        stack: list[tuple[Matrix, float, dict]] = []
        width = 1.0
        paint: dict[str, tuple[float, ...] | None] = {"fill": None, "stroke": None, "space_fill": None, "space_stroke": None}
        rects: list[tuple[float, float, float, float]] = []  # the current path's rectangles
        try:
            instructions = pikepdf.parse_content_stream(owner)
        except pikepdf.PdfError:
            return
        for operands, op in instructions:
            op = str(op)
            yield from self.rich(op, operands, paint, width * scale(ctm), thinnest(rects) * scale(ctm))
            if op == "re" and len(operands) == 4:
                x, y, w, h = (float(v) for v in operands)
                rects.append((min(x, x + w), min(y, y + h), max(x, x + w), max(y, y + h)))
            elif op in STROKES or op in FILLS or op == "n":
                rects = []
            if op == "q":
                stack.append((ctm, width, dict(paint)))
            elif op == "Q" and stack:
                ctm, width, paint = stack.pop()
            elif op == "cm" and len(operands) == 6:
                ctm = multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
            elif op == "w" and operands:
                width = float(operands[0])
            elif op in OPERATOR_SPACE:
                yield Mark(self.page, "colour", OPERATOR_SPACE[op], "stroke" if op.isupper() else "fill")
            elif op in ("cs", "CS") and operands:
                yield Mark(self.page, "colour", family(operands[0], resources), "stroke" if op == "CS" else "fill")
            elif op in ("scn", "SCN") and operands and isinstance(operands[-1], pikepdf.Name):
                yield from self.pattern(resources.get("/Pattern", {}).get(str(operands[-1])), ctm, depth)
            elif op in STROKES:
                yield Mark(self.page, "stroke", width=width * scale(ctm))
            elif op == "sh" and operands:
                shading = resources.get("/Shading", {}).get(str(operands[0]))
                if shading is not None:
                    yield Mark(self.page, "colour", family(shading.get("/ColorSpace"), resources), "shading")
            elif op == "gs" and operands:
                yield from self.state(resources.get("/ExtGState", {}).get(str(operands[0])))
            elif op == "Tf" and operands:
                font = resources.get("/Font", {}).get(str(operands[0]))
                if font is not None:
                    yield Mark(self.page, "font", font=font)
            elif op == "Do" and operands:
                yield from self.xobject(resources.get("/XObject", {}).get(str(operands[0])), resources, ctm, depth)
            elif op == "INLINE IMAGE":
                image = operands[0].obj
                space = image.get("/CS", image.get("/ColorSpace"))
                if not image.get("/IM", image.get("/ImageMask", False)):
                    yield Mark(self.page, "image", family(space, resources), "inline image",
                               pixels=(int(image.get("/W", image.get("/Width", 0))), int(image.get("/H", image.get("/Height", 0)))),
                               ctm=ctm)  # fmt: skip

    def rich(self, op: str, operands: list, paint: dict, width: float, thinnest: float) -> Iterator[Mark]:
        """Keeps the CMYK fill and stroke colours in `paint`; a rich-black mark for text shown in
        one, or a stroke or rectangle fill under `THIN` points painted in one."""
        which = "stroke" if op.isupper() else "fill"
        if op in ("k", "K", "g", "G", "rg", "RG"):
            paint[which] = tuple(float(v) for v in operands) if op in ("k", "K") else None
        elif op in ("cs", "CS"):
            paint["space_" + which], paint[which] = (str(operands[0]) if operands else None), None
        elif op in ("sc", "scn", "SC", "SCN"):
            cmyk = paint["space_" + which] in ("/DeviceCMYK", "/CMYK") and len(operands) == 4
            paint[which] = tuple(float(v) for v in operands) if cmyk else None
        elif op in SHOWS and rich_black(paint["fill"]):
            yield Mark(self.page, "rich black", how="text")
        if op in STROKES and width < THIN and rich_black(paint["stroke"]):
            yield Mark(self.page, "rich black", how="rule", width=width)
        if op in FILLS and thinnest < THIN and rich_black(paint["fill"]):
            yield Mark(self.page, "rich black", how="rule", width=thinnest)

    def state(self, state: pikepdf.Object | None) -> Iterator[Mark]:
        if state is None:
            return
        smask = state.get("/SMask")
        if smask is not None and smask != pikepdf.Name.None_:
            yield Mark(self.page, "blend", how="soft mask")
        for key in ("/CA", "/ca"):
            if key in state and float(state[key]) < 1:
                yield Mark(self.page, "blend", how=f"opacity {key[1:]} {float(state[key]):g}")
        blend = state.get("/BM")
        if blend is not None and str(blend) not in ("/Normal", "/Compatible") and not (
                isinstance(blend, pikepdf.Array) and all(str(b) in ("/Normal", "/Compatible") for b in blend)):  # fmt: skip
            yield Mark(self.page, "blend", how=f"blend mode {blend}")

    def xobject(self, xobject: pikepdf.Object | None, resources: pikepdf.Dictionary, ctm: Matrix, depth: int) -> Iterator[Mark]:
        if not isinstance(xobject, pikepdf.Stream):
            return
        if xobject.get("/Subtype") == pikepdf.Name.Image:
            if "/SMask" in xobject or int(xobject.get("/SMaskInData", 0)):
                yield Mark(self.page, "blend", how="image with a soft mask")
            if not xobject.get("/ImageMask", False):
                how = "placeholder image" if xobject.get(PLACEHOLDER, False) else "image"
                yield Mark(self.page, "image", family(xobject.get("/ColorSpace"), resources), how,
                           pixels=(int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))), ctm=ctm)  # fmt: skip
        elif xobject.get("/Subtype") == pikepdf.Name.Form:
            yield from self.form(xobject, resources, ctm, depth)

    def form(self, form: pikepdf.Stream, resources: pikepdf.Dictionary, ctm: Matrix, depth: int) -> Iterator[Mark]:
        if depth >= MAX_DEPTH or (form.objgen != (0, 0) and form.objgen in self.seen and depth > 0):
            return
        self.seen.add(form.objgen)
        group = form.get("/Group")
        if group is not None and group.get("/S") == pikepdf.Name.Transparency:
            yield Mark(self.page, "blend", how="transparency group")
            if "/CS" in group:
                yield Mark(self.page, "colour", family(group.CS, resources), "group")
        matrix = tuple(float(v) for v in form.get("/Matrix", IDENTITY))
        yield from self.stream(form, form.get("/Resources", resources), multiply(matrix, ctm), depth + 1)  # type: ignore[arg-type]

    def pattern(self, pattern: pikepdf.Object | None, ctm: Matrix, depth: int) -> Iterator[Mark]:
        if pattern is None:
            return
        if int(pattern.get("/PatternType", 0)) == 1:
            yield from self.form(pattern, pattern.get("/Resources", pikepdf.Dictionary()), ctm, depth)
        elif "/Shading" in pattern:
            yield Mark(self.page, "colour", family(pattern.Shading.get("/ColorSpace")), "shading")
