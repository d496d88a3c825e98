"""Back matter kept as data: glossary.yaml, chronology.yaml and biographies.yaml → model."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from ..errors import Diagnostics, Location, PressworkError
from ..model import (
    Biographies,
    Chronology,
    ChronologyGroup,
    Glossary,
    LifeEvent,
    Person,
    Term,
)
from ..text.collation import sort_key
from ..text.dates import DateError, parse_life_date
from ..text.markdown import parse, parse_inline
from .chapters import PERSON_FORMS, TERM_FORMS, Anchors, check_fragment
from .metadata import LANGUAGE_TAG
from .sources import slugify
from .yamlfile import LineDict, line_of, parse_yaml, text, texts

DATA_FILES = ("glossary", "chronology", "biographies")
_EMPHASIS = re.compile(r"(\*{1,3})(?=\S)(.+?)(?<=\S)\1|(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)\3(?!\w)")


def plain(text: str) -> str:
    """A name field (term, original, names) is text, not Markdown: emphasis marks around its words are
    removed, never printed."""
    return _EMPHASIS.sub(lambda m: m.group(2) if m.group(1) else m.group(4), text)


def load_back_data(root: Path, source: Path, text: str, lang: str, anchors: Anchors, diagnostics: Diagnostics):
    """The file's `text` as a Glossary, Chronology or Biographies; None when it cannot be read as YAML (the
    error recorded in `diagnostics`, so that the book's other errors are found in the same run)."""
    kind = source.stem
    if kind not in DATA_FILES:
        raise PressworkError(f"{source.name} is not a back matter data file", Location(source),
                             "name it glossary.yaml, chronology.yaml or biographies.yaml")  # fmt: skip
    try:
        data = parse_yaml(text, source)
    except PressworkError as exc:
        diagnostics.error(exc)
        return None
    if not isinstance(data, LineDict):
        raise PressworkError(f"{source.name} must be a block of `key: value` lines", Location(source, 1),
                             "see the README for its format")  # fmt: skip
    reader = _Reader(root, source, lang, anchors, diagnostics)
    return {"glossary": reader.glossary, "chronology": reader.chronology, "biographies": reader.biographies}[kind](data)


class _Reader:
    def __init__(self, root: Path, source: Path, lang: str, anchors: Anchors, diagnostics: Diagnostics):
        self.root, self.source, self.lang, self.anchors, self.diagnostics = root, source, lang, anchors, diagnostics

    def at(self, node: Any, key: str | None = None) -> Location:
        line = node.line_of(key) if key and isinstance(node, LineDict) else line_of(node)
        return Location(self.source, line)

    def items(self, data: LineDict, key: str) -> list[LineDict]:
        items = data.get(key)
        if not isinstance(items, list) or not items:
            raise PressworkError(f"{self.source.name} needs a `{key}:` list", self.at(data, key), "see the README for its format")
        for item in items:
            if not isinstance(item, LineDict):
                raise PressworkError(f"each of the {key} must be a block of `key: value` lines", self.at(item))
        return items

    def text(self, item: LineDict, key: str, required: bool = True) -> str | None:
        value = text(item.get(key), key, self.at(item, key))
        if value is None or value.isspace():
            if required:
                raise PressworkError(f"the entry lacks its {key!r}", self.at(item), f"add `{key}: …` to it")
            return None
        return " ".join(value.split())

    def name(self, item: LineDict, key: str, required: bool = True) -> str | None:
        value = self.text(item, key, required)
        return plain(value) if value else value

    def strings(self, item: LineDict, key: str) -> list[str]:
        return texts(item.get(key), key, self.at(item, key), f"write `{key}: [A, B]`")

    def markdown(self, text: str, where: Location) -> list[Token]:
        tokens, env = parse(text, self.lang, where)
        notes = env.get("footnotes") or {}
        if notes.get("refs") or notes.get("list"):
            raise PressworkError("notes are not allowed in back matter entries", where)
        check_fragment(self.root, tokens, self.anchors, where, self.diagnostics)
        return tokens

    def inline(self, text: str, where: Location) -> Token:
        token = parse_inline(text, self.lang, where)
        check_fragment(self.root, [token], self.anchors, where, self.diagnostics)
        return token

    def define(self, ident: str, where: Location, forms: re.Pattern[str]) -> str:
        """Take a term's or person's id, and the ids made from it (`forms`: its definition, its text)."""
        self.anchors.define(ident, where)
        self.anchors.reserve(ident, forms, where)
        return ident

    # -- the three files --------------------------------------------------------------
    def glossary(self, data: LineDict) -> Glossary:
        order = self.text(data, "order", required=False) or "alphabetical"
        link = self.text(data, "link", required=False) or "marked"
        if order not in ("alphabetical", "manuscript"):
            raise PressworkError(f"order {order!r} is neither alphabetical nor manuscript", self.at(data, "order"))
        if link not in ("marked", "first-use"):
            raise PressworkError(f"link {link!r} is neither marked nor first-use", self.at(data, "link"))
        terms, seen = [], {}
        for item in self.items(data, "terms"):
            where = self.at(item)
            term = self.name(item, "term") or ""
            if term in seen:
                raise PressworkError(f"term {term!r} is defined twice (first at line {seen[term]})", where, "merge the entries")
            seen[term] = where.line
            original = self.name(item, "original", required=False)
            original_lang = self.text(item, "original_lang", required=False)
            if original and not original_lang:
                raise PressworkError(f"the original of {term!r} has no language", where, "add `original_lang: ru` (or its code)")
            if original_lang and not LANGUAGE_TAG.match(original_lang):
                raise PressworkError(f"original_lang {original_lang!r} is not a language tag", self.at(item, "original_lang"), "write e.g. ru or uk")
            ident = self.define(self.text(item, "id", required=False) or f"term-{slugify(term, 'x')}", where, TERM_FORMS)
            definition = self.markdown(self.text(item, "definition") or "", where)
            terms.append(Term(ident, term, definition, original, original_lang, self.strings(item, "forms") or [term], where))
        if order == "alphabetical":
            terms.sort(key=lambda t: sort_key(t.term))
        title = self.text(data, "title", required=False) or "Glossary"
        return Glossary(self.source, title, terms, first_use=link == "first-use")

    def chronology(self, data: LineDict) -> Chronology:
        hint = "write `columns: [Date, Event]`"
        columns = texts(data.get("columns"), "columns", self.at(data, "columns"), hint)
        if not columns:
            raise PressworkError("the chronology needs its `columns:` headings", self.at(data, "columns"), hint)
        groups = [(g, self.text(g, "title", required=False)) for g in self.items(data, "groups")] if "groups" in data else [(data, None)]
        result = []
        for node, title in groups:
            rows = node.get("rows")
            if not isinstance(rows, list) or not rows:
                raise PressworkError("a chronology group needs its `rows:`", self.at(node), "list rows as `- [date, event]`")
            cells = []
            for row in rows:
                if not isinstance(row, list) or len(row) != len(columns):
                    raise PressworkError(f"a row must have {len(columns)} cells, one per column", self.at(row) if isinstance(row, list) else self.at(node, "rows"),
                                         "write `- [date, event]`")  # fmt: skip
                cells.append([self.inline(text(cell, "a cell", self.at(row), "write `- [date, event]`") or "", self.at(row)) for cell in row])
            result.append(ChronologyGroup(title, cells, line_of(node), [line_of(row) for row in rows]))
        title = self.text(data, "title", required=False) or "Chronology"
        return Chronology(self.source, title, columns, result)

    def biographies(self, data: LineDict) -> Biographies:
        people = []
        for item in self.items(data, "people"):
            where = self.at(item)
            surname = self.name(item, "surname") or ""
            given = self.name(item, "given", required=False)
            ident = self.define(self.text(item, "id", required=False) or "person-" + slugify(f"{surname} {given or ''}", "x"), where, PERSON_FORMS)
            people.append(Person(
                id=ident, surname=surname, given=given, patronymic=self.name(item, "patronymic", required=False),
                aliases=[plain(a) for a in self.strings(item, "aliases")], born=self.event(item, "born"), died=self.event(item, "died"),
                text=self.markdown(self.text(item, "text") or "", where), forms=self.strings(item, "forms") or [surname],
                where=where,
            ))  # fmt: skip
        people.sort(key=lambda p: sort_key(p.index_name))
        title = self.text(data, "title", required=False) or "Biographical Notes"
        note_text = text(data.get("note"), "note", self.at(data, "note"))
        note = self.markdown(note_text, self.at(data, "note")) if note_text else []
        return Biographies(self.source, title, people, note, data.line_of("note") if note_text else None)

    def event(self, item: LineDict, key: str) -> LifeEvent:
        place = self.text(item, f"{key}_place", required=False)
        raw = text(item.get(key), key, self.at(item, key))
        if raw is None:
            return LifeEvent(None, place)
        try:
            return LifeEvent(parse_life_date(raw).text, place)
        except DateError as exc:
            raise PressworkError(f"{key}: {exc}", self.at(item, key),
                                 'write "1879", "c. 1510", "1400/1406", "1879-10-26" or "1879-10-26 [1879-11-07]"') from None  # fmt: skip
