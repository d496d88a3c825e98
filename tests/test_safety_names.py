"""Names that cannot collide (issue 22, point 2): every id, and every file name a product derives
from one, is unique once case is ignored and the text is taken as NFC. Text/Part.xhtml beside
text/part.xhtml, or INDEX.html beside the web edition's index.html, are one file on macOS and
Windows disks (and EPUBCheck refuses the pair: OPF-060); a name stored decomposed (NFD, as macOS may)
is the same name as its composed form."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest
from conftest import BOOK_YAML, build, problems, run_epubcheck

TWO_CHAPTERS = BOOK_YAML.replace("    - chapters/one.md\n", "    - chapters/one.md\n    - chapters/two.md\n")
PNG = bytes.fromhex(  # a 1x1 white PNG
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8ffff3f0005fe02fe"
    "a7d6a4d00000000049454e44ae426082"
)


def error_line(root: Path, fmt: str = "epub") -> str:
    """The one `error:` line a failed build prints (exit 1, no traceback, no product)."""
    result = build(root, "--out", str(root.parent / "out"), fmt=fmt)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert not (root.parent / "out").exists()
    return line


def test_chapter_ids_that_differ_only_in_case_are_an_error_naming_both_places(small_book):
    root = small_book({"manuscript/book.yaml": TWO_CHAPTERS,
                       "manuscript/chapters/one.md": "---\nid: Part\n---\n# One\n\nText.\n",
                       "manuscript/chapters/two.md": "---\nid: part\n---\n# Two\n\nText.\n"})  # fmt: skip
    line = error_line(root)
    assert line.startswith("error: manuscript/chapters/two.md:2: id 'part' differs only in case from id 'Part'"), line
    assert "(defined at manuscript/chapters/one.md:2)" in line


def test_a_heading_id_may_not_take_a_chapter_id_in_another_case(small_book):
    root = small_book({"manuscript/book.yaml": TWO_CHAPTERS,
                       "manuscript/chapters/one.md": "# One\n\nText.\n\n## Second thoughts {#Two}\n\nMore.\n",
                       "manuscript/chapters/two.md": "# Two\n\nText.\n"})  # fmt: skip
    line = error_line(root)
    assert line.startswith("error: manuscript/chapters/two.md:1: id 'two' differs only in case from id 'Two'"), line
    assert "(defined at manuscript/chapters/one.md:5)" in line


def test_a_part_id_may_not_take_a_figure_id_in_another_case(small_book):
    yaml = BOOK_YAML.replace("    - chapters/one.md\n", "    - chapters/one.md\n    - part: Plates\n      id: PLATE\n"
                             "      chapters: [chapters/two.md]\n")  # fmt: skip
    root = small_book({"manuscript/book.yaml": yaml, "images/plate.png": PNG,
                       "manuscript/chapters/one.md": "# One\n\n![A plate](images/plate.png){#plate}\n",
                       "manuscript/chapters/two.md": "# Two\n\nText.\n"})  # fmt: skip
    line = error_line(root)
    assert line.startswith("error: manuscript/book.yaml:10: id 'PLATE' differs only in case from id 'plate'"), line
    assert "(defined at manuscript/chapters/one.md:3)" in line


@pytest.mark.parametrize("ident", ["INDEX", "Index", "index", "Search", "search", "Cover", "TOC", "cover-image"])
def test_names_of_presswork_own_pages_are_refused_in_any_case(small_book, ident: str):
    """INDEX.html would overwrite the web edition's home page index.html, Search.html its search
    page, text/Cover.xhtml the EPUB's cover page; cover-image is the EPUB's cover's manifest id."""
    root = small_book({"manuscript/chapters/one.md": f"---\nid: {ident}\n---\n# One\n\nText.\n"})
    line = error_line(root, fmt="web")
    assert line.startswith(f"error: manuscript/chapters/one.md:2: id '{ident}' is reserved for presswork's own pages"), line
    assert line.endswith("— give it another id (a file's id goes in its front matter: `id: …`)"), line


def test_a_reserved_name_is_refused_as_a_heading_id_too(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\nText.\n\n## All of it {#Index}\n"})
    assert error_line(root).startswith("error: manuscript/chapters/one.md:5: id 'Index' is reserved"), error_line(root)


def test_the_book_index_keeps_its_own_name(small_book, tmp_path: Path):
    """`- index` in the back matter is presswork's own use of the name: still built, as book-index.html."""
    root = small_book({"manuscript/book.yaml": BOOK_YAML + "  back:\n    - index\n"})
    result = build(root, "--out", str(tmp_path / "out"), "-q", fmt="web")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out/a-small-book-web/book-index.html").is_file()


def test_a_chapter_named_like_the_web_index_page_gets_a_page_of_its_own(small_book, tmp_path: Path):
    """Book-Index is a fine id, but the web edition gives the book's index book-index.html: the two
    pages must not be one file on a case-blind disk."""
    root = small_book({"manuscript/book.yaml": BOOK_YAML + "  back:\n    - index\n",
                       "manuscript/chapters/one.md": "---\nid: Book-Index\n---\n# One\n\nText.\n"})  # fmt: skip
    result = build(root, "--out", str(tmp_path / "out"), "-q", fmt="web")
    assert result.exit_code == 0, result.output
    names = [p.relative_to(tmp_path / "out").as_posix().casefold() for p in (tmp_path / "out").rglob("*")]
    assert len(names) == len(set(names)) and "a-small-book-web/book-index-2.html" in names


def test_images_whose_names_differ_only_in_case_get_distinct_names_in_the_epub(small_book, tmp_path: Path):
    root = small_book({"images/Plate.png": PNG, "images/plate.png": PNG,
                       "manuscript/chapters/one.md": "# One\n\n![Big](images/Plate.png)\n\n![Small](images/plate.png)\n"})  # fmt: skip
    result = build(root, "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    epub = tmp_path / "out/a-small-book.epub"
    with zipfile.ZipFile(epub) as archive:
        names = [name.casefold() for name in archive.namelist()]
    assert len(names) == len(set(names)) and "epub/images/plate-2.png" in names, names
    assert problems(run_epubcheck(epub, tmp_path)) == []


def test_file_names_stored_composed_and_decomposed_are_one_name(small_book):
    """café.md written NFC and café.md written NFD are two files on Linux but one name: their ids
    collide, named at both files, as they would on a disk that normalises."""
    nfc, nfd = (unicodedata.normalize(form, "chapters/café.md") for form in ("NFC", "NFD"))
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace("chapters/one.md", f"{nfc}\n    - {nfd}"),
                       f"manuscript/{nfc}": "# One\n\nText.\n", f"manuscript/{nfd}": "# Two\n\nText.\n"})  # fmt: skip
    line = error_line(root)
    assert line.startswith(f"error: manuscript/{nfd}:1: duplicate id 'caf' (first defined at manuscript/{nfc}:1)"), line


@pytest.mark.parametrize("name", ["café", "йод"])  # a slug from the name; no ASCII, a checksum of the path
def test_a_book_stored_decomposed_builds_the_same_epub(small_book, tmp_path: Path, monkeypatch, name: str):
    """A chapter's id comes from its file name: the same book checked out where file names are
    stored NFD (as macOS may) must give the same EPUB, not other ids and file names."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    built = []
    for form in ("NFC", "NFD"):
        chapter = unicodedata.normalize(form, f"chapters/{name}.md")
        root = small_book({"manuscript/book.yaml": BOOK_YAML.replace("chapters/one.md", chapter),
                           "manuscript/chapters/one.md": None, f"manuscript/{chapter}": "# One\n\nText.\n"})  # fmt: skip
        out = tmp_path / form
        result = build(root, "--out", str(out), "-q")
        assert result.exit_code == 0, result.output
        built.append((out / "a-small-book.epub").read_bytes())
        for path in root.rglob("*.md"):
            path.unlink()
    assert built[0] == built[1]
