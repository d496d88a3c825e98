"""What Pandoc's docx reader drops and presswork needs: the language of runs (`w:lang`) and the
document's default language, read from the WordprocessingML itself. Runs in another language are
wrapped in private-use markers that survive Pandoc as text and become `[…]{lang=xx}` afterwards."""

from __future__ import annotations

import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import Location, PressworkError
from ..files.archives import BoundedZip

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OPEN, MID, CLOSE = "\ue000", "\ue001", "\ue002"  # OPEN lang MID … CLOSE
FILE, FILE_END = "\ue005", "\ue006"  # FILE N FILE_END: the bookmark `export docx` put on a manuscript file's heading
PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
_PASS_OVER = {f"{W}bookmarkStart", f"{W}bookmarkEnd", f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}proofErr"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass
class Facts:
    """What the Word file holds beside its text."""

    language: str | None = None  # the document's default language, primary subtag
    languages: Counter[str] = field(default_factory=Counter)  # runs marked, by language
    insertions: int = 0
    deletions: int = 0
    properties: dict[str, str] = field(default_factory=dict)  # core and custom document properties, by lower-case name


def primary(tag: str | None) -> str | None:
    """`ru-RU` → `ru`: presswork marks languages, not regions."""
    return tag.split("-")[0].lower() if tag else None


def mark_languages(source: Path, target: Path) -> Facts:
    """Copy `source` to `target` with language markers around runs whose language is not the
    document's; count tracked changes on the way."""
    facts = Facts()
    with BoundedZip(source) as archive, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        names = archive.names()
        if "word/document.xml" not in names:
            raise PressworkError("not a Word document (no word/document.xml inside)", Location(source), "save it as .docx")
        styles = _style_languages(_xml(archive, "word/styles.xml", source)) if "word/styles.xml" in names else ({}, None)
        facts.language = styles[1]
        for part in ("docProps/core.xml", "docProps/custom.xml"):
            if part in names:
                facts.properties.update(_properties(_xml(archive, part, source)))
        for name in names:
            data = archive.read(name)
            if name in PARTS:
                root = _xml(archive, name, source, data)
                facts.insertions += len(root.findall(f".//{W}ins"))
                facts.deletions += len(root.findall(f".//{W}del"))
                _mark(root, styles[0], facts)
                _ranged_comments(root)
                _file_bookmarks(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            out.writestr(name, data)
    return facts


def _xml(archive: BoundedZip, name: str, source: Path, data: bytes | None = None) -> etree._Element:
    try:
        return etree.fromstring(data if data is not None else archive.read(name), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise PressworkError(f"{name} inside is not well-formed XML ({exc})", Location(source), "save it again as .docx") from None


def _properties(root: etree._Element) -> dict[str, str]:
    """Core properties (`dc:title`, `dc:creator` …) by local name; custom ones by their `name`."""
    found: dict[str, str] = {}
    for element in root:
        name = element.get("name") or etree.QName(element).localname
        text = "".join(element.itertext()).strip()
        if text:
            found[name.lower()] = text
    return found


def _file_bookmarks(root: etree._Element) -> None:
    """Pandoc's reader drops bookmark names on headings: each of `export docx`'s becomes a marker in
    its heading's text."""
    for mark in list(root.iter(f"{W}bookmarkStart")):
        name = mark.get(f"{W}name", "")
        if not (name.startswith("presswork_") and name[10:].isdigit()):
            continue
        run = _marker(f"{FILE}{name[10:]}{FILE_END}", "t")
        if mark.getparent() is not None and mark.getparent().tag == f"{W}p":
            mark.addnext(run)
        elif (paragraph := mark.getnext()) is not None and paragraph.tag == f"{W}p":  # Pandoc puts it between paragraphs
            properties = paragraph.find(f"{W}pPr")
            paragraph.insert(0 if properties is None else 1, run)


def _ranged_comments(root: etree._Element) -> None:
    """A comment on a point (LibreOffice writes them) has a reference but no range, and Pandoc reads
    only ranged ones: give it an empty range at its reference."""
    ranged = {e.get(f"{W}id") for e in root.iter(f"{W}commentRangeStart")}
    for reference in list(root.iter(f"{W}commentReference")):
        ident, run = reference.get(f"{W}id"), reference.getparent()
        if ident not in ranged and run is not None and run.tag == f"{W}r":
            start, end = etree.Element(f"{W}commentRangeStart"), etree.Element(f"{W}commentRangeEnd")
            start.set(f"{W}id", ident or "")
            end.set(f"{W}id", ident or "")
            run.addprevious(start)
            run.addprevious(end)


def _style_languages(styles: etree._Element) -> tuple[dict[str, str | None], str | None]:
    """Each style's language (following `basedOn`), and the document default's."""
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    own: dict[str, str | None] = {}
    based: dict[str, str] = {}
    for style in styles.iter(f"{W}style"):
        ident = style.get(f"{W}styleId", "")
        lang = style.find(f"{W}rPr/{W}lang")
        own[ident] = primary(lang.get(f"{W}val")) if lang is not None else None
        if (parent := style.find(f"{W}basedOn")) is not None:
            based[ident] = parent.get(f"{W}val", "")
    resolved: dict[str, str | None] = {}
    for ident in own:
        seen, current = set(), ident
        while current and own.get(current) is None and current in based and current not in seen:
            seen.add(current)
            current = based[current]
        resolved[ident] = own.get(current)
    fallback = primary(default.get(f"{W}val")) if default is not None else None
    return resolved, fallback or resolved.get("Normal")


def _mark(root: etree._Element, styles: dict[str, str | None], facts: Facts) -> None:
    for paragraph in root.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        base = styles.get(style.get(f"{W}val", "")) if style is not None else None
        for parent in [paragraph, *paragraph.iter(f"{W}hyperlink", f"{W}ins", f"{W}del", f"{W}smartTag")]:
            _mark_runs(parent, base or facts.language, styles, facts)


def _mark_runs(parent: etree._Element, base: str | None, styles: dict[str, str | None], facts: Facts) -> None:
    """Wrap each stretch of sibling runs in one language other than the document's in markers."""
    group: list[etree._Element] = []
    group_lang: str | None = None

    def close() -> None:
        if group and group_lang and group_lang != facts.language and any(t.text for r in group for t in r.iter(f"{W}t", f"{W}delText")):
            text = "delText" if parent.tag == f"{W}del" else "t"
            group[0].addprevious(_marker(f"{OPEN}{group_lang}{MID}", text))
            group[-1].addnext(_marker(CLOSE, text))
            facts.languages[group_lang] += 1
        group.clear()

    for child in list(parent):
        if child.tag in _PASS_OVER:
            continue
        if child.tag != f"{W}r":
            close()
            group_lang = None
            continue
        lang = _run_language(child, styles) or base
        if lang != group_lang:
            close()
            group_lang = lang
        group.append(child)
    close()


def _run_language(run: etree._Element, styles: dict[str, str | None]) -> str | None:
    lang = run.find(f"{W}rPr/{W}lang")
    if lang is not None and lang.get(f"{W}val"):
        return primary(lang.get(f"{W}val"))
    style = run.find(f"{W}rPr/{W}rStyle")
    return styles.get(style.get(f"{W}val", "")) if style is not None else None


def _marker(text: str, tag: str) -> etree._Element:
    run = etree.Element(f"{W}r")
    t = etree.SubElement(run, f"{W}{tag}")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    return run
