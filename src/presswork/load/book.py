"""The one loader: a book folder → Book, or a PressworkError naming file and line (PressworkErrors
naming them all, where the loader could continue past them)."""

from __future__ import annotations

import re
from itertools import islice
from pathlib import Path
from typing import Any

from ..errors import Diagnostics, Location, PressworkError, PressworkErrors
from ..files.folders import resolved
from ..model import Biographies, Book, Chapter, Chronology, Glossary, IndexPlace, Part
from .backmatter import load_back_data
from ..text.labels import chapter_number
from ..text.nearmiss import did_you_mean
from .chapters import PAGE_FORMS, Anchors, load_chapter
from .marks import resolve_marks
from .metadata import parse_metadata
from .printopts import parse_print_options
from .sources import BOOK_YAML, read_text, require_file, resolve_inside, slugify
from .styles import load_styles
from .yamlfile import LineDict, line_of, parse_yaml, text

MANUSCRIPT = Path("manuscript")
_MADE = re.compile(r"^ix-\d+$|-(title|n\d+)$")  # ids presswork makes (index marks, headings, notes): suggest none


def load_book(root: Path, diagnostics: Diagnostics | None = None) -> Book:
    """The book in `root`. The errors the loader continues past (an unknown id, person or term, a
    missing image or note, a YAML slip in a front matter or back-matter file) are raised together
    at the end, as PressworkErrors holding the book loaded with placeholders for `check`; any
    other error stops the loading, and is raised after those found before it."""
    diagnostics = diagnostics or Diagnostics()
    known = len(diagnostics.errors)
    try:
        book, stopped = _load(root, diagnostics), []
    except PressworkError as exc:
        book, stopped = None, exc.each()
    errors = diagnostics.errors[known:] + stopped
    del diagnostics.errors[known:]
    if stopped and len(errors) == 1:  # nothing read past: the error as it was raised
        raise stopped[0]
    if errors:
        raise PressworkErrors(errors, book)
    return book


def _load(root: Path, diagnostics: Diagnostics) -> Book:
    root = resolved(root)
    if not (root / BOOK_YAML).is_file():
        raise PressworkError(
            f"no {BOOK_YAML} in {root}", None, "run presswork in a book folder, or create one with `presswork init DIR`"
        )
    text = read_text(root, BOOK_YAML, diagnostics)
    data = parse_yaml(text, BOOK_YAML)
    if data is None:
        raise PressworkError(
            "book.yaml is empty", Location(BOOK_YAML, 1), "add title, language, contributors and contents (see README)"
        )
    if not isinstance(data, LineDict):
        raise PressworkError("book.yaml must be a mapping of `key: value` lines", Location(BOOK_YAML, 1))
    metadata = parse_metadata(data, root, diagnostics)
    untitled = metadata.chapter_numbers if "chapter_numbers" in data else "none"  # only a book that says how it numbers
    loader = _ContentsLoader(root, metadata.language, diagnostics, metadata.chapter_numbers, untitled != "none")
    contents = data.get("contents")
    if not isinstance(contents, dict) or not contents.get("body"):
        raise PressworkError(
            "required field 'contents' with a 'body' list is missing",
            Location(BOOK_YAML, data.line_of("contents")),
            "list the chapter files under `contents: body:`",
        )
    for key in contents:
        if key not in ("front", "body", "back"):
            raise PressworkError(f"unknown contents section {key!r}", Location(BOOK_YAML, contents.line_of(key)), "use front, body and back")
    book = Book(
        root=root,
        metadata=metadata,
        front=[loader.chapter(entry, "front") for entry in _entries(contents, "front")],
        body=[loader.body_entry(entry) for entry in _entries(contents, "body")],
        back=[item for entry in _entries(contents, "back") if (item := loader.back_entry(entry)) is not None],
        targets=loader.targets,
        print=parse_print_options(data.get("print"), data.line_of("print"), root),
        styles=load_styles(root, diagnostics),
        texts={BOOK_YAML: text, **loader.texts},
    )
    if any(isinstance(item, IndexPlace) for item in book.back[:-1]):
        raise PressworkError("`index` must be the last entry of the back matter", Location(BOOK_YAML, contents.line_of("back")),
                             "move `- index` to the end of `back:`")  # fmt: skip
    resolve_marks(book, data.get("index"), Location(BOOK_YAML, data.line_of("index")), loader.anchors, diagnostics, loader.broken)
    for target, where in loader.anchors.links:
        if target not in loader.anchors.ids:
            hint = did_you_mean(target, [i for i in loader.anchors.ids if not _MADE.search(i)],
                                "check the id, or add {#" + target + "} to its target", parts=True)  # fmt: skip
            diagnostics.error(PressworkError(f"cross-reference #{target} points to no id in the book", where, hint, "K001"))
    return book


def _entries(contents: LineDict, key: str) -> list[Any]:
    value = contents.get(key) or []
    if not isinstance(value, list):
        raise PressworkError(f"contents {key!r} must be a list", Location(BOOK_YAML, contents.line_of(key)), "write one `- file.md` a line")
    return value


class _ContentsLoader:
    """Loads the files book.yaml lists, numbering chapters and parts as it goes."""

    def __init__(self, root: Path, lang: str, diagnostics: Diagnostics, numbers: str = "arabic", untitled: bool = False):
        self.root, self.lang, self.diagnostics, self.numbers, self.untitled = root, lang, diagnostics, numbers, untitled
        self.anchors = Anchors()
        self.seen: dict[Path, Location] = {}
        self.targets: dict[str, str] = {}
        self.texts: dict[Path, str] = {}  # each Markdown and back matter data file as read
        self.broken: set[str] = set()  # back-matter data files that could not be read (marks into them go unchecked)
        self.chapter_count = 0
        self.part_count = 0

    def chapter(self, entry: Any, matter: str) -> Chapter:
        where = Location(BOOK_YAML, line_of(entry))
        if not isinstance(entry, str):
            raise PressworkError("a contents entry must be a file name", where, "write `- chapters/01-name.md`")
        source = resolve_inside(self.root, entry, where, base=self.root / MANUSCRIPT)
        require_file(self.root, source, where, "file")
        if source in self.seen:
            raise PressworkError(f"{entry} is listed twice (first at {self.seen[source]})", where)
        self.seen[source] = where
        known = len(self.anchors.ids)
        self.texts[source] = read_text(self.root, source, self.diagnostics)
        chapter = load_chapter(self.root, source, self.texts[source], matter, self.lang, self.anchors, self.diagnostics,
                               numbered=self.untitled)  # fmt: skip
        for ident in islice(self.anchors.ids, known, None):
            self.targets[ident] = chapter.id
        if chapter.kind == "chapter":
            self.chapter_count += 1
            chapter.number = self.chapter_count
        if chapter.untitled:
            chapter.title = chapter.short_title = chapter_number(self.lang, self.chapter_count, self.numbers)
        return chapter

    def back_entry(self, entry: Any) -> Chapter | Glossary | Chronology | Biographies | IndexPlace | None:
        where = Location(BOOK_YAML, line_of(entry))
        if entry == "index":
            self.anchors.define("index", where, own=True)
            self.targets["index"] = "index"
            return IndexPlace()
        if not (isinstance(entry, str) and entry.endswith((".yaml", ".yml"))):
            return self.chapter(entry, "back")
        source = resolve_inside(self.root, entry, where, base=self.root / MANUSCRIPT)
        require_file(self.root, source, where, "file")
        kind = source.stem
        self.anchors.define(kind, where)
        self.anchors.reserve(kind, PAGE_FORMS, where)
        known = len(self.anchors.ids)
        self.texts[source] = read_text(self.root, source, self.diagnostics)
        item = load_back_data(self.root, source, self.texts[source], self.lang, self.anchors, self.diagnostics)
        if item is None:
            self.broken.add(kind)
            return None
        for ident in [kind, *islice(self.anchors.ids, known, None)]:
            self.targets[ident] = kind
        return item

    def body_entry(self, entry: Any) -> Part | Chapter:
        if not isinstance(entry, dict):
            return self.chapter(entry, "body")
        where = Location(BOOK_YAML, entry.line)
        if not entry.get("part"):
            raise PressworkError("a body entry must be a file or a `part:` with `chapters:`", where)
        self.part_count += 1
        title = text(entry["part"], "part", Location(BOOK_YAML, entry.line_of("part"))) or ""
        default = "-".join(filter(None, [f"part-{self.part_count}", slugify(title)]))
        ident = text(entry.get("id"), "id", Location(BOOK_YAML, entry.line_of("id"))) or default
        self.anchors.define(ident, where)
        self.anchors.reserve(ident, PAGE_FORMS, where)
        self.targets[ident] = ident
        chapters = entry.get("chapters")
        if not isinstance(chapters, list) or not chapters:
            raise PressworkError(f"part {title!r} has no chapters", where, "list its files under `chapters:`")
        number = self.part_count
        return Part(id=ident, title=" ".join(title.split()), number=number,
                    chapters=[self.chapter(c, "body") for c in chapters])  # fmt: skip
