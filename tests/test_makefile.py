"""The Makefile: what its targets run (dry runs, nothing built) and what `make help` says."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD_TARGETS = ("epub", "pdf", "kindle", "kobo", "digital", "web", "all", "every")

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def make(*args: str) -> str:
    """make's output in the project folder; the virtualenv's stamp is taken as up to date (-o), so a
    dry run prints only the target's own command."""
    done = subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", *args], cwd=ROOT,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout


def presswork_line(output: str) -> str:
    return next(line for line in output.splitlines() if "presswork build" in line)


@pytest.mark.parametrize("target", BUILD_TARGETS)
def test_a_build_target_leaves_the_output_folder_to_presswork(target):
    """Without OUT, the products go to the book's own build/ (presswork's default), not this folder's."""
    line = presswork_line(make("-n", target, "BOOK=/some/book"))
    assert line.split()[-3:] == ["build", target, "/some/book"]
    assert "--out" not in line


@pytest.mark.parametrize("target", BUILD_TARGETS)
def test_a_build_target_passes_out_when_given(target):
    line = presswork_line(make("-n", target, "BOOK=/some/book", "OUT=x"))
    assert line.split()[-2:] == ["--out", "x"]


def test_make_watch_previews_the_pdf_or_the_product_asked():
    lines = [next(line for line in make("-n", "watch", *args).splitlines() if "presswork watch" in line)
             for args in (["BOOK=/some/book"], ["BOOK=/some/book", "PRODUCT=web", "OUT=x"])]  # fmt: skip
    assert lines[0].split()[-4:] == ["watch", "/some/book", "--product", "pdf"]
    assert lines[1].split()[-6:] == ["watch", "/some/book", "--product", "web", "--out", "x"]


def test_make_help_says_what_all_builds():
    described = dict(line.split("\t", 1) for line in make("help").splitlines())
    assert "so far" not in described["all"]
    assert all(word in described["all"] for word in ("EPUB", "PDF", "Kindle"))


def pytest_arguments(target: str) -> list[str]:
    """The options `make TARGET` gives pytest."""
    words = shlex.split(make("-n", target).strip().splitlines()[-1])
    return words[words.index("pytest") + 1 :]


def test_make_test_leaves_out_the_full_size_books_and_make_test_all_runs_them():
    files = ["tests/test_fullsize.py", "tests/test_legacy.py", "tests/test_accessibility.py"]

    def collected(target: str) -> str:
        return subprocess.run([sys.executable, "-m", "pytest", *pytest_arguments(target), "--collect-only", "-p", "no:cacheprovider", *files],
                              cwd=ROOT, capture_output=True, text=True, check=True).stdout  # fmt: skip

    quick, full = collected("test"), collected("test-all")
    for slow in ("test_fullsize_book_passes_epubcheck", "test_corpus_builds_to_a_valid_epub", "in_the_imported_excerpts_epubs"):
        assert slow not in quick and slow in full
    assert "test_corpus_structure_is_found" in quick  # the corpus's quick tests stay


def test_ci_runs_the_full_suite_as_the_readme_says():
    assert (ROOT / ".ci" / "run").read_text().rstrip().splitlines()[-1] == "make test-all"
    [row] = [line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `make test-all` |")]
    assert "CI runs" in row
