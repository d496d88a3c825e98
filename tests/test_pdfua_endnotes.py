"""An endnote book's digital PDF (`notes: endnotes`): each note in a chapter's list of notes is a
/Note with a unique /ID inside its list item's body (/L > /LI > /LBody > /Note), so that the list
stays a list (Matterhorn 09-005) and the note is a note (PDF/UA-1 7.9, Matterhorn 19-003/004); the
pdf/ua-1 preflight, outloud and pdfua find nothing wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import ROOT
from test_pdfua import outloud_errors, pdfua_findings

from presswork.cli import main
from presswork.load.book import load_book
from presswork.preflight.pdfua import pdfua1


@pytest.fixture(scope="module")
def endnote_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample book with its notes printed as endnotes."""
    root = tmp_path_factory.mktemp("endnote-book")
    for folder in ("manuscript", "images", "styles"):
        shutil.copytree(ROOT / folder, root / folder)
    with (root / "manuscript/book.yaml").open("a") as yaml:
        yaml.write("print:\n  notes: endnotes\n")
    return root


@pytest.fixture(scope="module")
def digital(endnote_book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("endnote-digital")
    result = CliRunner().invoke(main, ["build", "digital", str(endnote_book), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out / "pressmans-craft-digital.pdf"


def notes_in_lists(pdf: pikepdf.Pdf) -> list[tuple[str, list[str]]]:
    """Each /Note's /ID with the types of its ancestors, nearest first."""
    out = []
    for element in pdf.objects:
        if isinstance(element, pikepdf.Dictionary) and element.get("/Type") == "/StructElem" and element.get("/S") == "/Note":
            ancestors, parent = [], element.get("/P")
            while isinstance(parent, pikepdf.Dictionary) and "/S" in parent:
                ancestors.append(str(parent.S))
                parent = parent.get("/P")
            out.append((str(element.get("/ID", "")), ancestors))
    return out


def test_every_endnote_is_a_note_with_a_unique_id_inside_its_list_items_body(endnote_book: Path, digital: Path):
    book = load_book(endnote_book)
    expected = {f"{chapter.id}-n{note.number}" for chapter in book.chapters() for note in chapter.notes}
    with pikepdf.open(digital) as pdf:
        notes = notes_in_lists(pdf)
    ids = [ident for ident, _ in notes]
    assert len(ids) == len(set(ids)) and expected <= set(ids)  # a note over two pages: "ch-n3", then "ch-n3-2"
    assert all(ancestors[:3] == ["/LBody", "/LI", "/L"] for _, ancestors in notes)


def test_the_endnote_book_passes_the_pdfua_preflight_outloud_and_pdfua(digital: Path):
    assert pdfua1(digital) == []
    assert outloud_errors(digital) == []
    assert pdfua_findings(digital) == []


def test_the_list_checkpoint_fails_a_note_standing_in_the_list_item_itself(digital: Path, tmp_path: Path):
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(digital) as pdf:
        for element in list(pdf.objects):
            if isinstance(element, pikepdf.Dictionary) and element.get("/S") == "/LBody":
                kids = element.get("/K")
                note = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) == 1 else None
                if isinstance(note, pikepdf.Dictionary) and note.get("/S") == "/Note":
                    item = element.P
                    item.K = pikepdf.Array([note if k.objgen == element.objgen else k for k in item.K])
                    note.P = item
        pdf.save(broken)
    found = [f for f in pdfua1(broken) if f.code == "MH 09-005"]
    assert found and all("/Note in /LI" in f.message for f in found)
