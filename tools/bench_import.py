"""Benchmark the legacy importer: the corpus excerpt, and a ~1.2 MB export made from it.

Usage: python tools/bench_import.py [EXPORT] [--size 1200000]
The large export repeats the excerpt's chapters with new numbers (and lists them in its
contents) until it reaches --size bytes; it is generated in a temporary folder, never kept.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from presswork.legacy.blocks import read_blocks  # noqa: E402
from presswork.legacy.importer import import_legacy  # noqa: E402
from presswork.legacy.structure import find_sections, read_contents  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpus" / "legacy-export-excerpt.txt"


def enlarge(export: Path, size: int) -> str:
    """The export with its numbered chapters repeated (renumbered, and listed in the contents)
    until it is `size` bytes long."""
    lines = export.read_text(encoding="utf-8").split("\n")
    blocks = read_blocks(export)
    sections, _ = find_sections(blocks, read_contents(blocks))
    chapters = [s for s in sections if s.entry.kind == "chapter"]
    first = chapters[0].heading.line - 1
    last = next(s.heading.line - 1 for s in sections if s.heading.line > chapters[-1].heading.line and s.entry.kind != "chapter")
    headings = {s.heading.line - 1: s.entry for s in chapters}
    listed = max(i for i, line in enumerate(lines) if line.startswith(f"[{chapters[-1].entry.number}. "))
    extra_body: list[str] = []
    extra_contents: list[str] = []
    round_ = 1
    while len("\n".join(lines + extra_body).encode()) < size:
        for index in range(first, last):
            entry = headings.get(index)
            if entry is None:
                extra_body.append(lines[index])
                continue
            heading = f"{entry.number + len(chapters) * round_}. {entry.title} ({round_ + 1})"
            extra_body.append(heading)
            extra_contents += [f"[{heading}](#)", ""]
        round_ += 1
    return "\n".join(lines[: listed + 1] + [""] + extra_contents + lines[listed + 1 : last] + extra_body + lines[last:])


def timed(export: Path, tmp: Path, name: str) -> None:
    start = time.perf_counter()
    report = import_legacy(export, tmp / name)
    seconds = time.perf_counter() - start
    print(f"{export.stat().st_size / 1e6:5.2f} MB  {seconds:6.2f} s   {report.summary()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--size", type=int, default=1_200_000)
    args = parser.parse_args()
    if not args.export.exists():
        raise SystemExit(f"no export at {args.export}: give one as the first argument")
    with tempfile.TemporaryDirectory() as tmp:
        timed(args.export, Path(tmp), "excerpt")
        big = Path(tmp) / "large-export.txt"
        big.write_text(enlarge(args.export, args.size), encoding="utf-8")
        timed(big, Path(tmp), "large")


if __name__ == "__main__":
    main()
