"""Placeholder figures are found in a WeasyPrint PDF by their pixels, whichever way their image is
stored: RGB images digested from their inflated samples (the fast path), others decoded."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from presswork.pdf.placeholders import KEY, _digest, _pdf_digest


def images_in_pdf(tmp_path: Path, files: dict[str, Image.Image]) -> tuple[pikepdf.Pdf, list[pikepdf.Stream]]:
    """The PDF WeasyPrint writes of `files`, and their images in it (their masks aside)."""
    from weasyprint import HTML

    for name, image in files.items():
        image.save(tmp_path / name)
    html = "".join(f'<p><img src="{name}" style="width: 2in"></p>' for name in files)
    pdf = pikepdf.open(io.BytesIO(HTML(string=html, base_url=str(tmp_path) + "/").write_pdf()))
    images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == pikepdf.Name.Image]
    masks = {image.SMask.objgen for image in images if "/SMask" in image}
    return pdf, [image for image in images if image.objgen not in masks]


def gradient(mode: str) -> Image.Image:
    image = Image.new("RGB", (64, 48))
    image.putdata([(x * 4, y * 5, (x + y) % 256) for y in range(48) for x in range(64)])
    return image.convert(mode)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "CMYK"])
def test_pdf_digest_is_the_pixels_digest_of_the_file(tmp_path: Path, mode: str) -> None:
    image = gradient(mode)
    name = "figure.jpg" if mode == "CMYK" else "figure.png"
    _pdf, (stored,) = images_in_pdf(tmp_path, {name: image})
    if mode == "CMYK":  # a JPEG, decoded; lossy, so compared with what the PDF holds, not the file
        assert _pdf_digest(stored) == _digest(pikepdf.PdfImage(stored).as_pil_image())
    else:
        assert _pdf_digest(stored) == _digest(Image.open(tmp_path / name))


def test_pdf_digest_tells_other_pixels_apart(tmp_path: Path) -> None:
    other = gradient("RGB").transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    _pdf, (stored,) = images_in_pdf(tmp_path, {"other.png": other})
    assert _pdf_digest(stored) != _digest(gradient("RGB"))
    assert KEY not in stored
