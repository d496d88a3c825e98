"""A page's notes laid out once each (weasy/notearea.py): the same PDF as WeasyPrint's own way,
which lays the whole footnote area out again each time the page gains a note."""

from __future__ import annotations

import pytest
from weasyprint import CSS, HTML
from weasyprint.css import AnonymousStyle
from weasyprint.layout import block
from weasyprint.text.fonts import FontConfiguration

from presswork.render import fonts
from presswork.weasy import layout, notearea

FACES = "".join(f'@font-face {{ font-family: "{fonts.FAMILY}"; font-weight: {f.weight}; font-style: {f.style}; '
                f'src: url("{(fonts.FONT_DIR / f.file).as_uri()}"); }}' for f in fonts.FACES)  # fmt: skip
# The print style's notes: an area with a rule, notes of several paragraphs, their own margins
CSS_TEXT = FACES + f"""
@page {{ size: 400px 640px; margin: 30px; @footnote {{ border-top: 0.4pt solid black; margin-top: 9pt; padding-top: 4pt; }} }}
html {{ font-family: "{fonts.FAMILY}"; font-size: 11pt; line-height: 14pt; }}
p {{ margin: 0; text-indent: 1em; text-align: justify; }}
.footnote {{ float: footnote; font-size: 8.5pt; line-height: 10.5pt; margin-bottom: 2pt; }}
.footnote::footnote-call {{ content: attr(data-n); font-size: 6.5pt; line-height: 0; vertical-align: super; }}
.footnote::footnote-marker {{ content: attr(data-n) ". "; }}
.footnote .note-p {{ display: block; }} .footnote .note-p + .note-p {{ margin-top: 3pt; }}
"""
WORDS = "ink paper press forme quire leaf folio gutter margin measure".split()


def words(count: int, start: int) -> str:
    return " ".join(WORDS[(start + i) % len(WORDS)] for i in range(count))


def piece(notes: int) -> str:
    """Paragraphs of two to four notes each, some notes of two paragraphs, one with italics."""
    body, n = [], 0
    for paragraph in range(notes // 3):
        text = []
        for k in range(3):
            n += 1
            second = f'<span class="note-p">{words(16, n)}</span>' if n % 4 == 0 else ""
            note = f'<span class="note-p">{words(6 + 5 * (n % 4), n)} <em>{words(3, n)}</em></span>{second}'
            text.append(f'{words(30 + 10 * k, paragraph)}<span class="footnote" id="n{n}" data-n="{n}">{note}</span>')
        body.append(f'<p id="p{paragraph}">{" ".join(text)} {words(20, paragraph)}.</p>')
    return "<html lang=en><body>" + "\n".join(body) + "</body></html>"


def render(html: str, css: str = CSS_TEXT) -> tuple[bytes, list[int]]:
    """The PDF, and how many notes each page holds."""
    font_config = FontConfiguration()
    document = HTML(string=html).render(stylesheets=[CSS(string=css, font_config=font_config)], font_config=font_config)
    return document.write_pdf(), [len(list(layout.page_notes(page))) for page in document.pages]


@pytest.fixture
def note_layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The notes WeasyPrint lays out, one entry each time (`block_container_layout` of a note's box)."""
    seen: list[str] = []
    original = block.block_container_layout

    def counted(context, box, *rest):  # noqa: ANN001, ANN202
        if box.element is not None and box.element.get("class") == "footnote" and not isinstance(box.style, AnonymousStyle):  # not a box in it
            seen.append(box.element.get("id"))
        return original(context, box, *rest)

    monkeypatch.setattr(block, "block_container_layout", counted)
    return seen


def test_notes_laid_out_once_give_the_pdf_weasyprint_gives(monkeypatch: pytest.MonkeyPatch, note_layouts: list[str]):
    html = piece(notes=30)
    assert notearea.notes_laid_out_once()
    once, pages = render(html)
    once_layouts = len(note_layouts)
    note_layouts.clear()
    monkeypatch.setattr(block, "block_level_layout", block.block_level_layout.__wrapped__)
    again, same_pages = render(html)
    assert once == again and pages == same_pages
    assert sum(pages) == 30 and min(pages) >= 3 and len(pages) >= 4  # several notes a page, on several pages
    # WeasyPrint alone lays the area out with each note a page gains, then once more: a page of c notes
    # lays notes out c (c + 1) / 2 + c times; here about once each, again only where a note moved on
    assert len(note_layouts) >= sum(count * (count + 3) // 2 for count in pages)
    assert len(set(note_layouts)) == 30 and once_layouts <= 30 + len(pages)


def test_inline_notes_wrapped_together_give_the_pdf_weasyprint_gives(monkeypatch: pytest.MonkeyPatch):
    """Notes displayed inline share anonymous blocks in the area, each holding the notes of the
    page so far: such a block is laid out afresh each time, never taken for another."""
    html, css = piece(notes=12), CSS_TEXT + ".footnote { footnote-display: inline; }"
    assert notearea.notes_laid_out_once()
    once, pages = render(html, css)
    monkeypatch.setattr(block, "block_level_layout", block.block_level_layout.__wrapped__)
    assert render(html, css) == (once, pages) and max(pages) >= 3
