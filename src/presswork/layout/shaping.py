"""Text measured as WeasyPrint will set it, for total-fit line breaking: Pango shapes with HarfBuzz,
so HarfBuzz on the same shipped faces gives the same advances (small capitals as the face's `smcp`
glyphs, as `font-variant: small-caps` asks Pango for them); and a word's hyphenation points as
pyphen (WeasyPrint's own hyphenator) gives them for the word's language."""

from __future__ import annotations

from functools import cache

import pyphen
import uharfbuzz as hb

from ..render import fonts


def _face(italic: bool, bold: bool) -> fonts.Face:
    return next(f for f in fonts.FACES if (f.style == "italic") == italic and (f.weight == "bold") == bold)


@cache
def _font(italic: bool, bold: bool) -> hb.Font:
    return hb.Font(hb.Face(hb.Blob.from_file_path(str(fonts.FONT_DIR / _face(italic, bold).file))))


@cache
def shaped(text: str, italic: bool = False, bold: bool = False, caps: bool = False) -> tuple[float, int]:
    """`text`'s advance in ems of the face and its number of glyphs (what letter-spacing adds to)
    (HarfBuzz gives no positions for an empty buffer)."""
    if not text:
        return 0.0, 0
    font = _font(italic, bold)
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {"smcp": True} if caps else {})
    return sum(p.x_advance for p in buffer.glyph_positions) / font.face.upem, len(buffer.glyph_infos)


def width(text: str, size: float, italic: bool = False, bold: bool = False, caps: bool = False) -> float:
    """`text`'s advance in points at `size` points."""
    return shaped(text, italic, bold, caps)[0] * size


@cache
def _coverage(italic: bool, bold: bool) -> frozenset[int]:
    return fonts.coverage(_face(italic, bold)) | fonts.NO_GLYPH


def covered(text: str, italic: bool, bold: bool) -> bool:
    """Whether the face has every character of `text`: one it lacks is drawn from a fallback font
    whose advances this module does not know."""
    return _coverage(italic, bold).issuperset(map(ord, text))


@cache
def hyphenator(lang: str) -> pyphen.Pyphen | None:
    """pyphen's patterns for `lang` (or the nearest language it has), None where it has none."""
    return pyphen.Pyphen(lang=lang) if lang and pyphen.language_fallback(lang) else None


def prepare(lang: str) -> None:
    """Read now what measuring text in `lang` reads once a process (each face, its coverage, the
    language's hyphenation patterns: a tenth of a second), so that a layout worker, which reads it
    as it starts, sets its first piece, and watch's first rebuild, as fast as the next ones."""
    for italic in (False, True):
        for bold in (False, True):
            _font(italic, bold)
            _coverage(italic, bold)
    hyphenator(lang)
