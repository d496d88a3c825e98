"""`presswork marks`: a proofreader's annotations on the sample's print PDF come back at the
manuscript's file:line:column. The annotations are written the way Acrobat writes them (pikepdf:
quad points, /Contents, /T, /M, /IRT replies) and by a real annotator, pdf.js in chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from click.testing import CliRunner
from conftest import ROOT
from pdfjs_annotator import annotate, pdfjs_root

from presswork.cli import main

# (kind, words to mark as printed, a phrase of their page, the file, a unique source snippet that
# begins with the marked words, the mark's /Contents)
MARKS = [
    ("Highlight", ["glimpse"], "glimpse of printing", "manuscript/chapters/02-mainz.md", "glimpse of printing", "which glimpse?"),
    ("StrikeOut", ["Rhineland"], "Rhineland might earn", "manuscript/chapters/02-mainz.md", "Rhineland might", "Rhine valley"),
    ("Underline", ["Epistles,"], "Acts of the Apostles", "manuscript/back/glossary.yaml", "Epistles,", ""),
    ("Squiggly", ["baked"], "baked clay", "manuscript/back/biographies.yaml", "baked clay", "fired?"),
    ("Caret", ["spectacles."], "without spectacles", "manuscript/chapters/02-mainz.md", "spectacles. I am", "Indeed"),
    ("Text", ["Martinmas…"], "since Martinmas", "manuscript/chapters/01-before-the-press.md", "Martinmas", "check the ellipsis"),
    ("FreeText", ["forgive"], "forgive him", "manuscript/chapters/01-before-the-press.md", "forgive him", "pardon"),
    ("Ink", ["bow,"], "bent like a bow", "manuscript/chapters/01-before-the-press.md", "bow, my eyes", "circled"),
    ("Highlight", ["inven\u2010", "tion"], "inven\u2010 tion", "manuscript/front/foreword.md", "invention and spread", ""),
    ("StrikeOut", ["Fyodorov"], "so Fyodorov tells us", "manuscript/chapters/05-muscovy.md", "Fyodorov]{.person} tells us", "the deacon"),
]


def page_words(pdf: Path) -> list[list[dict]]:
    with pdfplumber.open(pdf) as plumber:
        return [page.extract_words() for page in plumber.pages]


def find(pages: list[list[dict]], words: list[str], phrase: str) -> tuple[int, list[dict]]:
    """The page (0-based) holding `phrase` and the printed words of the mark on it."""
    for index, page in enumerate(pages):
        texts = [w["text"] for w in page]
        if phrase in " ".join(texts):
            for i in range(len(texts)):
                if texts[i : i + len(words)] == words and phrase in " ".join(texts[max(0, i - 8) : i + 8]):
                    return index, page[i : i + len(words)]
    raise LookupError(f"{words} ({phrase!r}) is not in the PDF")


def expected(file: str, snippet: str) -> str:
    text = (ROOT / file).read_text(encoding="utf-8")
    assert text.count(snippet) == 1, f"{snippet!r} is not unique in {file}"
    offset = text.index(snippet)
    return f"{file}:{text.count(chr(10), 0, offset) + 1}:{offset - text.rfind(chr(10), 0, offset)}"


def add(pdf: pikepdf.Pdf, index: int, kind: str, words: list[dict], contents: str, **extra) -> pikepdf.Dictionary:
    """An annotation as Acrobat writes it: a quad per word (upper left, upper right, lower left, lower right)."""
    page = pdf.pages[index]
    height = float(page.mediabox[3])
    quads = []
    for w in words:
        x0, x1, y0, y1 = w["x0"], w["x1"], height - w["bottom"], height - w["top"]
        quads += [x0, y1, x1, y1, x0, y0, x1, y0]
    xs, ys = quads[0::2], quads[1::2]
    rect = [min(xs), min(ys), max(xs), max(ys)]
    if kind == "Caret":  # a caret stands just after the word
        rect = [rect[2], rect[1], rect[2] + 4, rect[3]]
    elif kind == "Text":  # a sticky note's icon sits over the word's start
        rect = [rect[0], rect[1], rect[0] + 12, rect[1] + 12]
    annot = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name("/" + kind), Rect=rect,
                               Contents=pikepdf.String(contents), T=pikepdf.String("Anna Reader"),
                               M=pikepdf.String("D:20250314093000+01'00'"), **extra)  # fmt: skip
    if kind in ("Highlight", "StrikeOut", "Underline", "Squiggly"):
        annot.QuadPoints = quads
    if kind == "Ink":
        annot.InkList = [[rect[0], rect[1], rect[2], rect[3]]]
    annot = pdf.make_indirect(annot)
    if "/Annots" not in page.obj:
        page.obj.Annots = pikepdf.Array()
    page.obj.Annots.append(annot)
    return annot


@pytest.fixture(scope="module")
def annotated(sample_pdf: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list]:
    """The sample PDF with MARKS, a reply to the first, a mark on a running head and one on the contents."""
    out = tmp_path_factory.mktemp("marks") / "annotated.pdf"
    pages = page_words(sample_pdf)
    places = []
    with pikepdf.open(sample_pdf) as pdf:
        for kind, words, phrase, _file, _snippet, contents in MARKS:
            index, found = find(pages, words, phrase)
            places.append(index)
            annot = add(pdf, index, kind, found, contents)
            if len(places) == 1:
                add(pdf, index, "Text", found[:1], "yes, keep it", IRT=annot, RT=pikepdf.Name.R)
        head = next(i for i, page in enumerate(pages) if page and page[0]["top"] < 30 and page[1]["text"] == "The")
        add(pdf, head, "Highlight", pages[head][1:2], "running head too long")
        contents = next(i for i, page in enumerate(pages) if page and page[0]["text"] == "Contents")
        add(pdf, contents, "Highlight", pages[contents][3:4], "")
        pdf.save(out)
    return out, [str(i + 1) for i in places], [head + 1, contents + 1]


def run(*args: str):
    return CliRunner().invoke(main, ["marks", *map(str, args)])


def build_id(pdf: Path) -> str:
    """The build id the PDF's source map carries, read as any PDF reader would."""
    with pikepdf.open(pdf) as opened:
        return json.loads(opened.Root.PressworkSourceMap.read_bytes())["build"]


def test_every_kind_of_mark_comes_back_at_its_file_line_and_column(annotated):
    pdf, _pages, _ = annotated
    result = run(pdf, ROOT)
    assert result.exit_code == 0, result.output
    for kind, words, _phrase, file, snippet, contents in MARKS:
        [line] = [line for line in result.output.splitlines() if f'"{contents}"' in line] if contents else \
                 [line for line in result.output.splitlines() if f'"{words[0].rstrip(chr(0x2010))}' in line]  # fmt: skip
        assert line.startswith(expected(file, snippet) + ": "), (kind, words, line)


def test_a_mark_says_what_it_asks_for_with_its_folio_author_and_reply(annotated, sample_pdf: Path):
    pdf, pages, _ = annotated
    records = {r["text"]: r for r in json.loads(run(pdf, ROOT, "--json").output)}
    labels = pikepdf.open(sample_pdf)
    first = records["glimpse"]
    assert (first["kind"], first["text"], first["comment"], first["author"]) == ("highlight", "glimpse", "which glimpse?", "Anna Reader")
    assert first["page"] == int(pages[0]) and first["folio"] == str(pikepdf.Page(labels.pages[int(pages[0]) - 1]).label)
    assert first["folio"] != str(first["page"])  # the printed folio, not the physical page
    assert first["date"] == "2025-03-14 09:30"
    assert first["replies"] == [{"author": "Anna Reader", "date": "2025-03-14 09:30", "comment": "yes, keep it"}]
    assert len(records) == len(MARKS) + 2  # the reply is no mark of its own
    output = run(pdf, ROOT).output
    assert ': strike "Rhineland" → "Rhine valley" (p. ' in output
    assert ': insert "Indeed" after "spectacles."' in output
    assert ': text "pardon" at "forgive"' in output
    assert records["invention"]["kind"] == "highlight"  # a word broken across lines, whole again


def test_marks_on_running_heads_and_generated_pages_say_what_they_belong_to(annotated):
    pdf, _pages, (head, contents) = annotated
    records = {r["page"]: r for r in json.loads(run(pdf, ROOT, "--json").output)}
    assert records[head]["file"] is None and "running head" in records[head]["belongs_to"]
    assert records[contents]["file"] is None and "contents" in records[contents]["belongs_to"]


def test_words_not_in_the_manuscript_are_placed_by_their_context_and_said_so(annotated, tmp_path: Path):
    book = tmp_path / "book"
    shutil.copytree(ROOT / "manuscript", book / "manuscript")
    shutil.copytree(ROOT / "images", book / "images")
    shutil.copytree(ROOT / "styles", book / "styles")
    chapter = book / "manuscript/chapters/02-mainz.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("glimpse of printing", "sight of printing"), encoding="utf-8")
    pdf, _pages, _ = annotated
    result = run(pdf, book, "--json")
    [warning] = [line for line in result.stderr.splitlines()]
    assert warning == f"warning: {pdf}: from another build of the book (build {build_id(pdf)[:12]}; changed since: " \
                      "manuscript/chapters/02-mainz.md): marks placed by their text"  # fmt: skip
    [first] = [r for r in json.loads(result.stdout) if r["text"] == "glimpse"]
    assert first["exact"] is False and first["by"] == "text" and first["file"] == "manuscript/chapters/02-mainz.md"
    assert first["line"] == 14 and first["column"] == 495  # where "glimpse" stood, after the words before it
    [line] = [line for line in run(pdf, book).output.splitlines() if '"glimpse"' in line]
    assert "placed by the words around it" in line
    assert all(r["exact"] for r in json.loads(run(pdf, ROOT, "--json").output) if r["file"])


def test_the_html_report_lists_every_mark(annotated, tmp_path: Path):
    pdf, _pages, _ = annotated
    report = tmp_path / "marks.html"
    assert run(pdf, ROOT, "--html", report).exit_code == 0
    page = report.read_text(encoding="utf-8")
    assert page.count("<tr>") == len(MARKS) + 2 and "Rhine valley" in page


def test_a_file_that_is_no_pdf_is_one_line_of_error(tmp_path: Path):
    bad = tmp_path / "proof.pdf"
    bad.write_bytes(b"not a pdf")
    result = run(bad, ROOT)
    assert result.exit_code == 1 and "not a PDF presswork can read" in result.output
    alone = subprocess.run([sys.executable, "-c", "from presswork.cli import main; main()", "marks", str(bad), str(ROOT)],
                           capture_output=True, text=True)  # fmt: skip
    assert alone.returncode == 1 and alone.stderr.count("\n") == 1, alone.stderr  # the PDF reader's own logs are quiet
    assert "Traceback" not in result.output


@pytest.mark.slow  # chromium and pdf.js
def test_marks_made_with_pdfjs_come_back_at_their_lines(sample_pdf: Path, browser, tmp_path: Path):
    """Firefox's PDF viewer as the proofreader's tool: highlights dragged over words, a free text typed."""
    pdfjs = pdfjs_root()
    if pdfjs is None:
        pytest.skip("npm install -g pdfjs-dist@5 (make system-deps) for the pdf.js annotator")
    pages = page_words(sample_pdf)
    chosen = [MARKS[0], MARKS[1], MARKS[5]]
    numbers = [find(pages, words, phrase)[0] + 1 for _k, words, phrase, *_ in chosen]
    marked = tmp_path / "pdfjs.pdf"
    marked.write_bytes(annotate(browser, sample_pdf, pdfjs, [(numbers[0], "glimpse"), (numbers[1], "Rhineland")],
                                [(numbers[2], "Martinmas", "the the")]))  # fmt: skip
    found = {r["text"]: r for r in json.loads(run(marked, ROOT, "--json").stdout)}
    records = [found.get(text) for text in ("glimpse", "Rhineland", "Martinmas...")]  # NFKC: the ellipsis as three full stops
    assert [(r["kind"], r["page"]) for r in records] == [("highlight", numbers[0]), ("highlight", numbers[1]), ("text", numbers[2])], found
    assert records[2]["comment"] == "the the"
    for record, (_k, _w, _p, file, snippet, _c) in zip(records, chosen):
        assert f"{record['file']}:{record['line']}:{record['column']}" == expected(file, snippet)
