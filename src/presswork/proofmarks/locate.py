"""Printed words back to the manuscript's file, line and column.

Print and source differ in everything but the letters: Markdown markup, attribute blocks, note
labels, quotes and dashes set by typography, hyphenation, ligatures. So both sides are compared as
their letters and digits alone (case folded, NFKC), and a place in that stream points back to a
character of the source. Words that stand in several places are told apart by the printed words
around them. A page of a PDF whose source map (`sourcemap`) is the book's as it is now is searched
in the source lines its text was laid out from; otherwise (another build, a PDF without a map, or
words the map does not hold) first in the file its outline section comes from (chapter, glossary …),
then in every other file of the book."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from ..load.sources import BOOK_YAML
from ..model import Biographies, Book, Chronology, Glossary, Part
from ..sourcemap import SourceMap
from .annotations import Mark, joined

CONTEXT_LETTERS = 40  # letters of context compared either side of a candidate place
# Source text that never prints as itself: YAML front matter, {attribute blocks}, [^note labels],
# link and image targets (an image's "title" is its printed caption, so it stays), YAML keys.
_UNPRINTED = re.compile(r"\A---\n.*?\n---\n|\{[^{}\n]*\}|\[\^[^\]\s]*\]|(?<=\])\([^)\s]*|^[ \t]*-?[ \t]*[A-Za-z_]+:(?=\s)",
                        re.S | re.M)  # fmt: skip
GENERATED = {"Contents": "the contents (generated from the headings)", "Index": "the index (generated from the index marks)"}


@dataclass
class Place:
    file: Path | None  # relative to the book folder; None for generated text
    line: int | None = None
    column: int | None = None
    what: str = ""  # what the mark belongs to when it is not the manuscript's own text
    exact: bool = True  # found as printed (False: placed by its context alone, or not found)
    # the marked letters' first and past-last offsets in the file, when found where their page's text comes from
    span: tuple[int, int] | None = None
    mapped: bool = False  # found through the PDF's source map (else by the text alone)


class Stream:
    """A file's letters and digits, each with its offset in the file."""

    def __init__(self, text: str, unprinted: re.Pattern[str] | None = _UNPRINTED):
        self.text = text
        masked = unprinted.sub(lambda m: " " * len(m.group()), text) if unprinted else text
        letters, offsets = [], []
        for offset, char in enumerate(masked):
            for c in key(char):
                letters.append(c)
                offsets.append(offset)
        self.letters, self.offsets = "".join(letters), offsets
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def letters_of(self, first: int, last: int | None) -> tuple[int, int]:
        """The letters (first, past-last index) of the source lines first..last (0-based, past-last; None: to the end)."""
        start = self.line_starts[first] if first < len(self.line_starts) else len(self.text)
        end = self.line_starts[last] if last is not None and last < len(self.line_starts) else len(self.text)
        return bisect_left(self.offsets, start), bisect_left(self.offsets, end)

    def where(self, index: int) -> tuple[int, int]:
        """Line and column (1-based) of the source character behind letter `index`."""
        offset = self.offsets[min(index, len(self.offsets) - 1)]
        return self.text.count("\n", 0, offset) + 1, offset - self.text.rfind("\n", 0, offset)


def key(text: str) -> str:
    """Text as the letters and digits that print whatever the typography: casefolded, NFKC."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


class Locator:
    """Finds marks in one book's manuscript; `sections` are the PDF outline's (first page, title),
    `source_map` the PDF's when it is of the book as it is now."""

    def __init__(self, book: Book, sections: list[tuple[int, str]], source_map: SourceMap | None = None):
        self.book, self.files = book, _sources(book)
        self.sections = sorted((page, outline_title(title, self.files)) for page, title in sections)
        self.source_map = source_map
        self.streams: dict[Path, Stream] = {}

    def stream(self, path: Path) -> Stream:
        if path not in self.streams:
            self.streams[path] = Stream(self.book.texts.get(path, ""))
        return self.streams[path]

    def section(self, page: int) -> str:
        """The outline title of the section a physical page (1-based) stands in, "" before the first."""
        title = ""
        for first, name in self.sections:
            if first <= page:
                title = name
        return title

    def place(self, mark: Mark) -> Place:
        section = self.section(mark.page)
        if mark.band:
            return Place(None, what=f"the running head or folio of page {mark.folio}" if mark.band == "head" else
                         f"the page's foot (folio or proof line) of page {mark.folio}")  # fmt: skip
        home = self.files.get(section)
        if home is None and section in GENERATED:
            return Place(None, what=GENERATED[section])
        order = ([home] if home else []) + [f for f in dict.fromkeys(self.files.values()) if f != home]
        target, before, after = key(mark.text), key(joined(mark.before))[-CONTEXT_LETTERS:], key(joined(mark.after))[:CONTEXT_LETTERS]
        if target and (mapped := self._mapped(mark.page, target, before, after)):
            return mapped
        if target:
            for path in order:
                if (found := self._find(stream := self.stream(path), target, before, after)) is not None:
                    line, column = stream.where(found)
                    span = (stream.offsets[found], stream.offsets[found + len(target) - 1] + 1) if path == home else None
                    return Place(path, line, column, span=span)
        for path in order:  # the marked words are not in the manuscript as printed: place it by its context
            stream = self.stream(path)
            if before and (found := stream.letters.find(before)) >= 0:
                return Place(path, *stream.where(found + len(before)), exact=False)
            if after and (found := stream.letters.find(after)) >= 0:
                return Place(path, *stream.where(found), exact=False)
        return Place(home, what="not found in the manuscript (a PDF of another version of the book?)", exact=False)

    def _mapped(self, page: int, target: str, before: str, after: str) -> Place | None:
        """The marked letters in the source lines the source map gives for the page, the place
        whose surroundings read most like the printed ones; None when the map has no such page or
        the letters are not in its lines."""
        if self.source_map is None or not 0 < page <= len(self.source_map.pages):
            return None
        hits = [(path, stream, hit) for name, first, last in self.source_map.pages[page - 1]
                for path in [Path(name)] for stream in [self.stream(path)]
                for hit in _hits(stream, target, *stream.letters_of(first, last))]  # fmt: skip
        if not hits:
            return None
        path, stream, hit = max(hits, key=lambda h: _likeness(h[1], h[2], target, before, after) if len(hits) > 1 else 0)
        span = (stream.offsets[hit], stream.offsets[hit + len(target) - 1] + 1)
        return Place(path, *stream.where(hit), span=span, mapped=True)

    @staticmethod
    def _find(stream: Stream, target: str, before: str, after: str) -> int | None:
        """The place of `target` in a stream whose surroundings read most like the printed ones."""
        hits = _hits(stream, target, 0, len(stream.letters))
        if len(hits) <= 1:
            return hits[0] if hits else None
        return max(hits, key=lambda hit: _likeness(stream, hit, target, before, after))


def _hits(stream: Stream, target: str, start: int, end: int) -> list[int]:
    """Where `target` stands whole among the stream's letters start..end."""
    hits = []
    while (found := stream.letters.find(target, start, end)) >= 0:
        hits.append(found)
        start = found + 1
    return hits


def _likeness(stream: Stream, hit: int, target: str, before: str, after: str) -> float:
    """How much the letters around a place read like the printed words around the mark."""
    left = stream.letters[max(0, hit - len(before)) : hit]
    right = stream.letters[hit + len(target) : hit + len(target) + len(after)]
    return SequenceMatcher(None, left, before).ratio() + SequenceMatcher(None, right, after).ratio()


def _sources(book: Book) -> dict[str, Path]:
    """Outline title -> the file its text comes from: chapters, parts (book.yaml), back matter kept as data."""
    files: dict[str, Path] = {}
    for chapter in book.chapters():
        files[chapter.title] = chapter.source
    for entry in book.body:
        if isinstance(entry, Part):
            files[entry.title] = BOOK_YAML
    for item in book.back:
        if isinstance(item, Glossary | Chronology | Biographies):
            files[item.title] = item.source
    files.setdefault("", BOOK_YAML)  # the title and copyright pages come from book.yaml's metadata
    return files


def outline_title(title: str, files: dict[str, Path]) -> str:
    """An outline entry's title as the book's sources name it ("Part One: Metal and Ink" → "Metal and Ink")."""
    if title in files:
        return title
    return next((name for name in files if name and title.endswith(name)), title)

