"""`presswork check` as an editor's tool for one round of corrections: every load error of a book in
one run (`build` stops, naming them all), "did you mean …?" for near misses, YAML slips in the
author's words at their line, and no K002/T004 false positives."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import BOOK_YAML

from presswork.check.book import check_book
from presswork.cli import main
from presswork.errors import PressworkError, PressworkErrors
from presswork.load.book import load_book

ONE = "manuscript/chapters/one.md"
BACK_YAML = BOOK_YAML + "    - chapters/two.md\n  back:\n    - back/glossary.yaml\n    - back/biographies.yaml\n    - back/chronology.yaml\n"
GLOSSARY = """\
terms:
  - term: hand mould
    definition: The caster's instrument.
  - term: D. of A.
    definition: The Dictionary of Abbreviations.
  - term: matrix
    definition: The copper piece bearing a letter.
"""
BIOGRAPHIES = """\
people:
  - surname: Fyodorov
    given: Ivan
    text: A printer of Moscow.
"""
CHRONOLOGY = """\
columns: [Date, Event]
rows:
  - ["1564", "The Apostol is finished."]
"""
TWO = "# Two\n\n## Ink {#ch-01-ink}\n\nThe [hand mould]{.term}, the D. of A., the [matrix]{.term} and [Fyodorov]{.person}.\n"


def book(small_book, **files: str):
    """A book with a glossary, biographies and a chronology; `files` replace its files by short name."""
    names = {"one": ONE, "two": "manuscript/chapters/two.md", "glossary": "manuscript/back/glossary.yaml",
             "biographies": "manuscript/back/biographies.yaml", "chronology": "manuscript/back/chronology.yaml",
             "book": "manuscript/book.yaml"}  # fmt: skip
    contents = {"book": BACK_YAML, "one": "# One\n\nPlain text.\n", "two": TWO, "glossary": GLOSSARY,
                "biographies": BIOGRAPHIES, "chronology": CHRONOLOGY, **files}  # fmt: skip
    return small_book({names[key]: value for key, value in contents.items()})


def errors(root) -> list[tuple[str, str, int | None]]:
    return [(p.code, p.file.rsplit("/", 1)[-1], p.line) for p in check_book(root) if p.severity == "error"]


THREE_SLIPS = {
    "one": "# One\n\nThe [hand mold]{.term} and [Ivan Fyodorof]{.person}.\n",
    "chronology": 'columns: [Date, Event]\nrows:\n  - ["1564", "The Apostol is finished."]\n   - ["1574", "A primer."]\n',
}


def test_the_sample_book_loads_without_errors_as_before(small_book):
    assert errors(book(small_book)) == []


def test_check_lists_a_wrong_person_a_wrong_term_and_a_yaml_slip_in_one_run(small_book):
    found = errors(book(small_book, **THREE_SLIPS))
    assert found == [("L001", "chronology.yaml", 4), ("K005", "one.md", 3), ("K006", "one.md", 3)]


def test_build_stops_and_prints_every_load_error_one_line_each(small_book):
    result = CliRunner().invoke(main, ["build", "epub", str(book(small_book, **THREE_SLIPS))])
    lines = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert result.exit_code == 1 and len(lines) == 3
    assert any("'hand mold'" in line for line in lines) and any("'Ivan Fyodorof'" in line for line in lines)
    assert any("chronology.yaml:4:" in line for line in lines)


def test_the_errors_read_past_are_raised_together_with_the_book_loaded_around_them(small_book):
    with pytest.raises(PressworkErrors) as caught:
        load_book(book(small_book, **THREE_SLIPS))
    assert len(caught.value.each()) == 3 and caught.value.book is not None


def test_an_error_that_stops_the_loading_is_listed_after_those_read_past(small_book):
    one = "# One\n\n![A press](images/press.png)\n\nA [link](ftp://nowhere).\n"
    assert errors(book(small_book, one=one)) == [("I001", "one.md", 3), ("L001", "one.md", 5)]


def test_a_book_yaml_that_is_not_yaml_still_stops_at_its_first_error(small_book):
    root = book(small_book, book=BACK_YAML + "title: [unclosed\n", one="# One\n\nThe [hand mold]{.term}.\n")
    with pytest.raises(PressworkError) as caught:
        load_book(root)
    assert not isinstance(caught.value, PressworkErrors) and "book.yaml" in str(caught.value.where)


def test_a_yaml_slip_in_a_front_matter_leaves_the_files_other_errors_found(small_book):
    one = "---\ntitle: One: the first\n---\n\nSee [Ivan Fyodorof]{.person} and a missing note[^x].\n"
    found = errors(book(small_book, one=one))
    assert [code for code, _, _ in found] == ["L001", "N001", "K006"] and found[0][2] == 2


def test_marks_into_a_glossary_that_cannot_be_read_are_not_each_reported(small_book):
    found = errors(book(small_book, glossary="terms:\n  - term: hand mould\n   definition: x\n"))
    assert [code for code, _, _ in found] == ["L001"]


# -- near misses ---------------------------------------------------------------------


def hint(root, code: str) -> str:
    return next(p.fix for p in check_book(root) if p.code == code)


def test_an_unknown_id_suggests_the_id_that_ends_with_it(small_book):
    root = book(small_book, one="# One\n\nAs [shown](#ink).\n")
    assert hint(root, "K001").startswith("did you mean 'ch-01-ink'?")


def test_a_missing_image_suggests_the_file_of_a_near_name_in_its_folder(small_book):
    root = book(small_book, one="# One\n\n![A press](images/press-diagramm.png)\n")
    (root / "images").mkdir()
    (root / "images/press-diagram.png").write_bytes(_png())
    assert hint(root, "I001").startswith("did you mean 'images/press-diagram.png'?")


def test_a_person_or_term_spelled_close_to_a_known_one_is_suggested(small_book):
    root = book(small_book, **THREE_SLIPS)
    assert hint(root, "K006").startswith("did you mean 'Ivan Fyodorov'")
    assert hint(root, "K005").startswith("did you mean 'hand mould'?")


def test_a_name_near_nothing_gets_the_plain_hint(small_book):
    root = book(small_book, one="# One\n\n[Zwingli]{.person}.\n")
    assert hint(root, "K006") == "add them to back/biographies.yaml or fix the mark"


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


# -- YAML slips in the author's words ------------------------------------------------

YAML_SLIPS = [
    ("title: The Press: a history\n", 1, "a colon and a space inside the value of 'title'", 'title: "The Press: a history"'),
    ("terms:\n  - term: A\n    definition: x\n   original: y\n", 4, "indented differently", "line it up"),
    ("title: A\n  language: en\n", 2, "indented under the line above", "line its key up"),
    ("title: A\nlanguage en\nslug: b\n", 2, "'language en' has no colon", "key: value"),
    ("terms:\n\t- term: A\n", 2, "a tab in the indentation", "spaces"),
    ('title: "The Press\nlanguage: en\n', 1, 'the quote " opened on this line is never closed', 'end the value with "'),
    ("title: 'The Press\nlanguage: en\n", 1, "the quote ' opened on this line is never closed", "end the value with '"),
    ("people:\n  - x\n  surname: y\n", 3, "a `key: value` line among the `- ` items of a list", "start it with `- `"),
    ('title: "The Press" of Mainz\n', 1, "text after the closing quote", "whole value in quotes"),
    ('rows:\n  - ["1444", "A map."] x\n', 2, "text after the closing bracket", "end the line with ]"),
    ("columns: [Date, Event\nrows: []\n", 1, "the [ opened on this line is not closed", "close it with ]"),
]  # fmt: skip


@pytest.mark.parametrize("text, line, slip, mend", YAML_SLIPS)
def test_a_yaml_slip_is_told_as_what_the_author_did_at_its_line(tmp_path, text: str, line: int, slip: str, mend: str):
    from presswork.load.yamlfile import parse_yaml

    with pytest.raises(PressworkError) as caught:
        parse_yaml(text, tmp_path / "x.yaml")
    error = caught.value
    assert error.where.line == line and error.message.startswith("YAML syntax error: ")
    assert slip in error.message and mend in error.hint
    assert not any(jargon in str(error) for jargon in ("<block", "mapping values", "expected", "scalar", "token"))


def test_a_yaml_slip_in_a_glossary_is_reported_by_check_in_plain_words(small_book):
    root = book(small_book, glossary="terms:\n  - term: hand mould\n    definition: The caster's: instrument.\n")
    problem = next(p for p in check_book(root) if p.code == "L001")
    assert (problem.file, problem.line) == ("manuscript/back/glossary.yaml", 3)
    assert "a colon and a space inside the value of 'definition'" in problem.message and "in quotes" in problem.fix


# -- false positives -----------------------------------------------------------------


def unreferenced(root) -> list[str]:
    return [p.message.rsplit(": ", 1)[-1] for p in check_book(root) if p.code in ("K002", "K003")]


def test_a_term_ending_in_a_full_stop_is_found_in_the_text(small_book):
    assert unreferenced(book(small_book)) == []
    assert unreferenced(book(small_book, two=TWO.replace("the D. of A.,", "the D. of A"))) == ["D. of A."]


def test_a_term_or_person_reached_through_ref_is_referred_to(small_book):
    two = ('# Two\n\nThe [moulds]{.term ref="hand mould"}, the D. of A., [matrices]{.term ref="matrix"} '
           'and [the deacon]{.person ref="Fyodorov"}.\n')  # fmt: skip
    assert unreferenced(book(small_book, two=two)) == []
    assert unreferenced(book(small_book, two=two.replace('{.term ref="matrix"}', ""))) == ["matrix"]


def test_a_space_before_punctuation_in_a_chronology_or_biographies_note_has_its_line(small_book):
    chronology = ('columns: [Date, Event]\ngroups:\n  - title: Early days ,\n    rows:\n      - ["1564", "Finished ."]\n'
                  '      - ["1574", "A primer."]\n      - ["1581", "A Bible !"]\n')  # fmt: skip
    biographies = BIOGRAPHIES + "note: From the sources ; mostly.\n"
    found = [(p.file.rsplit("/", 1)[-1], p.line) for p in check_book(book(small_book, chronology=chronology, biographies=biographies))
             if p.code == "T004"]  # fmt: skip
    assert found == [("biographies.yaml", 5), ("chronology.yaml", 3), ("chronology.yaml", 5), ("chronology.yaml", 7)]
