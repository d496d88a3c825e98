"""Hostile content inside a book: huge paragraphs and files, corrupt and enormous images, styles and
attributes that would leak outside files into a product or make it invalid, and products that must not
depend on where the book lives."""

from __future__ import annotations

import io
import shutil
import struct
import time
import zlib
from pathlib import Path

import pytest
from conftest import BOOK_YAML, problems, run_epubcheck
from hostile import ROOT, World, assert_clean_failure, copy_sample, make_world, products, run
from PIL import Image

from presswork.check.book import check_book
from presswork.errors import Diagnostics
from presswork.load.book import load_book
from presswork.text import markdown


def _long_paragraph(lines: int) -> str:
    """One paragraph of `lines` short lines with quotes, language spans and a note every tenth line."""
    text = [f'Line {i} "quoted" [слово]{{lang=ru}} text.' + (f"[^n{i}]" if i % 10 == 0 else "") for i in range(lines)]
    notes = [f"[^n{i}]: Note {i}." for i in range(0, lines, 10)]
    return "# One\n\n" + "\n".join(text) + "\n\n" + "\n".join(notes) + "\n"


def _load_seconds(small_book, lines: int) -> float:
    root = small_book({"manuscript/chapters/one.md": _long_paragraph(lines)})
    best = float("inf")
    for _ in range(2):
        markdown.KEPT.clear()  # measured is the parse and our rules, not the copy a second load unpickles
        start = time.process_time()
        book = load_book(root, Diagnostics())
        best = min(best, time.process_time() - start)
    assert len(next(book.chapters()).notes) == lines // 10
    return best


@pytest.mark.slow  # loads paragraphs of tens of thousands of lines
def test_loading_a_long_paragraph_takes_time_proportional_to_its_lines(small_book, monkeypatch):
    monkeypatch.setattr(markdown, "MAX_DELIMITERS", 10**6)  # a paragraph this long is refused; measured here is our own rules' work
    small = _load_seconds(small_book, 5_000)
    large = _load_seconds(small_book, 20_000)
    assert large / small < 8, f"4× the lines took {large / small:.1f}× the time ({small:.2f} s → {large:.2f} s)"


def test_a_markdown_file_over_the_size_bound_is_refused_before_it_is_read(small_book):
    root = small_book()
    (root / "manuscript/chapters/one.md").write_bytes(b"# One\n\n" + b"word " * (21 * 2**20 // 5))
    result = run(["build", "epub", root, "--out", root.parent / "out"])
    assert_clean_failure(result, "manuscript/chapters/one.md:1", "MB")
    assert products(root.parent / "out") == []


# -- stylesheets ---------------------------------------------------------------------------


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path, copy_sample(tmp_path))


@pytest.mark.parametrize("linked", ["styles/sample.css", "styles/base.css", "styles"])
def test_a_stylesheet_that_resolves_outside_the_book_is_refused(world: World, linked: str):
    styles = world.book / "styles"
    if linked == "styles":
        shutil.move(styles, world.outside / "styles")
        (world.outside / "styles" / "extra.css").symlink_to(world.outside / "secret.css")
        styles.symlink_to(world.outside / "styles")
    else:
        (world.book / linked).unlink(missing_ok=True)
        (world.book / linked).symlink_to(world.outside / "secret.css")
    before = world.frozen()
    result = run(["build", "epub", world.book, "--out", world.base / "out"])
    assert_clean_failure(result, "styles/", "leaves the book folder")
    assert products(world.base / "out") == []
    assert world.frozen() == before


def test_a_dangling_stylesheet_link_is_a_file_error(world: World):
    (world.book / "styles" / "gone.css").symlink_to(world.book / "styles" / "nothing.css")
    assert_clean_failure(run(["build", "epub", world.book, "--out", world.base / "out"]), "styles/gone.css")


@pytest.mark.parametrize(
    "css",
    [
        '@import "file:///etc/passwd";',
        "@import url(../outside/secret.css);",
        "p { background: url(http://example.com/x.png); }",
        'p { background: url("file:///etc/hosts"); }',
        "p { background: url(/etc/hosts); }",
        "p { background: url(../images/hand-press.png); }",
        '@font-face { font-family: "X"; src: url(../fonts/x.otf); }',
    ],
)
def test_css_that_loads_other_files_is_refused_with_its_line(small_book, css: str):
    root = small_book({"styles/extra.css": f"/* url(comment.png) is no rule */\np {{ content: 'url(a string)'; }}\n{css}\n"})
    result = run(["build", "epub", root, "--out", root.parent / "out"])
    assert_clean_failure(result, "styles/extra.css:3")
    assert products(root.parent / "out") == []


@pytest.mark.parametrize(
    "markdown, line",
    [
        ('Text [word]{lang="xx-!!"} here.', 3),
        ('Text\nmore [word]{lang=""} here.', 4),
        ("## Heading {lang=en_US}", 3),
        ("{lang=1234}\nA paragraph.", 4),
        ("Text.[^a]\n\n[^a]: A note [x]{lang=-ru}.", 5),
    ],
)
def test_an_invalid_language_tag_in_markdown_is_a_file_line_error(small_book, markdown: str, line: int):
    root = small_book({"manuscript/chapters/one.md": f"# One\n\n{markdown}\n"})
    result = run(["build", "epub", root, "--out", root.parent / "out"])
    assert_clean_failure(result, f"manuscript/chapters/one.md:{line}", "language tag")


GLOSSARY = """\
terms:
  - term: press
    original: пресс
    original_lang: {lang}
    definition: {definition}
"""


@pytest.mark.parametrize(
    "files, expected",
    [
        ({"manuscript/chapters/one.md": "# One\n\nTable: A caption ![x](../outside/page.png)\n\n| a |\n|---|\n| 1 |\n"},
         "manuscript/chapters/one.md:3"),
        ({"manuscript/back/glossary.yaml": GLOSSARY.format(lang="ru", definition="A machine ![x](../outside/page.png).")},
         "manuscript/back/glossary.yaml:2"),
        ({"manuscript/back/glossary.yaml": GLOSSARY.format(lang="ru", definition='A [machine]{lang="xx-!!"}.')},
         "manuscript/back/glossary.yaml:2"),
        ({"manuscript/back/glossary.yaml": GLOSSARY.format(lang='"xx-!!"', definition="A machine.")},
         "manuscript/back/glossary.yaml:4"),
        ({"manuscript/back/chronology.yaml": "columns: [Year, Event]\nrows:\n  - [1450, '![x](../outside/page.png)']\n"},
         "manuscript/back/chronology.yaml:3"),
    ],
    ids=["table-caption", "glossary-image", "glossary-lang-span", "glossary-original-lang", "chronology-image"],
)
def test_markdown_outside_chapter_bodies_gets_the_same_checks(tmp_path: Path, small_book, files: dict, expected: str):
    back = [name.removeprefix("manuscript/") for name in files if name.startswith("manuscript/back/")]
    yaml = BOOK_YAML + "".join(f"  back:\n    - {name}\n" for name in back)
    world = make_world(tmp_path / "world", small_book({"manuscript/book.yaml": yaml, **files}))
    shutil.copy(ROOT / "images" / "hand-press.png", world.outside / "page.png")
    before = world.frozen()
    result = run(["build", "epub", world.book, "--out", world.base / "out"])
    assert_clean_failure(result, expected)
    assert products(world.base / "out") == [] and world.frozen() == before


def test_check_does_not_read_a_markdown_file_linked_from_outside(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": "title: [not, loadable]\n"})
    secret = tmp_path / "secret.md"
    secret.write_text("The secret secret of someone else.\n")
    (root / "manuscript/chapters/leak.md").symlink_to(secret)
    found = check_book(root)
    assert found and not any("secret" in p.message or "leak" in p.file for p in found), found


@pytest.mark.parametrize(
    "markdown, message",
    [
        ('Text [word]{href="#one"} here.', "'href' is not allowed"),
        ('Text [word]{src="images/a.png"} here.', "'src' is not allowed"),
        ("{colspan=2}\nA paragraph.", "'colspan' is not allowed"),
        ("{start=abc}\n1. a\n2. b", "whole number"),
        ("{reversed=no}\n1. a\n2. b", "reversed"),
    ],
)
def test_an_attribute_html_does_not_allow_there_is_a_file_line_error(small_book, markdown: str, message: str):
    root = small_book({"manuscript/chapters/one.md": f"# One\n\n{markdown}\n"})
    result = run(["build", "epub", root, "--out", root.parent / "out"])
    assert_clean_failure(result, "manuscript/chapters/one.md:", message)


def test_what_the_book_may_write_in_markdown_and_css_makes_a_valid_epub(small_book, tmp_path: Path):
    root = small_book({
        "manuscript/chapters/one.md": "# One\n\nText [слово]{lang=ru} and [Wort]{lang=de-CH}.[^a]\n\n"
                                      "{lang=sr-Latn}\nA paragraph.\n\n{reversed=\"\" .steps}\n3. Three\n4. Four\n\n"
                                      "[^a]: A note [Satz]{lang=de title=\"A sentence\"}.\n",
        "styles/extra.css": '@namespace epub "http://www.idpf.org/2007/ops";\n'
                            "p { color: #333; }\n/* url(x.png) in a comment */\nh1 { font-variant: small-caps; }\n",
    })  # fmt: skip
    out = tmp_path / "out"
    result = run(["build", "epub", root, "--out", out])
    assert result.exit_code == 0, result.output
    assert problems(run_epubcheck(out / "a-small-book.epub", tmp_path)) == []


# -- images --------------------------------------------------------------------------------


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 80).convert("RGB").save(buffer, kind)
    return buffer.getvalue()


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size (a decompression bomb needs no more than its header to be dangerous)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


FIGURE = "# One\n\nText.\n\n![A figure](images/fig.{ext} \"Caption\")\n"


@pytest.mark.parametrize("kind, ext", [("PNG", "png"), ("JPEG", "jpg")])
def test_a_truncated_image_is_refused_by_build_and_check(small_book, kind: str, ext: str):
    data = _image(kind)
    root = small_book({"manuscript/chapters/one.md": FIGURE.format(ext=ext), f"images/fig.{ext}": data[: len(data) * 2 // 3]})
    result = run(["build", "pdf", root, "--out", root.parent / "out"])
    assert_clean_failure(result, "manuscript/chapters/one.md:5", f"images/fig.{ext}")
    assert products(root.parent / "out") == []
    found = [p for p in check_book(root) if p.severity == "error"]
    assert [(p.file, p.line) for p in found] == [("manuscript/chapters/one.md", 5)] and f"images/fig.{ext}" in found[0].message


def test_a_corrupt_image_body_is_refused(small_book):
    data = bytearray(_image("PNG"))
    data[len(data) // 2 : len(data) // 2 + 64] = bytes(64)  # a damaged block of compressed pixels
    root = small_book({"manuscript/chapters/one.md": FIGURE.format(ext="png"), "images/fig.png": bytes(data)})
    assert_clean_failure(run(["build", "epub", root, "--out", root.parent / "out"]), "one.md:5", "images/fig.png")


@pytest.mark.parametrize("size", [(20_000, 20_000), (12_000, 9_000)])
def test_an_image_of_too_many_pixels_is_a_file_line_error(small_book, size: tuple[int, int]):
    root = small_book({"manuscript/chapters/one.md": FIGURE.format(ext="png"), "images/fig.png": _png_header(*size)})
    assert_clean_failure(run(["build", "epub", root, "--out", root.parent / "out"]), "one.md:5", "images/fig.png", "pixels")
    found = [p for p in check_book(root) if p.severity == "error"]
    assert [(p.file, p.line) for p in found] == [("manuscript/chapters/one.md", 5)]


def test_a_cover_too_big_is_refused_naming_book_yaml(small_book):
    yaml = BOOK_YAML.replace("contents:", "cover: images/cover.png\ncontents:")
    root = small_book({"manuscript/book.yaml": yaml, "images/cover.png": _png_header(20_000, 20_000)})
    assert_clean_failure(run(["build", "epub", root, "--out", root.parent / "out"]), "manuscript/book.yaml:", "images/cover.png")


# -- products do not depend on where the book lives -----------------------------------------


@pytest.mark.parametrize("fmt, suffix", [("pdf", ".pdf"), ("epub", ".epub")])
def test_the_same_book_in_two_folders_gives_the_same_bytes(tmp_path: Path, fmt: str, suffix: str):
    made = []
    for place in ("first", "second/deeper"):
        book = copy_sample(tmp_path / place)
        result = run(["build", fmt, book, "--out", tmp_path / place / "out"])
        assert result.exit_code == 0, result.output
        made.append(next((tmp_path / place / "out").glob(f"*{suffix}")).read_bytes())
        assert str(tmp_path).encode() not in made[-1]
    assert made[0] == made[1]
