"""The importer tells the truth: a damaged export per shape (note blocks numbered in every form, a
damaged first note line, notes split off by a page break, combined and ranged calls, nicknames in
biography headings), each imported with every note matched, no marker left and counts that agree;
what is left is found by `check` (N007) and refused by `build --strict` and `dist`, as are S001 words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import build
from PIL import Image

from presswork.check.book import check_book
from presswork.cli import main
from presswork.legacy.importer import import_legacy

HEAD = """\
Quiet Harbours

Contents

[1. Tides](#)

[2. Lamps](#)

1. Tides

"""
LAMPS = """
2. Lamps

The keepers lit the lamps at dusk.\u00b9 Nobody remembers who trimmed the wicks.\u00b2

1. A ledger of oil, kept at the harbour office.

2. The wick trimmer's name is lost.
"""
BODY = ("The tide tables were printed on thin paper.\u00b9 Sailors folded them into their caps.\u00b2 "
        "The harbour master kept a second copy.\u00b3\n\n")


def export(tmp_path: Path, notes: str, body: str = BODY, lamps: str = LAMPS) -> Path:
    path = tmp_path / "export.txt"
    path.write_text(HEAD + body + notes + lamps, encoding="utf-8")
    return path


def imported(tmp_path: Path, notes: str, body: str = BODY, lamps: str = LAMPS):
    out = tmp_path / "book"
    report = import_legacy(export(tmp_path, notes, body, lamps), out)
    chapter = next((out / "manuscript" / "chapters").glob("01-*.md")).read_text(encoding="utf-8")
    return out, report, chapter


def assert_truthful(report, chapter: str, notes: dict[str, str]) -> None:
    """Every note matched with its text, nothing missing or uncalled, no residue, every count agreeing."""
    assert report.refs_without_notes == [] and report.notes_without_refs == [] and report.doubtful_notes == []
    assert report.residue == []
    assert [c for c in report.counts if c["export"] != c["manuscript"]] == [] and report.counts
    for label, text in notes.items():
        assert f"[^{label}]: {text}" in chapter
    assert "missing from the export" not in chapter


NOTE_TEXTS = {"1": "Printed in Leith.", "2": "A habit of the older crews.", "3": "It is in the museum now."}


@pytest.mark.parametrize("shape", [
    "1. {1}\n\n2. {2}\n\n3. {3}\n",
    "[1.](#) {1}\n\n[2.](#) {2}\n\n[3.](#) {3}\n",
    "- [1.](#) {1}\n- [2.](#) {2}\n- [3.](#) {3}\n",
    "\u00b9. {1}\n\n\u00b2. {2}\n\n\u00b3. {3}\n",
    "^{{1}} {1}\n\n^{{2}} {2}\n\n^{{3}} {3}\n",
    "[1] {1}\n\n[2] {2}\n\n[3] {3}\n",
    "1. {1}\n\n- [2.](#) {2}\n\n\u00b3. {3}\n",  # one block, three shapes
], ids=["plain", "linked", "listed", "superscript", "caret", "bracketed", "mixed"])  # fmt: skip
def test_a_note_block_in_every_shape_is_read(tmp_path: Path, shape: str):
    _, report, chapter = imported(tmp_path, shape.format(None, *NOTE_TEXTS.values()))
    assert_truthful(report, chapter, NOTE_TEXTS)


@pytest.mark.parametrize("first", ["\u00b9\u00b2. {1}", "l. {1}", "[l.](#) {1}"], ids=["superscript-run", "letter-l", "linked-l"])
def test_a_damaged_first_note_line_is_note_1_when_note_2_follows(tmp_path: Path, first: str):
    notes = first.format(None, NOTE_TEXTS["1"]) + "\n\n- [2.](#) {}\n- [3.](#) {}\n".format(NOTE_TEXTS["2"], NOTE_TEXTS["3"])
    _, report, chapter = imported(tmp_path, notes)
    assert_truthful(report, chapter, NOTE_TEXTS)
    assert any("damaged" in r["repair"] and "note 1" in r["repair"] for r in report.repairs)


def test_without_the_damaged_line_note_1_is_reported_missing_so_the_check_can_fail(tmp_path: Path):
    _, report, chapter = imported(tmp_path, "2. {}\n\n3. {}\n".format(NOTE_TEXTS["2"], NOTE_TEXTS["3"]))
    assert [r["note"] for r in report.refs_without_notes] == ["1"]
    assert "[^1]: *(The text of this note is missing from the export.)*" in chapter
    assert [c for c in report.counts if c["export"] != c["manuscript"]] == []  # the export has two notes: both written


def test_a_note_left_among_the_paragraphs_is_found_not_called_missing(tmp_path: Path):
    body = BODY.replace("\n\n", "\n\n3. {}\n\nThe office closed in winter.\n\n".format(NOTE_TEXTS["3"]))
    _, report, chapter = imported(tmp_path, "1. {}\n\n2. {}\n".format(NOTE_TEXTS["1"], NOTE_TEXTS["2"]), body=body)
    assert_truthful(report, chapter, NOTE_TEXTS)
    assert "The office closed in winter." in chapter.split("[^1]:")[0]


def test_notes_a_page_break_put_after_the_next_heading_go_back_to_their_chapter(tmp_path: Path):
    lamps = LAMPS.replace("2. Lamps\n", "2. Lamps\n\n3. {}\n".format(NOTE_TEXTS["3"]))
    out, report, chapter = imported(tmp_path, "1. {}\n\n2. {}\n".format(NOTE_TEXTS["1"], NOTE_TEXTS["2"]), lamps=lamps)
    assert_truthful(report, chapter, NOTE_TEXTS)
    second = next((out / "manuscript" / "chapters").glob("02-*.md")).read_text(encoding="utf-8")
    assert NOTE_TEXTS["3"] not in second and "[^1]: A ledger of oil" in second


def test_a_note_number_inside_a_paragraph_is_doubtful_not_missing(tmp_path: Path):
    body = BODY + "The office closed in winter.\n3. Perhaps this is the note, perhaps a list.\n\n"
    _, report, _ = imported(tmp_path, "1. {}\n\n2. {}\n".format(NOTE_TEXTS["1"], NOTE_TEXTS["2"]), body=body)
    assert report.refs_without_notes == []
    assert [(r["note"], r["line"]) for r in report.doubtful_notes] == [("3", 14)]


@pytest.mark.parametrize("calls,labels", [
    ("^{1, 2}", ["1", "2"]), ("^{1–3}", ["1", "2", "3"]), ("\u00b9,\u00b2", ["1", "2"]), ("^{[1](#), [2](#)}", ["1", "2"]),
])  # fmt: skip
def test_combined_and_ranged_calls_are_one_call_a_note_in_order(tmp_path: Path, calls: str, labels: list[str]):
    body = f"Every pier had its own light.{calls} The rest were dark.\u00b3\n\n" if "3" not in labels else \
           f"Every pier had its own light.{calls}\n\n"  # fmt: skip
    _, report, chapter = imported(tmp_path, "1. {}\n\n2. {}\n\n3. {}\n".format(*NOTE_TEXTS.values()), body=body)
    assert_truthful(report, chapter, NOTE_TEXTS)
    assert "light." + "".join(f"[^{label}]" for label in labels) in chapter


def test_markers_nothing_reads_are_residue_in_the_report_and_in_check(tmp_path: Path):
    body = BODY + "A call nobody could read.^{x, y}\n\n- [9.](#) A stray list item.\n\n"
    out, report, chapter = imported(tmp_path, "1. {}\n\n2. {}\n\n3. {}\n".format(*NOTE_TEXTS.values()), body=body)
    assert [(r["line"], r["marker"]) for r in report.residue] == [(13, "^{x, y}"), (15, "[9.](#)")]
    found = [(p.code, p.line) for p in check_book(out) if p.code == "N007"]
    assert len(found) == 2 and all(code == "N007" for code, _ in found)


def test_check_finds_no_residue_in_ordinary_prose(small_book):
    book = small_book({"manuscript/chapters/one.md": "# One\n\nIn 1917. Then 12 of them.[^1] See [the list](#x).\n\n[^1]: A note.\n"})
    assert [p for p in check_book(book) if p.code == "N007"] == []


BIOGRAPHIES = """\
Quiet Harbours

Contents

[1. Tides](#)

[Biographical Notes](#)

1. Tides

The tide tables were printed on thin paper.

Biographical Notes

MARLOW, Edith Anne (1850–1921). Keeper of the north light.

MARLOW, Jonah (Old Jon) Peter (1848–1919). Her husband, who kept the south light.

FENN [FENWICK], Arthur (Lampy) (1861–1930). Trimmed the wicks for forty years.

PRIOR (THE DEACON), Silas (1840–1901). Rang the fog bell.
"""


def test_nicknames_in_round_or_square_brackets_are_one_person_each(tmp_path: Path):
    path = tmp_path / "export.txt"
    path.write_text(BIOGRAPHIES, encoding="utf-8")
    report = import_legacy(path, tmp_path / "book")
    people = yaml.safe_load((tmp_path / "book" / "manuscript" / "back" / "biographies.yaml").read_text(encoding="utf-8"))["people"]
    assert [(p["surname"], p.get("aliases")) for p in people] == [
        ("Marlow", None), ("Marlow", ["Old Jon"]), ("Fenn", ["Fenwick", "Lampy"]), ("Prior", ["The Deacon"])]
    assert {"what": "people", "section": "", "export": 4, "manuscript": 4} in report.counts


def test_placeholders_are_labelled_legibly_and_not_reported_too_coarse(tmp_path: Path):
    out, report, _ = imported(tmp_path, "1. {}\n\n2. {}\n\n3. {}\n".format(*NOTE_TEXTS.values()),
                              body=BODY + "\n\n\nA lamp room in 1890 (photograph)\n\n")  # fmt: skip
    [figure] = report.figures
    image = Image.open(out / figure["image"])
    dark = [y for y in range(image.height) if any(sum(image.getpixel((x, y))) < 300 for x in range(60, 1100, 3))]
    assert max(dark) - min(dark) > 80  # a title and a caption of ~40 px: some 11 pt at the text width, not 3 pt
    codes = {p.code for p in check_book(out)}
    assert "I006" in codes and "I003" not in codes


def _mixed_script_book(small_book) -> Path:
    return small_book({"manuscript/chapters/one.md": "# One\n\nThe word Bоlshevik has a Cyrillic о.\n"})


def test_strict_build_and_dist_refuse_words_mixing_scripts(small_book, tmp_path: Path):
    book = _mixed_script_book(small_book)
    result = build(book, "--strict", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "1 word mixing scripts" in result.output and not (tmp_path / "out").exists()
    result = CliRunner().invoke(main, ["dist", str(book), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 1 and "word mixing scripts" in result.output and "Traceback" not in result.output


def test_a_word_the_book_accepts_in_check_ignore_passes_the_gate(small_book, tmp_path: Path):
    book = _mixed_script_book(small_book)
    yaml_path = book / "manuscript" / "book.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8") + "check:\n  ignore: [S001]\n", encoding="utf-8")
    result = build(book, "--strict", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output


def test_strict_build_refuses_residue(small_book, tmp_path: Path):
    book = small_book({"manuscript/chapters/one.md": "# One\n\nTwo notes here.^{4, 5}\n"})
    result = build(book, "--strict", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "1 note marker left in the text" in result.output
    assert re.search(r"N007", result.output)
