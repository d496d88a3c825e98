"""Hooks into WeasyPrint's PDF tagging (`weasyprint.pdf.tags`, `weasyprint.pdf.stream.Stream`), for
what its PDF/UA-1 tagging leaves out: page furniture as pagination artifacts (WeasyPrint tags a
margin box's text as content that no structure element reaches), `/Lang` from the HTML's `lang`,
`/Scope` on header cells, notes as `/Note` with an `/ID` (an endnote, a list item, as the `/Note`
inside its item's `/LBody`), a `/Link` around every link annotation
and words in its `/Contents`. What each element gets is presswork's decision (`Tagger`); this
module only carries it into WeasyPrint's structure tree. Checked with WeasyPrint 70.0 (pydyf 0.13).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import stream as pdf_stream
from weasyprint.pdf import tags as pdf_tags

# `_build_box_tree`'s parameters as the wrapper passes them on
BUILD_PARAMETERS = ["box", "parent", "pdf", "page_number", "nums", "annotations", "tags"]
SKIPPED = ("html", "body")  # WeasyPrint makes no element of these; their children stand for them
LIST_PARTS = ("/LI", "/LBody")  # a list keeps its items: what they are goes on an element inside the body


class Tagger(Protocol):
    """presswork's side: what a structure element gets, from its HTML element's tag and attributes."""

    def entries(self, tag: str, attrib: Mapping[str, str]) -> dict[str, str]:
        """Entries to set on the element (`S`, `Lang`, `ID`, `Scope`); a value starting with / is a name."""
        ...

    def link_contents(self, target: str) -> str:
        """The words for a link annotation's /Contents, from its target (an anchor or a URL)."""
        ...


def furniture(page_boxes: list[Any]) -> dict[Any, str]:
    """Hook: the margin boxes of WeasyPrint's laid-out pages (`Page._page_box.children`, a
    `MarginBox`'s `at_keyword`): every box inside one, with the artifact subtype its place gives
    (Header for @top-*, Footer for @bottom-*, '' for the sides)."""
    out: dict[Any, str] = {}
    for page_box in page_boxes:
        for margin in page_box.children:
            if isinstance(margin, boxes.MarginBox):
                keyword = margin.at_keyword
                kind = "Header" if keyword.startswith("@top") else "Footer" if keyword.startswith("@bottom") else ""
                out.update((box, kind) for box in margin.descendants())
    return out


def hookable() -> bool:
    """Whether WeasyPrint's tagging still has the shape the hooks below wrap."""
    build = getattr(pdf_tags, "_build_box_tree", None)
    marked = getattr(pdf_stream.Stream, "marked", None)
    return (build is not None and marked is not None
            and list(inspect.signature(build).parameters) == BUILD_PARAMETERS)  # fmt: skip


@contextmanager
def tagged(page_boxes: list[Any], tagger: Tagger) -> Iterator[bool]:
    """Hook: while WeasyPrint writes a document, wrap `weasyprint.pdf.tags._build_box_tree` (the
    structure element of one box, recursive through the module's name) and
    `weasyprint.pdf.stream.Stream.marked` (a box's marked content and its MCID), undone after.
    Page furniture (`furniture`) is drawn as `/Artifact` with `/Type /Pagination`, and no structure
    element is made for it; every other element gets what `tagger` says. Yields False, changing
    nothing, where WeasyPrint's tagging has another shape."""
    if not hookable():
        yield False
        return
    build, marked = pdf_tags._build_box_tree, pdf_stream.Stream.marked
    artifacts = furniture(page_boxes)
    ids: set[str] = set()
    pdf_tags._build_box_tree = _builder(build, tagger, ids)
    pdf_stream.Stream.marked = _marker(marked, artifacts)
    try:
        yield True
    finally:
        pdf_tags._build_box_tree, pdf_stream.Stream.marked = build, marked


def _marker(marked: Callable, artifacts: dict[Any, str]) -> Callable:
    @contextmanager
    def marker(self: Any, box: Any, tag: str) -> Iterator[None]:
        if self._tags is None or box not in artifacts:
            with marked(self, box, tag):
                yield
            return
        properties = pydyf.Dictionary({"Type": "/Pagination"})
        if artifacts[box]:
            properties["Subtype"] = f"/{artifacts[box]}"
        pydyf.Stream.begin_marked_content(self, "Artifact", properties)
        try:
            yield
        finally:
            pydyf.Stream.end_marked_content(self)

    return marker


def _builder(build: Callable, tagger: Tagger, ids: set[str]) -> Callable:
    # (HTML element, page) -> its outermost structure element so far, that element's own type and
    # the /ID given it: elements are built inside out, and an anonymous box (a line's block inside
    # a note) shares its element's HTML element, so only the outermost keeps the type and the /ID
    outer: dict[tuple[int, int], tuple[Any, str, str | None]] = {}

    def builder(box: Any, parent: Any, pdf: Any, page_number: int, nums: Any, annotations: Any, tags: Any) -> Iterator[Any]:
        if isinstance(box, boxes.MarginBox):
            return  # page furniture: artifacts, no structure
        real = box._box if isinstance(box, AbsolutePlaceholder) else box
        if parent["S"] == "/LI" and real.element_tag == "li" and tagger.entries("li", real.element.attrib).get("S"):
            # the body of a list item that is a note (an endnote): /LBody > /Note, the item's content
            # under the /Note (WeasyPrint makes a child of an /LBody a /NonStruct, which becomes the /Note)
            body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array([]),
                                     "Pg": pdf.page_references[page_number], "P": parent.reference})  # fmt: skip
            pdf.add_object(body)
            body["K"].extend(element.reference for element in builder(box, body, pdf, page_number, nums, annotations, tags))
            yield body
            return
        elements = list(build(box, parent, pdf, page_number, nums, annotations, tags))
        if real.element is None or real.element_tag in SKIPPED or isinstance(real, boxes.PageBox):
            yield from elements
            return
        for element in elements:
            if element["S"] in LIST_PARTS:
                _annotate(element, real, tagger, ids, kept=True)
                continue
            key = (id(real.element), page_number)
            if key in outer:
                inner, kind, ident = outer[key]
                inner["S"] = kind
                if ident is not None:
                    inner.pop("ID")
                    ids.discard(ident)
            kind = element["S"]
            outer[key] = (element, kind, _annotate(element, real, tagger, ids))
        yield from elements

    return builder


def _annotate(element: Any, box: Any, tagger: Tagger, ids: set[str], kept: bool = False) -> str | None:
    """The tagger's entries on `element` (the structure element of `box`), and the /ID given it; a
    box holding a link annotation is a /Link, whose annotation's /Contents says where it leads and
    which is printed. `kept`: a list's part keeps its type, and leaves the /ID to the element
    inside it that gets the type."""
    given = None
    for key, value in tagger.entries(box.element_tag, box.element.attrib).items():
        if key == "Scope":
            if element["S"] == "/TH":
                element["A"]["Scope"] = f"/{value}"
        elif key == "S":
            if not kept:
                element["S"] = value
        elif key == "ID" and kept:
            continue
        elif key == "ID":
            unique, n = value, 1
            while unique in ids:  # an element split across pages: one structure element a page
                n += 1
                unique = f"{value}-{n}"
            ids.add(unique)
            element["ID"] = pydyf.String(unique)
            given = unique
        else:
            element[key] = pydyf.String(value)
    annotation = getattr(box, "link_annotation", None)
    if annotation is not None:
        element["S"] = "/Link"
        target = annotation["Dest"].string if "Dest" in annotation else annotation["A"]["URI"].string
        annotation["Contents"] = pydyf.String(tagger.link_contents(target))
        annotation["F"] = 1 << 2  # Print
    return given
