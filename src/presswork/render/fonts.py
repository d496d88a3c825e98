"""The book face: which characters it lacks, and subsets of it holding only what the book uses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb
from fontTools.ttLib import TTFont

from ..errors import Diagnostics, Location
from ..model import Book

FONT_DIR = Path(__file__).parent.parent / "fonts"
FAMILY = "Linux Libertine"


@dataclass(frozen=True)
class Face:
    file: str
    weight: str
    style: str


FACES = (
    Face("LinLibertine_R.otf", "normal", "normal"),
    Face("LinLibertine_RI.otf", "normal", "italic"),
    Face("LinLibertine_RB.otf", "bold", "normal"),
    Face("LinLibertine_RBI.otf", "bold", "italic"),
)
# Characters a reading system draws itself or that carry no glyph.
NO_GLYPH = {0x09, 0x0A, 0x0D, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}


@lru_cache(maxsize=None)
def coverage(face: Face = FACES[0]) -> frozenset[int]:
    with TTFont(FONT_DIR / face.file, lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_characters(text: str) -> list[str]:
    """Characters of `text` that the regular face has no glyph for, in order of code point."""
    have = coverage()
    return sorted({ch for ch in set(text) if ord(ch) not in have and ord(ch) not in NO_GLYPH})


def subset_face(face: Face, characters: set[str]) -> bytes:
    """The face cut down to `characters` (and printable ASCII) by HarfBuzz's subsetter, which
    is a hundred times faster than fontTools' and keeps the font's own timestamps, so the bytes
    are reproducible; every layout feature and name stays."""
    subset_input = hb.SubsetInput()
    for code in {ord(c) for c in characters} | set(range(0x20, 0x7F)):
        subset_input.unicode_set.add(code)
    subset_input.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG).invert()  # an empty set inverted: all
    subset_input.sets(hb.SubsetInputSets.NAME_ID).invert()
    subset_input.flags = hb.SubsetFlags.NOTDEF_OUTLINE
    result = hb.subset(_hb_face(face), subset_input)
    if result is None:
        raise RuntimeError(f"HarfBuzz could not subset {face.file}")
    return bytes(result.blob.data)


@lru_cache(maxsize=None)
def _hb_face(face: Face) -> hb.Face:
    return hb.Face(hb.Blob.from_file_path(str(FONT_DIR / face.file)))


def glyph_gaps(book: Book) -> Iterator[tuple[str, Location]]:
    """Each character of book.yaml and the chapters that the book face lacks, once per file, at its first line."""
    for source, text in book.texts.items():
        for char in missing_characters(text):
            yield char, Location(source, text.count("\n", 0, text.find(char)) + 1)


def check_glyphs(book: Book, diagnostics: Diagnostics) -> None:
    """Warn, once per character and file, about text the book face cannot show."""
    for char, where in glyph_gaps(book):
        diagnostics.warn(
            f"the book face {FAMILY} has no glyph for {char!r} (U+{ord(char):04X})",
            where,
            "readers will see a fallback font; replace the character or accept the fallback",
            "F001",
        )
