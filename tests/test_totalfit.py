"""Total-fit line breaking: Knuth–Plass on a paragraph with a known best break sequence, hyphenation
only where the language's patterns and the book's limits allow, never three hyphens in a row, each
justified paragraph measured where base.css and print.css set it, markup kept through the rewrite,
the book's own stylesheets heeded, and the sample's print PDF measured by the typesetting report."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pyphen
import pytest
from conftest import NS, ROOT, css_value
from lxml import etree

from presswork.layout import knuthplass as kp
from presswork.layout import paragraph, totalfit
from presswork.preflight import typesetting
from presswork.preflight.typesetting import measure
from presswork.render.stylesheets import stylesheet


def words(*widths: float) -> list[kp.Item]:
    items: list[kp.Item] = []
    for width in widths:
        if items:
            items.append(kp.Glue(2, 1, 2 / 3))
        items.append(kp.Box(width))
    return items + kp.paragraph_end()


def least_demerits(widths: list[float], measure_: float) -> tuple[int, ...]:
    """The best breaks found by trying every set of them, scored as Knuth–Plass scores a line."""
    best: tuple[float, tuple[int, ...]] = (float("inf"), ())
    gaps = len(widths) - 1
    for mask in range(1 << gaps):
        cuts = [k for k in range(gaps) if mask >> k & 1]
        starts, total, fitness, ok = [0, *(k + 1 for k in cuts)], 0.0, 1, True
        for n, start in enumerate(starts):
            end = cuts[n] + 1 if n < len(cuts) else len(widths)
            line = widths[start:end]
            natural, spaces = sum(line) + 2 * (len(line) - 1), len(line) - 1
            if n == len(cuts):  # the last line: its finishing glue takes the rest
                ratio = 0.0 if natural <= measure_ else (measure_ - natural) / (spaces * 2 / 3 or 1e-9)
            elif natural < measure_:
                ratio = (measure_ - natural) / spaces if spaces else kp.INFINITY
            else:
                ratio = (measure_ - natural) / (spaces * 2 / 3) if spaces else -kp.INFINITY
            if ratio < -1 or ratio > 2:
                ok = False
                break
            klass = 0 if ratio < -0.5 else 1 if ratio <= 0.5 else 2 if ratio <= 1 else 3
            total += (1 + 100 * abs(ratio) ** 3) ** 2 + (kp.FITNESS_JUMP if abs(klass - fitness) > 1 else 0)
            fitness = klass
        if ok and total < best[0]:
            best = (total, tuple(cuts))
    return best[1]


def test_total_fit_finds_the_break_sequence_of_least_demerits() -> None:
    """A paragraph small enough to try every break: Knuth–Plass finds the same sequence, which is
    not the one a first-fit breaker (a browser, WeasyPrint) takes."""
    widths = [5, 7, 3, 9, 4, 6, 8, 2, 7, 5, 6, 4, 9, 3, 6, 8]
    best = least_demerits(widths, 30)
    breaks = kp.breakpoints(words(*widths), 30)
    assert breaks is not None
    assert tuple((b.at - 1) // 2 for b in breaks[:-1]) == best  # the glue after word k is item 2k + 1
    first_fit, width, count = [], 0.0, 0
    for k, w in enumerate(widths):
        if count and width + 2 + w > 30:
            first_fit.append(k - 1)
            width, count = 0.0, 0
        width, count = width + (2 if count else 0) + w, count + 1
    assert tuple(first_fit) != best


def test_an_overlong_line_is_shrunk_at_most_to_its_shrink_and_no_further() -> None:
    breaks = kp.breakpoints(words(10, 10, 10), 33.5, tolerance=10)
    assert breaks is not None and -1 <= breaks[0].ratio <= 0
    assert kp.breakpoints(words(40, 40), 30, tolerance=10) is None  # a word wider than the measure


def test_never_three_hyphenated_lines_in_a_row() -> None:
    """Words of two halves after a short one: every line would end in a hyphen at natural spacing
    (45 = half, word, half and its hyphen), any other line is loose; total fit still stops at two."""
    items: list[kp.Item] = [kp.Box(10), kp.Glue(2, 1, 2 / 3)]
    for _ in range(14):
        items += [kp.Box(10), kp.Penalty(1, kp.HYPHEN_PENALTY, flagged=True), kp.Box(10), kp.Glue(2, 1, 2 / 3)]
    items = items[:-1] + kp.paragraph_end()
    breaks = kp.breakpoints(items, 45, tolerance=100)
    assert breaks is not None
    flagged = [isinstance(items[b.at], kp.Penalty) and items[b.at].flagged for b in breaks]
    assert flagged[:3] == [True, True, False]  # two where they help, then the limit
    assert not any(all(flagged[i : i + 3]) for i in range(len(flagged) - 2))


def test_hyphenation_points_follow_the_language_and_the_books_limits() -> None:
    assert paragraph._cuts("printing", "en") == ((5, "hyphen"),)  # print-ing: three letters after it at least
    assert paragraph._cuts("Columbian,", "en") == ()  # Columbi-an leaves two
    assert paragraph._cuts("press", "en") == ()  # under six letters: never
    assert paragraph._cuts("типографии", "ru") and paragraph._cuts("типографии", "xx") == ()  # Russian patterns, none unknown
    assert paragraph._cuts("printing", "") == ()  # the first pass does not hyphenate
    assert paragraph._cuts("forty-two", "") == ((6, "after"),)  # after a hyphen between letters, always


def test_letters_are_spaced_only_to_close_a_gaping_line_and_within_limits() -> None:
    spaces = [kp.Glue(2.6, 1.3, 0.87)] * 10
    assert paragraph._tracking(1.5, spaces, 70, 10.5) == pytest.approx(0.05 * 2.6 * 10 / 60)  # back to 1.45
    assert paragraph._tracking(3.5, spaces, 70, 10.5) == pytest.approx(0.05 * 10.5)  # at most 5 % of an em
    assert paragraph._tracking(1.7, spaces, 30, 10.5) == pytest.approx(0.02 * 10.5)  # 2 % while under 1.8


PIECE = """<section class="chapter"><h2 id="h">A head</h2>
<p id="c-b1">{text}</p>
<p id="c-b2">{text}</p>
<blockquote id="c-b3"><p>{text}</p><p>{text}</p><footer><p class="attribution">— someone</p></footer></blockquote>
<ul id="c-b4"><li><p>{text}</p></li></ul>
</section>
<section class="glossary"><dl class="glossary"><dt id="t">term</dt><dd id="t-def"><p>{text}</p></dd></dl></section>
<section class="titlepage"><p class="title">A title</p><p>{text}</p></section>"""
TEXT = ("The great work, however, was a Latin Bible in two large volumes, set in a dense and handsome black "
        "letter modelled on the formal hand of the best scribes, with forty-two lines to most columns.")  # fmt: skip


def test_each_justified_paragraph_is_measured_where_the_stylesheets_set_it() -> None:
    tokens = paragraph.TAG.split(PIECE.format(text=TEXT))
    found, _ = totalfit._paragraphs(tokens, 342.0, "en")
    quote = 0.95 * 10.5
    assert [(p.measure.width, p.measure.size, p.measure.indent) for p in found] == [
        (342.0, 10.5, 0.0),  # after a heading
        (342.0, 10.5, 1.2 * 10.5),
        (342.0 - 2 * 1.5 * quote, quote, 0.0),  # a quotation's first paragraph
        (342.0 - 2 * 1.5 * quote, quote, 1.2 * quote),  # and its next (its attribution is ranged right)
        (342.0 - 1.5 * 10.5, 10.5, 0.0),  # a list item
        (342.0 - 1.2 * 10.5, 10.5, 0.0),  # a glossary entry (the title page's are centred)
    ]  # fmt: skip


def test_the_figures_mirror_base_and_print_css() -> None:
    css = stylesheet({}, ("base", "print"))
    assert css_value(css, "html", "font-size") == f"{totalfit.SIZE:g}pt"
    assert css_value(css, "p", "text-indent") == f"{totalfit.INDENT:g}em"
    assert css_value(css, "blockquote", "margin") == f"1em {totalfit.QUOTE_MARGIN:g}em"
    assert css_value(css, "blockquote", "font-size") == f"{totalfit.QUOTE_SIZE:g}em"
    assert css_value(css, "ul", "margin") == f"0.8em 0 0.8em {totalfit.LIST_MARGIN:g}em"
    assert css_value(css, "dl.glossary dd", "margin") == f"0.15em 0 0 {totalfit.ENTRY_MARGIN:g}em"
    assert css_value(css, ".footnote", "font-size") == f"{totalfit.NOTE_SIZE:g}pt"
    assert css_value(css, ".footnote::footnote-call", "font-size") == f"{paragraph.CALL_SIZE:g}pt"
    assert css_value(css, "html", "hyphenate-limit-chars") == " ".join(map(str, paragraph.LIMIT))
    assert css_value(css, ".footnote::footnote-marker", "content") == 'attr(data-n) ". "' and totalfit.NOTE_MARKER == "{}. "
    assert css_value(css, ".footnote", "white-space") == "normal"  # a note inside a paragraph set here wraps


NOTE = ('<span class="noteref" id="c-nref4"></span><span class="footnote" id="c-n4" data-n="4"><span class="note-p">'
        "A note long enough to run over two lines at the foot of the page, so that it is set as well: the "
        'surviving copies are counted in <em>several</em> ways, and the counts <span class="last-words">differ a little.</span>'
        "</span></span>")  # fmt: skip


def test_the_rewrite_keeps_markup_notes_and_text() -> None:
    text = ("The great work, however, was <span class=\"ix\" id=\"ix-44\">a Latin Bible</span> in two large volumes, set "
            "in a dense and <em>handsome</em> black letter, <span class=\"sc\">AD 1452</span>, modelled on the "
            f'<a href="#p" class="person">formal</a> hand of the best scribes, with forty-two lines to most columns.{NOTE} '
            'Work on it <span lang="ru" xml:lang="ru">началась</span> in about 1452, and it took some three years, '
            'several presses and perhaps twenty workers to <span class="last-words">finish\u00a0it.</span>')  # fmt: skip
    body = f'<section><p id="c-b3">{text}</p></section>'
    out = totalfit.set_text(body, 200.0, "en", totalfit.HouseStyle())
    assert f'<p id="c-b3" style="{paragraph.LINES}">' in out and out.count("\n") >= 4
    assert f'data-n="4" style="{paragraph.LINES}">' in out  # the note is set too, as one block
    tracked = r'<span style="letter-spacing: [0-9.]+pt">([^<]*)</span>'  # a gaping line's letters, spaced
    tags = lambda s: re.findall(r"<[^>]+>", re.sub(r' style="[^"]*"', "", re.sub(tracked, r"\1", s)))  # noqa: E731
    assert tags(out) == tags(body)  # every element kept, in order, none added but letter spacing
    plain = lambda s: re.sub(r"[\s\u2010]", "", re.sub(r"<[^>]+>", "", s))  # noqa: E731
    assert plain(out) == plain(body)
    assert "\u2010\n" not in out.split('<span class="last-words">')[-1]  # the tied words stay whole


def test_a_note_of_two_paragraphs_is_set_with_its_number_on_the_first_only() -> None:
    second = '<span class="note-p">A second paragraph of the note, long enough to run over two lines at the foot of the page as well.</span>'
    body = f'<section><p id="c-b3">{TEXT}{NOTE.replace("</span></span>", "</span>" + second + "</span>")}</p></section>'
    out = totalfit.set_text(body, 200.0, "en", totalfit.HouseStyle())  # an empty marker once raised TypeError
    assert re.sub(r"[\s\u2010]", "", re.sub(r"<[^>]+>", "", out)) == re.sub(r"[\s\u2010]", "", re.sub(r"<[^>]+>", "", body))
    assert f'<p id="c-b3" style="{paragraph.LINES}">' in out


def test_a_paragraph_with_markup_it_cannot_measure_is_left_alone() -> None:
    body = f'<p id="c-b1">Some words and <code>code</code> in a paragraph. {TEXT}</p>'
    assert totalfit.set_text(body, 100.0, "en", totalfit.HouseStyle()) == body
    chinese = f'<p id="c-b1">{TEXT} A word the face lacks: 書.</p>'  # set in a fallback face
    assert totalfit.set_text(chinese, 100.0, "en", totalfit.HouseStyle()) == chinese


def test_the_books_stylesheets_turn_it_off_where_they_reach() -> None:
    piece = PIECE.format(text=TEXT)
    sample = totalfit.HouseStyle.read([(ROOT / "styles" / "sample.css").read_text()])
    russian = piece.replace("<blockquote ", '<blockquote lang="ru" ')
    out = totalfit.set_text(russian, 342.0, "en", sample)
    assert out.count(paragraph.LINES) == 4  # all but the Russian quotation's two paragraphs
    assert totalfit.set_text(russian.replace('lang="ru" ', ""), 342.0, "en", sample).count(paragraph.LINES) == 6
    emphatic = piece.replace("handsome", "<em>handsome</em>")
    assert totalfit.set_text(emphatic, 342.0, "en", totalfit.HouseStyle.read(["em { letter-spacing: 0.1em }"])) == emphatic
    for off in ["p { font-size: 11pt; }", "/* x */ html, body { font-family: Garamond; }", "@page { margin: 1in; }",
                f'@font-face {{ font-family: "Linux Libertine"; src: url(x.otf); }}', ".chapter > p:first-child { word-spacing: 1pt }"]:  # fmt: skip
        assert totalfit.set_text(piece, 342.0, "en", totalfit.HouseStyle.read([off])).count(paragraph.LINES) <= 2, off
    harmless = totalfit.HouseStyle.read(["p { color: red; margin-top: 1em; break-after: avoid } @media print { h1 { color: blue } }"])
    assert harmless == totalfit.HouseStyle()


def test_a_text_block_reads_alike_in_every_process() -> None:
    """A layout job's `TextBlock` is part of its piece's key in the build cache: its repr, house
    rules included, does not depend on the process's string hashing."""
    code = ("from presswork.layout.totalfit import HouseStyle, TextBlock\n"
            "print(repr(TextBlock(300.0, 'en', HouseStyle.read(['p.zeta.alpha.mid[lang=ru], .b.a q.x.y { word-spacing: 1pt }']))))")  # fmt: skip
    reprs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}  # fmt: skip
    [text] = reprs
    assert "classes=('alpha', 'mid', 'zeta')" in text and "classes=('x', 'y')" in text


def test_the_sample_print_pdf_is_set_total_fit(sample_pdf: Path) -> None:
    """Read off the PDF: at most 5 % of justified lines over 1.5 times the natural space (26 % first
    fit), none over 2 times (34), none shrunk past two thirds (TeX's limit), no hyphen ladder."""
    report = measure(sample_pdf)
    totals = report.totals()
    assert totals["loose %"] <= 5 and totals["very loose lines (> 2x)"] == 0, totals
    assert totals["hyphen ladders (3+)"] == 0
    assert all(float(line.split("x")[0]) >= 0.66 for page in report.pages for line in page.tight)


def test_hyphens_in_the_sample_stand_where_the_language_allows(sample_pdf: Path) -> None:
    """Every line of the PDF ending in an added hyphen, read with the next line's first word, is cut
    at a hyphenation point of English (or Russian, for Cyrillic) within the book's limits."""
    import pdfplumber

    with pdfplumber.open(sample_pdf) as pdf:
        pages = [typesetting._lines(page.chars) for page in pdf.pages]
    checked = 0
    for lines in pages:
        for line, after in zip(lines, lines[1:]):
            if not line.text.endswith("\u2010") or abs(line.size - after.size) > 0.3 or not after.text:
                continue
            head = re.search(r"(\w+)\u2010$", line.text)
            tail = re.match(r"\w+", after.text)
            if not head or not tail:
                continue
            word = head.group(1) + tail.group(0)
            lang = "ru" if re.search("[а-яё]", word, re.I) else "en"
            allowed = [c for c in pyphen.Pyphen(lang=lang).positions(word) if 3 <= c <= len(word) - 3]
            assert len(word) >= 6 and len(head.group(1)) in allowed, (line.text, after.text)
            checked += 1
    assert checked >= 10


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils' pdftotext is not installed")
def test_chapter_openers_read_right_under_pdftotext(sample_pdf: Path, sample_epub: Path) -> None:
    """Each chapter's first page, as pdftotext reads it: its label, its title, then its first
    paragraph word for word as the EPUB has it (spaces shrunk or letters spaced read as ever)."""
    text = subprocess.run(["pdftotext", str(sample_pdf), "-"], capture_output=True, text=True, check=True).stdout
    printed = " ".join(re.sub("\u2010\\s*\n", "", text).split())
    with zipfile.ZipFile(sample_epub) as epub:
        chapters = [etree.fromstring(epub.read(n)) for n in sorted(epub.namelist()) if re.search(r"text/ch-.*\.xhtml$", n)]
    assert len(chapters) >= 7
    for chapter in chapters:
        label = chapter.find(".//h:p[@class='chapter-label']", NS)
        title = chapter.find(".//h:h1", NS)
        first = chapter.xpath(".//h:header/following-sibling::h:p[1]", namespaces=NS)[0]
        opening = " ".join("".join(first.itertext()).replace("\u2060", "").split()[:25])  # no word joiner in print's text
        head = f"{''.join(label.itertext()).upper()} {' '.join(''.join(title.itertext()).split())} {opening}"
        assert head in printed, head
