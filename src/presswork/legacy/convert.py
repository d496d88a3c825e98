"""A section's blocks → Markdown: notes matched to their calls, page-break splits joined,
figures with placeholders, block quotations recognised."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text.markers import MISSING_NOTE_TEXT, UNCALLED_NOTES_CLASS, UNCALLED_NOTES_LABEL
from .blocks import Block

NOTE = re.compile(r"^(?:-\s*)?(?:\[(\d{1,3})\.\]\(#\)|(\d{1,3})\.)\s+(\S.*)$")
SUPERSCRIPT = re.compile("[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+")
_SUPER_DIGITS = str.maketrans("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079", "0123456789")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_ENDS_SENTENCE = re.compile(r"""[.!?…:;]["'”»’)\]*]*(?:[\u00b9\u00b2\u00b3\u2070-\u2079]+)?$""")
_ABBREVIATION = re.compile(r"(?:\b(?:p|pp|vol|ch|cf|ed|eds|No|Mr|Mrs|Dr|St|viz|etc|т|С|Т|см|гг|г|ст|тт)\.|\b[A-ZА-Я]\.)$")


@dataclass
class Figure:
    number: int
    caption: str
    original: str | None  # caption text in the original language (OCR from the image)
    line: int


@dataclass
class Converted:
    paragraphs: list[str] = field(default_factory=list)  # Markdown blocks of the body
    notes: dict[str, str] = field(default_factory=dict)  # label -> Markdown
    refs_without_notes: list[tuple[str, int]] = field(default_factory=list)
    notes_without_refs: list[tuple[str, int]] = field(default_factory=list)
    joins: int = 0
    doubtful_joins: list[tuple[int, str]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    quotes: int = 0


def split_notes(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """Body and notes: the notes start at the last block that opens with note 1."""
    starts = [i for i, b in enumerate(blocks) if any((m := NOTE.match(line)) and (m.group(1) or m.group(2)) == "1" for line in b.lines)]
    if not starts:
        return blocks, []
    return blocks[: starts[-1]], blocks[starts[-1] :]


def is_ocr_caption(block: Block) -> bool:
    """Text read off an illustration: short, and in no Latin letters."""
    return len(block.text) < 120 and not _LATIN.search(block.text)


def is_caption(block: Block) -> bool:
    """A short line that is not a sentence, standing after the notes: a caption whose picture is gone."""
    return len(block.text) < 150 and not NOTE.match(block.lines[0]) and not _ENDS_SENTENCE.search(block.text)


def convert(blocks: list[Block], first_figure: int) -> Converted:
    result = Converted()
    body, note_blocks = split_notes(blocks)
    trailing: list[Block] = []
    notes, note_lines = _read_notes(note_blocks, trailing)
    paragraphs = _figures_and_text(body, result, first_figure)
    paragraphs += _figures_and_text(trailing, result, first_figure, captions_only=True)
    paragraphs = _join_splits(paragraphs, result)
    calls: dict[str, int] = {}  # label -> the line of its first call
    for block in body:
        for offset, line in enumerate(block.lines):
            for match in SUPERSCRIPT.finditer(line):
                calls.setdefault(match.group().translate(_SUPER_DIGITS), block.line + offset)
    out = []
    previous = ""
    for kind, text, line in paragraphs:
        if kind == "figure":
            out.append(text)
            continue
        markdown = SUPERSCRIPT.sub(lambda m: f"[^{m.group().translate(_SUPER_DIGITS)}]", _escape(text))
        if previous.rstrip().endswith(":") and re.match(r'^["“«]', text) and re.search(r'["”»][\u00b9\u00b2\u00b3\u2070-\u2079]*$', text):
            markdown = "> " + markdown
            result.quotes += 1
        out.append(markdown)
        previous = text
    result.paragraphs = out
    for label, line in calls.items():
        if label not in notes:
            result.refs_without_notes.append((label, line))
            notes[label] = f"*({MISSING_NOTE_TEXT})*"
    for label, line in note_lines.items():
        if label not in calls:
            result.notes_without_refs.append((label, line))
    if result.notes_without_refs:  # an editor's marker, so that these notes still reach the reader
        calls_text = " ".join(f"[^{label}]" for label, _ in result.notes_without_refs)
        result.paragraphs.append(f"*[{UNCALLED_NOTES_LABEL}]{{.{UNCALLED_NOTES_CLASS}}}* {calls_text}")
    result.notes = {label: _escape(text) for label, text in notes.items()}
    return result


def _read_notes(blocks: list[Block], trailing: list[Block]) -> tuple[dict[str, str], dict[str, int]]:
    """Notes in any of the three shapes, a note per line or per block, continued by plain paragraphs;
    text from illustrations after the notes goes back to the body (`trailing`)."""
    notes: dict[str, str] = {}
    lines: dict[str, int] = {}
    current: str | None = None
    for block in blocks:
        if current and (is_ocr_caption(block) or is_caption(block)) or trailing:
            trailing.append(block)
            continue
        pieces = []
        for offset, line in enumerate(block.lines):
            if m := NOTE.match(line):
                label = m.group(1) or m.group(2)
                while label in notes:  # a number used twice: keep both
                    label += "-bis"
                notes[label], lines[label], current = m.group(3), block.line + offset, label
            elif current:
                pieces.append(line)
        if pieces and current:
            separator = "\n\n" if not NOTE.match(block.lines[0]) else " "
            notes[current] += separator + " ".join(pieces)
    return notes, lines


def _figures_and_text(
    blocks: list[Block], result: Converted, first_figure: int, captions_only: bool = False
) -> list[tuple[str, str, int]]:
    """(kind, text, line) for each paragraph; runs of text read off an illustration, with the
    English caption after them, become one figure; after the notes, every caption is a figure."""
    out: list[tuple[str, str, int]] = []
    i = 0
    while i < len(blocks):
        if captions_only and not is_ocr_caption(blocks[i]):
            figure = Figure(first_figure + len(result.figures), blocks[i].text, None, blocks[i].line)
            result.figures.append(figure)
            out.append(("figure", _figure_markdown(figure), figure.line))
            i += 1
            continue
        if is_ocr_caption(blocks[i]) and _CYRILLIC.search(blocks[i].text):
            run = []
            while i < len(blocks) and is_ocr_caption(blocks[i]):
                run.append(blocks[i])
                i += 1
            caption = ""
            if i < len(blocks) and len(blocks[i].text) < 300 and not NOTE.match(blocks[i].lines[0]):
                caption = blocks[i].text
                i += 1
            number = first_figure + len(result.figures)
            figure = Figure(number, caption, " / ".join(b.text for b in run), run[0].line)
            result.figures.append(figure)
            out.append(("figure", _figure_markdown(figure), run[0].line))
            continue
        out.append(("text", blocks[i].text, blocks[i].line))
        i += 1
    return out


def _figure_markdown(figure: Figure) -> str:
    caption = " — ".join(x for x in (figure.caption, figure.original) if x)
    caption = caption.replace('"', "'").replace("*", "")
    alt = "Placeholder for an illustration missing from the export"
    return f'![{alt}](images/figure-{figure.number}.png "{caption}"){{#fig-{figure.number}}}'


def _join_splits(paragraphs: list[tuple[str, str, int]], result: Converted) -> list[tuple[str, str, int]]:
    """A paragraph that stops mid-sentence and one that carries on are one paragraph split by a page break."""
    out: list[tuple[str, str, int]] = []
    for kind, text, line in paragraphs:
        if out and kind == "text" and out[-1][0] == "text":
            before = out[-1][1]
            continues = text[:1].islower()
            unfinished = not _ENDS_SENTENCE.search(before) or bool(_ABBREVIATION.search(before))
            heading_like = len(before) < 60  # a short unfinished line is a heading or caption, not a split
            if continues or (unfinished and not heading_like and not text.startswith(("*", "[", "-", "#"))):
                if not continues:
                    result.doubtful_joins.append((line, f"…{before[-40:]} | {text[:40]}…"))
                out[-1] = ("text", f"{before} {text}", out[-1][2])
                result.joins += 1
                continue
        out.append((kind, text, line))
    return out


def _escape(text: str) -> str:
    """Keep a paragraph's first characters from being read as Markdown structure, and drop export links."""
    text = re.sub(r"\[([^\]]+)\]\(#\)", r"\1", text)
    text = re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", text)
    text = re.sub(r"^([#>+]|-\s|\*\s)", r"\\\1", text)
    return text
