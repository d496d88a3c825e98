"""The markup annotations of a PDF as its reader left them (Acrobat, Preview, Okular, pdf.js …),
with the printed words each one covers: read from the file, like any PDF viewer would, since a
proof comes back from outside presswork.

The covered words come from the annotation's quad points (highlight, underline, strike-out,
squiggly), else from its rectangle (free text, ink), else from the word nearest to it (a caret
between two words, a sticky note in the margin)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pikepdf
from pdfminer.pdfparser import PDFSyntaxError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ..errors import Location, PressworkError
from ..sourcemap import CATALOG_KEY, MAX_BYTES, SourceMap

MAX_PAGES = 5_000  # a long book has a thousand
MAX_MARKS = 20_000  # a heavily marked proof has a few hundred
KINDS = {"/Highlight": "highlight", "/Underline": "underline", "/StrikeOut": "strike", "/Squiggly": "squiggly",
         "/Caret": "insert", "/Text": "note", "/FreeText": "text", "/Ink": "ink"}  # fmt: skip
QUADS = {"highlight", "underline", "strike", "squiggly"}
CONTEXT_WORDS = 8  # words either side of a mark, to tell apart the places its words stand in
MARGIN = 0.07  # the bands of the trim at its head and foot holding running heads, folios and the proof line
SUPERSCRIPT = 0.8  # a digit this much smaller than its neighbour on the line is a note call
# A word broken across lines: WeasyPrint's hyphen (U+2010) or a soft hyphen, lost when it is joined.
_BROKEN = ("\u2010", "\u00ad")
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?")


@dataclass
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Mark:
    """One annotation, where it stands and what it covers."""

    kind: str  # a value of KINDS
    page: int  # physical page, 1-based
    folio: str  # the printed page number (the PDF's page label)
    words: list[str]  # the printed words it covers (a caret: the word before it)
    before: list[str]  # printed words before them on the page, for telling apart repeated words
    after: list[str]
    comment: str = ""
    author: str = ""
    date: str = ""
    band: str = ""  # "head" or "foot" when the words stand in the page's margin band (running head, folio)
    replies: list[Mark] = field(default_factory=list)

    @property
    def text(self) -> str:
        return joined(self.words)


def joined(words: list[str]) -> str:
    """Printed words as one string, a word broken across lines whole again."""
    out = ""
    for word in words:
        if out and out.endswith(_BROKEN):
            out = out[:-1] + word
        else:
            out = f"{out} {word}" if out else word
    return out


def read_marks(path: Path) -> list[Mark]:
    """Every markup annotation in page order, replies (/IRT) attached to what they answer."""
    try:
        with pikepdf.open(path) as pdf, pdfplumber.open(path) as plumber:
            if len(pdf.pages) > MAX_PAGES:
                raise PressworkError(f"{len(pdf.pages)} pages, more than {MAX_PAGES}", Location(path), "read the marks of a book's PDF")
            labels = _labels(pdf)
            marks: dict[tuple[int, int], Mark] = {}
            replies: list[tuple[tuple[int, int], Mark]] = []
            for index, page in enumerate(pdf.pages):
                annots = [a for a in page.obj.get("/Annots", []) if isinstance(a, pikepdf.Dictionary) and str(a.get("/Subtype")) in KINDS]
                if not annots:
                    continue
                words = _page_words(plumber.pages[index])
                plumber.pages[index].close()  # the page's characters, which pdfplumber would keep for every page marked
                box = [float(v) for v in page.trimbox]
                for annot in annots:
                    mark = _mark(annot, index, labels[index], words, box, float(page.mediabox[3]))
                    if len(marks) + len(replies) >= MAX_MARKS:
                        raise PressworkError(f"more than {MAX_MARKS} marks", Location(path, None), "split the proof")
                    if "/IRT" in annot and isinstance(annot.IRT, pikepdf.Dictionary):
                        replies.append((annot.IRT.objgen, mark))
                    else:
                        marks[annot.objgen if annot.is_indirect else (index, len(marks))] = mark
    except (pikepdf.PdfError, PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise PressworkError(f"not a PDF presswork can read: {exc}", Location(path), "give the annotated PDF") from None
    for target, reply in replies:
        if target in marks:
            marks[target].replies.append(reply)
    return list(marks.values())


def _labels(pdf: pikepdf.Pdf) -> list[str]:
    """Each page's label, its printed folio (the physical number where the PDF has no labels)."""
    labels = []
    for index, page in enumerate(pdf.pages):
        label = pikepdf.Page(page).label
        labels.append(str(label) if label else str(index + 1))
    return labels


def _page_words(page: pdfplumber.page.Page) -> list[Word]:
    """The page's words in reading order, note calls (small raised digits) left out: the manuscript
    has a label where the page prints a number."""
    raw = page.extract_words(extra_attrs=["size"])
    words = []
    for i, w in enumerate(raw):
        neighbours = [n["size"] for n in raw[max(0, i - 1) : i + 2] if n is not w and abs(n["top"] - w["top"]) < 2 * w["size"]]
        if w["text"].isdigit() and neighbours and w["size"] < SUPERSCRIPT * max(neighbours):
            continue
        text = unicodedata.normalize("NFKC", w["text"])
        words.append(Word(text, w["x0"], w["top"], w["x1"], w["bottom"]))
    return words


def _mark(annot: pikepdf.Dictionary, index: int, folio: str, words: list[Word], trim: list[float], height: float) -> Mark:
    kind = KINDS[str(annot.Subtype)]
    # pdfplumber measures from the top of the media box, PDF space from its foot
    boxes = [(x0, height - y1, x1, height - y0) for x0, y0, x1, y1 in _boxes(annot, kind)]
    # a caret marks a point between words, never the words its box overlaps (a narrow next word may lie under it)
    covered = [i for i, w in enumerate(words) if any(_inside(w, box) for box in boxes)] if kind != "insert" else []
    if not covered and words and boxes:
        covered = [_nearest(words, boxes[0], kind == "insert")]
    first, last = (covered[0], covered[-1]) if covered else (0, -1)
    chosen = [words[i] for i in covered]
    band = ""
    if chosen and all(w.bottom < height - trim[3] + MARGIN * (trim[3] - trim[1]) for w in chosen):
        band = "head"
    elif chosen and all(w.top > height - trim[1] - MARGIN * (trim[3] - trim[1]) for w in chosen):
        band = "foot"
    return Mark(kind=kind, page=index + 1, folio=folio, words=[w.text for w in chosen],
                before=[w.text for w in words[max(0, first - CONTEXT_WORDS) : first]],
                after=[w.text for w in words[last + 1 : last + 1 + CONTEXT_WORDS]],
                comment=_string(annot.get("/Contents")), author=_string(annot.get("/T")),
                date=_date(_string(annot.get("/M") or annot.get("/CreationDate"))), band=band)  # fmt: skip


def _boxes(annot: pikepdf.Dictionary, kind: str) -> list[tuple[float, float, float, float]]:
    """The areas an annotation marks, in PDF space: a box per quad (4 points, in any order: Acrobat's
    differs from the specification's), else its rectangle."""
    quads = [float(v) for v in annot.get("/QuadPoints", [])] if kind in QUADS else []
    boxes = []
    for i in range(0, len(quads) - 7, 8):
        xs, ys = quads[i : i + 8 : 2], quads[i + 1 : i + 8 : 2]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    if not boxes and "/Rect" in annot:
        x0, y0, x1, y1 = (float(v) for v in annot.Rect)
        boxes.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    return boxes


def _inside(word: Word, box: tuple[float, float, float, float]) -> bool:
    """Whether a word's middle lies in a box: a highlight drawn loosely still takes whole words."""
    x, y = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _nearest(words: list[Word], box: tuple[float, float, float, float], caret: bool) -> int:
    """The word closest to a box: for a caret, the last word on its line whose middle stands before
    the caret's (the word the insertion follows: a caret sits in the space after it, which a tightly
    justified line narrows to a point or two, so the next word's end may be as near); otherwise the
    nearest word on the nearest line."""
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2

    def distance(i: int) -> tuple[float, float]:
        w = words[i]
        line = abs((w.top + w.bottom) / 2 - y)
        middle = (w.x0 + w.x1) / 2
        if caret:
            return (line, x - middle if middle <= x else 1e6 + middle)
        return (line, max(w.x0 - x, 0, x - w.x1))

    return min(range(len(words)), key=distance)


def _string(value: object) -> str:
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip() if value is not None else ""


def _date(value: str) -> str:
    """A PDF date (D:YYYYMMDDHHmmSS…) as ISO 8601, to the minute; other text as it is."""
    match = _PDF_DATE.match(value)
    if not match:
        return value
    parts = [int(p) if p else d for p, d in zip(match.groups(), (0, 1, 1, 0, 0, 0))]
    try:
        return dt.datetime(*parts).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def read_source_map(path: Path) -> SourceMap | None:
    """The source map presswork wrote into the PDF when it built it (kept by a viewer's save, which
    leaves the catalog's entries as they are); None when it has none, it is damaged, or the PDF's
    pages are no longer the build's (pages added or taken out since)."""
    try:
        with pikepdf.open(path) as pdf:
            stream = pdf.Root.get(CATALOG_KEY)
            if not isinstance(stream, pikepdf.Stream) or stream.get("/Filter") not in (None, pikepdf.Name.FlateDecode):
                return None
            raw = stream.read_raw_bytes()
            data = zlib.decompressobj().decompress(raw, MAX_BYTES + 1) if "/Filter" in stream else raw  # bounded, unlike read_bytes
            found = SourceMap.from_bytes(data)
            return found if found is not None and len(found.pages) == len(pdf.pages) else None
    except zlib.error:
        return None
    except (pikepdf.PdfError, ValueError, TypeError) as exc:
        raise PressworkError(f"not a PDF presswork can read: {exc}", Location(path), "give the annotated PDF") from None


def read_sections(path: Path) -> list[tuple[int, str]]:
    """(first physical page, title) of every entry of the PDF's outline, nested ones included."""
    try:
        reader = PdfReader(path)
        found: list[tuple[int, str]] = []

        def walk(items: list) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item)
                elif (page := reader.get_destination_page_number(item)) is not None and page >= 0:
                    found.append((page + 1, str(item.title)))

        walk(reader.outline)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise PressworkError(f"not a PDF presswork can read: {exc}", Location(path), "give the annotated PDF") from None
    return found
