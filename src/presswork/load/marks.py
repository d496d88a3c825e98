"""Term, person and index marks: resolved against the glossary and biographies, turned into
links and index locators; plus automatic index entries for names and terms found in the text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

from ..errors import Diagnostics, Location, PressworkError
from ..model import (
    Biographies,
    Book,
    Chapter,
    Glossary,
    IndexEntry,
    IndexPlace,
    Locator,
    Person,
    Term,
)
from ..text.nearmiss import did_you_mean
from ..text.typography import smarten_string
from .chapters import Anchors

AUTO_KINDS = ("persons", "terms")


@dataclass
class IndexConfig:
    auto: tuple[str, ...] = AUTO_KINDS
    see: dict[str, list[str]] = field(default_factory=dict)
    see_also: dict[str, list[str]] = field(default_factory=dict)


def resolve_marks(book: Book, config: Any, where: Location, anchors: Anchors, diagnostics: Diagnostics,
                  broken: set[str] | frozenset[str] = frozenset()) -> None:
    """Resolve every mark of the book's chapters. A term or person no entry names is recorded in
    `diagnostics` and left unlinked, unless its file (`broken`: glossary, biographies) could not be read."""
    resolver = _Resolver(book, _config(config, where), anchors, diagnostics, broken)
    for chapter in book.chapters():
        resolver.chapter(chapter)
    if book.back_item(IndexPlace):
        resolver.cross_references(where)
        book.index = resolver.entries


def _config(data: Any, where: Location) -> IndexConfig:
    if data is None:
        return IndexConfig()
    if not isinstance(data, dict):
        raise PressworkError("'index' must be a block with auto, see and see_also", where)
    auto = data.get("auto", list(AUTO_KINDS)) or []
    if not isinstance(auto, list) or any(a not in AUTO_KINDS for a in auto):
        raise PressworkError("index auto must be a list of persons and terms", where, "write `auto: [persons, terms]` or `auto: []`")

    def mapping(key: str) -> dict[str, list[str]]:
        value = data.get(key) or {}
        if not isinstance(value, dict):
            raise PressworkError(f"index {key} must map entries to other entries", where)
        return {str(k): [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in value.items()}

    return IndexConfig(tuple(auto), mapping("see"), mapping("see_also"))


class _Resolver:
    def __init__(self, book: Book, config: IndexConfig, anchors: Anchors, diagnostics: Diagnostics, broken: set[str] | frozenset[str]):
        self.book, self.config, self.anchors, self.diagnostics, self.broken = book, config, anchors, diagnostics, broken
        glossary: Glossary | None = book.back_item(Glossary)
        biographies: Biographies | None = book.back_item(Biographies)
        self.terms: dict[str, Term] = {}
        lang = book.metadata.language
        for term in glossary.terms if glossary else []:  # as written, and as typography turns it in the text
            self.terms.update({f: term for form in [term.term, *term.forms] for f in (form, smarten_string(form, lang))})
        self.people: dict[str, Person] = {}
        for person in biographies.people if biographies else []:
            names = [person.surname, person.id, *person.forms, *person.aliases]
            if person.given:
                names.append(f"{person.given} {person.surname}")
            self.people.update({n: person for name in names for n in (name, smarten_string(name, lang))})
        self.first_use = bool(glossary and glossary.first_use)
        self.entries: dict[str, IndexEntry] = {}
        self.counter = 0
        self.has_index = book.back_item(IndexPlace) is not None
        self.chapter_id = ""  # the chapter being walked
        self.linked_terms: set[str] = set()  # terms linked to the glossary in the current chapter
        self.seen_in_block: set[str] = set()  # automatic marks: one per name per paragraph
        forms = [f for f in self.terms if "terms" in config.auto or self.first_use]
        forms += [f for f, p in self.people.items() if "persons" in config.auto and f != p.id]
        # whole words, also for a form ending in a full stop ("D. of A."), where \b would need a letter after it
        self.auto = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) + r")(?!\w)") if forms else None

    # -- walking a chapter ------------------------------------------------------------------
    def chapter(self, chapter: Chapter) -> None:
        self.chapter_id = chapter.id
        self.linked_terms = set()
        blocks = [chapter.tokens, *(note.tokens for note in chapter.notes)]
        for tokens in blocks:
            line = None
            for tok in tokens:
                if tok.map:
                    line = tok.map[0] + 1
                if tok.type == "inline" and tok.children:
                    self.seen_in_block = set()
                    tok.children = self.inline(tok.children, Location(chapter.source, line))

    def inline(self, children: list[Token], where: Location) -> list[Token]:
        out: list[Token] = []
        depth = 0  # inside a mark, a link or a span: no automatic marks there
        for index, tok in enumerate(children):
            if tok.type == "span_open" and _classes(tok) & {"term", "person", "ix"}:
                self.mark(tok, children, index, where)
            if tok.nesting == 1:
                depth += 1
            elif tok.nesting == -1:
                depth -= 1
            if tok.type == "text" and depth == 0 and self.auto is not None:
                out += self.auto_marks(tok, where)
            else:
                out.append(tok)
        return out

    def mark(self, tok: Token, children: list[Token], index: int, where: Location) -> None:
        text = _span_text(children, index)
        kinds = _classes(tok)
        key = str(tok.attrGet("ref") or text)
        anchor = self.anchor(tok, where)
        if "term" in kinds:
            term = self.terms.get(key)
            if term is None:
                self.unknown("term", key, "is not in the glossary", self.terms, "add it to back/glossary.yaml or fix the mark", where)
            else:
                tok.meta["link"], tok.meta["kind"] = term.id, "term"
                self.linked_terms.add(term.id)
                if "terms" in self.config.auto:
                    self.locate(term.term, anchor)
        if "person" in kinds:
            person = self.people.get(key)
            if person is None:
                self.unknown("person", key, "is not in the biographies", self.people, "add them to back/biographies.yaml or fix the mark", where)
            else:
                tok.meta["link"], tok.meta["kind"] = person.id, "person"
                if "persons" in self.config.auto:
                    self.locate(person.index_name, anchor)
        if "ix" in kinds:
            entry = str(tok.attrGet("entry") or text).strip()
            if not entry:
                raise PressworkError("an index mark with no text needs entry=\"…\"", where, 'write []{.ix entry="Heading"}')
            heading, _, sub = (part.strip() for part in entry.partition("!"))
            self.locate(heading, anchor, sub=sub or None)
            for attr, table in (("see", self.config.see), ("see_also", self.config.see_also)):
                if tok.attrGet(attr):
                    table.setdefault(heading, []).append(str(tok.attrGet(attr)))

    def unknown(self, kind: str, key: str, problem: str, known: dict[str, Any], otherwise: str, where: Location) -> None:
        """A mark naming no entry, recorded with the names it is near; none when its file could not be read."""
        if {"term": "glossary", "person": "biographies"}[kind] not in self.broken:
            self.diagnostics.error(PressworkError(f"{kind} {key!r} {problem}", where, did_you_mean(key, list(known), otherwise),
                                                  {"term": "K005", "person": "K006"}[kind]))  # fmt: skip

    def anchor(self, tok: Token | None, where: Location) -> str:
        ident = str(tok.attrGet("id")) if tok is not None and tok.attrGet("id") else None
        if ident is None:
            self.counter += 1
            ident = f"ix-{self.counter}"
            self.anchors.define(ident, where)
            if tok is not None:
                tok.attrSet("id", ident)
        self.book.targets[ident] = self.chapter_id
        return ident

    def locate(self, heading: str, anchor: str, sub: str | None = None) -> None:
        if not self.has_index:
            return
        entry = self.entries.setdefault(heading, IndexEntry(heading))
        if sub:
            entry = entry.subentries.setdefault(sub, IndexEntry(sub))
        entry.locators.append(Locator(anchor, self.chapter_id))

    def auto_marks(self, tok: Token, where: Location) -> list[Token]:
        """Split a text token around the names and terms it mentions, adding anchors (and a
        glossary link at a term's first use in the chapter, when the glossary asks for it)."""
        out: list[Token] = []
        pos = 0
        for match in self.auto.finditer(tok.content):
            form = match.group()
            term, person = self.terms.get(form), self.people.get(form)
            link_term = term is not None and self.first_use and term.id not in self.linked_terms
            indexed = (term is not None and "terms" in self.config.auto) or (person is not None and "persons" in self.config.auto)
            if not (link_term or (indexed and self.has_index and form not in self.seen_in_block)):
                continue
            self.seen_in_block.add(form)
            out.append(_text(tok.content[pos : match.start()]))
            anchor = self.anchor(None, where)
            opener = Token("span_open", "span", 1)
            opener.attrSet("id", anchor)
            opener.attrSet("class", "ix-auto")
            if link_term:
                opener.meta["link"], opener.meta["kind"] = term.id, "term"
                self.linked_terms.add(term.id)
                out += [opener, _text(form), Token("span_close", "span", -1)]
            else:
                out += [opener, Token("span_close", "span", -1), _text(form)]
            if term is not None and "terms" in self.config.auto:
                self.locate(term.term, anchor)
            if person is not None and "persons" in self.config.auto:
                self.locate(person.index_name, anchor)
            pos = match.end()
        if not out:
            return [tok]
        out.append(_text(tok.content[pos:]))
        return [t for t in out if t.type != "text" or t.content]

    def cross_references(self, where: Location) -> None:
        for table, attr in ((self.config.see, "see"), (self.config.see_also, "see_also")):
            for heading, targets in table.items():
                for target in targets:
                    if target not in self.entries:
                        raise PressworkError(f"index {attr} target {target!r} (from {heading!r}) is not an index entry", where,
                                             "mark the target in the text, or correct the name")  # fmt: skip
                    entry = self.entries.setdefault(heading, IndexEntry(heading))
                    getattr(entry, attr).append(target)


def _classes(tok: Token) -> set[str]:
    return set(str(tok.attrGet("class") or "").split())


def _span_text(children: list[Token], index: int) -> str:
    depth, parts = 0, []
    for tok in children[index:]:
        depth += tok.nesting
        if tok.type == "text":
            parts.append(tok.content)
        if depth == 0:
            break
    return " ".join("".join(parts).split())


def _text(content: str) -> Token:
    tok = Token("text", "", 0)
    tok.content = content
    return tok
