"""Subset merging: the pieces' subsets of one book face cut again as one subset holding every
glyph, so the assembled PDF embeds each face once rather than once a piece."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import pikepdf
import uharfbuzz as hb

from ..errors import PressworkError
from ..weasy import output as weasy
from .faces import book_faces, cid_widths, face_identity

_CMAP_HEAD = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
              b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
              b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange",
              b"<0000> <ffff>", b"endcodespacerange"]  # fmt: skip
_CMAP_TAIL = [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]


@lru_cache(maxsize=8)  # a rebuild in watch whose edit used no new glyph cuts nothing again
def _subset(face: bytes, glyphs: tuple[int, ...]) -> bytes | None:
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


def merge_subsets(out: pikepdf.Pdf) -> None:
    """Every piece and folio sample embeds its own subset of each book face. Cut one subset of each
    face holding every glyph any of them uses (WeasyPrint keeps glyph ids, so each piece's text
    draws the same glyphs from it), with one width array and one ToUnicode map, and point every
    font resource at that one font. Fonts that are not the book's faces are left as they are. (A
    piece embeds a stand-in for a book face, `embedding.stand_in`, never read here.)"""
    faces = book_faces()
    groups: dict[tuple, list[pikepdf.Dictionary]] = {}
    for obj in weasy.subset_fonts(out):
        identity = face_identity(obj.DescendantFonts[0].FontDescriptor.FontFile3.read_bytes())
        if identity in faces:
            groups.setdefault(identity, []).append(obj)
    replaced: dict[tuple[int, int], pikepdf.Object] = {}
    for identity in sorted(groups, key=repr):
        members = groups[identity]
        widths: dict[int, object] = {}
        to_unicode: dict[int, bytes] = {}
        maps = [weasy.to_unicode(font.ToUnicode) for font in members]
        if any(m is None for m in maps):
            _unmerged(identity)
            continue
        for font, cmap in zip(members, maps):
            for cid, width in cid_widths(font.DescendantFonts[0].W).items():
                widths.setdefault(cid, width)
            for cid, text in cmap.items():
                to_unicode.setdefault(cid, text)
        glyphs = tuple(sorted(set(widths) | set(to_unicode) | {0}))
        program = _subset(faces[identity], glyphs)
        if program is None:
            _unmerged(identity)
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
    for fonts in _font_resources(out) if replaced else ():
        for name, font in list(fonts.items()):
            if font.is_indirect and font.objgen in replaced:
                fonts[name] = replaced[font.objgen]


def _unmerged(identity: tuple) -> None:
    """A face whose pieces' subsets are left as they are: pieces embed a stand-in, not a subset,
    and that is no PDF to print (never seen: WeasyPrint writes its ToUnicode maps as `to_unicode`
    reads them, and HarfBuzz cuts the shipped faces)."""
    raise PressworkError(f"cannot embed the book face {identity[0]}: its glyphs could not be gathered into one subset", None,
                         "report this as a bug in presswork, with the book")  # fmt: skip


def _number(x: float) -> int | float:
    return int(x) if x == int(x) else x


def _font_resources(out: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every /Font resource dictionary the pages of `out` draw with: their resources' and those of
    the forms, patterns and annotation appearances they hold (a bounded depth), each once."""
    seen: set[tuple[int, int]] = set()

    def walk(resources: pikepdf.Object | None, depth: int) -> Iterator[pikepdf.Dictionary]:
        if not isinstance(resources, pikepdf.Dictionary) or depth > 12:
            return
        if resources.is_indirect:
            if resources.objgen in seen:
                return
            seen.add(resources.objgen)
        if isinstance(fonts := resources.get("/Font"), pikepdf.Dictionary):
            yield fonts
        for kind in ("/XObject", "/Pattern"):
            for item in (resources.get(kind) or {}).values():
                if isinstance(item, (pikepdf.Stream, pikepdf.Dictionary)):
                    yield from walk(item.get("/Resources"), depth + 1)

    for page in out.pages:
        yield from walk(page.obj.get("/Resources"), 0)
        for annot in page.obj.get("/Annots") or []:
            for appearance in (annot.get("/AP") or {}).values():
                streams = appearance.values() if isinstance(appearance, pikepdf.Dictionary) else [appearance]
                for stream in streams:
                    if isinstance(stream, pikepdf.Stream):
                        yield from walk(stream.get("/Resources"), 1)
