"""`presswork import legacy-text`: a legacy export → a complete book folder and an import report."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

from ..errors import PressworkError
from ..files.output import write_atomic, writing_into
from ..layout.heads import short_title
from ..load.sources import slugify
from ..model import PrintOptions
from ..progress import Progress, silent
from ..render.fonts import FONT_DIR
from ..text.labels import counted
from ..text.scripts import mixed_scripts
from . import backdata, tally
from .blocks import Block, read_blocks
from .convert import Converted, convert, split_notes
from .metadata import FoundMetadata, read_metadata
from .structure import Entry, Section, find_sections, read_contents

_HEADING = re.compile(r"^(\d{1,3})\.\s+[A-Z“\"«]\S*(?:\s+\S+){0,12}$")
_WORD = re.compile(r"[\w\u0300-\u036f]+")


@dataclass
class Report:
    source: str
    metadata: dict = field(default_factory=dict)
    chapters: int = 0
    sections: list[str] = field(default_factory=list)
    missing_from_text: list[str] = field(default_factory=list)
    missing_from_contents: list[dict] = field(default_factory=list)
    notes_matched: int = 0
    refs_without_notes: list[dict] = field(default_factory=list)
    notes_without_refs: list[dict] = field(default_factory=list)
    joins: int = 0
    doubtful_joins: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    block_quotes: int = 0
    doubtful_quotes: list[dict] = field(default_factory=list)
    doubtful_calls: list[dict] = field(default_factory=list)  # a second call to one note, kept
    doubtful_notes: list[dict] = field(default_factory=list)  # a call whose note may be a line inside a paragraph
    residue: list[dict] = field(default_factory=list)  # note markers left in the body text
    counts: list[dict] = field(default_factory=list)  # what the export holds against what the manuscript holds
    repairs: list[dict] = field(default_factory=list)  # what the importer changed in the export's text, and why
    glossary_terms: int = 0
    chronology_rows: int = 0
    biographies: int = 0
    flagged_words: list[dict] = field(default_factory=list)
    unparsed: list[dict] = field(default_factory=list)
    disambiguated: list[dict] = field(default_factory=list)  # back matter entries renamed or given their own id
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{counted(self.chapters, 'chapter')}, {counted(len(self.sections), 'section')}; notes: {self.notes_matched:,} matched, "
                f"{counted(len(self.refs_without_notes), 'call')} without a note, {counted(len(self.notes_without_refs), 'note')} without a call; "
                f"{counted(self.joins, 'page-break join')} ({len(self.doubtful_joins):,} doubtful); {counted(len(self.figures), 'figure')}; "
                f"{counted(self.block_quotes, 'block quotation')} ({len(self.doubtful_quotes):,} doubtful); {counted(len(self.repairs), 'repair')}; "
                f"{counted(len(self.doubtful_calls), 'repeated note call')}; {counted(len(self.doubtful_notes), 'doubtful note')}; "
                f"{counted(len(self.residue), 'note marker')} left in the text; "
                f"{counted(sum(c['export'] != c['manuscript'] for c in self.counts), 'count')} differing from the export; "
                f"{counted(self.glossary_terms, 'glossary term')}; "
                f"{counted(self.chronology_rows, 'date')}; {counted(self.biographies, 'biography', 'biographies')}; "
                f"{counted(len(self.flagged_words), 'mixed-script word')}; "
                f"{counted(len(self.missing_from_text), 'contents entry', 'contents entries')} not in the text, "
                f"{counted(len(self.missing_from_contents), 'chapter heading')} not in the contents")  # fmt: skip


def import_legacy(export: Path, out: Path, progress: Progress = silent) -> Report:
    """The book in `export` written to the new folder `out`, telling `progress` of each section."""
    blocks = read_blocks(export)
    contents = read_contents(blocks)
    start = contents[0]
    meta = read_metadata(blocks[:start] if start >= 0 else blocks[:40])
    sections, missing = find_sections(blocks, contents)
    if not sections:
        raise PressworkError("no sections found: the export needs a contents list whose entries head its sections",
                             None, "add a 'Contents' line and the section titles after it, as they appear in the text")  # fmt: skip
    progress(f"Found {counted(len(sections), 'section')} in {export.name}")
    report = Report(source=export.name, problems=list(meta.problems))
    report.missing_from_text = [f"{e.number}. {e.title}" if e.number else e.title for e in missing]
    write_book_folder(out, lambda work: _write_book(work, meta, sections, report, progress))
    return report


def write_book_folder(out: Path, fill: Callable[[Path], None]) -> None:
    """`fill` writes a book into a private folder beside OUT, which one rename then puts at OUT:
    an import that fails leaves nothing behind, and one that succeeds is never half there."""
    _check_out(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".import-", dir=out.parent))  # beside OUT, so one rename puts it there
    except OSError as exc:
        raise PressworkError(f"cannot make a folder in {out.parent}: {exc.strerror}", None, "choose a writable folder for the import") from None
    try:
        with writing_into(out.parent):
            fill(work)
        try:
            os.rename(work, out)  # atomic; replaces only an empty folder, never follows a link
        except OSError as exc:
            raise PressworkError(f"cannot put the book at {out}: {exc.strerror}", None, "choose a new folder for the import") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)  # our own mkdtemp folder, nothing else
        raise


def _check_out(out: Path) -> None:
    """OUT must be a new folder or an empty one of its own: never a link, so nothing lands elsewhere."""
    if out.is_symlink():
        raise PressworkError(f"{out} is a symbolic link", None, "give a new folder for the import, not a link")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise PressworkError(f"{out} already exists and is not empty", None, "choose a new folder for the import")


def _write_book(root: Path, meta: FoundMetadata, sections: list[Section], report: Report, progress: Progress) -> None:
    manuscript = root / "manuscript"
    for sub in ("front", "chapters", "back"):
        (manuscript / sub).mkdir(parents=True, exist_ok=True)
    (root / "images").mkdir()
    contents: dict[str, list[str]] = {"front": [], "body": [], "back": []}
    taken: set[str] = set()
    seen_chapter = False
    figures = 0
    data = backdata.BackData()
    exported = tally.Tally()
    for index, section in enumerate(sections, 1):
        entry = section.entry
        report.sections.append(f"{entry.number}. {entry.title}" if entry.number else entry.title)
        progress(f"Converting {index}/{len(sections)}: {report.sections[-1]}", (index, len(sections)))
        if entry.kind in backdata.KINDS:
            exported.back_matter(entry.kind, section.blocks)
            _back_data(manuscript, section, data, report)
            contents["back"].append(f"back/{entry.kind}.yaml")
            continue
        _unlisted_headings(report, section)
        following = sections[index] if index < len(sections) and sections[index].entry.kind not in backdata.KINDS else None
        converted = convert(section.blocks, figures + 1, following.blocks if following else None)
        if following and converted.borrowed:
            exported.section(report.sections[-1], section.blocks + following.blocks[: converted.borrowed])
            following.blocks = following.blocks[converted.borrowed :]
        else:
            exported.section(report.sections[-1], section.blocks)
        figures += len(converted.figures)
        _record(report, entry, converted)
        _flag_words(report, entry, section.blocks)
        if entry.kind == "chapter":
            seen_chapter = True
            report.chapters += 1
            folder, stem = "body", f"chapters/{entry.number:02d}-{slugify(entry.title, 'chapter')[:40]}"
        else:
            folder = "back" if seen_chapter else "front"
            stem = f"{folder}/{slugify(entry.title, 'section')[:40]}"
        name, number = f"{stem}.md", 1
        while name in taken:  # two titles that make the same file name
            number += 1
            name = f"{stem}-{number}.md"
        taken.add(name)
        contents[folder].append(name)
        (manuscript / name).write_text(_markdown(entry, converted), encoding="utf-8")
        exported.written(report.sections[-1], manuscript / name)
        for figure in converted.figures:
            placeholder(root / "images" / f"figure-{figure.number}.png", figure.number,
                         " — ".join(x for x in (figure.caption, figure.original) if x))
    if not contents["body"]:  # no numbered chapters: the sections found are the body
        contents["body"], contents["front"] = contents["front"] + contents["body"], []
    (manuscript / "book.yaml").write_text(book_yaml(meta, contents), encoding="utf-8")
    report.counts = exported.compare(manuscript)


def _record(report: Report, entry: Entry, converted: Converted) -> None:
    where = f"{entry.number}. {entry.title}" if entry.number else entry.title
    report.notes_matched += len(converted.notes) - len(converted.refs_without_notes) - len(converted.notes_without_refs)
    report.refs_without_notes += [{"section": where, "note": label, "line": line} for label, line in converted.refs_without_notes]
    report.notes_without_refs += [{"section": where, "note": label, "line": line} for label, line in converted.notes_without_refs]
    report.joins += converted.joins
    report.doubtful_joins += [{"section": where, "line": line, "text": text} for line, text in converted.doubtful_joins]
    report.figures += [{"section": where, "line": f.line, "caption": f.caption, "image": f"images/figure-{f.number}.png"}
                       for f in converted.figures]  # fmt: skip
    report.block_quotes += len(converted.quotes)
    report.doubtful_quotes += [{"section": where, "line": line, "why": why} for line, why in converted.doubtful_quotes]
    report.doubtful_calls += [{"section": where, "note": label, "line": line} for label, line in converted.doubtful_calls]
    report.doubtful_notes += [{"section": where, "note": label, "line": line} for label, line in converted.doubtful_notes]
    report.residue += [{"section": where, "line": line, "marker": marker} for line, marker in converted.residue]
    report.repairs += [{"section": where, "line": line, "repair": what} for line, what in converted.repairs]
    report.repairs += [{"section": where, "line": line, "repair": f"a block quotation of {counted(count, 'paragraph')}: "
                                                                   "after a line ending with a colon, closed by a note call"}
                       for line, count in converted.quotes]  # fmt: skip


def _unlisted_headings(report: Report, section: Section) -> None:
    """Lines shaped like a chapter heading ('12. Title') in the text that the contents do not list."""
    body, _ = split_notes(section.blocks)
    for block in body:
        if len(block.lines) <= 2 and (m := _HEADING.match(block.text)) and len(block.text) < 100:
            report.missing_from_contents.append({"line": block.line, "heading": block.text, "number": int(m.group(1))})


def _flag_words(report: Report, entry: Entry, blocks: list[Block]) -> None:
    """Words that mix scripts: OCR and typing errors that look right and read wrong."""
    where = f"{entry.number}. {entry.title}" if entry.number else entry.title
    for block in blocks:
        for offset, line in enumerate(block.lines):
            for word in _WORD.findall(line):
                scripts = mixed_scripts(word)
                if scripts:
                    report.flagged_words.append({"section": where, "line": block.line + offset, "word": word,
                                                 "scripts": "+".join(scripts)})  # fmt: skip


def _markdown(entry: Entry, converted: Converted) -> str:
    kind = entry.kind if entry.kind != "epilogue" else "epilogue"
    fields = {"title": entry.title, "kind": kind}
    if (short := short_title(entry.title, PrintOptions())) != entry.title:  # the head would not fit one line
        fields["short_title"] = short
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000)
    body = "\n\n".join(converted.paragraphs) or "*(This section is empty in the export.)*"
    notes = "\n\n".join(f"[^{label}]: " + text.replace("\n\n", "\n\n    ") for label, text in converted.notes.items())
    return f"---\n{front}---\n\n{body}\n" + (f"\n{notes}\n" if notes else "")


def _back_data(manuscript: Path, section: Section, data: backdata.BackData, report: Report) -> None:
    kind, title = section.entry.kind, backdata.strip_heading_call(section.heading.text)
    before, renamed, repaired = len(data.unparsed), len(data.disambiguated), len(data.repairs)
    if kind == "glossary":
        backdata.glossary(section.blocks, data)
        payload = {"title": title, "order": "manuscript", "terms": data.terms}
        report.glossary_terms = len(data.terms)
    elif kind == "chronology":
        backdata.chronology(section.blocks, data)
        payload = {"title": title, "columns": ["Dates", "Event"], "groups": [g for g in data.groups if g["rows"]]}
        report.chronology_rows = sum(len(g["rows"]) for g in data.groups)
    else:
        backdata.biographies(section.blocks, data)
        payload = {"title": title, "people": data.people}
        if data.source_note:
            payload["note"] = data.source_note
        report.biographies = len(data.people)
    report.joins += data.joins
    data.joins = 0
    report.repairs += [{"section": title, "line": line, "repair": what} for line, what in data.repairs[repaired:]]
    report.unparsed += [{"section": title, "line": line, "text": text[:80]} for line, text in data.unparsed[before:]]
    report.disambiguated += [{"section": title, "line": line, "name": name, "id": ident, "why": why}
                             for line, name, ident, why in data.disambiguated[renamed:]]  # fmt: skip
    (manuscript / "back" / f"{kind}.yaml").write_text(
        yaml.safe_dump(payload, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8"
    )


def book_yaml(meta: FoundMetadata, contents: dict[str, list[str]]) -> str:
    """book.yaml for an imported book: what was found, an author to fill in where none was."""
    book: dict = {"title": meta.title}
    if meta.subtitle:
        book["subtitle"] = meta.subtitle
    if meta.original_title:
        book["original_title"] = meta.original_title
    if meta.series:
        book["series"] = {"name": meta.series, "number": meta.series_number}
    book["language"] = meta.language
    people = [{"name": a, "role": "author"} for a in meta.authors or ["Unknown Author"]]
    people += [{"name": t, "role": "translator"} for t in meta.translators]
    book["contributors"] = people
    if meta.publisher:
        book["publisher"] = {"name": meta.publisher, "place": meta.place}
    if meta.year:
        book["date"] = meta.year
    if meta.isbn:
        book["isbn"] = dict(meta.isbn)
    for key in ("rights", "description"):
        if getattr(meta, key):
            book[key] = getattr(meta, key)
    if meta.subjects:
        book["subjects"] = meta.subjects
    book["contents"] = {k: v for k, v in contents.items() if v}
    return yaml.safe_dump(book, allow_unicode=True, sort_keys=False, width=1000)


def placeholder(path: Path, number: int, caption: str) -> None:
    """A grey plate that says which illustration belongs here, until the real image is found: its label
    set large enough to read in print (the plate is printed at about the text width, some 330 pt, so
    40 px is some 11 pt), in the book face, which sets the captions' Cyrillic too."""
    image = Image.new("RGB", (_PLATE_WIDTH, 800), (225, 225, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, _PLATE_WIDTH - 21, 779), outline=(120, 120, 120), width=6)
    title = ImageFont.truetype(str(FONT_DIR / "LinLibertine_RB.otf"), 52)
    body = ImageFont.truetype(str(FONT_DIR / "LinLibertine_R.otf"), 40)
    draw.text((70, 70), f"Figure {number}: illustration missing from the export", font=title, fill=(40, 40, 40))
    top = 170
    for line in _wrapped(caption, body, _PLATE_WIDTH - 140)[:_CAPTION_LINES]:
        draw.text((70, top), line, font=body, fill=(60, 60, 60))
        top += 52
    image.save(path, "PNG")


_PLATE_WIDTH = 1200
_CAPTION_LINES = 11  # what fits under the title; a longer caption is in the figure's caption anyway


def _wrapped(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def write_report(out: Path, report: Report) -> None:
    lines = [f"# Import report: {report.source}", "", report.summary() + ".", ""]

    def listing(title: str, rows: list[dict], fmt) -> None:
        lines.extend([f"## {title} ({len(rows)})", ""])
        lines.extend(f"- {fmt(r)}" for r in rows) if rows else lines.append("None.")
        lines.append("")

    listing("Contents entries not found in the text", [{"t": t} for t in report.missing_from_text], lambda r: r["t"])
    listing("Chapter headings in the text that the contents do not list (kept as paragraphs)", report.missing_from_contents,
            lambda r: f"line {r['line']}: {r['heading']}")
    listing("Note calls without a note (kept; the note says so)", report.refs_without_notes,
            lambda r: f"{r['section']}, line {r['line']}: note {r['note']}")
    listing("Notes without a call (kept at the chapter's end)", report.notes_without_refs,
            lambda r: f"{r['section']}, line {r['line']}: note {r['note']}")
    listing("Repairs (what the importer changed in the export's text, and why)",
            sorted(report.repairs, key=lambda r: r["line"]), lambda r: f"{r['section']}, line {r['line']}: {r['repair']}")
    listing("Note markers left in the text (presswork check: N007)", report.residue,
            lambda r: f"{r['section']}, line {r['line']}: {r['marker']}")
    listing("Calls whose note may be a line inside a paragraph (doubtful; the note says its text is missing)",
            report.doubtful_notes, lambda r: f"{r['section']}, line {r['line']}: note {r['note']}")
    listing("Counts: the export against the manuscript written (differences first)",
            sorted(report.counts, key=lambda r: r["export"] == r["manuscript"]),
            lambda r: f"{r['what']}{', ' + r['section'] if r['section'] else ''}: {r['export']} in the export, {r['manuscript']} written"
                      + ("" if r["export"] == r["manuscript"] else " — DIFFERS"))
    listing("Note calls repeating an earlier call (kept; doubtful)", report.doubtful_calls,
            lambda r: f"{r['section']}, line {r['line']}: note {r['note']}")
    listing("Doubtful block quotations", report.doubtful_quotes, lambda r: f"{r['section']}, line {r['line']}: {r['why']}")
    listing("Doubtful page-break joins", report.doubtful_joins, lambda r: f"{r['section']}, line {r['line']}: {r['text']}")
    listing("Figures whose images are missing (placeholders written)", report.figures,
            lambda r: f"{r['section']}, line {r['line']}: {r['image']} — {r['caption'][:70]}")
    listing("Words mixing scripts", report.flagged_words,
            lambda r: f"{r['section']}, line {r['line']}: {r['word']} ({r['scripts']})")
    listing("Back matter entries renamed or given their own id, so that the book builds", report.disambiguated,
            lambda r: f"{r['section']}, line {r['line']}: {r['name']} (id {r['id']}): {r['why']}")
    listing("Back matter lines kept but not understood", report.unparsed, lambda r: f"{r['section']}, line {r['line']}: {r['text']}")
    if report.problems:
        listing("Metadata problems", [{"p": p} for p in report.problems], lambda r: r["p"])
    write_atomic(out / "import-report.md", "\n".join(lines).encode())
