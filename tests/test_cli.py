"""The command line: help, init, and one clear line per bad input with no product left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BOOK_YAML, build

from presswork import __version__
from presswork.backends import BACKENDS
from presswork.cli import main
from presswork.pipeline import expand
from presswork.text.labels import counted


def assert_fails_cleanly(root: Path, *expected: str, extra: tuple[str, ...] = ()) -> str:
    result = build(root, *extra)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    error_lines = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(error_lines) == 1, result.output
    for text in expected:
        assert text in error_lines[0]
    assert not (root / "build").exists() or not any((root / "build").iterdir())
    return error_lines[0]


def test_version_and_help():
    runner = CliRunner()
    assert __version__ in runner.invoke(main, ["--version"]).output
    for args in (["--help"], ["build", "--help"], ["init", "--help"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0 and "Usage:" in result.output


def test_init_creates_a_book_that_builds(tmp_path: Path):
    book = tmp_path / "new-book"
    assert CliRunner().invoke(main, ["init", str(book), "--title", "Новая книга"]).exit_code == 0
    result = build(book, "--strict")
    assert result.exit_code == 0, result.output
    assert (book / "build/book.epub").is_file()


def test_init_refuses_a_folder_with_files(tmp_path: Path):
    (tmp_path / "x.txt").write_text("x")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 1 and "not empty" in result.output


def test_unknown_format_is_a_usage_error(small_book):
    result = CliRunner().invoke(main, ["build", "docx", str(small_book())])
    assert result.exit_code == 2 and "unknown format 'docx'" in result.output


def test_a_book_folder_that_does_not_exist_is_named_as_such(tmp_path: Path):
    missing = tmp_path / "no" / "book"
    result = CliRunner().invoke(main, ["build", "epub", str(missing)])
    assert result.exit_code == 1
    assert result.output == f"error: {missing}: the book folder does not exist — give the folder that holds manuscript/book.yaml\n"


def test_missing_listed_file(small_book):
    root = small_book({"manuscript/chapters/one.md": None})
    assert_fails_cleanly(root, "manuscript/book.yaml:9:", "chapters/one.md does not exist")


def test_yaml_syntax_error_names_the_line(small_book):
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace("language: en", "language: [en")})
    assert_fails_cleanly(root, "manuscript/book.yaml:", "YAML syntax error")


def test_empty_book_yaml(small_book):
    root = small_book({"manuscript/book.yaml": ""})
    assert_fails_cleanly(root, "manuscript/book.yaml:1:", "book.yaml is empty")


def test_missing_required_field(small_book):
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace("title: A Small Book\n", "")})
    assert_fails_cleanly(root, "required field 'title' is missing", "add `title: …`")


def test_bad_isbn_check_digit_names_its_line(small_book):
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace("9780000000002", "9780000000003")})
    assert_fails_cleanly(root, "manuscript/book.yaml:6:", "wrong check digit: expected 2, found 3")


def test_footnote_referenced_but_not_defined(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\nText.\n\nMore[^missing] text.\n"})
    assert_fails_cleanly(root, "manuscript/chapters/one.md:5:", "[^missing] is referenced but not defined")


def test_image_that_does_not_exist(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\n![A thing](images/nothing.png)\n"})
    assert_fails_cleanly(root, "manuscript/chapters/one.md:3:", "image images/nothing.png does not exist")


@pytest.mark.parametrize("path", ["../../etc/passwd", "images/../../../etc/passwd"])
def test_image_path_leaving_the_book_folder(small_book, path):
    root = small_book({"manuscript/chapters/one.md": f"# One\n\n![A thing]({path})\n"})
    assert_fails_cleanly(root, "manuscript/chapters/one.md:3:", "leaves the book folder")


def test_listed_file_leaving_the_book_folder(small_book):
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace("chapters/one.md", "../../../etc/passwd")})
    assert_fails_cleanly(root, "manuscript/book.yaml:9:", "leaves the book folder")


def test_absolute_path_is_refused(small_book):
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace("chapters/one.md", "/etc/passwd")})
    assert_fails_cleanly(root, "absolute path '/etc/passwd' is not allowed")


def test_duplicate_ids_name_both_places(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\n## A {#same}\n\n## B {#same}\n"})
    line = assert_fails_cleanly(root, "manuscript/chapters/one.md:5:", "duplicate id 'same'")
    assert "one.md:3" in line


def test_file_that_is_not_utf8(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\nCaf\u00e9 ok\n\nna\u00efve".encode("latin-1")})
    assert_fails_cleanly(root, "manuscript/chapters/one.md:3:", "not UTF-8", "save the file as UTF-8")


def test_broken_cross_reference(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\nSee [there](#nowhere).\n"})
    assert_fails_cleanly(root, "one.md:3:", "#nowhere points to no id")


def test_warnings_keep_exit_zero_and_strict_makes_them_errors(small_book):
    text = "# One\n\nA note[^a] and a rare sign \u2603.\n\n[^a]: Used.\n\n[^b]: Unused.\n"
    root = small_book({"manuscript/chapters/one.md": text, "manuscript/chapters/two.md": "# Two\n",
                       "manuscript/book.yaml": BOOK_YAML + "    - chapters/two.md\n"})  # fmt: skip
    result = build(root)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    assert any("one.md:7: footnote [^b] is defined but never referenced" in w for w in warnings)
    assert any("two.md:1: the chapter is empty" in w for w in warnings)
    assert any("one.md:3:" in w and "U+2603" in w for w in warnings)
    strict = build(root, "--strict", "--out", str(root / "strict"))
    assert strict.exit_code == 1 and not (root / "strict").exists()


def test_quiet_prints_nothing_on_success(small_book):
    result = build(small_book(), "-q")
    assert result.exit_code == 0 and result.output == ""


def test_verbose_lists_every_file(small_book):
    result = build(small_book(), "-v")
    assert result.exit_code == 0 and "manuscript/chapters/one.md: One (" in result.output


def test_counts_agree_with_their_nouns(small_book):
    """One file with one note and no figure: \"1 file\", \"1 note\", \"0 figures\", never \"1 notes\"."""
    output = build(small_book(), "-v").output
    assert "words, 1 note, 0 figures)" in output and "Loaded 1 file, " in output and " words, 1 note in " in output
    assert counted(1, "biography", "biographies") == "1 biography" and counted(1200, "note") == "1,200 notes"


def test_impossible_date_in_yaml_is_a_clean_error(small_book):
    root = small_book({"manuscript/book.yaml": BOOK_YAML + "date: 2026-13-01\n"})
    assert_fails_cleanly(root, "manuscript/book.yaml", "a value cannot be read")


def test_a_language_that_is_not_a_tag_is_refused(small_book):
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace("language: en", "language: en_US")})
    assert_fails_cleanly(root, "manuscript/book.yaml:2:", "'en_US' is not a language tag")


def test_a_chapter_file_named_like_presswork_pages_gets_its_own_id(small_book):
    root = small_book({"manuscript/book.yaml": BOOK_YAML.replace("chapters/one.md", "chapters/copyright.md"),
                       "manuscript/chapters/copyright.md": "# Rights\n\nText.\n"})  # fmt: skip
    assert build(root, "--out", str(root.parent / "elsewhere")).exit_code == 0
    explicit = small_book({"manuscript/chapters/one.md": "---\nid: titlepage\n---\n# One\n\nText.\n"})
    assert_fails_cleanly(explicit, "id 'titlepage' is reserved")


def test_an_image_whose_name_lies_about_its_format_is_refused(small_book):
    from PIL import Image

    root = small_book({"manuscript/chapters/one.md": "# One\n\n![A plate](images/plate.jpg)\n"})
    (root / "images").mkdir(exist_ok=True)
    Image.new("RGB", (20, 20)).save(root / "images/plate.jpg", "PNG")
    assert_fails_cleanly(root, "one.md:3:", "is a PNG file named as JPEG")


def test_strict_leaves_no_product_of_any_format(small_book, tmp_path):
    root = small_book({"manuscript/chapters/one.md": "# One\n\nA snowman \u2603.\n"})
    result = build(root, "--strict", "--out", str(tmp_path / "out"), fmt="all")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()


def test_unknown_format_names_every_format_and_both_words(small_book):
    result = CliRunner().invoke(main, ["build", "docx", str(small_book())])
    assert all(word in result.output for word in ("epub", "pdf", "kindle", "kobo", "all", "every"))


def test_all_is_the_three_products_every_book_ships_and_every_is_every_product():
    assert [b.name for b in expand(("all",))] == ["epub", "pdf", "kindle"]
    assert expand(("every",)) == list(BACKENDS.values())
    assert [b.name for b in expand(("kobo", "all", "epub"))] == ["kobo", "epub", "pdf", "kindle"]


def test_build_every_makes_the_kepub_too(small_book, tmp_path):
    result = build(small_book(), "--out", str(tmp_path / "out"), fmt="every")
    assert result.exit_code == 0, result.output
    made = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"a-small-book.epub", "a-small-book.pdf", "a-small-book-kindle.epub", "a-small-book.kepub.epub"} <= made
    assert len(result.output.split("Building ")) - 1 == len(BACKENDS)
