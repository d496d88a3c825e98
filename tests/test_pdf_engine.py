"""The PDF engine's parts (presswork/pdf/), each on a small PDF made here: what assembly relies on
each to do, without laying out a book."""

from __future__ import annotations

import ast
import io
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pypdf
import pytest
from weasyprint import HTML

import presswork.pdf
from presswork.layout.embedding import stand_in
from presswork.layout.pieces import PIECES_URL
from presswork.pdf.destinations import link_pieces, named_destinations, piece_destinations
from presswork.pdf.faces import cid_widths, face_identity
from presswork.pdf.folios import stamp
from presswork.pdf.outline import add_outline
from presswork.pdf.subset_tags import tag_fonts
from presswork.pdf.subsets import merge_subsets
from presswork.render import fonts as book_fonts
from presswork.weasy import layout as weasy

PACKAGE = Path(presswork.pdf.__file__).parent


def test_the_engine_imports_no_backend_and_no_command():
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [{0: "", 1: "presswork.pdf.", 2: "presswork."}[node.level] + (node.module or "")]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            assert not any(name.startswith(("presswork.backends", "presswork.commands")) for name in names), path


def pdf_with_pages(count: int, height: float = 200) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for _ in range(count):
        pdf.add_blank_page(page_size=(100, height))
    return pdf


def test_widths_read_both_forms_of_a_cidfont_w_array():
    assert cid_widths(pikepdf.Array([1, [500, 600], 10, 12, 250])) == {1: 500, 2: 600, 10: 250, 11: 250, 12: 250}


def test_anything_but_a_font_has_no_identity():
    assert face_identity(b"not a font") is None
    face = (book_fonts.FONT_DIR / book_fonts.FACES[0].file).read_bytes()
    assert face_identity(face)[0] == "LinLibertineO"


def stamped() -> bytes:
    pdf = pdf_with_pages(1)
    page = pdf.pages[0]
    page.contents_add(b"0 0 m 10 10 l S\n")
    form = pikepdf.Stream(pdf, b"0 0 m 5 5 l S", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                          BBox=[0, 0, 100, 200])  # fmt: skip
    stamp(page, form, pikepdf.Name("/Folio7"))
    operators = [str(operator) for _, operator in pikepdf.parse_content_stream(page)]
    assert operators[0] == "q" and operators[-2:] == ["Do", "Q"] and "/Folio7" in page.Resources.XObject
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def test_a_stamp_draws_over_the_page_under_the_name_given_so_the_bytes_repeat():
    assert stamped() == stamped()


def test_links_between_pieces_become_links_to_named_destinations_and_others_stay():
    pdf = pdf_with_pages(1)

    def link(uri: str) -> pikepdf.Dictionary:
        action = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(uri))
        return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                                     Rect=[0, 0, 10, 10], A=action))  # fmt: skip

    pdf.pages[0].Annots = pikepdf.Array([link(PIECES_URL + "#ch-01-ink"), link("https://example.org/#ch-01-ink")])
    link_pieces(pdf)
    inner, outer = pdf.pages[0].Annots
    assert inner.Dest == "ch-01-ink" and "/A" not in inner
    assert outer.A.URI == "https://example.org/#ch-01-ink" and "/Dest" not in outer


def piece_with_destinations(*names: tuple[str, int]) -> SimpleNamespace:
    """A piece of two pages whose PDF names a destination on each page given."""
    pdf = pdf_with_pages(2)
    flat = pikepdf.Array()
    for name, page in names:
        flat.extend([pikepdf.String(name), pikepdf.Array([pdf.pages[page].obj, pikepdf.Name.XYZ, 0, 150, 0])])
    pdf.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=flat))
    return SimpleNamespace(laid=pdf)


def test_named_destinations_point_at_the_pieces_pages_in_one_sorted_list():
    first = piece_with_destinations(("intro", 0), ("zeta", 1))
    second = piece_with_destinations(("alpha", 1))
    out = pdf_with_pages(0)
    out.pages.extend(first.laid.pages)  # page 0, 1
    out.pages.append(out.pages[0])  # a blank verso stands in at page 2
    out.pages.extend(second.laid.pages)  # page 3, 4
    placed = {(id(first), 0): 0, (id(first), 1): 1, (id(second), 0): 3, (id(second), 1): 4}
    named_destinations(out, [first, second], piece_destinations, placed)
    names = out.Root.Names.Dests.Names
    pages = [page.objgen for page in out.pages]
    found = [(str(name), pages.index(dest[0].objgen), float(dest[3])) for name, dest in zip(names[::2], names[1::2])]
    assert found == [("alpha", 4, 150), ("intro", 0, 150), ("zeta", 1, 150)]


def test_the_outline_nests_across_pieces_and_counts_blank_versos():
    page = SimpleNamespace(bookmarks=[(1, "One", (0, 0), "open")], height=200)
    child = SimpleNamespace(bookmarks=[(2, "One, first", (10, 20), "closed"), (3, "Deeper", (0, 40), "open")],
                            height=200)  # fmt: skip
    piece = SimpleNamespace(laid=SimpleNamespace(pages=[page, child]))
    out = pdf_with_pages(3)
    add_outline(out, [(False, "1", piece, 0), (False, "2", None, 0), (False, "3", piece, 1)])
    pages = [page.objgen for page in out.pages]
    with out.open_outline() as outline:
        (one,) = outline.root
        (first,) = one.children
        assert (one.title, first.title, [item.title for item in first.children]) == ("One", "One, first", ["Deeper"])
        assert first.is_closed and not one.is_closed
        destination = first.destination
        assert pages.index(destination[0].objgen) == 2 and [float(x) for x in destination[2:4]] == [7.5, 135]


def font_program(pdf: pikepdf.Pdf, data: bytes, base: str) -> pikepdf.Dictionary:
    descriptor = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name(base),
                                                      FontFile2=pikepdf.Stream(pdf, data)))  # fmt: skip
    return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType,
                                                BaseFont=pikepdf.Name(base), FontDescriptor=descriptor))  # fmt: skip


def test_each_font_program_gets_a_tag_from_its_bytes_and_identical_ones_are_kept_once():
    pdf = pdf_with_pages(0)
    same, again, other = (font_program(pdf, data, "/AAAAAA+Face") for data in (b"one", b"one", b"two"))
    tag_fonts(pdf)
    tags = [str(font.BaseFont)[1:7] for font in (same, again, other)]
    assert tags[0] == tags[1] != tags[2] and all(tag.isalpha() and tag.isupper() for tag in tags)
    assert all(str(font.BaseFont)[7:] == "+Face" == str(font.FontDescriptor.FontName)[7:] for font in (same, other))
    assert same.FontDescriptor.FontFile2.objgen == again.FontDescriptor.FontFile2.objgen
    assert same.FontDescriptor.FontFile2.objgen != other.FontDescriptor.FontFile2.objgen


def weasyprint_page(text: str, stood_in: bool = False) -> pikepdf.Pdf:
    """A page WeasyPrint writes with the book face; `stood_in`: as a piece is written, the face's
    program a stand-in (`embedding.stand_in`)."""
    face = book_fonts.FONT_DIR / book_fonts.FACES[0].file
    css = f"@font-face {{ font-family: Book; src: url({face.as_uri()}) }} body {{ font-family: Book }} @page {{ size: 200px }}"
    weasy.faces_written_as_stand_ins()
    with weasy.faces_stood_in({face.read_bytes(): stand_in(face.read_bytes())} if stood_in else {}):
        return pikepdf.open(io.BytesIO(HTML(string=f"<style>{css}</style><p>{text}</p>").write_pdf()))


def programs(pdf: pikepdf.Pdf) -> list[bytes]:
    return [obj.FontFile3.read_bytes() for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and "/FontFile3" in obj]


def test_a_piece_embeds_a_stand_in_for_a_book_face_which_names_it():
    face = (book_fonts.FONT_DIR / book_fonts.FACES[0].file).read_bytes()
    [program] = programs(weasyprint_page("Lampblack", stood_in=True))
    assert program == stand_in(face) and len(program) < 100
    assert face_identity(program) == face_identity(face)
    [subset] = programs(weasyprint_page("Lampblack"))  # WeasyPrint's own subset, outside a typesetter's write
    assert subset[:4] == face[:4] and len(subset) > 1000 and face_identity(subset) == face_identity(face)


@pytest.mark.parametrize("stood_in", [False, True])
def test_the_pieces_subsets_of_a_book_face_become_one_font_that_sets_every_piece(stood_in: bool):
    pieces = [weasyprint_page("Lampblack", stood_in), weasyprint_page("varnish", stood_in)]
    out = pdf_with_pages(0)
    for piece in pieces:
        out.pages.extend(piece.pages)

    def fonts() -> list[pikepdf.Dictionary]:
        return list({font.objgen: font for page in out.pages for font in page.Resources.Font.values()}.values())

    glyphs = [set(cid_widths(font.DescendantFonts[0].W)) for font in fonts()]
    assert len(glyphs) == 2 and glyphs[0] != glyphs[1]
    merge_subsets(out)
    (merged,) = fonts()
    assert set(cid_widths(merged.DescendantFonts[0].W)) == glyphs[0] | glyphs[1]
    buffer = io.BytesIO()
    out.save(buffer)
    assert [page.extract_text().strip() for page in pypdf.PdfReader(buffer).pages] == ["Lampblack", "varnish"]
    MERGED[stood_in] = merged.DescendantFonts[0].FontDescriptor.FontFile3.read_bytes()
    if len(MERGED) == 2:  # from stand-ins, the subset the pieces' own subsets give
        assert MERGED[True] == MERGED[False] and len(MERGED[True]) > 1000


MERGED: dict[bool, bytes] = {}
