"""`presswork import docx EDITED.docx --into BOOK`: an editor's copy made by `export docx` read back.
The tracked changes become a patch of the chapter files (applied with --apply); comments and any
text changed without tracking are listed at file:line, never taken silently."""

from __future__ import annotations

import difflib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostics, Location, PressworkError
from ..files.folders import default_out
from ..files.output import write_atomic, writing_into
from ..load.book import load_book
from ..text.labels import counted
from . import pandoc
from .docxparts import FILE, FILE_END, mark_languages
from .export import export_docx
from .markdown import COMMENT, COMMENT_END, Writer

CONTEXT = 4  # words either side that place a change in the source
_NOISE = re.compile(r"\[\^[^\]\s]*\]:?|\{[^{}]*\}|[\\*_\[\]>]")
_FIGURE = re.compile(r'!\[[^\]]*\]\([^()\s]+(?: "(?:[^"\\]|\\.)*")?\)')
_NUMBER = re.compile(r"\d+[.)]")
_MARKER = re.compile(f"{FILE}(\\d+){FILE_END}")


@dataclass
class Result:
    patch: Path
    report: Path
    changes: int = 0
    unplaced: list[str] = field(default_factory=list)
    untracked: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    applied: bool = False

    def summary(self) -> str:
        return (f"{counted(self.changes, 'tracked change')} placed ({'applied' if self.applied else 'patch: ' + str(self.patch)}), "
                f"{len(self.unplaced):,} not placed, {counted(len(self.untracked), 'untracked difference')}, "
                f"{counted(len(self.comments), 'comment')}; see {self.report}")  # fmt: skip


def read_back(edited: Path, root: Path, apply: bool) -> Result:
    """Compare the editor's copy with the book as it is now and place each tracked change in its file."""
    book = load_book(root, Diagnostics())
    chapters = list(book.chapters())
    out = default_out(book.root, "build")
    result = Result(out / "docx-changes.patch", out / "docx-changes.md")
    scratch = Path(tempfile.mkdtemp(prefix="presswork-docx-"))
    try:
        fresh = scratch / "fresh.docx"
        export_docx(book.root, fresh)
        theirs, ours = _files(edited, scratch / "edited"), _files(fresh, scratch / "fresh")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # our own mkdtemp folder
    if not theirs:
        raise PressworkError("no manuscript file marks found: this is not a file `presswork export docx` made", Location(edited),
                             "import a new manuscript with --out instead")  # fmt: skip
    patches, changed = [], {}
    for number, blocks in sorted(theirs.items()):
        if not 1 <= number <= len(chapters):
            result.unplaced.append(f"a section marked as manuscript file {number}, which the book no longer has")
            continue
        chapter = chapters[number - 1]
        source = book.texts[chapter.source]
        writer = Writer("reject", 1)  # its tally keeps the chapter's comments, which `rejected` marks
        rejected, accepted = writer.document(blocks), Writer("accept", 1).document(blocks)
        original = Writer("reject", 1).document(ours.get(number, []))
        for old, new, left in _hunks(_clean(original), _clean(rejected)):
            result.untracked.append(f"{chapter.source}:{_line(source, left)}: “{' '.join(old)}” → “{' '.join(new)}” (not tracked: not taken)")
        for index, comment in enumerate(writer.tally.comments):
            before = rejected.split(f"{COMMENT}{index}{COMMENT_END}")[0].split()[-CONTEXT:]
            result.comments.append(f"{chapter.source}:{_line(source, before)}: {comment.author}: {comment.text}")
        text = source
        for old, new, left, right in reversed(list(_hunks(_clean(rejected), _clean(accepted), context=True))):
            placed = _place(text, old, new, left, right)
            if placed is None:
                result.unplaced.append(f"{chapter.source}:{_line(source, left)}: “{' '.join(old)}” → “{' '.join(new)}”")
            else:
                text = placed
                result.changes += 1
        if text != source:
            changed[chapter.source] = text
            patches += difflib.unified_diff(source.splitlines(keepends=True), text.splitlines(keepends=True),
                                            f"a/{chapter.source}", f"b/{chapter.source}")  # fmt: skip
    with writing_into(book.root):
        out.mkdir(parents=True, exist_ok=True)
        write_atomic(result.patch, "".join(patches).encode())
        if apply:
            for path, text in changed.items():
                write_atomic(book.root / path, text.encode())
            result.applied = True
        write_atomic(result.report, _report(edited, result).encode())
    return result


def _files(docx: Path, work: Path) -> dict[int, list[dict]]:
    """The document's top-level blocks by the manuscript file (1-based) whose marked heading opens them."""
    work.mkdir()
    marked = work / "marked.docx"
    mark_languages(docx, marked)
    ast = pandoc.read_docx(marked, work / "media")
    files: dict[int, list[dict]] = {}
    current: list[dict] | None = None
    for block in ast["blocks"]:
        if block["t"] == "Header" and block["c"][0] == 1 and (m := _MARKER.search(json.dumps(block["c"][2], ensure_ascii=False))):
            current = files.setdefault(int(m.group(1)), [])
            continue
        if current is not None:
            current.append(block)
    return files


def _clean(text: str) -> list[str]:
    """The words to compare: without comment places, figures (word processors rewrite their captions)
    and list numbers (they renumber lists)."""
    text = _FIGURE.sub("", re.sub(f"{COMMENT}\\d+{COMMENT_END}", "", text))
    return [w for w in text.split() if not _NUMBER.fullmatch(w)]


def _hunks(before: list[str], after: list[str], context: bool = False):
    """Each difference between two word lists: (old words, new words, words before[, words after])."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            left = before[max(0, i1 - CONTEXT) : i1]
            yield (before[i1:i2], after[j1:j2], left, before[i2 : i2 + CONTEXT]) if context else (before[i1:i2], after[j1:j2], left)


def _norm(word: str) -> str:
    return _NOISE.sub("", word)


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """The source's words with their places, markup taken off for matching; words of nothing but markup left out."""
    return [(m.start(), m.end(), n) for m in re.finditer(r"\S+", text) if (n := _norm(m.group()))]


def _find(tokens: list[tuple[int, int, str]], words: list[str]) -> list[int]:
    wanted = [n for w in words if (n := _norm(w))]
    size = len(wanted)
    return [i for i in range(len(tokens) - size + 1) if [t[2] for t in tokens[i : i + size]] == wanted] if size else []


def _place(text: str, old: list[str], new: list[str], left: list[str], right: list[str]) -> str | None:
    """`text` with `old` (between `left` and `right`) replaced by `new`, where the words say exactly where; else None."""
    tokens = _tokens(text)
    for l_n, r_n in ((len(left), len(right)), (len(left), 0), (0, len(right)), (min(2, len(left)), min(2, len(right)))):
        hits = _find(tokens, left[len(left) - l_n :] + old + right[:r_n])
        if len(hits) != 1 or not (l_n + r_n or old):
            continue
        start = hits[0] + len([w for w in left[len(left) - l_n :] if _norm(w)])
        count = len([w for w in old if _norm(w)])
        if count:
            a, b = tokens[start][0], tokens[start + count - 1][1]
            span, was = text[a:b], " ".join(old)
            if span == was:
                if not new and text[b : b + 1] == " ":  # words taken out, with the space after them
                    b += 1
                return text[:a] + " ".join(new) + text[b:]
            prefix = len(_common(was, " ".join(new)))
            suffix = len(_common(was[prefix:][::-1], " ".join(new)[prefix:][::-1]))
            middle, replacement = was[prefix : len(was) - suffix], " ".join(new)[prefix : len(" ".join(new)) - suffix]
            if middle and span.count(middle) == 1:
                return text[:a] + span.replace(middle, replacement) + text[b:]
            if not middle and span.count(was[:prefix]) == 1:  # words added inside a word's punctuation
                cut = span.index(was[:prefix]) + prefix
                return text[: a + cut] + replacement + text[a + cut :]
            return None
        at = tokens[start - 1][1] if start else (tokens[start][0] if tokens else 0)
        return text[:at] + " " + " ".join(new) + text[at:] if start else text[:at] + " ".join(new) + " " + text[at:]
    return None


def _common(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _line(source: str, left: list[str]) -> int:
    """The line in `source` after the words `left` (where a change or comment sits), else 1."""
    tokens = _tokens(source)
    for size in range(len(left), 0, -1):
        hits = _find(tokens, left[len(left) - size :])
        if len(hits) == 1:
            return source.count("\n", 0, tokens[hits[0] + len([w for w in left[len(left) - size :] if _norm(w)]) - 1][1]) + 1
    return 1


def _report(edited: Path, result: Result) -> str:
    lines = [f"# The editor's copy {edited.name} read back", "", result.summary() + ".", ""]
    for title, rows in (("Tracked changes that could not be placed (make them by hand)", result.unplaced),
                        ("Text changed without tracking (not taken: check with the editor)", result.untracked),
                        ("Comments", result.comments)):  # fmt: skip
        lines += [f"## {title} ({len(rows)})", ""] + ([f"- {r}" for r in rows] or ["None."]) + [""]
    return "\n".join(lines)
