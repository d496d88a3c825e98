"""The legacy-text importer: one fixture we wrote for each pattern, then the real corpus excerpt."""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pypdf
import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, build, problems, run_epubcheck
from test_page_list import page_list

from presswork.cli import main
from presswork.legacy.blocks import read_blocks
from presswork.legacy.importer import import_legacy, write_report
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


# -- repairs: what the export's own evidence proves, on a fixture of our own ---------------------

REPAIRS = Path(__file__).parent / "fixtures" / "legacy-repairs.txt"


@pytest.fixture(scope="module")
def repaired(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("repairs") / "book"
    report = import_legacy(REPAIRS, out)
    write_report(out, report)
    return out, report


def repairs_at(report, line: int) -> list[str]:
    return [r["repair"] for r in report.repairs if r["line"] == line]


def test_a_repeated_call_where_the_expected_note_has_none_is_that_notes_call(repaired):
    out, report = repaired
    chapter = read(out, "chapters/01-wicks.md")
    assert "kept in the museum.[^9] The tenth never lit.[^10]" in chapter
    assert not report.notes_without_refs and "without a call in the text" not in chapter
    assert repairs_at(report, 21) == ["call 8 made 9: it follows call 8, repeats an earlier call 8, and note 9 had no call"]


def test_repeated_calls_that_nothing_proves_are_kept_and_reported_doubtful(repaired):
    out, report = repaired
    assert "come back.[^14] Ее лампа.[^14]" in read(out, "chapters/01-wicks.md")  # no note 15 to give it
    assert "filled again.[^1] It burned all night.[^4]" in read(out, "chapters/02-oil.md")  # note 4 has its own call
    assert [(r["note"], r["line"]) for r in report.doubtful_calls] == [("14", 48), ("1", 95)]


def test_a_misread_call_mark_and_a_call_written_as_a_link_become_calls(repaired):
    out, report = repaired
    chapter = read(out, "chapters/02-oil.md")
    assert "The smoke rose around him.[^2]\n\nThe lamp was cleaned.[^3] It" in chapter  # a word one letter a line, too
    assert repairs_at(report, 93) == ["call mark [Z](#) made call 2: it stands between calls 1 and 3, and note 2 had no call",
                                      "a paragraph of nothing but a note call: joined to the paragraph before it"]  # fmt: skip
    assert repairs_at(report, 95) == ["the call ^{[3](#)} made call 3"]


def test_captions_after_the_notes_are_a_figure_not_the_last_note(repaired):
    out, report = repaired
    chapter = read(out, "chapters/01-wicks.md")
    assert "[^14]: The last ledger.\n" in chapter and "drawn by" not in chapter.split("[^14]:")[1]
    assert '(images/figure-2.png "A lantern of the shop, drawn by its keeper in 1850. The drawing is lost."){#fig-2}' in chapter
    assert [f["line"] for f in report.figures] == [45, 80]
    assert repairs_at(report, 80)[0].startswith("a caption after note 14") and repairs_at(report, 82)


def test_a_caption_where_an_image_was_dropped_is_a_figure_after_the_paragraph_it_split(repaired):
    out, _ = repaired
    chapter = read(out, "chapters/01-wicks.md")
    assert "open at the page of the spring accounts, as if" in chapter
    assert chapter.index("keeper would come back.") < chapter.index('"Ada Wick (1801–1870)"){#fig-1}')


def test_block_quotations_follow_a_colon_and_end_with_a_call(repaired):
    out, report = repaired
    chapter = read(out, "chapters/01-wicks.md")
    assert "wrote:\n\n> Every wick I cut was measured" in chapter and "burned true.[^11]\n\nThe keeper" in chapter
    assert "> A wick is a promise of light.\n>\n> It is kept by the oil" in chapter  # two paragraphs, one quotation
    assert "\n“The wick,” the guild wrote" in chapter and "\nOpen every day but Sunday.\n\nAfter the winter" in chapter  # prose
    assert "\nOpen every day but Sunday.\n" in read(out, "chapters/02-oil.md")
    assert report.block_quotes == 2
    assert [(q["line"], q["why"].split(":")[0]) for q in report.doubtful_quotes] == [
        (29, "a quotation of 2 paragraphs"), (35, "after a colon, the author quotes inline (“…,” someone says, “…”)"),
        (39, "after a colon, the paragraphs up to the closing call carry other calls or colons"),
        (99, "after a colon, no note call closes what follows")]  # fmt: skip


def test_a_glossary_entry_split_by_a_page_break_is_one_entry(repaired):
    out, report = repaired
    terms = yaml.safe_load(read(out, "back/glossary.yaml"))["terms"]
    assert [t["term"] for t in terms] == ["ASSR", "OGPU", "oblast", "VTsIK"]  # VTsIK: a full stop, after a whole definition
    assert terms[1]["definition"] == "the lamp inspectors of the town; their ledgers were kept by the GPU office. Its clerks [the counters] wrote in blue ink."
    assert repairs_at(report, 115) == ["continues the definition of 'OGPU' across a page break: joined to it"]


def test_emphasis_marks_never_reach_a_glossary_original(repaired, tmp_path: Path):
    out, report = repaired
    terms = yaml.safe_load(read(out, "back/glossary.yaml"))["terms"]
    assert [t["original"] for t in terms[:3]] == ["АССР, автономная республика", "(ОГПУ) Объединённое управление", "область"]
    assert repairs_at(report, 111) == ["the original of 'ASSR' loses the export's emphasis marks"]
    glossary = out / "manuscript" / "back" / "glossary.yaml"  # a hand-written original with emphasis: removed by the loader
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("original: область", "original: '**область**'"), encoding="utf-8")
    assert build(out, "--out", str(tmp_path)).exit_code == 0
    [epub] = tmp_path.glob("*.epub")
    with zipfile.ZipFile(epub) as archive:
        xhtml = archive.read("EPUB/text/glossary.xhtml").decode()
    assert 'xml:lang="ru">область</span>' in xhtml and "*" not in xhtml


def test_a_new_person_starts_only_at_an_entry_heading(repaired):
    out, report = repaired
    people = yaml.safe_load(read(out, "back/biographies.yaml"))["people"]
    assert [(p["surname"], p["given"], p.get("patronymic"), p["aliases"]) for p in people] == [
        ("Bronstein", "Lev", "Davidovich", ["Trotsky"]), ("Marsh", "Ida", "Petrovna", ["Ida M."]),
        ("Zinoviev", "Grigorii", "Evseevich", ["Radomyslsky"])]  # fmt: skip
    assert people[0]["text"] == "Wrote a history of wicks. RSDRP, Member of the Bureau (1905–1907). He joined the guild in 1905."
    assert repairs_at(report, 125) == ["no entry heading: continues the entry of Bronstein across a page break"]


def test_the_report_lists_the_repairs_with_their_lines(repaired):
    out, report = repaired
    text = (out / "import-report.md").read_text(encoding="utf-8")
    section = text.split("## Repairs")[1].split("\n## ")[0]
    assert f"({len(report.repairs)})" in section.splitlines()[0] and len(report.repairs) >= 15
    assert "- 1. Wicks, line 21: call 8 made 9" in section and "- Glossary, line 115: continues the definition of 'OGPU'" in section
    lines = [int(m) for m in re.findall(r"line (\d+):", section)]
    assert lines == sorted(lines)  # in the export's order
    assert "## Note calls repeating an earlier call (kept; doubtful) (2)" in text and "## Doubtful block quotations (4)" in text


def test_the_repaired_fixture_builds_a_valid_epub(repaired, tmp_path: Path):
    out, _ = repaired
    assert build(out, "--out", str(tmp_path)).exit_code == 0
    [epub] = tmp_path.glob("*.epub")
    assert problems(run_epubcheck(epub, tmp_path)) == []
    with zipfile.ZipFile(epub) as archive:
        xhtml = archive.read(next(n for n in archive.namelist() if "01-wicks" in n)).decode()
    assert xhtml.count("<blockquote") == 2 and xhtml.count("<figure") == 2


# -- the real export --------------------------------------------------------------------------

needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="no corpus excerpt (../shared/corpus/ is not beside this checkout)")


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
def test_corpus_every_note_has_its_text_and_no_marker_is_left(corpus_book):
    out, report = corpus_book
    assert report.refs_without_notes == [] and report.doubtful_notes == []  # chapter 6's block opens with a damaged line
    assert report.notes_without_refs == [] and report.residue == []
    assert [c for c in report.counts if c["export"] != c["manuscript"]] == []
    chapters = sorted((out / "manuscript" / "chapters").glob("*.md"))
    assert len(chapters) == 10
    for chapter in chapters:
        text = chapter.read_text(encoding="utf-8")
        assert "note is missing from the export" not in text and "^{" not in text and "](#)" not in text, chapter.name
        assert re.findall(r"^\[\^(\d+)\]:", text, re.M) == [str(n) for n in range(1, len(re.findall(r"^\[\^", text, re.M)) + 1)]


@pytest.mark.slow
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
        for block in section.blocks:  # a word the export set one letter a line counts as that word
            source += words("".join(block.lines) if all(len(line) == 1 for line in block.lines) else block.text)
    with zipfile.ZipFile(epub) as archive:
        xhtml = " ".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("EPUB/text/"))
    xhtml = re.sub(r"</?(?:span|a|em|strong|sup|i|b|cite|dfn)\b[^>]*>", "", xhtml)
    lost = source - words(re.sub(r"<[^>]+>", " ", xhtml))
    assert not lost, lost.most_common(10)
    assert xhtml.count("<blockquote") >= 40  # the block quotations found, where the export kept plain paragraphs
    with zipfile.ZipFile(epub) as archive:
        glossary = archive.read("EPUB/text/glossary.xhtml").decode()
    assert "**" not in glossary and "<strong" not in glossary.split("<dl")[1].split("<dd")[0]
    with zipfile.ZipFile(epub) as archive:  # a page-list marker for every printed page, roman ones included
        files = {n: archive.read(n) for n in archive.namelist()}
    [pdf] = tmp_path.glob("*.pdf")
    assert page_list(files) == list(pypdf.PdfReader(pdf).page_labels)


def corpus_chapter(out: Path, number: int) -> tuple[str, dict[str, str]]:
    """A chapter's body and its notes (label -> text), as the importer wrote them."""
    text = next((out / "manuscript" / "chapters").glob(f"{number:02d}-*.md")).read_text(encoding="utf-8")
    body, _, _ = text.partition("\n[^1]: ")
    notes = dict(re.findall(r"^\[\^(\w+)\]: (.*(?:\n\n    .*)*)", text, re.M))
    return body, notes


@needs_corpus
def test_corpus_chapter_7_calls_run_in_order_without_a_repeat(corpus_book):
    out, report = corpus_book
    body, notes = corpus_chapter(out, 7)
    calls = [int(c) for c in re.findall(r"\[\^(\d+)\]", body)]
    assert calls == list(range(1, len(notes) + 1)) and len(calls) >= 10
    assert "without a call in the text" not in body
    assert any(r["section"].startswith("7.") and r["repair"].startswith("call 2 made 9") for r in report.repairs)
    assert not [r for r in report.doubtful_calls if r["section"].startswith(("5.", "7.", "8."))]  # each repaired
    assert report.doubtful_calls == []  # chapter 6's '¹². …' is its first note's line, not a repeated call


@needs_corpus
def test_corpus_captions_after_the_notes_are_figures(corpus_book):
    out, report = corpus_book
    for number in (7, 8, 9):
        body, notes = corpus_chapter(out, number)
        assert body.rstrip().endswith("}") and "![" in body.rstrip().rsplit("\n\n", 1)[-1]  # the chapter ends with its figure
        assert not [label for label, text in notes.items() if "\n\n" in text]  # no note goes on with a caption
    sections = Counter(f["section"].split(".")[0] for f in report.figures)
    assert sections["5"] >= 5 and sections["9"] >= 6  # the portraits in the body, no longer joined into the prose


@needs_corpus
def test_corpus_glossary_has_no_term_that_continues_a_definition(corpus_book):
    out, report = corpus_book
    terms = yaml.safe_load((out / "manuscript" / "back" / "glossary.yaml").read_text(encoding="utf-8"))["terms"]
    cut = [(a["term"], b["term"]) for a, b in pairwise(terms) if not a["definition"].endswith((".", ")", "]", "”"))]
    assert not cut, cut
    assert all(len(t["term"].split()) <= 5 and "*" not in t.get("original", "") for t in terms)
    assert sum("continues the definition" in r["repair"] for r in report.repairs) >= 2


@needs_corpus
def test_corpus_block_quotations_are_found_and_the_doubtful_reported(corpus_book, tmp_path: Path):
    out, report = corpus_book
    assert report.block_quotes >= 40
    assert sum("block quotation" in r["repair"] for r in report.repairs) == report.block_quotes
    assert report.doubtful_quotes
    body, _ = corpus_chapter(out, 8)
    assert body.count("\n> ") >= 4
    write_report(tmp_path, report)
    text = (tmp_path / "import-report.md").read_text(encoding="utf-8")
    assert re.search(r"^## Repairs .*\(\d{2,}\)$", text, re.M) and re.search(r"^## Doubtful block quotations \(\d+\)$", text, re.M)


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
