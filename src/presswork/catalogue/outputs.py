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
from ..errors import Location, PressworkError
from ..files import jsonfile
from ..files.folders import inside_book
from ..files.output import replaceable, write_atomic
from ..files.revisions import FOLDERS

RECORD = ".presswork-catalogue.json"


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
    for name, _ in products:
        if not product_name(name):
            raise PressworkError(f"the cluster sent back {name!r}, not a product name", Location(root / slug),
                                 "products are named `name` or `dist/<ISBN>/name`: check the workers' presswork")  # fmt: skip
    folder = book_folder(root, slug)
    targets = [(folder.joinpath(*PurePosixPath(name).parts), data) for name, data in products]
    for target, _ in targets:
        if not inside_book(folder, target.parent):
            raise PressworkError(f"a link in {folder} leads the product {target.name} out of it", Location(target.parent),
                                 "remove the link")  # fmt: skip
        replaceable(target)
    for target, data in targets:
        write_atomic(target, data)
    made = [{"file": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()} for name, data in products]
    kept = {p["file"] for p in made}
    for old in (previous or {}).get("products", []):
        stale = folder / old["file"]
        if (old["file"] not in kept and inside_book(folder, stale.parent)
                and _digest(stale) == old["sha256"]):  # fmt: skip
            stale.unlink()
            _remove_empty(stale.parent, folder)
    return made


def product_name(name: object) -> bool:
    """Whether `name` is one a product may have in its book's output folder: `name`, or
    `dist/<id>/name` for a bundle's files; no part empty, hidden, '.' or '..', no NUL or backslash,
    and never one of a book's source folders (manuscript/, images/, styles/)."""
    if not isinstance(name, str) or "\0" in name or "\\" in name:
        return False
    parts = name.split("/")
    if not (len(parts) == 1 or (len(parts) == 3 and parts[0] == "dist")):
        return False
    return parts[0] not in FOLDERS and all(part and not part.startswith(".") for part in parts)


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
        data = jsonfile.read(path)
    except (OSError, ValueError):
        return {}
    books = data.get("books") if isinstance(data, dict) and data.get("presswork") == __version__ else None
    if not isinstance(books, dict):
        return {}
    clean = {slug: _well_formed(entry) for slug, entry in books.items() if isinstance(entry, dict)}
    return {slug: entry for slug, entry in clean.items() if entry is not None}


def _well_formed(entry: Any) -> dict[str, Any] | None:
    """The entry with only the keys a build records, each of the type it writes, or None when the
    record cannot be trusted about it: products named as a worker may name them, numbers where the
    report computes with them. Nothing else (a `status`, a `slug`) is kept."""
    try:
        products = [{"file": p["file"], "bytes": p["bytes"], "sha256": p["sha256"]} for p in entry.get("products", [])]
        if not isinstance(entry["key"], str) or not all(
                product_name(p["file"]) and _count(p["bytes"]) and isinstance(p["sha256"], str) for p in products):  # fmt: skip
            return None
        clean: dict[str, Any] = {"key": entry["key"], "products": products}
        for name in ("seconds", "check_seconds"):
            if name in entry:
                if not _number(entry[name]):
                    return None
                clean[name] = entry[name]
        if "worker" in entry:
            if not isinstance(entry["worker"], str):
                return None
            clean["worker"] = entry["worker"]
        warnings = entry.get("warnings", [])
        if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
            return None
        clean["warnings"] = warnings
        checks = [_check(c) for c in entry.get("epubcheck", [])]
        if None in checks:
            return None
        clean["epubcheck"] = checks
        return clean
    except (KeyError, TypeError, AttributeError):
        return None


_CHECK = {"file": str, "ran": bool, "fatal": int, "errors": int, "warnings": int, "messages": list, "note": str}


def _check(check: Any) -> dict[str, Any] | None:
    """An EPUBCheck verdict as the record keeps it (asdict of EpubCheck), or None."""
    if not isinstance(check, dict) or set(check) != set(_CHECK):
        return None
    for name, kind in _CHECK.items():
        value = check[name]
        if not isinstance(value, kind) or (kind is int and (isinstance(value, bool) or value < 0)):
            return None
    if not all(isinstance(m, str) for m in check["messages"]):
        return None
    return {name: check[name] for name in _CHECK}


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < float("inf")
