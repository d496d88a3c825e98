"""A section's blocks → Markdown: notes matched to their calls (mis-numbered calls repaired where
the export's own numbering proves the number), page-break splits joined, figures with placeholders,
block quotations recognised."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..text.markers import MISSING_NOTE_TEXT, UNCALLED_NOTES_CLASS, UNCALLED_NOTES_LABEL, note_residue
from .blocks import Block
from .notemarks import CALL_SEPARATOR, DAMAGED_CALL, DAMAGED_NOTE, SUPER_DIGITS, SUPERSCRIPT, TO_SUPER, normalize_calls, note_line

_ENDS_WITH_CALL = re.compile(r"[\u00b9\u00b2\u00b3\u2070\u2074-\u2079\u2063]+[\"'”»’)\]]*$")
_ONLY_CALLS = re.compile(r"^[\u00b9\u00b2\u00b3\u2070\u2074-\u2079\u2063\s]+$")
# Three blank lines or more stand where the export dropped an image: what follows is its caption.
_IMAGE_GAP = 3
_QUOTE_PARAGRAPHS = 4  # a block quotation longer than this is not told from the author's prose
# “…,” someone said, “…”: the author quoting inline, so the author's prose, not a block quotation
_INTERLEAVED = re.compile(r"[”\"]\s+[^“”\"]{1,60},\s*[“\"]")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_ENDS_SENTENCE = re.compile(r"""[.!?…:;]["'”»’)\]*]*(?:[\u00b9\u00b2\u00b3\u2070-\u2079\u2063]+)?$""")
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
    quotes: list[tuple[int, int]] = field(default_factory=list)  # (line, paragraphs) of each block quotation
    doubtful_quotes: list[tuple[int, str]] = field(default_factory=list)
    doubtful_calls: list[tuple[str, int]] = field(default_factory=list)  # a second call to a note, kept
    doubtful_notes: list[tuple[str, int]] = field(default_factory=list)  # (label, line) of a line that may be a lost note
    repairs: list[tuple[int, str]] = field(default_factory=list)  # (line, what was changed and why)
    residue: list[tuple[int, str]] = field(default_factory=list)  # (line, marker) of note markers left in the body
    borrowed: int = 0  # blocks taken from the start of the next section: this section's notes, split off by a page break


def split_notes(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """Body and notes: the notes start at the last block holding a note line numbered 1 (in any shape),
    or at the last note 2 that follows no note 1, taking the line before it when that line looks like a
    note line whose number was damaged (`¹². …` before `- [2.](#) …`)."""
    marks = [(i, offset, read[0]) for i, b in enumerate(blocks) for offset, line in enumerate(b.lines) if (read := note_line(line))]
    start = None
    for k, (i, offset, label) in enumerate(marks):
        if label == "1":
            start = i
        elif label == "2" and (k == 0 or marks[k - 1][2] != "1"):
            start = i if offset or i == 0 or not DAMAGED_NOTE.match(blocks[i - 1].lines[0]) else i - 1
    if start is None:
        return blocks, []
    return blocks[:start], blocks[start:]


def is_ocr_caption(block: Block) -> bool:
    """Text read off an illustration: short, and in no Latin letters."""
    return len(block.text) < 120 and not _LATIN.search(block.text)


def is_caption(block: Block) -> bool:
    """A short line that is not a sentence, standing after the notes: a caption whose picture is gone."""
    return len(block.text) < 150 and not note_line(block.lines[0]) and not _ENDS_SENTENCE.search(block.text)


def after_image(block: Block) -> bool:
    """A paragraph where the export dropped an image: a caption, even when it is a sentence."""
    return block.gap >= _IMAGE_GAP and len(block.text) < 400 and not note_line(block.lines[0])


def unfinished(text: str) -> bool:
    """Text that stops mid-sentence (or at an abbreviation): a page break cut it."""
    return not _ENDS_SENTENCE.search(text) or bool(_ABBREVIATION.search(text))


def convert(blocks: list[Block], first_figure: int, following: list[Block] | None = None) -> Converted:
    """A section's blocks as Markdown; `following`, the next section's blocks, may open with the end of
    this section's notes (a page break put them after the next heading): those are taken back."""
    result = Converted()
    body, note_blocks = split_notes(blocks)
    trailing: list[Block] = []
    notes, note_lines = _read_notes(note_blocks, trailing, result)
    body = _repair_calls(body, notes, result)
    body = _find_lost_notes(body, _calls(body), notes, note_lines, result)
    calls = _calls(body)  # the body is final from here
    result.borrowed = _borrow_notes(following or [], calls, notes, note_lines, result)
    _doubtful_notes(body, calls, notes, result)
    paragraphs = _figures_and_text(body, result, first_figure)
    paragraphs += _figures_and_text(trailing, result, first_figure, captions_only=True)
    paragraphs = _join_splits(paragraphs, result)
    result.residue = [(line, marker) for kind, text, line in paragraphs if kind == "text" for marker in note_residue(text)]
    result.paragraphs = _quotations(paragraphs, result)
    doubtful = {label for label, _ in result.doubtful_notes}
    for label, line in calls.items():
        if label not in notes:
            if label not in doubtful:
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


def _calls(body: list[Block]) -> dict[str, int]:
    """Each note label the body calls, with the line of its first call."""
    calls: dict[str, int] = {}
    for block in body:
        for offset, line in enumerate(block.lines):
            for match in SUPERSCRIPT.finditer(line):
                calls.setdefault(match.group().translate(SUPER_DIGITS), block.line + offset)
    return calls


def _note_block(block: Block, wanted: set[str]) -> tuple[str, str] | None:
    """(label, text) when `block` opens with a note line numbered as one of `wanted`."""
    read = note_line(block.lines[0])
    if read and read[0] in wanted:
        return read[0], " ".join([read[1], *block.lines[1:]])
    return None


def _find_lost_notes(body: list[Block], calls: dict[str, int], notes: dict[str, str], note_lines: dict[str, int],
                     result: Converted) -> list[Block]:  # fmt: skip
    """The body without the paragraphs that are the text of a called note the notes lack: a note line
    left among the paragraphs (a block of notes the export broke up) is that note, not prose."""
    wanted = {label for label in calls if label not in notes}
    kept = []
    for block in body:
        found = _note_block(block, wanted) if wanted else None
        if found is None:
            kept.append(block)
            continue
        label, text = found
        notes[label], note_lines[label] = text, block.line
        wanted.discard(label)
        result.repairs.append((block.line, f"note {label}'s text stood among the paragraphs, apart from the notes: made note {label}"))
    return kept


def _borrow_notes(following: list[Block], calls: dict[str, int], notes: dict[str, str], note_lines: dict[str, int],
                  result: Converted) -> int:  # fmt: skip
    """How many blocks at the start of the next section are this section's notes (called here, missing
    here): a page break put them after the next heading. Those are made this section's notes."""
    wanted = {label for label in calls if label not in notes}
    taken = 0
    while wanted and taken < len(following) and (found := _note_block(following[taken], wanted)):
        label, text = found
        notes[label], note_lines[label] = text, following[taken].line
        wanted.discard(label)
        result.repairs.append((following[taken].line, f"note {label} stood after the next section's heading (a page break): "
                                                       "made a note of the section that calls it"))  # fmt: skip
        taken += 1
    return taken


def _doubtful_notes(body: list[Block], calls: dict[str, int], notes: dict[str, str], result: Converted) -> None:
    """Calls whose note is still not found, but a line inside a paragraph carries their number as a
    note line does: doubtful (that line may be the note), never simply missing."""
    wanted = {label for label in calls if label not in notes}
    for block in body:
        for offset, line in enumerate(block.lines[1:], 1):
            if wanted and (read := note_line(line)) and read[0] in wanted:
                result.doubtful_notes.append((read[0], block.line + offset))
                wanted.discard(read[0])


def _repair_calls(body: list[Block], notes: dict[str, str], result: Converted) -> list[Block]:
    """The body with its calls renumbered where the export's numbering proves the number: a call out of
    sequence that repeats an earlier number, where the very note expected there has no call, is that
    note's call (a damaged superscript); so is a call link whose digit was misread, standing between the
    calls before and after that note. Other repeated calls are kept and reported as doubtful."""
    lines = {}
    for block in body:
        for offset, line in enumerate(block.lines):
            fixed, changes = normalize_calls(line)
            result.repairs += [(block.line + offset, change) for change in changes]
            lines[block.line + offset] = fixed
    found: list[tuple[int, tuple[int, int], str]] = []  # (line, span, label); "" for a misread call
    for number, line in lines.items():
        if m := DAMAGED_CALL.match(line):
            found.append((number, m.span(), ""))
        found += [(number, m.span(), m.group().translate(SUPER_DIGITS)) for m in SUPERSCRIPT.finditer(line)]
    called = Counter(label for _, _, label in found)
    seen: set[str] = set()
    previous = 0
    changes: dict[int, list[tuple[tuple[int, int], str]]] = {}
    for index, (number, span, label) in enumerate(found):
        expected = str(previous + 1)
        following = found[index + 1][2] if index + 1 < len(found) else None
        if not label:
            if expected in notes and not called[expected] and following == str(previous + 2):
                changes[number] = [(span, expected)]
                result.repairs.append((number, f"call mark {lines[number]} made call {expected}: it stands between calls "
                                               f"{previous} and {following}, and note {expected} had no call"))  # fmt: skip
                called[expected] += 1
                seen.add(expected)
                previous += 1
            continue
        if label != expected and label in seen and expected in notes and not called[expected] and following != expected:
            changes.setdefault(number, []).append((span, expected))
            result.repairs.append((number, f"call {label} made {expected}: it follows call {previous}, repeats an earlier "
                                           f"call {label}, and note {expected} had no call"))  # fmt: skip
            called[label] -= 1
            called[expected] += 1
            label = expected
        elif label in seen:
            result.doubtful_calls.append((label, number))
        seen.add(label)
        previous = int(label)
    for number, spans in changes.items():
        line = lines[number]
        for (start, end), label in sorted(spans, reverse=True):
            line = line[:start] + label.translate(TO_SUPER) + line[end:]
        lines[number] = line
    return [Block([lines[b.line + offset] for offset in range(len(b.lines))], b.line, b.gap) for b in body]


def _quotations(paragraphs: list[tuple[str, str, int]], result: Converted) -> list[str]:
    """Markdown for each paragraph; a block quotation is what follows a line ending with a colon, up to
    and with the first paragraph ending with a note call, when the author's prose resumes after it."""
    texts = [i for i, (kind, _, _) in enumerate(paragraphs) if kind == "text"]
    quoted: dict[int, int] = {}  # first paragraph -> paragraphs in the quotation
    for position, index in enumerate(texts):
        if not paragraphs[index][1].rstrip().endswith(":"):
            continue
        run = texts[position + 1 : position + 1 + _QUOTE_PARAGRAPHS]
        if not run:
            continue
        first = paragraphs[run[0]]
        end = next((n for n, i in enumerate(run) if _ENDS_WITH_CALL.search(paragraphs[i][1])), None)
        if end is None:
            result.doubtful_quotes.append((first[2], f"after a colon, no note call closes what follows: kept as prose ({first[1][:50]}…)"))
            continue
        last = paragraphs[run[end]][1]
        if any(SUPERSCRIPT.search(paragraphs[i][1]) or paragraphs[i][1].endswith(":") for i in run[:end]) or (
            end and len(SUPERSCRIPT.findall(last)) > 1  # a quotation of several paragraphs has one call, at its end
        ):
            result.doubtful_quotes.append((first[2], f"after a colon, the paragraphs up to the closing call carry other calls or "
                                                     f"colons: kept as prose ({first[1][:50]}…)"))  # fmt: skip
            continue
        if any(_INTERLEAVED.search(paragraphs[i][1]) for i in run[: end + 1]):
            result.doubtful_quotes.append((first[2], f"after a colon, the author quotes inline (“…,” someone says, “…”): "
                                                     f"kept as prose ({first[1][:50]}…)"))  # fmt: skip
            continue
        if run[: end + 1] != list(range(run[0], run[end] + 1)):  # a figure inside: not one quotation
            result.doubtful_quotes.append((first[2], "a figure stands inside what would be a quotation: kept as prose"))
            continue
        quoted[run[0]] = end + 1
        result.quotes.append((first[2], end + 1))
        if end:
            result.doubtful_quotes.append((first[2], f"a quotation of {end + 1} paragraphs: check where it ends"))
    out: list[str] = []
    index = 0
    while index < len(paragraphs):
        kind, text, _ = paragraphs[index]
        if kind == "figure":
            out.append(text)
            index += 1
            continue
        count = quoted.get(index, 0)
        if count:
            out.append("\n>\n".join("> " + _markdown(t) for _, t, _ in paragraphs[index : index + count]))
            index += count
            continue
        out.append(_markdown(text))
        index += 1
    return out


def _markdown(text: str) -> str:
    return SUPERSCRIPT.sub(lambda m: f"[^{m.group().translate(SUPER_DIGITS)}]", _escape(text)).replace(CALL_SEPARATOR, "")


def _read_notes(blocks: list[Block], trailing: list[Block], result: Converted) -> tuple[dict[str, str], dict[str, int]]:
    """Notes in any of the three shapes, a note per line or per block, continued by plain paragraphs;
    text from illustrations after the notes goes back to the body (`trailing`)."""
    notes: dict[str, str] = {}
    lines: dict[str, int] = {}
    current: str | None = None
    damaged = _damaged_first(blocks)
    if damaged:
        notes["1"], lines["1"], current = damaged, blocks[0].line, "1"
        result.repairs.append((blocks[0].line, f"a note line whose number was damaged ({blocks[0].lines[0][:12]}…) read as note 1: "
                                               "note 2 follows it"))  # fmt: skip
    for block in blocks:
        if current and not trailing and after_image(block) and not (is_ocr_caption(block) or is_caption(block)):
            result.repairs.append((block.line, f"a caption after note {current}, where an image was dropped: "
                                               "made a figure, not a paragraph of the note"))  # fmt: skip
        if current and (is_ocr_caption(block) or is_caption(block) or after_image(block)) or trailing:
            trailing.append(block)
            continue
        pieces = []
        for offset, line in enumerate(block.lines):
            if damaged and block is blocks[0] and offset == 0:
                continue
            if read := note_line(line):
                label = read[0]
                while label in notes:  # a number used twice: keep both
                    label += "-bis"
                notes[label], lines[label], current = read[1], block.line + offset, label
            elif current:
                pieces.append(line)
        if pieces and current:
            separator = "\n\n" if not note_line(block.lines[0]) and not (damaged and block is blocks[0]) else " "
            notes[current] += separator + " ".join(pieces)
    return notes, lines


def _damaged_first(blocks: list[Block]) -> str | None:
    """The text of note 1 when the notes open with a line whose number is damaged (`¹². …`, `l. …`)
    and the next note line is note 2; None otherwise."""
    if not blocks or not (m := DAMAGED_NOTE.match(blocks[0].lines[0])):
        return None
    first = note_line(blocks[0].lines[0])
    if first and first[0] == "1":
        return None
    labels = [read[0] for b in blocks for line in b.lines if (read := note_line(line))]
    if labels[1 if first else 0 : 2 if first else 1] != ["2"]:
        return None
    return blocks[0].lines[0][m.end() :]


def _figures_and_text(
    blocks: list[Block], result: Converted, first_figure: int, captions_only: bool = False
) -> list[tuple[str, str, int]]:
    """(kind, text, line) for each paragraph; runs of text read off an illustration, with the
    English caption after them, become one figure, as does a caption where an image was dropped;
    after the notes, every caption is a figure, and a sentence right after one continues it."""
    out: list[tuple[str, str, int]] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if captions_only and not is_ocr_caption(block):
            last = result.figures[-1] if out and out[-1][0] == "figure" and result.figures else None
            if last and last.original is None and block.gap < 2 and _ENDS_SENTENCE.search(last.caption):
                last.caption += " " + block.text
                out[-1] = ("figure", _figure_markdown(last), last.line)
                result.repairs.append((block.line, f"the caption of figure {last.number} goes on here: joined to it"))
            else:
                figure = Figure(first_figure + len(result.figures), block.text, None, block.line)
                result.figures.append(figure)
                out.append(("figure", _figure_markdown(figure), figure.line))
            i += 1
            continue
        if not captions_only and block.gap >= _IMAGE_GAP and is_caption(block) and not is_ocr_caption(block):
            figure = Figure(first_figure + len(result.figures), block.text, None, block.line)
            result.figures.append(figure)
            result.repairs.append((block.line, f"a caption where an image was dropped: made figure {figure.number}, not a paragraph"))
            out.append(("figure", _figure_markdown(figure), figure.line))
            i += 1
            continue
        if is_ocr_caption(block) and _CYRILLIC.search(block.text):
            run = []
            while i < len(blocks) and is_ocr_caption(blocks[i]):
                run.append(blocks[i])
                i += 1
            caption = ""
            if i < len(blocks) and len(blocks[i].text) < 300 and not note_line(blocks[i].lines[0]):
                caption = blocks[i].text
                i += 1
            number = first_figure + len(result.figures)
            figure = Figure(number, caption, " / ".join(b.text for b in run), run[0].line)
            result.figures.append(figure)
            out.append(("figure", _figure_markdown(figure), run[0].line))
            continue
        text = block.text
        if len(block.lines) > 1 and all(len(line) == 1 for line in block.lines):
            text = "".join(block.lines)
            result.repairs.append((block.line, f"a word set one letter a line: read as {text!r}"))
        out.append(("text", text, block.line))
        i += 1
    return out


def _figure_markdown(figure: Figure) -> str:
    caption = " — ".join(x for x in (figure.caption, figure.original) if x)
    caption = caption.replace('"', "'").replace("*", "")
    alt = "Placeholder for an illustration missing from the export"
    return f'![{alt}](images/figure-{figure.number}.png "{caption}"){{#fig-{figure.number}}}'


def _join_splits(paragraphs: list[tuple[str, str, int]], result: Converted) -> list[tuple[str, str, int]]:
    """A paragraph that stops mid-sentence and one that carries on are one paragraph split by a page
    break, even when a figure stands between them (the figure then follows the paragraph); a
    paragraph of nothing but note calls belongs to the one before it."""
    out: list[tuple[str, str, int]] = []
    for kind, text, line in paragraphs:
        last = next((n for n in range(len(out) - 1, -1, -1) if out[n][0] == "text"), None)
        if kind == "text" and last is not None and (last == len(out) - 1 or text[:1].islower() or _ONLY_CALLS.match(text)):
            before = out[last][1]
            continues = text[:1].islower()
            heading_like = len(before) < 60  # a short unfinished line is a heading or caption, not a split
            if _ONLY_CALLS.match(text):
                result.repairs.append((line, "a paragraph of nothing but a note call: joined to the paragraph before it"))
            elif continues or (unfinished(before) and not heading_like and not text.startswith(("*", "[", "-", "#"))):
                if not continues:
                    result.doubtful_joins.append((line, f"…{before[-40:]} | {text[:40]}…"))
                if last != len(out) - 1:
                    result.repairs.append((line, "a paragraph split by a page break, with a figure between its halves: "
                                                 "joined, the figure after it"))  # fmt: skip
                result.joins += 1
            else:
                out.append((kind, text, line))
                continue
            joined = before + text.strip() if _ONLY_CALLS.match(text) else f"{before} {text}"
            out[last] = ("text", joined, out[last][2])
            continue
        out.append((kind, text, line))
    return out


def _escape(text: str) -> str:
    """Keep a paragraph's first characters from being read as Markdown structure, and drop export links
    (but a linked number, a note marker left unread, stays for `check` to find: N007)."""
    text = re.sub(r"\[(?!\d{1,3}\.?\]\(#\))([^\]]+)\]\(#\)", r"\1", text)
    text = re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", text)
    text = re.sub(r"^([#>+]|-\s|\*\s)", r"\\\1", text)
    return text
