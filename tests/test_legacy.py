"""The legacy-text importer: one fixture we wrote for each pattern, then the real corpus excerpt."""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, build, problems, run_epubcheck

from presswork.cli import main
from presswork.legacy.blocks import read_blocks
from presswork.legacy.importer import import_legacy
from presswork.legacy.structure import find_sections, read_contents

FIXTURE = Path(__file__).parent / "fixtures" / "legacy-small.txt"
CORPUS = ROOT.parent / "shared" / "corpus" / "legacy-export-excerpt.txt"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("legacy") / "book"
    report = import_legacy(FIXTURE, out)
    return out, report


def read(out: Path, name: str) -> str:
    return (out / "manuscript" / name).read_text(encoding="utf-8")


def test_metadata_from_the_title_and_copyright_pages(imported):
    out, report = imported
    book = yaml.safe_load(read(out, "book.yaml"))
    assert book["title"] == "A History of Small Things 1900–1910"
    assert book["subtitle"] == "Small Things: A Study"
    assert book["original_title"] == "История мелочей"
    assert book["contributors"] == [{"name": "Ida Marsh", "role": "author"}, {"name": "Paul Dunne", "role": "translator"}]
    assert book["publisher"] == {"name": "Lantern Press", "place": "Exeter"} and book["date"] == "2024"
    assert book["rights"] == "© 2024 Lantern Press. All rights reserved."
    assert book["series"] == {"name": "Small histories", "number": "2"}
    assert book["description"] == "A study of buttons, pins and other small things."
    assert book["subjects"] == ["Buttons — History", "Pins — History"]
    assert book["isbn"] == {"paperback": "9780000000019"}  # the ebook ISBN's check digit is wrong
    assert any("9780000000003" in p and "check digit" in p for p in report.problems)


def test_contents_give_order_and_names_and_mismatches_are_reported(imported):
    out, report = imported
    book = yaml.safe_load(read(out, "book.yaml"))
    assert book["contents"]["front"] == ["front/foreword.md"]
    assert [Path(p).name for p in book["contents"]["body"]] == ["01-buttons.md", "02-pins-and-needles.md"]
    assert report.missing_from_text == ["3. Thimbles"]


def test_empty_chapter_is_kept_and_says_so(imported):
    out, _ = imported
    assert "empty in the export" in read(out, "chapters/02-pins-and-needles.md")


def test_characters_are_kept_exactly(imported):
    out, _ = imported
    text = read(out, "front/foreword.md")
    for piece in ("мо́лот", "№ 5", "«ёлка»", "„quote“", "♦", "Łódź", "Győr"):
        assert piece in text


def test_notes_in_three_shapes_matched_to_their_calls(imported):
    out, report = imported
    chapter = read(out, "chapters/01-buttons.md")
    assert "Exeter[^1]" in chapter and "shed.[^2]" in chapter and "later,[^3]" in chapter
    assert "[^1]: The register is in the city archive." in chapter
    assert "[^2]: A shed belonging to the tailor." in chapter
    assert "[^3]: See the inventory of 1901. It lists 40 buttons." in chapter  # a number and a full stop inside
    assert "Later inventories list more." in chapter.split("[^3]:")[1]  # a note's second paragraph


def test_unmatched_calls_and_notes_are_reported_and_kept(imported):
    out, report = imported
    chapter = read(out, "chapters/01-buttons.md")
    assert {(r["note"], r["line"]) for r in report.refs_without_notes} >= {("4", 62), ("5", 68)}
    assert [(r["note"], r["line"]) for r in report.notes_without_refs] == [("7", 76)]
    assert "[^7]: A note that nothing calls." in chapter and "without a call in the text:]{.import-note}* [^7]" in chapter
    assert "[^4]: *(The text of this note is missing from the export.)*" in chapter


def test_page_break_splits_are_joined(imported):
    out, report = imported
    chapter = read(out, "chapters/01-buttons.md")
    assert "after the workshop closed for the winter." in chapter
    assert "in vol. 12 of the accounts." in chapter  # a split right after an abbreviation
    assert "second in a shed.[^2] The third button" in chapter  # lines of one paragraph
    assert report.joins >= 2


def test_block_quotation_recognised(imported):
    out, report = imported
    assert "> “Buttons are the smallest machines we own.”[^5]" in read(out, "chapters/01-buttons.md")
    assert report.block_quotes == 1


def test_figure_with_missing_image_gets_a_placeholder_and_both_captions(imported):
    out, report = imported
    chapter = read(out, "chapters/01-buttons.md")
    assert re.search(r'!\[[^\]]+\]\(images/figure-1\.png "A button from the workshop, about 1901 — Пуговица из мастерской\."\)', chapter)
    assert (out / "images" / "figure-1.png").is_file()
    assert report.figures[0]["line"] == 78


def test_mixed_script_words_are_flagged_with_their_line(imported):
    _, report = imported
    assert [(w["word"], w["line"], w["scripts"]) for w in report.flagged_words] == [("Bыход", 64, "Latin+Cyrillic")]


def test_glossary_dates_and_biographies(imported):
    out, report = imported
    glossary = yaml.safe_load(read(out, "back/glossary.yaml"))
    assert glossary["terms"] == [
        {"term": "CC", "definition": "Central Committee.", "original": "ЦК", "original_lang": "ru"},
        {"term": "thimble", "definition": "a cap for the finger. It is made of metal."},
    ]
    dates = yaml.safe_load(read(out, "back/chronology.yaml"))
    assert [g["title"] for g in dates["groups"]] == ["First Group", "Later Group"]
    assert dates["groups"][0]["rows"] == [["3 March 1901", "First button"], ["4–5 April 1902", "Second button"]]
    people = yaml.safe_load(read(out, "back/biographies.yaml"))
    marsh, tailor = people["people"]
    assert marsh == {"surname": "Marsh", "given": "Ida", "patronymic": "Petrovna", "aliases": ["Ida M."],
                     "born": "1883-03-09 [1883-03-21]", "died": "1938-02-10",
                     "text": "Born in Exeter. Wrote about buttons."}  # fmt: skip
    assert tailor["born"] == "1850" and tailor["text"] == "Kept a shed. Mended coats in winter."  # joined
    assert people["note"] == "These notes come from the parish records."
    assert (report.glossary_terms, report.chronology_rows, report.biographies) == (2, 3, 2)


def test_imported_fixture_builds(imported):
    out, _ = imported
    result = build(out, "--out", str(out / "build"))
    assert result.exit_code == 0, result.output


def test_cli_json_report_and_refusal_to_overwrite(tmp_path: Path):
    runner = CliRunner()
    result = runner.invoke(main, ["import", "legacy-text", str(FIXTURE), "--out", str(tmp_path / "b"), "--json"])
    assert result.exit_code == 0
    report = json.loads(result.stdout[result.stdout.index("{"):])
    assert report["chapters"] == 2 and report["glossary_terms"] == 2
    again = runner.invoke(main, ["import", "legacy-text", str(FIXTURE), "--out", str(tmp_path / "b")])
    assert again.exit_code == 1 and "already exists and is not empty" in again.output


# -- the real export --------------------------------------------------------------------------

needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason=f"the corpus excerpt is not at {CORPUS}")


@pytest.fixture(scope="module")
def corpus_book(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("corpus") / "book"
    return out, import_legacy(CORPUS, out)


WORD = re.compile(r"[^\W\d_\u00b9\u00b2\u00b3\u2070-\u2079]+")


def words(text: str) -> Counter:
    text = re.sub(r"\[(\d+)\.\]\(#\)", " ", text)
    return Counter(w.casefold().replace("’", "'") for w in WORD.findall(text))


@needs_corpus
def test_corpus_structure_is_found(corpus_book):
    _, report = corpus_book
    assert report.chapters == 10
    assert report.glossary_terms >= 60 and report.chronology_rows >= 20 and report.biographies >= 8
    assert {"Foreword", "Note from the Translator", "Introduction"} <= set(report.sections)
    assert "Conclusion" in report.missing_from_text


@needs_corpus
def test_corpus_mismatched_notes_are_reported_not_lost(corpus_book):
    out, report = corpus_book
    assert report.refs_without_notes and report.notes_without_refs
    for row in report.notes_without_refs:
        chapter = next((out / "manuscript" / "chapters").glob(f"{row['section'].split('.')[0].zfill(2)}-*.md"), None)
        assert chapter is not None and f"[^{row['note']}]:" in chapter.read_text(encoding="utf-8")


@needs_corpus
def test_corpus_builds_to_a_valid_epub_and_loses_no_words(corpus_book, tmp_path: Path):
    out, _ = corpus_book
    result = build(out, "--out", str(tmp_path), fmt="all")
    assert result.exit_code == 0, result.output
    [epub] = [p for p in tmp_path.glob("*.epub") if not p.name.endswith("-kindle.epub")]
    assert [p for p in problems(run_epubcheck(epub, tmp_path)) if not p.startswith("WARNING")] == []
    blocks = read_blocks(CORPUS)
    sections, _ = find_sections(blocks, read_contents(blocks))
    source = Counter()
    for section in sections:
        source += words(section.heading.text)
        for block in section.blocks:
            source += words(block.text)
    with zipfile.ZipFile(epub) as archive:
        xhtml = " ".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("EPUB/text/"))
    xhtml = re.sub(r"</?(?:span|a|em|strong|sup|i|b|cite|dfn)\b[^>]*>", "", xhtml)
    lost = source - words(re.sub(r"<[^>]+>", " ", xhtml))
    assert not lost, lost.most_common(10)


def test_export_without_sections_is_a_clear_error(tmp_path: Path):
    (tmp_path / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["import", "legacy-text", str(tmp_path / "empty.txt"), "--out", str(tmp_path / "b")])
    assert result.exit_code == 1 and "no sections found" in result.output and not (tmp_path / "b").exists()


def test_sections_with_the_same_file_name_and_no_chapters_still_build(tmp_path: Path):
    export = tmp_path / "x.txt"
    export.write_text("Book\n\nContents\n\nПредисловие\n\nВведение\n\nПредисловие\n\nText one.\n\nВведение\n\nText two.\n")
    import_legacy(export, tmp_path / "b")
    book = yaml.safe_load((tmp_path / "b/manuscript/book.yaml").read_text())
    assert book["contents"]["body"] == ["front/section.md", "front/section-2.md"]
    assert build(tmp_path / "b").exit_code == 0
