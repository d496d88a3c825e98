"""The print PDF laid out in worker processes and from the build cache: the same bytes whatever
the number of jobs, only changed pieces laid out again, links that cross pieces, a clean error
when a worker dies."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdf
import pytest
from conftest import ROOT, build

from presswork.errors import Diagnostics
from presswork.layout import totalfit, typeset
from presswork.layout.pieces import FIRST, FOLIO_CHARACTERS, RECTO, VERSO, Folios
from presswork.layout.printbook import PrintLayout
from presswork.layout.typeset import LaidOut, Typesetter
from presswork.lifeline import jobs_default
from presswork.load.book import load_book
from presswork.pdf.assembly import pdf_document
from presswork.pdf.folios import FolioPrinter

LAID_OUT = re.compile(r"^Laying out (?:\d+/\d+: (\S+)|(\S+) again)$", re.M)


def laid_out(output: str) -> list[str]:
    """The pieces a build's progress lines say it laid out (folio samples aside)."""
    return [first or again for first, again in LAID_OUT.findall(output)]


@pytest.fixture(scope="module")
def sample_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample book in a folder of its own, built once with `--jobs 1` and a private cache."""
    root = tmp_path_factory.mktemp("book")
    for name in ("manuscript", "styles", "images"):
        shutil.copytree(ROOT / name, root / name)
    return root


@pytest.fixture(scope="module")
def serial(sample_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, cache = tmp_path_factory.mktemp("serial"), tmp_path_factory.mktemp("serial-cache")
    result = build(sample_copy, "--out", str(out), "--cache", str(cache), "--jobs", "1", fmt="pdf")
    assert result.exit_code == 0, result.output
    return out / "pressmans-craft.pdf"


@pytest.mark.skipif(jobs_default() < 2, reason="one core: --jobs 2 runs as --jobs 1")
def test_two_jobs_give_the_bytes_of_one(sample_copy: Path, serial: Path, tmp_path: Path):
    result = build(sample_copy, "--out", str(tmp_path), "--cache", str(tmp_path / "cache"), "--jobs", "2", fmt="pdf")
    assert result.exit_code == 0, result.output
    assert len(laid_out(result.output)) >= 15  # a cold cache: every piece laid out, in the workers
    assert (tmp_path / "pressmans-craft.pdf").read_bytes() == serial.read_bytes()


def test_an_edit_lays_out_and_sets_only_its_piece_again(sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A piece is keyed by its text as rendered, so one the build cache holds costs no total fit:
    the rebuild sets the text of the pieces it lays out again, and of no other."""
    book = tmp_path / "book"
    shutil.copytree(sample_copy, book)
    cache = tmp_path / "cache"
    args = ("--out", str(tmp_path / "out"), "--cache", str(cache), "--jobs", "1")
    assert build(book, *args, fmt="pdf").exit_code == 0
    chapter = book / "manuscript" / "chapters" / "02-mainz.md"
    head, body = chapter.read_text(encoding="utf-8").split("\n\n", 1)
    assert " the " in body
    chapter.write_text(head + "\n\n" + body.replace(" the ", " a ", 1), encoding="utf-8")  # a word in its text
    bodies: list[str] = []
    set_text = totalfit.set_text

    def counted(body: str, *rest: object) -> str:
        bodies.append(body)
        return set_text(body, *rest)

    monkeypatch.setattr(totalfit, "set_text", counted)
    result = build(book, *args, fmt="pdf")
    assert result.exit_code == 0, result.output
    again = laid_out(result.output)
    assert "ch-mainz" in again and set(again) <= {"ch-mainz", "contents", "index"}, result.output
    assert len(bodies) == len(again) and sum('id="ch-mainz"' in body for body in bodies) == 1


def test_a_garbled_piece_in_the_cache_is_laid_out_again(sample_copy: Path, serial: Path, tmp_path: Path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    args = ("--out", str(out), "--cache", str(cache), "--jobs", "1")
    cold = build(sample_copy, *args, fmt="pdf")
    assert cold.exit_code == 0, cold.output
    for number, entry in enumerate(sorted(cache.glob("piece-*"))):
        if number % 2:
            entry.write_bytes(entry.read_bytes()[:-100])  # torn: its checksum fails
        else:
            header, _, body = entry.read_bytes().partition(b"\n")
            entry.write_bytes(header + b"\n" + bytes(len(body)))  # garbled under its old checksum
    result = build(sample_copy, *args, fmt="pdf")
    assert result.exit_code == 0, result.output
    assert laid_out(result.output) == laid_out(cold.output)  # every piece laid out again, none taken from the cache
    assert (out / "pressmans-craft.pdf").read_bytes() == serial.read_bytes()


def test_a_piece_reads_back_as_written_and_anything_else_as_missing():
    piece = LaidOut(b"%PDF-1.7 ...", [typeset.PageInfo({"p-1": (1.5, 2.0)}, [(1, "Mainz", (0.0, 3.0), "open")], 864.0, True)])
    assert LaidOut.from_bytes(piece.to_bytes()) == piece
    data = piece.to_bytes()
    for bad in (b"", b"junk", data[:30], data.replace(b"[[", b"[{", 1), data.replace(b"%PDF-", b"%XYZ-")):
        assert LaidOut.from_bytes(bad) is None


def test_every_link_lands_on_its_destination(serial: Path, sample_copy: Path):
    reader = pypdf.PdfReader(serial)
    destinations = reader.named_destinations
    links = [annot.get_object() for page in reader.pages for annot in page.get("/Annots", [])]
    named = [str(link["/Dest"]) for link in links if "/Dest" in link]
    assert len(named) > 50 and not [link for link in links if "/A" in link]  # no link left to pieces.invalid
    assert set(named) <= set(destinations)
    outline = {item.title: reader.get_destination_page_number(item) for item in _flat(reader.outline)}
    for chapter in load_book(sample_copy).chapters():  # the contents' links, across pieces
        assert reader.get_destination_page_number(destinations[chapter.id]) == outline[chapter.title]


def test_fonts_are_embedded_and_subset(serial: Path):
    lines = subprocess.run(["pdffonts", str(serial)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5:-3] == ["yes", "yes"] for line in lines)


def test_a_font_name_names_one_font_program(serial: Path):
    """Pieces and folio samples embed subsets of their own, merged at assembly into one per face:
    no two different programs share a BaseFont or FontName, and identical programs are one object."""
    by_name: dict[str, set[bytes]] = {}
    by_content: dict[bytes, set[tuple[int, int]]] = {}
    with pikepdf.open(serial) as pdf:
        fonts = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"]
        for font in fonts:
            member = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = member.get("/FontDescriptor")
            if descriptor is None:
                continue
            [program] = [descriptor[key] for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor]
            content = program.read_bytes()
            by_content.setdefault(content, set()).add(program.objgen)
            for name in (font.BaseFont, member.BaseFont, descriptor.FontName):
                assert re.fullmatch(r"/[A-Z]{6}\+\S+", str(name))
                by_name.setdefault(str(name), set()).add(content)
    assert by_content and all(len(programs) == 1 for programs in by_name.values())
    assert all(len(objects) == 1 for objects in by_content.values())
    faces = {name.split("+", 1)[1] for name in by_name}
    assert len(by_content) == len(faces)  # one subset of each face for the whole book, as a serial build has


def test_outline_nests_chapters_under_parts_across_pieces(serial: Path):
    reader = pypdf.PdfReader(serial)
    top = [item for item in reader.outline if not isinstance(item, list)]
    nested = [item for item in reader.outline if isinstance(item, list)]
    assert any(t.title.startswith("Part One") for t in top) and nested
    assert reader.page_labels[:2] == ["i", "ii"] and "1" in reader.page_labels


def _die(job: typeset.Job) -> LaidOut:
    os._exit(3)


@pytest.mark.skipif(jobs_default() < 2, reason="one core: no worker processes")
def test_a_dying_worker_is_a_one_line_error(sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(typeset, "_lay_out_in_worker", _die)  # the forked workers inherit it
    result = build(sample_copy, "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--jobs", "2", fmt="pdf")
    assert result.exit_code == 1
    assert "error: a layout worker process died" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_the_serial_typesetter_and_a_worker_set_and_write_the_same_piece(sample_copy: Path):
    """A job's text comes unset with where to set it: the serial typesetter and a worker set it as
    the parent would have, and write the piece a job set beforehand gives."""
    book = load_book(sample_copy)
    text = totalfit.TextBlock(3 * 72, book.metadata.language, totalfit.HouseStyle())
    body = "<section><p>" + "Each forme was inked, pulled and hung to dry beside the press. " * 12 + "</p></section>"
    assert text.set(body) != body  # a paragraph total fit sets
    css = "@page { size: 4in 6in; margin: 0.5in; }"
    job = typeset.Job("p", body, css, 1, text)
    here = Typesetter(sample_copy, "", None, book.metadata).lay_out(job)
    with typeset.typesetters(2, sample_copy, "", None, book.metadata) as run:
        there, _ = list(run([job, job]))  # two jobs: the pool's workers lay them out
    set_before = Typesetter(sample_copy, "", None, book.metadata).lay_out(typeset.Job("p", text.set(body), css))
    assert there == here == set_before and here.pdf.startswith(b"%PDF-")


@pytest.mark.skipif(jobs_default() < 2, reason="one core: no worker processes")
def test_a_lone_job_is_laid_out_here_until_a_batch_opens_the_pool(sample_copy: Path, monkeypatch: pytest.MonkeyPatch):
    """Starting workers costs more than laying one piece out (a rebuild after a small edit): the
    pool opens with the first batch of more than one job, and lays every batch out after that;
    watch's kept typesetters open it at once."""
    book = load_book(sample_copy)
    css = "@page { size: 4in 6in; margin: 0.5in; }"
    job = typeset.Job("p", "<section><p>A forme locked up in its chase.</p></section>", css)
    here = Typesetter(sample_copy, "", None, book.metadata).lay_out(job)
    opened: list[int] = []
    pool = typeset._pool

    def counted(*settings: object):
        opened.append(1)
        return pool(*settings)

    monkeypatch.setattr(typeset, "_pool", counted)
    with typeset.typesetters(2, sample_copy, "", None, book.metadata) as run:
        assert list(run([])) == [] and list(run([job])) == [here] and not opened
        assert list(run([job, job])) == [here, here] and len(opened) == 1
        monkeypatch.setattr(Typesetter, "lay_out", lambda self, job: pytest.fail("laid out here"))  # the workers are forked before
        assert list(run([job])) == [here] and len(opened) == 1  # laid out in the open pool
    kept = typeset.KeptTypesetters()  # watch's: warm, so that its first edit finds workers ready
    try:
        with kept.typesetters(2, sample_copy, "", None, book.metadata):
            assert len(opened) == 2
    finally:
        kept.close()


@pytest.mark.skipif(jobs_default() < 2, reason="one core: --jobs 2 runs as --jobs 1")
def test_a_rebuild_laying_one_piece_out_here_gives_the_bytes_of_a_serial_build(sample_copy: Path, tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch):  # fmt: skip
    """After a one-word edit `--jobs 2` lays the one piece the build cache misses out in the parent,
    starting no worker, and writes the bytes a cold `--jobs 1` build of the edited book writes."""
    book = tmp_path / "book"
    shutil.copytree(sample_copy, book)
    args = ("--cache", str(tmp_path / "cache"), "--jobs", "2")
    assert build(book, "--out", str(tmp_path / "cold"), *args, fmt="pdf").exit_code == 0
    chapter = book / "manuscript" / "chapters" / "02-mainz.md"
    head, body = chapter.read_text(encoding="utf-8").split("\n\n", 1)
    chapter.write_text(head + "\n\n" + body.replace(" the ", " a ", 1), encoding="utf-8")
    monkeypatch.setattr(typeset, "_lay_out_in_worker", _die)  # a worker laying a piece out fails the build
    result = build(book, "--out", str(tmp_path / "edit"), *args, fmt="pdf")
    assert result.exit_code == 0, result.output
    assert laid_out(result.output) == ["ch-mainz"]
    monkeypatch.undo()
    serial = build(book, "--out", str(tmp_path / "serial"), "--cache", str(tmp_path / "serial-cache"), "--jobs", "1", fmt="pdf")
    assert serial.exit_code == 0, serial.output
    assert (tmp_path / "edit" / "pressmans-craft.pdf").read_bytes() == (tmp_path / "serial" / "pressmans-craft.pdf").read_bytes()


def test_kept_typesetters_stay_warm_until_their_settings_change_or_a_build_fails(sample_copy: Path):
    """KeptTypesetters (watch): the same typesetters for the same settings, new ones for others or
    after a failure; the pieces kept are the last layout's, and give its bytes again."""
    book = load_book(sample_copy)
    kept = typeset.KeptTypesetters()
    try:
        with kept.typesetters(1, sample_copy, "", None, book.metadata) as first:
            pass
        with kept.typesetters(1, sample_copy, "", None, book.metadata) as again:
            assert again is first
        with kept.typesetters(1, sample_copy, "p { color: red }", None, book.metadata) as other:
            assert other is not first
        with pytest.raises(RuntimeError), kept.typesetters(1, sample_copy, "p { color: red }", None, book.metadata):
            raise RuntimeError("a failed build")
        with kept.typesetters(1, sample_copy, "p { color: red }", None, book.metadata) as after:
            assert after is not other
    finally:
        kept.close()
    cold = PrintLayout(book, Diagnostics(), jobs=1).run()
    warm = PrintLayout(book, Diagnostics(), jobs=1, kept=kept).run()
    kept_ids = {id(laid) for laid in kept.pieces.values()}
    assert all(id(piece.laid) in kept_ids for piece in warm.front + warm.body) and id(warm.blank) in kept_ids
    again = PrintLayout(book, Diagnostics(), jobs=1, kept=kept)
    assert [p.laid.pdf for p in again.run().body] == [p.laid.pdf for p in warm.body] == [p.laid.pdf for p in cold.body]
    kept.close()


def test_pieces_assembled_again_give_the_bytes_of_pieces_read_afresh(small_book):
    """watch keeps its pieces between builds, and with each what the assembly read of it (its opened
    PDF, its named destinations): a rebuild assembling them again opens none of them again and
    writes the bytes pieces read afresh give."""
    book = load_book(small_book({"manuscript/chapters/one.md": "# One\n\nText with a [link](#two).\n\n## Two {#two}\n\nMore.\n"}))
    layout = PrintLayout(book, Diagnostics(), jobs=1).run()
    first = pdf_document(layout)
    pieces = layout.front + layout.body
    opened = [piece.laid.read["pdf"] for piece in pieces]
    assert pdf_document(layout) == first and all(piece.laid.read["pdf"] is pdf for piece, pdf in zip(pieces, opened))
    for piece in pieces:
        piece.laid = LaidOut(piece.laid.pdf, piece.laid.pages)
    layout.blank = LaidOut(layout.blank.pdf, layout.blank.pages)
    layout.folios = Folios(layout.folios.texts, tuple(LaidOut(s.pdf, s.pages) for s in layout.folios.samples))
    assert pdf_document(layout) == first


def _flat(items: list) -> list:
    return [leaf for item in items for leaf in (_flat(item) if isinstance(item, list) else [item])]



@pytest.mark.parametrize("css, texts", [
    ("", ("lxxxviii", "407")),  # HarfBuzz's glyphs, kerned roman ones too
    ("@page { @top-left { font-variant-numeric: oldstyle-nums } @top-right { font-variant-numeric: oldstyle-nums }"
     " @bottom-center { font-variant-numeric: oldstyle-nums } }", ("407", "1203")),  # the samples' own glyphs
])  # fmt: skip
def test_folios_are_printed_as_weasyprint_sets_them(sample_copy: Path, css: str, texts: tuple[str, str]):
    """The backend's folio for a page, made from the two samples, is the folio WeasyPrint lays out
    for that text: the same glyphs, kerning and place (centred on first pages, left on versos,
    right on rectos), also when the book's stylesheet picks other figures (oldstyle)."""
    book = load_book(sample_copy)
    layout = PrintLayout(book, Diagnostics(), jobs=1)
    layout.run()  # for its stylesheet
    gutter = 0.9
    with typeset.typesetters(1, sample_copy, layout.css + css, None, book.metadata) as run:
        first, second, _ = run(layout._folio_jobs(gutter))
        pages = '<div class="folio"></div>' * 3
        breaks = "div.folio + div.folio { break-before: page; }"
        wanted = list(run([typeset.Job(t, pages, layout._page_css(gutter, folio=t) + breaks) for t in texts]))
    opened: dict[int, pikepdf.Pdf] = {}
    printer = FolioPrinter(pikepdf.new(), Folios((FOLIO_CHARACTERS, "1"), (first, second)),
                            lambda laid: opened.setdefault(id(laid), pikepdf.open(io.BytesIO(laid.pdf))))  # fmt: skip
    for text, laid in zip(texts, wanted):
        pdf = pikepdf.open(io.BytesIO(laid.pdf))
        for kind in (FIRST, VERSO, RECTO):
            x, run_ = _folio_text(printer.form(kind, text))
            expected_x, expected_run = _folio_text(pdf.pages[kind])
            assert run_ == expected_run, (text, kind)  # the glyphs and their adjustments
            assert abs(x - expected_x) < 0.02, (text, kind)  # where the folio starts, in CSS px


def test_letter_spaced_folios_are_a_one_line_error(small_book, tmp_path: Path):
    root = small_book({"styles/house.css": "@page { @top-left { letter-spacing: 3px } @top-right { letter-spacing: 3px }"
                                           " @bottom-center { letter-spacing: 3px } }\n"})  # fmt: skip
    result = build(root, "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "c"), fmt="pdf")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot print the folios" in result.output and "letter-spacing" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_a_stylesheet_that_hides_the_first_pages_folio_is_obeyed(small_book, tmp_path: Path):
    import pdfplumber

    root = small_book({"styles/house.css": "@page :first { @bottom-center { content: none !important } }\n",
                       "manuscript/chapters/one.md": "# One\n\n" + "Words of a page. " * 400 + "\n"})  # fmt: skip
    result = build(root, "--out", str(tmp_path), "--cache", str(tmp_path / "c"), fmt="pdf")
    assert result.exit_code == 0, result.output
    [pdf] = tmp_path.glob("*.pdf")
    labels = pypdf.PdfReader(pdf).page_labels
    with pdfplumber.open(pdf) as document:
        first, second = (document.pages[labels.index(folio)] for folio in ("1", "2"))
        assert "1" not in first.extract_text().split()[-3:]  # no folio at the foot of the opening page
        assert second.extract_text().split()[0] == "2"  # the verso's folio, top left


def _folio_text(page: pikepdf.Page | pikepdf.Stream) -> tuple[float, list]:
    """The x of the last text matrix before the one glyph run of `page`, and the run."""
    x, shows = 0.0, []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "Tm":
            x = float(operands[4])
        elif str(operator) == "TJ":
            shows.append((x, [bytes(o) if isinstance(o, pikepdf.String) else float(o) for o in operands[0]]))
    [show] = shows
    return show


@pytest.mark.slow  # a proof renders every page to PNG
def test_every_page_of_a_proof_is_marked_blank_versos_too(sample_copy: Path, serial: Path, tmp_path: Path):
    from click.testing import CliRunner

    from presswork.cli import main

    result = CliRunner().invoke(main, ["proof", str(sample_copy), "--out", str(tmp_path), "--cache", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    [proof] = tmp_path.glob("*-proof.pdf")
    texts = [page.extract_text() for page in pypdf.PdfReader(proof).pages]
    blanks = [n for n, text in enumerate(pypdf.PdfReader(serial).pages) if not text.extract_text().strip()]
    assert blanks  # the sample has blank versos before rectos
    assert all("PROOF ·" in text for text in texts)
    assert all(texts[n].strip().startswith("PROOF ·") for n in blanks)  # the mark and nothing else


def test_a_long_running_head_leaves_room_for_a_wide_folio(small_book, tmp_path: Path):
    """Folios are printed after layout, so the head beside them was laid out with the room of a
    stand-in folio: it must be the widest one, or a long head runs into "xxviii"."""
    import pdfplumber

    title = "A Very Long Title of Many Words That Runs Across the Whole Head of Every Verso Page"
    root = small_book({
        "manuscript/book.yaml": f"title: {title}\nlanguage: en\ncontributors:\n  - name: Test Writer\n    role: author\n"
                                "contents:\n  front:\n    - front/preface.md\n  body:\n    - chapters/one.md\n",
        "manuscript/front/preface.md": "# Preface\n\n" + "Words that fill the front matter. " * 4300 + "\n",
    })  # fmt: skip
    out = tmp_path / "out"
    assert build(root, "--out", str(out), "--cache", str(tmp_path / "c"), fmt="pdf").exit_code == 0
    [pdf] = out.glob("*.pdf")
    with pdfplumber.open(pdf) as document:
        labels = pypdf.PdfReader(pdf).page_labels
        page = document.pages[labels.index("xxviii")]
        head = [w for w in page.extract_words() if w["bottom"] < 60]
    folio = next(w for w in head if w["text"] == "xxviii")
    rest = [w for w in head if w is not folio]
    assert rest and folio["x1"] + 2 < min(w["x0"] for w in rest)

