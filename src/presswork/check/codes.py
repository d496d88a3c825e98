"""The check codes in one table (code → severity, what, fix), and a Problem: one finding under a code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..files.output import UNDATED

CODES = {
    "L001": ("error", "the book does not load", "fix the error named; the other checks need a loadable book"),
    "L002": ("warning", "the loader's warning", "see the message"),
    "L003": ("warning", "empty chapter", "write its text or remove it from book.yaml"),
    "L004": ("warning", "control character removed", "delete the invisible character from the file"),
    "L005": ("warning", "unknown key in book.yaml or a front matter, ignored", "check its spelling against the README"),
    "C001": ("error", "check setting that cannot be read", "write `check: {ignore: [T002, {code: S001, file: …}]}`"),
    "S001": ("error", "word mixing scripts", "retype the word in one alphabet (look-alike letters from two scripts)"),
    "F001": ("warning", "character the book face lacks", "replace it, or accept that readers see a fallback font"),
    "N001": ("error", "note referenced but not defined", "add the note's definition `[^x]: …`"),
    "N002": ("warning", "note defined but never referenced", "reference it in the text or delete it"),
    "N003": ("warning", "notes numbered out of order", "renumber so that labels follow the order of first reference"),
    "N004": ("error", "empty note", "write the note's text or delete it"),
    "N005": ("warning", "note the import found without a call", "place its call in the text, then delete the marker"),
    "N006": ("warning", "note whose text the import did not find",
             "look for the note's text in the body first (a note line printed as a paragraph), move it into the note; "
             "delete the call only when the text is nowhere"),
    "N007": ("error", "note marker left in the text (^{12}, [12.](#), a paragraph opening with a note's number)",
             "make it a note call [^12], or move the line into its note"),
    "I006": ("warning", "placeholder figure (the import found no image)", "supply the image and describe it, or delete the figure"),
    "K001": ("error", "cross-reference to no id", "correct the id, or give the target that id"),
    "K002": ("warning", "glossary term never referred to", "mark it in the text ([term]{.term}) or drop it"),
    "K003": ("warning", "person never referred to", "mark them in the text ([Name]{.person}) or drop the note"),
    "K004": ("error", "index mark with no entry", 'give the mark text or entry="…"'),
    "K005": ("error", "term mark naming no glossary entry", "correct the mark, or add the term to the glossary"),
    "K006": ("error", "person mark naming no biography", "correct the mark, or add the person to the biographies"),
    "I001": ("error", "image missing", "add the file to images/ or correct the path"),
    "I002": ("warning", "image never used", "use it in the manuscript or delete it"),
    "I003": ("warning", "image too coarse for print", "supply at least 300 ppi at the printed size"),
    "I004": ("error", "image without alt text", "describe the picture in the ![alt](…) text"),
    "I005": ("error", "image the PDF variant forbids", "convert to CMYK/greyscale or flatten transparency"),
    "I007": ("warning", "CMYK image: e-book readers and KDP expect RGB",
             ("the EPUB and Kindle EPUB carry an sRGB copy (the print PDF the CMYK file): look at its colours there, "
              "or supply an RGB image if the print PDF need not be PDF/X-1a")),
    "T001": ("warning", "straight quote left unresolved", "use curly quotes, or balance the straight ones"),
    "T002": ("warning", "double space", "use one space"),
    "T003": ("warning", "hyphen used as a dash", "write -- (en dash) or --- (em dash)"),
    "T004": ("warning", "space before punctuation", "remove the space"),
    "T005": ("warning", "unbalanced quotes or brackets", "close what the paragraph opens"),
    "T006": ("warning", "repeated word", "delete one of them"),
    "M001": ("warning", "no ISBN", "add isbn: {ebook: …, paperback: …}; stores need one"),
    "M002": ("warning", "no description", "add description: for store pages"),
    "M003": ("warning", "no cover", "add cover: images/cover.jpg"),
    "M004": ("warning", "cover smaller or of another shape than Kindle asks", "supply a cover of 1600 × 2560 px or larger"),
    "M005": ("warning", "placeholder from presswork init", "replace it with the book's own text"),
    "M006": ("warning", f"no publication date: every product is dated {UNDATED.isoformat()}",
             "add date: YYYY-MM-DD, the day this edition is published (SOURCE_DATE_EPOCH, if set, dates the products)"),
    "P001": ("warning", "running head shortened to fit one line", "give the chapter a short_title: in its front matter"),
}


@dataclass
class Problem:
    code: str
    severity: str
    file: str
    line: int | None
    message: str
    fix: str

    def text(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{self.code} {self.severity} {where}: {self.message} — {self.fix}"


def problem(code: str, file: Path | str, line: int | None, detail: str = "", fix: str | None = None) -> Problem:
    severity, message, default_fix = CODES[code]
    return Problem(code, severity, str(file), line, f"{message}{': ' + detail if detail else ''}", fix or default_fix)


class Problems(list[Problem]):
    """The problems found so far, in the order found: each category's checks add to it."""

    def add(self, code: str, file: Path | str, line: int | None, detail: str = "", fix: str | None = None) -> None:
        self.append(problem(code, file, line, detail, fix))
