"""The import report's counts, honest by construction: what the export holds, counted from its lines
by shape alone (not by the importer's reading), against what the written manuscript holds, counted
from the files themselves; every difference is listed for the editor."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..text.markers import MISSING_NOTE_TEXT, UNCALLED_NOTES_LABEL
from .blocks import Block
from .notemarks import DAMAGED_CALL, DAMAGED_NOTE, SUPERSCRIPT, normalize_calls, note_line

_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:\s?(.*)$")
_REFERENCE = re.compile(r"\[\^[^\]\s]+\](?!:)")
# An entry heading of the biographical notes, by its shape alone: a surname in capitals, other names in
# brackets, a comma.
_PERSON_HEADING = re.compile(r"^[A-ZÀ-ÞА-ЯЁ][A-ZÀ-ÞА-ЯЁ'’\- ]*[A-ZÀ-ÞА-ЯЁ](?:\s*[\[(][^\])]*[\])])*,\s+\S")
# A glossary entry: a term (no semicolon: that is a sentence's), its original in brackets, then a
# colon, or a full stop after the brackets.
_TERM_ENTRY = re.compile(r"^[^\[\]:;]{1,80}?\s*(?:\[[^\]]*\]\s*[:.]|:)\s+\S")


@dataclass
class Tally:
    notes: dict[str, int] = field(default_factory=dict)  # section -> note lines in the export
    calls: dict[str, int] = field(default_factory=dict)  # section -> note calls in the export
    files: dict[str, Path] = field(default_factory=dict)  # section -> its Markdown file
    people: int | None = None
    terms: int | None = None

    def section(self, name: str, blocks: list[Block]) -> None:
        """Count a Markdown section's note lines and calls as the export writes them."""
        lines = [line for block in blocks for line in block.lines]
        read = [note_line(line) for line in lines]
        numbered = [j for j, r in enumerate(read) if r]
        # a line shaped like a note line but with a damaged number, right before note 2, is note 1
        damaged = sum(1 for j in numbered if read[j][0] == "2" and j and not read[j - 1] and DAMAGED_NOTE.match(lines[j - 1]))
        self.notes[name] = len(numbered) + damaged
        self.calls[name] = sum(len(SUPERSCRIPT.findall(normalize_calls(line)[0])) + bool(DAMAGED_CALL.match(line))
                               for line, number in zip(lines, read) if number is None)  # fmt: skip

    def back_matter(self, kind: str, blocks: list[Block]) -> None:
        if kind == "biographies":
            self.people = sum(bool(_PERSON_HEADING.match(block.text)) for block in blocks)
        elif kind == "glossary":
            self.terms = sum(bool(_TERM_ENTRY.match(block.text)) for block in blocks)

    def written(self, name: str, path: Path) -> None:
        self.files[name] = path

    def compare(self, manuscript: Path) -> list[dict]:
        """One row a count: what, section ('' for back matter), in the export, in the manuscript."""
        rows = []
        for name, path in self.files.items():
            with_text, calls = _markdown_counts(path.read_text(encoding="utf-8"))
            if self.notes.get(name) or with_text:
                rows.append({"what": "notes with text", "section": name, "export": self.notes.get(name, 0), "manuscript": with_text})
            if self.calls.get(name) or calls:
                rows.append({"what": "note calls", "section": name, "export": self.calls.get(name, 0), "manuscript": calls})
        for what, count, file, key in (("people", self.people, "biographies", "people"), ("glossary terms", self.terms, "glossary", "terms")):
            if count is not None:
                data = yaml.safe_load((manuscript / "back" / f"{file}.yaml").read_text(encoding="utf-8")) or {}
                rows.append({"what": what, "section": "", "export": count, "manuscript": len(data.get(key) or [])})
        return rows


def _markdown_counts(text: str) -> tuple[int, int]:
    """(notes with their text, note calls in the body) of a written Markdown file; the editor's
    marker that calls uncalled notes is no call from the text."""
    with_text = calls = 0
    for line in text.splitlines():
        if m := _DEFINITION.match(line):
            with_text += MISSING_NOTE_TEXT not in m.group(2)
        elif UNCALLED_NOTES_LABEL not in line:
            calls += len(_REFERENCE.findall(line))
    return with_text, calls
