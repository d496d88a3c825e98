"""PDF/UA-1 of the digital edition, judged on the built file: `presswork preflight --standard
pdf/ua-1` (Matterhorn checkpoints), with outloud and pdfua (PyPI) as second and third opinions;
page furniture as pagination artifacts, /Lang on foreign passages, links and notes, header cells'
scope, labels text extraction reads as words (print and digital), and a screen-reader-like walk
of the structure tree. Each check of preflight is shown failing on a file broken for it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from click.testing import CliRunner
from conftest import ROOT, build_sample

from presswork.cli import main
from presswork.load.book import load_book
from presswork.preflight.pdfua import pdfua1

NAME = "pressmans-craft-digital.pdf"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def digital(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory, "digital") / NAME


def codes(path: Path) -> dict[str, list[int | None]]:
    found: dict[str, list[int | None]] = defaultdict(list)
    for finding in pdfua1(path):
        found[finding.code].append(finding.page)
    return found


def test_the_digital_pdf_passes_the_pdfua_preflight(digital: Path):
    result = CliRunner().invoke(main, ["preflight", str(digital), "--standard", "pdf/ua-1"])
    assert result.exit_code == 0, result.output
    assert pdfua1(digital) == []


def broken(digital: Path, tmp_path: Path, change) -> Path:
    out = tmp_path / "broken.pdf"
    with pikepdf.open(digital) as pdf:
        change(pdf)
        pdf.save(out)
    return out


def elements(pdf: pikepdf.Pdf, kind: str) -> list[pikepdf.Dictionary]:
    return [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem" and o.get("/S") == kind]


def _no_lang(pdf):
    del pdf.Root.Lang


def _th_without_scope(pdf):
    for cell in elements(pdf, "/TH"):
        del cell.A.Scope


def _note_without_id(pdf):
    del elements(pdf, "/Note")[0].ID


def _notes_with_one_id(pdf):
    notes = elements(pdf, "/Note")
    notes[1].ID = notes[0].ID


def _link_as_span(pdf):
    for link in elements(pdf, "/Link"):
        link.S = pikepdf.Name.Span


def _links_without_words(pdf):
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            del annotation.Contents


def _figure_without_alt(pdf):
    del elements(pdf, "/Figure")[0].Alt


def _folios_as_content(pdf):
    """Page 5's artifacts become marked content with an MCID that no element reaches, as before."""
    page = pdf.pages[4]
    ops = pikepdf.parse_content_stream(page)
    out = [(pikepdf.Name.P, pikepdf.Dictionary(MCID=900 + n)) if str(op) == "BDC" and str(operands[0]) == "/Artifact" else operands
           for n, (operands, op) in enumerate(ops)]  # fmt: skip
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(
        [pikepdf.ContentStreamInstruction(list(o), op) for o, (_, op) in zip(out, ops)]))  # fmt: skip


def _untagged_text(pdf):
    page = pdf.pages[4]
    ops = [i for i in pikepdf.parse_content_stream(page) if str(i.operator) not in ("BDC", "BMC", "EMC")]
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))


@pytest.mark.parametrize(("change", "code"), [
    (_no_lang, "MH 11-006"), (_th_without_scope, "MH 15-003"), (_note_without_id, "MH 19-003"),
    (_notes_with_one_id, "MH 19-004"), (_link_as_span, "MH 28-011"), (_links_without_words, "MH 28-012"),
    (_figure_without_alt, "MH 13-004"), (_folios_as_content, "MH 01-005"), (_untagged_text, "MH 01-005"),
])  # fmt: skip
def test_each_pdfua_checkpoint_fails_a_file_broken_for_it(digital: Path, tmp_path: Path, change, code: str):
    found = codes(broken(digital, tmp_path, change))
    assert code in found, dict(found)
    if code == "MH 01-005":
        assert found[code] == [5]


@pytest.mark.slow
def test_without_the_tagging_hooks_the_old_faults_come_back(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """WeasyPrint's own tagging: folios reach no element, a link sits under a Span, no /Scope."""
    from presswork.errors import Diagnostics
    from presswork.layout.digital import digital_pdf
    from presswork.weasy import tagging

    monkeypatch.setattr(tagging, "hookable", lambda: False)
    path = tmp_path / NAME
    path.write_bytes(digital_pdf(load_book(ROOT), Diagnostics()))
    found = codes(path)
    assert len(found["MH 01-005"]) > 50 and "MH 28-011" in found and len(found["MH 15-003"]) == 11


def outloud_errors(path: Path) -> list[str]:
    tool = BIN / "outloud"
    if not tool.exists():
        pytest.skip("outloud is not installed (pip install -e '.[test]')")
    run = subprocess.run([str(tool), "--layer", "conformance", "--json", "-", "-q", str(path)], capture_output=True, text=True)
    result = json.loads(run.stdout)["results"][0]
    return [f"{f['rule']} p.{f.get('page')}: {f['message']}" for f in result["findings"] if f["severity"] == "error"]


def pdfua_findings(path: Path) -> list[str]:
    tool = BIN / "pdfua"
    if not tool.exists():
        pytest.skip("pdfua is not installed (pip install -e '.[test]')")
    run = subprocess.run([str(tool), "check", "-f", "json", str(path)], capture_output=True, text=True)
    report = json.loads(run.stdout)
    report = report[0] if isinstance(report, list) else report
    return [f"{f['rule_id']} {f.get('location')}: {f['message']}" for f in report["findings"]]


def test_outloud_and_pdfua_find_nothing_wrong(digital: Path):
    assert outloud_errors(digital) == []
    assert pdfua_findings(digital) == []


def test_the_second_and_third_opinions_see_a_broken_file(digital: Path, tmp_path: Path):
    assert any(e.startswith("LNK-001") for e in outloud_errors(broken(digital, tmp_path, _link_as_span)))
    assert any(f.startswith("UA-15-003") for f in pdfua_findings(broken(digital, tmp_path, _th_without_scope)))


def furniture(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """(page, subtype) of every pagination artifact."""
    out = []
    for number, page in enumerate(pdf.pages, 1):
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) == "BDC" and str(operands[0]) == "/Artifact" and operands[1].get("/Type") == "/Pagination":
                out.append((number, str(operands[1].get("/Subtype"))))
    return out


def test_folios_are_pagination_artifacts_at_the_foot(digital: Path):
    with pikepdf.open(digital) as pdf, pdfplumber.open(digital) as plumbed:
        found = furniture(pdf)
        numbered = {n for n, _ in found}
        assert len(numbered) > 50 and {kind for _, kind in found} == {"/Footer"}
        page = plumbed.pages[9]  # a folio's digits carry no MCID: they are not content
        foot = [c for c in page.chars if c["top"] > page.height - 60]
        assert foot and all(c.get("mcid") is None for c in foot)


def test_links_are_described_in_words_and_printed(digital: Path):
    with pikepdf.open(digital) as pdf:
        contents = [str(a.Contents) for p in pdf.pages for a in p.obj.get("/Annots", [])]
        flags = {int(a.F) for p in pdf.pages for a in p.obj.get("/Annots", [])}
    assert flags == {4}
    assert "Note 6" in contents and "Glossary: ofeni" in contents and "Note 6: back to the text" in contents
    assert any(re.fullmatch(r"Page \d+", c) for c in contents)  # an index locator
    assert not any(re.fullmatch(r"(ix|term|person|ch)-[\w-]+", c) for c in contents)


def test_notes_are_note_elements_with_unique_ids(digital: Path):
    with pikepdf.open(digital) as pdf:
        ids = [str(n.ID) for n in elements(pdf, "/Note")]
    notes = sum(len(c.notes) for c in load_book(ROOT).chapters())
    assert len(ids) >= notes and len(set(ids)) == len(ids) and "ch-steam-n6" in ids


def test_every_opener_label_extracts_as_whole_words(digital: Path, sample_pdf: Path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; make system-deps installs it")
    for path in (digital, sample_pdf):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        text = text.replace("\f", "\n")  # a page that opens with the label starts with pdftotext's page break
        assert len(re.findall(r"^CHAPTER \d+$", text, re.M)) == 7, path.name
        assert re.findall(r"^PART (\w+)$", text, re.M) == ["ONE", "TWO"], path.name
        assert not re.search(r"\bC HAPTER\b|\bP ART\b|PART T WO", text)


def reading(path: Path) -> list[tuple[str, str, str]]:
    """The document as a screen reader walks it: (structure type, language, text) for each run of
    marked content in tree order, the language inherited down the tree, a Figure's /Alt for it;
    what a /Note holds (its paragraphs and spans) is read as the note."""
    with pdfplumber.open(path) as plumbed:
        texts: dict[tuple[int, int], str] = defaultdict(str)
        for number, page in enumerate(plumbed.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    texts[(number, char["mcid"])] += char["text"]
    out: list[tuple[str, str, str]] = []
    with pikepdf.open(path) as pdf:
        pages = {p.objgen: n for n, p in enumerate(pdf.pages)}

        def walk(node, lang: str, page: int, kind: str) -> None:
            lang = str(node.get("/Lang", lang))
            page = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
            kind = kind if kind == "/Note" else str(node.get("/S", kind))  # a note's paragraphs are read as the note
            if kind == "/Figure":
                out.append((kind, lang, str(node.get("/Alt", ""))))
                return
            kids = node.get("/K", [])
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid, lang, page, kind)
                elif not isinstance(kid, pikepdf.Dictionary):
                    out.append((kind, lang, texts.get((page, int(kid)), "")))

        walk(pdf.Root.StructTreeRoot, str(pdf.Root.Lang), 0, "/Document")
    return out


def test_a_screen_reader_reads_the_chapter_in_order_with_notes_alt_text_and_languages(digital: Path):
    runs = reading(digital)
    text = "".join(t for _, _, t in runs)
    start = text.index("CHAPTER 5")
    chapter = text[start:text.index("CHAPTER 6", start)]
    assert "Ivan Fyodorov and the Print Yard of Moscow" in chapter
    # the chapter's own sentences, in the order of the manuscript
    order = ["printing house", "Печатный двор", "Kitai-gorod", "Часовник", "Азбука", "друкарь москвитин"]
    places = [chapter.index(w) for w in order]
    assert places == sorted(places)
    # its notes are read, each marked as a note
    assert "едина со всеми" in chapter and any(k == "/Note" and "едина со всеми" in t for k, _, t in runs)
    # every Cyrillic run is read in Russian, every Latin run of the chapter's prose in English
    for kind, lang, t in runs:
        if re.search("[\u0400-\u04ff]", t):
            assert lang == "ru", (kind, lang, t)
        if "Kitai-gorod" in t:
            assert lang == "en"
    assert any(l == "el" for _, l, t in runs if re.search("[\u0370-\u03ff]", t))
    # figures read by their alt text; no folio is read
    alts = [t for k, _, t in runs if k == "/Figure"]
    assert any(a.startswith("A schematic wooden hand press") for a in alts) and all(alts)


@pytest.mark.slow
def test_a_full_size_book_passes_all_three_checkers(tmp_path: Path):
    """The synthetic 600-page history book's digital PDF (about a minute to build)."""
    from synthbook import generate  # tools/, on pytest's pythonpath

    root = tmp_path / "book"
    generate(root)
    result = CliRunner().invoke(main, ["build", "digital", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    path = next((tmp_path / "out").glob("*-digital.pdf"))
    assert pdfua1(path) == []
    assert outloud_errors(path) == []
    assert pdfua_findings(path) == []


def test_the_tagging_hooks_fit_the_installed_weasyprint():
    """weasy/tagging.py's hooks: `_build_box_tree`'s parameters and `Stream.marked` as wrapped, and
    the margin boxes of a laid-out page found with their place."""
    from weasyprint import HTML

    from presswork.weasy import tagging
    from presswork.weasy.layout import page_box

    assert tagging.hookable()
    css = "@page { @bottom-center { content: counter(page) } @top-center { content: 'Head' } }"
    document = HTML(string=f"<html lang=en><style>{css}</style><p>Text</p></html>").render(pdf_variant="pdf/ua-1")
    kinds = set(tagging.furniture([page_box(page) for page in document.pages]).values())
    assert kinds == {"Header", "Footer"}
