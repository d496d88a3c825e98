"""The catalogue's task: one book's products from its inputs, on whichever worker Dask picks.

A pure function of values: the book's files arrive as bytes, the products leave as bytes, and the
private folder it builds in is gone when it returns. So Dask may run it anywhere, run it again
after a worker died, and the products are the same bytes as `presswork build` makes."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .. import __version__
from ..backends.options import BuildOptions
from ..errors import Diagnostics, Location, PressworkError
from ..files.cache import Cache, code_key, default_folder
from ..files.revisions import FOLDERS
from ..load.book import load_book
from ..pipeline import Pipeline, expand, load, write_products
from ..progress import silent
from .epubcheck import EpubCheck, epubcheck

# One build a worker process at a time: SOURCE_DATE_EPOCH is the process's, and the stages are
# Python that threads would not speed up. Run workers with one thread each (README).
_ONE_BUILD = threading.Lock()


@dataclass(frozen=True)
class BookInputs:
    """Everything a book's products depend on, as values a worker on any machine can use."""

    slug: str
    files: tuple[tuple[str, bytes], ...]  # (name inside the book, content)
    products: tuple[str, ...]
    epubcheck: bool
    source_date_epoch: str | None  # the command's: dates inside products come from it
    version: str  # the command's presswork version: a worker with another must not build
    key: str  # the digest of all the above, recorded to skip the book next time


@dataclass(frozen=True)
class Problem:
    """An error or warning, its file named inside the book: the command knows where the book is."""

    file: str | None
    line: int | None
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class BookResult:
    slug: str
    key: str
    products: tuple[tuple[str, bytes], ...] = ()  # (name inside the book's output folder, content)
    warnings: tuple[Problem, ...] = ()
    error: Problem | None = None
    checks: tuple[EpubCheck, ...] = ()
    seconds: float = 0.0  # building
    check_seconds: float = 0.0  # EPUBCheck
    worker: str = ""
    code: str = ""  # the worker's code_key(): the command records the book as up to date only if it is its own


def build_book(inputs: BookInputs) -> BookResult:
    """The task. A book's own mistakes come back as the result's error; anything else raises, for
    Dask to retry (`retries=`) and then report."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    if __version__ != inputs.version:
        return BookResult(inputs.slug, inputs.key, error=Problem(None, None, f"this worker runs presswork {__version__}, "
                          f"the command {inputs.version}", "install the same presswork on every worker and on the "
                          "machine running the command"), worker=worker)  # fmt: skip
    with _ONE_BUILD, tempfile.TemporaryDirectory(prefix="presswork-catalogue-") as tmp:
        root, out = Path(tmp) / "book", Path(tmp) / "out"
        _unpack(inputs.files, root)
        diagnostics = Diagnostics()
        started = time.perf_counter()
        try:
            with _source_date(inputs.source_date_epoch):
                paths = _make(root, out, inputs.products, diagnostics)
        except PressworkError as exc:
            return BookResult(inputs.slug, inputs.key, warnings=_problems(diagnostics, root),
                              error=_problem(exc.where, exc.message, exc.hint, root),
                              seconds=time.perf_counter() - started, worker=worker)  # fmt: skip
        seconds = time.perf_counter() - started
        products = tuple((path.relative_to(out).as_posix(), path.read_bytes()) for path in paths)
        started = time.perf_counter()
        checks = tuple(epubcheck(out / name, name) for name, _ in products if name.endswith(".epub")) if inputs.epubcheck else ()
        return BookResult(inputs.slug, inputs.key, products, _problems(diagnostics, root), None, checks, seconds,
                          time.perf_counter() - started, worker, code_key())  # fmt: skip


def _make(root: Path, out: Path, products: tuple[str, ...], diagnostics: Diagnostics) -> list[Path]:
    """The products, made as `presswork build` (and `dist`) make them, with the layout in this
    process: the catalogue's parallelism is its books, one a worker."""
    options = BuildOptions(jobs=1)
    cache = Cache(default_folder(), diagnostics)
    backends = [b for b in expand(tuple(name for name in products if name != "dist")) if not b.folder]  # see PRODUCTS
    book = load(root, diagnostics, _Quiet()) if backends else load_book(root, diagnostics)  # as `build`, or as `dist`
    pipeline = Pipeline(book, diagnostics, options, cache)  # one load and one layout for the products and the bundle
    paths = write_products(pipeline, backends, out, _Quiet()) if backends else []
    if "dist" in products:
        from ..distribution.bundle import make_bundle  # covers, ONIX and barcodes: only for books that ask for a bundle

        bundle = make_bundle(pipeline, out / "dist", silent)
        paths += sorted(bundle.iterdir())
    return paths


class _Quiet:
    """The build's reporter on a worker: nobody watches it; the result carries what matters."""

    def info(self, message: str, step: tuple[int, int] | None = None) -> None:
        pass

    def detail(self, message: str) -> None:
        pass


def _unpack(files: tuple[tuple[str, bytes], ...], root: Path) -> None:
    """Write the book's files into the fresh folder `root`. Names are checked, and nothing is
    written through a link, so even a forged input writes only inside `root`."""
    for name, data in files:
        parts = PurePosixPath(name).parts
        if PurePosixPath(name).is_absolute() or not parts or parts[0] not in FOLDERS or {"..", "."} & set(parts):
            raise ValueError(f"not a book file name: {name!r}")
        target = root.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)


@contextmanager
def _source_date(value: str | None) -> Iterator[None]:
    """SOURCE_DATE_EPOCH as the command has it, set or unset, for the duration of one build."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    _set_source_date(value)
    try:
        yield
    finally:
        _set_source_date(saved)


def _set_source_date(value: str | None) -> None:
    if value is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = value


def _problems(diagnostics: Diagnostics, root: Path) -> tuple[Problem, ...]:
    return tuple(_problem(w.where, w.message, w.hint, root) for w in diagnostics.warnings)


def _problem(where: Location, message: str, hint: str | None, root: Path) -> Problem:
    """A problem with the private folder taken out: files named inside the book, and the folder
    itself, where a message names it, called what it is to the user."""
    name = None
    if where.file is not None:
        path = Path(where.file)
        inside = next((path.relative_to(r) for r in (root, root.resolve()) if path.is_relative_to(r)), None)
        name = (inside or path).as_posix()
    return Problem(name, where.line, _hide(message, root), _hide(hint, root) if hint else None)


def _hide(text: str, root: Path) -> str:
    for folder in {str(root), str(root.resolve())}:
        text = text.replace(folder + "/", "").replace(folder, "the book folder")
    return text
