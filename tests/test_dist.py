"""The distribution bundle: names, covers, barcode, ONIX, accessibility report, reproducibility."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from pathlib import Path

import onixcheck
import pypdf
import pytest
import zxingcpp
from click.testing import CliRunner
from conftest import BOOK_YAML, ROOT
from lxml import etree
from PIL import Image

from presswork.cli import main
from presswork.distribution.covers import wrap_size
from presswork.load.book import load_book
from presswork.load.printopts import PrintOptions

ONIX = {"o": "http://ns.editeur.org/onix/3.0/reference"}


def make_dist(root: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["dist", str(root), "--out", str(out), *extra])


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = make_dist(ROOT, out)
    assert result.exit_code == 0, result.output
    return out / "9780000000002"


def test_files_are_named_by_isbn(bundle: Path):
    names = {p.name for p in bundle.iterdir()}
    assert {"9780000000002.epub", "9780000000002_kindle.epub", "9780000000002.kepub.epub", "9780000000002_cover.jpg",
            "9780000000019_interior.pdf", "9780000000019_cover.pdf", "9780000000002_onix.xml", "9780000000019_onix.xml",
            "9780000000002_onix_google.xml", "accessibility-report.md",
            "manifest.json", "checksums.sha256"} <= names


@pytest.mark.parametrize("pages, paper, inches", [(100, "white", 0.2252), (300, "white", 0.6756), (300, "cream", 0.75),
                                                  (828, "white", 1.864656)])  # fmt: skip
def test_spine_width_follows_the_formula(pages, paper, inches):
    assert PrintOptions(paper=paper).spine(pages) == pytest.approx(inches)


def test_cover_wrap_page_size_is_two_trims_spine_and_bleed(bundle: Path):
    book = load_book(ROOT)
    pages = len(pypdf.PdfReader(bundle / "9780000000019_interior.pdf").pages)
    width, height, spine = wrap_size(book, pages)
    assert spine == pytest.approx(pages * 0.002252)
    box = pypdf.PdfReader(bundle / "9780000000019_cover.pdf").pages[0].mediabox
    assert float(box.width) == pytest.approx((2 * 6 + spine + 2 * 0.125) * 72, abs=0.01)
    assert float(box.height) == pytest.approx((9 + 2 * 0.125) * 72, abs=0.01)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm (make system-deps)")
def test_cover_barcode_decodes_to_the_paperback_isbn(bundle: Path, tmp_path: Path):
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(bundle / "9780000000019_cover.pdf"),
                    str(tmp_path / "cover")], check=True)  # fmt: skip
    image = Image.open(tmp_path / "cover.png")
    found = [(r.text, r.format.name) for r in zxingcpp.read_barcodes(image)]
    assert ("9780000000019", "EAN13") in found


def test_retail_cover_size_and_mode(bundle: Path):
    data = (bundle / "9780000000002_cover.jpg").read_bytes()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.mode == "RGB" and image.size == (1600, 2560)
    assert len(data) < 50 * 1024 * 1024


def test_onix_validates_and_describes_both_products(bundle: Path):
    forms = []
    for isbn in ("9780000000002", "9780000000019"):
        assert onixcheck.validate(str(bundle / f"{isbn}_onix.xml")) == []
        record = etree.parse(str(bundle / f"{isbn}_onix.xml"))
        forms += record.xpath("//o:Product/o:DescriptiveDetail/o:ProductForm/text()", namespaces=ONIX)
    assert forms == ["ED", "BC"]
    onix = etree.parse(str(bundle / "9780000000002_onix.xml"))
    assert onix.xpath("//o:Product[1]//o:ProductFormDetail/text()", namespaces=ONIX) == ["E101", "E200"]
    features = onix.xpath("//o:Product[1]//o:ProductFormFeature[o:ProductFormFeatureType='09']/o:ProductFormFeatureValue/text()",
                          namespaces=ONIX)  # fmt: skip
    assert {"04", "82", "85", "19"} <= set(features)
    related = onix.xpath("//o:Product[1]//o:RelatedProduct/o:ProductIdentifier[o:ProductIDType='15']/o:IDValue/text()", namespaces=ONIX)
    assert related == ["9780000000019"]
    roles = onix.xpath("//o:Product[1]//o:Contributor/o:ContributorRole/text()", namespaces=ONIX)
    assert roles == ["A01", "B06", "B01"]


def test_accessibility_report_passes_for_the_sample(bundle: Path):
    report = (bundle / "accessibility-report.md").read_text()
    assert "NEEDS ATTENTION" not in report and "checks passed" in report and "printed pages" in report


def test_manifest_and_checksums_cover_every_file(bundle: Path):
    manifest = json.loads((bundle / "manifest.json").read_text())
    listed = {entry["file"]: entry for entry in manifest["files"]}
    assert set(listed) == {p.name for p in bundle.iterdir()} - {"manifest.json", "checksums.sha256"}
    assert all(entry["role"] and entry["meets"] and entry["bytes"] == (bundle / name).stat().st_size for name, entry in listed.items())
    for line in (bundle / "checksums.sha256").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((bundle / name).read_bytes()).hexdigest() == digest


def test_bundle_is_reproducible_apart_from_calibres_azw3(bundle: Path, tmp_path: Path):
    assert make_dist(ROOT, tmp_path, "-q").exit_code == 0
    again = tmp_path / "9780000000002"
    for path in bundle.iterdir():
        if path.suffix == ".azw3":
            continue
        first, second = path.read_bytes(), (again / path.name).read_bytes()
        if path.name == "manifest.json":  # it lists the AZW3's digest too
            first, second = ([e for e in json.loads(d)["files"] if not e["file"].endswith(".azw3")] for d in (first, second))
        if path.name == "checksums.sha256":  # and so does this, and the manifest's
            first, second = ([l for l in d.splitlines() if b"azw3" not in l and b"manifest" not in l] for d in (first, second))
        assert first == second, path.name


def test_bad_isbn_stops_dist_with_a_clear_message(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace("9780000000002", "9780000000009")})
    result = make_dist(root, tmp_path / "out")
    assert result.exit_code == 1 and "manuscript/book.yaml:6: ISBN 9780000000009 has a wrong check digit" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_book_without_isbn_or_cover_gets_a_slug_bundle_and_a_typographic_cover(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace('isbn: {ebook: "9780000000002"}\n', "")})
    result = make_dist(root, tmp_path)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "a-small-book"
    assert (folder / "a-small-book_cover.jpg").is_file() and (folder / "a-small-book_interior.pdf").is_file()
    assert Image.open(folder / "a-small-book_cover.jpg").size == (1600, 2560)


def test_the_print_blocks_paper_sets_the_spine_and_is_checked(small_book, tmp_path: Path):
    """`print: paper: cream`, as README shows it: the cover wrap's spine, never an unknown value."""
    white, cream = (load_book(small_book({"manuscript/book.yaml": BOOK_YAML + f"print:\n  paper: {paper}\n"})) for paper in ("white", "cream"))
    assert wrap_size(cream, 320)[2] == pytest.approx(0.8) and wrap_size(white, 320)[2] == pytest.approx(0.72064)
    result = make_dist(small_book({"manuscript/book.yaml": BOOK_YAML + "print:\n  paper: glossy\n"}), tmp_path)
    assert result.exit_code == 1 and "manuscript/book.yaml:11: paper 'glossy' is not one of white, cream" in result.output


def test_strict_and_quiet_dist_stops_at_a_warning_and_keeps_the_last_bundle(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace('isbn: {ebook: "9780000000002"}\n', "")})
    assert make_dist(root, tmp_path).exit_code == 0  # warns of the missing ISBN, and makes the bundle
    before = {p.name: p.read_bytes() for p in (tmp_path / "a-small-book").iterdir()}
    result = make_dist(root, tmp_path, "--strict", "-q")
    assert result.exit_code == 1
    assert result.output == ("error: no ISBN, so no ONIX record: stores identify products by ISBN (an error "
                             "because of --strict) — add isbn: {ebook: …, paperback: …} to book.yaml\n")  # fmt: skip
    assert {p.name: p.read_bytes() for p in (tmp_path / "a-small-book").iterdir()} == before
