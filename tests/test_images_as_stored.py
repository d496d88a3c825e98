"""Figures written into the print PDF from their files' compressed samples (weasy/layout.py,
`images_written_as_stored`): a PNG of 8-bit grey or RGB samples, not interlaced, is not decoded and
encoded again, yet its image in the PDF holds the file's very pixels; any other image goes through
WeasyPrint's own encoding, with the same pixels as before. The image of a placeholder figure is
marked (`images_marked`) wherever it is stored."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from presswork.weasy import layout as weasy


def written(tmp_path: Path, image: Image.Image, name: str = "figure.png", marks: dict[str, str] | None = None,
            **save: object) -> tuple[pikepdf.Stream, bytes]:  # fmt: skip
    """The image XObject WeasyPrint writes of `image` saved as `name` with the hooks in place (its
    mask aside), and the file."""
    from weasyprint import HTML

    weasy.images_written_as_stored()
    image.save(tmp_path / name, **save)
    with weasy.images_marked(marks or {}):
        data = HTML(string=f'<p><img src="{name}" style="width: 2in"></p>', base_url=tmp_path.as_uri() + "/").write_pdf()
    PDFS.append(pdf := pikepdf.open(io.BytesIO(data)))  # open while the test reads its objects
    [stored] = pdf.pages[0].Resources.XObject.values()
    return stored, (tmp_path / name).read_bytes()


PDFS: list[pikepdf.Pdf] = []


def gradient(mode: str, size: tuple[int, int] = (64, 48)) -> Image.Image:
    image = Image.new("RGB", size)
    image.putdata([(x * 4 % 256, y * 5 % 256, (x + y) % 256) for y in range(size[1]) for x in range(size[0])])
    return image.convert(mode)


def idat(png: bytes) -> bytes:
    """The concatenated data of a PNG file's IDAT chunks."""
    out, at = b"", 8
    while at < len(png):
        length = int.from_bytes(png[at:at + 4], "big")
        if png[at + 4:at + 8] == b"IDAT":
            out += png[at + 8:at + 8 + length]
        at += 12 + length
    return out


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_an_rgb_or_grey_png_is_written_from_its_files_samples(tmp_path: Path, mode: str) -> None:
    image = gradient(mode, (300, 200))
    stored, png = written(tmp_path, image, compress_level=1)  # not the level Pillow's encoder would use again
    assert stored.read_raw_bytes() == idat(png)
    assert pikepdf.PdfImage(stored).as_pil_image().tobytes() == image.tobytes()


@pytest.mark.parametrize(("mode", "save"), [("RGBA", {}), ("LA", {}), ("P", {})])
def test_other_pngs_are_encoded_by_weasyprint_with_their_pixels(tmp_path: Path, mode: str, save: dict) -> None:
    image = gradient(mode)
    stored, _png = written(tmp_path, image, **save)
    opened = Image.open(tmp_path / "figure.png")
    assert weasy._stored_samples(Stand(opened.format, "RGB" if mode == "P" else mode, (tmp_path / "figure.png").read_bytes())) is None
    colours = "L" if mode == "LA" else "RGB"  # the alpha goes to a mask
    assert pikepdf.PdfImage(stored).as_pil_image().convert(colours).tobytes() == image.convert(colours).tobytes()


class Stand:
    """What `_stored_samples` reads of a WeasyPrint image."""

    def __init__(self, format: str, mode: str, data: bytes, size: tuple[int, int] | None = None):
        self.format, self.mode, self.image_data = format, mode, type("Data", (), {"data": data})()
        self.width, self.height = size or Image.open(io.BytesIO(data)).size


def test_an_interlaced_or_truncated_png_falls_back(tmp_path: Path) -> None:
    image = gradient("RGB")
    image.save(tmp_path / "whole.png")
    png = (tmp_path / "whole.png").read_bytes()
    end = png.rindex(b"IEND") - 4
    broken = png[:end - 8] + png[end:]  # the last IDAT says more bytes than follow it
    assert weasy._stored_samples(Stand("PNG", "RGB", png)) == idat(png)
    assert weasy._stored_samples(Stand("PNG", "RGB", broken, (64, 48))) is None
    interlaced = png[:28] + b"\x01" + png[29:]  # IHDR's last byte (its CRC is not read)
    assert weasy._stored_samples(Stand("PNG", "RGB", interlaced, (64, 48))) is None


def test_a_marked_image_carries_the_key_wherever_it_is_stored(tmp_path: Path) -> None:
    base = tmp_path.as_uri() + "/"
    for mode, name in (("RGB", "a.png"), ("RGBA", "b.png"), ("RGB", "c.jpg")):
        ident = weasy.raster_image_id(name, base)
        stored, _ = written(tmp_path, gradient(mode), name, marks={ident: "PressworkPlaceholder"})
        assert stored.get("/PressworkPlaceholder") is True
        unmarked, _ = written(tmp_path, gradient(mode), name)
        assert "/PressworkPlaceholder" not in unmarked


def test_an_image_written_outside_the_typesetter_is_encoded_by_weasyprint(tmp_path: Path) -> None:
    """The hook, once in place, stores samples only where the print typesetter writes a piece
    (`images_marked`): a screen edition written in the same process after the print book (`build
    pdf digital --jobs 1`) gets WeasyPrint's own encoding, the bytes `build digital` alone gives."""
    from weasyprint import HTML

    image = gradient("RGB", (300, 200))
    image.save(tmp_path / "figure.png", compress_level=1)
    html = HTML(string='<p><img src="figure.png" style="width: 2in"></p>', base_url=tmp_path.as_uri() + "/")
    weasy.images_written_as_stored()
    with weasy.images_marked({}):
        inside = pikepdf.open(io.BytesIO(html.write_pdf()))
    outside = pikepdf.open(io.BytesIO(html.write_pdf()))
    [stored] = inside.pages[0].Resources.XObject.values()
    [encoded] = outside.pages[0].Resources.XObject.values()
    assert stored.read_raw_bytes() == idat((tmp_path / "figure.png").read_bytes())
    assert encoded.read_raw_bytes() != stored.read_raw_bytes()
    assert pikepdf.PdfImage(encoded).as_pil_image().tobytes() == image.tobytes()
