"""Covers made from the manuscript's cover art and metadata: the stores' retail JPEG and the
printer's cover wrap (back, spine and front, with bleed and an ISBN barcode), in the printer's inks
by the interior's own PDF/X route (`pdf.conform`)."""

from __future__ import annotations

import base64
import io
import re

import barcode
import pikepdf
from PIL import Image, ImageOps, ImageStat
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ..files.output import pdf_bytes
from ..load.printopts import profile_space
from ..model import STANDARD_BLEED, Book
from ..pdf.conform import LEVELS, conform
from ..render import fonts
from ..render.cover import SIZE as RETAIL_SIZE
from ..render.cover import jpeg, typographic_cover
from ..render.images import rgb
from ..render.xhtml import escape
from ..text.typography import smarten_string

SPINE_TEXT_MIN_PAGES = 80  # KDP prints spine text only on books of more than 79 pages
SAFE = 0.375  # inches: text keeps this far inside the trim
SPINE_SAFE = 0.0625  # inches: spine text keeps this far from each fold (KDP's figure)
MODULE = 0.0157  # inches: an EAN-13 module (0.40 mm, 121 % of nominal), 95 of them a symbol
# A wrap beside a PDF/X interior is that PDF/X; any other goes the X-1a way, undeclared: CMYK or grey,
# no transparency, PDF 1.4, which every printer's cover specification takes
UNDECLARED = "pdf/x-1a"


def cover_art(book: Book) -> Image.Image:
    """The manuscript's cover image, or the typographic cover every product of the book carries."""
    meta = book.metadata
    if meta.cover:
        with Image.open(book.root / meta.cover) as image:
            return rgb(image)  # a CMYK cover through its ICC profile, as in the EPUBs
    return typographic_cover(book)


def retail_cover(book: Book) -> bytes:
    """RGB JPEG, 1600 × 2560 px, cropped from the centre of the art if its proportions differ."""
    return jpeg(ImageOps.fit(cover_art(book), RETAIL_SIZE, Image.Resampling.LANCZOS))


def barcode_html(isbn: str) -> str:
    """The EAN-13 symbol of an ISBN-13 as filled boxes (no image, no transparency group), in black
    alone so that it prints on the K plate at 100 %, its digits beneath in the book face."""
    symbol = barcode.get("ean13", isbn[:12])
    modules, digits = symbol.build()[0], symbol.get_fullcode()
    bars = "".join(
        f'<i class="bar{" guard" if m.start() in (0, 2, 46, 48, 92, 94) else ""}" style="left: {(11 + m.start()) * MODULE:.4f}in; '
        f'width: {len(m.group()) * MODULE:.4f}in"></i>'
        for m in re.finditer("1+", modules)
    )
    groups = ((digits[0], 0, 10), (digits[1:7], 14, 42), (digits[7:], 61, 42))
    text = "".join(f'<span class="digits" style="left: {start * MODULE:.4f}in; width: {width * MODULE:.4f}in">{group}</span>'
                   for group, start, width in groups)  # fmt: skip
    return f'<div class="barcode" role="img" aria-label="ISBN {digits}">{bars}{text}</div>'


def wrap_size(book: Book, pages: int) -> tuple[float, float, float]:
    """(width, height, spine) of the cover wrap in inches, bleed included: a wrap always bleeds,
    whatever the interior does, since its art runs off every edge."""
    opts = book.print
    spine = opts.spine(pages)
    return 2 * opts.width + spine + 2 * STANDARD_BLEED, opts.height + 2 * STANDARD_BLEED, spine


def cover_wrap(book: Book, pages: int) -> bytes:
    """One PDF page: back cover, spine and front cover side by side, with the standard bleed: the
    TrimBox the two covers and the spine, the BleedBox and MediaBox the sheet. Drawn in RGB, then
    put in the printer's inks as the interior is (`conform`): the interior's PDF/X, with its output
    intent, when it has one, else the same conversion undeclared."""
    meta, opts = book.metadata, book.print
    variant = opts.pdf_variant if opts.pdf_variant in LEVELS else None
    width, height, spine = wrap_size(book, pages)
    art = cover_art(book)
    front_w, front_h = opts.width + STANDARD_BLEED, opts.height + 2 * STANDARD_BLEED
    front = ImageOps.fit(art, (round(front_w * 300), round(front_h * 300)), Image.Resampling.LANCZOS)
    background = tuple(int(c) for c in ImageStat.Stat(art.resize((64, 64))).mean[:3])
    ink = "#111" if sum(background) / 3 > 140 else "#f4ecd8"
    lang = meta.language
    title = escape(smarten_string(meta.title, lang))
    authors = escape(", ".join(a.name for a in meta.authors))
    back = [f'<p class="back-title">{title}</p>']
    if meta.description:
        back.append(f'<p class="blurb">{escape(smarten_string(meta.description, lang))}</p>')
    if meta.publisher:
        back.append(f'<p class="imprint">{escape(meta.publisher)}</p>')
    code = barcode_html(meta.isbn_paperback) if meta.isbn_paperback else ""
    spine_text = ""
    if pages >= SPINE_TEXT_MIN_PAGES:
        spine_text = f'<div class="spine-text"><span class="t">{title}</span><span class="a">{authors}</span></div>'
    html = f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} — cover</title></head><body>
<div class="back">{''.join(back)}{code}</div>
<div class="spine">{spine_text}</div>
<img class="front" src="{_data_uri(_jpeg(front), 'image/jpeg')}" alt="">
</body></html>"""
    face = (fonts.FONT_DIR / fonts.FACES[0].file).as_uri()
    line = spine - 2 * SPINE_SAFE  # the spine's safe area, across: one line of spine text, set solid
    profile = ""
    if variant and opts.output_profile:
        path = book.root / opts.output_profile
        components = "cyan, magenta, yellow, black" if profile_space(path) == "CMYK" else "gray"
        profile = f'@color-profile device-cmyk {{ src: url("{_data_uri(path.read_bytes(), "application/vnd.iccprofile")}"); components: {components}; }}'
    css = f"""
@font-face {{ font-family: Book; src: url("{face}"); }}
@page {{ size: {width:.4f}in {height:.4f}in; margin: 0; }}
html, body {{ margin: 0; padding: 0; font-family: Book; }}
body {{ position: relative; width: {width:.4f}in; height: {height:.4f}in; background: rgb{background}; color: {ink}; }}
.back {{ position: absolute; left: {STANDARD_BLEED + SAFE}in; top: {STANDARD_BLEED + SAFE}in; width: {opts.width - 2 * SAFE:.4f}in;
        height: {opts.height - 2 * SAFE:.4f}in; }}
.back-title {{ font-size: 20pt; margin: 0.4in 0 0.3in; }}
.blurb {{ font-size: 11pt; line-height: 15pt; text-align: justify; hyphens: auto; }}
.imprint {{ position: absolute; bottom: 0.1in; left: 0; font-size: 10pt; letter-spacing: 0.05em; }}
.barcode {{ position: absolute; right: 0; bottom: 0; background: white; width: {113 * MODULE:.4f}in; height: 1.05in; }}
.barcode .bar {{ position: absolute; top: 0.08in; height: 0.75in; background: black; }}
.barcode .guard {{ height: 0.83in; }}
.barcode .digits {{ position: absolute; top: 0.84in; text-align: center; font-size: 9pt; line-height: 1; color: black; letter-spacing: 0.08em; }}
.spine {{ position: absolute; left: {STANDARD_BLEED + opts.width:.4f}in; top: 0; width: {spine:.4f}in; height: {height:.4f}in; }}
.spine-text {{ position: absolute; left: 50%; top: 50%; width: {opts.height - 2 * SAFE:.4f}in; height: {line:.4f}in;
              margin-left: -{(opts.height - 2 * SAFE) / 2:.4f}in; margin-top: -{line / 2:.4f}in;
              transform: rotate(90deg); text-align: center; white-space: nowrap;
              font-size: {min(11, line * 72 * 0.75):.1f}pt; line-height: {line:.4f}in; }}
.spine-text .a {{ margin-left: 0.4in; }}
.front {{ position: absolute; right: 0; top: 0; width: {front_w:.4f}in; height: {front_h:.4f}in; }}
{profile}
"""
    font_config = FontConfiguration()
    colours: dict = {}
    document = HTML(string=html, url_fetcher=_FontsOnly()).render(
        stylesheets=[CSS(string=css, font_config=font_config, color_profiles=colours, url_fetcher=_FontsOnly())],
        font_config=font_config, color_profiles=colours,
    )
    drawn = _trimmed(pdf_bytes(document, str(meta), meta.date, variant))
    return conform(drawn, variant or UNDECLARED)


def _trimmed(data: bytes) -> bytes:
    """`data` with its page's TrimBox the covers and spine (the sheet less the bleed on every side)
    and its BleedBox the sheet."""
    pdf = pikepdf.open(io.BytesIO(data))
    page = pdf.pages[0].obj
    x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
    bleed = STANDARD_BLEED * 72
    page.BleedBox = pikepdf.Array([x0, y0, x1, y1])
    page.TrimBox = pikepdf.Array([x0 + bleed, y0 + bleed, x1 - bleed, y1 - bleed])
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


class _FontsOnly(URLFetcher):
    """The wrap embeds its images; it may only read presswork's own fonts."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"})

    def fetch(self, url: str, headers: dict | None = None):
        if url.startswith("file:") and not url.startswith(fonts.FONT_DIR.resolve().as_uri()):
            raise ValueError(f"{url} is not one of presswork's fonts")
        return super().fetch(url, headers)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def _data_uri(data: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"
