"""Accessibility: DAISY Ace finds no violation in our EPUBs, and the claims every product makes
(EPUB metadata, dist report, ONIX) follow what the book holds."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, build
from lxml import etree
from PIL import Image

from presswork.distribution.a11y_report import check_epub
from presswork.distribution.onix import a11y_codes
from presswork.legacy.importer import import_legacy
from presswork.load.book import load_book
from presswork.package.a11y import CONFORMANCE, book_claims

CORPUS = ROOT.parent / "shared" / "corpus" / "legacy-export-excerpt.txt"
CHROMIUM = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ACE_MISSING = (
    "DAISY Ace is not installed" if shutil.which("ace-puppeteer") is None
    else None if Path(CHROMIUM).exists() else f"no chromium at {CHROMIUM} for Ace"
)  # fmt: skip
NS = {"opf": "http://www.idpf.org/2007/opf"}


def ace_violations(epub: Path, out: Path) -> list[str]:
    """Ace's violations in `epub`, one line each (rule, impact, file)."""
    if ACE_MISSING:
        if os.environ.get("CI"):  # CI installs Ace with `make system-deps`: there it must run
            pytest.fail(f"{ACE_MISSING}; `make system-deps` installs it")
        pytest.skip(f"{ACE_MISSING} (make system-deps installs it)")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM}
    result = subprocess.run(["ace-puppeteer", "--silent", "--force", "--outdir", str(out), str(epub)],
                            capture_output=True, text=True, env=env, timeout=600, check=False)  # fmt: skip
    assert (out / "report.json").exists(), result.stdout + result.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return [f"{a['earl:test']['dct:title']} ({a['earl:test']['earl:impact']}) in {doc['earl:testSubject']['url']}"
            for doc in report["assertions"] for a in doc["assertions"]]  # fmt: skip


@pytest.fixture(scope="module")
def sample_epubs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("a11y-sample")
    for fmt in ("epub", "kindle"):
        assert build(ROOT, "--out", str(out), fmt=fmt).exit_code == 0
    return out


@pytest.mark.slow  # DAISY Ace drives a browser: ~20 s
@pytest.mark.parametrize("name", ["pressmans-craft.epub", "pressmans-craft-kindle.epub"])
def test_ace_finds_no_violation_in_the_sample_books_epubs(sample_epubs: Path, name: str, tmp_path: Path):
    assert ace_violations(sample_epubs / name, tmp_path / "ace") == []


# The accessibilityFeature vocabulary (W3C Accessibility Discoverability Vocabulary) as far as a book can use it
FEATURES = {"alternativeText", "annotations", "ARIA", "describedMath", "displayTransformability", "index", "longDescription",
            "MathML", "pageBreakMarkers", "pageNavigation", "printPageNumbers", "readingOrder", "structuralNavigation",
            "tableOfContents", "ttsMarkup", "none"}  # fmt: skip


def test_declared_features_are_in_the_vocabulary_and_glossary_links_have_their_role(sample_epubs: Path):
    epub = sample_epubs / "pressmans-craft.epub"
    assert set(opf_meta(epub)["schema:accessibilityFeature"]) <= FEATURES  # "table" is not one, though the book has tables
    with zipfile.ZipFile(epub) as archive:
        text = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("EPUB/text/"))
    links = re.findall(r"<a [^>]*epub:type=\"glossref\"[^>]*>", text)
    assert links and all('role="doc-glossref"' in link for link in links)


@pytest.fixture(scope="module")
def excerpt_epubs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPUS.exists():
        pytest.skip("no corpus excerpt (../shared/corpus/ is not beside this checkout)")
    book, out = tmp_path_factory.mktemp("a11y-excerpt") / "book", tmp_path_factory.mktemp("a11y-excerpt-out")
    import_legacy(CORPUS, book)
    for fmt in ("epub", "kindle"):
        result = build(book, "--out", str(out), fmt=fmt)
        assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow
@pytest.mark.parametrize("kind", [".epub", "-kindle.epub"])
def test_ace_finds_no_violation_in_the_imported_excerpts_epubs(excerpt_epubs: Path, kind: str, tmp_path: Path):
    [epub] = [p for p in excerpt_epubs.glob("*.epub") if p.name.endswith(kind) and (kind != ".epub" or "-kindle" not in p.name)]
    assert ace_violations(epub, tmp_path / "ace") == []


PLACEHOLDER_CHAPTER = """\
# One

The press stood here.

![Placeholder for an illustration missing from the export](images/figure-1.png "The press at Mainz"){#fig-1}
"""


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 200, 200)).save(out, "PNG")
    return out.getvalue()


def opf_meta(epub: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(epub) as archive:
        opf = etree.fromstring(archive.read("EPUB/package.opf"))
    meta: dict[str, list[str]] = {}
    for element in opf.iterfind(".//opf:meta[@property]", NS):
        meta.setdefault(element.get("property"), []).append(element.text or "")
    return meta


@pytest.fixture
def placeholder_book(small_book) -> Path:
    return small_book({"manuscript/chapters/one.md": PLACEHOLDER_CHAPTER, "images/figure-1.png": png()})


def test_a_book_with_a_placeholder_figure_claims_no_description_and_no_conformance(placeholder_book: Path, tmp_path: Path):
    assert build(placeholder_book, "--out", str(tmp_path)).exit_code == 0
    meta = opf_meta(tmp_path / "a-small-book.epub")
    assert "alternativeText" not in meta["schema:accessibilityFeature"]
    assert "dcterms:conformsTo" not in meta
    assert meta["schema:accessModeSufficient"] == ["textual,visual"]  # the text alone does not give the figure
    [summary] = meta["schema:accessibilitySummary"]
    assert "Every figure has a text description" not in summary and "does not meet WCAG 2.2 Level AA" in summary
    assert "its one figure has no text description (its image is a placeholder or undescribed)" in summary


def test_the_same_book_with_a_described_figure_claims_both(small_book, tmp_path: Path):
    chapter = PLACEHOLDER_CHAPTER.replace("Placeholder for an illustration missing from the export", "A wooden hand press")
    root = small_book({"manuscript/chapters/one.md": chapter, "images/figure-1.png": png()})
    assert build(root, "--out", str(tmp_path)).exit_code == 0
    meta = opf_meta(tmp_path / "a-small-book.epub")
    assert "alternativeText" in meta["schema:accessibilityFeature"] and meta["dcterms:conformsTo"] == [CONFORMANCE]
    assert "Every figure has a text description" in meta["schema:accessibilitySummary"][0]
    found = [f.text for f in check_epub(tmp_path / "a-small-book.epub", print_edition=False) if "description" in f.text]
    assert found == ["All 2 images have a text description."]  # the figure and the generated cover


def test_the_accessibility_report_counts_one_image_as_one(small_book, tmp_path: Path):
    assert build(small_book(), "--out", str(tmp_path)).exit_code == 0  # no figure: the generated cover alone
    found = [f.text for f in check_epub(tmp_path / "a-small-book.epub", print_edition=False) if "description" in f.text]
    assert found == ["Its one image has a text description."]


def test_onix_codes_follow_the_claims(placeholder_book: Path):
    book = load_book(placeholder_book)
    codes = a11y_codes(book_claims(book, page_list=True))
    assert not {"04", "82", "85", "14"} & set(codes) and "19" in codes
    sample = a11y_codes(book_claims(load_book(ROOT), page_list=True))
    assert {"04", "82", "85", "14", "12", "19"} <= set(sample)


def test_the_accessibility_report_holds_claims_to_the_content(placeholder_book: Path, tmp_path: Path):
    assert build(placeholder_book, "--out", str(tmp_path)).exit_code == 0
    epub = tmp_path / "a-small-book.epub"
    findings = {f.text.split(":")[0]: f.ok for f in check_epub(epub, print_edition=False)}
    assert findings["Its accessibility claims are those its content supports."]
    assert not findings["It claims no conformance to EPUB Accessibility 1.1 at WCAG 2.2 level AA."]
    assert not findings["1 of 2 images has no text description (or a placeholder's)"]  # the figure; the generated cover has its alt

    overclaiming = tmp_path / "overclaiming.epub"
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(overclaiming, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "EPUB/package.opf":
                data = re.sub(rb"(<meta property=\"schema:accessibilityHazard\">)",
                              rb'<meta property="schema:accessibilityFeature">alternativeText</meta>\1', data)  # fmt: skip
            target.writestr(info, data)
    [claims] = [f for f in check_epub(overclaiming, print_edition=False) if "content supports" in f.text]
    assert not claims.ok and "schema:accessibilityFeature alternativeText beyond them" in claims.text
