"""The contents list and the sections it names: where each heading stands in the text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .blocks import Block, norm

_LINK = re.compile(r"^\[(.+)\]\(#\)$", re.S)
_NUMBERED = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")


@dataclass
class Entry:
    title: str  # as the contents give it, without its number
    number: int | None
    kind: str  # chapter, foreword, preface, introduction, conclusion, afterword, appendix, glossary, chronology, biographies
    line: int

    @property
    def key(self) -> str:
        return norm(f"{self.number}. {self.title}" if self.number else self.title)


@dataclass
class Section:
    entry: Entry
    heading: Block
    blocks: list[Block] = field(default_factory=list)


def read_contents(blocks: list[Block]) -> tuple[int, int, list[Entry]]:
    """(index of the 'Contents' block, index after its last entry, the entries in order);
    (-1, -1, []) when the export has no contents list."""
    start = next((i for i, b in enumerate(blocks) if norm(b.text) in ("contents", "table of contents")), None)
    if start is None:
        return -1, -1, []
    entries: list[Entry] = []
    end = start + 1
    while end < len(blocks) and _is_entry(blocks[end].text) and norm(blocks[end].text) not in {e.key for e in entries}:
        entries.append(_entry(blocks[end]))
        end += 1
    return start, end, entries


def _is_entry(text: str) -> bool:
    if _LINK.match(text):
        return True
    if text.startswith("*") or len(text) > 160:
        return False
    return bool(_NUMBERED.match(text)) or (len(text) < 70 and text[:1].isupper() and not text.endswith((".", ":")))


def _entry(block: Block) -> Entry:
    text = _LINK.sub(r"\1", block.text).strip()
    number = None
    if m := _NUMBERED.match(text):
        number, text = int(m.group(1)), m.group(2)
    return Entry(text, number, _kind(text, number), block.line)


def _kind(title: str, number: int | None) -> str:
    key = norm(title)
    if number is not None:
        return "chapter"
    for word, kind in (("glossary", "glossary"), ("biograph", "biographies"), ("chronolog", "chronology"),
                       ("dates of", "chronology"), ("foreword", "foreword"), ("introduction", "introduction"),
                       ("conclusion", "conclusion"), ("afterword", "afterword"), ("epilogue", "epilogue")):  # fmt: skip
        if word in key:
            return kind
    return "preface"


def find_sections(blocks: list[Block], contents: tuple[int, int, list[Entry]]) -> tuple[list[Section], list[Entry]]:
    """Each entry's heading in the text, in order; entries whose heading is not found come back apart."""
    start, end, entries = contents
    candidates = [i for i in range(len(blocks)) if not start <= i < end]
    keys = {i: norm(blocks[i].text) for i in candidates if len(blocks[i].text) < 200}  # headings are short
    found: list[tuple[int, Entry]] = []
    missing: list[Entry] = []
    position = 0
    for entry in entries:
        hit = next((i for i in candidates if i >= position and keys.get(i) == entry.key), None)
        if hit is None and entry.kind != "chapter":  # a section printed before the contents (About the Author)
            hit = next((i for i in candidates if i < start and keys.get(i) == entry.key), None)
        if hit is None:
            missing.append(entry)
            continue
        found.append((hit, entry))
        if hit > start:
            position = hit + 1
    found.sort(key=lambda pair: pair[0])
    sections = []
    for number, (index, entry) in enumerate(found):
        stop = found[number + 1][0] if number + 1 < len(found) else len(blocks)
        body = [b for i, b in enumerate(blocks[index + 1 : stop], index + 1) if not start <= i < end]
        sections.append(Section(entry, blocks[index], body))
    return sections, missing
