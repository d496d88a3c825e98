"""The digital (screen) PDF, `presswork build digital`: the sample book's `<slug>-digital.pdf` as
poppler, pikepdf and pdfplumber see it: tagged PDF/UA-1 with title, language, headings and figures
with their alt text, RGB only, one page after another at the trim size, notes, contents and index
linked with the pages' own numbers, bookmarks, embedded fonts, the same bytes every build."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from conftest import BOOK_YAML, ROOT, build, build_sample
from test_footnotes import TALL_NOTE
from test_package_images import cmyk_jpeg

from presswork.load.book import load_book
from presswork.pipeline import expand

NAME = "pressmans-craft-digital.pdf"
TRIM = [0, 0, 432, 648]  # the sample's 6 × 9 in, in points
TOP = 648 - 0.75 * 72  # where the text area begins (the print block's top margin)


@pytest.fixture(scope="module")
def digital(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory, "digital") / NAME


@pytest.fixture(scope="module")
def pdf(digital: Path):
    with pikepdf.open(digital) as opened:
        yield opened


@pytest.fixture(scope="module")
def words(digital: Path) -> list[list[dict]]:
    """Each page's words as pdfplumber finds them (top measured from the page's top edge)."""
    with pdfplumber.open(digital) as opened:
        return [page.extract_words() for page in opened.pages]


@pytest.fixture(scope="module")
def links(pdf) -> list[tuple[int, str, list[float], int]]:
    """Every link as (page index, named destination, rect, destination's page index)."""
    index = {page.objgen: number for number, page in enumerate(pdf.pages)}
    dests = pikepdf.NameTree(pdf.Root.Names.Dests)
    found = []
    for number, page in enumerate(pdf.pages):
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                name = str(annot.Dest)
                target = index[dests[name][0].objgen] if name in dests else -1
                found.append((number, name, sorted_rect(annot.Rect), target))
    return found


def sorted_rect(rect) -> list[float]:
    x0, y0, x1, y1 = (float(v) for v in rect)
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def words_in_line(words: list[dict], rect: list[float], height: float, within: bool = False) -> list[str]:
    """The words on the line a link's rect stands on, left to right; `within`: only those that
    begin inside the rect (a word runs on past a link by its punctuation)."""
    top, bottom = height - rect[3], height - rect[1]
    return [w["text"] for w in sorted(words, key=lambda w: w["x0"]) if w["top"] < bottom and w["bottom"] > top
            and (not within or rect[0] - 0.5 <= w["x0"] < rect[2])]  # fmt: skip


def test_pdfinfo_says_tagged_and_gives_the_title(digital: Path):
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", str(digital)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+The Pressman's Craft$", info, re.M)


def test_catalog_declares_pdf_ua_with_language_and_shown_title(pdf):
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == "en"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    meta = pdf.open_metadata()
    assert meta.get("pdfuaid:part") == "1"
    assert meta.get("dc:title") == "The Pressman's Craft"


def test_structure_tree_has_headings_and_figures_with_the_manuscripts_alt_text(pdf):
    found: dict[str, list] = {}

    def walk(element):
        if isinstance(element, pikepdf.Dictionary) and "/S" in element:
            found.setdefault(str(element.S), []).append(element)
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid)

    for top in pdf.Root.StructTreeRoot.K:  # the root's one /Document element
        walk(top)
    assert len(found["/H1"]) >= 10 and len(found["/H2"]) >= 10
    alts = [str(figure.get("/Alt", "")) for figure in found["/Figure"]]
    assert alts == [figure.alt for figure in load_book(ROOT).figures()]
    assert len(alts) == 3


def test_rgb_only(pdf):
    """No CMYK, separation or DeviceN colour anywhere: not in content streams' operators, not as a
    colour space of an image or a resource."""
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            assert obj.get("/ColorSpace") not in ("/DeviceCMYK", "/Separation", "/DeviceN")
            if "/Subtype" not in obj or obj.get("/Subtype") == "/Form":  # page contents and forms
                data = obj.read_bytes()
                assert not re.search(rb"\s(k|K)\s", data), "a CMYK colour operator"
        if isinstance(obj, pikepdf.Array) and len(obj) and obj[0] in ("/Separation", "/DeviceN"):
            pytest.fail(f"a {obj[0]} colour space")
    for page in pdf.pages:
        for space in page.obj.get("/Resources", {}).get("/ColorSpace", {}).values():
            assert not (isinstance(space, pikepdf.Array) and space[0] in ("/Separation", "/DeviceN"))


def test_cmyk_images_are_converted_to_srgb(small_book, tmp_path: Path):
    root = small_book({"manuscript/chapters/one.md": "# One\n\nA plate.\n\n![A press in cyan ink](images/plate.jpg)\n"})
    cmyk_jpeg(root / "images/plate.jpg")
    assert build(root, "--out", str(tmp_path), "-q", fmt="digital").exit_code == 0
    with pikepdf.open(tmp_path / "a-small-book-digital.pdf") as made:
        images = [obj for obj in made.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
        assert [str(image.ColorSpace) for image in images] == ["/DeviceRGB"]


def test_pages_are_the_trim_with_no_bleed_marks_or_blank_pages(pdf, words):
    for page in pdf.pages:
        assert [float(v) for v in page.MediaBox] == TRIM
        assert [float(v) for v in page.obj.get("/TrimBox", page.MediaBox)] == TRIM
        assert [float(v) for v in page.obj.get("/BleedBox", page.MediaBox)] == TRIM
    assert all(words), "a blank page"


def test_each_document_opens_a_new_page(pdf, links, words):
    """Nothing stands above a contents entry's destination on its page: no earlier text runs on."""
    height = float(pdf.pages[0].MediaBox[3])
    dests = pikepdf.NameTree(pdf.Root.Names.Dests)
    entries = {(name, target) for page, name, _, target in links if page == 2}  # the contents page
    assert len(entries) >= 15
    above = [(name, w["text"]) for name, target in entries for w in words[target] if w["top"] < height - float(dests[name][3]) - 1]
    assert above == []


def test_every_link_has_a_destination_and_room_to_be_clicked(links):
    assert len(links) > 300
    assert [name for _, name, _, target in links if target < 0] == []
    assert [name for _, name, rect, _ in links if rect[3] - rect[1] < 4 or rect[2] - rect[0] < 2] == []


def test_each_note_and_its_call_link_to_each_other_on_one_page(links):
    """The call links to its note and the note's number back to the call: both on the call's page,
    so every note sits at the foot of its call's page."""
    notes = sum(len(chapter.notes) for chapter in load_book(ROOT).chapters())
    calls = [(page, target) for page, name, _, target in links if re.search(r"-n\d+$", name)]
    backs = [(page, target) for page, name, _, target in links if re.search(r"-nref\d+$", name)]
    assert len(calls) >= notes and len(backs) == notes
    assert [link for link in calls + backs if link[0] != link[1]] == []


def test_contents_and_index_print_the_pages_own_numbers(pdf, links, words):
    """A contents entry's number (the last word on its line), an index locator's text (its first page),
    the folio printed at the foot of the page it leads to, and the viewer's page number agree."""
    height = float(pdf.pages[0].MediaBox[3])

    def folio(page: int) -> str:
        return max(words[page], key=lambda w: w["top"])["text"]

    contents = [(name, words_in_line(words[page], rect, height)[-1], target) for page, name, rect, target in links if page == 2]
    index_start = next(target for page, name, _, target in links if name == "index" and page == 2)
    locators = [(words_in_line(words[page], rect, height, within=True), target)
                for page, name, rect, target in links if page >= index_start and not name.startswith("index")]  # fmt: skip
    assert len(contents) >= 15 and len(locators) >= 50
    for name, number, target in contents:
        assert number == str(target + 1)
        assert name.startswith("part-") or folio(target) == number  # a part's title page shows no folio
    for text, target in locators:  # "6," or "36–37,": the first page's number
        assert re.match(r"\d+", text[0]).group() == str(target + 1), (text, target + 1)


def test_outline_nests_chapters_under_their_parts(pdf):
    with pdf.open_outline() as outline:
        tree = [(item.title, [child.title for child in item.children]) for item in outline.root]
    titles = [title for title, _ in tree]
    assert titles[:3] == ["Contents", "Foreword", "A Note on Transliteration and Dates"]
    assert titles[-5:] == ["Afterword", "Glossary", "Chronology", "Biographical Notes", "Index"]
    parts = dict(tree)
    assert parts["Part One: Metal and Ink"][0] == "Before the Press" and len(parts["Part One: Metal and Ink"]) == 4
    assert len(parts["Part Two: Paper and Power"]) == 3


def test_every_font_is_embedded(digital: Path):
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    rows = subprocess.run(["pdffonts", str(digital)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), rows


@pytest.mark.slow
def test_two_builds_are_byte_identical(digital: Path, tmp_path: Path):
    assert build(ROOT, "--out", str(tmp_path), "-q", fmt="digital").exit_code == 0
    assert (tmp_path / NAME).read_bytes() == digital.read_bytes()


def test_build_all_leaves_the_digital_pdf_to_build_every():
    assert "digital" not in [b.name for b in expand(("all",))]
    assert "digital" in [b.name for b in expand(("every",))]


def test_endnotes_in_the_book_stay_endnotes_on_screen(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": BOOK_YAML + "print:\n  notes: endnotes\n"})
    assert build(root, "--out", str(tmp_path), "-q", fmt="digital").exit_code == 0
    with pdfplumber.open(tmp_path / "a-small-book-digital.pdf") as made:
        text = "\n".join(page.extract_text() or "" for page in made.pages)
    assert "Notes" in text and "1. The note." in text


def test_a_note_taller_than_a_page_is_named_with_this_editions_pages(small_book, tmp_path: Path):
    result = build(small_book({"manuscript/chapters/one.md": TALL_NOTE}), "--out", str(tmp_path), fmt="digital")
    warning = re.search(r"warning: manuscript/chapters/one\.md:7: note 1 is called on page (\d+) but printed on page (\d+)", result.output)
    assert result.exit_code == 0 and warning, result.output
    with pdfplumber.open(tmp_path / "a-small-book-digital.pdf") as made:
        texts = [page.extract_text() or "" for page in made.pages]
    call = next(n for n, text in enumerate(texts, 1) if "calls a long note" in text)
    note = next(n for n, text in enumerate(texts, 1) if re.search(r"^1\. ?The press stood", text, re.M))
    assert (int(warning[1]), int(warning[2])) == (call, note) and note > call


def test_the_build_says_how_far_the_screen_edition_is(small_book):
    result = build(small_book(), fmt="digital")
    assert result.exit_code == 0, result.output
    said = [line for line in result.output.splitlines() if "screen edition" in line or "tagged PDF" in line]
    assert said[:2] == ["Laying out the screen edition …", "Laying out the screen edition again, with its page numbers …"]
    assert len(said) == 3 and re.fullmatch(r"Writing the tagged PDF \(\d+ pages\) …", said[2]), result.output
