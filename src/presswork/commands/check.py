"""`presswork check`: the problems a machine can find, each with a stable code, before a proofreader starts."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from ..errors import Diagnostics, PressworkError
from ..load.book import load_book
from ..load.sources import BOOK_YAML, MAX_TEXT_BYTES, line_finder
from ..model import IMAGE_TYPES, Biographies, Book, Glossary
from ..render import fonts
from ..text.markdown import parse
from ..text.scripts import mixed_scripts

CODES = {
    "L001": ("error", "the book does not load", "fix the error named; the other checks need a loadable book"),
    "S001": ("error", "word mixing scripts", "retype the word in one alphabet (look-alike letters from two scripts)"),
    "F001": ("warning", "character the book face lacks", "replace it, or accept that readers see a fallback font"),
    "N001": ("error", "note referenced but not defined", "add the note's definition `[^x]: …`"),
    "N002": ("warning", "note defined but never referenced", "reference it in the text or delete it"),
    "N003": ("warning", "notes numbered out of order", "renumber so that labels follow the order of first reference"),
    "N004": ("error", "empty note", "write the note's text or delete it"),
    "N005": ("warning", "note the import found without a call", "place its call in the text, then delete the marker"),
    "N006": ("warning", "note whose text the import did not find", "find the note's text, or delete the call"),
    "K001": ("error", "cross-reference to no id", "correct the id, or give the target that id"),
    "K002": ("warning", "glossary term never referred to", "mark it in the text ([term]{.term}) or drop it"),
    "K003": ("warning", "person never referred to", "mark them in the text ([Name]{.person}) or drop the note"),
    "K004": ("error", "index mark with no entry", 'give the mark text or entry="…"'),
    "I001": ("error", "image missing", "add the file to images/ or correct the path"),
    "I002": ("warning", "image never used", "use it in the manuscript or delete it"),
    "I003": ("warning", "image too coarse for print", "supply at least 300 ppi at the printed size"),
    "I004": ("error", "image without alt text", "describe the picture in the ![alt](…) text"),
    "I005": ("error", "image the PDF variant forbids", "convert to CMYK/greyscale or flatten transparency"),
    "T001": ("warning", "straight quote left unresolved", "use curly quotes, or balance the straight ones"),
    "T002": ("warning", "double space", "use one space"),
    "T003": ("warning", "hyphen used as a dash", "write -- (en dash) or --- (em dash)"),
    "T004": ("warning", "space before punctuation", "remove the space"),
    "T005": ("warning", "unbalanced quotes or brackets", "close what the paragraph opens"),
    "T006": ("warning", "repeated word", "delete one of them"),
    "M001": ("warning", "no ISBN", "add isbn: {ebook: …, paperback: …}; stores need one"),
    "M002": ("warning", "no description", "add description: for store pages"),
    "M003": ("warning", "no cover", "add cover: images/cover.jpg"),
    "M004": ("warning", "cover too small", "supply a cover at least 1600 × 2560 px"),
}
_WORD = re.compile(r"[\w\u0300-\u036f]+")
_PAIRS = (("(", ")"), ("[", "]"), ("“", "”"), ("«", "»"), ("„", "“"))


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


class Checker:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []

    def add(self, code: str, file: Path | str, line: int | None, detail: str = "") -> None:
        severity, message, fix = CODES[code]
        self.problems.append(Problem(code, severity, str(file), line, f"{message}{': ' + detail if detail else ''}", fix))

    def run(self) -> list[Problem]:
        try:
            book = load_book(self.root, Diagnostics())
        except PressworkError as exc:
            self.add("L001", exc.where.file or BOOK_YAML, exc.where.line, exc.message)
            book = None
        sources = self._sources(book)
        for path in sources:
            self._file(path)
        if book is not None:
            self._book(book)
        return self.problems

    def _sources(self, book: Book | None) -> list[Path]:
        if book is not None:
            return [c.source for c in book.chapters()]
        return sorted(p.relative_to(self.root) for p in (self.root / "manuscript").rglob("*.md") if self._readable(p))

    def _readable(self, path: Path) -> bool:
        """Whether a Markdown file found by a folder scan may be read: inside the book (symlinks
        resolved) and no bigger than the loader would read."""
        return path.resolve().is_relative_to(self.root.resolve()) and path.is_file() and path.stat().st_size <= MAX_TEXT_BYTES

    # -- one Markdown file ----------------------------------------------------------------
    def _file(self, source: Path) -> None:
        text = (self.root / source).read_text(encoding="utf-8", errors="replace")
        lines = text.split("\n")
        in_code = False
        for number, line in enumerate(lines, 1):
            if line.startswith("```"):
                in_code = not in_code
            if in_code or line.startswith("    ") and not line.strip().startswith("[^"):
                continue
            self._line(source, number, line)
        self._notes(source, text)
        self._paragraphs(source, text)

    def _line(self, source: Path, number: int, line: int | str) -> None:
        prose = re.sub(r"`[^`]*`|\]\([^)]*\)|\{[^}]*\}|https?://\S+|\[\^[^\]]*\]", "", str(line))
        for word in _WORD.findall(prose):
            scripts = mixed_scripts(word)
            if scripts:
                self.add("S001", source, number, f"{word!r} ({' + '.join(scripts)})")
        for char in fonts.missing_characters(prose):
            self.add("F001", source, number, f"{char!r} U+{ord(char):04X}")
        if re.search(r"\S  +\S", prose):
            self.add("T002", source, number)
        if re.search(r"\w - \w", prose):
            self.add("T003", source, number)
        if re.search(r"\w [,.;:!?](?:\s|$)", prose) and not re.search(r"\.\.\.|\w \.\w", prose):
            self.add("T004", source, number)
        if re.search(r'\w"\w', prose):
            self.add("T001", source, number, "between two letters, so it can be neither opening nor closing")
        if re.search(r"\[\s*\]\{(?![^}]*entry=)[^}]*\.ix\b[^}]*\}", str(line)):
            self.add("K004", source, number)
        for match in re.finditer(r"\b(\w+) \1\b", prose, re.I):
            if not match.group(1).isdigit():
                self.add("T006", source, number, f"{match.group(1)!r} twice")

    def _notes(self, source: Path, text: str) -> None:
        line_at, lines = line_finder(text), text.split("\n")
        refs = [(m.group(1), line_at(m.start())) for m in re.finditer(r"\[\^([^\]\s]+)\](?!:)", text)]
        defs = {m.group(1): (line_at(m.start()), m.group(2)) for m in
                re.finditer(r"^\[\^([^\]\s]+)\]:[ \t]*(.*)$", text, re.M)}  # fmt: skip
        seen: dict[str, None] = {}  # labels in order of first reference
        for label, line in refs:
            if label not in defs:
                self.add("N001", source, line, f"[^{label}]")
            seen.setdefault(label)
        for label, (line, body) in defs.items():
            if label not in seen:
                self.add("N002", source, line, f"[^{label}]")
            following = lines[line : line + 1]
            if not body.strip() and not (following and following[0].startswith("    ")):
                self.add("N004", source, line, f"[^{label}]")
        for match in re.finditer(r"^\*\[Notes the export gives without a call.*$", text, re.M):
            for label in re.findall(r"\[\^([^\]]+)\]", match.group()):
                self.add("N005", source, line_at(match.start()), f"[^{label}]")
        for label, (line, body) in defs.items():
            if "missing from the export" in body:
                self.add("N006", source, line, f"[^{label}]")
        numbers = [int(label) for label in seen if label.isdigit()]
        ordered = sorted(numbers)
        if numbers != ordered:
            position: dict[int, int] = {}  # where each number is first referenced
            for index, number in enumerate(numbers):
                position.setdefault(number, index)
            first = next(line for label, line in refs if label.isdigit() and int(label) != ordered[position[int(label)]])
            self.add("N003", source, first, "labels " + ", ".join(map(str, numbers[:8])) + ("…" if len(numbers) > 8 else ""))

    def _paragraphs(self, source: Path, text: str) -> None:
        """Quotes and brackets, after presswork's own typography, per paragraph."""
        tokens, _ = parse(re.sub(r"\A---\n.*?\n---\n", lambda m: "\n" * m.group().count("\n"), text, flags=re.S), "en")
        for tok in tokens:
            if tok.type != "inline" or not tok.map:
                continue
            prose = "".join(c.content for c in tok.children or [] if c.type == "text")
            counts = Counter(prose)
            pairs = [(counts["("], counts[")"], "(", ")"), (counts["["], counts["]"], "[", "]"),
                     (counts["«"], counts["»"], "«", "»"),
                     (counts["“"] - counts["„"], counts["”"], "“", "”")]  # „ closes with “ in Russian  # fmt: skip
            for opened, closed, open_, close in pairs:
                if opened != closed:
                    self.add("T005", source, tok.map[0] + 1, f"{opened} {open_} but {closed} {close}")
                    break

    # -- the loaded book --------------------------------------------------------------------
    def _book(self, book: Book) -> None:
        meta = book.metadata
        if not (meta.isbn_ebook or meta.isbn_paperback):
            self.add("M001", BOOK_YAML, None)
        if not meta.description:
            self.add("M002", BOOK_YAML, None)
        if not meta.cover:
            self.add("M003", BOOK_YAML, None)
        else:
            with Image.open(book.root / meta.cover) as cover:
                if max(cover.size) < 1600:
                    self.add("M004", meta.cover, None, f"{cover.size[0]} × {cover.size[1]} px")
        self._images(book)
        self._references(book)

    def _images(self, book: Book) -> None:
        used = {f.src for f in book.figures()} | ({book.metadata.cover} if book.metadata.cover else set())
        text_width = book.print.width - book.print.outside - book.print.gutter(0)
        for figure in book.figures():
            if not figure.alt.strip():
                self.add("I004", figure.where.file, figure.where.line, str(figure.src))
            if figure.src.suffix.lower() == ".svg":  # drawn to any size: no resolution to check
                continue
            with Image.open(book.root / figure.src) as image:
                placed = min(image.width / 96, text_width)
                if image.width / placed < 300:
                    self.add("I003", figure.where.file, figure.where.line, f"{figure.src}: {image.width / placed:.0f} ppi")
                variant = book.print.pdf_variant or ""
                if (variant == "pdf/x-1a" and image.mode not in ("CMYK", "L", "1")) or (
                    variant in ("pdf/x-1a", "pdf/x-3", "pdf/a-1b") and image.mode in ("RGBA", "LA", "PA")):  # fmt: skip
                    self.add("I005", figure.where.file, figure.where.line, f"{figure.src} is {image.mode}")
        images = book.root / "images"
        for path in sorted(images.rglob("*")) if images.is_dir() else []:
            if path.suffix.lower() in IMAGE_TYPES and path.relative_to(book.root) not in used:
                self.add("I002", path.relative_to(book.root), None)

    def _references(self, book: Book) -> None:
        text = " ".join((book.root / c.source).read_text(encoding="utf-8") for c in book.chapters())
        glossary, people = book.back_item(Glossary), book.back_item(Biographies)
        for term in glossary.terms if glossary else []:
            if not any(re.search(rf"\b{re.escape(form)}\b", text) for form in [term.term, *term.forms]):
                self.add("K002", glossary.source, term.where.line, term.term)
        for person in people.people if people else []:
            if not any(re.search(rf"\b{re.escape(form)}\b", text) for form in [person.surname, *person.forms, *person.aliases]):
                self.add("K003", people.source, person.where.line, person.index_name)


def check_book(root: Path, ignore: list[dict] | None = None) -> list[Problem]:
    problems = Checker(root).run()
    rules = ignore if ignore is not None else _ignore_rules(root)
    return [p for p in problems if not any(r["code"] == p.code and r.get("file") in (None, p.file) for r in rules)]


def _ignore_rules(root: Path) -> list[dict[str, Any]]:
    """book.yaml `check: {ignore: [T002, {code: S001, file: manuscript/chapters/05.md}]}`."""
    from ..load.yamlfile import parse_yaml

    try:  # the bounded loader: an alias bomb here would otherwise expand below
        data = parse_yaml((root / BOOK_YAML).read_text(encoding="utf-8"), BOOK_YAML) or {}
    except (OSError, ValueError, PressworkError):
        return []
    settings = data.get("check") if isinstance(data, dict) else None
    ignore = settings.get("ignore") if isinstance(settings, dict) else None
    if isinstance(ignore, (str, dict)):
        ignore = [ignore]
    return [{"code": str(r)} if not isinstance(r, dict) else {"code": str(r.get("code")), "file": r.get("file")}
            for r in ignore or []]  # fmt: skip


def render(problems: list[Problem], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2)
    if fmt == "html":
        rows = "\n".join(
            f"<tr class='{p.severity}'><td>{p.code}</td><td>{p.severity}</td><td>{html.escape(p.file)}</td>"
            f"<td>{p.line or ''}</td><td>{html.escape(p.message)}</td><td>{html.escape(p.fix)}</td></tr>"
            for p in problems
        )
        return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>presswork check</title><style>"
                "body{font-family:sans-serif}td,th{padding:.2em .6em;border-bottom:1px solid #ccc;text-align:left}"
                ".error td:nth-child(2){color:#b00;font-weight:bold}</style></head><body>"
                f"<h1>presswork check: {sum(p.severity == 'error' for p in problems)} errors, "
                f"{sum(p.severity == 'warning' for p in problems)} warnings</h1><table><tr><th>Code</th><th>Severity</th>"
                f"<th>File</th><th>Line</th><th>Problem</th><th>Fix</th></tr>{rows}</table></body></html>")  # fmt: skip
    lines = [p.text() for p in problems]
    lines.append(f"{sum(p.severity == 'error' for p in problems)} errors, {sum(p.severity == 'warning' for p in problems)} warnings")
    return "\n".join(lines)
