"""`presswork check`: the problems a machine can find, each with a stable code, before a proofreader starts."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from markdown_it.token import Token
from PIL import Image

from ..errors import Diagnostics, Location, PressworkError, Warning_
from ..files.output import UNDATED
from ..load.book import MANUSCRIPT, load_book
from ..load.chapters import _split_front_matter, split_notes
from ..load.sources import BOOK_YAML, read_text
from ..load.yamlfile import LineDict, line_of, parse_yaml, text
from ..model import IMAGE_TYPES, Biographies, Book, Chapter, Chronology, Glossary, Note
from ..package.epub import cover_shortfalls
from ..render import fonts
from ..text.labels import counted
from ..text.markdown import parse
from ..text.markers import chapter_marks
from ..text.scripts import mixed_scripts
from .init import PLACEHOLDERS, STARTER_TEXT

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
    "N006": ("warning", "note whose text the import did not find", "find the note's text, or delete the call"),
    "I006": ("warning", "placeholder figure (the import found no image)", "supply the image and describe it, or delete the figure"),
    "K001": ("error", "cross-reference to no id", "correct the id, or give the target that id"),
    "K002": ("warning", "glossary term never referred to", "mark it in the text ([term]{.term}) or drop it"),
    "K003": ("warning", "person never referred to", "mark them in the text ([Name]{.person}) or drop the note"),
    "K004": ("error", "index mark with no entry", 'give the mark text or entry="…"'),
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
}
_WORD = re.compile(r"[\w\u0300-\u036f]+")
# Inline markup in a block's source that is not prose: code, link targets, attributes, addresses, note calls.
_MARKUP = re.compile(r"`[^`]*`|\]\([^)]*\)|\{[^}]*\}|https?://\S+|\[\^[^\]]*\]")
_EMPTY_INDEX_MARK = re.compile(r"\[\s*\]\{(?![^}]*entry=)[^}]*\.ix\b[^}]*\}")
_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")  # left as text by the parser: a call with no definition


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


def loader_warning(warning: Warning_) -> Problem:
    """A loader's warning under its stable code, in the loader's own words."""
    code = warning.code if warning.code in CODES else "L002"
    severity, _, fix = CODES[code]
    return Problem(code, severity, str(warning.where.file or BOOK_YAML), warning.where.line, warning.message, warning.hint or fix)


class Checker:
    """Runs the line checks on the tokens the loader parsed (the build's own model), so that every
    block is checked — headings, table cells, notes' later paragraphs — and reported at file:line."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []

    def add(self, code: str, file: Path | str, line: int | None, detail: str = "", fix: str | None = None) -> None:
        self.problems.append(problem(code, file, line, detail, fix))

    def run(self) -> list[Problem]:
        diagnostics, failure = Diagnostics(), None
        try:
            book = load_book(self.root, diagnostics)
        except PressworkError as exc:
            book, failure = None, exc
        self.problems += map(loader_warning, diagnostics.warnings)
        for chapter in book.chapters() if book is not None else self._unloaded():
            self._chapter(chapter)
        if book is not None:
            self._back(book)
            self._book(book)
        else:
            self._load_failure(failure)
        self._placeholders()
        return sorted(self.problems, key=lambda p: (p.file, p.line or 0))

    def _load_failure(self, exc: PressworkError) -> None:
        """Why the book does not load, once: an error the checks below also find (an undefined note,
        N001) replaces their report of the same place, in the loader's words; any other is L001."""
        file, line = str(exc.where.file or BOOK_YAML), exc.where.line
        if exc.code not in CODES:
            self.add("L001", file, line, exc.message)
            return
        same = next((p for p in self.problems if (p.code, p.file, p.line) == (exc.code, file, line)), None)
        if same is not None:
            self.problems.remove(same)
        stop = "until it is fixed the book does not load, and the checks that need it wait"
        self.problems.append(Problem(exc.code, "error", file, line, exc.message, f"{exc.hint}; {stop}" if exc.hint else stop))

    def _placeholders(self) -> None:
        """What `presswork init` wrote for the author to replace and is still there, at its line."""
        data = _book_data(self.root)
        for placeholder in PLACEHOLDERS:
            for value in _values(data, placeholder.keys):
                if value == placeholder.value:
                    self.add("M005", BOOK_YAML, line_of(value), f"{placeholder.what} is still {placeholder.value!r}", placeholder.fix)

    def _unloaded(self) -> Iterator[Chapter]:
        """The Markdown files of a book that does not load, parsed as the loader parses them but not
        validated, so that their lines are still checked. Only files inside the book are read."""
        for path in sorted((self.root / MANUSCRIPT).rglob("*.md")):
            source = path.relative_to(self.root)
            try:  # read_text refuses a file that leads outside the book, or is too big to be a chapter
                _, body = _split_front_matter(read_text(self.root, source, Diagnostics()), source)
                tokens, notes = split_notes(parse(body, "en", Location(source, 1))[0])
            except (PressworkError, OSError):
                continue
            yield Chapter(id="", title="", short_title="", kind="chapter", matter="body", source=source, tokens=tokens,
                          notes=[Note(meta["id"] + 1, str(meta.get("label", "")), toks, Location(source, _first_line(toks)))
                                 for meta, toks in notes])  # fmt: skip

    # -- the parsed Markdown --------------------------------------------------------------
    def _chapter(self, chapter: Chapter) -> None:
        source = chapter.source
        self._text(source, chapter.title_line, chapter.title)
        calls = self._blocks(source, chapter.tokens)
        for note in chapter.notes:
            calls += self._blocks(source, note.tokens)
            if not any(tok.content.strip() for tok in note.tokens):
                self.add("N004", source, note.where.line, f"[^{note.label}]")
        for mark in chapter_marks(chapter):  # what the import left for the editor (N005, N006, I006)
            self.add(mark.code, mark.where.file or source, mark.where.line, mark.detail)
        self._order(source, calls)

    def _blocks(self, source: Path, tokens: list[Token], entry: Location | None = None) -> list[tuple[str, int | None]]:
        """Checks every inline run of `tokens` (with a table's caption) at its line in `source`, or all
        at the line of `entry` for back matter, whose Markdown comes from one YAML entry (its token
        lines count from the entry's text, not the file); returns the note calls in order."""
        calls: list[tuple[str, int | None]] = []
        for tok in tokens:
            caption = tok.meta.get("caption")
            for inline in (tok, caption) if caption else (tok,):
                if inline.type == "inline":
                    first = entry.line if entry else inline.map[0] + 1 if inline.map else None
                    calls += self._inline(source, inline, first, spread=entry is None)
        return calls

    def _inline(self, source: Path, inline: Token, first: int | None, spread: bool) -> list[tuple[str, int | None]]:
        def at(offset: int) -> int | None:
            return first + offset if spread and first is not None else first

        for offset, line in enumerate(inline.content.split("\n")):  # the source as written, block markup removed
            self._text(source, at(offset), line)
        self._balance(source, first, inline)
        calls: list[tuple[str, int | None]] = []
        offset = 0
        for child in inline.children or []:
            offset += child.type in ("softbreak", "hardbreak")
            if child.type == "footnote_ref":
                calls.append((str(child.meta["label"]), at(offset)))
            elif child.type == "text":
                for match in _NOTE_CALL.finditer(child.content):
                    self.add("N001", source, at(offset), f"[^{match.group(1)}]")
        return calls

    def _text(self, source: Path, number: int | None, line: str) -> None:
        """The checks on one line of text as the author wrote it."""
        prose = _MARKUP.sub("", line)
        for word in _WORD.findall(prose):
            scripts = mixed_scripts(word)
            if scripts:
                self.add("S001", source, number, f"{word!r} ({' + '.join(scripts)})")
        for char in fonts.missing_characters(prose):
            self.add("F001", source, number, f"{char!r} U+{ord(char):04X}")
        for starter in STARTER_TEXT:
            if starter in line:
                self.add("M005", source, number, f"the starter text {starter!r}", "write the book's own text here")
        if re.search(r"\S  +\S", prose):
            self.add("T002", source, number)
        if re.search(r"\w - \w", prose):
            self.add("T003", source, number)
        if re.search(r"\w [,.;:!?](?:\s|$)", prose) and not re.search(r"\.\.\.|\w \.\w", prose):
            self.add("T004", source, number)
        if re.search(r'\w"\w', prose):
            self.add("T001", source, number, "between two letters, so it can be neither opening nor closing")
        if _EMPTY_INDEX_MARK.search(line):
            self.add("K004", source, number)
        for match in re.finditer(r"\b(\w+) \1\b", prose, re.I):
            if not match.group(1).isdigit():
                self.add("T006", source, number, f"{match.group(1)!r} twice")

    def _balance(self, source: Path, line: int | None, inline: Token) -> None:
        """Quotes and brackets, after presswork's own typography, per paragraph."""
        counts = Counter("".join(c.content for c in inline.children or [] if c.type == "text"))
        pairs = [(counts["("], counts[")"], "(", ")"), (counts["["], counts["]"], "[", "]"),
                 (counts["«"], counts["»"], "«", "»"),
                 (counts["“"] - counts["„"], counts["”"], "“", "”")]  # „ closes with “ in Russian  # fmt: skip
        for opened, closed, open_, close in pairs:
            if opened != closed:
                self.add("T005", source, line, f"{opened} {open_} but {closed} {close}")
                break

    def _order(self, source: Path, refs: list[tuple[str, int | None]]) -> None:
        """Numbered notes should be numbered in the order they are first called."""
        seen = list(dict.fromkeys(label for label, _ in refs))
        numbers = [int(label) for label in seen if label.isdigit()]
        ordered = sorted(numbers)
        if numbers != ordered:
            position = {number: index for index, number in reversed(list(enumerate(numbers)))}
            first = next(line for label, line in refs if label.isdigit() and int(label) != ordered[position[int(label)]])
            self.add("N003", source, first, "labels " + ", ".join(map(str, numbers[:8])) + ("…" if len(numbers) > 8 else ""))

    def _back(self, book: Book) -> None:
        """Back matter kept as data: its texts and Markdown, at the line of their entry."""
        glossary, people, chronology = book.back_item(Glossary), book.back_item(Biographies), book.back_item(Chronology)
        for term in glossary.terms if glossary else []:
            self._texts(glossary.source, term.where.line, [term.term, term.original or "", *term.forms])
            self._blocks(glossary.source, term.definition, term.where)
        for person in people.people if people else []:
            self._texts(people.source, person.where.line, [person.surname, person.given or "", person.patronymic or "",
                                                           *person.aliases, person.born.place or "", person.died.place or ""])  # fmt: skip
            self._blocks(people.source, person.text, person.where)
        if people:  # the model keeps no line for the note, nor for a chronology's row
            self._blocks(people.source, people.note, Location(people.source))
        for group in chronology.groups if chronology else []:
            self._texts(chronology.source, None, [group.title or ""])
            for row in group.rows:
                self._blocks(chronology.source, row, Location(chronology.source))

    def _glyph_gaps(self, book: Book) -> None:
        """F001 for each character the build warns about that the line checks did not find (in
        book.yaml, code or markup), so that check lists all a build's summary counts."""
        found = {(p.file, p.message) for p in self.problems if p.code == "F001"}
        for char, where in fonts.glyph_gaps(book):
            gap = problem("F001", where.file or BOOK_YAML, where.line, f"{char!r} U+{ord(char):04X}")
            if (gap.file, gap.message) not in found:
                self.problems.append(gap)

    def _texts(self, source: Path, line: int | None, texts: Iterable[str]) -> None:
        for value in texts:
            self._text(source, line, value)

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
                for message, fix in cover_shortfalls(*cover.size):  # what `build kindle` warns about
                    self.add("M004", meta.cover, None, message, fix)
                if cover.mode == "CMYK":
                    self.add("I007", meta.cover, None, f"the cover {meta.cover} is CMYK")
        if not meta.date:
            self.add("M006", BOOK_YAML, None)
        self._glyph_gaps(book)
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
                if image.mode == "CMYK":  # YCCK JPEGs too: Pillow reads them as CMYK
                    self.add("I007", figure.where.file, figure.where.line, f"{figure.src} is CMYK")
        images = book.root / "images"
        for path in sorted(images.rglob("*")) if images.is_dir() else []:
            if path.suffix.lower() in IMAGE_TYPES and path.relative_to(book.root) not in used:
                self.add("I002", path.relative_to(book.root), None)

    def _references(self, book: Book) -> None:
        """Glossary terms and people the text never names: searched in the loaded chapters' text."""
        text = " ".join([c.title for c in book.chapters()] + [tok.content for c in book.chapters()
                        for tokens in (c.tokens, *(n.tokens for n in c.notes)) for tok in tokens if tok.type == "inline"])  # fmt: skip
        glossary, people = book.back_item(Glossary), book.back_item(Biographies)
        for term in glossary.terms if glossary else []:
            if not any(re.search(rf"\b{re.escape(form)}\b", text) for form in [term.term, *term.forms]):
                self.add("K002", glossary.source, term.where.line, term.term)
        for person in people.people if people else []:
            if not any(re.search(rf"\b{re.escape(form)}\b", text) for form in [person.surname, *person.forms, *person.aliases]):
                self.add("K003", people.source, person.where.line, person.index_name)


def _first_line(tokens: list[Token]) -> int | None:
    return next((tok.map[0] + 1 for tok in tokens if tok.map), None)


def _book_data(root: Path) -> Any:
    """book.yaml as the loader's bounded, line-aware YAML reads it; None when it cannot be read
    (the loader says why: L001)."""
    try:
        return parse_yaml(read_text(root, BOOK_YAML, Diagnostics()), BOOK_YAML)
    except (OSError, PressworkError):
        return None


def _values(data: Any, keys: tuple[str, ...]) -> Iterator[Any]:
    """The values at `keys` in parsed YAML, "*" standing for each item of a list."""
    if not keys:
        yield data
    elif keys[0] == "*" and isinstance(data, list):
        for item in data:
            yield from _values(item, keys[1:])
    elif isinstance(data, dict) and keys[0] in data:
        yield from _values(data[keys[0]], keys[1:])


def check_book(root: Path, ignore: list[dict] | None = None) -> list[Problem]:
    problems = Checker(root).run()
    if ignore is None:
        try:
            ignore = _ignore_rules(root)
        except PressworkError as exc:  # nothing is ignored until the list can be read
            problems.insert(0, problem("C001", exc.where.file or BOOK_YAML, exc.where.line, exc.message))
            ignore = []
    return [p for p in problems if not any(r["code"] == p.code and r.get("file") in (None, p.file) for r in ignore)]


def _ignore_rules(root: Path) -> list[dict[str, Any]]:
    """book.yaml `check: {ignore: [T002, {code: S001, file: manuscript/chapters/05.md}]}`, read with the
    loader's bounded, line-aware YAML; a rule that cannot be read is a PressworkError at its line."""
    data = _book_data(root)
    if not isinstance(data, LineDict) or data.get("check") is None:
        return []
    settings, where = data["check"], Location(BOOK_YAML, data.line_of("check"))
    if not isinstance(settings, LineDict) or set(settings) - {"ignore"}:
        raise PressworkError("`check` takes one setting, `ignore`", where, "write `check: {ignore: [T002]}`")
    rules = settings.get("ignore") or []
    where = Location(BOOK_YAML, settings.line_of("ignore"))
    if not isinstance(rules, list):
        rules = [rules]
    return [_ignore_rule(rule, Location(BOOK_YAML, line_of(rule, where.line))) for rule in rules]


def _ignore_rule(rule: Any, where: Location) -> dict[str, Any]:
    if isinstance(rule, LineDict):
        if set(rule) - {"code", "file"}:
            raise PressworkError(f"an ignore rule takes `code` and `file`, not {sorted(set(rule) - {'code', 'file'})}", where,
                                 "write `{code: S001, file: manuscript/chapters/05.md}`")  # fmt: skip
        code, file = text(rule.get("code"), "code", where), text(rule.get("file"), "file", where)
    else:
        code, file = text(rule, "an ignored code", where, "write a code such as T002"), None
    if code not in CODES:
        raise PressworkError(f"{code!r} is not a check code", where, "use a code from the README's table, e.g. T002")
    return {"code": code} if file is None else {"code": code, "file": file}


def tally(problems: list[Problem]) -> str:
    """How many errors and warnings, in words ("1 error, 2 warnings")."""
    errors, warnings = (sum(p.severity == severity for p in problems) for severity in ("error", "warning"))
    return f"{counted(errors, 'error')}, {counted(warnings, 'warning')}"


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
                f"<h1>presswork check: {tally(problems)}</h1><table><tr><th>Code</th><th>Severity</th>"
                f"<th>File</th><th>Line</th><th>Problem</th><th>Fix</th></tr>{rows}</table></body></html>")  # fmt: skip
    lines = [p.text() for p in problems]
    lines.append(tally(problems))
    return "\n".join(lines)
