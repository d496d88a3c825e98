"""Laying one piece out with WeasyPrint, in this process or in a worker: a WeasyPrint document
cannot cross a process boundary, so a piece leaves as PDF bytes plus what the parent needs of
each page (anchors with their positions, bookmarks, whether it carries a folio, where in its
block its text begins).

A piece comes as its rendered HTML body, its text not yet set: the typesetter sets it total-fit
(`TextBlock`, totalfit.py) before laying it out, so that setting runs in the workers, beside
each other, and only for the pieces laid out, not for those the build cache holds. A worker
parses the book's shared CSS once (the pool's initializer) and each page CSS once, so a piece
costs only its own setting, layout and PDF writing.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from ..collector import collected_after
from ..errors import PressworkError
from ..files import jsonfile
from ..files.output import build_time, pdf_bytes
from ..lifeline import Lifeline, jobs_default
from ..model import Metadata
from ..render import fonts
from ..render.xhtml import escape
from ..weasy import layout as weasy
from ..weasy import marginboxes, notearea
from . import shaping
from .fetcher import BOOK_URL, BookFetcher
from .indexlinks import link_locators
from .pagelength import render_with_long_pages
from .pagestarts import PageStarts
from .totalfit import TextBlock
from .embedding import PLACEHOLDER_KEY, stand_in

_MAGIC = b"presswork piece 2\n"


@dataclass
class PageInfo:
    """What the parent needs of one laid-out page."""

    anchors: dict[str, tuple[float, float]]  # anchor id -> (x, y) in CSS px from the page's top left
    bookmarks: list[tuple[int, str, tuple[float, float], str]]  # WeasyPrint's (level, label, (x, y), state)
    height: float  # CSS px, for the bookmarks' PDF coordinates
    folio: bool  # whether the page carries a folio (not a blank or "plain" page)
    starts: dict[str, int] = field(default_factory=dict)  # `PageStarts.page`: the elements holding its first text


@dataclass
class LaidOut:
    """A piece laid out: its PDF and its pages."""

    pdf: bytes
    pages: list[PageInfo]
    # What the PDF stage read of it (the opened PDF, its named destinations), kept with the piece:
    # a long-lived process keeps pieces between builds (watch), so a rebuild reads only new ones
    read: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def to_bytes(self) -> bytes:
        info = json.dumps([[p.anchors, p.bookmarks, p.height, p.folio, p.starts] for p in self.pages]).encode()
        return _MAGIC + f"{len(info)}\n".encode() + info + self.pdf

    @classmethod
    def from_bytes(cls, data: bytes) -> LaidOut | None:
        """The piece `to_bytes` wrote, or None for anything else (a garbled cache entry)."""
        if not data.startswith(_MAGIC):
            return None
        size, _, rest = data[len(_MAGIC):].partition(b"\n")
        try:
            pages = [PageInfo({a: (float(x), float(y)) for a, (x, y) in anchors.items()},
                              [(int(lv), str(lb), (float(x), float(y)), str(st)) for lv, lb, (x, y), st in marks],
                              float(height), bool(folio), {str(k): int(v) for k, v in starts.items()})
                     for anchors, marks, height, folio, starts in jsonfile.loads(rest[:int(size)])]  # fmt: skip
        except (ValueError, TypeError, AttributeError):
            return None
        pdf = rest[int(size):]
        return cls(pdf, pages) if pdf.startswith(b"%PDF-") else None


@dataclass(frozen=True)
class Job:
    """One piece to lay out: its HTML body and its page CSS (the shared CSS is the worker's), and
    where its text is set."""

    key: str  # the piece's name, for progress lines
    body: str  # as rendered: `text` sets it
    page_css: str
    level: int = 1  # the body's class: `level-N`
    text: TextBlock | None = None  # where its justified paragraphs are set total-fit; None: as they stand


class Typesetter:
    """WeasyPrint's settings for one book, made once per process: fonts, the shared CSS, colour
    profiles, and the images of its placeholder figures (`placeholders`, their `src` as the book's
    HTML has it), which each piece's PDF marks as such. A piece's PDF embeds a stand-in for each
    book face (`embedding.stand_in`)."""

    def __init__(self, root: Path, css: str, variant: str | None, metadata: Metadata,
                 placeholders: frozenset[str] = frozenset()):  # fmt: skip
        weasy.keep_notes_with_their_calls()  # in each process that lays out
        weasy.justify_set_lines()
        weasy.subset_with_open_arrays()
        weasy.images_written_as_stored()
        weasy.faces_written_as_stand_ins()
        notearea.notes_laid_out_once()
        marginboxes.margin_boxes_laid_out_once()
        self.variant = variant
        self.metadata = metadata
        self.marks = {weasy.raster_image_id(src, BOOK_URL): PLACEHOLDER_KEY for src in placeholders}
        faces = [(fonts.FONT_DIR / face.file).read_bytes() for face in fonts.FACES]
        self.stand_ins = {face: stand_in(face) for face in faces}
        self.fetch = BookFetcher(root)
        self.font_config = FontConfiguration()
        self.color_profiles: dict = {}  # filled by @color-profile rules as page CSS is parsed
        self.css = CSS(string=css, font_config=self.font_config, url_fetcher=self.fetch, base_url=BOOK_URL)
        self._page_css: dict[str, CSS] = {}

    def lay_out(self, job: Job) -> LaidOut:
        with collected_after():
            return self._lay_out(job)

    def _lay_out(self, job: Job) -> LaidOut:
        body = job.text.set(job.body) if job.text is not None else job.body
        if job.page_css not in self._page_css:
            self._page_css[job.page_css] = CSS(string=job.page_css, font_config=self.font_config,
                                               color_profiles=self.color_profiles, url_fetcher=self.fetch)  # fmt: skip
        document = render_with_long_pages(
            HTML(string=document_html(self.metadata, body, job.level), base_url=BOOK_URL, url_fetcher=self.fetch),
            [self.css, self._page_css[job.page_css]],
            font_config=self.font_config, color_profiles=self.color_profiles, pdf_variant=self.variant,
        )
        if "data-targets" in body:  # the index's locators, laid out as plain text
            link_locators(document.pages)
        starts = PageStarts()
        pages = [
            PageInfo({a: box[:2] for a, box in page.anchors.items()}, list(page.bookmarks), page.height,
                     not (weasy.page_type(page).blank or weasy.page_type(page).name == "plain"), starts.page(page))
            for page in document.pages
        ]  # fmt: skip
        with weasy.images_marked(self.marks), weasy.faces_stood_in(self.stand_ins):
            return LaidOut(pdf_bytes(document, str(self.metadata), self.metadata.date, self.variant), pages)


def document_html(meta: Metadata, body: str, level: int) -> str:
    """A piece's (or the screen edition's) whole HTML document: the book's metadata in its head,
    for the PDF's document information."""
    stamp = build_time(meta.date).strftime("%Y-%m-%dT%H:%M:%SZ")
    head = [f"<title>{escape(meta.title)}</title>", '<meta charset="utf-8">']
    head += [f'<meta name="author" content="{escape(a.name)}">' for a in meta.authors]
    if meta.description:
        head.append(f'<meta name="description" content="{escape(meta.description)}">')
    if meta.subjects:
        head.append(f'<meta name="keywords" content="{escape(", ".join(meta.subjects))}">')
    head += [f'<meta name="dcterms.created" content="{stamp}">', f'<meta name="dcterms.modified" content="{stamp}">',
             '<meta name="generator" content="presswork">']  # fmt: skip
    return (
        f'<!DOCTYPE html>\n<html lang="{meta.language}">\n<head>\n' + "\n".join(head) + "\n</head>\n"
        f'<body class="level-{level}">\n{body}\n</body>\n</html>\n'
    )



Typeset = Callable[[list[Job]], Iterator[LaidOut]]  # lays jobs out, yielding each as it comes, in order

_worker: Typesetter | None = None  # this worker process's typesetter


def _start_worker(root: Path, css: str, variant: str | None, metadata: Metadata, placeholders: frozenset[str],
                  lifeline: Lifeline | None) -> None:  # fmt: skip
    global _worker
    if lifeline is not None:
        lifeline.hold()
    # Ctrl-C at a terminal reaches the whole process group: the parent alone stops the build, and
    # its workers end with it (the lifeline), without a traceback each. SIGTERM ends a worker at once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker = Typesetter(root, css, variant, metadata, placeholders)
    shaping.prepare(metadata.language)  # while the parent gets the first pieces ready, not in the first piece's time


def _lay_out_in_worker(job: Job) -> LaidOut:
    assert _worker is not None, "the pool's initializer makes the typesetter"
    return _worker.lay_out(job)


def _let_results_end(pool: ProcessPoolExecutor) -> None:
    """Close this process's copy of the write end of the pool's result pipe (CPython's private
    `_result_queue`), which it never writes to. A worker ended while sending a piece leaves half a
    message, and the pool's reader would wait for the rest forever (`shutdown` with it); with no
    writer left once the workers are gone, it reads end of file and the pool ends as broken."""
    results = getattr(pool, "_result_queue", None)
    writer = getattr(results, "_writer", None)
    if writer is not None:
        writer.close()


@contextmanager
def typesetters(jobs: int, root: Path, css: str, variant: str | None, metadata: Metadata,
                placeholders: frozenset[str] = frozenset(), warm: bool = False) -> Iterator[Typeset]:  # fmt: skip
    """A function laying jobs out in order: in this process with one job at a time (the serial
    build), else in a pool of at most `jobs` worker processes (never more than the cores), which
    end with this process however it ends. The pool opens with the first batch of more than one
    job: until then a lone job (a rebuild after a small edit misses the build cache for one piece)
    is laid out here, which costs less than starting workers, each reading the book's CSS and
    faces. `warm` opens it at once, for a long-lived process whose later lone jobs should find
    workers ready (watch). The same code lays every piece out either way, so the bytes do not
    depend on `jobs`."""
    jobs = max(1, min(jobs, jobs_default()))
    here: Typesetter | None = None
    with ExitStack() as stack:
        pool: Typeset | None = None
        if warm and jobs > 1:
            pool = stack.enter_context(_pool(jobs, root, css, variant, metadata, placeholders))

        def run(batch: list[Job]) -> Iterator[LaidOut]:
            nonlocal here, pool
            if pool is None and jobs > 1 and len(batch) > 1:
                pool = stack.enter_context(_pool(jobs, root, css, variant, metadata, placeholders))
            if pool is not None:
                return pool(batch)
            if batch and here is None:
                here = Typesetter(root, css, variant, metadata, placeholders)
            return map(here.lay_out, batch) if here is not None else iter(())

        yield run


@contextmanager
def _pool(jobs: int, root: Path, css: str, variant: str | None, metadata: Metadata,
          placeholders: frozenset[str]) -> Iterator[Typeset]:  # fmt: skip
    """`typesetters`' pool of `jobs` worker processes, each with its own typesetter."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    lifeline = Lifeline() if fork else None  # a spawned worker inherits no pipe (Windows)
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork" if fork else "spawn"),
                               initializer=_start_worker, initargs=(root, css, variant, metadata, placeholders, lifeline))  # fmt: skip

    def run(batch: list[Job]) -> Iterator[LaidOut]:
        try:
            yield from pool.map(_lay_out_in_worker, batch)
        except BrokenProcessPool:
            raise PressworkError("a layout worker process died (out of memory, or killed)", None,
                                 "try again with fewer --jobs, or --jobs 1") from None  # fmt: skip

    try:
        pool.submit(os.getpid)  # forks every worker now, from this thread, which outlives them (as the parent-death signal needs)
        yield run
    except BaseException:  # Ctrl-C, SIGTERM, an error: the workers end now, not after the pieces they lay out
        if lifeline is not None:
            lifeline.close()  # their lifelines return: each ends at once
            lifeline = None
            _let_results_end(pool)
        raise
    finally:
        pool.shutdown(cancel_futures=True)
        if lifeline is not None:
            lifeline.close()


class KeptTypesetters:
    """What the print layout keeps from one build to the next in a long-lived process (`presswork
    watch`): its typesetters, warm (a pool's workers stay forked, each with the book's CSS parsed),
    opened again only when their settings change or a build fails; and the pieces the last build
    laid out or took from the build cache, so that a rebuild reads again only what changed. Laying
    a piece out needs nothing else, so a kept typesetter gives the bytes a fresh one gives."""

    def __init__(self) -> None:
        self.pieces: dict[str, LaidOut] = {}  # cache key -> piece, of the last build
        self._settings: tuple | None = None
        self._open: tuple[ExitStack, Typeset] | None = None

    @contextmanager
    def typesetters(self, *settings: object) -> Iterator[Typeset]:
        """`typesetters(*settings)`, warm (its pool open at once: an edit's lone piece goes to workers
        that have read the book's CSS and faces), kept open after the block unless it fails."""
        if self._open is None or settings != self._settings:
            self.close()
            stack = ExitStack()
            self._open, self._settings = (stack, stack.enter_context(typesetters(*settings, warm=True))), settings  # type: ignore[arg-type]
        try:
            yield self._open[1]
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """End the typesetters (a pool's workers); the kept pieces stay."""
        if self._open is not None:
            stack, self._open, self._settings = self._open[0], None, None
            stack.close()
