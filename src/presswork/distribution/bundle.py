"""`presswork dist`: the bundle a distributor uploads — store files named by ISBN, covers, ONIX,
an accessibility report, checksums and a manifest."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from lxml import etree

from ..check.editor import require_no_marks
from ..errors import Location, PressworkError
from ..files import jsonfile
from ..files.folders import discard, staging_folder, unmark
from ..files.output import write_atomic, writing_into
from ..load.printopts import PAPER_THICKNESS
from ..model import STANDARD_BLEED, Book
from ..package.a11y import book_claims
from ..pdf.conform import LEVELS
from ..pipeline import Pipeline
from .a11y_report import check_epub, report_markdown
from .covers import RETAIL_SIZE, cover_wrap, retail_cover, wrap_size
from .gate import COVER, INTERIOR, for_the_printer, require_preflight
from .onix import GOOGLE, OnixFacts, epub_words, onix_delta, onix_record


def make_bundle(pipeline: Pipeline, dist_dir: Path, say) -> Path:
    """Make the bundle of the pipeline's book in a staging folder in `dist_dir`, then put it at
    `dist_dir/<ISBN or slug>`, replacing only a bundle dist made there before."""
    book = pipeline.book
    require_no_marks(book, pipeline.diagnostics, refuse=True)  # what ships holds no note to the editor
    ebook_id = book.metadata.isbn_ebook or book.metadata.slug
    final = dist_dir / ebook_id
    _replaceable(final)  # before minutes of work, and again before replacing
    with writing_into(dist_dir):
        dist_dir.mkdir(parents=True, exist_ok=True)
        work = staging_folder(dist_dir, f".{ebook_id}.")
        work.chmod(0o755)
        _fill(pipeline, work, final, say)
    return final


def _fill(pipeline: Pipeline, work: Path, final: Path, say) -> None:
    """Make every file of the bundle in `work`, seal it, and move it to `final`."""
    book, diagnostics = pipeline.book, pipeline.diagnostics
    meta = book.metadata
    ebook_id = meta.isbn_ebook or meta.slug
    print_id = meta.isbn_paperback or meta.slug
    try:
        files: list[tuple[str, str, str]] = []  # (name, role, specification)
        say("Laying out the print interior …")
        sequence = list(pipeline.layout().sequence())
        pages, main = len(sequence), sum(1 for roman, *_ in sequence if not roman)
        opts = book.print
        files.append((f"{print_id}_interior.pdf", "print interior",
                      f"{opts.width:g} × {opts.height:g} in trim{f', bleed {opts.bleed:.4g} in' if opts.bleed else ''}, {pages} pages, "
                      f"all fonts embedded{', ' + opts.pdf_variant.upper() if opts.pdf_variant else ''}, no links or bookmarks; "
                      f"passes presswork preflight ({INTERIOR} and the variant it declares)"))  # fmt: skip
        say("Writing the print interior, EPUB, Kindle and Kobo files …")
        with tempfile.TemporaryDirectory(prefix=".", dir=work) as tmp:
            [interior] = pipeline.write("pdf", Path(tmp))
            (work / f"{print_id}_interior.pdf").write_bytes(for_the_printer(interior.read_bytes()))
            [epub] = pipeline.write("epub", Path(tmp))
            kindle = pipeline.write("kindle", Path(tmp))
            shutil.copyfile(epub, work / f"{ebook_id}.epub")
            claims = book_claims(book, page_list=bool(meta.isbn_paperback))
            files.append((f"{ebook_id}.epub", "ebook", "EPUB 3.3 for every store; EPUBCheck 5 with 0 errors and 0 warnings; "
                          f"{claims.conforms_to or 'no accessibility conformance claimed (figures without a description)'}"))  # fmt: skip
            shutil.copyfile(kindle[0], work / f"{ebook_id}_kindle.epub")
            files.append((f"{ebook_id}_kindle.epub", "Kindle ebook", "EPUB for Kindle Direct Publishing and Send-to-Kindle"))
            if len(kindle) > 1:
                shutil.copyfile(kindle[1], work / f"{ebook_id}.azw3")
                files.append((f"{ebook_id}.azw3", "Kindle side-loading", "AZW3 (KF8) made by calibre"))
            [kepub] = pipeline.write("kobo", Path(tmp))  # Kobo Writing Life takes the EPUB and makes its own kepub
            os.replace(kepub, work / f"{ebook_id}.kepub.epub")
            files.append((f"{ebook_id}.kepub.epub", "Kobo side-loading",
                          "kepub (the EPUB with Kobo's spans) for copying onto a Kobo reader; EPUBCheck 5 with 0 errors and 0 warnings"))
        say("Making the covers …")
        (work / f"{ebook_id}_cover.jpg").write_bytes(retail_cover(book))
        files.append((f"{ebook_id}_cover.jpg", "retail cover",
                      f"RGB JPEG {RETAIL_SIZE[0]} × {RETAIL_SIZE[1]} px (height:width 1.6, KDP's ideal; under 50 MB)"))
        width, height, spine = wrap_size(book, pages)
        (work / f"{print_id}_cover.pdf").write_bytes(cover_wrap(book, pages))
        files.append((f"{print_id}_cover.pdf", "print cover wrap",
                      f"{width:.3f} × {height:.3f} in = 2 × {opts.width:g} in trim + {spine:.3f} in spine "
                      f"({pages} pages × {PAPER_THICKNESS[opts.paper]} in, {opts.paper} paper) + 2 × {STANDARD_BLEED:g} in bleed; CMYK, EAN-13 barcode in black ink; passes presswork preflight "
                      f"({COVER}{', ' + opts.pdf_variant.upper() if opts.pdf_variant in LEVELS else ''})"))  # fmt: skip
        say("Preflight of the print files …")
        require_preflight([(work / f"{print_id}_interior.pdf", INTERIOR), (work / f"{print_id}_cover.pdf", COVER)])
        findings = check_epub(work / f"{ebook_id}.epub", print_edition=bool(meta.isbn_paperback))
        (work / "accessibility-report.md").write_text(report_markdown(meta.title, f"{ebook_id}.epub", findings), encoding="utf-8")
        files.append(("accessibility-report.md", "accessibility report", "EPUB Accessibility 1.1 checks, in plain words"))
        facts = OnixFacts(pages, main, claims, epub_words(work / f"{ebook_id}.epub"))
        if meta.isbn_ebook or meta.isbn_paperback:
            files += _onix_files(book, facts, work, final)
            for form in ("ebook", "paperback"):
                if not meta.prices.get(form):
                    diagnostics.warn(f"no price for the {form}: its ONIX record says 'price to be announced', which "
                                     "stores (and Google Play's profile) do not put on sale", None,
                                     f'add prices: {{{form}: ["9.99 GBP"]}} to book.yaml')  # fmt: skip
        else:
            diagnostics.warn("no ISBN, so no ONIX record: stores identify products by ISBN", None,
                             "add isbn: {ebook: …, paperback: …} to book.yaml")  # fmt: skip
        _seal(work, files)
        for finding in findings:  # before the bundle replaces the last one: --strict stops here
            if not finding.ok:
                diagnostics.warn(f"accessibility: {finding.text}", None, "see accessibility-report.md")
        old = _replaceable(final)
        if old:
            _remove_bundle(final, old)
        unmark(work)
        work.rename(final)
    except BaseException:
        discard(work)
        raise


def _onix_files(book: Book, facts: OnixFacts, work: Path, final: Path) -> list[tuple[str, str, str]]:
    """One ONIX record a product, Google Play's profile of the ebook's, and, when this bundle
    replaces one whose records differ, the delta a retailer applies to the records it holds."""
    meta = book.metadata
    files = []
    for form, isbn in (("ebook", meta.isbn_ebook), ("paperback", meta.isbn_paperback)):
        if isbn:
            (work / f"{isbn}_onix.xml").write_bytes(onix_record(book, facts, form))
            files.append((f"{isbn}_onix.xml", "metadata", f"ONIX for Books 3.0 (reference names), the {form}: one record"))
    if meta.isbn_ebook:
        name = f"{meta.isbn_ebook}_onix_google.xml"
        (work / name).write_bytes(onix_record(book, facts, "ebook", GOOGLE))
        files.append((name, "metadata", "ONIX 3.0, the ebook as Google Play's profile takes it (onixcheck -s google)"))
    current = onix_record(book, facts)
    previous = _previous_records(final)
    if previous and (delta := onix_delta(previous, current)):
        (work / "onix_delta.xml").write_bytes(delta)
        files.append(("onix_delta.xml", "metadata update", "ONIX 3.0 delta from the bundle this one replaced: "
                      "changed records whole (03), removed ones deleted (05)"))  # fmt: skip
    return files


def _previous_records(final: Path) -> bytes | None:
    """The records of the bundle at `final` as one message, for the delta, or None without one."""
    names = sorted(n for n in bundle_files(final) or () if n.endswith("_onix.xml"))
    if not names:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    messages = [etree.parse(str(final / n), parser).getroot() for n in names]
    for other in messages[1:]:
        messages[0].extend(other.iterfind("{*}Product"))
    return etree.tostring(messages[0])


def bundle_files(folder: Path) -> set[str] | None:
    """The files of a bundle dist made, or None when `folder` is not one. A bundle is a real folder
    of regular files that are exactly those its manifest.json lists (at the sizes it lists), plus
    the manifest and the checksums: anything else in the way is someone else's."""
    if folder.is_symlink() or not folder.is_dir():
        return None
    present = {p.name: p for p in folder.iterdir()}
    if any(p.is_symlink() or not p.is_file() for p in present.values()) or "manifest.json" not in present:
        return None
    try:
        entries = jsonfile.read(present["manifest.json"])["files"]
        if not isinstance(entries, list) or not all(map(_manifest_entry, entries)):
            return None
        listed = {e["file"]: e["bytes"] for e in entries}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if set(present) != {*listed, "manifest.json", "checksums.sha256"}:
        return None
    if any(present[name].stat().st_size != size for name, size in listed.items()):
        return None
    return set(present)


def _manifest_entry(entry: object) -> bool:
    """An entry as `_manifest` writes it: what every reader of a bundle may then take as given."""
    return (isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("file", "role", "sha256"))
            and type(entry.get("bytes")) is int)  # fmt: skip


def _replaceable(final: Path) -> set[str]:
    """The files of the old bundle at `final` (none when there is none), refusing anything else in the way."""
    if not (final.exists() or final.is_symlink()):
        return set()
    files = bundle_files(final)
    if files is None:
        raise PressworkError(f"{final.name} is not a bundle presswork made (no manifest.json listing exactly its files), "
                             "so dist will not replace it", Location(final),
                             "move it away, or give --out another folder")  # fmt: skip
    return files


def _remove_bundle(folder: Path, names: set[str]) -> None:
    """Delete a recognised old bundle file by file, through a handle on the folder itself, so a
    symlink swapped into its place is not followed and a file that appeared since stays."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        for name in names:
            os.unlink(name, dir_fd=fd)
    finally:
        os.close(fd)
    folder.rmdir()


def _seal(folder: Path, files: list[tuple[str, str, str]]) -> None:
    """manifest.json (every file with role, size and the specification it meets) and checksums."""
    entries = []
    for name, role, spec in sorted(files):
        data = (folder / name).read_bytes()
        entries.append({"file": name, "role": role, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                        "meets": spec})  # fmt: skip
    manifest = (json.dumps({"files": entries}, indent=2, ensure_ascii=False) + "\n").encode()
    write_atomic(folder / "manifest.json", manifest)
    digests = {e["file"]: e["sha256"] for e in entries} | {"manifest.json": hashlib.sha256(manifest).hexdigest()}
    lines = [f"{digests[n]}  {n}" for n in sorted(digests)]
    write_atomic(folder / "checksums.sha256", ("\n".join(lines) + "\n").encode())
