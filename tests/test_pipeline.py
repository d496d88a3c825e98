"""The build as a pipeline: the print layout made once and handed on, and a build cache outside the
book that nothing found in it can break or redirect (backends apart: test_architecture)."""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path

import pypdf
import pytest
from conftest import BOOK_YAML, CHAPTER
from hostile import run, snapshot

from presswork import pipeline as orchestrator
from presswork.commands.diff import diff_revisions
from presswork.errors import Diagnostics
from presswork.files.cache import KEEP_OTHERS, Cache, book_key
from presswork.load.book import load_book
from presswork.pagemap import PageMap

PRINTED = BOOK_YAML.replace('isbn: {ebook: "9780000000002"}', 'isbn: {ebook: "9780000000002", paperback: "9780000000019"}')
LONG = "# One\n\n" + "Words of a chapter that fills a page or two. " * 200 + "[^a]\n\n[^a]: The note.\n"


@pytest.fixture
def layouts(monkeypatch) -> list[str]:
    """Counts the print layouts the orchestrator makes (one entry per layout)."""
    made: list[str] = []
    real = orchestrator.lay_out

    def counting(book, *args, **kwargs):
        made.append(book.metadata.title)
        return real(book, *args, **kwargs)

    monkeypatch.setattr(orchestrator, "lay_out", counting)
    return made


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PRESSWORK_CACHE", str(folder))
    return folder


def page_list(epub: Path) -> int:
    """How many pages the EPUB's page list names (0 without one)."""
    with zipfile.ZipFile(epub) as archive:
        nav = next(archive.read(n).decode() for n in archive.namelist() if n.endswith("nav.xhtml"))
    return nav.split('epub:type="page-list"')[1].split("</nav>")[0].count("<li") if 'epub:type="page-list"' in nav else 0


def test_build_epub_elsewhere_after_build_pdf_reuses_the_layout(small_book, tmp_path: Path, cache_dir: Path, layouts):
    root = small_book({"manuscript/book.yaml": PRINTED, "manuscript/chapters/one.md": LONG})
    assert run(["build", "pdf", root, "--out", tmp_path / "A"]).exit_code == 0
    result = run(["build", "epub", root, "--out", tmp_path / "B"])
    assert result.exit_code == 0, result.output
    assert len(layouts) == 1 and "Laying out" not in result.output
    pdf_pages = len(pypdf.PdfReader(tmp_path / "A/a-small-book.pdf").pages)
    assert page_list(tmp_path / "B/a-small-book.epub") == pdf_pages  # every printed page, the front's included


@pytest.mark.parametrize("formats", [["all"], ["epub", "kindle", "pdf"]])
def test_every_product_from_one_layout_whatever_the_order(small_book, tmp_path: Path, cache_dir: Path, layouts, formats):
    root = small_book({"manuscript/book.yaml": PRINTED})
    result = run(["build", *formats, root, "--out", tmp_path / "out"])
    assert result.exit_code == 0, result.output
    assert len(layouts) == 1


def test_a_book_without_a_print_edition_keeps_no_page_map(small_book, tmp_path: Path, cache_dir: Path, layouts):
    assert run(["build", "epub", small_book(), "--out", tmp_path / "out"]).exit_code == 0
    assert layouts == []  # no paperback ISBN: no page list, so no layout for it
    assert run(["build", "pdf", small_book(), "--out", tmp_path / "out"]).exit_code == 0
    assert len(layouts) == 1 and list(cache_dir.glob("pagemap-*")) == []


def test_the_layout_reports_each_piece_and_quiet_silences_it(small_book, tmp_path: Path, cache_dir: Path):
    root = small_book({"manuscript/book.yaml": PRINTED})
    result = run(["build", "epub", root, "--out", tmp_path / "out"])
    firsts = [line for line in result.output.splitlines() if re.fullmatch(r"Laying out \d+/3: \w+", line)]
    assert [line.split()[2] for line in firsts] == ["1/3:", "2/3:", "3/3:"]
    assert {line.split()[-1] for line in firsts} == {"opening", "contents", "one"}
    quiet = run(["build", "pdf", root, "--out", tmp_path / "quiet", "-q"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_a_read_only_book_builds_every_product_elsewhere(small_book, tmp_path: Path, cache_dir: Path):
    root = small_book({"manuscript/book.yaml": PRINTED})
    (root / "styles").mkdir()
    (root / "styles" / "extra.css").write_text("p { orphans: 2; }\n")

    def state() -> tuple[dict[str, str], dict[str, int]]:
        folders = {str(p): p.stat().st_mtime_ns for p in [root, *root.rglob("*")] if p.is_dir()}
        return snapshot(root), folders  # a file made and removed again still changes its folder's mtime

    before = state()
    result = run(["build", "all", root, "--out", tmp_path / "out"])
    assert result.exit_code == 0, result.output
    assert state() == before
    assert {p.name for p in (tmp_path / "out").iterdir()} >= {"a-small-book.epub", "a-small-book.pdf", "a-small-book-kindle.epub"}


def entry(cache_dir: Path) -> Path:
    """The newest page map entry (the only one, unless presswork's code changed in between)."""
    return max(cache_dir.glob("pagemap-*"), key=lambda p: p.stat().st_mtime_ns)


@pytest.mark.parametrize("damage", ["truncated", "empty", "garbage", "wrong shape"])
def test_a_damaged_cache_entry_is_rebuilt_without_an_error(small_book, tmp_path: Path, cache_dir: Path, layouts, damage):
    root = small_book({"manuscript/book.yaml": PRINTED})
    assert run(["build", "pdf", root, "--out", tmp_path / "A"]).exit_code == 0
    good = entry(cache_dir).read_bytes()
    entry(cache_dir).write_bytes({"truncated": good[: len(good) // 2], "empty": b"", "garbage": b"\x00\xff{[",
                                  "wrong shape": b'{"labels": [], "breaks": {}, "pages": [1]}'}[damage])  # fmt: skip
    result = run(["build", "epub", root, "--out", tmp_path / "B"])
    assert result.exit_code == 0 and "warning" not in result.output, result.output
    assert len(layouts) == 2 and entry(cache_dir).read_bytes() == good


@pytest.mark.parametrize("data", [b"", b"[]", b'{"labels": {}, "breaks": {"p1": "1"}, "pages": []}', b'{"pages": ["1"]}'])
def test_page_map_reads_only_what_it_wrote(data: bytes):
    assert orchestrator.page_map_from_json(data) is None
    pages = PageMap({"ix-1": "3"}, {"p1": ["1", "2"]}, ["1", "2"])
    assert orchestrator.page_map_from_json(orchestrator.page_map_json(pages)) == pages


def unsafe_folder(kind: str, tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    if kind == "symlink":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        folder.symlink_to(tmp_path / "elsewhere")
    else:
        folder.mkdir()
        {"world-writable": lambda: folder.chmod(0o777), "group-writable": lambda: folder.chmod(0o770),
         "another user's": lambda: os.chown(folder, 65534, -1)}[kind]()  # fmt: skip
    return folder


@pytest.mark.parametrize("kind", ["symlink", "world-writable", "group-writable", "another user's"])
def test_an_unsafe_cache_folder_is_not_used(small_book, tmp_path: Path, kind: str):
    if kind == "another user's" and os.geteuid() != 0:
        pytest.skip("only root can give a folder to another user")
    folder = unsafe_folder(kind, tmp_path)
    before = snapshot(tmp_path / "elsewhere") if kind == "symlink" else snapshot(folder)
    root = small_book({"manuscript/book.yaml": PRINTED})
    result = run(["build", "pdf", root, "--out", tmp_path / "out", "--cache", folder])
    assert result.exit_code == 0, result.output
    assert f"warning: {folder}: build cache not used" in result.output
    assert (snapshot(tmp_path / "elsewhere") if kind == "symlink" else snapshot(folder)) == before


def test_a_new_cache_folder_is_private(tmp_path: Path):
    cache = Cache(tmp_path / "new" / "cache", Diagnostics())
    cache.store("pagemap", "0" * 32, b"{}")
    assert (tmp_path / "new" / "cache").stat().st_mode & 0o777 == 0o700
    assert cache.load("pagemap", "0" * 32) == b"{}"


def test_the_cache_keeps_the_newest_entries_clears_torn_writes_and_deletes_nothing_else(tmp_path: Path):
    cache, folder = Cache(tmp_path / "cache", Diagnostics()), tmp_path / "cache"
    folder.mkdir(mode=0o700)
    (folder / "notes.txt").write_text("mine")
    (folder / f"pagemap-{'f' * 31}").write_text("not named as the cache names entries")
    torn, fresh = folder / f".pagemap-{'c' * 32}.k1ll3d.tmp", folder / f".pagemap-{'d' * 32}.runn1n.tmp"
    torn.write_text("{")  # what a killed run's write_atomic leaves
    os.utime(torn, (1_000_000, 1_000_000))
    fresh.write_text("{")  # another run's write in progress
    keys = [f"{n:032x}" for n in range(KEEP_OTHERS + 3)]
    for age, key in enumerate(keys):
        cache.store("pagemap", key, b"{}")
        os.utime(folder / f"pagemap-{key}", (1_000_000 + age, 1_000_000 + age))
    cache.store("other", "a" * 32, b"{}")
    kept = sorted(p.name for p in folder.glob("pagemap-*") if len(p.name) == 40)
    assert kept == sorted(f"pagemap-{k}" for k in keys[-KEEP_OTHERS:])
    assert not torn.exists() and fresh.exists()
    assert all((folder / name).exists() for name in ("notes.txt", f"pagemap-{'f' * 31}", f"other-{'a' * 32}"))


def test_a_linked_or_special_entry_is_not_read(tmp_path: Path):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    (tmp_path / "planted").write_text('{"labels": {}, "breaks": {}, "pages": ["666"]}')
    (folder / f"pagemap-{'1' * 32}").symlink_to(tmp_path / "planted")
    os.mkfifo(folder / f"pagemap-{'2' * 32}")
    cache = Cache(folder, Diagnostics())
    assert cache.load("pagemap", "1" * 32) is None and cache.load("pagemap", "2" * 32) is None


def test_a_failed_cache_write_leaves_no_partial_entry_and_is_a_warning(tmp_path: Path):
    folder, diagnostics = tmp_path / "cache", Diagnostics()
    cache = Cache(folder, diagnostics)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, hard))  # the disk "fills" after 100 bytes
    try:
        cache.store("pagemap", "0" * 32, orchestrator.page_map_json(PageMap(pages=[str(n) for n in range(2000)])))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    assert list(folder.iterdir()) == [] and cache.load("pagemap", "0" * 32) is None
    assert [w.message for w in diagnostics.warnings] == ["could not write the build cache: File too large"]


def test_cache_key_follows_images_and_styles_and_print_options(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": PRINTED})
    book = load_book(root, Diagnostics())
    first = book_key(book.root, book.print)
    (root / "images").mkdir()
    (root / "images" / "figure.png").write_bytes(b"a figure")
    second = book_key(book.root, book.print)
    (root / "styles").mkdir()
    (root / "styles" / "extra.css").write_text("p { orphans: 3; }\n")
    third = book_key(book.root, book.print)
    assert len({first, second, third, book_key(book.root, "other settings")}) == 4


def test_proof_reports_its_pieces_and_takes_crop_marks_on_request(small_book, tmp_path: Path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("needs poppler's pdftoppm (make system-deps)")
    root = small_book()
    # crop marks are drawn at assembly: the marked proof lays out nothing the plain one did not
    for flags, out, said in (([], "plain", "Laying out 1/3: "), (["--marks"], "marked", "3 of 3 pieces taken from the build cache")):
        result = run(["proof", root, "--out", tmp_path / out, "--resolution", "20", "--cache", tmp_path / "cache", *flags])
        assert result.exit_code == 0 and said in result.output, result.output
    plain, marked = (pypdf.PdfReader(next((tmp_path / o).glob("*-proof.pdf"))).pages[0] for o in ("plain", "marked"))
    assert plain.mediabox.width == plain.trimbox.width and marked.mediabox.width > marked.trimbox.width


def test_diff_of_revisions_builds_epubs_without_a_layout(small_book, tmp_path: Path, monkeypatch):
    root = small_book({"manuscript/book.yaml": PRINTED, "manuscript/chapters/one.md": CHAPTER})
    monkeypatch.setattr(orchestrator, "lay_out", lambda *a, **k: pytest.fail("diff laid the book out"))
    git = ["git", "-C", str(root), "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    (root / "manuscript/chapters/one.md").write_text(CHAPTER.replace("Some text", "Other text"))
    subprocess.run([*git, "commit", "-qam", "two"], check=True)
    result = diff_revisions(root, "HEAD~1", "HEAD", lambda message: None)
    assert [c.title for c in result.changes] == ["One"] and result.changes[0].added == ["Other"]
