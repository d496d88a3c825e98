"""Folio printing: each page's margins drawn over it as a form copied from the layout's folio
samples, the sample's folio replaced by the page's own, set as WeasyPrint would have set it. So
pieces laid out independently (in parallel, from the cache) need not know their page numbers."""

from __future__ import annotations

import pikepdf
import uharfbuzz as hb

from ..errors import PressworkError
from ..layout.pieces import FIRST, PLAIN_VERSO, RECTO, VERSO, Folios
from .faces import book_faces, cid_widths, face_identity


def stamp(page: pikepdf.Page, form: pikepdf.Stream, name: pikepdf.Name) -> None:
    """Draw `form` over `page`, as pikepdf's add_overlay does, but under a name of our choosing
    (add_overlay's is random, and the bytes must repeat). The pages of a piece share one resource
    dictionary, so each page's name is its own."""
    page.add_resource(form, pikepdf.Name.XObject, name)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n" + page.calc_form_xobject_placement(form, name, pikepdf.Rectangle(page.trimbox)))


_PAINTING = {"TJ", "Tj", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "BI"}


class FolioPrinter:
    """Each page's margins as a form: the sample page of its kind (`Folios`), its folio's glyphs
    and place replaced by those of the page's folio. Where the two samples differ is the folio
    (its text matrix and glyph run); how their places differ tells its alignment (left, right or
    centre: the same start, end or middle). The glyphs and advances are HarfBuzz's, as Pango
    shapes them, where that gives the samples' own runs; else (a stylesheet's font features or
    letter spacing on the folio) each character's glyph and advance as the first sample sets it."""

    def __init__(self, out: pikepdf.Pdf, folios: Folios, source):
        self.out = out
        first, second = (source(sample) for sample in folios.samples)
        self.kinds = []  # per kind: the form's dictionary, its content, and the folio's place in it
        for kind, page in enumerate(first.pages):
            form = out.copy_foreign(page.as_form_xobject())
            content = pikepdf.parse_content_stream(page)
            place = None
            if kind in (FIRST, VERSO, RECTO):
                place = self._folio(content, pikepdf.parse_content_stream(second.pages[kind]), folios.texts, page)
            self.kinds.append((form, content, place))
        self.marked = any(str(operator) in _PAINTING for _, operator in self.kinds[PLAIN_VERSO][1])
        # Each margins form's content by kind and folio, kept with the samples it was drawn from: watch
        # keeps them between builds, so a rebuild shapes no folio again
        kept = folios.samples[0].read.get("margins")
        if kept is None or kept[0] is not folios.samples[1] or kept[1] != folios.texts:
            kept = folios.samples[0].read["margins"] = (folios.samples[1], folios.texts, {})
        self.drawn: dict[tuple[int, str], bytes] = kept[2]

    def _folio(self, content: list, other: list, texts: tuple[str, str], page: pikepdf.Page) -> tuple | None:
        """(index of the Tm, of the TJ, the folio's glyphs, anchor x, alignment: 0 left, 1 right,
        0.5 centre); None where the samples are alike: the book's stylesheet prints no folio there."""
        if len(content) != len(other):
            raise _folio_error("the folio samples differ in more than their folio")
        differ = [i for i, (a, b) in enumerate(zip(content, other)) if list(a.operands) != list(b.operands)]
        if not differ:
            return None
        shows = [i for i in differ if str(content[i].operator) == "TJ"]
        if len(shows) != 1:
            raise _folio_error("the folio samples do not differ in one run of text")
        tj = shows[0]
        tm = next((i for i in range(tj, -1, -1) if str(content[i].operator) == "Tm"), None)
        tf = next((i for i in range(tj, -1, -1) if str(content[i].operator) == "Tf"), None)
        if tm is None or tf is None:
            raise _folio_error("the folio samples set their folio without a text matrix and font")
        font_name, size = content[tf].operands
        runs = (content[tj].operands[0], other[tj].operands[0])
        glyphs = _folio_glyphs(page.Resources.Font[font_name], float(size), texts, runs)
        xs = [float(content[tm].operands[4]), float(other[tm].operands[4])]
        widths = [glyphs.width(text) for text in texts]
        for align in (0.0, 1.0, 0.5):  # the same start, end or middle
            anchors = [x + align * w for x, w in zip(xs, widths)]
            if abs(anchors[0] - anchors[1]) < 0.01:
                return tm, tj, glyphs, anchors[0], align
        raise _folio_error("the folio is aligned neither left, right nor centre in its margin box (letter-spacing "
                           "on the page's margin boxes is not supported)")

    def form(self, kind: int, folio: str) -> pikepdf.Stream:
        """The margins of a page of `kind` whose folio is `folio`."""
        form, content, place = self.kinds[kind]
        if place is None:
            return form
        if (kind, folio) not in self.drawn:
            tm, tj, glyphs, anchor, align = place
            content = list(content)
            matrix = list(content[tm].operands)
            matrix[4] = round(anchor - align * glyphs.width(folio), 6)
            content[tm] = pikepdf.ContentStreamInstruction(matrix, pikepdf.Operator("Tm"))
            content[tj] = pikepdf.ContentStreamInstruction([glyphs.run(folio)], pikepdf.Operator("TJ"))
            self.drawn[kind, folio] = pikepdf.unparse_content_stream(content)
        made = pikepdf.Stream(self.out, self.drawn[kind, folio])
        for key, value in form.items():
            if key not in ("/Length", "/Filter", "/DecodeParms"):
                made[key] = value
        return made


def _folio_error(what: str) -> PressworkError:
    return PressworkError(f"cannot print the folios: {what}", None,
                          "style the page's margin boxes so that each holds only its folio, in a face of the book")  # fmt: skip


def _folio_glyphs(font: pikepdf.Dictionary, size: float, texts: tuple[str, str], runs: tuple) -> _Glyphs:
    """The glyphs that set the samples' folios `texts` as their `runs` do."""
    member = font.DescendantFonts[0] if "/DescendantFonts" in font else None
    descriptor = member.get("/FontDescriptor") if member is not None else None
    program = next((descriptor[key] for key in ("/FontFile3", "/FontFile2") if descriptor is not None and key in descriptor), None)
    if member is None or "/W" not in member or program is None:
        raise _folio_error(f"its font {font.get('/BaseFont', '')} is not an embedded OpenType or TrueType face")
    widths = cid_widths(member.W)
    data = program.read_bytes()
    shaped = _Glyphs(book_faces().get(face_identity(data), data), widths, size)
    if all(_items(shaped.run(text)) == _items(run) for text, run in zip(texts, runs)):
        return shaped
    return _SampledGlyphs(texts[0], runs[0], widths, size)


def _items(run: pikepdf.Array) -> list:
    """A TJ run as glyph bytes and numbers, to compare two runs."""
    return [bytes(item) if isinstance(item, pikepdf.String) else float(item) for item in run]


class _Glyphs:
    """A font's glyphs for a folio's text at one size, shaped by HarfBuzz from the shipped face the
    font was cut from (or from the embedded program) and written as WeasyPrint writes a run: at
    Pango's scale (1/1024 px), each glyph id, and after it, where its advance differs from its
    width in the font's /W, the difference in thousandths of the size, truncated."""

    def __init__(self, program: bytes, widths: dict[int, object], size: float):
        self.font = hb.Font(hb.Face(hb.Blob(program)))
        self.font.scale = (int(size * 1024),) * 2  # the size Pango asks for, in its units
        self.size = size
        self.widths = widths

    def _shaped(self, text: str) -> list[tuple[int, float]]:
        """Each glyph id with its advance in thousandths of the size."""
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(self.font, buffer, {})
        return [(info.codepoint, position.x_advance * 1000 / 1024 / self.size)
                for info, position in zip(buffer.glyph_infos, buffer.glyph_positions)]  # fmt: skip

    def width(self, text: str) -> float:
        """The text's advance in CSS px."""
        return sum(advance for _, advance in self._shaped(text)) * self.size / 1000

    def _adjusted(self, text: str) -> list[tuple[int, int | None]]:
        """Each glyph id with the adjustment WeasyPrint writes after it, or None for none."""
        return [(gid, int(k) if (k := float(self.widths.get(gid, 0)) - advance) else None)
                for gid, advance in self._shaped(text)]  # fmt: skip

    def run(self, text: str) -> pikepdf.Array:
        run, glyphs = pikepdf.Array(), b""
        for gid, adjustment in self._adjusted(text):
            glyphs += gid.to_bytes(2, "big")
            if adjustment is not None:
                run.extend([pikepdf.String(glyphs), adjustment])
                glyphs = b""
        if glyphs:
            run.append(pikepdf.String(glyphs))
        return run


class _SampledGlyphs(_Glyphs):
    """Each character's glyph, and the adjustment after it, as the sample `text` was set in `run`
    (one glyph a character, whatever features or spacing chose them): no kerning between them."""

    def __init__(self, text: str, run: pikepdf.Array, widths: dict[int, object], size: float):
        self.size = size
        self.widths = widths
        glyphs: list[list] = []  # [glyph id, adjustment after it or None]
        for item in run:
            if isinstance(item, pikepdf.String):
                data = bytes(item)
                glyphs += [[int.from_bytes(data[i:i + 2], "big"), None] for i in range(0, len(data), 2)]
            elif glyphs:
                glyphs[-1][1] = int(item)
        if len(glyphs) != len(text):
            raise _folio_error("its font sets the folio's characters as other than one glyph each")
        self.characters = {ch: (gid, adjustment) for ch, (gid, adjustment) in zip(text, glyphs)}

    def _adjusted(self, text: str) -> list[tuple[int, int | None]]:
        if missing := set(text) - set(self.characters):
            raise _folio_error(f"the folio samples hold no {''.join(sorted(missing))!r}")
        return [self.characters[ch] for ch in text]

    def _shaped(self, text: str) -> list[tuple[int, float]]:
        return [(gid, float(self.widths.get(gid, 0)) - (adjustment or 0)) for gid, adjustment in self._adjusted(text)]
