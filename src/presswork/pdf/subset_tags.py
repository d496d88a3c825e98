"""Subset tags: every distinct embedded font program named by its own bytes, so no two programs in
the assembled PDF share a font name (which a RIP may take for one font), and identical ones are kept once."""

from __future__ import annotations

import hashlib

import pikepdf

_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _subset_tag(digest: bytes) -> str:
    """Six uppercase letters from a font program's digest."""
    number = int.from_bytes(digest[:8], "big")
    letters = []
    for _ in range(6):
        number, letter = divmod(number, 26)
        letters.append(chr(ord("A") + letter))
    return "".join(letters)


def retag(name: pikepdf.Name, tag: str) -> pikepdf.Name:
    """`name` (`/ABCDEF+Face` or `/Face`) under the subset tag `tag`."""
    base = str(name)[1:]
    if len(base) > 7 and base[6] == "+" and base[:6].isalpha() and base[:6].isupper():
        base = base[7:]
    return pikepdf.Name(f"/{tag}+{base}")


def tag_fonts(out: pikepdf.Pdf) -> None:
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
                obj.FontName = retag(obj.FontName, tag_of[digest])
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
                named.BaseFont = retag(named.BaseFont, tag)
