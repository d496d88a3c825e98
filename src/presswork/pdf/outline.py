"""The outline (bookmarks): one tree for the whole book, built from every page's bookmarks by
WeasyPrint's own nesting, so it reads as if WeasyPrint had laid the book out as one document."""

from __future__ import annotations

from types import SimpleNamespace

import pikepdf

PT_PER_PX = 0.75


def add_outline(out: pikepdf.Pdf, sequence: list) -> None:
    """One outline for the book, nested across pieces as WeasyPrint nests one document's (with its
    own function: WeasyPrint is loaded by now, the layout having used it)."""
    from weasyprint.matrix import Matrix
    from weasyprint.anchors import make_page_bookmark_tree

    root: list = []
    skipped: list[int] = []
    last_by_depth = [root]
    level = 0
    for number, (_, _, piece, index) in enumerate(sequence):
        if piece is None:
            continue
        page = piece.laid.pages[index]
        matrix = Matrix(a=PT_PER_PX, d=-PT_PER_PX, f=page.height * PT_PER_PX)
        level = make_page_bookmark_tree(SimpleNamespace(bookmarks=page.bookmarks), skipped, last_by_depth, level,
                                        number, matrix)  # fmt: skip

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
