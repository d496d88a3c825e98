"""The pipeline, the orchestrator stage: load the book once, make each artifact the requested products
need once (from the build cache when it is valid), and hand them to the backends. A stage of its own
below the commands, so build, dist, proof, diff, watch and a catalogue's task share it.

    load ─▶ Book ─┬─ layout ─▶ Layout ─┬──────────────▶ pdf
                  │                    └▶ page map ──┬▶ epub, kindle (books with a print edition)
                  └── (cache) ─────────▶ page map ───┘
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .backends import BACKENDS, Backend
from .backends.options import Artifacts, BuildOptions
from .check.editor import require_no_marks
from .collector import collected_after
from .errors import Diagnostics
from .files import jsonfile
from .files.cache import Cache, book_key
from .files.folders import discard, staging_folder
from .files.output import product_bytes, put_in_place, replaceable, writing_into
from .layout.pieces import Layout
from .load.book import load_book
from .model import Book, PrintOptions
from .pagemap import PageMap
from .progress import Progress, silent
from .render.fonts import check_glyphs
from .text.labels import counted

if TYPE_CHECKING:
    from .layout.typeset import KeptTypesetters


class Reporter(Protocol):
    """How a command tells the user where it is: `info` is the stages' `Progress` (a line a stage, or
    a step of a counted run), `detail` what -v adds. The CLI alone decides how it shows (a bar on a
    terminal, plain lines otherwise, nothing with -q), so no stage knows about terminals."""

    def info(self, message: str, step: tuple[int, int] | None = None) -> None: ...
    def detail(self, message: str) -> None: ...


GROUPS = ("all", "every")  # words for several products, see `expand`


def expand(names: tuple[str, ...]) -> list[Backend]:
    """Backends in the order asked, each once: `all` stands for the products every book ships
    (EPUB, print PDF, Kindle: those whose Backend says `in_all`), `every` for every backend."""
    groups = {"all": [name for name, backend in BACKENDS.items() if backend.in_all], "every": list(BACKENDS)}
    wanted = [backend for name in names for backend in groups.get(name, [name])]
    return [BACKENDS[name] for name in dict.fromkeys(wanted)]


@dataclass
class Pipeline:
    """One book on its way through the stages. Each artifact is made at most once and only when a
    product asks for it, so the order products are asked in never changes the work done."""

    book: Book
    diagnostics: Diagnostics
    options: BuildOptions = field(default_factory=BuildOptions)
    cache: Cache | None = None  # None: no build cache
    progress: Progress = silent
    margin_css: str = ""  # a proof's mark in the page margins: it moves no page break
    kept: KeptTypesetters | None = None  # typesetters and pieces kept for the next build (watch)
    _layout: Layout | None = field(default=None, init=False)
    _pages: PageMap | None = field(default=None, init=False)

    def print_options(self) -> PrintOptions:
        """The book's print options with the command line's on top (the model is never patched)."""
        return replace(self.book.print, marks=True) if self.options.marks else self.book.print

    def layout(self) -> Layout:
        """Stage: the print layout. Its page map goes to the cache for later EPUB builds."""
        if self._layout is None:
            started = time.perf_counter()
            self._layout = lay_out(self.book, self.diagnostics, self.print_options(), self.margin_css, self.progress,
                                   self.options.jobs, self.cache, self.kept)  # fmt: skip
            self.progress(f"Laid out {counted(self._layout.page_count(), 'page')} in {time.perf_counter() - started:.2f} s")
            self._pages = self._layout.pages
            if self.cache is not None and self.book.metadata.isbn_paperback:  # only EPUBs of a print edition ask for it
                self.cache.store("pagemap", self._page_map_key, page_map_json(self._pages))
        return self._layout

    def page_map(self) -> PageMap | None:
        """Stage: the print edition's page map — None when the book has none (no paperback ISBN) or
        the options ask for EPUBs without it — from this run's layout, the cache, or a layout."""
        if not (self.book.metadata.isbn_paperback and self.options.page_map):
            return None
        if self._pages is None and self.cache is not None:
            data = self.cache.load("pagemap", self._page_map_key)
            self._pages = page_map_from_json(data) if data is not None else None
            if self._pages is not None:
                self.progress("Print page map taken from the build cache")
        if self._pages is None:
            self.progress("Laying out the print edition for its page numbers …")
            self.layout()
        return self._pages

    @cached_property
    def _page_map_key(self) -> str:
        """Digested once a run: it reads every file of the book. Crop marks are drawn at assembly,
        outside the pages: with or without them the breaks are the same."""
        return book_key(self.book.root, "pagemap", replace(self.print_options(), marks=False))

    def artifacts(self, backend: Backend) -> Artifacts:
        return Artifacts(
            self.options,
            layout=self.layout() if "layout" in backend.needs else None,
            pages=self.page_map() if "page_map" in backend.needs else None,
            progress=self.progress,
        )

    def write(self, name: str, out_dir: Path) -> list[Path]:
        """Stage: one backend's products, written into `out_dir`."""
        backend = BACKENDS[name]
        return backend.write(self.book, out_dir, self.diagnostics, self.artifacts(backend))


def page_map_json(pages: PageMap) -> bytes:
    """The page map as the build cache keeps it."""
    return json.dumps(asdict(pages), sort_keys=True).encode()


def page_map_from_json(data: bytes) -> PageMap | None:
    """The map `page_map_json` wrote, or None for anything else (a torn, empty or hand-edited entry)."""
    try:
        value = jsonfile.loads(data)
    except ValueError:
        return None
    if not isinstance(value, dict) or set(value) != {"labels", "breaks", "pages", "starts"}:
        return None
    labels, breaks, pages, starts = value["labels"], value["breaks"], value["pages"], value["starts"]
    shaped = (
        isinstance(labels, dict) and all(isinstance(v, str) for v in labels.values())
        and isinstance(breaks, dict) and all(_strings(v) for v in breaks.values())
        and _strings(pages)
        and isinstance(starts, dict) and all(type(v) is int for v in starts.values())
    )  # fmt: skip
    return PageMap(labels, breaks, pages, starts) if shaped else None


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def lay_out(book: Book, diagnostics: Diagnostics, options: PrintOptions, margin_css: str, progress: Progress,
            jobs: int | None, cache: Cache | None, kept: KeptTypesetters | None = None) -> Layout:  # fmt: skip
    """Stage: the print layout. WeasyPrint is imported here, not at start-up: loading it costs a
    third of a second that an EPUB built with the page map from the cache need not pay."""
    from .layout import printbook

    return printbook.lay_out(book, diagnostics, options, margin_css, progress, jobs, cache, kept)


def load(root: Path, diagnostics: Diagnostics, report: Reporter) -> Book:
    """Stage: the manuscript read into the model, with a line on what was loaded."""
    started = time.perf_counter()
    with collected_after():
        book = load_book(root, diagnostics)
        check_glyphs(book, diagnostics)
    chapters = list(book.chapters())
    for chapter in chapters:
        report.detail(f"  {chapter.source}: {chapter.title} ({counted(chapter.words, 'word')}, {counted(len(chapter.notes), 'note')}, "
                      f"{counted(len(chapter.figures), 'figure')})")  # fmt: skip
    report.info(f"Loaded {counted(len(chapters), 'file')}, {counted(sum(c.words for c in chapters), 'word')}, "
                f"{counted(sum(len(c.notes) for c in chapters), 'note')} in {time.perf_counter() - started:.2f} s")  # fmt: skip
    return book


def write_products(pipeline: Pipeline, backends: list[Backend], out_dir: Path, report: Reporter) -> list[Path]:
    """Every product of `backends` in `out_dir` from a loaded book's pipeline: all of them or none."""
    diagnostics = pipeline.diagnostics
    require_no_marks(pipeline.book, diagnostics)  # the importer's notes to the editor: a warning, an error with --strict
    products = []
    created = not out_dir.exists()
    with writing_into(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
        stage = staging_folder(out_dir, ".build-")  # all products or none: a later failure keeps earlier ones out
        try:
            for number, backend in enumerate(backends, 1):
                report.info(f"Building {backend.name} …", (number, len(backends)))
                t0 = time.perf_counter()
                paths = pipeline.write(backend.name, stage)
                made = ", ".join(f"{p.name} ({product_bytes(p) / 1e6:.1f} MB)" for p in paths)
                report.info(f"Made {made} in {time.perf_counter() - t0:.2f} s")
                products += paths
            final = [out_dir / path.name for path in products]
            for path, target in zip(products, final):  # every target checked before the first is moved: all or none
                replaceable(target, folder=path.is_dir())
            for path, target in zip(products, final):
                put_in_place(path, target)
            report.info("Wrote " + ", ".join(map(str, final)))
            return final
        finally:
            discard(stage)
            if created and not any(out_dir.iterdir()):
                out_dir.rmdir()
