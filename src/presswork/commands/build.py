"""Build orchestration: load once, then run each requested backend, reporting progress."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from ..backends.epub import write_epub
from ..backends.kindle import write_kindle
from ..backends.options import BuildOptions
from ..backends.pdf import write_pdf
from ..errors import Diagnostics
from ..files.folders import staging_folder
from ..files.output import writing_into
from ..load.book import load_book
from ..model import Book
from ..render.fonts import check_glyphs

Backend = Callable[[Book, Path, Diagnostics, BuildOptions], list[Path]]


@dataclass(frozen=True)
class Format:
    name: str
    write: Backend  # writes its products into the output folder and returns their paths


FORMATS: dict[str, Format] = {
    "epub": Format("epub", write_epub),  # EPUB 3 for every ebook store
    "pdf": Format("pdf", write_pdf),  # print-ready PDF for a printer or print on demand
    "kindle": Format("kindle", write_kindle),  # KDP-ready EPUB, and an AZW3 where calibre is installed
}


def expand(names: tuple[str, ...]) -> list[Format]:
    """Formats in the order asked, `all` meaning every format, each once."""
    # `all` lays out the print edition first: the EPUBs then take its page map from the cache
    wanted = ["pdf", *(n for n in FORMATS if n != "pdf")] if "all" in names else list(dict.fromkeys(names))
    return [FORMATS[n] for n in wanted]


class Reporter(Protocol):
    def info(self, message: str) -> None: ...
    def detail(self, message: str) -> None: ...


def build(
    root: Path,
    formats: list[Format],
    out_dir: Path,
    diagnostics: Diagnostics,
    report: Reporter,
    marks: bool = False,
    options: BuildOptions = BuildOptions(),
) -> list[Path]:
    started = time.perf_counter()
    book = load_book(root, diagnostics)
    if marks:
        book.print = replace(book.print, marks=True)
    check_glyphs(book, diagnostics)
    chapters = list(book.chapters())
    for chapter in chapters:
        report.detail(f"  {chapter.source}: {chapter.title} ({chapter.words:,} words, {len(chapter.notes)} notes, "
                      f"{len(chapter.figures)} figures)")  # fmt: skip
    report.info(f"Loaded {len(chapters)} files, {sum(c.words for c in chapters):,} words, "
                f"{sum(len(c.notes) for c in chapters)} notes in {time.perf_counter() - started:.2f} s")  # fmt: skip
    products = []
    created = not out_dir.exists()
    with writing_into(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
        stage = staging_folder(out_dir, ".build-")  # all products or none: a later failure keeps earlier ones out
        try:
            for fmt in formats:
                report.info(f"Building {fmt.name} …")
                t0 = time.perf_counter()
                paths = fmt.write(book, stage, diagnostics, options)
                made = ", ".join(f"{p.name} ({p.stat().st_size / 1e6:.1f} MB)" for p in paths)
                report.info(f"Made {made} in {time.perf_counter() - t0:.2f} s")
                products += paths
            final = []
            for path in products:
                os.replace(path, out_dir / path.name)
                final.append(out_dir / path.name)
            report.info("Wrote " + ", ".join(map(str, final)))
            return final
        finally:
            shutil.rmtree(stage, ignore_errors=True)
            if created and not any(out_dir.iterdir()):
                out_dir.rmdir()
