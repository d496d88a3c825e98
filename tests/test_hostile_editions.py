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
from conftest import build
from test_watch import serving

from presswork.errors import PressworkError
from presswork.files.output import product_files, put_in_place, seal_folder
from presswork.preview.server import Preview

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#c00"/></svg>\n'
SVG_CHAPTER = "# One\n\nA drawing follows.\n\n![A red bar](images/bar.svg)\n"


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
    folder = tmp_path / "book-web"
    (folder / "js").mkdir(parents=True)
    (folder / "index.html").write_text("<!DOCTYPE html><html><body><p>Home</p></body></html>")
    (folder / "js/search-index.js").write_text('window.PressworkSearch = {"passages": ["UNPUBLISHED TEXT"]};\n')
    preview = Preview("web")
    preview.succeeded(folder)
    with serving(preview) as port:
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


def test_an_svg_image_is_drawn_in_the_digital_pdf(small_book, tmp_path: Path):
    """The screen layout's fetcher converts CMYK images; an SVG, which Pillow cannot open, made it
    fail, and WeasyPrint left the figure out without a word."""
    root = small_book({"manuscript/chapters/one.md": SVG_CHAPTER, "images/bar.svg": SVG})
    result = build(root, "--out", str(tmp_path), fmt="digital")
    assert result.exit_code == 0, result.output
    with pikepdf.open(tmp_path / "a-small-book-digital.pdf") as made:
        streams = [obj.read_bytes() for obj in made.objects if isinstance(obj, pikepdf.Stream)]
    assert any(b"0.8 0 0 rg" in data for data in streams)  # the bar's #c00 fill
