"""What the digital edition's structure elements say beyond WeasyPrint's own tagging (PDF/UA-1):
the language of every foreign passage, header cells' scope, notes as /Note with their ids, and
links described in words. Decided here from the rendered HTML and the book; carried into the PDF
by the WeasyPrint boundary (weasy/tagging.py)."""

from __future__ import annotations

from collections.abc import Mapping

from ..model import Biographies, Book, Glossary
from ..render.book import RenderedBook
from ..text.labels import word

NOTE_TYPES = {"footnote", "endnote", "rearnote"}
NOTE_ROLES = {"doc-footnote", "doc-endnote"}
EPUB_TYPE = ("epub:type", "{http://www.idpf.org/2007/ops}type")  # as html5lib and an XML parser name it
# HTML `scope` -> PDF /Scope; a header cell without one heads its column in thead, its row elsewhere
SCOPES = {"col": "Column", "colgroup": "Column", "row": "Row", "rowgroup": "Row"}


class ScreenTagger:
    """The digital edition's tagging decisions: `entries` for an element, `link_contents` for a link."""

    def __init__(self, book: Book, rendered: RenderedBook, pages: Mapping[str, int]):
        self.language = book.metadata.language
        self.pages = pages
        self.targets = link_targets(book, rendered)

    def entries(self, tag: str, attrib: Mapping[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        lang = attrib.get("lang") or attrib.get("{http://www.w3.org/XML/1998/namespace}lang")
        if lang:
            out["Lang"] = lang
        if tag == "th":
            out["Scope"] = SCOPES.get(attrib.get("scope", ""), "Row")
        kinds = {t for key in EPUB_TYPE for t in attrib.get(key, "").split()}
        if kinds & NOTE_TYPES or attrib.get("role") in NOTE_ROLES or "footnote" in attrib.get("class", "").split():
            out["S"] = "/Note"
            out["ID"] = attrib.get("id") or "note"
        return out

    def link_contents(self, target: str) -> str:
        """"Note 12", "Glossary: frisket", "Chapter 7: The Testament", else the page it leads to."""
        if target in self.targets:
            return self.targets[target]
        if target in self.pages:
            return f"{word(self.language, 'page')} {self.pages[target]}"
        return target  # a web address says where it leads


def link_targets(book: Book, rendered: RenderedBook) -> dict[str, str]:
    """Every named target a reader could be sent to, in words: contents entries, notes and their
    calls, glossary terms and biographies."""
    out = {e.doc: e.title for e in rendered.toc_entries()}
    lang = book.metadata.language
    note, back = word(lang, "note"), word(lang, "backlink")
    for chapter in book.chapters():
        for n in chapter.notes:
            out[f"{chapter.id}-n{n.number}"] = f"{note} {n.number}"
            out[f"{chapter.id}-nref{n.number}"] = f"{note} {n.number}: {back.lower()}"
    for matter in book.back:
        if isinstance(matter, Glossary):
            out.update((t.id, f"{matter.title}: {t.term}") for t in matter.terms)
        elif isinstance(matter, Biographies):
            out.update((p.id, f"{matter.title}: {' '.join(x for x in (p.given, p.surname) if x)}") for p in matter.people)
    return out
