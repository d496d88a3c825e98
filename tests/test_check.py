"""check on the loader's model and tokens: every block at its file:line, the loader's warnings under
their codes, any two scripts in a word, the importer's markers, and the ignore list read line-aware."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BOOK_YAML, build
from PIL import Image

from presswork.check.book import check_book
from presswork.check.loading import loader_warning
from presswork.check.placeholders import PLACEHOLDERS, STARTER_TEXT
from presswork.cli import main
from presswork.errors import Location, Warning_
from presswork.legacy.importer import import_legacy
from presswork.text.scripts import mixed_scripts

ONE = "manuscript/chapters/one.md"
FIXTURE = Path(__file__).parent / "fixtures" / "legacy-small.txt"
GLOSSARY_BOOK = BOOK_YAML.replace("    - chapters/one.md\n", "    - chapters/one.md\n  back:\n    - back/glossary.yaml\n")


def found(root: Path, code: str) -> list[tuple[str, int | None, str]]:
    return [(p.file, p.line, p.message) for p in check_book(root) if p.code == code]


@pytest.mark.parametrize("word, scripts", [
    ("Вы\u05d0ход", ["Cyrillic", "Hebrew"]),  # a Hebrew alef inside a Cyrillic word
    ("H\u03bfuse", ["Latin", "Greek"]),  # a Greek omicron inside a Latin word
    ("Bыход", ["Latin", "Cyrillic"]),
    ("\u0532\u0561\u0580\u0565\u0582x", ["Armenian", "Latin"]),
    ("\u10e5\u10d0\u10e0\u0442", ["Georgian", "Cyrillic"]),
    ("\u0642\u0644x", ["Arabic", "Latin"]),
])  # fmt: skip
def test_a_word_mixing_any_two_scripts_is_flagged(word: str, scripts: list[str]):
    assert mixed_scripts(word) == scripts


@pytest.mark.parametrize("word", ["Выход", "naïve", "straße", "e\u0301te", "ё\u0301", "µm", "漢字かな", "שָׁלוֹם", "COVID19"])
def test_a_word_in_one_script_with_marks_or_scriptless_letters_is_not(word: str):
    assert mixed_scripts(word) == []


def test_a_mixed_word_in_a_notes_second_paragraph_is_reported_at_its_line(small_book):
    root = small_book({ONE: "# One\n\nText with a note.[^a]\n\n[^a]: The first paragraph.\n\n"
                            "    The second paragraph has an OCR slip: Bыход.\n"})  # fmt: skip
    assert [(f, line) for f, line, _ in found(root, "S001")] == [(ONE, 7)]


def test_a_hebrew_letter_inside_a_cyrillic_word_is_reported(small_book):
    root = small_book({ONE: "# One\n\nСлово Вы\u05d0ход здесь.\n"})
    [(file, line, message)] = found(root, "S001")
    assert (file, line) == (ONE, 3) and "Cyrillic + Hebrew" in message


def test_a_greek_letter_inside_a_latin_word_is_reported(small_book):
    root = small_book({ONE: "# One\n\nThe H\u03bfuse of Lords.\n"})
    assert [(f, line) for f, line, _ in found(root, "S001")] == [(ONE, 3)]


def test_headings_table_cells_captions_and_the_title_are_checked_at_their_lines(small_book):
    root = small_book({ONE: "---\nkind: chapter\ntitle: Bыход\n---\n\nText.\n\n## A Bыход heading\n\n"
                            "Table: A Bыход caption\n\n| a | b |\n|---|---|\n| x | Bыход |\n"})  # fmt: skip
    assert sorted(line for _, line, _ in found(root, "S001")) == [3, 8, 10, 14]


def test_a_title_heading_after_front_matter_is_checked_at_its_line(small_book):
    root = small_book({ONE: "---\nkind: chapter\n---\n\n# The Bыход\n\nText.\n"})
    assert [(f, line) for f, line, _ in found(root, "S001")] == [(ONE, 5)]


def test_back_matter_text_is_checked_at_its_entry(small_book):
    root = small_book({"manuscript/book.yaml": GLOSSARY_BOOK,
                       ONE: "# One\n\nThe frisket holds the sheet.\n",
                       "manuscript/back/glossary.yaml": "terms:\n  - term: frisket\n    definition: A Bыход frame.\n"})  # fmt: skip
    assert [(f, line) for f, line, _ in found(root, "S001")] == [("manuscript/back/glossary.yaml", 2)]


@pytest.mark.parametrize("files, code, where", [
    ({ONE: "# One\n\nText.\n\n[^x]: Nobody calls me.\n"}, "N002", (ONE, 5)),
    ({ONE: "---\ntitle: One\n---\n"}, "L003", (ONE, 1)),
    ({ONE: "# One\n\nA bell\x07 here.\n"}, "L004", (ONE, 3)),
    ({"manuscript/book.yaml": BOOK_YAML + "colour: blue\n"}, "L005", ("manuscript/book.yaml", 10)),
    ({ONE: "---\ntitle: One\nsumary: Misspelt.\n---\n\nText.\n"}, "L005", (ONE, 3)),
])  # fmt: skip
def test_the_loaders_warnings_are_reported_with_their_codes(small_book, files, code, where):
    root = small_book(files)
    assert [(f, line) for f, line, _ in found(root, code)] == [where]


def test_each_warning_the_build_gives_is_one_line_of_check(small_book):
    root = small_book({"manuscript/book.yaml": BOOK_YAML + "colour: blue\n", ONE: "---\ntitle: One\nsumary: x\n---\n\nText.\n"})
    built = build(root).output
    checked = CliRunner().invoke(main, ["check", str(root)]).output
    for warning, where in (("unknown key 'colour'", "manuscript/book.yaml:10"), ("unknown front matter key 'sumary'", f"{ONE}:3")):
        assert built.count(warning) == checked.count(warning) == 1 and f"L005 warning {where}: {warning}" in checked


@pytest.mark.parametrize("text, labels", [
    ("# One\n\nA call[^x] here.\n", ["x"]),
    ("# One\n\nTwo calls[^x] on a line[^y].\n", ["x", "y"]),
])  # fmt: skip
def test_an_undefined_note_is_reported_once(small_book, text: str, labels: list[str]):
    problems = check_book(small_book({ONE: text}))
    assert [(p.code, p.line) for p in problems if p.severity == "error"] == [("N001", 3)] * len(labels)
    assert all(sum(f"[^{label}]" in p.message for p in problems) == 1 for label in labels)


def test_a_loader_warning_without_a_code_of_its_own_is_reported_as_l002():
    problem = loader_warning(Warning_(Location(Path(ONE), 4), "something odd", "do this"))
    assert (problem.code, problem.severity, problem.file, problem.line, problem.fix) == ("L002", "warning", ONE, 4, "do this")


def test_a_book_that_does_not_load_still_has_its_notes_paragraphs_checked(small_book):
    root = small_book({ONE: "# One\n\nSee [there](ftp://nowhere).[^a]\n\n[^a]: First.\n\n    Then Bыход.\n"})
    assert [(p.code, p.line) for p in check_book(root) if p.code in ("L001", "S001")] == [("L001", 3), ("S001", 7)]


def test_problems_are_listed_in_file_and_line_order(small_book):
    root = small_book({ONE: "# One\n\nTwo  spaces.[^x]\n\n[^x]: A note.\n\n[^y]: Unused.\n\nThe the end.\n"})
    problems = [(p.file, p.line or 0) for p in check_book(root)]
    assert problems == sorted(problems) and ("N002", 7) in [(p.code, p.line) for p in check_book(root)]


def test_the_importers_markers_are_found(tmp_path: Path):
    root = tmp_path / "book"
    import_legacy(FIXTURE, root)
    chapter = "manuscript/chapters/01-buttons.md"
    lines = (root / chapter).read_text(encoding="utf-8").split("\n")
    uncalled = next(n for n, line in enumerate(lines, 1) if ".import-note}" in line)
    missing = next(n for n, line in enumerate(lines, 1) if line.startswith("[^4]:"))
    assert (chapter, uncalled, "note the import found without a call: [^7]") in found(root, "N005")
    assert (chapter, missing, "note whose text the import did not find: [^4]") in found(root, "N006")


@pytest.mark.parametrize("setting, line, message", [
    ("check:\n  ignore:\n    - T002\n    - T999\n", 13, "'T999' is not a check code"),
    ("check:\n  ignore: [{code: S001, files: x.md}]\n", 11, "takes `code` and `file`"),
    ("check:\n  skip: [T002]\n", 10, "one setting, `ignore`"),
    ("check:\n  ignore: [[T002]]\n", 11, "must be text"),
])  # fmt: skip
def test_an_ignore_rule_that_cannot_be_read_is_an_error_at_its_line(small_book, setting: str, line: int, message: str):
    root = small_book({"manuscript/book.yaml": BOOK_YAML + setting, ONE: "# One\n\nTwo  spaces.\n"})
    errors = [p for p in check_book(root) if p.code == "C001"]
    assert [(p.file, p.line) for p in errors] == [("manuscript/book.yaml", line)] and message in errors[0].message
    assert "T002" in {p.code for p in check_book(root)}  # nothing is ignored until the list reads
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1 and f"C001 error manuscript/book.yaml:{line}: " in result.output


def test_every_placeholder_of_a_new_book_is_reported_until_it_is_replaced(tmp_path: Path):
    root = tmp_path / "book"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    yaml_lines = (root / "manuscript/book.yaml").read_text(encoding="utf-8").split("\n")
    reported = {(file, line) for file, line, _ in found(root, "M005")}
    for placeholder in PLACEHOLDERS:
        line = next(n for n, text in enumerate(yaml_lines, 1) if text.rstrip().endswith(placeholder.value))
        assert ("manuscript/book.yaml", line) in reported, placeholder.what
    assert {file for file, _ in reported} == {"manuscript/book.yaml", "manuscript/chapters/01-first-chapter.md",
                                              "manuscript/front/foreword.md"}  # the starter texts  # fmt: skip
    assert len(reported) == len(PLACEHOLDERS) + len(STARTER_TEXT)
    for path in (root / "manuscript").rglob("*.*"):
        text = path.read_text(encoding="utf-8")
        for placeholder in PLACEHOLDERS:
            text = text.replace(placeholder.value, "Own words")
        for starter in STARTER_TEXT:
            text = text.replace(starter, "Own words.")
        path.write_text(text, encoding="utf-8")
    assert found(root, "M005") == []


def test_a_book_without_a_date_is_told_the_date_its_products_get(small_book):
    [(file, line, message)] = found(small_book(), "M006")
    assert (file, line) == ("manuscript/book.yaml", None) and "2000-01-01" in message
    assert found(small_book({"manuscript/book.yaml": BOOK_YAML + "date: 2026-11-01\n"}), "M006") == []


def test_a_cover_of_the_wrong_shape_is_reported_as_build_kindle_warns(small_book):
    cover = io.BytesIO()
    Image.new("RGB", (2000, 2000), "white").save(cover, "JPEG")
    root = small_book({"manuscript/book.yaml": BOOK_YAML + "cover: images/cover.jpg\n", "images/cover.jpg": cover.getvalue()})
    assert [message for _, _, message in found(root, "M004")] == [
        "cover smaller or of another shape than Kindle asks: the cover's height:width is 1.00; Kindle's ideal is 1.6"]
