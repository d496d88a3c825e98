"""The outline (bookmarks): one tree for the whole book, built from every page's bookmarks by
WeasyPrint's own nesting, so it reads as if WeasyPrint had laid the book out as one document."""

from __future__ import annotations

import pikepdf

from ..weasy import output as weasy


def add_outline(out: pikepdf.Pdf, sequence: list) -> None:
    """One outline for the book, nested across pieces as WeasyPrint nests one document's (with its
    own function)."""
    root = weasy.bookmark_tree((number, piece.laid.pages[index].bookmarks, piece.laid.pages[index].height)
                               for number, (_, _, piece, index) in enumerate(sequence) if piece is not None)  # fmt: skip

    def items(tree: list) -> list[pikepdf.OutlineItem]:
        made = []
        for title, (page_number, x, y), children, state in tree:
            item = pikepdf.OutlineItem(title, page_number, pikepdf.PageLocation.XYZ, left=x, top=y, zoom=0)
            item.children.extend(items(children))
            item.is_closed = state == "closed"
            made.append(item)
        return made

    with out.open_outline() as outline:
        outline.root.extend(items(root))
