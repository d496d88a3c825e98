"""Hooks into WeasyPrint's layout: its layout code (notes kept with their calls, lines presswork
broke justified), its pages' box trees, its font subsetter's cffi handle and Pango, and what a
typesetter's piece embeds as it is written (images, faces). Checked with WeasyPrint 68.0, 69.0 and
70.0 (the image and face hooks, and the justified lines', by reading 68.0's source and running 70.0).

Besides the names below, the callers read these attributes of WeasyPrint's boxes (formatting
structure, not public API; tests/test_weasyprint_boundary.py checks them on a laid-out page):
`element`, `element_tag`, `children`, `all_children()`, `descendants()`, `style[...]`, `text`,
`position_x`, `position_y`, `height`, `margin_height()` and `pango_layout`.
"""

from __future__ import annotations

import inspect
import re
import struct
import textwrap
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from hashlib import md5
from typing import Any
from urllib.parse import urljoin

from weasyprint.formatting_structure.boxes import BlockLevelBox, FootnoteAreaBox, LineBox, TextBox
from weasyprint.images import RasterImage
from weasyprint.layout import block
from weasyprint.layout.float import avoid_collisions
from weasyprint.layout.inline import justify_line
from weasyprint.pdf import fonts as pdf_fonts
from weasyprint.pdf.fonts import Font
from weasyprint.text.ffi import FROM_UNITS, ffi, pango
from weasyprint.urls import iri_to_uri, url_is_absolute

# The one decision in `block._linebox_layout` that moves the page's notes to the next page to fit
# a paragraph's orphan lines ("first try to report footnotes")
DEFER_NOTES = "report = not context.in_column and can_break_now and not could_break_before"


def keep_notes_with_their_calls() -> bool:
    """Hook: `weasyprint.layout.block._linebox_layout`, recompiled from its source with the line
    `DEFER_NOTES` made `report = False`, so that WeasyPrint moves a paragraph whose orphan lines
    do not fit rather than move the page's notes (no CSS property turns that choice off; see
    layout/footnotes.py). Idempotent; False where the source is not the expected one (left as it
    is: the footnote correction after layout still brings notes home)."""
    original = block._linebox_layout
    if hasattr(original, "__wrapped__"):  # done already
        return True
    try:
        source = textwrap.dedent(inspect.getsource(original))
    except (OSError, TypeError):  # no source shipped
        return False
    if source.count(DEFER_NOTES) != 1:
        return False
    lines_before = "\n" * (original.__code__.co_firstlineno - 1)  # so that tracebacks name block.py's own lines
    exec(compile(lines_before + source.replace(DEFER_NOTES, "report = False"), block.__file__, "exec"), block.__dict__)  # noqa: S102
    block._linebox_layout.__wrapped__ = original
    return True


# The custom property marking a paragraph whose lines presswork broke itself (layout/paragraph.py):
# with `white-space: pre`, each of its lines ends in a newline it keeps.
SET_LINES = "--presswork-lines"
_SET_LINES_KEY = SET_LINES.replace("-", "_")  # WeasyPrint's key for a custom property in a style


def justify_set_lines() -> bool:
    """Hook: `weasyprint.layout.block.iter_line_boxes` (the name block.py calls, imported from
    layout/inline.py) wrapped so that a paragraph marked with `SET_LINES` and `white-space: pre` is
    justified line by line with `inline.justify_line`: every line but the last filled to the
    measure, its spaces stretched or shrunk (WeasyPrint itself justifies only text whose white space
    collapses, and only stretches it); the last line only shrunk, and only when it overflows. The
    spaces' widths live on the text boxes (`justification_spacing`), so that a paragraph costs no
    element a line. Idempotent."""
    original = block.iter_line_boxes
    if hasattr(original, "__wrapped__"):  # done already
        return True

    def lines(context: Any, box: Any, position_y: float, bottom_space: float, skip_stack: Any,
              containing_block: Any, *rest: Any) -> Iterator[tuple[Any, Any]]:  # fmt: skip
        marked = box.style["white_space"] == "pre" and bool(box.style[_SET_LINES_KEY])
        for line, resume_at in original(context, box, position_y, bottom_space, skip_stack, containing_block, *rest):
            if marked:
                extra = avoid_collisions(context, line, containing_block, outer=False)[2] - line.width
                if resume_at is not None or extra < 0:
                    justify_line(context, line, extra)
            yield line, resume_at

    lines.__wrapped__ = original  # type: ignore[attr-defined]
    block.iter_line_boxes = lines
    return True


def page_box(page: Any) -> Any:
    """Hook: `Page._page_box`, the root of a laid-out page's box tree (the public `Page` keeps only
    anchors, links and bookmarks), for the notes' pages and the index's locators."""
    return page._page_box


def page_type(page: Any) -> Any:
    """Hook: `Page._page_box.page_type`, the page's kind as WeasyPrint chose it (`blank`, and the
    named page's `name`), so that the PDF backend knows which pages carry a folio."""
    return page._page_box.page_type


def page_flow(page: Any) -> Any:
    """Hook: the box holding a page's flow, the first child of its page box (the footnote area
    and the margin boxes come after it)."""
    return page._page_box.children[0]


def page_notes(page: Any) -> Iterator[Any]:
    """Hook: the boxes of the notes in a page's footnote area (a `FootnoteAreaBox` beside the flow)."""
    for area in page._page_box.children[1:]:
        if isinstance(area, FootnoteAreaBox):
            yield from area.children


def page_lines(page: Any) -> list[Any]:
    """Hook: the line boxes (`LineBox`) of a page's flow, in order: where its text stands."""
    return [box for box in page_flow(page).descendants() if isinstance(box, LineBox)]


def flow_room(page: Any) -> tuple[float, float, float]:
    """Hook: where a page's flow may begin and end, and its bottom margin (CSS px): the top of the
    page's content box; the top of its footnote area (its margin included) when it holds notes,
    else the bottom of the content box; the page box's `margin_bottom`."""
    box = page._page_box
    top = box.content_box_y()
    foot = top + box.height
    for area in box.children[1:]:
        if isinstance(area, FootnoteAreaBox) and area.children:
            foot = area.position_y
    return top, foot, box.margin_bottom


def flow_blocks(box: Any) -> list[Any]:
    """Hook: `box`'s block-level children in the normal flow, pseudo-elements aside (the blocks a
    forced page break can go before)."""
    return [c for c in getattr(box, "children", ()) if isinstance(c, BlockLevelBox) and c.is_in_normal_flow()
            and "::" not in c.element_tag]  # fmt: skip


def is_text(box: Any) -> bool:
    """Hook: whether `box` is a run of text (`TextBox`)."""
    return isinstance(box, TextBox)


class _Link:
    """Hook: what WeasyPrint's link writer (pdf/anchors.py) reads of a link's box: its
    `link_annotation`, None until it writes one."""

    link_annotation: Any = None


def external_link(target: str, rectangle: tuple[float, float, float, float]) -> tuple[str, str, tuple, Any]:
    """Hook: a link as WeasyPrint's `Page.links` holds one (type, target, rectangle, box), so that
    a link placed after layout is written like an `<a>`'s."""
    return "external", target, rectangle, _Link()


_INDEX_TO_POS = "void pango_layout_index_to_pos (PangoLayout *layout, int index, PangoRectangle *pos);"


@contextmanager
def character_positions(box: Any) -> Iterator[Callable[[int], float]]:
    """Hook: a text box's Pango layout, made live again (`reactivate`, as WeasyPrint's drawing
    does), as a function from a byte offset in its text to where that character begins, in CSS
    px: `pango_layout_index_to_pos`, which Pango has and WeasyPrint's cffi handle does not declare
    (declared on it here, once)."""
    if not hasattr(pango, "pango_layout_index_to_pos"):
        ffi.cdef(_INDEX_TO_POS)
    layout = box.pango_layout
    layout.reactivate(box.style)
    position = ffi.new("PangoRectangle *")

    def x(offset: int) -> float:
        pango.pango_layout_index_to_pos(layout.layout, offset, position)
        return position.x * FROM_UNITS

    try:
        yield x
    finally:
        layout.deactivate()


class _OpenArrays:
    """WeasyPrint's cffi handle, but for arrays made with their length in the type: WeasyPrint's
    font subsetter asks for `hb_codepoint_t[N]` with a new N for each font of each piece, and
    cffi parses each new type anew against all of WeasyPrint's declarations (0.75 s of a
    full-size book's layout). The open array type `hb_codepoint_t[]` is parsed once."""

    def __init__(self, handle: Any):
        self._ffi = handle

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)

    def new(self, cdecl: str, init: Any = None) -> Any:
        return self._ffi.new(_SIZED_ARRAY.sub("[]", cdecl) if init is not None else cdecl, init)


_SIZED_ARRAY = re.compile(r"\[\d+\]$")


def subset_with_open_arrays() -> None:
    """Hook: `weasyprint.pdf.fonts.ffi` (the module's name for WeasyPrint's cffi handle) replaced
    by `_OpenArrays` around it, for the speed its docstring gives. Idempotent."""
    if not isinstance(pdf_fonts.ffi, _OpenArrays):
        pdf_fonts.ffi = _OpenArrays(pdf_fonts.ffi)


def raster_image_id(src: str, base_url: str) -> str:
    """Hook: the id WeasyPrint gives the raster image an `<img src="src">` loads in a document at
    `base_url` (`images.get_image_from_uri`: the MD5 of the image's URL, which WeasyPrint makes
    with `urls.iri_to_uri` of the attribute joined to the base), by which its PDF writer knows the
    image (`RasterImage.id`)."""
    src = src.strip()
    url = iri_to_uri(src if url_is_absolute(src) else urljoin(base_url, src))
    return md5(url.encode(), usedforsecurity=False).hexdigest()


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_COLOUR = {"RGB": 2, "L": 0}  # a PNG's colour type for the modes whose samples a PDF takes as they are
# While a document is written (in this thread): image id -> a key its image XObject gets
# (`images_marked`); a face's program -> what is embedded in its place (`faces_stood_in`)
_marks: ContextVar[Mapping[str, str] | None] = ContextVar("marks", default=None)  # None: not a print piece written
_stand_ins: ContextVar[Mapping[bytes, bytes]] = ContextVar("stand_ins", default={})


def _stored_samples(image: Any) -> bytes | None:
    """The compressed samples (the IDAT chunks' data) of a PNG whose pixels a PDF image holds as the
    file stores them — 8 bits a sample, grey or RGB, no palette, transparency or interlacing: the
    same Flate stream with PNG predictors WeasyPrint writes after decoding and encoding them again
    with Pillow (same pixels, other bytes). None for any other image."""
    if image.format != "PNG" or image.mode not in _PNG_COLOUR:
        return None
    data = image.image_data.data
    if not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 33:
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    if (depth, colour, interlace, width, height) != (8, _PNG_COLOUR[image.mode], 0, image.width, image.height):
        return None
    samples, at = [], 8
    while at + 8 <= len(data):
        (length,), kind = struct.unpack(">I", data[at:at + 4]), data[at + 4:at + 8]
        if at + 12 + length > len(data) or kind in (b"PLTE", b"tRNS"):
            return None
        if kind == b"IDAT":
            samples.append(data[at + 8:at + 8 + length])
        elif kind == b"IEND":
            return b"".join(samples) if samples else None
        at += 12 + length
    return None


def images_written_as_stored() -> None:
    """Hook: `weasyprint.images.RasterImage.get_x_object` (an image's XObject, made when a PDF is
    written) wrapped, so that a PNG whose samples a PDF takes as they are (`_stored_samples`) is
    written from its file's compressed samples instead of being decoded and encoded again by
    Pillow (a 1200 × 800 figure: some 20 ms each time a piece holding it is written): the wrapper
    hands them to WeasyPrint's own writer in place of its `_get_png_data`, so the XObject's
    dictionary is WeasyPrint's. The image of an id `images_marked` names gets its key. Only while
    `images_marked` is in force (a print piece written): another PDF of the process (the screen
    edition, after the print book's pieces with --jobs 1) is written as WeasyPrint writes it, as
    it is in a process that laid no print piece out. Idempotent."""
    original = RasterImage.get_x_object
    if hasattr(original, "__wrapped__"):
        return

    def get_x_object(self: Any, interpolate: bool, dpi_ratio: float) -> Any:
        if (marks := _marks.get()) is None:
            return original(self, interpolate, dpi_ratio)
        samples = _stored_samples(self) if dpi_ratio == 1 else None
        if samples is not None:
            self._get_png_data = lambda _image: samples  # the instance's, over the class's static method
        try:
            x_object = original(self, interpolate, dpi_ratio)
        finally:
            self.__dict__.pop("_get_png_data", None)
        if (key := marks.get(self.id)) is not None:
            x_object.extra[key] = "true"
        return x_object

    get_x_object.__wrapped__ = original  # type: ignore[attr-defined]
    RasterImage.get_x_object = get_x_object


@contextmanager
def images_marked(marks: Mapping[str, str]) -> Iterator[None]:
    """While a document is written, the image XObject of each image id in `marks` (see
    `raster_image_id`) gets the key `marks` gives it, with the value true (`images_written_as_stored`
    must be in place)."""
    token = _marks.set(marks)
    try:
        yield
    finally:
        _marks.reset(token)


def faces_written_as_stand_ins() -> None:
    """Hook: `weasyprint.pdf.fonts.Font.clean(to_unicode, hinting)` (called once for each face a
    document uses, before its program is embedded as `file_content`) wrapped, so that a face
    `faces_stood_in` names is embedded as its stand-in, neither subset nor cleaned, when glyphs of
    it are used (`to_unicode` not empty: WeasyPrint reads only its widths and ToUnicode map from
    the `Font`, never the program again). Idempotent."""
    original = Font.clean
    if hasattr(original, "__wrapped__"):
        return

    def clean(self: Any, to_unicode: dict, hinting: bool) -> None:
        stand_in = _stand_ins.get().get(self.file_content) if to_unicode else None
        if stand_in is None:
            original(self, to_unicode, hinting)
        else:
            self.file_content = stand_in

    clean.__wrapped__ = original  # type: ignore[attr-defined]
    Font.clean = clean


@contextmanager
def faces_stood_in(stand_ins: Mapping[bytes, bytes]) -> Iterator[None]:
    """While a document is written, each face program in `stand_ins` is embedded as the bytes it
    maps to (`faces_written_as_stand_ins` must be in place)."""
    token = _stand_ins.set(stand_ins)
    try:
        yield
    finally:
        _stand_ins.reset(token)
