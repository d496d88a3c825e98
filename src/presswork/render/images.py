"""Images as the e-books carry them. A CMYK JPEG (YCCK ones included: Pillow decodes both as
CMYK) is right for PDF/X print but wrong for reading systems and KDP, which expect RGB and show
CMYK with wrong colours or not at all; the e-books and the digital PDF get an sRGB copy, the print PDF the original."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image, ImageCms, UnidentifiedImageError

JPEG_QUALITY = 92
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def ebook_image(path: Path) -> bytes:
    """The file's bytes, or, for a CMYK image, an sRGB JPEG made from it (the same bytes every build)."""
    return screen_image(path.read_bytes())


def screen_image(data: bytes) -> bytes:
    """An image file's bytes as `ebook_image` gives them, for a product that reads the file itself
    (the digital PDF's layout, through its fetcher). An SVG, which Pillow cannot open, has no pixels
    to convert: it stays as it is (the loader has checked every raster image)."""
    try:
        opened = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        return data
    with opened as image:
        if image.mode != "CMYK":
            return data
        return rgb_jpeg(image)


def rgb_jpeg(image: Image.Image) -> bytes:
    """`image` as an sRGB JPEG: through the ICC profile it embeds, if any, so that its colours keep
    what the designer saw; a plain conversion when it has none or the profile cannot be read."""
    out = io.BytesIO()
    rgb(image).save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def rgb(image: Image.Image) -> Image.Image:
    embedded = image.info.get("icc_profile")
    if image.mode == "CMYK" and embedded:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(embedded))
            return ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
        except (OSError, ImageCms.PyCMSError):
            pass  # a broken profile: the plain conversion below
    return image.convert("RGB")


def image_name(src: Path, taken: set[str], suffix: str | None = None) -> str:
    """The name under images/ that a product gives the book's image `src` (a path inside the book,
    as the loader resolved it, so no part of it climbs out): only characters every reading system
    and web server takes, `suffix` in place of its own when the product converts it, and a number
    added when another image already took the name in any case (Plate.png and plate.png are one
    file on macOS and Windows disks, and EPUBCheck refuses them: OPF-060)."""
    clean = re.sub(r"[^A-Za-z0-9._/-]", "-", src.as_posix())
    if suffix:
        clean = str(Path(clean).with_suffix(suffix))
    if not clean.startswith("images/"):
        clean = "images/" + clean
    stem, n, folded = clean, 1, {name.casefold() for name in taken}
    while clean.casefold() in folded:
        n += 1
        clean = re.sub(r"(\.[^./]+)?$", rf"-{n}\1", stem, count=1)
    return clean
