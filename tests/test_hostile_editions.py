"""Hostile and careless input against the editions of issue 17 (web, kobo, digital, `watch`'s
preview): what a manuscript may put into them, what a page elsewhere may take from the preview,
and what a user's own changes to an output folder must not cost them."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from conftest import build, problems, run_epubcheck
from test_watch import HOME, serving_site

from presswork.errors import PressworkError
from presswork.files.output import product_files, put_in_place, seal_folder

# A drawing as an editor exports it: a title, a gradient's `offset` (an attribute starting "o"),
# a link to the web; nothing that runs.
SVG = ('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
       'xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20"><title>A red bar</title>'
       '<defs><linearGradient id="g"><stop offset="1" stop-color="#c00"/></linearGradient></defs>'
       '<a xlink:href="https://example.org/presses"><rect width="40" height="20" fill="#c00"/></a></svg>\n')  # fmt: skip
SVG_CHAPTER = "# One\n\nA drawing follows.\n\n![A red bar](images/bar.svg)\n"
# Ways an SVG opened on its own, on the publisher's site, runs script there.
SCRIPTED_SVGS = [  # (what the error names, the SVG)
    ("<script> element", '<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(document.cookie)</script></svg>'),
    ("onload attribute", '<svg xmlns="http://www.w3.org/2000/svg"\nonload="alert(1)"><rect width="4" height="4"/></svg>'),
    ("javascript: link", '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
                         '<a xlink:href=" Java&#9;Script:alert(1)"><rect width="4" height="4"/></a></svg>'),
    ("javascript: link", '<svg xmlns="http://www.w3.org/2000/svg"><a>\n<animate attributeName="href" '
                         'values="https://example.org;javascript:alert(1)"/><rect width="4" height="4"/></a></svg>'),
    ("<script> element", '<!DOCTYPE svg [<!ENTITY s "<script>alert(1)</script>">]>\n'
                         '<svg xmlns="http://www.w3.org/2000/svg">&s;</svg>'),
    ("<iframe> element", '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject width="9" height="9">\n'
                         '<iframe xmlns="http://www.w3.org/1999/xhtml" srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"/>'
                         '</foreignObject></svg>'),
    ("xml-stylesheet instruction", '<?xml-stylesheet type="text/xsl" href="bar.svg"?>\n'
                                   '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
                                   'xsl:version="1.0"><xsl:element name="script">alert(1)</xsl:element></svg>'),
]  # fmt: skip


@pytest.mark.parametrize("fmt, product", [("epub", "a-small-book.epub"), ("kobo", "a-small-book.kepub.epub"),
                                          ("web", "a-small-book-web")])  # fmt: skip
def test_an_svg_image_goes_into_the_edition_as_it_is(small_book, tmp_path: Path, fmt: str, product: str):
    root = small_book({"manuscript/chapters/one.md": SVG_CHAPTER, "images/bar.svg": SVG})
    result = build(root, "--out", str(tmp_path / "out"), fmt=fmt)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out" / product
    if out.is_dir():
        files = {p.name: p.read_bytes() for p in out.rglob("*.svg")}
    else:
        with zipfile.ZipFile(out) as archive:
            files = {Path(n).name: archive.read(n) for n in archive.namelist() if n.endswith(".svg")}
    assert list(files.values()) == [SVG.encode()]
    if out.is_file():
        assert problems(run_epubcheck(out, tmp_path)) == []


@pytest.mark.parametrize("found, svg", SCRIPTED_SVGS)
def test_an_svg_that_can_run_script_is_refused_at_its_figure(small_book, tmp_path: Path, found: str, svg: str):
    """Opened on its own (images/bar.svg on the publisher's site), an SVG runs its scripts, event
    handlers and javascript: links with the site's rights; in a page's <img> it would not."""
    root = small_book({"manuscript/chapters/one.md": SVG_CHAPTER, "images/bar.svg": svg})
    result = build(root, "--out", str(tmp_path / "out"), fmt="web")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    [error] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert error.startswith(f"error: manuscript/chapters/one.md:5: image images/bar.svg can run script ({found})"), error
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fmt", ["epub", "kobo", "digital", "pdf", "kindle"])
def test_a_scripted_svg_is_refused_for_every_product(small_book, tmp_path: Path, fmt: str):
    root = small_book({"manuscript/chapters/one.md": SVG_CHAPTER, "images/bar.svg": SCRIPTED_SVGS[0][1]})
    result = build(root, "--out", str(tmp_path / "out"), fmt=fmt)
    assert result.exit_code == 1 and "can run script (<script> element)" in result.output and not (tmp_path / "out").exists()


@pytest.mark.parametrize("svg", [SVG.replace("</svg>", ""), '<html xmlns="http://www.w3.org/1999/xhtml"><p>A page</p></html>'])
def test_an_svg_file_that_is_not_a_well_formed_svg_is_refused(small_book, tmp_path: Path, svg: str):
    root = small_book({"manuscript/chapters/one.md": SVG_CHAPTER, "images/bar.svg": svg})
    result = build(root, "--out", str(tmp_path / "out"), fmt="epub")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "error: manuscript/chapters/one.md:5: image images/bar.svg is not an image, or is damaged" in result.output


# -- the preview server ---------------------------------------------------------------------
def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}", **headers})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.fixture
def preview_site(tmp_path: Path) -> Iterator[int]:
    index = 'window.PressworkSearch = {"passages": ["UNPUBLISHED TEXT"]};\n'
    with serving_site(tmp_path / "book-web", {"index.html": HOME, "js/search-index.js": index}) as port:
        yield port


def test_a_page_elsewhere_cannot_include_the_previews_search_index(preview_site: int):
    """Any site the author visits while `watch` runs could add <script src="http://127.0.0.1:8000/
    js/search-index.js"> and read the unpublished book from window.PressworkSearch: the Host is
    right, so only the browser's fetch metadata and resource policy tell the request apart."""
    port = preview_site
    cross = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "script"}
    code, _, body = get(port, "/js/search-index.js", cross)
    assert code == 403 and b"UNPUBLISHED" not in body
    assert get(port, "/js/search-index.js", {**cross, "Sec-Fetch-Site": "same-site"})[0] == 403
    code, headers, body = get(port, "/js/search-index.js", {**cross, "Sec-Fetch-Site": "same-origin"})
    assert code == 200 and b"UNPUBLISHED" in body
    assert headers["cross-origin-resource-policy"] == "same-origin"  # for browsers that send no Sec-Fetch-*
    assert get(port, "/", {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"})[0] == 200  # the address typed
    assert get(port, "/", {})[0] == 200  # a client that sends no fetch metadata


# -- watch --------------------------------------------------------------------------------------
@pytest.mark.parametrize("out", [".", "manuscript", "styles"])
def test_watch_refuses_an_output_folder_holding_the_sources_it_watches(small_book, out: str):
    """The output folder is left out of the watching (its writes would rebuild for ever): an output
    folder that holds manuscript/ (`--out .`) or is one of the sources would leave nothing watched,
    and every save would be ignored without a word."""
    root = small_book({"styles/book.css": "p { color: black; }\n"})
    command = [sys.executable, "-c", "from presswork.cli import main; main()", "watch", str(root), "--out", str(root / out),
               "--port", "0"]  # fmt: skip
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=30)  # without the check: serves for ever
    assert result.returncode == 1, result.stderr
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "out folder holds the book's sources" in error and "Previewing" not in result.stderr


# -- the site's folder in --out -------------------------------------------------------------------
def sealed_site(folder: Path, text: str) -> Path:
    (folder / "css").mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    (folder / "css/book.css").write_text(text, encoding="utf-8")
    seal_folder(folder)
    return folder


@pytest.mark.parametrize("earlier", [False, True])
def test_a_site_another_build_puts_in_place_meanwhile_is_kept_and_named_in_one_line(tmp_path: Path, monkeypatch, earlier: bool):
    """Two builds into one --out: the other one's site lands between this build's check and its
    move. Its site stays; this build stops with an error line, not an internal error, and an
    earlier site of presswork's (moved aside) goes with the staging folder."""
    target = tmp_path / "out/book-web"
    if earlier:
        sealed_site(target, "earlier")
    ours = sealed_site(tmp_path / "stage/book-web", "ours")
    replace = os.replace

    def racing(source, destination):
        if Path(source) == ours and not Path(destination).exists():
            sealed_site(Path(destination), "theirs")  # the other build was quicker
        replace(source, destination)

    monkeypatch.setattr(os, "replace", racing)
    with pytest.raises(PressworkError, match="book-web was put in place by someone else meanwhile"):
        put_in_place(ours, target)
    assert (target / "index.html").read_text(encoding="utf-8") == "theirs" and product_files(target) is not None
    assert (ours / "index.html").read_text(encoding="utf-8") == "ours"



def test_a_site_with_a_subfolder_that_cannot_be_read_is_not_taken_for_pressworks(small_book, tmp_path: Path, monkeypatch):
    """os.walk passes over a folder it cannot list: the files the user keeps there would not count
    against the manifest, and the site would be replaced, the folder deleted with it."""
    root = small_book()
    assert build(root, "--out", str(tmp_path), fmt="web").exit_code == 0
    site = tmp_path / "a-small-book-web"
    (site / "private").mkdir()
    (site / "private/notes.txt").write_text("mine", encoding="utf-8")
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    scandir = os.scandir

    def unreadable(path=".", *args):  # root reads every folder: private/ is mode 000, wherever it is moved
        if isinstance(path, (str, os.PathLike)) and Path(path).name == "private":  # (rmtree passes descriptors)
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path, *args)

    monkeypatch.setattr(os, "scandir", unreadable)
    result = build(root, "--out", str(tmp_path), fmt="web")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    [error] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert "a-small-book-web is not a folder presswork made" in error
    monkeypatch.undo()
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("interrupted", ["as the old site is moved aside", "before the new site is moved in"])
def test_an_interrupt_between_the_two_moves_puts_the_old_site_back(tmp_path: Path, monkeypatch, interrupted: str):
    """Ctrl-C while a site is replaced: the old site has been moved into the staging folder, which
    the build then removes; unless put back, the published site is gone and no new one is there."""
    target = sealed_site(tmp_path / "out/book-web", "old")
    ours = sealed_site(tmp_path / "stage/book-web", "ours")
    replace, moves = os.replace, []

    def interrupting(source, destination):
        moves.append(source)
        if interrupted == "as the old site is moved aside" and len(moves) == 1:
            replace(source, destination)  # the rename is done; the signal arrived during it
            raise KeyboardInterrupt
        if interrupted == "before the new site is moved in" and len(moves) == 2:
            raise KeyboardInterrupt
        replace(source, destination)

    monkeypatch.setattr(os, "replace", interrupting)
    with pytest.raises(KeyboardInterrupt):
        put_in_place(ours, target)
    assert (target / "index.html").read_text(encoding="utf-8") == "old" and product_files(target) is not None
    assert (ours / "index.html").read_text(encoding="utf-8") == "ours"

def test_an_svg_image_is_drawn_in_the_digital_pdf(small_book, tmp_path: Path):
    """The screen layout's fetcher converts CMYK images; an SVG, which Pillow cannot open, made it
    fail, and WeasyPrint left the figure out without a word."""
    root = small_book({"manuscript/chapters/one.md": SVG_CHAPTER, "images/bar.svg": SVG})
    result = build(root, "--out", str(tmp_path), fmt="digital")
    assert result.exit_code == 0, result.output
    with pikepdf.open(tmp_path / "a-small-book-digital.pdf") as made:
        streams = [obj.read_bytes() for obj in made.objects if isinstance(obj, pikepdf.Stream)]
    assert any(b"0.8 0 0 rg" in data for data in streams)  # the bar's #c00 fill
