"""Shared checks for the hostile-input suite: a book with an outside world around it, and the
promise every command keeps on bad input (one `error:` line with file:line, exit ≠ 0, no
traceback, no product, nothing outside the book or --out touched)."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from presswork.cli import main

ROOT = Path(__file__).resolve().parent.parent


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under `folder` (symlinks not followed) with its kind and content digest."""
    seen: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                seen[key] = "link:" + os.readlink(path)
            elif path.is_dir():
                seen[key] = "dir"
            else:
                seen[key] = "file:" + hashlib.sha256(path.read_bytes()).hexdigest()
    return seen


@dataclass
class World:
    """A book folder with a neighbour folder of someone else's files beside it."""

    base: Path
    book: Path
    outside: Path

    def frozen(self) -> dict[str, str]:
        """What must not change: everything but the book's own build/ and dist/ folders and out/."""
        state = snapshot(self.base)
        return {k: v for k, v in state.items()  # out/ but not outside/
                if k.split("/")[0] != "out" and not k.startswith(("book/build", "book/dist"))}


def make_world(base: Path, book: Path) -> World:
    """Put `book` into `base/book` (moving it) and a folder of precious files at `base/outside`."""
    target = base / "book"
    if book != target:
        shutil.move(str(book), target)
    outside = base / "outside"
    (outside / "documents").mkdir(parents=True)
    (outside / "documents" / "thesis.txt").write_text("someone else's work\n")
    (outside / "secret.css").write_text("body { --secret: 'SECRET-OUTSIDE-TEXT'; }\n")
    (outside / "page-001.png").write_bytes(b"not presswork's")
    return World(base, target, outside)


def copy_sample(base: Path) -> Path:
    """A copy of the sample book (manuscript, styles, images) in `base/book`."""
    book = base / "book"
    for name in ("manuscript", "styles", "images"):
        shutil.copytree(ROOT / name, book / name)
    return book


def run(args: Sequence[str]) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_clean_failure(result: Result, *expected: str, exit_codes: tuple[int, ...] = (1,)) -> str:
    """One `error:` line naming every `expected` text, a user error's exit code, no traceback."""
    output = result.output
    assert result.exit_code in exit_codes, f"exit {result.exit_code}: {output}"
    assert "Traceback" not in output and "internal error" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, output
    for text in expected:
        assert text in errors[0], errors[0]
    return errors[0]


def products(folder: Path) -> list[str]:
    """Files a build left in `folder` (none is the promise after a failure)."""
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
