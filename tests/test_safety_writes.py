"""What presswork writes and deletes: private tool folders, only its own bundles and previews
replaced, default output folders kept inside the book, a cache nobody can poison or truncate,
write failures as one-line errors, and no leftovers from killed runs."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from conftest import BOOK_YAML
from hostile import assert_clean_failure, make_world, products, run, snapshot

from presswork.backends import kindle
from presswork.errors import Diagnostics
from presswork.files import folders
from presswork.files.cache import book_key
from presswork.load.book import load_book

def no_calibre(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine without calibre's ebook-convert; every other tool (dist's preflight needs
    Ghostscript and poppler) is still found. `shutil` is one module, so patching its `which` for
    the Kindle backend patches it for everyone."""
    which = shutil.which
    monkeypatch.setattr(kindle.shutil, "which", lambda name, *args, **kw: None if name == "ebook-convert" else which(name, *args, **kw))


NO_ISBN = BOOK_YAML.replace('isbn: {ebook: "9780000000002"}\n', "")
needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm (make system-deps)")


def titled(title: str) -> str:
    return NO_ISBN.replace("title: A Small Book", f"title: {title}")


# item 1: calibre's configuration folder


def test_calibre_runs_with_a_fresh_private_config_folder_removed_after(small_book, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    planted = tmp_path / "presswork-calibre"  # where another user could plant a plug-in before
    planted.mkdir()
    (planted / "customize.py.json").write_text('{"plugins": {"Evil": "/tmp/evil.zip"}}')
    seen: dict[str, object] = {}

    def fake_run(args, env, **kwargs):
        if args[0] == "ebook-convert":  # then calibre-debug writes the metadata into the same file
            config = Path(env["CALIBRE_CONFIG_DIRECTORY"])
            seen.update(config=config, mode=config.stat().st_mode & 0o777, contents=sorted(p.name for p in config.iterdir()))
            Path(args[2]).write_bytes(b"AZW3")
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(kindle.subprocess, "run", fake_run)
    book = load_book(small_book(), Diagnostics())
    epub, azw3 = tmp_path / "book.epub", tmp_path / "book.azw3"
    epub.write_bytes(b"EPUB")
    kindle.convert_to_azw3("ebook-convert", epub, azw3, book)
    assert seen["config"] != planted and seen["mode"] == 0o700 and set(seen["contents"]) <= {"cover.jpg", "metadata.json"}  # only ours
    assert not Path(seen["config"]).exists(), "the private folder is removed after the run"
    assert azw3.read_bytes() == b"AZW3"


# item 2: dist replaces only a bundle it made


def test_dist_refuses_to_replace_a_folder_it_did_not_make(small_book):
    book = small_book({"manuscript/book.yaml": titled("Images"), "images/figure.png": b"the author's figure"})
    before = snapshot(book)
    result = run(["dist", book, "--out", book])
    assert_clean_failure(result, "images", "not a bundle")
    assert snapshot(book) == before


@pytest.mark.parametrize("explicit", [False, True], ids=["default-out", "explicit-out"])
def test_dist_through_a_dist_symlink_leaves_the_outside_folder_alone(small_book, tmp_path: Path, explicit: bool):
    world = make_world(tmp_path, small_book({"manuscript/book.yaml": titled("Documents")}))
    (world.book / "dist").symlink_to(world.outside)
    before = world.frozen()
    result = run(["dist", world.book, *(["--out", world.book / "dist"] if explicit else [])])
    assert_clean_failure(result, "documents" if explicit else "dist")
    assert world.frozen() == before and (world.outside / "documents" / "thesis.txt").is_file()


@pytest.mark.parametrize("kind", ["file", "symlink", "dangling"])
def test_dist_refuses_a_file_or_link_where_the_bundle_goes(small_book, tmp_path: Path, kind: str):
    book = small_book({"manuscript/book.yaml": NO_ISBN})
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep")
    target = out / "a-small-book"
    if kind == "file":
        target.write_text("a note")
    else:
        target.symlink_to(elsewhere if kind == "symlink" else tmp_path / "nowhere")
    before = snapshot(tmp_path)
    assert_clean_failure(run(["dist", book, "--out", out]), "a-small-book", "not a bundle")
    assert snapshot(tmp_path) == before


def test_dist_recognises_only_its_own_bundle_by_its_manifest(tmp_path: Path):
    from presswork.distribution.bundle import _seal, bundle_files

    bundle = tmp_path / "9780000000002"
    bundle.mkdir()
    (bundle / "book.epub").write_bytes(b"epub")
    _seal(bundle, [("book.epub", "ebook", "EPUB 3")])
    assert bundle_files(bundle) == {"book.epub", "manifest.json", "checksums.sha256"}
    (bundle / "notes.txt").write_text("the user's")
    assert bundle_files(bundle) is None, "a file the manifest does not list"
    (bundle / "notes.txt").unlink()
    (bundle / "book.epub").write_bytes(b"changed by hand")
    assert bundle_files(bundle) is None, "a file whose size differs from the manifest's"
    (bundle / "book.epub").write_bytes(b"epub")
    (bundle / "manifest.json").write_text(json.dumps({"files": "book.epub"}))
    assert bundle_files(bundle) is None, "a manifest of another shape"
    link = tmp_path / "link"
    link.symlink_to(bundle)
    assert bundle_files(link) is None


def test_dist_run_twice_replaces_its_own_bundle(small_book, tmp_path: Path, monkeypatch):
    no_calibre(monkeypatch)  # faster, same bundle logic
    book, out = small_book({"manuscript/book.yaml": NO_ISBN}), tmp_path / "out"
    assert run(["dist", book, "--out", out]).exit_code == 0
    result = run(["dist", book, "--out", out])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a-small-book"]
    (out / "a-small-book" / "a-small-book.epub").unlink()  # no longer exactly what dist made
    assert_clean_failure(run(["dist", book, "--out", out]), "not a bundle")


# item 3: proof deletes only the previews it made


@needs_pdftoppm
def test_proof_keeps_the_users_own_pngs_beside_its_previews(small_book, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    book = small_book()
    (out / "page-1.png").write_bytes(b"mine")
    (out / "page-draft.png").write_bytes(b"mine too")
    result = run(["proof", book, "--out", out])
    assert result.exit_code == 0, result.output
    assert (out / "page-1.png").read_bytes() == b"mine" and (out / "page-draft.png").read_bytes() == b"mine too"
    assert (out / "page-001.png").is_file()
    assert not [p for p in out.iterdir() if p.name.startswith(".proof-")]


@needs_pdftoppm
def test_proof_refuses_to_replace_a_png_it_did_not_make(small_book, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    book = small_book()
    (out / "page-001.png").write_bytes(b"mine")
    assert_clean_failure(run(["proof", book, "--out", out]), "page-001.png")
    assert (out / "page-001.png").read_bytes() == b"mine"
    assert sorted(p.name for p in out.iterdir()) == ["page-001.png"]


@needs_pdftoppm
def test_proof_again_replaces_its_own_previews_and_drops_pages_that_are_gone(small_book, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    long = small_book({"manuscript/chapters/one.md": "# One\n\n" + "Words of a page. " * 600 + "\n"})
    assert run(["proof", long, "--out", out]).exit_code == 0
    many = sorted(out.glob("page-*.png"))
    assert len(many) > 2
    short = small_book()
    result = run(["proof", short, "--out", out])
    assert result.exit_code == 0, result.output
    assert len(sorted(out.glob("page-*.png"))) < len(many)


# item 5: default output folders stay inside the book


def _link_out(world, relative: str) -> None:
    link = world.book / relative
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(world.outside)


@pytest.mark.parametrize(
    "command, link",
    [(["build", "epub"], "build"), (["dist"], "dist"), (["proof"], "build/proof"), (["diff", "a.epub", "b.epub"], "build")],
    ids=["build", "dist", "proof", "diff"],
)
def test_default_output_folder_that_leads_out_of_the_book_is_refused(small_book, tmp_path: Path, command, link):
    world = make_world(tmp_path, small_book())
    (tmp_path / "a.epub").write_bytes(b"not an epub")
    (tmp_path / "b.epub").write_bytes(b"not an epub")
    _link_out(world, link)
    before = snapshot(world.outside)
    args = [tmp_path / a if a.endswith(".epub") else a for a in command]
    assert_clean_failure(run([*args, world.book]), "outside the book")
    assert snapshot(world.outside) == before


def test_an_explicit_out_may_be_a_symlink_and_wrote_comes_after_placing(small_book, tmp_path: Path):
    world = make_world(tmp_path, small_book())
    link = tmp_path / "link"
    link.symlink_to(world.outside)
    result = run(["build", "epub", world.book, "--out", link])
    assert result.exit_code == 0, result.output
    assert (world.outside / "a-small-book.epub").is_file()
    assert f"Wrote {link / 'a-small-book.epub'}" in result.output


def test_page_map_cache_is_not_written_through_a_build_symlink(small_book, tmp_path: Path):
    world = make_world(tmp_path, small_book())
    _link_out(world, "build")
    before = snapshot(world.outside)
    result = run(["build", "pdf", world.book, "--out", tmp_path / "out"])
    assert result.exit_code == 0, result.output
    assert snapshot(world.outside) == before and products(tmp_path / "out") == ["a-small-book.pdf"]


# item 4 (second half): the cache digest reads nothing outside the book


def test_cache_key_reads_no_file_outside_the_book(small_book, tmp_path: Path):
    world = make_world(tmp_path, small_book())
    (world.book / "manuscript" / "extra.md").symlink_to(world.outside / "secret.css")
    (world.book / "styles").mkdir()
    (world.book / "styles" / "more").symlink_to(world.outside / "documents")
    book = load_book(world.book, Diagnostics())
    first = book_key(book.root)
    (world.outside / "secret.css").write_text("changed")
    (world.outside / "documents" / "thesis.txt").write_text("changed too")
    assert book_key(book.root) == first


# item 13 (part): a full or read-only output folder


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_disk_full_or_read_only_output_is_a_one_line_error(small_book, tmp_path: Path, monkeypatch, code: int):
    book, out = small_book(), tmp_path / "out"
    real = os.replace

    def failing(src, dst, *args, **kwargs):
        if str(out) in str(dst):
            raise OSError(code, os.strerror(code), str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", failing)
    assert_clean_failure(run(["build", "epub", book, "--out", out]), str(out), os.strerror(code))
    assert products(out) == []


@pytest.mark.parametrize("command", [["dist"], ["proof"]])
def test_read_only_output_folder_for_dist_and_proof_is_a_one_line_error(small_book, tmp_path: Path, monkeypatch, command):
    book, out = small_book(), tmp_path / "out"
    out.mkdir()
    real_mkdtemp, real_replace = tempfile.mkdtemp, os.replace

    def read_only(target) -> None:
        if Path(target).is_relative_to(out):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(target))

    def mkdtemp(*args, dir=None, **kwargs):
        read_only(Path(dir or "/") / "x")
        return real_mkdtemp(*args, dir=dir, **kwargs)

    def replace(src, dst, *args, **kwargs):
        read_only(dst)
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(os, "replace", replace)
    assert_clean_failure(run([*command, book, "--out", out]), str(out), os.strerror(errno.EROFS))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_really_read_only_output_folder_is_a_one_line_error(small_book, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        assert_clean_failure(run(["build", "epub", small_book(), "--out", out]), str(out))
    finally:
        out.chmod(0o755)


# item 15 (part): leftovers of killed builds, and "Wrote" only for what was kept


def test_stale_staging_folders_of_killed_builds_are_cleared_and_nothing_else(small_book, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    hour_ago = time.time() - 3600
    stale = [out / f".build-{dead.pid}-abcd1234", out / f".build-{dead.pid}-fresh123"]  # a killed build's, marked by it, old or fresh
    kept = [out / f".build-{os.getpid()}-abcd1234", out / ".build-notes",
            out / ".build-k2j4_x9q"]  # a running build's, and two names without a process id  # fmt: skip
    for folder in [*stale, *kept]:
        folder.mkdir()
        (folder / "a-small-book.epub").write_bytes(b"half")
        pid = folder.name.split("-")[1]
        if pid.isdigit():
            (folder / folders.STAGING_MARKER).write_text(pid)
    (out / ".build-file").write_text("a user's file")
    (out / f".build-{dead.pid}-linkabcd").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "keep.txt").write_text("keep")
    for path in [*stale[:1], *kept, out / ".build-file"]:
        os.utime(path, (hour_ago, hour_ago))
    os.utime(out / f".build-{dead.pid}-linkabcd", (hour_ago, hour_ago), follow_symlinks=False)
    result = run(["build", "epub", small_book(), "--out", out])
    assert result.exit_code == 0, result.output
    left = sorted(p.name for p in out.iterdir())
    assert left == sorted([*(p.name for p in kept), ".build-file", f".build-{dead.pid}-linkabcd", "a-small-book.epub"])
    assert (tmp_path / "elsewhere" / "keep.txt").is_file()


def test_a_failed_build_does_not_say_it_wrote_the_products_it_discarded(small_book, tmp_path: Path, monkeypatch):
    no_calibre(monkeypatch)
    result = run(["build", "epub", "kindle", small_book(), "--out", tmp_path / "out", "--require-azw3"])
    assert_clean_failure(result, "ebook-convert")
    assert "Wrote" not in result.output and products(tmp_path / "out") == []
