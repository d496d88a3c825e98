"""CMYK images (render/images.py): the EPUB and the Kindle EPUB carry sRGB copies, the print PDF
the CMYK file, and `check` says so at the figure's line."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import BOOK_YAML, build, problems, run_epubcheck
from PIL import Image

from presswork.check.book import check_book
from presswork.distribution.covers import cover_art
from presswork.load.book import load_book
from presswork.render.images import ebook_image

GS_CMYK = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
CHAPTER = "# One\n\nA plate follows.\n\n![A press in cyan ink](images/plate.jpg)\n"
CYAN = (255, 0, 0, 0)  # full cyan ink, no other


def cmyk_jpeg(path: Path, profile: bytes | None = None, size: tuple[int, int] = (40, 30)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("CMYK", size, CYAN).save(path, "JPEG", quality=95, **({"icc_profile": profile} if profile else {}))


@pytest.fixture
def cmyk_book(small_book):
    root = small_book({"manuscript/book.yaml": BOOK_YAML + "cover: images/cover.jpg\n", "manuscript/chapters/one.md": CHAPTER})
    cmyk_jpeg(root / "images/plate.jpg")
    cmyk_jpeg(root / "images/cover.jpg", size=(160, 256))
    return root


def images_in(epub: Path) -> dict[str, Image.Image]:
    with zipfile.ZipFile(epub) as archive:
        return {name: Image.open(io.BytesIO(archive.read(name))) for name in archive.namelist() if name.endswith(".jpg")}


def test_the_epubs_carry_rgb_copies_of_cmyk_images(cmyk_book, tmp_path: Path, monkeypatch):
    assert build(cmyk_book, "--out", str(tmp_path / "a"), "-q", fmt="epub").exit_code == 0
    with monkeypatch.context() as patch:
        patch.setenv("PATH", "/nonexistent")  # no calibre: the Kindle EPUB alone
        assert build(cmyk_book, "--out", str(tmp_path / "a"), "-q", fmt="kindle").exit_code == 0
    for epub in ("a-small-book.epub", "a-small-book-kindle.epub"):
        images = images_in(tmp_path / "a" / epub)
        assert set(images) == {"EPUB/images/plate.jpg", "EPUB/images/cover.jpg"}
        assert {name: (image.format, image.mode) for name, image in images.items()} == dict.fromkeys(images, ("JPEG", "RGB"))
    assert problems(run_epubcheck(tmp_path / "a/a-small-book.epub", tmp_path)) == []
    assert build(cmyk_book, "--out", str(tmp_path / "b"), "-q", fmt="epub").exit_code == 0
    assert (tmp_path / "a/a-small-book.epub").read_bytes() == (tmp_path / "b/a-small-book.epub").read_bytes()


def test_the_print_pdf_keeps_the_cmyk_image(cmyk_book):
    assert build(cmyk_book, "-q", fmt="pdf").exit_code == 0
    with pikepdf.open(cmyk_book / "build/a-small-book.pdf") as pdf:
        spaces = [obj.get("/ColorSpace") for obj in pdf.objects
                  if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == pikepdf.Name.Image]  # fmt: skip
    assert spaces and all(space == pikepdf.Name.DeviceCMYK or int(space[1].N) == 4 for space in spaces), spaces


def test_check_names_each_cmyk_image_with_where_it_is_used(cmyk_book):
    found = [(p.file, p.line, p.message) for p in check_book(cmyk_book) if p.code == "I007"]
    assert ("manuscript/chapters/one.md", 5, "CMYK image: e-book readers and KDP expect RGB: images/plate.jpg is CMYK") in found
    assert any(file == "images/cover.jpg" and "the cover images/cover.jpg is CMYK" in message for file, _, message in found)
    assert len(found) == 2


@pytest.mark.skipif(not GS_CMYK.exists(), reason="needs a CMYK ICC profile: apt-get install libgs-common")
def test_an_embedded_profile_governs_the_conversion(tmp_path: Path):
    """Full cyan ink is a muted sky blue on paper, not the screen's pure (0, 255, 255) a plain
    conversion gives: the printer's profile says what the ink looks like."""
    cmyk_jpeg(tmp_path / "plain.jpg")
    cmyk_jpeg(tmp_path / "profiled.jpg", GS_CMYK.read_bytes())
    plain, profiled = (Image.open(io.BytesIO(ebook_image(tmp_path / f"{n}.jpg"))).getpixel((20, 15)) for n in ("plain", "profiled"))
    assert plain[0] < 10 and plain[1] > 245 and plain[2] > 245
    assert profiled[0] < 60 and 120 < profiled[1] < 200 and profiled[2] > 200, profiled


def test_an_rgb_image_goes_in_unchanged(tmp_path: Path):
    Image.new("RGB", (10, 10), "red").save(tmp_path / "red.jpg")
    assert ebook_image(tmp_path / "red.jpg") == (tmp_path / "red.jpg").read_bytes()


@pytest.mark.skipif(not GS_CMYK.exists(), reason="needs a CMYK ICC profile: apt-get install libgs-common")
def test_the_retail_cover_takes_a_cmyk_cover_through_its_profile_too(cmyk_book):
    cmyk_jpeg(cmyk_book / "images/cover.jpg", GS_CMYK.read_bytes(), size=(160, 256))
    red, green, blue = cover_art(load_book(cmyk_book)).getpixel((80, 128))
    assert red < 60 and 120 < green < 200 and blue > 200, (red, green, blue)
