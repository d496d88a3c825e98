"""Images as the e-books carry them. A CMYK JPEG (YCCK ones included: Pillow decodes both as
CMYK) is right for PDF/X print but wrong for reading systems and KDP, which expect RGB and show
CMYK with wrong colours or not at all; the e-books get an sRGB copy, the print PDF the original."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageCms

JPEG_QUALITY = 92
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def ebook_image(path: Path) -> bytes:
    """The file's bytes, or, for a CMYK image, an sRGB JPEG made from it (the same bytes every build)."""
    data = path.read_bytes()
    with Image.open(io.BytesIO(data)) as image:
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
