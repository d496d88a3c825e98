"""Benchmark: a catalogue of generated books built on a LocalCluster with one worker and with
two, against a plain `presswork build all` of each of its books.

Usage: python tools/bench_catalogue.py [--books 20] [--words 40000] [--products all] [--keep DIR]

Each command runs once as its own process, with its own build cache and output folder, and
EPUBCheck off (a plain build does not run it). Reported: the wall time of each run; the speed-up
of two workers over one; and the catalogue's overhead per book, (one-worker run − plain builds) /
plain builds, which the issue wants under 10 %. The plain builds are of every book, one after the
other (generated books differ in length, so one book alone is no fair measure), each laid out with
--jobs 1 as a catalogue task is: the catalogue's parallelism is its books, not a book's pieces.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthbook import generate  # noqa: E402

PRESSWORK = Path(sys.executable).parent / "presswork"
# synthbook's full-size book: 50 chapters and 850 notes in 180,000 words; smaller books keep its proportions.
WORDS_PER_CHAPTER, WORDS_PER_NOTE = 3_600, 212


def timed(args: list[str], cache: Path) -> float:
    """Seconds one presswork command takes, run as its own process with the build cache `cache`."""
    start = time.perf_counter()
    subprocess.run([str(PRESSWORK), *args], check=True, env={**os.environ, "PRESSWORK_CACHE": str(cache)})
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=20)
    parser.add_argument("--words", type=int, default=40_000)
    parser.add_argument("--products", default="all", help="what every book gets: epub, pdf, kindle, all")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="presswork-bench-catalogue-"))
    books = [folder / "books" / f"book-{number:02d}" for number in range(1, args.books + 1)]
    print(f"Generating {args.books} books of {args.words:,} words in {folder} …", flush=True)
    for number, book in enumerate(books, 1):
        if not (book / "manuscript" / "book.yaml").is_file():  # a --keep folder's books are used again
            generate(book, chapters=max(3, args.words // WORDS_PER_CHAPTER), words=args.words,
                     notes=args.words // WORDS_PER_NOTE, seed=number)  # fmt: skip
    catalogue = folder / "catalogue.yaml"
    listed = ", ".join(f"books/{book.name}" for book in books)
    catalogue.write_text(f"books: [{listed}]\nproducts: [{args.products}]\nepubcheck: false\n", encoding="utf-8")

    plain = sum(timed(["build", args.products, str(book), "--out", str(folder / "plain" / book.name), "--jobs", "1", "-q"],
                      folder / "cache-plain") for book in books)  # fmt: skip
    runs = {}
    for workers in (1, 2):
        runs[workers] = timed(["catalogue", "build", str(catalogue), "--workers", str(workers),
                               "--out", str(folder / f"out-{workers}"), "-q"], folder / f"cache-{workers}")  # fmt: skip
    report = json.loads((folder / "out-1" / "report.json").read_text(encoding="utf-8"))
    tasks = report["totals"]["build_seconds"] / args.books
    same = all(filecmp.cmp(path, folder / "out-2" / path.relative_to(folder / "out-1"), shallow=False)
               for path in (folder / "out-1").glob("*/*") if path.suffix in (".epub", ".pdf"))  # fmt: skip

    per_book = runs[1] / args.books
    print(f"\n{args.books} books × {args.words:,} words, products: {args.products}, {os.cpu_count()} cores")
    print(f"plain `build {args.products} --jobs 1`, every book  {plain:8.1f} s  ({plain / args.books:.1f} s a book)")
    print(f"catalogue, 1 worker                     {runs[1]:8.1f} s  ({per_book:.1f} s a book; the tasks alone {tasks:.1f} s)")
    print(f"catalogue, 2 workers                    {runs[2]:8.1f} s  ({runs[2] / args.books:.1f} s a book)")
    print(f"speed-up of 2 workers over 1            {runs[1] / runs[2]:8.2f}×")
    print(f"overhead a book against a plain build   {100 * (runs[1] - plain) / plain:+7.1f} %  (goal: under 10 %)")
    print(f"EPUBs and PDFs identical for 1 and 2 workers: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
