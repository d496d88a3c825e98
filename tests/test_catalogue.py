"""Catalogue builds: the sample catalogue on a LocalCluster, small catalogues on a real scheduler
with two worker processes started here, skipping, a broken book, and a worker killed mid-build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from distributed import Client

from presswork.cli import main

DASK = Path(sys.executable).parent / "dask"
START_TIMEOUT = 120  # seconds for the scheduler and workers to come up on a busy 2-core machine
SMALL_BOOKS = ("rag-and-water", "night-compositor")


def catalogue_build(catalogue: Path, *options: str):
    return CliRunner().invoke(main, ["catalogue", "build", str(catalogue), *options])


def report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def plain_epub(book: Path, out: Path) -> bytes:
    """The EPUB `presswork build epub` makes of `book`: what a catalogue's must equal, byte for byte."""
    result = CliRunner().invoke(main, ["build", "epub", str(book), "--out", str(out)])
    assert result.exit_code == 0, result.output
    [epub] = out.glob("*.epub")
    return epub.read_bytes()


@pytest.fixture
def small_catalogue(tmp_path: Path):
    """A factory: the repository's two small books (and any `extra` book folders) copied into a
    catalogue folder, with a catalogue.yaml building their EPUBs without EPUBCheck."""

    def make(extra: dict[str, Path] | None = None) -> Path:
        folder = tmp_path / "list"
        for name in SMALL_BOOKS:
            shutil.copytree(ROOT / "books" / name, folder / "books" / name)
        for name, source in (extra or {}).items():
            for part in ("manuscript", "images", "styles"):
                if (source / part).is_dir():
                    shutil.copytree(source / part, folder / "books" / name / part)
        catalogue = folder / "catalogue.yaml"
        catalogue.write_text("books: [books/*]\nproducts: [epub]\nepubcheck: false\nout: out\n", encoding="utf-8")
        return catalogue

    return make


@dataclass
class DaskCluster:
    address: str
    workers: dict[str, subprocess.Popen]  # by worker name


@contextmanager
def dask_cluster(folder: Path) -> Iterator[DaskCluster]:
    """`dask scheduler` and two `dask worker` processes (no nanny: killing one kills the worker) on
    127.0.0.1 with ports the system picks; all stopped, and waited for, when the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    common = ["--host", "127.0.0.1", "--no-dashboard"]
    processes: list[subprocess.Popen] = []

    def start(*args: str) -> subprocess.Popen:
        log = open(folder / f"{len(processes)}.log", "wb")  # noqa: SIM115 - the process writes it until it ends
        processes.append(subprocess.Popen([str(DASK), *args, *common], stdout=log, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, cwd=folder))  # fmt: skip
        log.close()
        return processes[-1]

    try:
        start("scheduler", "--port", "0", "--scheduler-file", str(scheduler_file))
        deadline = time.monotonic() + START_TIMEOUT
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        workers = {name: start("worker", address, "--name", name, "--nthreads", "1", "--no-nanny",
                               "--local-directory", str(folder / name)) for name in ("w1", "w2")}  # fmt: skip
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=START_TIMEOUT)
        yield DaskCluster(address, workers)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=5)  # a worker closing gracefully may wait far longer
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    with dask_cluster(tmp_path_factory.mktemp("dask")) as running:
        yield running


@pytest.mark.slow  # a minute or more: the sample book's PDF and three EPUBCheck runs
def test_sample_catalogue_builds_on_a_local_cluster(tmp_path: Path):
    result = catalogue_build(ROOT / "catalogue.yaml", "--out", str(tmp_path), "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "LocalCluster, 2 workers" in result.output
    data = report(tmp_path)
    assert data["totals"]["built"] == 3 and data["totals"]["failed"] == 0
    assert data["totals"]["epubcheck"] == {"passed": 3, "failed": 0, "not_run": 0}
    for book in data["books"]:
        for product in book["products"]:
            assert (tmp_path / book["slug"] / product["file"]).stat().st_size == product["bytes"] > 0
        assert sorted(p["file"].rsplit(".", 1)[1] for p in book["products"]) == ["epub", "pdf"]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert all(slug in page for slug in ("pressmans-craft", *SMALL_BOOKS))
    house = (ROOT / "books" / "house-styles" / "house.css").read_text(encoding="utf-8").splitlines()[-1]
    with zipfile.ZipFile(tmp_path / "rag-and-water" / "rag-and-water.epub") as epub:
        assert house in epub.read("EPUB/css/book.css").decode()  # every book gets the house styles


def test_second_run_of_an_unchanged_catalogue_skips_every_book(small_catalogue):
    catalogue = small_catalogue()
    first = catalogue_build(catalogue, "--workers", "1")
    assert first.exit_code == 0, first.output
    out = catalogue.parent / "out"
    made = {p: p.stat().st_mtime_ns for p in out.glob("*/*")}
    second = catalogue_build(catalogue, "--workers", "1")
    assert second.exit_code == 0, second.output
    assert "2 of 2 books up to date, skipped" in second.output
    assert "Building" not in second.output  # no cluster is started for nothing
    assert report(out)["totals"]["skipped"] == 2
    assert {p: p.stat().st_mtime_ns for p in out.glob("*/*")} == made


def test_catalogue_builds_on_a_scheduler_with_two_worker_processes(cluster: DaskCluster, small_catalogue, tmp_path: Path):
    catalogue = small_catalogue()
    result = catalogue_build(catalogue, "--scheduler", cluster.address)
    assert result.exit_code == 0, result.output
    out = catalogue.parent / "out"
    for book in report(out)["books"]:
        assert book["status"] == "built"
        assert not book["worker"].endswith(f":{os.getpid()}")  # built in a worker process, not here
        expected = plain_epub(catalogue.parent / "books" / book["slug"], tmp_path / "plain" / book["slug"])
        assert (out / book["slug"] / f"{book['slug']}.epub").read_bytes() == expected


def test_a_broken_book_fails_alone_with_its_file_and_line(cluster: DaskCluster, small_catalogue):
    catalogue = small_catalogue({"broken": ROOT / "books" / "rag-and-water"})
    book_yaml = catalogue.parent / "books" / "broken" / "manuscript" / "book.yaml"
    book_yaml.write_text(book_yaml.read_text().replace("language: en", "language: [en]"), encoding="utf-8")
    result = catalogue_build(catalogue, "--scheduler", cluster.address)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    [error] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert f"{book_yaml}:5: " in error
    out = catalogue.parent / "out"
    rows = {book["slug"]: book for book in report(out)["books"]}
    assert rows["broken"]["status"] == "failed" and rows["broken"]["error"] == error.removeprefix("error: ")
    assert all(rows[slug]["status"] == "built" and (out / slug / f"{slug}.epub").is_file() for slug in SMALL_BOOKS)


@pytest.mark.slow  # a minute: a cluster of its own, and the sample book's layout for its EPUB's page list
def test_killing_a_worker_mid_build_still_completes_with_identical_products(small_catalogue, tmp_path: Path,
                                                                           sample_epub: Path):  # fmt: skip
    catalogue = small_catalogue({"pressmans-craft": ROOT})
    with dask_cluster(tmp_path / "dask") as running, Client(running.address) as watcher:
        build = subprocess.Popen([str(Path(sys.executable).parent / "presswork"), "catalogue", "build", str(catalogue),
                                  "--scheduler", running.address, "-q"], stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            victim = None
            deadline = time.monotonic() + START_TIMEOUT
            while victim is None and build.poll() is None and time.monotonic() < deadline:
                names = {address: info["name"] for address, info in watcher.scheduler_info()["workers"].items()}
                busy = [names[address] for address, keys in watcher.processing().items() if keys and address in names]
                victim = busy[0] if busy else None
                time.sleep(0.02)
            assert victim is not None, "no task was seen running"
            running.workers[victim].kill()
            _, errors = build.communicate(timeout=600)
        finally:
            if build.poll() is None:
                build.kill()
                build.wait()
    assert build.returncode == 0, errors
    out = catalogue.parent / "out"
    assert {book["slug"]: book["status"] for book in report(out)["books"]} == dict.fromkeys(
        ("night-compositor", "pressmans-craft", "rag-and-water"), "built")  # fmt: skip
    assert (out / "pressmans-craft" / "pressmans-craft.epub").read_bytes() == sample_epub.read_bytes()
    for slug in SMALL_BOOKS:
        assert (out / slug / f"{slug}.epub").read_bytes() == plain_epub(ROOT / "books" / slug, tmp_path / "plain" / slug)


def test_a_catalogue_naming_a_book_outside_its_folder_is_refused_at_its_line(tmp_path: Path):
    catalogue = tmp_path / "list" / "catalogue.yaml"
    catalogue.parent.mkdir()
    catalogue.write_text("products: [epub]\nbooks:\n  - ../elsewhere\n", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    result = catalogue_build(catalogue)
    assert result.exit_code == 1
    assert result.output == (f"error: {catalogue}:3: the book folder '../elsewhere' leads outside the catalogue's folder"
                             " — keep books, house styles and the output root inside the folder holding the catalogue\n")  # fmt: skip


def test_an_unknown_product_is_refused_at_its_line(tmp_path: Path):
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text("books: [.]\nproducts:\n  - epub\n  - mobi\n", encoding="utf-8")
    result = catalogue_build(catalogue)
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {catalogue}:4: unknown product 'mobi'")


def test_the_web_edition_is_refused_with_the_command_that_builds_it(tmp_path: Path):
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text("books: [.]\nproducts:\n  - epub\n  - web\n", encoding="utf-8")
    result = catalogue_build(catalogue)
    assert result.exit_code == 1
    assert result.output == (f"error: {catalogue}:4: the web product is a folder, which a catalogue does not build"
                             " — build it book by book with `presswork build web`\n")  # fmt: skip


def test_a_book_with_products_and_a_bundle_is_loaded_and_warned_about_once(small_book, tmp_path: Path):
    from presswork.catalogue import task
    from presswork.errors import Diagnostics

    root = small_book({"manuscript/chapters/one.md": "---\ntitle: One\nmood: calm\n---\n\n# One\n\nText.\n"})
    diagnostics = Diagnostics()
    paths = task._make(root, tmp_path / "out", ("epub", "dist"), diagnostics)
    assert {p.suffix for p in paths if p.parent == tmp_path / "out"} == {".epub"} and any("dist" in p.parts for p in paths)
    assert [w.code for w in diagnostics.warnings].count("L005") == 1, [str(w) for w in diagnostics.warnings]


def test_every_in_a_catalogue_is_every_file_product(small_book, monkeypatch, tmp_path: Path):
    from presswork.backends import BACKENDS
    from presswork.catalogue import task
    from presswork.errors import Diagnostics

    asked: list[str] = []
    monkeypatch.setattr(task, "write_products", lambda pipeline, backends, *rest: asked.extend(b.name for b in backends) or [])
    task._make(small_book(), tmp_path / "out", ("every",), Diagnostics())
    assert asked == [name for name, backend in BACKENDS.items() if not backend.folder] and "kobo" in asked
    assert "web" not in asked


def test_only_names_books_of_the_catalogue(small_catalogue):
    catalogue = small_catalogue()
    result = catalogue_build(catalogue, "--only", "no-such-book")
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {catalogue}: no book 'no-such-book' in the catalogue")


# The security review's findings: each test below failed before its fix. A fake cluster runs the
# "worker" here, in-process, so a forged result (what a hostile or broken worker may send) is tested
# without Dask.

def fake_cluster(monkeypatch, worker=None):
    """Make the command's cluster an in-process loop that reads each book as the real one does and
    hands its inputs to `worker`, which returns the BookResult a worker would send back."""
    import presswork.commands.catalogue as command
    from presswork.catalogue.cluster import Cluster
    from presswork.catalogue.task import BookResult
    from presswork.errors import PressworkError
    from presswork.files.cache import code_key

    def honest(inputs):
        return BookResult(inputs.slug, inputs.key, ((f"{inputs.slug}.epub", b"an epub"),), code=code_key())

    @contextmanager
    def connect(scheduler, workers):
        yield Cluster(None, "a fake cluster", None)

    def run(cluster, books, done):
        for slug, read in books:
            try:
                inputs = read()
            except PressworkError as exc:
                done(slug, exc)
                continue
            done(slug, (worker or honest)(inputs))

    monkeypatch.setattr(command, "connect", connect)
    monkeypatch.setattr(command, "run", run)


def write_catalogue(small_catalogue, text: str) -> Path:
    catalogue = small_catalogue()
    catalogue.write_text(text, encoding="utf-8")
    return catalogue


@pytest.mark.parametrize("out", [".", "books", "books/rag-and-water", "books/rag-and-water/manuscript", "house",
                                 "house/out", "books/rag-and-water/images/out"])  # fmt: skip
def test_an_output_root_overlapping_a_book_or_the_house_styles_is_refused_at_its_line(small_catalogue, monkeypatch,
                                                                                       out: str):  # fmt: skip
    fake_cluster(monkeypatch)
    catalogue = small_catalogue()
    (catalogue.parent / "house").mkdir()
    catalogue.write_text(f"books: [books/*]\nproducts: [epub]\nstyles: house\nepubcheck: false\nout: {out}\n", encoding="utf-8")
    result = catalogue_build(catalogue)
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {catalogue}:5: the output root {out!r} ")
    assert not (catalogue.parent / out / "report.html").exists()


def test_an_output_root_given_with_out_may_not_overlap_a_book_either(small_catalogue, monkeypatch):
    fake_cluster(monkeypatch)
    catalogue = small_catalogue()
    result = catalogue_build(catalogue, "--out", str(catalogue.parent / "books"))
    assert result.exit_code == 1
    assert "overlaps the book folder" in result.output
    assert not (catalogue.parent / "books" / "report.html").exists()


def test_an_output_root_inside_a_book_but_outside_its_sources_is_allowed(small_catalogue, monkeypatch):
    fake_cluster(monkeypatch)
    catalogue = write_catalogue(small_catalogue, "books: [books/*]\nproducts: [epub]\nepubcheck: false\n"
                                                 "out: books/rag-and-water/build/catalogue\n")  # fmt: skip
    result = catalogue_build(catalogue)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", ["manuscript/book.yaml", "../escape.epub", "./a.epub", "/abs.epub", "a\\b.epub",
                                  "a\0.epub", "images/x.png", "a/b.epub", "dist/1/2/x", "dist/../x", ".hidden", ""])  # fmt: skip
def test_a_worker_cannot_name_a_product_outside_its_place(small_catalogue, monkeypatch, name: str):
    from presswork.catalogue.task import BookResult
    from presswork.files.cache import code_key

    fake_cluster(monkeypatch, lambda inputs: BookResult(inputs.slug, inputs.key, ((name, b"forged"),), code=code_key()))
    catalogue = small_catalogue()
    result = catalogue_build(catalogue)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "not a product name" in result.output
    out = catalogue.parent / "out"
    assert {book["status"] for book in report(out)["books"]} == {"failed"}
    assert not list((out / "rag-and-water").rglob("*"))


def test_an_unreadable_book_fails_alone_and_the_run_goes_on(small_catalogue, monkeypatch):
    import presswork.commands.catalogue as command

    fake_cluster(monkeypatch)
    catalogue = small_catalogue()
    real_key, real_read = command.current_key, command.read_inputs

    def key(entry, *args):
        if entry.slug == "night-compositor":
            raise PermissionError(13, "Permission denied", str(entry.folder / "manuscript" / "book.yaml"))
        return real_key(entry, *args)

    def read(entry, *args):
        if entry.slug == "rag-and-water":
            raise OSError(5, "Input/output error", str(entry.folder / "manuscript" / "book.yaml"))
        return real_read(entry, *args)

    monkeypatch.setattr(command, "current_key", key)
    monkeypatch.setattr(command, "read_inputs", read)
    result = catalogue_build(catalogue)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    rows = {book["slug"]: book for book in report(catalogue.parent / "out")["books"]}
    assert rows["night-compositor"]["status"] == rows["rag-and-water"]["status"] == "failed"
    books = catalogue.parent / "books"
    assert rows["night-compositor"]["error"].startswith(f"{books}/night-compositor/manuscript/book.yaml: ")
    assert "permission denied" in rows["night-compositor"]["error"]
    assert rows["rag-and-water"]["error"].startswith(f"{books}/rag-and-water/manuscript/book.yaml: ")


def test_a_product_that_cannot_be_written_fails_its_book_alone(small_catalogue, monkeypatch):
    from presswork.catalogue.task import BookResult
    from presswork.files.cache import code_key

    def worker(inputs):
        products = (("dist", b"a file"), ("dist/1/x.epub", b"then a folder")) if inputs.slug == "rag-and-water" else \
            ((f"{inputs.slug}.epub", b"an epub"),)  # fmt: skip
        return BookResult(inputs.slug, inputs.key, products, code=code_key())

    fake_cluster(monkeypatch, worker)
    catalogue = small_catalogue()
    result = catalogue_build(catalogue)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    rows = {book["slug"]: book for book in report(catalogue.parent / "out")["books"]}
    assert rows["rag-and-water"]["status"] == "failed" and rows["night-compositor"]["status"] == "built"


def test_a_read_that_fails_on_the_cluster_fails_its_book_alone(monkeypatch):
    import distributed

    from presswork.catalogue.cluster import Cluster, run

    monkeypatch.setattr(distributed, "as_completed", list)  # no task is ever submitted

    class Client:
        def nthreads(self):
            return {"worker": 1}

    outcomes = {}

    def broken():
        raise OSError(5, "Input/output error", "book/manuscript/a.md")

    def malformed():
        raise ValueError("bad bytes")

    run(Cluster(Client(), "fake", None), [("a", broken), ("b", malformed)], outcomes.__setitem__)
    assert isinstance(outcomes["a"], OSError) and isinstance(outcomes["b"], ValueError)


def test_reading_a_book_never_follows_a_link_swapped_in_after_listing(small_catalogue, monkeypatch, tmp_path: Path):
    from presswork.catalogue import inputs
    from presswork.catalogue.spec import read_catalogue
    from presswork.errors import PressworkError

    catalogue = small_catalogue()
    [entry, _] = read_catalogue(catalogue).books
    secret = tmp_path / "secret.txt"
    secret.write_text("not the book's", encoding="utf-8")
    listing = inputs.files_inside

    def swapping(base, root):
        found = listing(base, root)
        if found and not found[0].is_symlink():
            found[0].unlink()
            found[0].symlink_to(secret)  # swapped after the book was listed
        return found

    monkeypatch.setattr(inputs, "files_inside", swapping)
    with pytest.raises(PressworkError, match="outside"):
        inputs.read_inputs(entry, None, False)
    with pytest.raises(PressworkError, match="outside"):
        inputs.current_key(entry, None, False)


def test_reading_a_book_file_reads_at_most_the_cap(small_catalogue, monkeypatch):
    from presswork.catalogue import inputs
    from presswork.catalogue.spec import read_catalogue
    from presswork.errors import PressworkError

    catalogue = small_catalogue()
    [entry, _] = read_catalogue(catalogue).books
    monkeypatch.setattr(inputs, "MAX_FILE_BYTES", 100)
    # Every file says it holds 1 byte when asked, as one that grows after it was checked would.
    small = lambda info: os.stat_result((*info[:6], 1, *info[7:]))
    real_stat, real_fstat = Path.stat, os.fstat
    monkeypatch.setattr(Path, "stat", lambda self, **kwargs: small(real_stat(self, **kwargs)))
    monkeypatch.setattr(os, "fstat", lambda fd: small(real_fstat(fd)))
    with pytest.raises(PressworkError, match="more than"):
        inputs.read_inputs(entry, None, False)


def plant_record(out: Path, slug: str, entry: dict) -> None:
    from presswork import __version__

    out.mkdir(parents=True, exist_ok=True)
    (out / ".presswork-catalogue.json").write_text(json.dumps({"presswork": __version__, "books": {slug: entry}}),
                                                   encoding="utf-8")  # fmt: skip


def test_a_planted_record_cannot_set_a_status_or_inject_html(small_catalogue, monkeypatch):
    fake_cluster(monkeypatch)
    catalogue = small_catalogue()
    out = catalogue.parent / "out"
    plant_record(out, "rag-and-water", {"key": "", "products": [], "status": "x' onmouseover='alert(1)",
                                        "slug": "<script>", "folder": "<b>", "error": "planted"})  # fmt: skip
    result = catalogue_build(catalogue, "--only", "night-compositor")
    assert result.exit_code == 0, result.output
    rows = {book["slug"]: book for book in report(out)["books"]}
    assert rows["rag-and-water"]["status"] == "left out" and rows["rag-and-water"]["error"] is None
    assert "status" not in json.loads((out / ".presswork-catalogue.json").read_text())["books"].get("rag-and-water", {})
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "onmouseover" not in page and "<script>" not in page


def test_a_record_with_values_of_the_wrong_type_is_not_trusted(small_catalogue, monkeypatch):
    fake_cluster(monkeypatch)
    catalogue = small_catalogue()
    out = catalogue.parent / "out"
    plant_record(out, "rag-and-water", {"key": "", "products": [{"file": "a.epub", "sha256": "0", "bytes": "<b>"}],
                                        "seconds": "<i>", "epubcheck": [{"file": "a.epub", "ran": "yes"}]})  # fmt: skip
    result = catalogue_build(catalogue, "--only", "night-compositor")
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert report(out)["books"][1]["status"] == "left out"


def test_a_second_run_on_the_same_output_root_fails_at_once_in_one_line(small_catalogue, monkeypatch):
    import fcntl

    fake_cluster(monkeypatch)
    catalogue = small_catalogue()
    out = catalogue.parent / "out"
    out.mkdir()
    with open(out / ".presswork-catalogue.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = catalogue_build(catalogue)
    assert result.exit_code == 1
    assert result.output == (f"error: {out}: another catalogue build is writing into this output root"
                             " — wait for it to end, or give --out another folder\n")  # fmt: skip
    assert not (out / "report.json").exists()
    assert catalogue_build(catalogue).exit_code == 0  # released: the next run goes ahead


def test_the_command_records_the_key_it_computed_not_the_workers(small_catalogue, monkeypatch):
    from presswork.catalogue.task import BookResult
    from presswork.files.cache import code_key

    sent = {}

    def worker(inputs):
        sent[inputs.slug] = inputs.key
        return BookResult(inputs.slug, "forged", ((f"{inputs.slug}.epub", b"an epub"),), code=code_key())

    fake_cluster(monkeypatch, worker)
    catalogue = small_catalogue()
    assert catalogue_build(catalogue).exit_code == 0
    record = json.loads((catalogue.parent / "out" / ".presswork-catalogue.json").read_text())["books"]
    assert {slug: book["key"] for slug, book in record.items()} == sent


def test_a_result_for_another_book_fails_the_book(small_catalogue, monkeypatch):
    from presswork.catalogue.task import BookResult
    from presswork.files.cache import code_key

    fake_cluster(monkeypatch, lambda inputs: BookResult("rag-and-water", inputs.key, (("rag-and-water.epub", b"x"),),
                                                        code=code_key()))  # fmt: skip
    catalogue = small_catalogue()
    result = catalogue_build(catalogue)
    assert result.exit_code == 1
    rows = {book["slug"]: book for book in report(catalogue.parent / "out")["books"]}
    assert rows["night-compositor"]["status"] == "failed" and "another book" in rows["night-compositor"]["error"]
    assert not (catalogue.parent / "out" / "night-compositor" / "rag-and-water.epub").exists()


def test_an_epubcheck_message_missing_a_field_is_reported_not_raised(monkeypatch, tmp_path: Path):
    import presswork.catalogue.epubcheck as module

    def fake_run(args, **kwargs):
        report_path = Path(args[args.index("--json") + 1])
        report_path.write_text(json.dumps({"checker": {"nFatal": 0, "nError": 1, "nWarning": 0},
                                           "messages": [{"severity": "ERROR", "message": "no ID here"}]}))  # fmt: skip

    monkeypatch.setattr(module.shutil, "which", lambda name: "/usr/bin/java")
    monkeypatch.setattr(module.subprocess, "run", fake_run)
    check = module.epubcheck(tmp_path / "a.epub", "a.epub")
    assert check.ran and check.errors == 1 and "no ID here" in check.messages[0]


@pytest.mark.parametrize("slugs", [("Novel", "novel"), ("REPORT.JSON", None)])
def test_slugs_are_compared_regardless_of_case(tmp_path: Path, monkeypatch, slugs):
    fake_cluster(monkeypatch)
    lines = []
    for i, slug in enumerate(slugs):
        if slug is not None:
            (tmp_path / f"b{i}").mkdir()
            lines.append(f"  - path: b{i}\n    slug: {slug}\n")
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text("products: [epub]\nbooks:\n" + "".join(lines), encoding="utf-8")
    result = catalogue_build(catalogue)
    assert result.exit_code == 1
    assert "named" in result.output or "cannot name" in result.output


@pytest.mark.slow  # a real Dask cluster's 10 s shutdown
def test_a_glob_stops_once_it_has_found_more_books_than_a_catalogue_may_hold(tmp_path: Path, monkeypatch):
    from presswork.catalogue import spec

    for name in "abcdef":
        (tmp_path / "books" / name / "manuscript").mkdir(parents=True)
        (tmp_path / "books" / name / "manuscript" / "book.yaml").write_text("title: x\n")
    seen = []
    glob = Path.glob

    def counting(self, pattern):
        for path in glob(self, pattern):
            seen.append(path)
            yield path

    fake_cluster(monkeypatch)
    monkeypatch.setattr(spec, "MAX_BOOKS", 2)
    monkeypatch.setattr(Path, "glob", counting)
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text("products: [epub]\nbooks: [books/*]\n", encoding="utf-8")
    result = catalogue_build(catalogue)
    assert result.exit_code == 1 and "more than 2 books" in result.output
    assert len(seen) <= 3
