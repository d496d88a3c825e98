"""`presswork diff OLD NEW`: what changed between two builds (EPUBs or PDFs) or two git revisions,
so that a proofreader re-reads only what moved."""

from __future__ import annotations

import difflib
import html
import math
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from string import digits

from lxml import etree
from pypdf import PageObject, PdfReader
from pypdf.errors import PyPdfError

from ..backends.options import BuildOptions
from ..errors import Diagnostics, Location, PressworkError
from ..files.archives import BoundedZip
from ..files.folders import default_out
from ..files.output import write_atomic, writing_into
from ..files.revisions import check_revision, extract_revision
from ..load.book import load_book
from ..load.sources import BOOK_YAML
from ..package.reader import read_package
from ..pipeline import Pipeline
from ..text.labels import counted

NS = {"h": "http://www.w3.org/1999/xhtml"}
CONTEXT = 8  # words shown either side of a change in the HTML report
LINE_CONTEXT = 4  # words shown either side of a change on the console
LINE_WORDS = 12  # words of a side shown on the console before the middle of a long one is cut
MAX_LINES = 10  # changes of one document listed on the console; the HTML report has them all
FILE_KINDS = (".epub", ".pdf")
MAX_PDF_PAGES = 5_000  # a long book has a thousand
MAX_PDF_TEXT = 50_000_000  # characters of text taken from one PDF, a long book's tenfold
# Words a side compared word by word (a few long paragraphs); a longer changed passage is shown
# replaced whole. Word diffs cost the product of the two sides' lengths.
MAX_PAIR_WORDS = 500
# The bands at the head and foot of a page's trim holding the running head, the folio and a proof's
# date line: left out of the text compared, so that a folio never reads as a word of the page.
MARGIN_BAND = 0.07
_SENTENCE_ENDS = (".", "?", "!", "…", ";", ":")
# A word broken across lines: WeasyPrint's hyphen (U+2010, its hyphenate-character) or a soft hyphen,
# which the word loses when joined, or a hyphen-minus, which is the word's own and stays.
_BROKEN_WORD = re.compile(r"(?<=\w)([\u2010\u00ad-])[ \t]*\n\s*(?=\w)")


@dataclass
class Change:
    title: str
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    html: str = ""
    lines: list[str] = field(default_factory=list)  # each change in its context, for the console


@dataclass
class DiffResult:
    changes: list[Change] = field(default_factory=list)
    pages: tuple[int, int] | None = None  # page counts, for PDFs
    moved_pages: list[int] = field(default_factory=list)  # pages (1-based) whose first words changed
    folios: list[str] = field(default_factory=list)  # the new PDF's printed page numbers (page labels)

    def page_name(self, number: int) -> str:
        """A PDF page as a reader finds it: its printed folio, the physical page in brackets."""
        folio = self.folios[number - 1] if number <= len(self.folios) else str(number)
        return f"page {folio}" if folio == str(number) else f"page {folio} [p. {number}]"

    def summary(self) -> str:
        """What changed, one line a change: `title: … words [-removed-]{+added+} words …`."""
        lines = [f"{len(self.changes)} changed: " + (", ".join(c.title for c in self.changes) or "nothing")]
        for change in self.changes:
            lines += [f"  {change.title}: {line}" for line in change.lines[:MAX_LINES]]
            if len(change.lines) > MAX_LINES:
                lines.append(f"  {change.title}: {counted(len(change.lines) - MAX_LINES, 'more change')}")
        if self.pages:
            lines.append(f"pages: {self.pages[0]} → {self.pages[1]}; page breaks moved on {counted(len(self.moved_pages), 'page')}"
                         + (f" (from {self.page_name(self.moved_pages[0])})" if self.moved_pages else ""))  # fmt: skip
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
    package = read_package(archive)
    docs = []
    for entry in package.spine:
        tree = package.parse(entry)
        heading = tree.find(".//h:h1", NS)
        title = " ".join("".join(heading.itertext()).split()) if heading is not None else entry.href
        body = tree.find(".//h:body", NS)
        docs.append((title, " ".join(body.itertext()).split() if body is not None else []))
    return docs


def diff_words(title: str, old: list[str], new: list[str]) -> Change | None:
    if old == new:
        return None
    change = Change(title)
    parts = []
    opcodes = _opcodes(old, new)
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
        change.lines.append(_line(old, a1, a2, new[b1:b2]))
        if a2 > a1:
            parts.append(f"<del>{html.escape(' '.join(old[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{html.escape(' '.join(new[b1:b2]))}</ins>")
    change.html = f"<section><h2>{html.escape(title)}</h2><p>{' '.join(parts)}</p></section>"
    return change


def _line(old: list[str], a1: int, a2: int, added: list[str]) -> str:
    """One change on a line of its own, wdiff-style, between a few words of the old text either side."""
    start, end = max(0, a1 - LINE_CONTEXT), min(len(old), a2 + LINE_CONTEXT)
    parts = ["…"] if start > 0 else []
    parts += old[start:a1]
    removed = f"[-{_clipped(old[a1:a2])}-]" if a2 > a1 else ""
    parts.append(removed + (f"{{+{_clipped(added)}+}}" if added else ""))
    parts += old[a2:end] + (["…"] if end < len(old) else [])
    return " ".join(parts)


def _clipped(words: list[str]) -> str:
    """A long removed or added passage as its first and last words."""
    if len(words) <= LINE_WORDS:
        return " ".join(words)
    half = LINE_WORDS // 2
    return " ".join([*words[:half], "…", *words[-half:]])


Opcode = tuple[str, int, int, int, int]


def _opcodes(old: list[str], new: list[str]) -> list[Opcode]:
    """SequenceMatcher's word opcodes in bounded time. Matching two whole documents word by word is
    quadratic (two chapters of 20,000 words: minutes), so the common head and tail are set aside,
    the rest is matched sentence by sentence, and only sentences that differ are matched word by
    word, up to MAX_PAIR_WORDS a side."""
    head = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    tail = next((i for i, (a, b) in enumerate(zip(reversed(old[head:]), reversed(new[head:]))) if a != b),
                min(len(old), len(new)) - head)  # fmt: skip
    a_end, b_end = len(old) - tail, len(new) - tail
    ops: list[Opcode] = [("equal", 0, head, 0, head)]
    cuts_a, cuts_b = _sentences(old, head, a_end), _sentences(new, head, b_end)
    keys_a = [tuple(old[s:e]) for s, e in pairwise(cuts_a)]
    keys_b = [tuple(new[s:e]) for s, e in pairwise(cuts_b)]
    if _pairs(keys_a, keys_b) > MAX_PAIR_WORDS**2:  # mostly repeated sentences: as costly as words
        ops += _words(old, new, head, a_end, head, b_end)
    else:
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False).get_opcodes():
            a1, a2, b1, b2 = cuts_a[i1], cuts_a[i2], cuts_b[j1], cuts_b[j2]
            ops += [("equal", a1, a2, b1, b2)] if op == "equal" else _words(old, new, a1, a2, b1, b2)
    ops.append(("equal", a_end, len(old), b_end, len(new)))
    return _merged(ops)


def _sentences(words: list[str], start: int, end: int) -> list[int]:
    """Where the sentences of words[start:end] begin, and `end`. A "sentence" without a letter or
    digit (an ellipsis's dots printed apart) joins the next: repeated a thousand times in a book,
    one such key would make matching by sentences as costly as matching by words."""
    cuts, said = [start], False
    for i in range(start, end - 1):
        said = said or any(c.isalnum() for c in words[i])
        if said and words[i].rstrip("\"'”’»)]").endswith(_SENTENCE_ENDS):
            cuts.append(i + 1)
            said = False
    return cuts + [end] if end > start else cuts


def _pairs(a: list, b: list) -> int:
    """How many equal pairs two sequences hold: the work SequenceMatcher does to match them."""
    counts = Counter(b)
    return sum(counts[item] for item in a)


def _words(old: list[str], new: list[str], a1: int, a2: int, b1: int, b2: int) -> list[Opcode]:
    """Word opcodes for old[a1:a2] against new[b1:b2], or the whole span replaced when a side is long."""
    if a2 - a1 > MAX_PAIR_WORDS or b2 - b1 > MAX_PAIR_WORDS:
        return [("replace", a1, a2, b1, b2)]
    matcher = difflib.SequenceMatcher(None, old[a1:a2], new[b1:b2], autojunk=False)
    return [(op, a1 + i1, a1 + i2, b1 + j1, b1 + j2) for op, i1, i2, j1, j2 in matcher.get_opcodes()]


def _merged(ops: list[Opcode]) -> list[Opcode]:
    """Opcodes as SequenceMatcher gives them: no empty ones, and neighbours of one kind joined
    (an unequal run is a replace, or a delete or insert when one side is empty)."""
    merged: list[list] = []
    for op, a1, a2, b1, b2 in ops:
        if a1 == a2 and b1 == b2:
            continue
        kind = "equal" if op == "equal" else "change"
        if merged and merged[-1][0] == kind:
            merged[-1][2], merged[-1][4] = a2, b2
        else:
            merged.append([kind, a1, a2, b1, b2])
    return [(("replace" if a2 > a1 and b2 > b1 else "delete" if a2 > a1 else "insert") if kind == "change" else kind,
             a1, a2, b1, b2) for kind, a1, a2, b1, b2 in merged]  # fmt: skip


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


NOTE_SIZE = 0.92  # text this much smaller than the body's, ending a page, is its notes
CALL_SIZE = 0.75  # digits this much smaller than the body's are note calls: numbers, not words of the text


def pdf_pages(path: Path) -> tuple[list[tuple[list[str], list[str]]], list[str]]:
    """The words of every page, running heads and folios left out, its body's apart from its notes
    (the run of text smaller than the book's body type that ends the page), and the pages' labels,
    within bounds on pages and text (pypdf bounds each stream it unpacks)."""
    try:
        reader = PdfReader(path)
        if (count := len(reader.pages)) > MAX_PDF_PAGES:
            raise PressworkError(f"{count} pages, more than {MAX_PDF_PAGES} pages", Location(path), "compare the PDFs of one book")
        pages, total, sizes = [], 0, Counter[float]()
        for number, page in enumerate(reader.pages, 1):
            runs = _body_runs(page)
            total += sum(len(text) for text, _ in runs)
            if total > MAX_PDF_TEXT:
                raise PressworkError(f"the text runs to more than {MAX_PDF_TEXT:,} characters at page {number}", Location(path),
                                     "compare the PDFs of one book")  # fmt: skip
            for text, size in runs:
                sizes[size] += len(text.strip())
            pages.append(runs)
        labels = list(reader.page_labels)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise PressworkError(f"not a PDF presswork can read: {exc}", Location(path), "compare two .pdf files") from None
    body = max(sizes, key=lambda size: (sizes[size], size)) if sizes else 0.0
    return [_split_notes(runs, body) for runs in pages], labels


def _split_notes(runs: list[tuple[str, float]], body: float) -> tuple[list[str], list[str]]:
    """A page's body words and note words: the notes are the text smaller than the body's that ends
    the page; note calls are left out (renumbered when a note comes or goes, they are no edit)."""
    runs = [(text.strip(digits) if text.strip().isdigit() and size < CALL_SIZE * body else text, size) for text, size in runs]
    cut = len(runs)
    while cut and (not runs[cut - 1][0].strip() or runs[cut - 1][1] < NOTE_SIZE * body):
        cut -= 1
    return _joined("".join(t for t, _ in runs[:cut])).split(), _joined("".join(t for t, _ in runs[cut:])).split()


def _body_runs(page: PageObject) -> list[tuple[str, float]]:
    """A page's runs of text with their size, without what stands in the head and foot bands of its
    trim (running head, folio, proof line), told by where pypdf places each piece of text."""
    box = page.trimbox
    bottom, top = float(box.bottom), float(box.top)
    low, high = bottom + MARGIN_BAND * (top - bottom), top - MARGIN_BAND * (top - bottom)
    runs: list[tuple[str, float]] = []

    def keep(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if low < tm[4] * cm[1] + tm[5] * cm[3] + cm[5] < high:
            runs.append((text, round(size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]), 2)))

    page.extract_text(visitor_text=keep)
    return runs


def _joined(text: str) -> str:
    """A page's text with the words broken across lines whole again, so that a paragraph set anew
    does not read as edited where only its hyphenation moved (`re‐ cords` → `records`)."""
    return _BROKEN_WORD.sub(lambda match: "-" if match.group(1) == "-" else "", text)


def diff_pdfs(old: Path, new: Path) -> DiffResult:
    """Two PDFs compared as the book's words in reading order across lines and pages, the body's
    and the notes' apart, so that text set anew (a line carried to the next page, a note following
    its call) is no change; each change is named once, at the page of the new PDF where it stands."""
    (before, _), (after, folios) = pdf_pages(old), pdf_pages(new)
    result = DiffResult(pages=(len(before), len(after)), folios=folios)
    result.moved_pages = [number for number, (a, b) in enumerate(zip(before, after), 1) if a[0][:12] != b[0][:12]]
    by_page: dict[int, list[tuple[list[str], list[str], Opcode]]] = {}
    for part in (0, 1):  # the body, then the notes
        (old_words, old_pages), (new_words, new_pages) = _running([p[part] for p in before]), _running([p[part] for p in after])
        ops = [op for op in _opcodes(old_words, new_words) if op[0] != "equal"]
        for op in _unmoved(ops, old_pages, new_pages, old_words, new_words):
            _, _, _, b1, b2 = op
            at = new_pages[b1] if b2 > b1 else new_pages[b1 - 1] if b1 > 0 else 1  # a deletion: the page of the word before it
            by_page.setdefault(at, []).append((old_words, new_words, op))
    for number, found in sorted(by_page.items()):
        change = Change(result.page_name(number))
        for old_words, new_words, (_, a1, a2, b1, b2) in found:
            change.removed += old_words[a1:a2]
            change.added += new_words[b1:b2]
            change.lines.append(_line(old_words, a1, a2, new_words[b1:b2]))
        change.html = f"<section><h2>{html.escape(change.title)}</h2>" + "".join(
            f"<p>{_marked(o, a1, a2, n[b1:b2])}</p>" for o, n, (_, a1, a2, b1, b2) in found) + "</section>"  # fmt: skip
        result.changes.append(change)
    return result


def _running(pages: list[list[str]]) -> tuple[list[str], list[int]]:
    """The words of every page as one text, a word broken across two pages whole again, and the
    page (1-based) each word stands on."""
    words: list[str] = []
    where: list[int] = []
    for number, page in enumerate(pages, 1):
        for index, word in enumerate(page):
            if index == 0 and words and words[-1].endswith(("\u2010", "\u00ad")) and word[:1].isalnum():
                words[-1] = words[-1][:-1] + word
                continue
            words.append(word)
            where.append(number)
    return words, where


MOVE_PAGES = 1  # text carried this many pages on (a note following its call) is set anew, not changed


def _unmoved(ops: list[Opcode], old_pages: list[int], new_pages: list[int], old: list[str], new: list[str]) -> list[Opcode]:
    """The changes without pairs of a deletion and an insertion of the same words on neighbouring
    pages: a note, or a block the layout took to another page, that moved with the text around it."""
    deleted = {i: op for i, op in enumerate(ops) if op[0] == "delete"}
    gone: set[int] = set()
    for j, (kind, _a1, _a2, b1, b2) in enumerate(ops):
        if kind != "insert":
            continue
        for i, (_, a1, a2, _b1, _b2) in deleted.items():
            if i not in gone and old[a1:a2] == new[b1:b2] and abs(old_pages[a1] - new_pages[b1]) <= MOVE_PAGES:
                gone |= {i, j}
                break
    return [op for i, op in enumerate(ops) if i not in gone]


def _marked(old: list[str], a1: int, a2: int, added: list[str]) -> str:
    """One change in its context for the HTML report: the removed words struck, the added ones marked."""
    start, end = max(0, a1 - CONTEXT), min(len(old), a2 + CONTEXT)
    removed = f"<del>{html.escape(' '.join(old[a1:a2]))}</del>" if a2 > a1 else ""
    inserted = f"<ins>{html.escape(' '.join(added))}</ins>" if added else ""
    return " ".join(filter(None, ["…" if start else "", html.escape(" ".join(old[start:a1])), removed + inserted,
                                  html.escape(" ".join(old[a2:end])), "…" if end < len(old) else ""]))  # fmt: skip


def compare(old: str, new: str, root: Path, say) -> DiffResult:
    """Two built files, or two git revisions of the book in `root`. An argument that names a file
    (one that exists, or an .epub or .pdf name) makes both files, so a missing one is named as
    missing rather than looked up as a revision. (os.path's tests, unlike Path's, take a name too long
    to be a file's for no file rather than failing.)"""
    paths = (Path(old), Path(new))
    if not any(os.path.isfile(path) or path.suffix.lower() in FILE_KINDS for path in paths):
        return diff_revisions(root, old, new, say)
    for path in paths:
        if not os.path.isfile(path):
            raise PressworkError("not a file" if os.path.lexists(path) else "no such file", Location(path),
                                 "compare two .epub or two .pdf files, or two git revisions")  # fmt: skip
    kinds = {path.suffix.lower() for path in paths}
    if kinds == {".epub"}:
        return diff_epubs(*paths)
    if kinds == {".pdf"}:
        return diff_pdfs(*paths)
    raise PressworkError("compare two EPUBs or two PDFs", None, "give files of the same kind")


def default_report(root: Path) -> Path | None:
    """Where the HTML report goes without --out: the book's build/ when `root` is a book folder,
    else nowhere (a folder that is not a book gets no build/ of presswork's)."""
    return default_out(root, "build/diff.html") if (root / BOOK_YAML).is_file() else None


def diff_revisions(root: Path, old: str, new: str, say) -> DiffResult:
    """Build the EPUB of the book at two git revisions and compare them: their text, so without the
    print edition's page numbers (no print layout)."""
    for rev in (old, new):  # both, before the first is checked out
        check_revision(rev)
    books = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, rev in enumerate((old, new)):
            folder = Path(tmp) / f"rev-{number}"
            folder.mkdir()
            say(f"Checking out {rev} …")
            extract_revision(root, rev, folder)  # plumbing only: no filter, hook or fsmonitor of the repository runs
            diagnostics = Diagnostics()
            pipeline = Pipeline(load_book(folder, diagnostics), diagnostics, BuildOptions(page_map=False))
            books += pipeline.write("epub", folder)
        return diff_epubs(*books)


def write_html(result: DiffResult, path: Path, title: str) -> None:
    """The word-level report, written atomically; a full or read-only disk is a one-line error."""
    body = "\n".join(c.html for c in result.changes) or "<p>Nothing changed.</p>"
    pages = ""
    if result.pages:
        pages = f"<p>Pages: {result.pages[0]} → {result.pages[1]}. Page breaks moved on: {', '.join(map(result.page_name, result.moved_pages)) or 'none'}.</p>"
    page = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>presswork diff</title><style>"
            "body{font-family:serif;max-width:50em;margin:auto}del{background:#fdd}ins{background:#dfd}.gap{color:#888}"
            f"</style></head><body><h1>{html.escape(title)}</h1>{pages}{body}</body></html>\n")  # fmt: skip
    with writing_into(path.parent):
        write_atomic(path, page.encode())  # replaces a link planted at `path` instead of writing through it
