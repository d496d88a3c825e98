"""Hostile archives and exports: zip and PDF bombs given to `diff`, and an importer that writes only
its own folder and always makes a book that builds."""

from __future__ import annotations

import errno
import os
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import build
from hostile import assert_clean_failure, make_world, products, run
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from presswork.commands import diff
from presswork.files import archives
from presswork.legacy.importer import import_legacy, write_report
from presswork.load.sources import slugify

CONTAINER = (b'<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             b'<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/></rootfiles></container>')  # fmt: skip
OPF = """<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><manifest>{items}</manifest>
<spine>{refs}</spine></package>"""
XHTML = b'<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>One</h1><p>Some words.</p></body></html>'
MIB = 1024 * 1024


def epub(path: Path, docs: dict[str, bytes | int]) -> Path:
    """An EPUB whose spine is `docs`: given bytes, or that many zero bytes streamed (a bomb)."""
    items = "".join(f'<item id="d{i}" href="{name}" media-type="application/xhtml+xml"/>' for i, name in enumerate(docs))
    refs = "".join(f'<itemref idref="d{i}"/>' for i in range(len(docs)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", CONTAINER)
        archive.writestr("EPUB/package.opf", OPF.format(items=items, refs=refs))
        for name, data in docs.items():
            if isinstance(data, bytes):
                archive.writestr(f"EPUB/{name}", data)
                continue
            info = zipfile.ZipInfo(f"EPUB/{name}")
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as entry:
                chunk = bytes(MIB)
                for _ in range(data // MIB):
                    entry.write(chunk)
    return path


def diff_files(tmp_path: Path, old: Path, new: Path):
    return run(["diff", old, new, tmp_path, "--out", tmp_path / "diff.html"])


def test_diff_refuses_a_zip_bomb_entry_naming_file_and_entry(tmp_path: Path):
    """200 MiB of zeros in 200 KiB: refused by the default bounds before it is unpacked."""
    good = epub(tmp_path / "old.epub", {"one.xhtml": XHTML})
    bomb = epub(tmp_path / "new.epub", {"bomb.xhtml": 200 * MIB})
    assert bomb.stat().st_size < 2 * MIB
    line = assert_clean_failure(diff_files(tmp_path, good, bomb), "new.epub", "EPUB/bomb.xhtml", "unpacks to")
    assert not (tmp_path / "diff.html").exists(), line


def test_an_entry_over_the_size_bound_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(archives, "MAX_ENTRY_BYTES", 2 * MIB)
    monkeypatch.setattr(archives, "MAX_RATIO", 10_000)
    big = epub(tmp_path / "big.epub", {"big.xhtml": 3 * MIB})
    assert_clean_failure(diff_files(tmp_path, big, big), "big.epub", "EPUB/big.xhtml", "more than 2 MiB")


def test_an_entry_that_compresses_too_well_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    big = epub(tmp_path / "dense.epub", {"dense.xhtml": 3 * MIB})
    assert_clean_failure(diff_files(tmp_path, big, big), "dense.epub", "EPUB/dense.xhtml", "compressed")


def test_the_total_unpacked_bound_counts_every_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(archives, "MAX_TOTAL_BYTES", 7 * 1024)
    page = XHTML.replace(b"Some words.", b"word " * 500)  # 2.5 KiB each, well inside the other bounds
    many = epub(tmp_path / "many.epub", {f"{n}.xhtml": page for n in range(3)})
    assert_clean_failure(diff_files(tmp_path, many, many), "many.epub", "EPUB/2.xhtml", "in all")


def test_an_archive_with_too_many_entries_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(archives, "MAX_ENTRIES", 5)
    many = epub(tmp_path / "many.epub", {f"{n}.xhtml": XHTML for n in range(5)})
    assert_clean_failure(diff_files(tmp_path, many, many), "many.epub", "entries")


def test_an_entry_whose_declared_size_lies_is_a_clean_error(tmp_path: Path):
    """The central directory says 97 bytes; the entry unpacks to 1 MiB: read no further than declared."""
    liar = epub(tmp_path / "liar.epub", {"liar.xhtml": XHTML + b" " * MIB})
    data = bytearray(liar.read_bytes())
    name = b"EPUB/liar.xhtml"
    record = data.rindex(b"PK\x01\x02", 0, data.rindex(name))  # its central directory record
    data[record + 24:record + 28] = len(XHTML).to_bytes(4, "little")
    liar.write_bytes(bytes(data))
    assert zipfile.ZipFile(liar).getinfo(name.decode()).file_size == len(XHTML)
    assert_clean_failure(diff_files(tmp_path, liar, liar), "liar.epub", "EPUB/liar.xhtml")


def test_diff_of_a_file_that_is_no_zip_names_it(tmp_path: Path):
    good = epub(tmp_path / "old.epub", {"one.xhtml": XHTML})
    (tmp_path / "new.epub").write_bytes(b"PK\x03\x04 not really")
    assert_clean_failure(diff_files(tmp_path, good, tmp_path / "new.epub"), "new.epub", "not a zip archive")


def test_diff_of_ordinary_epubs_still_works(tmp_path: Path):
    old = epub(tmp_path / "old.epub", {"one.xhtml": XHTML})
    new = epub(tmp_path / "new.epub", {"one.xhtml": XHTML.replace(b"Some", b"Other")})
    result = diff_files(tmp_path, old, new)
    assert result.exit_code == 0 and "[-Some-]{+Other+}" in result.output, result.output


def test_diff_does_not_write_through_a_report_link_planted_in_the_book(tmp_path: Path):
    """A book from someone else with build/diff.html linked to a user's file: the file stays as it was
    (an explicit --out that is such a link is replaced, not written through)."""
    world = make_world(tmp_path, tmp_path / "book")
    (world.book / "manuscript").mkdir(parents=True)
    (world.book / "manuscript" / "book.yaml").write_text("title: A Book\n")  # a book folder: the report's default is its build/
    (world.book / "build").mkdir()
    (world.book / "build" / "diff.html").symlink_to(world.outside / "documents" / "thesis.txt")
    old = epub(tmp_path / "old.epub", {"one.xhtml": XHTML})
    new = epub(tmp_path / "new.epub", {"one.xhtml": XHTML.replace(b"Some", b"Other")})
    explicit = tmp_path / "out" / "report.html"
    explicit.parent.mkdir()
    explicit.symlink_to(world.outside / "secret.css")
    before = world.frozen()
    assert run(["diff", old, new, world.book, "--out", explicit]).exit_code == 0
    assert not explicit.is_symlink() and "<ins>Other</ins>" in explicit.read_text()
    result = run(["diff", old, new, world.book])
    assert world.frozen() == before
    if result.exit_code:  # refused as a default output that leads out of the book
        assert_clean_failure(result, "diff.html")
    else:  # or the link replaced by the report
        assert "<ins>Other</ins>" in (world.book / "build" / "diff.html").read_text()


# -- PDFs -------------------------------------------------------------------------------------


def pdf(path: Path, pages: list[bytes], compress: bool = False) -> Path:
    """A PDF whose pages draw the given content streams in Helvetica."""
    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                                NameObject("/BaseFont"): NameObject("/Helvetica")}))  # fmt: skip
    for content in pages:
        page = writer.add_blank_page(300, 300)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        stream = DecodedStreamObject()
        stream.set_data(content)
        page[NameObject("/Contents")] = writer._add_object(stream.flate_encode() if compress else stream)
    writer.write(path)
    return path


def text_page(words: str) -> bytes:
    return f"BT /F1 12 Tf 20 150 Td ({words}) Tj ET".encode()


def test_diff_of_a_pdf_bomb_is_a_clean_error(tmp_path: Path):
    good = pdf(tmp_path / "old.pdf", [text_page("one")])
    bomb = pdf(tmp_path / "new.pdf", [text_page("one") + b" " * (80 * MIB)], compress=True)
    assert bomb.stat().st_size < 2 * MIB
    assert_clean_failure(diff_files(tmp_path, good, bomb), "new.pdf")


def test_diff_refuses_a_pdf_with_too_many_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(diff, "MAX_PDF_PAGES", 3)
    good = pdf(tmp_path / "old.pdf", [text_page("one")])
    long = pdf(tmp_path / "new.pdf", [text_page(f"page {n}") for n in range(4)])
    assert_clean_failure(diff_files(tmp_path, good, long), "new.pdf", "more than 3 pages")


def test_diff_refuses_a_pdf_with_too_much_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(diff, "MAX_PDF_TEXT", 100)
    good = pdf(tmp_path / "old.pdf", [text_page("one")])
    wordy = pdf(tmp_path / "new.pdf", [text_page("word " * 15), text_page("word " * 15)])
    assert_clean_failure(diff_files(tmp_path, good, wordy), "new.pdf", "page 2", "more than 100 characters")


def test_diff_of_a_broken_pdf_is_a_clean_error(tmp_path: Path):
    good = pdf(tmp_path / "old.pdf", [text_page("one")])
    (tmp_path / "new.pdf").write_bytes(good.read_bytes()[:400])
    assert_clean_failure(diff_files(tmp_path, good, tmp_path / "new.pdf"), "new.pdf")


# -- the legacy importer ----------------------------------------------------------------------

FIXTURE = Path(__file__).parent / "fixtures" / "legacy-small.txt"


@pytest.mark.parametrize("target", ["empty-folder", "dangling", "outside/documents"])
def test_import_refuses_an_out_that_is_a_symlink(tmp_path: Path, target: str):
    world = make_world(tmp_path, tmp_path / "book")
    (tmp_path / "empty-folder").mkdir()
    (world.book).mkdir()
    link = world.book / "imported"
    link.symlink_to(tmp_path / target)
    before = world.frozen()
    result = run(["import", "legacy-text", FIXTURE, "--out", link])
    assert_clean_failure(result, str(link), "symbolic link")
    assert world.frozen() == before
    assert not list(tmp_path.glob(".import-*")) and not list(world.book.glob(".import-*"))


def test_import_into_an_existing_empty_folder_replaces_only_that_folder(tmp_path: Path):
    out = tmp_path / "b"
    out.mkdir()
    (tmp_path / "neighbour.txt").write_text("keep\n")
    assert run(["import", "legacy-text", FIXTURE, "--out", out]).exit_code == 0
    assert (out / "manuscript" / "book.yaml").is_file() and (out / "import-report.md").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b", "neighbour.txt"]


def test_a_failed_import_removes_only_its_own_work_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from presswork.legacy import importer

    def fail(*_):
        raise OSError("disk full")

    monkeypatch.setattr(importer, "placeholder", fail)
    (tmp_path / "neighbour.txt").write_text("keep\n")
    with pytest.raises(OSError):
        import_legacy(FIXTURE, tmp_path / "b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["neighbour.txt"]


def test_import_on_a_full_disk_is_one_error_line_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from presswork.legacy import importer

    def full(path: Path, *_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(importer, "placeholder", full)
    assert_clean_failure(run(["import", "legacy-text", FIXTURE, "--out", tmp_path / "b"]), "No space left on device")
    assert list(tmp_path.iterdir()) == []


CASE_EXPORT = """\
Book

Contents

[1. One](#)

[Glossary](#)

[Biographical Notes](#)

1. One

The CC met about a volume in cc, as C.C. and Cc. wrote.

Glossary

CC [ЦК]: Central Committee.

cc: cubic centimetre.

C.C.: the initials of a correspondent.

CC: a second entry for the committee.

Biographical Notes

MARSH, Ida (1883–1938). Wrote about buttons.

MARSH, Ida (1901–1960). Her niece, who also wrote about buttons.
"""


def test_imported_terms_differing_only_in_case_build_and_are_reported(tmp_path: Path):
    export = tmp_path / "case.txt"
    export.write_text(CASE_EXPORT, encoding="utf-8")
    out = tmp_path / "b"
    report = import_legacy(export, out)
    result = build(out, "--out", str(tmp_path / "products"))
    assert result.exit_code == 0, result.output
    terms = yaml.safe_load((out / "manuscript/back/glossary.yaml").read_text(encoding="utf-8"))["terms"]
    assert [t["term"] for t in terms] == ["CC", "cc", "C.C.", "CC (2)"]
    ids = [t.get("id") or "term-" + slugify(t["term"], "x") for t in terms]  # the build's rule
    assert len(set(ids)) == 4
    assert ("cc", ids[1]) in {(r["name"], r["id"]) for r in report.disambiguated}
    assert any(r["name"] == "Marsh, Ida" for r in report.disambiguated)
    assert "CC (2)" in {r["name"] for r in report.disambiguated}  # a repeated term is renamed and says so
    write_report(out, report)
    text = (out / "import-report.md").read_text(encoding="utf-8")
    assert "cc" in text and ids[1] in text and "Marsh" in text


def test_products_of_a_refused_import_are_none(tmp_path: Path):
    """The CLI refuses before writing anything: not even the report lands beside the link."""
    link = tmp_path / "out"
    link.symlink_to(tmp_path / "nowhere")
    run(["import", "legacy-text", FIXTURE, "--out", link])
    assert products(tmp_path) == [] and not os.path.lexists(tmp_path / "nowhere")
