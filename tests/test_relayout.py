"""A layout made again with page rules added (weasy/relayout.py) is the layout a full render with
the same stylesheets gives: the same pages, lines where they were, the same PDF bytes; it takes the
first layout's pages before the first page the rules reach (and after, from a page that begins as
it began), and renders in full where it cannot be sure."""

from __future__ import annotations

import pytest
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.layout import background
from weasyprint.text.fonts import FontConfiguration

from presswork.layout import pagelength
from presswork.weasy import layout as weasy
from presswork.weasy import relayout

# A 400 px page of 18.5 lines of 20 px (`<br>` makes every line, whatever the font), with a named
# string, page counters and a cross-reference's page in its margin boxes, notes at its foot,
# headings as bookmarks.
PAGE = """@page { size: 400px 410px; margin: 20px; @top-center { content: string(part) }
  @bottom-center { content: counter(page) " of " counter(pages) }
  @bottom-right { content: "close on " target-counter("#close", page) } }
html { font-size: 16px; line-height: 20px } body { margin: 0 } div { break-inside: avoid } p, h2 { margin: 0 }
h2 { font-size: 16px; string-set: part content(); break-after: avoid } .note { float: footnote }"""


def block(lines: int, label: str, note: bool = False) -> str:
    """A block of `lines` lines kept whole on a page, optionally calling a note of one line."""
    text = "<br>".join(f"{label} line {n}" for n in range(lines))
    return f'<div>{text}{f"<span class=note>A note on {label}.</span>" if note else ""}</div>'


def piece(third: int) -> str:
    """Page 0 full; page 1 a heading and blocks of 7 and 8 lines, two lines and a half short of its
    foot before a block of `third` lines, which a page a line long takes when it is 3 lines; a
    heading and blocks with notes after."""
    return ("<h2>Opening</h2>" + "".join(block(3 if n else 2, f"a{n}") for n in range(6))
            + "<h2>Middle</h2>" + block(7, "b0") + block(8, "b1") + block(third, "b2")
            + '<h2 id="close">Close</h2>' + block(8, "c0", note=True) + block(5, "c1") + block(6, "c2", note=True)
            + block(2, "c3"))  # fmt: skip


@pytest.fixture(scope="module")
def font_config() -> FontConfiguration:
    return FontConfiguration()


def lay_out(html: str, font_config: FontConfiguration) -> relayout.Kept:
    return relayout.render(HTML(string=html), [CSS(string=PAGE, font_config=font_config)], font_config=font_config)


def long_spread(kept: relayout.Kept, pages: set[int]) -> CSS:
    """The sheet pagelength.py adds to make `pages` a line long."""
    return CSS(string=pagelength.long_pages_css(kept.document, pages))


def lines(document: Document) -> list[list[tuple[float, float, float, str]]]:
    """Each page's lines: where each stands and its text."""
    return [[(line.position_x, line.position_y, line.height, "".join(box.text for box in line.descendants() if weasy.is_text(box)))
             for line in weasy.page_lines(page)] for page in document.pages]  # fmt: skip


def texts(document: Document) -> list[list[str]]:
    """Each page's text outside its flow: its margin boxes' and its notes'."""
    return [[box.text for child in weasy.page_box(page).children[1:] for box in child.descendants() if weasy.is_text(box)]
            for page in document.pages]  # fmt: skip


def assert_as_full_render(again: relayout.Kept, html: str) -> None:
    """`again` is what a full render of `html` with its stylesheets gives."""
    full = HTML(string=html).render(stylesheets=again.stylesheets, **again.options)
    assert len(again.document.pages) == len(full.pages)
    assert lines(again.document) == lines(full)
    assert texts(again.document) == texts(full)
    assert again.document.write_pdf() == full.write_pdf()


def shared(again: relayout.Kept, kept: relayout.Kept) -> list[int]:
    """The pages `again` took from `kept`'s layout."""
    assert again.layout is not None and kept.layout is not None
    return [n for n, (page, before) in enumerate(zip(again.layout.pages, kept.layout.pages)) if page is before]


def test_a_long_spread_that_is_kept_is_laid_out_as_a_full_render(font_config: FontConfiguration) -> None:
    """Page 1 ends two lines short before a block of three: with its spread a line long the block
    fits, the piece has fewer short pages, the try is kept; page 0 comes from the first layout."""
    html = piece(third=3)
    kept = lay_out(html, font_config)
    assert pagelength.short_pages(kept.document) == [1, 2]
    again = relayout.relayout(kept, long_spread(kept, {1, 2}))
    assert pagelength.better(again.document, kept.document)
    assert_as_full_render(again, html)
    assert shared(again, kept) == [0]
    assert texts(again.document)[-1] == ["2. ", "A note on c2.", "Close", "4 of 4", "close on 3"]  # the margin boxes made again


def test_a_long_spread_that_is_refused_is_laid_out_as_a_full_render(font_config: FontConfiguration) -> None:
    """With a block of four lines after the hole, the long spread takes nothing in: the try is
    refused; page 3 begins as it did, so it comes from the first layout, as page 0 does."""
    html = piece(third=4)
    kept = lay_out(html, font_config)
    again = relayout.relayout(kept, long_spread(kept, {1, 2}))
    assert not pagelength.better(again.document, kept.document)
    assert_as_full_render(again, html)
    assert shared(again, kept) == [0, 3]


def test_a_refused_layout_leaves_the_first_layouts_pages_as_they_were(font_config: FontConfiguration) -> None:
    """A try that moves the cross-reference's target to page 2, refused, then another try made
    again from the first layout: its margin boxes give the target's page as the first layout has
    it (the target collector WeasyPrint shares between them set back)."""
    html = piece(third=3)
    kept = lay_out(html, font_config)
    moved = relayout.relayout(kept, CSS(string="@page :nth(2) { margin-bottom: -300px }"))
    assert texts(moved.document)[-1][-1] == "close on 2"
    again = relayout.relayout(kept, CSS(string="@page :nth(4) { margin-bottom: 0 }"))
    assert_as_full_render(again, html)
    assert shared(again, kept) == [0, 1, 2]
    assert texts(again.document)[-1][-1] == "close on 3"


def test_a_layout_made_again_is_made_again_in_turn(font_config: FontConfiguration) -> None:
    """A try added to a kept try: the sheets of both, from the first layout's page 0 on."""
    html = piece(third=3)
    kept = lay_out(html, font_config)
    first = relayout.relayout(kept, long_spread(kept, {1, 2}))
    second = relayout.relayout(first, long_spread(kept, {3}))
    assert len(second.stylesheets) == 3
    assert_as_full_render(second, html)
    assert shared(second, first)[:3] == [0, 1, 2]


def test_rules_that_reach_the_first_page_are_laid_out_again_from_it(font_config: FontConfiguration) -> None:
    """No style of the piece uses viewport units (which the first page's size sets): a sheet
    reaching the first page lays it out again, and the pages after it that begin as they did come
    from the first layout."""
    html = piece(third=3)
    kept = lay_out(html, font_config)
    again = relayout.relayout(kept, long_spread(kept, {0}))
    assert_as_full_render(again, html)
    assert shared(again, kept) == [1, 2, 3]


@pytest.mark.parametrize("where", ["style attribute", "element rule", "page rule"])
def test_rules_that_reach_the_first_page_of_a_piece_using_viewport_units_are_rendered_in_full(
        font_config: FontConfiguration, where: str) -> None:  # fmt: skip
    """A length in viewport units, which the first page's size sets and the first layout's
    computed styles keep, in an element's style attribute, a rule of the document's sheet or a page
    rule: a sheet reaching the first page is laid out in full, with no page of the first layout."""
    html = piece(third=3)
    sheet = PAGE
    if where == "style attribute":
        html = html.replace("<h2>Middle</h2>", '<h2 style="margin-top: 2vh">Middle</h2>')
    elif where == "element rule":
        sheet += "\nh2 { margin-top: 2vh }"
    else:
        sheet += "\n@page { @bottom-left { content: 'x'; width: 10vw } }"
    kept = relayout.render(HTML(string=html), [CSS(string=sheet, font_config=font_config)], font_config=font_config)
    again = relayout.relayout(kept, CSS(string="@page :nth(1) { margin-bottom: 0 }"))
    assert_as_full_render(again, html)
    assert shared(again, kept) == []


def test_a_page_opening_inside_a_float_is_rendered_in_full(font_config: FontConfiguration) -> None:
    """A float broken across pages leaves boxes in the context the hook does not copy: rules
    reaching the page its rest opens are laid out in full."""
    tall = '<div style="float: left; width: 60px">' + "<br>".join(f"f{n}" for n in range(30)) + "</div>"
    html = piece(third=3).replace("<h2>Middle</h2>", "<h2>Middle</h2>" + tall)
    kept = lay_out(html, font_config)
    assert kept.layout is not None and not relayout._plain(kept.layout.starts[2])
    again = relayout.relayout(kept, CSS(string="@page :nth(3) { margin-bottom: 0 }"))
    assert_as_full_render(again, html)
    assert shared(again, kept) == []


def test_a_sheet_with_element_rules_is_rendered_in_full(font_config: FontConfiguration) -> None:
    html = piece(third=3)
    kept = lay_out(html, font_config)
    again = relayout.relayout(kept, CSS(string="@page :nth(3) { margin-bottom: 0 } h2 { break-before: page }"))
    assert_as_full_render(again, html)
    assert shared(again, kept) == []
    assert len(again.document.pages) > len(kept.document.pages)


def test_a_layout_that_needed_a_second_pass_is_not_kept(font_config: FontConfiguration) -> None:
    """A page count in the flow (`counter(pages)`) makes WeasyPrint lay the document out twice:
    such a layout is not kept, and a relayout renders in full."""
    html = piece(third=3) + '<p class="total"></p>'
    kept = relayout.render(HTML(string=html), [CSS(string=PAGE + ' .total::after { content: counter(pages) }', font_config=font_config)],
                           font_config=font_config)  # fmt: skip
    assert kept.layout is None
    again = relayout.relayout(kept, long_spread(kept, {1, 2}))
    assert_as_full_render(again, html)


def without_the_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lay out as where WeasyPrint's sources are not the ones checked."""
    monkeypatch.setattr(relayout, "sources_digest", lambda: "other")
    relayout.available.cache_clear()


@pytest.mark.parametrize("third", [3, 4])
def test_a_pieces_long_pages_are_the_bytes_full_renders_give(monkeypatch: pytest.MonkeyPatch, font_config: FontConfiguration,
                                                            third: int) -> None:  # fmt: skip
    """layout/pagelength.py's tries, laid out again from their spread, give the PDF its tries laid
    out in full give (the spread kept with a block of 3 lines, refused with one of 4)."""
    def long_pages() -> bytes:
        sheets = [CSS(string=PAGE, font_config=font_config)]
        return pagelength.render_with_long_pages(HTML(string=piece(third)), sheets, font_config=font_config).write_pdf()

    again = long_pages()
    without_the_hook(monkeypatch)
    try:
        assert long_pages() == again
    finally:
        relayout.available.cache_clear()


def test_other_weasyprint_sources_are_rendered_in_full(monkeypatch: pytest.MonkeyPatch, font_config: FontConfiguration) -> None:
    """Where WeasyPrint's sources are not the ones checked, nothing is kept and each relayout is a
    full render: the build goes on as before the hook."""
    without_the_hook(monkeypatch)
    try:
        html = piece(third=3)
        kept = lay_out(html, font_config)
        assert kept.layout is None
        again = relayout.relayout(kept, long_spread(kept, {1, 2}))
        assert again.layout is None
        assert_as_full_render(again, html)
    finally:
        relayout.available.cache_clear()


def test_a_layout_made_again_with_more_pages_than_the_first_is_laid_out_as_a_full_render(font_config: FontConfiguration) -> None:
    """A page made shorter pushes the rest a page on: the pages after it are all new ones, more
    than the first layout had."""
    html = piece(third=3)
    kept = lay_out(html, font_config)
    again = relayout.relayout(kept, CSS(string="@page :nth(2) { margin-bottom: 200px }"))
    assert len(again.document.pages) > len(kept.document.pages)
    assert_as_full_render(again, html)
    assert shared(again, kept) == [0]


def test_notes_carried_past_the_last_line_keep_their_pages(font_config: FontConfiguration) -> None:
    """A note too long for the page left after the last line goes on a page of its own: when the
    page holding the last line is the first layout's, so is that page (WeasyPrint's loop stops at a
    page it takes whose flow is done, whatever notes wait)."""
    note = "<br>".join(f"long note line {n}" for n in range(12))
    html = piece(third=3) + block(14, "d0") + f'<div>d1<span class=note>{note}</span></div>'
    kept = lay_out(html, font_config)
    assert not lines(kept.document)[-1] and "long note line 0" in texts(kept.document)[-1]
    again = relayout.relayout(kept, long_spread(kept, {1, 2}))
    assert_as_full_render(again, html)
    assert shared(again, kept)[-2:] == [len(kept.document.pages) - 2, len(kept.document.pages) - 1]


def test_a_page_of_notes_alone_that_the_first_layout_had_not_is_made(font_config: FontConfiguration) -> None:
    """A page a line long takes the piece's last lines in: the long note they call no longer fits
    and goes on a page of its own, where the first layout had the last lines (WeasyPrint, finding
    nothing of the flow left, would take the first layout's page)."""
    note = "<br>".join(f"long note line {n}" for n in range(12))
    html = piece(third=3) + block(3, "d0") + block(1, "d1") + f"<div>d2<span class=note>{note}</span></div>"
    kept = lay_out(html, font_config)
    again = relayout.relayout(kept, CSS(string="@page :nth(3) { margin-bottom: 0 }"))
    assert_as_full_render(again, html)
    assert not lines(again.document)[-1] and "long note line 0" in texts(again.document)[-1]


def test_pages_taken_from_the_first_layout_keep_its_backgrounds(monkeypatch: pytest.MonkeyPatch,
                                                                font_config: FontConfiguration) -> None:  # fmt: skip
    """A page taken from the first layout gets backgrounds for its new margin boxes only; its
    blocks', its notes' and the canvas's are the first layout's, and the PDF is a full render's."""
    html = piece(third=3).replace("<h2>Middle</h2>", '<h2 style="background: #ddd">Middle</h2>')
    sheet = PAGE + """\nhtml { background: #ffe } div { background: #eef } .note { background: #efe }
@page { @top-left { content: 'x'; background: #fee } }"""
    kept = relayout.render(HTML(string=html), [CSS(string=sheet, font_config=font_config)], font_config=font_config)
    laid: list[object] = []  # the boxes whose backgrounds are laid out, children before their parent
    lay_box = background.layout_box_backgrounds
    monkeypatch.setattr(background, "layout_box_backgrounds", lambda page, box, *a, **k: laid.append(box) or lay_box(page, box, *a, **k))
    again = relayout.relayout(kept, long_spread(kept, {1, 2}))
    monkeypatch.undo()
    assert shared(again, kept) == [0]
    first = weasy.page_box(again.document.pages[0])
    assert not any(box is first or box is first.children[0] for box in laid)  # page 0's own boxes: the first layout's
    assert any(box is margin for margin in first.children[1:] for box in laid)  # its margin boxes: new
    assert any(box is weasy.page_box(again.document.pages[1]) for box in laid)
    assert_as_full_render(again, html)
    refused = relayout.relayout(kept, CSS(string="@page :nth(4) { margin-bottom: 0 }"))
    assert shared(refused, kept) == [0, 1, 2]
    assert_as_full_render(refused, html)
