"""`presswork import docx`: authors' and translators' Word files → a book folder and an import report."""

from __future__ import annotations

import re
import shutil
from collections import Counter
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from PIL import Image

from ..errors import Location, PressworkError
from ..legacy.importer import book_yaml, placeholder, write_book_folder
from ..legacy.metadata import FoundMetadata
from ..load.sources import slugify
from ..model import IMAGE_TYPES
from ..progress import Progress, silent
from ..text.labels import counted
from ..text.scripts import mixed_scripts
from . import pandoc
from .docxparts import Facts, mark_languages
from .markdown import COMMENT, COMMENT_END, Comment, Tally, Writer, image_name

# Heading text (its start, case folded) → the kind of a front or back matter file; `--matter` adds to it.
MATTER = {"foreword": "foreword", "preface": "preface", "introduction": "introduction", "prologue": "prologue",
          "translator's note": "preface", "translator’s note": "preface", "a note on": "preface", "note on": "preface",
          "acknowledg": "acknowledgments", "dedication": "dedication", "epigraph": "epigraph", "epilogue": "epilogue",
          "afterword": "afterword", "appendix": "appendix", "conclusion": "conclusion"}  # fmt: skip
CSS = """/* Made by presswork import docx for Word's superscripts, subscripts, epigraphs and poems. */
.sup { font-size: 0.7em; vertical-align: super; line-height: 0; }
.sub { font-size: 0.7em; vertical-align: sub; line-height: 0; }
.epigraph { margin-left: 30%; font-style: italic; }
.poem p { text-indent: 0; }
"""
_WORD = re.compile(r"[\w\u0300-\u036f]+")


@dataclass
class Options:
    changes: str | None = None  # "accept", "reject", or None: refuse a file with tracked changes
    chapter_style: str | None = None  # a paragraph style that opens a chapter, beside Heading 1
    part_style: str = "Part"
    matter: dict[str, str] = field(default_factory=dict)  # heading text → kind, before MATTER


@dataclass
class Section:
    title: str
    kind: str
    part: str | None
    source: str
    blocks: list[dict] = field(default_factory=list)


@dataclass
class Written:
    """One Markdown file written, what it holds and where."""

    path: str
    source: str
    tally: Tally
    comments: list[tuple[int, Comment]] = field(default_factory=list)  # line, comment
    languages: list[tuple[int, str]] = field(default_factory=list)  # line, language
    figures: list[tuple[int, str]] = field(default_factory=list)  # line, what
    mixed: list[tuple[int, str]] = field(default_factory=list)  # line, word mixing scripts


@dataclass
class Report:
    sources: list[str]
    files: list[Written] = field(default_factory=list)
    facts: dict[str, Facts] = field(default_factory=dict)
    changes: str | None = None
    notes: list[str] = field(default_factory=list)  # what the importer decided that an editor should know

    def summary(self) -> str:
        total = lambda attr: sum(getattr(w.tally, attr) for w in self.files)  # noqa: E731
        return (f"{counted(len(self.files), 'file')}; {counted(total('notes'), 'note')}, {counted(sum(len(w.figures) for w in self.files), 'figure')}, "
                f"{counted(total('tables'), 'table')}, {counted(total('quotes'), 'block quotation')}, "
                f"{counted(sum(len(w.languages) for w in self.files), 'language run')}, "
                f"{counted(sum(len(w.comments) for w in self.files), 'comment')}")  # fmt: skip


def import_docx(sources: list[Path], out: Path, options: Options, progress: Progress = silent) -> Report:
    """The Word files `sources`, in order, written as one book to the new folder `out`."""
    report = Report([s.name for s in sources], changes=options.changes)
    scratch = Path(tempfile.mkdtemp(prefix="presswork-docx-"))
    try:
        documents = []
        for index, source in enumerate(sources):
            progress(f"Reading {source.name}", (index + 1, len(sources)))
            marked = scratch / f"{index}.docx"
            facts = mark_languages(source, marked)
            report.facts[source.name] = facts
            if (facts.insertions or facts.deletions) and not options.changes:
                raise PressworkError(f"{counted(facts.insertions, 'tracked insertion')} and {counted(facts.deletions, 'tracked deletion')} "
                                     "not yet accepted or rejected", Location(source),
                                     "accept or reject them in Word, or give --accept-changes or --reject-changes")  # fmt: skip
            documents.append((source, facts, pandoc.read_docx(marked, scratch / f"media-{index}")))
        write_book_folder(out, lambda work: _write(work, documents, options, report))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # our own mkdtemp folder
    return report


def _write(root: Path, documents: list[tuple[Path, Facts, dict]], options: Options, report: Report) -> None:
    manuscript = root / "manuscript"
    for sub in ("front", "chapters", "back"):
        (manuscript / sub).mkdir(parents=True)
    (root / "images").mkdir()
    (root / "styles").mkdir()
    (root / "styles" / "word.css").write_text(CSS, encoding="utf-8")
    sections = [s for source, _, ast in documents for s in _sections(ast, source, options, report)]
    meta = _metadata(documents)
    contents: dict[str, list] = {"front": [], "body": [], "back": []}
    taken: set[str] = set()
    figures, chapters, comments = 1, 0, 0
    seen_chapter = any(s.kind == "chapter" for s in sections)
    first_chapter = next((i for i, s in enumerate(sections) if s.kind == "chapter"), len(sections))
    for index, section in enumerate(sections):
        writer = Writer(options.changes or "accept", figures, comments)
        text = writer.document(section.blocks)
        figures, comments = writer.next_figure, comments + len(writer.tally.comments)
        if section.kind == "chapter":
            chapters += 1
            stem, folder = f"chapters/{chapters:02d}-{slugify(section.title, 'chapter')[:40]}", "body"
        else:
            folder = "front" if index < first_chapter or not seen_chapter else "back"
            stem = f"{folder}/{slugify(section.title, 'section')[:40]}"
        name, number = f"{stem}.md", 1
        while name in taken:
            number += 1
            name = f"{stem}-{number}.md"
        taken.add(name)
        front = yaml.safe_dump({"title": section.title, "kind": section.kind}, allow_unicode=True, sort_keys=False, width=1000)
        text = f"---\n{front}---\n\n{text}"
        written = Written(name, section.source, writer.tally)
        text = _find_marks(text, written, writer.tally.comments)
        (manuscript / name).write_text(text, encoding="utf-8")
        report.files.append(written)
        if folder == "body" and section.part:
            if not contents["body"] or not isinstance(contents["body"][-1], dict) or contents["body"][-1]["part"] != section.part:
                contents["body"].append({"part": section.part, "chapters": []})
            contents["body"][-1]["chapters"].append(name)
        else:
            contents[folder].append(name)
        for figure in writer.tally.figures:
            _image(root, documents, figure.source, image_name(figure), figure.caption, report)
    if not contents["body"]:
        raise PressworkError("no chapters found: no Heading 1 in the document", Location(documents[0][0]),
                             "give each chapter's title Word's Heading 1 style, or name the style they have with --chapter-style")  # fmt: skip
    (manuscript / "book.yaml").write_text(book_yaml(meta, contents), encoding="utf-8")


def _sections(ast: dict, source: Path, options: Options, report: Report) -> list[Section]:
    """Top-level blocks cut at each chapter heading; a part heading opens the part its chapters go in."""
    sections: list[Section] = []
    part: str | None = None
    before: list[dict] = []
    for block in ast["blocks"]:
        style = dict(block["c"][0][2]).get("custom-style", "") if block["t"] == "Div" else ""
        if style.casefold() == options.part_style.casefold():
            part = plain_text(block)
            continue
        if (block["t"] == "Header" and block["c"][0] == 1) or (options.chapter_style and style.casefold() == options.chapter_style.casefold()):
            title = plain_text(block)
            sections.append(Section(title, _kind(title, options), part, source.name))
            continue
        (sections[-1].blocks if sections else before).append(block)
    if any(b["t"] != "Header" for b in before):
        title = "Opening"
        sections.insert(0, Section(title, "preface", None, source.name, before))
        report.notes.append(f"{source.name}: the text before the first chapter heading is kept as front matter titled {title!r}")
    return sections


def _kind(title: str, options: Options) -> str:
    folded = title.casefold().strip()
    for start, kind in {**{k.casefold(): v for k, v in options.matter.items()}, **MATTER}.items():
        if folded.startswith(start):
            return kind
    return "chapter"


def plain_text(block: dict) -> str:
    """A heading's plain text (Pandoc's own stringify, kept small)."""
    parts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Str":
                parts.append(node["c"])
            elif node.get("t") in ("Space", "SoftBreak", "LineBreak"):
                parts.append(" ")
            elif node.get("t") == "Note":
                return
            elif node.get("t") == "Span" and {"deletion", "comment-start"} & set(node["c"][0][1]):
                return
            else:
                walk(node.get("c"))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(block["c"][2] if block["t"] == "Header" else block["c"][1])
    return re.sub(r"\ue000[a-z]{2,3}\ue001|\ue005\d+\ue006|[\ue000-\ue006]", "", " ".join("".join(parts).split()))


def _metadata(documents: list[tuple[Path, Facts, dict]]) -> FoundMetadata:
    """The book's metadata from the first file's document properties (Pandoc reads them into its meta)."""
    source, facts, ast = documents[0]
    meta = {k: _meta_text(v) for k, v in ast.get("meta", {}).items()}  # Word's Title, Subtitle, Author paragraphs
    props = facts.properties
    meta.update({k: v for k, v in {"title": props.get("title"), "author": props.get("creator"), "description": props.get("description"),
                                  "keywords": props.get("keywords") or props.get("subject"), "subtitle": props.get("subtitle"),
                                  "translator": props.get("translator"), "publisher": props.get("publisher"),
                                  "rights": props.get("rights")}.items() if v})  # fmt: skip
    found = FoundMetadata(title=str(meta.get("title") or source.stem), language=facts.language or "en")
    found.subtitle = meta.get("subtitle") or None
    found.authors = _names(meta.get("author"))
    found.translators = _names(meta.get("translator") or meta.get("translators"))
    found.description = meta.get("description") or meta.get("abstract") or None
    found.publisher = meta.get("publisher") or None
    found.rights = meta.get("rights") or None
    keywords = meta.get("keywords") or meta.get("subject")
    found.subjects = [k.strip() for k in re.split(r"[;,]", keywords if isinstance(keywords, str) else "; ".join(keywords or [])) if k.strip()]
    return found


def _names(value: object) -> list[str]:
    if not value:
        return []
    items = value if isinstance(value, list) else re.split(r";| and ", value)  # type: ignore[arg-type]
    return [str(n).strip() for n in items if str(n).strip()]


def _meta_text(value: dict) -> object:
    kind, c = value["t"], value.get("c")
    if kind == "MetaList":
        return [_meta_text(v) for v in c]
    if kind in ("MetaInlines", "MetaBlocks"):
        return plain_text({"t": "Div", "c": [None, c]}).strip()
    if kind == "MetaString":
        return c
    return ""


def _find_marks(text: str, written: Written, comments: list[Comment]) -> str:
    """Record the line of each comment, language run, figure and mixed-script word; take the
    comment markers out."""
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        for m in re.finditer(f"{COMMENT}(\\d+){COMMENT_END}", line):
            written.comments.append((number, comments[len(written.comments)]))
        lines[number - 1] = line = re.sub(f"{COMMENT}\\d+{COMMENT_END}", "", line)
        written.languages += [(number, m.group(1)) for m in re.finditer(r"\{lang=([a-z]+)\}", line)]
        written.figures += [(number, m.group(1)) for m in re.finditer(r"\]\((images/figure-\d+\.\w+)", line)]
        written.mixed += [(number, w) for w in _WORD.findall(line) if mixed_scripts(w)]
    return "\n".join(lines)


def _image(root: Path, documents: list, source: str, name: str, caption: str, report: Report) -> None:
    """Pandoc's extracted image copied into images/; TIFF and BMP as PNG, a plate for a format
    (EMF, WMF) no product can show."""
    found = Path(source)
    target = root / name
    if not found.is_file():
        report.notes.append(f"{name}: the image {found.name} was not found in the document; a placeholder stands in")
        placeholder(target, int(re.findall(r"\d+", target.stem)[0]), caption)
    elif found.suffix.lower() in IMAGE_TYPES:
        shutil.copyfile(found, target)
    else:
        try:
            with Image.open(found) as image:
                image.convert("RGB").save(target, "PNG")
        except (OSError, ValueError):
            report.notes.append(f"{name}: {found.suffix} images cannot go into an e-book; a placeholder stands in for {found.name}")
            placeholder(target, int(re.findall(r"\d+", target.stem)[0]), caption)


def write_report(out: Path, report: Report) -> None:
    """import-report.md: everything an editor should look at, each at file:line."""
    lines = [f"# Import report: {', '.join(report.sources)}", "", report.summary() + ".", ""]
    for name, facts in report.facts.items():
        changes = facts.insertions + facts.deletions
        how = {None: "none", "accept": "accepted", "reject": "rejected"}[report.changes] if changes else "none"
        lines.append(f"- {name}: language {facts.language or 'not set (en assumed)'}; "
                     f"{counted(facts.insertions, 'tracked insertion')}, {counted(facts.deletions, 'tracked deletion')} ({how}); "
                     f"runs in other languages: {', '.join(f'{k} {v}' for k, v in sorted(facts.languages.items())) or 'none'}")  # fmt: skip
    lines.append("")

    def listing(title: str, rows: list[str]) -> None:
        lines.extend([f"## {title} ({len(rows)})", ""])
        lines.extend(f"- {r}" for r in rows) if rows else lines.append("None.")
        lines.append("")

    at = lambda w, line: f"manuscript/{w.path}:{line}"  # noqa: E731
    listing("Files written", [f"manuscript/{w.path} (from {w.source}): {counted(w.tally.notes, 'note')}, "
                              f"{counted(len(w.figures), 'figure')}, {counted(w.tally.tables, 'table')}, "
                              f"{counted(w.tally.quotes, 'block quotation')}, {counted(w.tally.epigraphs, 'epigraph')}, "
                              f"{counted(w.tally.poems, 'poem')}, {counted(w.tally.scene_breaks, 'scene break')}" for w in report.files])  # fmt: skip
    listing("Comments (removed from the text: deal with each)",
            [f"{at(w, line)}: {c.author}: {c.text}" for w in report.files for line, c in w.comments])
    listing("Language runs (from Word's w:lang)", [f"{at(w, line)}: {lang}" for w in report.files for line, lang in w.languages])
    listing("Figures (check the alt text and caption)", [f"{at(w, line)}: {image}" for w in report.files for line, image in w.figures])
    listing("Words mixing scripts (presswork check: S001)", [f"{at(w, line)}: {word}" for w in report.files for line, word in w.mixed])
    styles = Counter[str]()
    for w in report.files:
        styles.update(w.tally.styles)
    listing("Word paragraph styles met", [f"{s} ({n})" for s, n in sorted(styles.items())])
    listing("Left out (no place for it in Markdown)", [f"manuscript/{w.path}: {d}" for w in report.files for d in w.tally.dropped])
    listing("Decisions", report.notes)
    (out / "import-report.md").write_text("\n".join(lines), encoding="utf-8")
