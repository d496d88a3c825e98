"""PDF/UA-1: the Matterhorn Protocol's machine-checkable failure conditions presswork checks, read
from the file (the structure tree and each page's content stream), each finding named by its
checkpoint ("MH 01-005") and page, as veraPDF or PAC would report it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from .document import opened
from .findings import Finding

TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
# Matterhorn checkpoints this module checks, as the findings' codes
CHECKPOINTS = {
    "01-003": "content marked as Artifact inside tagged content",
    "01-004": "tagged content inside content marked as Artifact",
    "01-005": "content neither marked as Artifact nor tagged as real content",
    "06-002": "the XMP metadata has no PDF/UA identifier (pdfuaid:part)",
    "06-003": "the XMP metadata has no dc:title",
    "07-001": "the catalog's ViewerPreferences has no DisplayDocTitle true",
    "09-005": "a list's structure elements are not nested as ISO 32000-1 Table 333 has them (L > LI > Lbl, LBody)",
    "11-006": "the natural language of the document cannot be determined (no /Lang in the catalog)",
    "13-004": "a Figure has no alternative text (/Alt or /ActualText)",
    "15-003": "a TH cell has no /Scope in a table not organised with /Headers",
    "19-003": "a Note has no /ID",
    "19-004": "a Note's /ID is not unique",
    "28-011": "a link annotation is not nested in a Link structure element",
    "28-012": "a link annotation has no alternate description in /Contents",
}


@dataclass
class Tree:
    """What the structure tree reaches, walked from its root."""

    mcids: set[tuple[int, int]] = field(default_factory=set)  # (page number, MCID)
    annotations: dict[tuple[int, int], str] = field(default_factory=dict)  # object id -> the type of its element
    elements: list[tuple[pikepdf.Dictionary, int | None]] = field(default_factory=list)  # with their page
    parents: dict[tuple[int, int], str] = field(default_factory=dict)  # an element's object id -> its parent's type


def pdfua1(path: Path) -> list[Finding]:
    """The PDF/UA-1 findings on the file at `path`."""
    with opened(path) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}
        out = list(_document(pdf))
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return [*out, _finding("01-005", None, "the file has no structure tree")]
        tree = Tree()
        _walk(root, None, pages, tree, set())
        out += _elements(tree)
        for number, page in enumerate(pdf.pages, 1):
            out += _content(page, number, tree)
            out += _annotations(page, number, tree)
        return out


def _finding(code: str, page: int | None, detail: str = "") -> Finding:
    return Finding(f"MH {code}", page, CHECKPOINTS[code] + (f": {detail}" if detail else ""))


def _document(pdf: pikepdf.Pdf) -> Iterator[Finding]:
    meta = pdf.open_metadata()
    if not meta.get("pdfuaid:part"):
        yield _finding("06-002", None)
    if not meta.get("dc:title"):
        yield _finding("06-003", None)
    if not bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        yield _finding("07-001", None)
    if not str(pdf.Root.get("/Lang", "")):
        yield _finding("11-006", None)


def _walk(node: pikepdf.Object, page: int | None, pages: dict, tree: Tree, seen: set) -> None:
    """Every element under `node` in order, with the MCIDs and annotations it reaches."""
    if isinstance(node, pikepdf.Dictionary) and "/Pg" in node:
        page = pages.get(node.Pg.objgen, page)
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else node
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and kid._type_code == pikepdf.ObjectType.integer):
            tree.mcids.add((page or 0, int(kid)))
        elif isinstance(kid, pikepdf.Dictionary):
            kind = kid.get("/Type")
            kid_page = pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
            if kind == "/MCR":
                tree.mcids.add((kid_page or 0, int(kid.MCID)))
            elif kind == "/OBJR":
                tree.annotations[kid.Obj.objgen] = str(node.get("/S", ""))
            elif "/S" in kid and kid.objgen not in seen:
                seen.add(kid.objgen)
                tree.elements.append((kid, kid_page))
                tree.parents[kid.objgen] = str(node.get("/S", ""))
                _walk(kid, kid_page, pages, tree, seen)


# a list's parts and the types each may stand in (a nested list is the list's, as WeasyPrint tags it)
LIST_PARENTS = {"/LI": {"/L"}, "/Lbl": {"/LI"}, "/LBody": {"/LI"}}
LIST_CHILDREN = {"/L": {"/LI", "/L", "/Caption"}, "/LI": {"/Lbl", "/LBody"}}


def _elements(tree: Tree) -> Iterator[Finding]:
    ids: set[str] = set()
    for element, page in tree.elements:
        kind = str(element.S)
        parent = tree.parents.get(element.objgen, "")
        if (kind in LIST_PARENTS and parent not in LIST_PARENTS[kind]) or (parent in LIST_CHILDREN and kind not in LIST_CHILDREN[parent]):
            yield _finding("09-005", page, f"{kind} in {parent}")
        if kind == "/Figure" and not ("/Alt" in element or "/ActualText" in element):
            yield _finding("13-004", page)
        elif kind == "/TH":
            attributes = element.get("/A")
            blocks = attributes if isinstance(attributes, pikepdf.Array) else [attributes] if attributes else []
            if not any("/Scope" in a for a in blocks if isinstance(a, pikepdf.Dictionary)):
                yield _finding("15-003", page)
        elif kind == "/Note":
            ident = str(element.get("/ID", ""))
            if not ident:
                yield _finding("19-003", page)
            elif ident in ids:
                yield _finding("19-004", page, ident)
            ids.add(ident)


def _content(page: pikepdf.Page, number: int, tree: Tree) -> Iterator[Finding]:
    """The page's marked content against the tree: text outside both, MCIDs no element reaches,
    artifacts and tagged content nested in each other (one finding a kind a page, with a count)."""
    stack: list[str] = []  # "artifact", "mcid" or "other" for each open marked-content sequence
    counts = {"01-003": 0, "01-004": 0, "01-005": 0}
    orphans: list[int] = []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            properties = operands[1] if op == "BDC" else None
            if tag == "/Artifact":
                counts["01-003"] += "mcid" in stack
                stack.append("artifact")
            elif isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                counts["01-004"] += "artifact" in stack
                mcid = int(properties.MCID)
                if (number, mcid) not in tree.mcids:
                    orphans.append(mcid)
                stack.append("mcid")
            else:
                stack.append("other")
        elif op == "EMC" and stack:
            stack.pop()
        elif op in TEXT_SHOWING and "artifact" not in stack and "mcid" not in stack:
            counts["01-005"] += 1
    for code, count in counts.items():
        if count:
            yield _finding(code, number, f"{count} time(s)")
    if orphans:
        yield _finding("01-005", number, f"marked content no structure element reaches (MCID {', '.join(map(str, orphans[:5]))}"
                                         + (f" and {len(orphans) - 5} more)" if len(orphans) > 5 else ")"))  # fmt: skip


def _annotations(page: pikepdf.Page, number: int, tree: Tree) -> Iterator[Finding]:
    for annotation in page.obj.get("/Annots", []):
        if annotation.get("/Subtype") != "/Link":
            continue
        if tree.annotations.get(annotation.objgen) != "/Link":
            yield _finding("28-011", number, str(annotation.get("/Contents", "")))
        if not str(annotation.get("/Contents", "")).strip():
            yield _finding("28-012", number)
