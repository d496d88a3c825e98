"""Print PDF backend: the laid-out pieces (the layout stage's `Layout`, one PDF each) assembled
into one PDF with pikepdf (qpdf): pages in print order with blank versos before rectos, folios
printed after the layout's folio samples, page labels equal to the printed folios, one outline, one set of
named destinations, and links between pieces pointed at them.

The first piece's catalog (output intents, XMP metadata, language) and document information
are kept, so PDF/X and PDF/A variants stay what WeasyPrint made them.
"""

from __future__ import annotations

import hashlib
import io
import re
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import uharfbuzz as hb
from fontTools.ttLib import TTFont

from ..errors import Diagnostics, PressworkError
from ..files.output import write_atomic
from ..layout.cropmarks import add_crop_marks
from ..layout.pieces import FIRST, PIECES_URL, PLAIN_VERSO, RECTO, VERSO, Folios, Layout, Piece
from ..model import Book
from ..render import fonts as book_fonts
from .options import Artifacts

PT_PER_PX = 0.75
_OWN_KEYS = {"/Type", "/Pages", "/Names", "/Outlines", "/PageLabels"}  # catalog entries the assembly makes


def pdf_document(book: Book, layout: Layout) -> bytes:
    """The PDF of every page of `layout`, in print order; the same bytes for the same layout."""
    sequence = list(layout.sequence())
    opened: dict[int, pikepdf.Pdf] = {}  # id of a LaidOut -> its PDF, opened once

    def source(laid) -> pikepdf.Pdf:
        if id(laid) not in opened:
            opened[id(laid)] = pikepdf.open(io.BytesIO(laid.pdf))
        return opened[id(laid)]

    first = source(layout.front[0].laid)
    out = pikepdf.new()
    for key, value in first.Root.items():
        if key not in _OWN_KEYS:
            out.Root[key] = out.copy_foreign(value if value.is_indirect else first.make_indirect(value))
    out.docinfo = out.copy_foreign(first.docinfo)
    placed: dict[tuple[int, int], int] = {}  # (id of a piece, page index in it) -> page index in `out`
    folios = _FolioPrinter(out, layout.folios, source)
    for number, (_, folio, piece, index) in enumerate(sequence):
        if piece is None:  # a blank verso: the margins of a page without folio, if they hold anything (a proof's mark)
            out.pages.append(source(layout.blank).pages[0])
            if folios.marked:
                _stamp(out.pages[-1], folios.form(PLAIN_VERSO, folio), pikepdf.Name(f"/Folio{number}"))
            continue
        out.pages.append(source(piece.laid).pages[index])
        margins = folios.form(Folios.kind(piece.laid.pages[index], index), folio)
        _stamp(out.pages[-1], margins, pikepdf.Name(f"/Folio{number}"))
        placed[id(piece), index] = number
    add_crop_marks(out, layout.options)
    _link_pieces(out)
    _merge_subsets(out)
    _tag_fonts(out)
    _named_destinations(out, layout.front + layout.body, source, placed)
    _outline(out, sequence)
    front_pages = sum(1 for roman, *_ in sequence if roman)
    out.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array([
        0, pikepdf.Dictionary(S=pikepdf.Name.r), front_pages, pikepdf.Dictionary(S=pikepdf.Name.D)]))  # fmt: skip
    buffer = io.BytesIO()
    # PDF/A-1 and PDF/X-1a/3 (PDF 1.3/1.4) allow no object streams; from PDF 1.5 on, objects go into
    # object streams as WeasyPrint puts them (a third of the file, for the links and destinations)
    major, minor = (int(part) for part in str(first.pdf_version).split(".")[:2])
    streams = pikepdf.ObjectStreamMode.generate if (major, minor) >= (1, 5) else pikepdf.ObjectStreamMode.disable
    out.save(buffer, deterministic_id=True, min_version=first.pdf_version, object_stream_mode=streams)
    return buffer.getvalue()


def _stamp(page: pikepdf.Page, form: pikepdf.Stream, name: pikepdf.Name) -> None:
    """Draw `form` over `page`, as pikepdf's add_overlay does, but under a name of our choosing
    (add_overlay's is random, and the bytes must repeat). The pages of a piece share one resource
    dictionary, so each page's name is its own."""
    page.add_resource(form, pikepdf.Name.XObject, name)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n" + page.calc_form_xobject_placement(form, name, pikepdf.Rectangle(page.trimbox)))


_PAINTING = {"TJ", "Tj", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "BI"}


class _FolioPrinter:
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
        tm, tj, glyphs, anchor, align = place
        content = list(content)
        matrix = list(content[tm].operands)
        matrix[4] = round(anchor - align * glyphs.width(folio), 6)
        content[tm] = pikepdf.ContentStreamInstruction(matrix, pikepdf.Operator("Tm"))
        content[tj] = pikepdf.ContentStreamInstruction([glyphs.run(folio)], pikepdf.Operator("TJ"))
        made = pikepdf.Stream(self.out, pikepdf.unparse_content_stream(content))
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
    widths = _widths(member.W)
    data = program.read_bytes()
    shaped = _Glyphs(_book_faces().get(_identity(data), data), widths, size)
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


@cache
def _book_faces() -> dict[tuple, bytes]:
    """The book's faces by identity (PostScript name, revision and dates): the font files the
    pieces' subsets were cut from. A book's own face of the same name but another make is not one."""
    faces = {}
    for face in book_fonts.FACES:
        data = (book_fonts.FONT_DIR / face.file).read_bytes()
        faces[_identity(data)] = data
    return faces


def _identity(data: bytes) -> tuple | None:
    """What a subset keeps of the face it was cut from: PostScript name, revision and dates."""
    try:
        with TTFont(io.BytesIO(data), lazy=True) as font:
            head = font["head"]
            return font["name"].getDebugName(6), head.fontRevision, head.created, head.modified, head.unitsPerEm
    except Exception:  # noqa: BLE001 - not a font we can read: not one of ours
        return None


def _widths(w: pikepdf.Array) -> dict[int, object]:
    """A CIDFont's /W array as {CID: width}."""
    widths, items, i = {}, list(w), 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for offset, width in enumerate(items[i + 1]):
                widths[first + offset] = width
            i += 2
        else:
            for cid in range(first, int(items[i + 1]) + 1):
                widths[cid] = items[i + 2]
            i += 3
    return widths


_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>")
_CMAP_HEAD = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
              b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
              b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange",
              b"<0000> <ffff>", b"endcodespacerange"]  # fmt: skip
_CMAP_TAIL = [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]


def _to_unicode(stream: pikepdf.Stream) -> dict[int, bytes] | None:
    """A ToUnicode CMap of single-glyph entries (as WeasyPrint writes them) as {CID: UTF-16BE hex};
    None for any other kind of CMap."""
    data = stream.read_bytes()
    if b"beginbfrange" in data:
        return None
    body = data.split(b"endcodespacerange", 1)[-1]
    return {int(cid, 16): text.lower() for cid, text in _BFCHAR.findall(body)}


def _subset(face: bytes, glyphs: list[int]) -> bytes | None:
    """`face` cut down to `glyphs` under their own glyph ids, as WeasyPrint cuts it for one piece."""
    source = hb.Face(hb.Blob(face))
    first = hb.SubsetInput()
    for gid in glyphs:
        first.glyph_set.add(gid)
    first.flags = hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    for tag in ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG "):
        first.sets(hb.SubsetInputSets.DROP_TABLE_TAG).add(int.from_bytes(tag.encode(), "big"))
    cut = hb.subset(source, first)
    if cut is None:
        return None
    second = hb.SubsetInput()
    for gid in range(max(glyphs) + 1):
        second.glyph_set.add(gid)
    second.flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_HINTING
    result = hb.subset(cut, second)
    return bytes(result.blob.data) if result is not None else None


def _merge_subsets(out: pikepdf.Pdf) -> None:
    """Every piece and folio sample embeds its own subset of each book face. Cut one subset of each
    face holding every glyph any of them uses (WeasyPrint keeps glyph ids, so each piece's text
    draws the same glyphs from it), with one width array and one ToUnicode map, and point every
    font resource at that one font. Fonts that are not the book's faces are left as they are."""
    faces = _book_faces()
    groups: dict[tuple, list[pikepdf.Dictionary]] = {}
    for obj in out.objects:
        if not (isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font
                and obj.get("/Subtype") == pikepdf.Name.Type0 and obj.get("/Encoding") == pikepdf.Name("/Identity-H")
                and "/DescendantFonts" in obj and "/ToUnicode" in obj):  # fmt: skip
            continue
        member = obj.DescendantFonts[0]
        descriptor = member.get("/FontDescriptor")
        if (member.get("/Subtype") != pikepdf.Name.CIDFontType0 or member.get("/CIDToGIDMap") != pikepdf.Name.Identity
                or descriptor is None or "/FontFile3" not in descriptor or "/W" not in member):  # fmt: skip
            continue
        identity = _identity(descriptor.FontFile3.read_bytes())
        if identity in faces:
            groups.setdefault(identity, []).append(obj)
    replaced: dict[tuple[int, int], pikepdf.Object] = {}
    for identity in sorted(groups, key=repr):
        members = groups[identity]
        widths: dict[int, object] = {}
        to_unicode: dict[int, bytes] = {}
        maps = [_to_unicode(font.ToUnicode) for font in members]
        if any(m is None for m in maps):
            continue
        for font, cmap in zip(members, maps):
            for cid, width in _widths(font.DescendantFonts[0].W).items():
                widths.setdefault(cid, width)
            for cid, text in cmap.items():
                to_unicode.setdefault(cid, text)
        glyphs = sorted(set(widths) | set(to_unicode) | {0})
        program = _subset(faces[identity], glyphs)
        if program is None:
            continue
        first = members[0]
        old_member = first.DescendantFonts[0]
        old_descriptor = old_member.FontDescriptor
        stream = pikepdf.Stream(out, program)
        stream.Subtype = old_descriptor.FontFile3.get("/Subtype", pikepdf.Name.OpenType)
        descriptor = pikepdf.Dictionary({k: v for k, v in old_descriptor.items() if k != "/CIDSet"})
        descriptor.FontFile3 = stream
        bbox = [float(x) for x in old_descriptor.FontBBox]
        bbox[2] = max(float(font.DescendantFonts[0].FontDescriptor.FontBBox[2]) for font in members)
        descriptor.FontBBox = pikepdf.Array([_number(x) for x in bbox])
        flags = int(old_descriptor.Flags) & ~1
        if len(widths) > 1 and len({float(w) for w in widths.values()}) == 1:
            flags |= 1
        descriptor.Flags = flags
        if "/CIDSet" in old_descriptor:
            cids = sorted(widths)
            size = (cids[-1] + 1 + 7) // 8
            bits = 0
            for cid in cids:
                bits |= 1 << (size * 8 - 1 - cid)
            descriptor.CIDSet = pikepdf.Stream(out, bits.to_bytes(size, "big"))
        w = pikepdf.Array()
        run = None
        for cid in sorted(widths):
            if cid - 1 not in widths:
                run = pikepdf.Array()
                w.append(cid)
                w.append(run)
            run.append(widths[cid])
        member = pikepdf.Dictionary({k: v for k, v in old_member.items()})
        member.W = w
        member.FontDescriptor = out.make_indirect(descriptor)
        lines = list(_CMAP_HEAD)
        items = sorted(to_unicode.items())
        for start in range(0, len(items), 100):
            batch = items[start:start + 100]
            lines.append(f"{len(batch)} beginbfchar".encode())
            lines.extend(b"<%04x> <%s>" % (cid, text) for cid, text in batch)
            lines.append(b"endbfchar")
        lines.extend(_CMAP_TAIL)
        font = pikepdf.Dictionary({k: v for k, v in first.items()})
        font.DescendantFonts = pikepdf.Array([out.make_indirect(member)])
        font.ToUnicode = pikepdf.Stream(out, b"\n".join(lines))
        font = out.make_indirect(font)
        for old in members:
            replaced[old.objgen] = font
    if replaced:
        for obj in list(out.objects):
            _repoint(obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj, replaced)


def _number(x: float) -> int | float:
    return int(x) if x == int(x) else x


def _repoint(obj: pikepdf.Object, replaced: dict[tuple[int, int], pikepdf.Object]) -> None:
    """Point the references in `obj` and its direct parts that `replaced` names at their replacements."""
    if isinstance(obj, pikepdf.Dictionary):
        entries = list(obj.items())
    elif isinstance(obj, pikepdf.Array):
        entries = list(enumerate(obj))
    else:
        return
    for key, value in entries:
        if not isinstance(value, pikepdf.Object):
            continue
        if value.is_indirect:
            if value.objgen in replaced:
                obj[key] = replaced[value.objgen]
        elif isinstance(value, (pikepdf.Dictionary, pikepdf.Array)):
            _repoint(value, replaced)


_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _subset_tag(digest: bytes) -> str:
    """Six uppercase letters from a font program's digest."""
    number = int.from_bytes(digest[:8], "big")
    letters = []
    for _ in range(6):
        number, letter = divmod(number, 26)
        letters.append(chr(ord("A") + letter))
    return "".join(letters)


def _retag(name: pikepdf.Name, tag: str) -> pikepdf.Name:
    """`name` (`/ABCDEF+Face` or `/Face`) under the subset tag `tag`."""
    base = str(name)[1:]
    if len(base) > 7 and base[6] == "+" and base[:6].isalpha() and base[:6].isupper():
        base = base[7:]
    return pikepdf.Name(f"/{tag}+{base}")


def _tag_fonts(out: pikepdf.Pdf) -> None:
    """Each piece and folio sample embeds its own subset of a face, and WeasyPrint names every
    subset of a face alike: one name for different programs in one PDF, which a RIP may take for
    one font. Give each distinct font program a subset tag made from its bytes (on the font's
    /BaseFont, its CIDFont's and its descriptor's /FontName), and keep one object for identical
    programs."""
    programs: dict[bytes, pikepdf.Object] = {}  # digest of a font program -> the one stream kept
    tags: dict[str, bytes] = {}  # subset tag -> the digest it was made from
    tag_of: dict[bytes, str] = {}
    descriptors: dict[tuple[int, int], str] = {}  # objgen of a FontDescriptor -> its program's tag
    fonts = []
    for obj in out.objects:  # in object-number order: the same order for the same assembly
        if not isinstance(obj, pikepdf.Dictionary):
            continue
        kind = obj.get("/Type")
        if kind == pikepdf.Name.Font:
            fonts.append(obj)
        if kind != pikepdf.Name.FontDescriptor:
            continue
        for key in _FONT_FILES:
            stream = obj.get(key)
            if stream is None:
                continue
            digest = hashlib.sha256(stream.read_bytes()).digest()
            if digest not in tag_of:
                programs[digest] = stream
                salt = 0
                tag = _subset_tag(digest)
                while tag in tags:  # two programs, one tag: unlikely, but never allowed
                    salt += 1
                    tag = _subset_tag(hashlib.sha256(digest + salt.to_bytes(4, "big")).digest())
                tags[tag], tag_of[digest] = digest, tag
            obj[key] = programs[digest]
            descriptors[obj.objgen] = tag_of[digest]
            if "/FontName" in obj:
                obj.FontName = _retag(obj.FontName, tag_of[digest])
            break
    for font in fonts:
        descendants = font.get("/DescendantFonts")
        member = descendants[0] if descendants is not None and len(descendants) else font
        descriptor = member.get("/FontDescriptor")
        if descriptor is None or descriptor.objgen not in descriptors:
            continue
        tag = descriptors[descriptor.objgen]
        for named in {id(font): font, id(member): member}.values():
            if "/BaseFont" in named:
                named.BaseFont = _retag(named.BaseFont, tag)


def _link_pieces(out: pikepdf.Pdf) -> None:
    """Turn the links the layout wrote as `PIECES_URL#id` into links to the named destination `id`."""
    for page in out.pages:
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(PIECES_URL + "#"):
                del annot.A
                annot.Dest = pikepdf.String(uri[len(PIECES_URL) + 1:])


def _named_destinations(out: pikepdf.Pdf, pieces: list[Piece], source, placed: dict[tuple[int, int], int]) -> None:
    """Every piece's named destinations, pointed at the piece's pages in `out`, in one sorted list."""
    entries = []
    pages = list(out.pages)  # indexing `out.pages` walks the page tree each time
    for piece in pieces:
        pdf = source(piece.laid)
        index = {page.objgen: number for number, page in enumerate(pdf.pages)}
        names = pdf.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
        for name, dest in zip(names[::2], names[1::2]):
            target = pages[placed[id(piece), index[dest[0].objgen]]].obj
            entries.append((bytes(name), pikepdf.Array([target, *dest[1:]])))
    entries.sort(key=lambda entry: entry[0])
    flat = pikepdf.Array()
    for name, dest in entries:
        flat.append(pikepdf.String(name))
        flat.append(dest)
    out.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=flat))


def _outline(out: pikepdf.Pdf, sequence: list) -> None:
    """One outline for the book, nested across pieces as WeasyPrint nests one document's (with its
    own function: WeasyPrint is loaded by now, the layout having used it)."""
    from weasyprint.matrix import Matrix
    from weasyprint.anchors import make_page_bookmark_tree

    root: list = []
    skipped: list[int] = []
    last_by_depth = [root]
    level = 0
    for number, (_, _, piece, index) in enumerate(sequence):
        if piece is None:
            continue
        page = piece.laid.pages[index]
        matrix = Matrix(a=PT_PER_PX, d=-PT_PER_PX, f=page.height * PT_PER_PX)
        level = make_page_bookmark_tree(SimpleNamespace(bookmarks=page.bookmarks), skipped, last_by_depth, level,
                                        number, matrix)  # fmt: skip

    def items(tree: list) -> list[pikepdf.OutlineItem]:
        made = []
        for title, (page_number, x, y), children, state in tree:
            item = pikepdf.OutlineItem(title, page_number, pikepdf.PageLocation.XYZ, left=x, top=y, zoom=0)
            item.children.extend(items(children))
            item.is_closed = state == "closed"
            made.append(item)
        return made

    with out.open_outline() as outline:
        outline.root.extend(items(root))


def write_pdf(book: Book, out_dir: Path, diagnostics: Diagnostics, artifacts: Artifacts) -> list[Path]:
    out = out_dir / f"{book.metadata.slug}.pdf"
    write_atomic(out, pdf_document(book, artifacts.layout))
    return [out]
