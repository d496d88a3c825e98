"""The print index's locators, laid out as plain text and linked after layout (layout/indexlinks)."""

from __future__ import annotations

import pytest
from weasyprint import HTML

from presswork.errors import PressworkError
from presswork.layout.indexlinks import link_locators
from presswork.weasy.layout import is_text, page_box


def laid_out(locators: str, targets: str, width: str = "20em", style: str = "") -> list:
    html = (f'<p lang="en" style="width: {width}; font: 12pt serif; {style}">almanac, '
            f'<span data-targets="{targets}">{locators}</span></p>')  # fmt: skip
    pages = HTML(string=html).render().pages
    link_locators(pages)
    return [(target, rect) for page in pages for _, target, rect, _ in page.links]


def test_each_locator_gets_a_link_over_its_own_text_in_order():
    links = laid_out("4, 10–11, 15", "#a #b #c")
    assert [t for t, _ in links] == ["#a", "#b", "#c"]
    (_, a), (_, b), (_, c) = links
    assert a[0] < a[2] < b[0] < b[2] < c[0] < c[2]  # one after another, the separators between
    assert b[2] - b[0] > 2 * (a[2] - a[0])  # "10–11" is wider than "4"
    assert a[1] == b[1] == c[1] and a[3] > a[1]


def test_a_range_broken_at_a_line_end_gets_a_link_on_each_line():
    links = laid_out("120–129, 130", "#a #b", width="4.2em")
    on_a = [rect for target, rect in links if target == "#a"]
    assert len(on_a) == 2 and on_a[1][1] > on_a[0][1], links  # the second part a line lower
    assert [t for t, _ in links][-1] == "#b"


def test_a_locator_hyphenated_at_a_line_end_keeps_its_link_on_both_lines():
    links = laid_out("extraordinarily, 12", "#a #b", width="5em", style="hyphens: auto")
    targets = [t for t, _ in links]
    assert targets[-1] == "#b" and len(targets) >= 3 and set(targets[:-1]) == {"#a"}, links


def test_locators_without_a_run_are_left_alone():
    pages = HTML(string="<p>almanac, 4, 10</p>").render().pages
    link_locators(pages)
    assert pages[0].links == []


def test_locators_in_capitals_keep_their_links():
    links = laid_out("xii, 4", "#a #b", style="text-transform: uppercase")
    assert [t for t, _ in links] == ["#a", "#b"]


def test_text_a_stylesheet_puts_before_the_locators_gets_no_link():
    html = ('<style>span::before { content: "pp. " }</style><p style="width: 20em">almanac, '
            '<span data-targets="#a #b">4, 10</span></p>')  # fmt: skip
    pages = HTML(string=html).render().pages
    link_locators(pages)
    (_, first, rect_a, _), (_, second, rect_b, _) = pages[0].links
    assert (first, second) == ("#a", "#b") and rect_a[2] < rect_b[0]


def test_text_that_is_not_the_runs_is_a_one_line_error():
    """A fragment whose text is not the run's would put links on the wrong numbers."""
    pages = HTML(string="<p><span data-targets='#a'>12</span></p>").render().pages
    [box] = [b for b in page_box(pages[0]).descendants() if is_text(b)]
    box.text = "13"
    with pytest.raises(PressworkError, match="the index's page numbers came out as '13' where '12' was set"):
        link_locators(pages)
