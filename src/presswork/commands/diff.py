"""`presswork diff OLD NEW`: what changed between two builds (EPUBs or PDFs) or two git revisions,
so that a proofreader re-reads only what moved."""

from __future__ import annotations

import difflib
import html
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import Location, PressworkError
from ..files.archives import BoundedZip
from ..files.output import write_atomic, writing_into

NS = {"opf": "http://www.idpf.org/2007/opf", "h": "http://www.w3.org/1999/xhtml"}
CONTEXT = 8  # words shown either side of a change
MAX_PDF_PAGES = 5_000  # a long book has a thousand
MAX_PDF_TEXT = 50_000_000  # characters of text taken from one PDF, a long book's tenfold


@dataclass
class Change:
    title: str
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    html: str = ""


@dataclass
class DiffResult:
    changes: list[Change] = field(default_factory=list)
    pages: tuple[int, int] | None = None  # page counts, for PDFs
    moved_pages: list[int] = field(default_factory=list)  # pages (1-based) whose first words changed

    def summary(self) -> str:
        lines = [f"{len(self.changes)} changed: " + (", ".join(c.title for c in self.changes) or "nothing")]
        for change in self.changes:
            lines.append(f"  {change.title}: -{' '.join(change.removed)[:80]!r} +{' '.join(change.added)[:80]!r}")
        if self.pages:
            lines.append(f"pages: {self.pages[0]} → {self.pages[1]}; page breaks moved on {len(self.moved_pages)} pages"
                         + (f" (from page {self.moved_pages[0]})" if self.moved_pages else ""))  # fmt: skip
        return "\n".join(lines)


def epub_documents(path: Path) -> list[tuple[str, list[str]]]:
    """(title, words) of every document in reading order."""
    with BoundedZip(path) as archive:
        try:
            return _documents(archive)
        except (KeyError, AttributeError, TypeError, ValueError, etree.XMLSyntaxError) as exc:
            raise PressworkError(f"not an EPUB presswork can read: {exc}", Location(path), "compare two .epub files") from None


def _documents(archive: BoundedZip) -> list[tuple[str, list[str]]]:
    """The spine's documents as the container and package name them."""
    opf_path = re.search(rb'full-path="([^"]+)"', archive.read("META-INF/container.xml")).group(1).decode()
    opf = etree.fromstring(archive.read(opf_path))
    base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
    items = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", NS)}
    docs = []
    for ref in opf.iterfind(".//opf:itemref", NS):
        tree = etree.fromstring(archive.read(base + items[ref.get("idref")]))
        heading = tree.find(".//h:h1", NS)
        title = " ".join("".join(heading.itertext()).split()) if heading is not None else items[ref.get("idref")]
        body = tree.find(".//h:body", NS)
        docs.append((title, " ".join(body.itertext()).split() if body is not None else []))
    return docs


def diff_words(title: str, old: list[str], new: list[str]) -> Change | None:
    if old == new:
        return None
    change = Change(title)
    parts = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    opcodes = matcher.get_opcodes()
    for index, (op, a1, a2, b1, b2) in enumerate(opcodes):
        if op == "equal":
            words = old[a1:a2]
            if len(words) > 2 * CONTEXT:
                head = words[:CONTEXT] if index > 0 else []
                tail = words[-CONTEXT:] if index < len(opcodes) - 1 else []
                parts.append(html.escape(" ".join(head)) + " <span class='gap'>…</span> " + html.escape(" ".join(tail)))
            else:
                parts.append(html.escape(" ".join(words)))
            continue
        change.removed += old[a1:a2]
        change.added += new[b1:b2]
        if a2 > a1:
            parts.append(f"<del>{html.escape(' '.join(old[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{html.escape(' '.join(new[b1:b2]))}</ins>")
    change.html = f"<section><h2>{html.escape(title)}</h2><p>{' '.join(parts)}</p></section>"
    return change


def diff_epubs(old: Path, new: Path) -> DiffResult:
    result = DiffResult()
    before, after = epub_documents(old), epub_documents(new)
    titles = list(dict.fromkeys([t for t, _ in before] + [t for t, _ in after]))
    old_docs, new_docs = dict(before), dict(after)
    for title in titles:
        change = diff_words(title, old_docs.get(title, []), new_docs.get(title, []))
        if change:
            result.changes.append(change)
    return result


def pdf_pages(path: Path) -> list[list[str]]:
    """The words of every page, within bounds on pages and text (pypdf bounds each stream it unpacks)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if (count := len(reader.pages)) > MAX_PDF_PAGES:
            raise PressworkError(f"{count} pages, more than {MAX_PDF_PAGES} pages", Location(path), "compare the PDFs of one book")
        pages, total = [], 0
        for number, page in enumerate(reader.pages, 1):
            text = page.extract_text() or ""
            total += len(text)
            if total > MAX_PDF_TEXT:
                raise PressworkError(f"the text runs to more than {MAX_PDF_TEXT:,} characters at page {number}", Location(path),
                                     "compare the PDFs of one book")  # fmt: skip
            pages.append(text.split())
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise PressworkError(f"not a PDF presswork can read: {exc}", Location(path), "compare two .pdf files") from None
    return pages


def diff_pdfs(old: Path, new: Path) -> DiffResult:
    before, after = pdf_pages(old), pdf_pages(new)
    result = DiffResult(pages=(len(before), len(after)))
    for number, (a, b) in enumerate(zip(before, after), 1):
        if a[:12] != b[:12]:
            result.moved_pages.append(number)
        change = diff_words(f"page {number}", a, b)
        if change:
            result.changes.append(change)
    return result


def diff_revisions(root: Path, old: str, new: str, say) -> DiffResult:
    """Build the EPUB of the book at two git revisions and compare them."""
    from ..package.epub import EpubBuilder
    from ..errors import Diagnostics
    from ..load.book import load_book

    books = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, rev in enumerate((old, new)):
            folder = Path(tmp) / f"rev-{number}"
            folder.mkdir()
            say(f"Checking out {rev} …")
            folders = ["manuscript", *(name for name in ("images", "styles") if (root / name).is_dir())]
            archive = subprocess.run(["git", "-C", str(root), "archive", rev, *folders], capture_output=True, check=False)
            if archive.returncode:
                raise PressworkError(f"git cannot give revision {rev!r}: {archive.stderr.decode().strip()}")
            subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
            book = load_book(folder, Diagnostics())
            book.metadata.isbn_paperback = None  # the text is compared, not print pages
            epub = folder / "book.epub"
            epub.write_bytes(EpubBuilder(book, Diagnostics()).build())
            books.append(epub)
        return diff_epubs(*books)


def write_html(result: DiffResult, path: Path, title: str) -> None:
    """The word-level report, written atomically; a full or read-only disk is a one-line error."""
    body = "\n".join(c.html for c in result.changes) or "<p>Nothing changed.</p>"
    pages = ""
    if result.pages:
        pages = f"<p>Pages: {result.pages[0]} → {result.pages[1]}. Page breaks moved on pages: {', '.join(map(str, result.moved_pages)) or 'none'}.</p>"
    page = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>presswork diff</title><style>"
            "body{font-family:serif;max-width:50em;margin:auto}del{background:#fdd}ins{background:#dfd}.gap{color:#888}"
            f"</style></head><body><h1>{html.escape(title)}</h1>{pages}{body}</body></html>\n")  # fmt: skip
    with writing_into(path.parent):
        write_atomic(path, page.encode())  # replaces a link planted at `path` instead of writing through it
