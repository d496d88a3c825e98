"""SVG figures with a budget (issue 22, point 1): what a renderer would draw is counted before
layout, so a few KB of nested <use> cannot take minutes and gigabytes; and a drawing that would
fetch something from outside itself (the network, the reader's disk, another file) never ships."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from conftest import build, problems, run_epubcheck

from presswork.errors import Location, PressworkError
from presswork.load.svg import MAX_SVG_DEPTH, MAX_SVG_DRAWN, MAX_SVG_GLYPHS, MAX_SVG_SIZE, require_svg

CHAPTER = "# One\n\nA drawing follows.\n\n![A drawing](images/fig.svg)\n"
HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
# A 1.8 KB drawing of ten levels of ten <use> each: 10^9 rectangles to a renderer.
USE_BOMB = (HEAD + '<defs><g id="l0"><rect width="1" height="1"/></g>'
            + "".join(f'<g id="l{n}">' + f'<use href="#l{n - 1}"/>' * 10 + "</g>" for n in range(1, 10))
            + '</defs>\n<use href="#l9"/></svg>')  # fmt: skip
# A drawing as editors export it: a symbol drawn by <use>, gradients and a pattern by url(#…), an
# Illustrator-style <style> with classes, a marker on a polyline, an embedded PNG, a link to the web.
PNG_1PX = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")  # fmt: skip
GOOD = (HEAD + '<title>A red bar</title><style>.st0{fill:url(#g);} .st1{clip-path:url(#c);}</style>'
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#c00"/><stop offset="1" stop-color="#600"/></linearGradient>'
        '<radialGradient id="r" xlink:href="#g"/><clipPath id="c"><rect width="40" height="20"/></clipPath>'
        '<pattern id="p" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="2" height="2" fill="#00c"/></pattern>'
        '<marker id="m" markerWidth="2" markerHeight="2"><circle cx="1" cy="1" r="1"/></marker>'
        '<symbol id="x" viewBox="0 0 10 10"><rect width="10" height="10" style="fill:url(#r)"/></symbol></defs>'
        '<rect class="st0 st1" width="40" height="10"/><rect y="10" width="20" height="10" fill="url(#p)"/>'
        '<use href="#x" x="20" y="10" width="10" height="10"/><use xlink:href="#x" x="30" y="10" width="10" height="10"/>'
        '<polyline points="0,0 10,5 20,0" marker-mid="url(#m)" stroke="#000" fill="none"/>'
        f'<image href="{PNG_1PX}" width="1" height="1"/>'
        '<a xlink:href="https://example.org/presses"><rect width="4" height="4"/></a></svg>\n')  # fmt: skip
# Each way a drawing refers outside itself, and what the error names.
OUTSIDE = [
    ("'https://tracker.example/p.png' outside itself (<image href>)", '<image href="https://tracker.example/p.png" width="4" height="4"/>'),
    ("'file:///etc/passwd' outside itself (<image href>)", '<image xlink:href="file:///etc/passwd" width="4" height="4"/>'),
    ("'other.svg#part' outside itself (<use href>)", '<use xlink:href="other.svg#part"/>'),
    ("'photo.jpg' outside itself (<feImage href>)", '<filter id="f"><feImage href="photo.jpg"/></filter>'),
    ("'https://tracker.example/p.png' outside itself (<rect style>)", '<rect width="4" height="4" style="fill: URL( \'https://tracker.example/p.png\' )"/>'),
    ("'https://x.example/p' outside itself (<rect style>)", '<rect width="4" height="4" style="fill:\\75 rl(https://x.example/p)"/>'),
    ("'https://x.example/f.svg#f' outside itself (<rect filter>)", '<rect width="4" height="4" filter="url(https://x.example/f.svg#f)"/>'),
    ("something outside itself (<style> @import)", '<style>@import "https://x.example/a.css";</style>'),
    ("something outside itself (<style> @import)", '<style>@\\69mport url(https://x.example/a.css);</style>'),
    ("'https://fonts.example/f.woff2' outside itself (<style>)",
     "<style>@font-face { font-family: F; src: url('https://fonts.example/f.woff2') format('woff2'); }</style>"),
    ("'https://x.example/bg.png' outside itself (<style>)", '<style>rect { fill: url(https://x.example/bg.png) }</style>'),
    ("'https://x.example/a.png' outside itself (<set to>)", '<image width="4" height="4"><set attributeName="href" to="https://x.example/a.png"/></image>'),
    ("'https://x.example/i.png' outside itself (<img src>)",
     '<foreignObject width="9" height="9"><img xmlns="http://www.w3.org/1999/xhtml" src="https://x.example/i.png"/></foreignObject>'),
    ("something outside itself (<g base>)", '<g xml:base="https://x.example/"><use href="#a"/></g>'),
    ("!embeds data that is not a PNG, JPEG, GIF or WebP image or a font (<image href>)",
     '<image href="data:image/svg+xml;utf8,&lt;svg xmlns=%22http://www.w3.org/2000/svg%22/&gt;" width="4" height="4"/>'),
]  # fmt: skip


def check(tmp_path: Path, svg: str) -> None:
    path = tmp_path / "fig.svg"
    path.write_text(svg, encoding="utf-8")
    require_svg(path, Path("images/fig.svg"), Location(Path("manuscript/chapters/one.md"), 5), "image", 10**8)


def refusal(tmp_path: Path, svg: str) -> str:
    with pytest.raises(PressworkError) as caught:
        check(tmp_path, svg)
    return str(caught.value)


def test_a_use_bomb_is_refused_in_under_a_second_and_little_memory(tmp_path: Path):
    assert len(USE_BOMB) < 2000
    tracemalloc.start()
    started = time.perf_counter()
    message = refusal(tmp_path, USE_BOMB)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert message.startswith(f"manuscript/chapters/one.md:5: image images/fig.svg would draw more than {MAX_SVG_DRAWN:,} elements")
    assert seconds < 1 and peak < 200 * 2**20, (seconds, peak)


def test_build_pdf_of_a_book_with_a_use_bomb_ends_in_one_error_line(small_book, tmp_path: Path):
    """Before the budget, this build ran for minutes and grew past 2.4 GB; bounded here so the old
    code fails the test instead of the machine."""
    root = small_book({"manuscript/chapters/one.md": CHAPTER, "images/fig.svg": USE_BOMB})

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))

    started = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).with_name("presswork")), "build", "pdf", str(root), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120, preexec_fn=cap_memory)  # fmt: skip
    output = done.stdout + done.stderr
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert done.returncode == 1 and "Traceback" not in output, output
    assert len(errors) == 1 and errors[0].startswith("error: manuscript/chapters/one.md:5: image images/fig.svg would draw more than"), output
    assert time.perf_counter() - started < 60 and not (tmp_path / "out").exists()


@pytest.mark.parametrize("svg, found", [
    (HEAD + '<g id="a"><use href="#a"/></g></svg>', "#a refers back to itself"),
    (HEAD + '<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>', "refers back to itself"),
    (HEAD + '<pattern id="p"><rect width="1" height="1" fill="url(#p)"/></pattern><rect fill="url(#p)"/></svg>', "#p refers back to itself"),
    (HEAD + '<style>rect { clip-path: url(#c) }</style><clipPath id="c"><rect/></clipPath><rect/></svg>', "#c refers back to itself"),
])  # fmt: skip
def test_a_drawing_that_draws_itself_is_refused(tmp_path: Path, svg: str, found: str):
    assert found in refusal(tmp_path, svg)


@pytest.mark.parametrize("svg", [
    # a pattern drawn by each of its own tiles' shapes, ten levels down
    HEAD + "".join(f'<pattern id="p{n}">' + f'<rect fill="url(#p{n - 1})"/>' * 10 + "</pattern>" for n in range(1, 9))
    + '<pattern id="p0"><rect/></pattern><rect fill="url(#p8)"/></svg>',
    # a marker with 1,000 vertices' worth of markers at each of 1,000 vertices
    HEAD + '<marker id="m1"><polyline marker-mid="url(#m0)" points="' + "1,2 " * 1000 + '"/></marker><marker id="m0"><rect/></marker>'
    + '<polyline marker-mid="url(#m1)" points="' + "1,2 " * 1000 + '"/></svg>',
    # <use> multiplied through a stylesheet's mask on every <g>
    HEAD + '<style>g { mask: url(#k) }</style><mask id="k">' + '<rect/>' * 1000 + '</mask>' + '<g/>' * 1000 + '</svg>',
])  # fmt: skip
def test_other_references_count_towards_the_budget(tmp_path: Path, svg: str):
    assert f"would draw more than {MAX_SVG_DRAWN:,} elements" in refusal(tmp_path, svg)


def test_nesting_through_use_is_bounded(tmp_path: Path):
    """Each level is shallow in the file; drawn, the <use> chain nests 150 deep."""
    chain = "".join(f'<g id="g{n}"><use href="#g{n - 1}"/></g>' for n in range(1, 150))
    message = refusal(tmp_path, HEAD + '<g id="g0"/>' + chain + "</svg>")
    assert f"nests elements more than {MAX_SVG_DEPTH} deep" in message


@pytest.mark.parametrize("attributes, found", [
    ('width="1e9" height="10"', "is 1e9 wide"),
    ('width="10" height="5000in"', "is 5000in high"),
    ('viewBox="0 0 1e300 1e300"', "has a viewBox beyond"),
])  # fmt: skip
def test_absurd_dimensions_are_refused(tmp_path: Path, attributes: str, found: str):
    message = refusal(tmp_path, f'<svg xmlns="http://www.w3.org/2000/svg" {attributes}><rect width="1" height="1"/></svg>')
    assert found in message and (found != "is 1e9 wide" or f"{MAX_SVG_SIZE:,} pixels" in message)


@pytest.mark.parametrize("found, element", OUTSIDE)
def test_a_reference_outside_the_drawing_is_refused(tmp_path: Path, found: str, element: str):
    message = refusal(tmp_path, HEAD + element + "</svg>")
    found = found[1:] if found.startswith("!") else f"refers to {found}"  # "!": the error's own verb
    assert message.startswith(f"manuscript/chapters/one.md:5: image images/fig.svg {found}"), message
    assert "embed the image in the drawing, or export it again as plain SVG" in message


def test_an_external_entity_is_refused_though_never_read(tmp_path: Path):
    """Declared, it ships in the file for a reader that loads external entities (used, presswork
    cannot read the drawing and calls it damaged)."""
    svg = '<!DOCTYPE svg [<!ENTITY e SYSTEM "https://x.example/e.xml">]>\n' + HEAD + "<title>A</title></svg>"
    assert "refers to something outside itself (the entity e)" in refusal(tmp_path, svg)


def test_the_standard_doctype_of_an_export_is_no_reference(tmp_path: Path):
    check(tmp_path, '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' + GOOD)


def test_an_embedded_pixel_bomb_is_refused(tmp_path: Path):
    from base64 import b64encode
    from io import BytesIO

    from PIL import Image

    png = BytesIO()
    Image.new("1", (20_000, 10_000)).save(png, "PNG")
    svg = HEAD + f'<image href="data:image/png;base64,{b64encode(png.getvalue()).decode()}"/></svg>'
    assert "embeds an image of more than 100 million pixels" in refusal(tmp_path, svg)


def test_a_large_editor_export_passes_quickly(tmp_path: Path):
    """40,000 styled paths in 20 layers, each filled with a gradient and blurred by url(#…)."""
    paths = '<path style="fill:url(#g);stroke:#000;stroke-width:0.26;filter:url(#f)" d="m 1,2 10,10 5,-3 z"/>' * 2000
    layers = "".join(f'<g id="layer{n}">{paths}</g>' for n in range(20))
    started = time.perf_counter()
    check(tmp_path, HEAD + '<defs><linearGradient id="g"><stop offset="0"/></linearGradient><filter id="f">'
          '<feGaussianBlur stdDeviation="2"/></filter></defs>' + layers + "</svg>")  # fmt: skip
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("fmt, product", [("epub", "a-small-book.epub"), ("kobo", "a-small-book.kepub.epub"),
                                          ("web", "a-small-book-web")])  # fmt: skip
def test_a_reference_outside_is_never_shipped(small_book, tmp_path: Path, fmt: str, product: str):
    root = small_book({"manuscript/chapters/one.md": CHAPTER, "images/fig.svg": HEAD + OUTSIDE[0][1] + "</svg>"})
    result = build(root, "--out", str(tmp_path / "out"), fmt=fmt)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    [error] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert error.startswith("error: manuscript/chapters/one.md:5: image images/fig.svg refers to 'https://tracker.example/p.png'")
    assert not (tmp_path / "out" / product).exists()


def test_a_drawing_with_internal_references_builds_and_passes_epubcheck(small_book, tmp_path: Path):
    root = small_book({"manuscript/chapters/one.md": CHAPTER, "images/fig.svg": GOOD})
    check(tmp_path, GOOD)
    result = build(root, "--out", str(tmp_path / "out"), fmt="epub")
    assert result.exit_code == 0, result.output
    epub = tmp_path / "out" / "a-small-book.epub"
    with zipfile.ZipFile(epub) as archive:
        assert [archive.read(n) for n in archive.namelist() if n.endswith(".svg")] == [GOOD.encode()]
    assert problems(run_epubcheck(epub, tmp_path)) == []
    assert build(root, "--out", str(tmp_path / "pdf"), fmt="pdf").exit_code == 0


# The attack review of 031bbd2: each way it found past the checks, now refused.
def test_a_use_bomb_hidden_behind_a_second_href_is_refused(tmp_path: Path):
    """WeasyPrint follows xlink:href first, browsers href: each <use> names one tiny rectangle by
    href and the level below by xlink:href, 10^7 rectangles in all (the old count read href only)."""
    levels = "".join(f'<g id="l{n}">' + f'<use href="#l0" xlink:href="#l{n - 1}"/>' * 10 + "</g>" for n in range(1, 8))
    svg = HEAD + '<defs><rect id="l0" width="1" height="1"/>' + levels + '</defs><use href="#l0" xlink:href="#l7"/></svg>'
    started = time.perf_counter()
    assert f"would draw more than {MAX_SVG_DRAWN:,} elements" in refusal(tmp_path, svg)
    assert time.perf_counter() - started < 1


def test_a_reference_counts_by_the_id_weasyprint_looks_up(tmp_path: Path):
    """WeasyPrint %-encodes a fragment before looking it up: #é names id="%C3%A9" there."""
    svg = HEAD + '<defs><g id="%C3%A9">' + "<rect/>" * 1000 + '</g><g id="b">' + '<use href="#é"/>' * 1000 + '</g></defs><use href="#b"/></svg>'
    assert f"would draw more than {MAX_SVG_DRAWN:,} elements" in refusal(tmp_path, svg)


@pytest.mark.parametrize("text, uses", [(20_000, 1000), (60_000, 1)])
def test_text_counts_each_character_towards_the_budget(tmp_path: Path, text: int, uses: int):
    """WeasyPrint lays out each glyph on its own (about 70 µs each): 20,000 characters drawn 1,000
    times (43 KB) ran for more than 120 s."""
    svg = (HEAD.replace('xmlns:xlink="http://www.w3.org/1999/xlink" ', "") + f'<defs><text id="t" font-size="1">{"W" * text}</text></defs>'
           + "".join(f'<use href="#t" y="{n % 100}"/>' for n in range(uses)) + "</svg>")  # fmt: skip
    started = time.perf_counter()
    assert f"would draw more than {MAX_SVG_GLYPHS:,} characters of text" in refusal(tmp_path, svg)
    assert time.perf_counter() - started < 1


def test_a_drawing_with_labels_passes(tmp_path: Path):
    """2,000 labels of 20 characters in tspans, a tref, a textPath: 40,000 characters."""
    labels = "".join(f'<text x="{n % 40}" y="{n % 20}"><tspan>Station {n:05}</tspan> and more</text>' for n in range(2000))
    check(tmp_path, HEAD + f'<path id="p" d="M0 0 h40"/><text id="s">A</text>{labels}'
          '<text><textPath href="#p">Along the road</textPath><tref xlink:href="#s"/></text></svg>')  # fmt: skip


@pytest.mark.parametrize("doctype, found", [
    ('<!DOCTYPE svg [<!ATTLIST image href CDATA "https://x.example/p.png">]>', "declares attribute defaults (<!ATTLIST image href>)"),
    ('<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]>', "declares attribute defaults (<!ATTLIST svg onload>)"),
    ("<!DOCTYPE svg [<!ENTITY % p \"<!ATTLIST image href CDATA 'x.png'>\">]>", "declares a parameter entity (%p)"),
    ("<!DOCTYPE svg [<!ELEMENT svg ANY>]>", "declares elements (<!ELEMENT svg>)"),
    ('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://evil.example/svg11.dtd">', "names a DTD other than SVG's ('http://evil.example/svg11.dtd')"),
    ('<!DOCTYPE svg SYSTEM "svg11.dtd">', "names a DTD other than SVG's ('svg11.dtd')"),
])  # fmt: skip
def test_a_doctype_that_changes_the_drawing_or_fetches_is_refused(tmp_path: Path, doctype: str, found: str):
    """expat (WeasyPrint's parser) applies an <!ATTLIST> default that lxml (the checks') does not
    see: <image/> would fetch https://x.example/p.png, <svg> would run script."""
    message = refusal(tmp_path, f'<?xml version="1.0"?>\n{doctype}\n{HEAD}<image width="5" height="5"/></svg>')
    assert f"images/fig.svg {found}" in message and "remove the DOCTYPE" in message, message


def test_an_illustrator_doctype_with_text_entities_passes(tmp_path: Path):
    check(tmp_path, '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" '
          '[<!ENTITY ns_svg "http://www.w3.org/2000/svg"><!ENTITY st0 "fill:#c00;">]>\n'
          '<svg xmlns="&ns_svg;" width="10" height="10"><rect style="&st0;" width="5" height="5"/></svg>')  # fmt: skip


@pytest.mark.parametrize("found, element", [
    ("'https://x.example/a.png' outside itself (<set to>)", '<image width="4" height="4"><set attributeName="xlink:href" to="https://x.example/a.png"/></image>'),
    ("'https://x.example/a.png' outside itself (<animate values>)",
     '<image width="4" height="4"><animate attributeName=" xlink:href" values="#a; https://x.example/a.png" dur="1s"/></image>'),
    ("'https://x.example/a.png' outside itself (<set to>)", '<rect width="4" height="4"><set attributeName="fill" to="url(https://x.example/a.png)"/></rect>'),
    ("'https://x.example/a.css' outside itself (<style>)", '<style>rect{fill:red}<!-- c -->rect{fill:url(https://x.example/a.css)}</style>'),
    ("something outside itself (<style> @import)", '<style>rect{fill:red}<?pi x?>@import url(https://x.example/a.css);</style>'),
    ("'https://x.example/a.png' outside itself (<style>)", '<style><![CDATA[rect{fill:red}]]><![CDATA[rect{fill:url(https://x.example/a.png)}]]></style>'),
    ("'https://x.example/a.png' outside itself (<img srcset>)",
     f'<foreignObject width="9" height="9"><img xmlns="http://www.w3.org/1999/xhtml" srcset="{PNG_1PX} 1x, https://x.example/a.png 2x"/></foreignObject>'),
    ("'https://x.example/a.png' outside itself (<link imagesrcset>)",
     '<foreignObject width="9" height="9"><link xmlns="http://www.w3.org/1999/xhtml" rel="preload" as="image" imagesrcset="#a 1x,https://x.example/a.png 2x"/></foreignObject>'),
    ("'https://x.example/p' outside itself (<a ping>)", '<foreignObject width="9" height="9"><a xmlns="http://www.w3.org/1999/xhtml" ping="#a https://x.example/p">x</a></foreignObject>'),
])  # fmt: skip
def test_a_reference_outside_found_by_the_attack_review_is_refused(tmp_path: Path, found: str, element: str):
    """Animations naming a prefixed attribute (once an internal error), the whole text of a <style>
    split by a comment, instruction or CDATA (once read up to the split), each URL of a srcset."""
    message = refusal(tmp_path, HEAD + element + "</svg>")
    assert f"images/fig.svg refers to {found}" in message, message


@pytest.mark.parametrize("style, found", [
    ("<style>a{" + "[" * 20_000 + "}</style>", "nests CSS more than 32 deep"),
    ("<style>" + ":not(" * 3000 + "rect" + ")" * 3000 + "{fill:url(#g)}</style>", "nests CSS more than 32 deep"),
    ('<rect style="fill:\\75 rl(#g)' + "(" * 20_000 + '"/>', "nests CSS more than 32 deep"),
    ("<style>" + "g " * 3000 + "rect{fill:url(#g)}</style>", "has a CSS selector of more than 100 parts"),
    ("<style>" + "g>" * 90 + "g :is(b, " + "g>" * 49 + "rect){fill:url(#g)}</style>", "has a CSS selector of more than 100 parts"),
    ("<style>:has(:not(.b[x].b[x]a.ba)){fill:url(#g)}</style>", "has a CSS selector WeasyPrint cannot read"),
])  # fmt: skip
def test_css_too_deep_for_the_checks_is_one_error(tmp_path: Path, style: str, found: str):
    """Each was an internal error (RecursionError, or cssselect2's generated code a SyntaxError)."""
    message = refusal(tmp_path, HEAD + '<linearGradient id="g"/>' + style + "<rect/></svg>")
    assert f"images/fig.svg {found}" in message, message


@pytest.mark.parametrize("box", ["0 0 nan 1", "0 0 infinity 1", "0,0,1e999,1"])
def test_a_viewbox_that_is_no_number_is_refused(tmp_path: Path, box: str):
    assert f"has a viewBox beyond ±1e+09 or not numbers ({box})" in refusal(tmp_path, f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}"/>')


def test_markers_count_every_vertex_of_an_h_or_v_path(tmp_path: Path):
    """2,500 one-number segments are 2,500 vertices (counted 1,250 before), each drawing 100 elements."""
    svg = HEAD + '<marker id="m">' + "<rect/>" * 100 + '</marker><path marker-mid="url(#m)" d="M0 0' + " h1 v1" * 1250 + '"/></svg>'
    assert f"would draw more than {MAX_SVG_DRAWN:,} elements" in refusal(tmp_path, svg)
