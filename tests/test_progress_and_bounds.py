"""Progress on long work (a bar on a terminal, plain lines without one, nothing with -q), a build
cache key that never holds a whole file in memory, and products that go in whole or not at all
when something of the user's stands where one goes."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import BOOK_YAML
from hostile import assert_clean_failure, products, run
from rich.console import Console

from presswork import cli
from presswork.commands.build import build
from presswork.commands.proof import MADE, _unchanged
from presswork.errors import Diagnostics
from presswork.files import cache
from presswork.files.cache import CHUNK, book_key, content_digest
from presswork.load.book import load_book
from presswork.pipeline import expand

FIXTURE = Path(__file__).parent / "fixtures" / "legacy-small.txt"
SECTIONS = ["Foreword", "1. Buttons", "2. Pins and Needles", "Glossary", "Dates of Small Events", "Biographical Notes"]
# A book with both products, priced, so that dist has nothing to warn about and -q prints nothing.
PRINTED = BOOK_YAML.replace('isbn: {ebook: "9780000000002"}', 'isbn: {ebook: "9780000000002", paperback: "9780000000019"}') + (
    'prices: {ebook: ["9.99 GBP"], paperback: ["14.99 GBP"]}\n')
GIB = 2**30


class Recorder:
    """A Reporter that keeps what it is told, steps included."""

    def __init__(self) -> None:
        self.told: list[tuple[str, tuple[int, int] | None]] = []

    def info(self, message: str, step: tuple[int, int] | None = None) -> None:
        self.told.append((message, step))

    def detail(self, message: str) -> None:
        pass


# -- progress ----------------------------------------------------------------------------------


def test_import_reports_each_section_in_plain_lines_without_a_terminal(tmp_path: Path):
    result = run(["import", "legacy-text", FIXTURE, "--out", tmp_path / "book"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == "Found 6 sections in legacy-small.txt"
    assert lines[1:7] == [f"Converting {n}/6: {title}" for n, title in enumerate(SECTIONS, 1)]
    assert lines[7].startswith("Imported ") and len(lines) == 8


def test_import_prints_nothing_with_quiet_but_the_json_asked_for(tmp_path: Path):
    quiet = run(["import", "legacy-text", FIXTURE, "--out", tmp_path / "a", "-q"])
    assert quiet.exit_code == 0 and quiet.output == ""
    assert (tmp_path / "a" / "manuscript" / "book.yaml").is_file()
    as_json = run(["import", "legacy-text", FIXTURE, "--out", tmp_path / "b", "-q", "--json"])
    assert as_json.exit_code == 0 and as_json.stderr == "" and as_json.stdout.startswith("{")


def test_the_build_tells_each_product_and_print_piece_as_a_counted_step(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": PRINTED})
    told = Recorder()
    build(root, expand(("pdf", "epub")), tmp_path / "out", Diagnostics(), told)
    steps = [(message, step) for message, step in told.told if step is not None]
    assert steps[0] == ("Building pdf …", (1, 2))
    firsts = [step for message, step in steps if message.startswith("Laying out ") and not message.endswith(" again")]
    assert firsts == [(1, 3), (2, 3), (3, 3)]
    assert ("Building epub …", (2, 2)) in steps
    assert any(message.startswith("Laid out ") and step is None for message, step in told.told)  # a stage's line


def terminal() -> tuple[cli.BarReporter, io.StringIO]:
    screen = io.StringIO()
    return cli.BarReporter(verbose=False, console=Console(file=screen, force_terminal=True, width=100)), screen


def test_on_a_terminal_steps_drive_a_rich_bar_and_stages_print_lines():
    reporter, screen = terminal()
    with reporter:
        assert reporter.bar.live.is_started
        reporter.info("Loaded 3 files")
        reporter.info("Laying out 2/5: chapter-02 [draft]", (2, 5))
        [task] = reporter.bar.tasks
        assert task.visible and (task.completed, task.total) == (1, 5)
        assert task.description == "Laying out 2/5: chapter-02 [draft]"
        reporter.info("Laid out 40 pages")
        assert not reporter.bar.tasks[0].visible  # a stage's line hides the bar until the next counted stage
    assert not reporter.bar.live.is_started  # gone before warnings and errors are printed
    shown = screen.getvalue()
    assert "Loaded 3 files" in shown and "Laid out 40 pages" in shown
    assert "chapter-02 [draft]" in shown  # drawn as text: brackets in a name are not rich markup


def test_only_a_terminal_gets_the_bar_and_quiet_gets_nothing(monkeypatch: pytest.MonkeyPatch, capsys):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Tty())
    assert type(cli.reporter(quiet=False)) is cli.BarReporter
    quiet = cli.reporter(quiet=True)
    assert type(quiet) is cli.LineReporter
    quiet.info("Laying out 1/2: one", (1, 2))
    assert sys.stderr.getvalue() == ""
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert type(cli.reporter(quiet=False)) is cli.LineReporter


# -- bounded digests ---------------------------------------------------------------------------


def run_bounded(script: str, headroom: int, cwd: Path) -> subprocess.CompletedProcess:
    """Run `script` in a fresh Python whose address space may grow by only `headroom` bytes once
    presswork and WeasyPrint are imported: reading a big file whole fails there with MemoryError."""
    prelude = textwrap.dedent(f"""\
        import resource, sys
        import presswork.cli, presswork.layout.printbook
        size = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmSize:"))
        resource.setrlimit(resource.RLIMIT_AS, (size + {headroom}, resource.getrlimit(resource.RLIMIT_AS)[1]))
        """)  # fmt: skip
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(script)], cwd=cwd, capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip


def sparse(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)  # no disk used: a hole reads as zeros
    return path


def test_a_6_gb_file_in_the_manuscript_does_not_stop_build_pdf(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": PRINTED})
    sparse(root / "manuscript" / "huge.bin", 6 * GIB)
    result = run_bounded(f"""\
        presswork.cli.main(["build", "pdf", {str(root)!r}, "--out", {str(tmp_path / "out")!r}, "-q"])
        """, GIB, tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == "" and (tmp_path / "out" / "a-small-book.pdf").is_file()


def test_files_are_hashed_in_chunks_never_whole(tmp_path: Path):
    big = sparse(tmp_path / "images" / "scan.tif", 200 * 2**20)  # under the bound, so it is read
    result = run_bounded(f"""\
        from presswork.files.cache import content_digest
        print(content_digest(__import__("pathlib").Path({str(big)!r})))
        """, 64 * 2**20, tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    zeros = hashlib.sha256()
    for _ in range(200 * 2**20 // CHUNK):
        zeros.update(bytes(CHUNK))
    assert result.stdout.strip() == zeros.hexdigest()


def test_a_file_over_the_bound_counts_by_size_and_time_unread(small_book, monkeypatch: pytest.MonkeyPatch):
    root = small_book()
    monkeypatch.setattr(cache, "MAX_FILE_BYTES", 8)
    video = root / "manuscript" / "video.bin"
    video.write_bytes(b"0123456789abcdef")
    book = load_book(root, Diagnostics())
    first = book_key(book.root)
    stamp = video.stat().st_mtime_ns
    video.write_bytes(b"fedcba9876543210")  # same size, same time: its bytes are never looked at
    os.utime(video, ns=(stamp, stamp))
    assert book_key(book.root) == first
    video.write_bytes(b"0123456789abcdef!")
    os.utime(video, ns=(stamp, stamp))
    assert book_key(book.root) != first


def test_proof_does_not_read_a_giant_file_in_its_folder(tmp_path: Path):
    out = tmp_path / "proof"
    giant = sparse(out / "page-001.png", 6 * GIB)
    (out / MADE).write_text('{"page-001.png": "0000"}')
    result = run_bounded(f"""\
        from pathlib import Path
        from presswork.commands.proof import _made, _unchanged
        out = Path({str(out)!r})
        print(_unchanged(out / "page-001.png", _made(out)))
        """, GIB, tmp_path)  # fmt: skip
    assert result.returncode == 0 and result.stdout.strip() == "False", result.stderr[-2000:]
    assert giant.stat().st_size == 6 * GIB


def test_proof_still_recognises_the_files_an_earlier_proof_recorded(tmp_path: Path):
    page = tmp_path / "page-001.png"
    page.write_bytes(b"a page" * 500_000)  # three chunks
    recorded = hashlib.sha256(page.read_bytes()).hexdigest()  # as proofs before this change wrote it
    assert content_digest(page) == recorded and _unchanged(page, {"page-001.png": recorded})


# -- all products or none ----------------------------------------------------------------------


def test_a_folder_where_a_product_goes_stops_the_build_before_anything_moves(small_book):
    root = small_book()
    slug = load_book(root, Diagnostics()).metadata.slug
    (root / "build" / f"{slug}.epub").mkdir(parents=True)
    result = run(["build", "pdf", "epub", root])
    assert_clean_failure(result, f"{slug}.epub", "a folder stands where", "move it away")
    assert products(root / "build") == []  # the PDF, made first, was not moved in
    assert sorted(p.name for p in (root / "build").iterdir()) == [f"{slug}.epub"]


@pytest.mark.parametrize("command", ["proof", "dist"])
def test_proof_and_dist_report_each_print_piece_in_lines_and_nothing_with_quiet(small_book, tmp_path: Path, command: str):
    root = small_book({"manuscript/book.yaml": PRINTED})
    result = run([command, root, "--out", tmp_path / "lines", "--cache", tmp_path / "cache"])  # no piece laid out before
    assert result.exit_code == 0, result.output
    pieces = [line for line in result.stderr.splitlines() if re.fullmatch(r"Laying out \d/3: \w+", line)]
    assert pieces == ["Laying out 1/3: one", "Laying out 2/3: opening", "Laying out 3/3: contents"]
    quiet = run([command, root, "--out", tmp_path / "quiet", "-q"])
    assert quiet.exit_code == 0 and quiet.output == "", quiet.output
