"""The WeasyPrint boundary (presswork/weasy/): one test per private name it relies on, so that a
WeasyPrint upgrade fails here, naming the hook, rather than in a user's build; and the one-line
refusal of a WeasyPrint outside the range."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import io
import tomllib
from importlib import metadata

import pikepdf
import weasyprint.layout as layout_module
import pytest
from click.testing import CliRunner
from conftest import ROOT
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from presswork import weasy
from presswork.cli import main
from presswork.render import fonts
from presswork.weasy import layout, marginboxes, notearea, output, relayout

FACE = fonts.FACES[0]
PAGE_CSS = f"""@font-face {{ font-family: "{fonts.FAMILY}"; src: url("{(fonts.FONT_DIR / FACE.file).as_uri()}"); }}
@page {{ size: 400px; margin: 20px }} html {{ font-family: "{fonts.FAMILY}"; font-size: 16px }}
.note {{ float: footnote }}"""
HTML_TEXT = ('<h1 id="one">One</h1><h2>Sub</h2><p id="p">Ink on paper<span class="note">A note.</span></p>'
             '<p><a href="#one">back</a></p>')  # fmt: skip


@pytest.fixture(scope="module")
def document():
    font_config = FontConfiguration()  # without it, @font-face is ignored
    return HTML(string=HTML_TEXT).render(stylesheets=[CSS(string=PAGE_CSS, font_config=font_config)], font_config=font_config)


@pytest.fixture(scope="module")
def pdf(document) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(document.write_pdf()))


# -- layout hooks ------------------------------------------------------------------------------
def test_linebox_layout_holds_the_notes_decision_once():
    """keep_notes_with_their_calls: the source of `block._linebox_layout` holds the one line it edits."""
    original = getattr(layout.block._linebox_layout, "__wrapped__", layout.block._linebox_layout)
    assert inspect.getsource(original).count(layout.DEFER_NOTES) == 1
    assert layout.keep_notes_with_their_calls() and layout.block._linebox_layout.__wrapped__ is original


def test_page_box_and_its_page_type(document):
    """page_box, page_type: `Page._page_box` and its `page_type` (`blank`, `name`)."""
    page = document.pages[0]
    assert layout.page_box(page) is page._page_box
    kind = layout.page_type(page)
    assert kind.blank is False and kind.name == ""


def test_page_flow_and_notes(document):
    """page_flow, page_notes: the flow is the page box's first child; notes sit in a footnote area."""
    page = document.pages[0]
    assert any(b.element_tag.endswith("::footnote-call") for b in layout.page_flow(page).descendants())
    assert ["A note."] == ["".join(b.element.itertext()) for b in layout.page_notes(page)]


def test_page_lines_and_the_room_of_the_flow(document):
    """page_lines, flow_room: the flow's `LineBox`es; the top of the page's content box, the top of
    the footnote area (its margin included) when the page holds notes, and the page box's
    `margin_bottom`."""
    page = document.pages[0]
    lines = layout.page_lines(page)
    assert lines and all(type(line).__name__ == "LineBox" for line in lines)
    top, foot, margin = layout.flow_room(page)
    assert top == 20 and margin == 20 and lines[-1].position_y + lines[-1].height <= foot < 400 - 20  # the notes sit above the margin
    assert next(layout.page_notes(page)).position_y >= foot


def test_box_attributes_the_callers_read(document):
    """The box tree's attributes footnotes.py and indexlinks.py read (weasy/layout.py's docstring)."""
    flow = layout.page_flow(document.pages[0])
    blocks = layout.flow_blocks(flow)
    assert blocks and all(hasattr(b, "style") and b.style["break_after"] for b in blocks)
    text = next(b for b in layout.page_box(document.pages[0]).descendants() if layout.is_text(b))
    for name in ("element", "element_tag", "text", "position_x", "position_y", "pango_layout"):
        assert hasattr(text, name), name
    assert callable(flow.all_children) and callable(flow.margin_height)


def test_character_positions_through_pango(document):
    """character_positions: `pango_layout_index_to_pos` declared on WeasyPrint's cffi handle, on a
    text box's layout made live again with `reactivate`."""
    text = next(b for b in layout.page_box(document.pages[0]).descendants() if layout.is_text(b) and b.text == "Ink on paper")
    with layout.character_positions(text) as x:
        assert 0 == x(0) < x(4) < x(len(b"Ink on paper"))


def test_a_link_added_after_layout_is_written():
    """external_link: WeasyPrint's link writer takes (type, target, rectangle, box) with the box's
    `link_annotation`."""
    document = HTML(string="<p>x</p>").render()
    document.pages[0].links.append(layout.external_link("https://example.invalid/", (0, 0, 10, 10)))
    pdf = pikepdf.open(io.BytesIO(document.write_pdf()))
    [annot] = pdf.pages[0].Annots
    assert str(annot.A.URI) == "https://example.invalid/"


def test_font_subsetter_uses_an_open_array_type():
    """subset_with_open_arrays: `weasyprint.pdf.fonts.ffi` wrapped, so that sized array types are
    parsed once (cffi's `_parsed_types` cache does not grow with each N)."""
    from weasyprint.text.ffi import ffi

    layout.subset_with_open_arrays()
    layout.subset_with_open_arrays()
    assert isinstance(layout.pdf_fonts.ffi, layout._OpenArrays) and layout.pdf_fonts.ffi._ffi is ffi
    layout.pdf_fonts.ffi.new("hb_codepoint_t[2]", [0, 1])
    known = len(ffi._parsed_types)
    arrays = [layout.pdf_fonts.ffi.new(f"hb_codepoint_t[{n}]", list(range(n))) for n in (3, 5, 711)]
    assert [len(a) for a in arrays] == [3, 5, 711] and list(arrays[1]) == [0, 1, 2, 3, 4]
    assert len(ffi._parsed_types) == known


def test_raster_images_are_known_by_the_md5_of_their_url_and_written_by_get_x_object(tmp_path):
    """raster_image_id, images_written_as_stored: a raster image's `id` is the MD5 of the URL
    `html.parse_url` makes of its src; `RasterImage.get_x_object(interpolate, dpi_ratio)` calls
    the static `_get_png_data(pillow_image)` for the samples of a PNG without alpha."""
    from PIL import Image
    from weasyprint.images import RasterImage

    Image.new("RGB", (4, 3), (10, 20, 30)).save(tmp_path / "a.png")
    document = HTML(string='<img src="a.png">', base_url=tmp_path.as_uri() + "/").render()
    [image] = [box.replacement for box in layout.page_box(document.pages[0]).descendants() if hasattr(box, "replacement")]
    assert image.id == layout.raster_image_id("a.png", tmp_path.as_uri() + "/")
    original = getattr(RasterImage.get_x_object, "__wrapped__", RasterImage.get_x_object)
    assert list(inspect.signature(original).parameters) == ["self", "interpolate", "dpi_ratio"]
    assert isinstance(inspect.getattr_static(RasterImage, "_get_png_data"), staticmethod)
    assert "self._get_png_data(" in inspect.getsource(original)
    layout.images_written_as_stored()
    layout.images_written_as_stored()
    assert RasterImage.get_x_object.__wrapped__ is original


def test_a_faces_program_is_cleaned_once_before_it_is_embedded():
    """faces_written_as_stand_ins: `Font.clean(to_unicode, hinting)` is called for each face a
    document uses before `build_fonts_dictionary` embeds `font.file_content`, and its widths and
    ToUnicode map come from the `Font` when the face is subset."""
    from weasyprint.pdf import fonts as pdf_fonts

    original = getattr(pdf_fonts.Font.clean, "__wrapped__", pdf_fonts.Font.clean)
    assert list(inspect.signature(original).parameters) == ["self", "to_unicode", "hinting"]
    source = inspect.getsource(pdf_fonts.build_fonts_dictionary)
    assert source.index("font.clean(to_unicode") < source.index("pydyf.Stream([font.file_content]")
    assert "font_widths = font.widths" in source and "to_unicode = font.to_unicode" in source
    layout.faces_written_as_stand_ins()
    layout.faces_written_as_stand_ins()
    assert pdf_fonts.Font.clean.__wrapped__ is original


def test_relayout_relies_on_the_sources_it_was_checked_with():
    """relayout: the functions it drives (`layout_document`'s pass over `make_all_pages`, which
    takes a page again unless its `page_maker` entry asks otherwise; `remake_page`'s comparison of
    where the next page begins; the `StyleFor` page cascade) have the source checked;
    `weasyprint.layout.make_all_pages` is wrapped; a `LayoutContext` holds the attributes the hook
    copies or shares; a sheet with no element rule has a `Matcher` of `order` 0."""
    import weasyprint.layout
    from weasyprint.layout import LayoutContext

    assert relayout.sources_digest() in relayout.CHECKED
    assert relayout.available() and hasattr(weasyprint.layout.make_all_pages, "__wrapped__")
    context = LayoutContext(None, lambda **_: None, None, None, None)
    assert set(vars(context)) | {"page_maker"} == relayout._CONTEXT
    assert CSS(string="@page :nth(2) { margin: 0 }").matcher.order == 0 < CSS(string="p { margin: 0 }").matcher.order


def test_a_kept_layout_has_the_shape_relayout_copies():
    """relayout: a `page_maker` entry is (resume_at, next_page, right_page, page_state,
    remake_state), `page_state[1]` the page counters with `pages` the page count once laid out; a
    page box's children as `make_all_pages` leaves them are the flow root, the footnote area and
    the note area; a page rule's selectors are (specificity, pseudo type, page selector type)."""
    font_config = FontConfiguration()
    kept = relayout.render(HTML(string=HTML_TEXT), [CSS(string=PAGE_CSS, font_config=font_config)], font_config=font_config)
    assert kept.layout is not None and len(kept.layout.starts) == len(kept.layout.pages) + 1 == 2
    *_, page_state, remake_state = kept.layout.context.page_maker[0]
    assert page_state[1]["pages"] == [1] and {"content_changed", "pages_wanted"} <= set(remake_state)
    page = kept.layout.pages[0]
    assert [type(box).__name__ for box in page.children] == ["BlockBox", "FootnoteAreaBox", "BlockBox"]
    [(_, [(_, pseudo, selector)], _)] = CSS(string="@page :nth(2) { margin: 0 }").page_rules
    assert pseudo is None and selector.index == (0, 2, None)


# -- output hooks ------------------------------------------------------------------------------
def test_bookmark_nesting_function_and_matrix(document):
    """bookmark_tree: `make_page_bookmark_tree`'s six arguments and `Matrix(a, d, f)`."""
    from weasyprint.anchors import make_page_bookmark_tree

    parameters = list(inspect.signature(make_page_bookmark_tree).parameters)
    assert parameters == ["page", "skipped_levels", "last_by_depth", "previous_level", "page_number", "matrix"]
    page = document.pages[0]
    [(title, (number, _, _), [(child, *_)], state)] = output.bookmark_tree([(0, page.bookmarks, page.height)])
    assert (title, number, child, state) == ("One", 0, "Sub", "open")


def test_subset_font_shape_and_its_to_unicode_map(pdf):
    """subset_fonts, to_unicode: a book face written as a Type0 font over a CIDFontType0 in
    /FontFile3, its ToUnicode map single-glyph entries."""
    maps = [output.to_unicode(font.ToUnicode) for font in output.subset_fonts(pdf)]
    assert maps and all(maps) and any(b"0049" in cmap.values() for cmap in maps)  # the "I" of "Ink"


def test_content_stream_and_destination_shapes(pdf):
    """The shapes pdf/folios.py and pdf/destinations.py read: text as `Tf`, `Tm` then a `TJ` run of
    two-byte glyph ids; named destinations as one flat /Names array."""
    operators = [str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0])]
    tj = operators.index("TJ")
    assert "Tf" in operators[:tj] and "Tm" in operators[:tj]
    run = next(operands for operands, op in pikepdf.parse_content_stream(pdf.pages[0]) if str(op) == "TJ")[0]
    assert all(len(bytes(item)) % 2 == 0 for item in run if isinstance(item, pikepdf.String))
    names = pdf.Root.Names.Dests.Names
    assert [str(n) for n in names[::2]] == ["one", "p"]


# -- the version range -------------------------------------------------------------------------
@pytest.mark.parametrize("installed, said", [("67.0", "67.0 is installed"), ("71.0", "71.0 is installed"), (None, "none is installed")])
def test_a_weasyprint_outside_the_range_is_one_line(monkeypatch: pytest.MonkeyPatch, installed: str | None, said: str):
    def version(name: str) -> str:
        if installed is None:
            raise metadata.PackageNotFoundError(name)
        return installed

    monkeypatch.setattr(weasy.metadata, "version", version)
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 1
    assert result.output == (f"error: presswork needs WeasyPrint 68 to 70; {said} — pip install 'weasyprint>=68,<71'\n")


def test_the_range_is_pyprojects_and_holds_the_installed_weasyprint():
    weasy.check_version()
    with open(ROOT / "pyproject.toml", "rb") as file:
        dependencies = tomllib.load(file)["project"]["dependencies"]
    assert f"weasyprint>={weasy.FLOOR},<{weasy.CEILING + 1}" in dependencies


def test_lines_presswork_broke_are_justified_but_the_last():
    """`block.iter_line_boxes`, wrapped: a paragraph marked as set (white space kept, a newline at
    each line's end) has every line but its last filled to the measure, a tight one shrunk; one
    with its white space kept but unmarked (verse, say) is left as WeasyPrint sets it."""
    assert layout.justify_set_lines() and hasattr(layout.block.iter_line_boxes, "__wrapped__")
    lines = "A short line\nand a line that is far too long to fit at its natural spacing\nthe last"
    font_config = FontConfiguration()

    def widths(style: str) -> list[float]:
        page = HTML(string=f'<p style="{style}">{lines}</p>').render(
            stylesheets=[CSS(string=PAGE_CSS + " p { width: 300px; text-align: justify }", font_config=font_config)],
            font_config=font_config).pages[0]  # fmt: skip
        return [box.width for box in layout.page_flow(page).descendants() if type(box).__name__ == "LineBox"]

    short, tight, last = widths(f"white-space: pre; {layout.SET_LINES}: set")
    assert short == pytest.approx(300) and tight == pytest.approx(300) and last < 100
    plain = widths("white-space: pre")
    assert plain[0] < 100 and plain[1] > 300


def test_notes_are_laid_out_as_children_of_the_footnote_area():
    """notes_laid_out_once: `block.block_level_layout`'s parameters; `_in_flow_layout` lays each
    child out with it, the parent as containing block; the footnote area is laid out with no
    bottom limit (`-inf`) each time a note comes or goes (`_update_footnote_area`) and when the
    page is done (`make_page`), so a note in it never breaks."""
    from weasyprint.layout import LayoutContext
    from weasyprint.layout import page as page_layout

    def source(function) -> str:
        return " ".join(inspect.getsource(function).split())

    original = getattr(notearea.block.block_level_layout, "__wrapped__", notearea.block.block_level_layout)
    assert list(inspect.signature(original).parameters) == notearea._PARAMETERS
    assert "block_level_layout( context, child, bottom_space, skip_stack, box," in source(notearea.block._in_flow_layout)
    assert "block_level_layout( self, footnote_area, -inf, None," in source(LayoutContext._update_footnote_area)
    assert "block_level_layout( context, footnote_area, bottom_space=-inf," in source(page_layout.make_page)
    assert notearea.notes_laid_out_once() and notearea.notes_laid_out_once()
    assert notearea.block.block_level_layout.__wrapped__ is original


def test_margin_boxes_are_made_for_each_page_from_its_page_type_and_named_strings():
    """margin_boxes_laid_out_once: `layout_document` lays each page's margin boxes out with
    `make_margin_boxes(context, page, state)`, the name in `weasyprint.layout`; each box's style is
    `context.style_for(page.page_type, at_keyword)` for the sixteen `AT_KEYWORDS`, its content
    built by `content_to_boxes`, a `string()` as `context.get_string_set_for(page, *value)`; a
    computed style keeps its `cascaded` declarations."""
    from weasyprint.formatting_structure import build
    from weasyprint.layout import page as page_layout

    def source(function) -> str:
        return " ".join(inspect.getsource(function).split())

    original = getattr(layout_module.make_margin_boxes, "__wrapped__", layout_module.make_margin_boxes)
    assert original is page_layout.make_margin_boxes and inspect.isgeneratorfunction(original)
    assert list(inspect.signature(original).parameters) == ["context", "page", "state"]
    assert "children.extend(make_margin_boxes(context, page, state))" in source(layout_module.layout_document)
    made = source(original)
    assert "style = context.style_for(page.page_type, at_keyword)" in made and "build.content_to_boxes(" in made
    for side, wheres in (("top", "'left', 'center', 'right'"), ("left", "'top', 'middle', 'bottom'")):
        assert f"suffixes = [{wheres}]" in made and f"('{side}'," in made
    assert all(f"'{corner}'" in made for corner in marginboxes.AT_KEYWORDS[-4:]) and len(marginboxes.AT_KEYWORDS) == 16
    assert "add_text(''.join(context.get_string_set_for(page, *value)))" in source(build.compute_content_list)
    assert isinstance(layout.page_box(HTML(string="<p>x</p>").render().pages[0]).style.cascaded, dict)
    assert marginboxes.margin_boxes_laid_out_once() and marginboxes.margin_boxes_laid_out_once()
    assert layout_module.make_margin_boxes.__wrapped__ is original


@pytest.mark.skipif(not os.access(weasy.LDCONFIG, os.X_OK), reason="no ldconfig: the standard search stays")
def test_weasyprint_finds_its_libraries_with_one_ldconfig_run():
    """`find_libraries_once`: a fresh process loading WeasyPrint runs one `ldconfig -p` (ctypes
    alone runs ldconfig, gcc and ld for each name WeasyPrint tries), and finds what ctypes finds."""
    probe = ("import ctypes.util, subprocess\n"
             "runs = []\n"
             "popen = subprocess.Popen.__init__\n"
             "subprocess.Popen.__init__ = lambda self, args, *a, **k: runs.append(args) or popen(self, args, *a, **k)\n"
             "standard = [ctypes.util.find_library(n) for n in ('c', 'pango-1.0', 'libpango-1.0-0')]\n"
             "del runs[:]\n"
             "from presswork.weasy import find_libraries_once\n"
             "find_libraries_once(); find_libraries_once()\n"
             "import weasyprint.text.ffi\n"
             "found = [ctypes.util.find_library(n) for n in ('c', 'pango-1.0', 'libpango-1.0-0')]\n"
             "print(len(runs), found == standard, found[1])\n")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")})  # fmt: skip
    assert result.stdout.split() == ["1", "True", "libpango-1.0.so.0"], result.stderr
