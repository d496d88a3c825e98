"""The cover of a book that has no cover art: title, subtitle and author set on a plain ground.
Every product takes this one drawing (the EPUB's cover, the AZW3's, the stores' retail JPEG), so a
reader never sees a figure standing in for it, and its bytes are the same on every build."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from ..model import Book
from ..text.typography import smarten_string
from . import fonts

SIZE = (1600, 2560)  # width × height px: KDP's ideal marketing cover, height:width 1.6
QUALITY = 90
_GROUND, _INK = (28, 42, 64), (240, 228, 200)


def typographic_cover(book: Book) -> Image.Image:
    meta = book.metadata
    image = Image.new("RGB", SIZE, _GROUND)
    draw = ImageDraw.Draw(image)
    face = str(fonts.FONT_DIR / fonts.FACES[0].file)
    title_font, subtitle_font, author_font = (ImageFont.truetype(face, size) for size in (130, 76, 80))
    y = 700
    for line in _wrap(smarten_string(meta.title, meta.language), title_font, draw, 1300):
        draw.text((800, y), line, font=title_font, fill=_INK, anchor="mm")
        y += 160
    for line in _wrap(smarten_string(meta.subtitle, meta.language), subtitle_font, draw, 1300) if meta.subtitle else []:
        draw.text((800, y + 40), line, font=subtitle_font, fill=_INK, anchor="mm")
        y += 100
    draw.text((800, 2200), ", ".join(a.name for a in meta.authors), font=author_font, fill=_INK, anchor="mm")
    return image


def _wrap(text: str, font: ImageFont.FreeTypeFont, draw: ImageDraw.ImageDraw, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split(" "):
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) > width and line:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line]


def jpeg(image: Image.Image) -> bytes:
    """An RGB JPEG, the same bytes for the same image (Pillow writes no date into it)."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()


def generated_cover(book: Book) -> bytes:
    """The typographic cover as the JPEG every product carries."""
    return jpeg(typographic_cover(book))
