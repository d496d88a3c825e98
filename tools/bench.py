"""Benchmark: time and peak memory of load, render and EPUB on a generated full-size book.

Usage: python tools/bench.py [--chapters 50] [--words 180000] [--notes 850] [--runs 3]
Prints one line a stage; times are the best of --runs, memory is the peak of Python
allocations during the stage (tracemalloc, measured in a separate pass so it does not slow
the timed runs) and the process's peak resident size at the end.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthbook import generate  # noqa: E402

from presswork.epub import EpubBuilder  # noqa: E402
from presswork.errors import Diagnostics  # noqa: E402
from presswork.loader import load_book  # noqa: E402
from presswork.output import write_atomic  # noqa: E402
from presswork.render import render_book  # noqa: E402
from presswork.xhtml import Links  # noqa: E402


def best_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=50)
    parser.add_argument("--words", type=int, default=180_000)
    parser.add_argument("--notes", type=int, default=850)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "book"
        generate(root, chapters=args.chapters, words=args.words, notes=args.notes)
        out = Path(tmp) / "book.epub"
        book = load_book(root)
        chapters = list(book.chapters())
        links = Links(target=lambda ident: f"{book.targets[ident]}.xhtml#{ident}", image=lambda p: "../" + p.as_posix())
        stages: list[tuple[str, Callable[[], object]]] = [
            ("load (manuscript -> model)", lambda: load_book(root, Diagnostics())),
            ("render (model -> XHTML)", lambda: render_book(book, links)),
            ("epub (render + fonts + package + zip + write)",
             lambda: write_atomic(out, EpubBuilder(book, Diagnostics()).build())),
        ]  # fmt: skip
        print(f"book: {len(chapters)} files, {sum(c.words for c in chapters):,} words, "
              f"{sum(len(c.notes) for c in chapters)} notes, {len(list(book.figures()))} figures")  # fmt: skip
        total = 0.0
        for name, fn in stages:
            seconds = best_time(fn, args.runs)
            if not name.startswith("render"):
                total += seconds
            print(f"{name:48s} {seconds:6.2f} s   peak {peak_memory(fn):7.1f} MB")
        print(f"{'total: load + epub (what `build epub` does)':48s} {total:6.2f} s")
        print(f"EPUB size {out.stat().st_size / 1e6:.2f} MB; process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")


if __name__ == "__main__":
    main()
