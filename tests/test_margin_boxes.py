"""A page's margin boxes laid out once for each way they look (weasy/marginboxes.py): the same PDF
as WeasyPrint's own way, which lays every page's margin boxes out afresh."""

from __future__ import annotations

import pytest
import weasyprint.layout as weasy_layout
from weasyprint import CSS, HTML
from weasyprint.layout import page as page_layout
from weasyprint.text.fonts import FontConfiguration

from presswork.render import fonts
from presswork.weasy import marginboxes

FACES = "".join(f'@font-face {{ font-family: "{fonts.FAMILY}"; font-weight: {f.weight}; font-style: {f.style}; '
                f'src: url("{(fonts.FONT_DIR / f.file).as_uri()}"); }}' for f in fonts.FACES)  # fmt: skip
# A print piece's margins: the book's title on the left, the chapter's (a named string) on the
# right, a hidden folio holding the place of the one stamped later, none on a chapter's first page
CSS_TEXT = FACES + f"""
@page {{ size: 400px 500px; margin: 50px 40px; }}
@page :left {{ @top-left {{ content: "0000"; visibility: hidden; }} @top-center {{ content: "The Book"; }} }}
@page :right {{ @top-right {{ content: "0000"; visibility: hidden; }} @top-center {{ content: string(chapter); }} }}
@page :first {{ @top-left {{ content: none; }} @top-center {{ content: none; }} @top-right {{ content: none; }}
  @bottom-center {{ content: "0000"; visibility: hidden; }} }}
html {{ font-family: "{fonts.FAMILY}"; font-size: 11pt; line-height: 14pt; }}
h1 {{ string-set: chapter content(); break-before: right; }}
"""
TEXT = " ".join("ink paper press forme quire leaf folio gutter margin measure".split() * 30)


def book(chapters: int, extra_css: str = "") -> tuple[str, str]:
    body = "".join(f"<h1>Chapter {n}</h1><p>{TEXT}</p><p>{TEXT}</p>" for n in range(1, chapters + 1))
    return f"<html lang=en><body>{body}</body></html>", CSS_TEXT + extra_css


def render(html: str, css: str) -> tuple[bytes, list[str]]:
    """The PDF and the text of each page's margin boxes as laid out."""
    font_config = FontConfiguration()
    document = HTML(string=html).render(stylesheets=[CSS(string=css, font_config=font_config)], font_config=font_config)
    heads = ["".join(box.text for margin in page._page_box.children if type(margin).__name__ == "MarginBox"
                     for box in margin.descendants() if hasattr(box, "text"))
             for page in document.pages]  # fmt: skip
    return document.write_pdf(), heads


@pytest.fixture
def content_layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The margin boxes WeasyPrint lays the content of out, one entry each time."""
    seen: list[str] = []
    original = page_layout.margin_box_content_layout

    def counted(context, page, box):  # noqa: ANN001, ANN202
        seen.append(box.at_keyword)
        return original(context, page, box)

    monkeypatch.setattr(page_layout, "margin_box_content_layout", counted)
    return seen


def both_ways(monkeypatch: pytest.MonkeyPatch, layouts: list[str], html: str, css: str) -> tuple[int, int, list[str]]:
    """Margin box layouts with the hook, and without it; the PDFs must be the same bytes."""
    assert marginboxes.margin_boxes_laid_out_once()
    kept, heads = render(html, css)
    with_hook = len(layouts)
    layouts.clear()
    monkeypatch.setattr(weasy_layout, "make_margin_boxes", weasy_layout.make_margin_boxes.__wrapped__)
    fresh, same_heads = render(html, css)
    assert kept == fresh and heads == same_heads
    return with_hook, len(layouts), heads


def test_margin_boxes_laid_out_once_give_the_pdf_weasyprint_gives(monkeypatch: pytest.MonkeyPatch, content_layouts: list[str]):
    html, css = book(chapters=3)
    with_hook, without, heads = both_ways(monkeypatch, content_layouts, html, css)
    assert len(heads) >= 9 and {"Chapter 1", "Chapter 2", "Chapter 3", "The Book"} <= {h.replace("0000", "") for h in heads}
    # each way the margins look (first page, left, right with each chapter's name) laid out once
    # a chapter's first page has one margin box, every other page two: WeasyPrint lays each out
    # on every page; kept, once for the first page, once for the left pages, once for each chapter's right pages
    assert without == 1 + 2 * (len(heads) - 1) and with_hook == 1 + 2 * (1 + 3)


def test_margin_boxes_that_count_pages_are_laid_out_for_each_page(monkeypatch: pytest.MonkeyPatch, content_layouts: list[str]):
    html, css = book(chapters=2, extra_css="@page { @bottom-right { content: counter(page); } }")
    with_hook, without, heads = both_ways(monkeypatch, content_layouts, html, css)
    assert with_hook == without and len(heads) >= 6
