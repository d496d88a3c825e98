"""The painting operators' device RGB put in the printer's inks before Ghostscript rewrites a PDF/X
file: Ghostscript 10's pdfwrite converts with its own default CMYK profile whatever output profile it
is given, and turns RGB black rules into four-colour black. So a neutral RGB colour becomes grey
(which Ghostscript keeps and a RIP prints with black ink alone), and any other RGB colour is converted
by littleCMS (Pillow's ImageCms) into the output intent's own CMYK profile."""

from __future__ import annotations

import io
from functools import cache

import pikepdf
from PIL import Image, ImageCms

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_RGB_OPERATORS = {"rg": "k", "RG": "K"}
_GREY_OPERATORS = {"rg": "g", "RG": "G"}
_SPACE_SETTERS = {"cs": "fill", "CS": "stroke"}
_COMPONENT_SETTERS = {"sc": "fill", "scn": "fill", "SC": "stroke", "SCN": "stroke"}
_PLAIN_SETTERS = {"fill": ("g", "k"), "stroke": ("G", "K")}


class Inks:
    """RGB triples turned into grey, or into CMYK through `profile` (the output intent's ICC data)
    when it is a CMYK one; other colours are left to Ghostscript."""

    def __init__(self, profile: bytes | None) -> None:
        icc = ImageCms.ImageCmsProfile(io.BytesIO(profile)) if profile else None
        self._transform = (ImageCms.buildTransform(_SRGB, icc, "RGB", "CMYK")
                           if icc and icc.profile.xcolor_space.strip() == "CMYK" else None)  # fmt: skip

    def operator(self, rgb: tuple[float, ...], grey_op: str, cmyk_op: str) -> tuple[list[float], str] | None:
        """The operands and operator that paint `rgb` in grey or CMYK; None to leave it to Ghostscript."""
        if len(set(rgb)) == 1:
            return [rgb[0]], grey_op
        if self._transform is None:
            return None
        return list(self._cmyk(tuple(round(v * 255) for v in rgb))), cmyk_op

    @cache  # noqa: B019 - one Inks a conversion; a book uses a handful of colours
    def _cmyk(self, rgb: tuple[int, ...]) -> tuple[float, ...]:
        pixel = Image.new("CMYK", (1, 1))
        try:
            self._transform.apply(Image.new("RGB", (1, 1), rgb), pixel)
        except OSError:  # Pillow labels the result with the profile re-serialised by littleCMS after
            pass  # converting, which fails for some v2 profiles (Ghostscript's ps_cmyk.icc): no label needed
        return tuple(round(v / 255, 4) for v in pixel.getpixel((0, 0)))

    def rewrite(self, stream: pikepdf.Object) -> None:
        """`stream`'s rg/RG, and sc/scn/SC/SCN after a DeviceRGB cs/CS, in grey or CMYK."""
        space = {"fill": "", "stroke": ""}
        out: list[tuple[list, pikepdf.Operator]] = []
        changed = False
        for operands, op in pikepdf.parse_content_stream(stream):
            name = str(op)
            if name in _SPACE_SETTERS:
                space[_SPACE_SETTERS[name]] = str(operands[0])
            replaced = None
            if name in _RGB_OPERATORS and len(operands) == 3:
                replaced = self.operator(tuple(float(v) for v in operands), _GREY_OPERATORS[name], _RGB_OPERATORS[name])
            elif name in _COMPONENT_SETTERS and space[_COMPONENT_SETTERS[name]] == "/DeviceRGB" and len(operands) == 3:
                replaced = self.operator(tuple(float(v) for v in operands), *_PLAIN_SETTERS[_COMPONENT_SETTERS[name]])
            if replaced is None:
                out.append((operands, op))
            else:
                out.append((replaced[0], pikepdf.Operator(replaced[1])))
                changed = True
        if changed:
            stream.write(pikepdf.unparse_content_stream(out))


def convert_inks(pdf: pikepdf.Pdf) -> None:
    """Every page's and form's RGB painting colours in `pdf` put in grey or its output intent's CMYK."""
    intents = pdf.Root.get("/OutputIntents", [])
    profile = intents[0].get("/DestOutputProfile") if len(intents) else None
    inks = Inks(profile.read_bytes() if profile is not None else None)
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        page.contents_coalesce()
        inks.rewrite(page.obj.Contents)
        _forms(inks, page.obj.get("/Resources"), seen)


def _forms(inks: Inks, resources: pikepdf.Object | None, seen: set[tuple[int, int]], depth: int = 0) -> None:
    """The form XObjects in `resources` (nested, each once) rewritten by `inks`."""
    if resources is None or depth > 12:
        return
    for form in resources.get("/XObject", {}).values():
        if form.get("/Subtype") != "/Form" or form.objgen in seen:
            continue
        seen.add(form.objgen)
        inks.rewrite(form)
        _forms(inks, form.get("/Resources"), seen, depth + 1)
