"""The output root: each book's products in `<root>/<slug>/`, and the record of what was built
from which inputs, which is both how an unchanged book is skipped and the proof of which files
presswork made there (the only files it ever replaces or removes)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path, PurePosixPath
from typing import Any

from .. import __version__
from ..commands.build import _replaceable as replaceable
from ..errors import Location, PressworkError
from ..files.folders import resolved
from ..files.output import write_atomic

RECORD = ".presswork-catalogue.json"
MAX_RECORD = 64 * 2**20  # bytes: a record of ten thousand books is a few MB


class Record:
    """`<root>/.presswork-catalogue.json`: for each book built without error, the key of its
    inputs, its products with their sizes and digests, and what its report row says. Rewritten
    after every book, so a run that is stopped keeps what it finished."""

    def __init__(self, root: Path):
        self.path = root / RECORD
        self.books: dict[str, dict[str, Any]] = _read(self.path)

    def up_to_date(self, slug: str, key: str, folder: Path) -> bool:
        """Whether the book was built from inputs with this key and its products are still there, unchanged."""
        entry = self.books.get(slug)
        return entry is not None and entry["key"] == key and all(
            _digest(folder / p["file"]) == p["sha256"] for p in entry["products"])  # fmt: skip

    def store(self, slug: str, row: dict[str, Any]) -> None:
        """Keep a built book's report row, which holds its `key` and `products`."""
        self.books[slug] = row
        self.save()

    def outdate(self, slug: str) -> None:
        """A book that failed is built again next time, whatever its key; its last products stay
        listed, so that the build that replaces them can still tell which are presswork's."""
        if slug in self.books:
            self.books[slug]["key"] = ""
            self.save()

    def save(self) -> None:
        replaceable(self.path)
        data = {"presswork": __version__, "books": self.books}
        write_atomic(self.path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())


def write_products(root: Path, slug: str, products: tuple[tuple[str, bytes], ...],
                   previous: dict[str, Any] | None) -> list[dict[str, Any]]:  # fmt: skip
    """Put the book's products in `root/<slug>/`, each atomically, after checking every target (a
    folder where a product goes stops the book before anything is written; a link there is
    replaced, never followed); then remove the products of its last build that this one no longer
    makes, if they are unchanged."""
    folder = book_folder(root, slug)
    targets = [(folder.joinpath(*PurePosixPath(name).parts), data) for name, data in products]
    for target, _ in targets:
        if not resolved(target.parent).is_relative_to(resolved(folder)):
            raise PressworkError(f"a link in {folder} leads the product {target.name} out of it", Location(target.parent),
                                 "remove the link")  # fmt: skip
        replaceable(target)
    for target, data in targets:
        write_atomic(target, data)
    made = [{"file": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()} for name, data in products]
    kept = {p["file"] for p in made}
    for old in (previous or {}).get("products", []):
        stale = folder / old["file"]
        if (old["file"] not in kept and resolved(stale.parent).is_relative_to(resolved(folder))
                and _digest(stale) == old["sha256"]):  # fmt: skip
            stale.unlink()
            _remove_empty(stale.parent, folder)
    return made


def book_folder(root: Path, slug: str) -> Path:
    """`root/<slug>`, which must be a real folder inside the root (made when missing), never a link."""
    folder = root / slug
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise PressworkError(f"{slug} in the output root is not a folder presswork made", Location(folder),
                             "move it away, or give --out another folder")  # fmt: skip
    folder.mkdir(exist_ok=True)
    return folder


def _remove_empty(folder: Path, top: Path) -> None:
    """Remove the folders a removed product leaves empty (dist/<ISBN>/), up to the book's folder."""
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:  # not empty: someone's files, or another product
            return
        folder = folder.parent


def _digest(path: Path) -> str | None:
    """The SHA-256 of a regular file (a link is never followed), or None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _read(path: Path) -> dict[str, dict[str, Any]]:
    """The record's books; a record that is missing, too big or unreadable counts as empty (every
    book is built again), as does one written by another presswork."""
    try:
        if path.is_symlink() or path.stat().st_size > MAX_RECORD:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    books = data.get("books") if isinstance(data, dict) and data.get("presswork") == __version__ else None
    if not isinstance(books, dict):
        return {}
    return {slug: entry for slug, entry in books.items() if _well_formed(entry)}


def _well_formed(entry: Any) -> bool:
    """An entry the record can trust the shape of: products named inside the book's folder."""
    try:
        return isinstance(entry["key"], str) and all(
            isinstance(p["file"], str) and isinstance(p["sha256"], str) and ".." not in PurePosixPath(p["file"]).parts
            and not PurePosixPath(p["file"]).is_absolute() for p in entry["products"])  # fmt: skip
    except (KeyError, TypeError):
        return False
