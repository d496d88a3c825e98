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
                process.wait(timeout=30)
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


def test_only_names_books_of_the_catalogue(small_catalogue):
    catalogue = small_catalogue()
    result = catalogue_build(catalogue, "--only", "no-such-book")
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {catalogue}: no book 'no-such-book' in the catalogue")
