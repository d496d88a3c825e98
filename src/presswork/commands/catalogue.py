"""`presswork catalogue build`: every book of a publisher's list through the same pipeline as
`presswork build`, one Dask task a book. A book whose inputs have not changed since its last
build is skipped; a broken book fails alone, named in the report, and the run exits non-zero."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..catalogue.cluster import connect, run
from ..catalogue.inputs import book_files, current_key, read_inputs
from ..catalogue.outputs import Record, write_products
from ..catalogue.report import failing, write_report
from ..catalogue.spec import Catalogue, Entry, check_out
from ..catalogue.task import BookInputs, BookResult, Problem
from ..errors import Location, PressworkError, format_problem
from ..files.cache import code_key
from ..files.output import writing_into
from ..pipeline import Reporter
from ..text.labels import counted


@dataclass(frozen=True)
class CatalogueRun:
    rows: list[dict[str, Any]]  # report.json's books, in the catalogue's order
    report: Path
    failures: list[str]  # one line each: a failed book, an EPUB EPUBCheck did not pass


def build_catalogue(catalogue: Catalogue, out_root: Path, only: tuple[str, ...], scheduler: str | None,
                    workers: int | None, report: Reporter) -> CatalogueRun:  # fmt: skip
    """Build the books of `catalogue` (those named by `only`, when given) into `out_root`."""
    started = time.perf_counter()
    chosen = _chosen(catalogue, only)
    if out_root != catalogue.out:  # --out: checked as the catalogue's `out:` was
        check_out(catalogue, out_root, Location(out_root))
    with writing_into(out_root):
        out_root.mkdir(parents=True, exist_ok=True)
        with _locked(out_root):
            return _build(catalogue, out_root, chosen, scheduler, workers, report, started)


LOCK = ".presswork-catalogue.lock"


@contextmanager
def _locked(out_root: Path) -> Iterator[None]:
    """Hold `<root>/.presswork-catalogue.lock` for the whole run: two runs into one output root
    would each rewrite the record without the other's books. A second run fails at once."""
    try:
        fd = os.open(out_root / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    except OSError as exc:
        raise PressworkError(f"cannot open the lock file {LOCK}: {exc.strerror}", Location(out_root),
                             "remove it, or give --out another folder") from None  # fmt: skip
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PressworkError("another catalogue build is writing into this output root", Location(out_root),
                                 "wait for it to end, or give --out another folder") from None  # fmt: skip
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays, so that every run locks the same one


def _build(catalogue: Catalogue, out_root: Path, chosen: set[str], scheduler: str | None, workers: int | None,
           report: Reporter, started: float) -> CatalogueRun:  # fmt: skip
    record = Record(out_root)
    progress = _Progress(report, len(chosen))
    rows: dict[str, dict[str, Any]] = {}
    todo: list[Entry] = []
    for entry in catalogue.books:
        if entry.slug not in chosen:
            rows[entry.slug] = _row(entry, "left out", record.books.get(entry.slug))
            continue
        try:
            key = current_key(entry, catalogue.styles, catalogue.epubcheck)
        except (PressworkError, OSError, ValueError) as exc:
            rows[entry.slug] = progress.fail(entry, _unreadable(entry, exc))
            continue
        if record.up_to_date(entry.slug, key, out_root / entry.slug):
            rows[entry.slug] = _row(entry, "skipped", record.books[entry.slug])
            progress.skipped += 1
        else:
            todo.append(entry)
    if progress.skipped:
        report.info(f"{progress.skipped} of {counted(len(chosen), 'book')} up to date, skipped")
    cluster_name = "nothing to build"
    if todo:
        entries = {entry.slug: entry for entry in todo}
        sent: dict[str, str] = {}  # the key of the bytes each book's task was sent: what its record says

        def read(entry: Entry) -> BookInputs:
            try:
                inputs = read_inputs(entry, catalogue.styles, catalogue.epubcheck)
            except (OSError, ValueError) as exc:
                raise _as_error(entry, exc) from None
            sent[entry.slug] = inputs.key
            return inputs

        def done(slug: str, outcome: BookResult | BaseException) -> None:
            rows[slug] = _finish(entries[slug], sent.get(slug, ""), outcome, catalogue, out_root, record, progress)

        with connect(scheduler, workers) as cluster:
            cluster_name = cluster.name
            report.info(f"Building {counted(len(todo), 'book')} on {cluster.name}")
            report.info(f"Dask dashboard: {cluster.dashboard or 'none (the scheduler was started without one)'}")
            run(cluster, [(e.slug, partial(read, e)) for e in todo], done)
    ordered = [rows[entry.slug] for entry in catalogue.books]
    path = write_report(out_root, catalogue.path, cluster_name, ordered, time.perf_counter() - started)
    return CatalogueRun(ordered, path, failing(ordered))


class _Progress:
    """Books done, failed and skipped, told to the reporter as each book ends."""

    def __init__(self, report: Reporter, total: int):
        self.report, self.total = report, total
        self.done = self.failed = self.skipped = 0

    def built(self, slug: str, seconds: float) -> None:
        self.done += 1
        self._tell(f"{slug}: built in {seconds:.1f} s")

    def fail(self, entry: Entry, error: str) -> dict[str, Any]:
        self.failed += 1
        self._tell(f"{entry.slug}: failed")
        return _row(entry, "failed", None, error)

    def _tell(self, message: str) -> None:
        finished = self.done + self.failed + self.skipped
        counts = f"{self.done} done, {self.failed} failed, {self.skipped} skipped of {self.total}"
        self.report.info(f"{message} ({counts})", (finished + 1, self.total))  # the bar shows step − 1 as completed


def _finish(entry: Entry, key: str, outcome: BookResult | BaseException, catalogue: Catalogue, out_root: Path,
            record: Record, progress: _Progress) -> dict[str, Any]:  # fmt: skip
    """Write a finished book's products and record them under `key`, the key of the inputs the
    command sent (never the one the worker says), or say why it failed."""
    if isinstance(outcome, PressworkError):
        return _failed(entry, _located(entry, outcome), record, progress)
    if isinstance(outcome, BaseException):
        return _failed(entry, f"{entry.folder}: the build failed on the cluster: {type(outcome).__name__}: {outcome}",
                       record, progress)  # fmt: skip
    if not isinstance(outcome, BookResult) or outcome.slug != entry.slug or not key:
        return _failed(entry, f"{entry.folder}: the cluster sent back the result of another book", record, progress)
    try:
        files = book_files(entry, catalogue.styles) if outcome.error or outcome.warnings else {}
        if outcome.error is not None:
            return _failed(entry, _text(outcome.error, entry, files), record, progress)
        products = write_products(out_root, entry.slug, outcome.products, record.books.get(entry.slug))
    except (PressworkError, OSError, ValueError) as exc:
        return _failed(entry, _unreadable(entry, exc), record, progress)
    warnings = [_text(w, entry, files) for w in outcome.warnings]
    same_code = outcome.code == code_key()
    if not same_code:  # the same version, other files: an edited checkout, or a patched install
        warnings.append(f"{entry.folder}: built by a worker whose presswork files differ from this command's, "
                        "so it is built again next time — install the same presswork everywhere")  # fmt: skip
    row = {"key": key if same_code else "", "products": products, "seconds": round(outcome.seconds, 2),
           "check_seconds": round(outcome.check_seconds, 2), "worker": outcome.worker, "warnings": warnings,
           "epubcheck": [asdict(c) for c in outcome.checks]}  # fmt: skip
    record.store(entry.slug, row)
    progress.built(entry.slug, outcome.seconds)
    return _row(entry, "built", row)


def _failed(entry: Entry, error: str, record: Record, progress: _Progress) -> dict[str, Any]:
    record.outdate(entry.slug)
    return progress.fail(entry, error)


def _row(entry: Entry, status: str, recorded: dict[str, Any] | None, error: str | None = None) -> dict[str, Any]:
    """A book's line in the report: what its last build recorded, with this run's status (which
    nothing recorded overrides)."""
    return {**(recorded or {}), "slug": entry.slug, "folder": str(entry.folder), "status": status, "error": error}


def _chosen(catalogue: Catalogue, only: tuple[str, ...]) -> set[str]:
    slugs = [entry.slug for entry in catalogue.books]
    wanted = {slug.strip() for names in only for slug in names.split(",") if slug.strip()}
    unknown = sorted(wanted - set(slugs))
    if unknown:
        shown = ", ".join(slugs[:10]) + (" …" if len(slugs) > 10 else "")
        raise PressworkError(f"no book {unknown[0]!r} in the catalogue", Location(catalogue.path),
                             f"--only takes the books' names: {shown}")  # fmt: skip
    return wanted or set(slugs)


def _located(entry: Entry, exc: PressworkError) -> str:
    """The error's line, with the book's folder when the error names no file."""
    return str(exc) if str(exc.where) else f"{entry.folder}: {exc}"


def _unreadable(entry: Entry, exc: PressworkError | OSError | ValueError) -> str:
    """A book's file that could not be read or written, as a line naming it."""
    return _located(entry, _as_error(entry, exc))


def _as_error(entry: Entry, exc: PressworkError | OSError | ValueError) -> PressworkError:
    if isinstance(exc, PressworkError):
        return exc
    if isinstance(exc, OSError):
        where = Path(exc.filename) if isinstance(exc.filename, (str, os.PathLike)) else entry.folder
        return PressworkError(f"cannot read or write it: {(exc.strerror or str(exc)).lower()}", Location(where),
                              "check the file's permissions and the disk")  # fmt: skip
    return PressworkError(f"cannot read the book: {exc}", Location(entry.folder))


def _text(problem: Problem, entry: Entry, files: dict[str, Path]) -> str:
    """A worker's problem, its file named where the user keeps it (a house style in the house folder)."""
    file = (files.get(problem.file) or entry.folder / problem.file) if problem.file is not None else entry.folder
    return format_problem(Location(file, problem.line), problem.message, problem.hint)
