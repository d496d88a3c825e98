"""Twenty marks of every kind — highlight, underline, strike-out, squiggly, caret, sticky note, free
text, ink with a note — on known words on pages across the book (body, footnote, glossary,
biography, block quotation, a word hyphenated across lines) come back at the file:line:column the
words were written at, with the words printed, through the PDF's source map: on the sample and on
the full-size synthetic book, written the way Acrobat writes them (pikepdf), and by pdf.js in
chromium. The places are worked out from the manuscript and the built PDF (`markplaces`), never
from page numbers written down. The map survives a viewer's incremental save."""

from __future__ import annotations

import hashlib
import json
import resource
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import ROOT, build
from markplaces import Place, places, spread, where
from pdfjs_annotator import annotate, pdfjs_root
from pypdf import PdfWriter
from test_marks import add

from presswork.cli import main

# (category, annotation subtype): 20 marks, every kind two or three times, every category
SLOTS = [("body", "Highlight"), ("body", "Caret"), ("body", "Text"), ("body", "FreeText"), ("body", "Ink"),
         ("footnote", "Underline"), ("footnote", "StrikeOut"), ("footnote", "Caret"), ("footnote", "Squiggly"),
         ("glossary", "Text"), ("glossary", "Highlight"), ("glossary", "Ink"),
         ("biography", "FreeText"), ("biography", "StrikeOut"), ("biography", "Squiggly"),
         ("block quotation", "Underline"), ("block quotation", "Caret"), ("block quotation", "FreeText"),
         ("hyphenated", "Highlight"), ("hyphenated", "StrikeOut")]  # fmt: skip
QUADS = {"Highlight", "Underline", "StrikeOut", "Squiggly"}  # the rest mark a box, so their words stand on one line


def chosen(root: Path, pdf: Path) -> list[Place]:
    """A place for each slot, each category's spread over the pages it can be found on."""
    found = places(root, pdf)
    out: list[Place | None] = [None] * len(SLOTS)
    for category in dict.fromkeys(c for c, _ in SLOTS):
        slots = [i for i, (c, _) in enumerate(SLOTS) if c == category]
        for slot, place in zip(slots, spread(found.get(category, []), [fits(SLOTS[i][1]) for i in slots])):
            out[slot] = place
    return out  # type: ignore[return-value]


def fits(kind: str):
    """What a place must be for a kind of mark: a box's words on one line; a sticky note's word (the
    one under its icon, which is 12 pt wide) three letters long at least."""
    if kind in QUADS:
        return lambda place: True
    if kind == "Text":
        return lambda place: place.one_line and len(place.words[0]["text"]) >= 3
    return lambda place: place.one_line


def annotated(pdf: Path, targets: list[Place], out: Path) -> None:
    with pikepdf.open(pdf) as opened:
        for number, ((_, kind), place) in enumerate(zip(SLOTS, targets), 1):
            add(opened, place.page, kind, place.words, f"mark {number}")
        opened.save(out)


def expected(root: Path, kind: str, place: Place) -> tuple[str, str]:
    """Where a mark should come back, and its words: a caret marks the word before it, a sticky
    note the word under its icon, the others every word they cover."""
    if kind == "Caret":
        return where(root, place.file, place.last), place.text(place.words[-1:])
    if kind == "Text":
        return where(root, place.file, place.first), place.text(place.words[:1])
    return where(root, place.file, place.first), place.text()


def marks(pdf: Path, root: Path, *options: str) -> list[dict]:
    result = CliRunner().invoke(main, ["marks", str(pdf), str(root), "--json", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def check_round(root: Path, pdf: Path, tmp_path: Path) -> tuple[int, int, float]:
    """Twenty marks on `pdf` of the book in `root`: (placed right, total, CPU seconds of `marks`)."""
    targets = chosen(root, pdf)
    pages = sorted({p.page for p in targets})
    assert len(pages) >= 12 and pages[-1] - pages[0] > len(pikepdf.open(pdf).pages) // 2  # across the book
    marked = tmp_path / "marked.pdf"
    annotated(pdf, targets, marked)
    before = resource.getrusage(resource.RUSAGE_SELF)
    records = {r["comment"]: r for r in marks(marked, root)}
    after = resource.getrusage(resource.RUSAGE_SELF)
    right = 0
    for number, ((category, kind), place) in enumerate(zip(SLOTS, targets), 1):
        record = records[f"mark {number}"]
        at, text = expected(root, kind, place)
        got = f"{record['file']}:{record['line']}:{record['column']}"
        assert (got, record["text"], record["by"]) == (at, text, "source map"), (category, kind, place.page + 1, record)
        right += 1
    return right, len(SLOTS), after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def test_twenty_marks_on_the_sample_come_back_at_their_lines(sample_pdf: Path, tmp_path: Path):
    right, total, _seconds = check_round(ROOT, sample_pdf, tmp_path)
    assert right == total == 20


def test_the_source_map_survives_an_incremental_save_and_a_full_one(sample_pdf: Path, tmp_path: Path):
    """A viewer that appends its changes (Acrobat's Save; pypdf's incremental writer here) and one
    that writes the file anew (pikepdf, as Save As does) both keep the map, and the marks are placed
    through it."""
    [place] = spread(places(ROOT, sample_pdf)["body"], [fits("Highlight")])
    appended = tmp_path / "appended.pdf"
    writer = PdfWriter(sample_pdf, incremental=True)
    box = [place.words[0]["x0"], 100, place.words[-1]["x1"], 120]
    height = float(writer.pages[place.page].mediabox.top)
    top, bottom = height - place.words[0]["top"], height - place.words[0]["bottom"]
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

    quads = [place.words[0]["x0"], top, place.words[-1]["x1"], top, place.words[0]["x0"], bottom, place.words[-1]["x1"], bottom]
    annotation = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Highlight"),
                                   NameObject("/Rect"): ArrayObject(FloatObject(v) for v in box),
                                   NameObject("/QuadPoints"): ArrayObject(FloatObject(v) for v in quads),
                                   NameObject("/Contents"): TextStringObject("appended")})  # fmt: skip
    writer.add_annotation(place.page, annotation)
    with appended.open("wb") as out:
        writer.write(out)
    assert appended.read_bytes().startswith(sample_pdf.read_bytes())  # the original bytes, changes appended
    rewritten = tmp_path / "rewritten.pdf"
    with pikepdf.open(appended) as pdf:
        pdf.save(rewritten)
    for saved in (appended, rewritten):
        [record] = marks(saved, ROOT)
        assert (f"{record['file']}:{record['line']}:{record['column']}", record["text"], record["by"]) == \
               (where(ROOT, place.file, place.first), place.text(), "source map")  # fmt: skip


def test_a_pdf_of_another_build_is_placed_by_text_with_a_warning_or_refused(sample_pdf: Path, tmp_path: Path):
    book = tmp_path / "book"
    for folder in ("manuscript", "images", "styles"):
        shutil.copytree(ROOT / folder, book / folder)
    [place] = spread(places(ROOT, sample_pdf)["body"], [fits("Highlight")])
    marked = tmp_path / "marked.pdf"
    with pikepdf.open(sample_pdf) as pdf:
        add(pdf, place.page, "Highlight", place.words, "a mark")
        pdf.save(marked)
    assert marks(marked, book)[0]["by"] == "source map"  # a copy of the book, unchanged: the same build
    glossary = book / "manuscript/back/glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["marks", str(marked), str(book), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["by"] == "text"
    assert result.stderr.count("\n") == 1 and "from another build of the book" in result.stderr
    assert "changed since: manuscript/back/glossary.yaml" in result.stderr
    strict = CliRunner().invoke(main, ["marks", str(marked), str(book), "--strict"])
    assert strict.exit_code == 1 and strict.stdout == "" and strict.stderr.startswith(f"error: {marked}: from another build")
    assert "Traceback" not in strict.output


def test_the_build_id_comes_from_the_content_not_the_clock(sample_pdf: Path, tmp_path: Path):
    assert build(ROOT, "--out", str(tmp_path), fmt="pdf").exit_code == 0
    assert (tmp_path / "pressmans-craft.pdf").read_bytes() == sample_pdf.read_bytes()  # two builds, the same bytes
    with pikepdf.open(sample_pdf) as pdf:
        data = json.loads(pdf.Root.PressworkSourceMap.read_bytes())
    files = {name: digest for name, digest in data["files"]}
    for name, digest in files.items():  # each file the map names, as it is now
        assert hashlib.sha256((ROOT / name).read_bytes()).hexdigest() == digest
    assert "manuscript/back/glossary.yaml" in files and "manuscript/chapters/02-mainz.md" in files
    content = {key: value for key, value in data.items() if key != "build"}
    assert data["build"] == hashlib.sha256(json.dumps(content, separators=(",", ":")).encode()).hexdigest()[:32]


@pytest.mark.slow  # chromium and pdf.js
def test_marks_made_with_pdfjs_across_the_book_come_back_at_their_lines(sample_pdf: Path, browser, tmp_path: Path):
    pdfjs = pdfjs_root()
    if pdfjs is None:
        pytest.skip("npm install -g pdfjs-dist@5 (make system-deps) for the pdf.js annotator")
    found = places(ROOT, sample_pdf)
    # pdf.js's highlight tool dragged over a word: the first word of a place, where it is its page's first such word
    first = lambda p: p.one_line and all(w["text"] != p.words[0]["text"] for w in _page_words_before(sample_pdf, p))  # noqa: E731
    lit = [spread(found[c], [first])[0] for c in ("body", "footnote", "glossary", "biography", "block quotation")]
    marked = tmp_path / "pdfjs.pdf"
    marked.write_bytes(annotate(browser, sample_pdf, pdfjs, [(p.page + 1, p.words[0]["text"].strip(".,;:")) for p in lit], []))
    records = marks(marked, ROOT)
    assert len(records) == len(lit)
    for place in lit:
        [record] = [r for r in records if r["page"] == place.page + 1]
        assert (f"{record['file']}:{record['line']}:{record['column']}", record["by"]) == (where(ROOT, place.file, place.first), "source map")
        assert record["kind"] == "highlight" and record["text"].strip(".,;:") == place.words[0]["text"].strip(".,;:")


def _page_words_before(pdf: Path, place: Place) -> list[dict]:
    import pdfplumber

    with pdfplumber.open(pdf) as plumber:
        words = plumber.pages[place.page].extract_words()
    return [w for w in words if (w["top"], w["x0"]) < (place.words[0]["top"] - 1, 0) or
            (abs(w["top"] - place.words[0]["top"]) < 1 and w["x0"] < place.words[0]["x0"] - 1)]  # fmt: skip


@pytest.mark.slow  # the full-size book's PDF (about 560 pages)
def test_twenty_marks_on_the_full_size_book_come_back_at_their_lines(tmp_path_factory: pytest.TempPathFactory):
    from synthbook import generate  # tools/, on pytest's pythonpath

    root = tmp_path_factory.mktemp("fullsize-marks") / "book"
    generate(root)
    assert build(root, "--out", str(root / "build"), fmt="pdf").exit_code == 0
    [pdf] = (root / "build").glob("*.pdf")
    right, total, seconds = check_round(root, pdf, tmp_path_factory.mktemp("fullsize-marked"))
    print(f"full-size book: {right}/{total} marks placed right; marks took {seconds:.1f} CPU s")
    assert right == total == 20


def test_a_pdf_whose_pages_changed_since_the_build_is_placed_by_text(sample_pdf: Path, tmp_path: Path):
    """A page taken out (the title page, before any marked page) leaves the map's pages beside the
    wrong ones: it is not used."""
    [place] = spread(places(ROOT, sample_pdf)["body"], [fits("Highlight")])
    cut = tmp_path / "cut.pdf"
    with pikepdf.open(sample_pdf) as pdf:
        add(pdf, place.page, "Highlight", place.words, "a mark")
        del pdf.pages[0]
        pdf.save(cut)
    result = CliRunner().invoke(main, ["marks", str(cut), str(ROOT), "--json"])
    assert result.exit_code == 0 and "no source map of its pages" in result.stderr
    [record] = json.loads(result.stdout)
    assert record["by"] == "text" and f"{record['file']}:{record['line']}:{record['column']}" == where(ROOT, place.file, place.first)
