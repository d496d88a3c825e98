"""Writing products: atomically (never a half-written file) and reproducibly (fixed dates)."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import Location, PressworkError
from ..model import Metadata
from ..text.dates import LATEST_YEAR

UNDATED = dt.date(2000, 1, 1)  # the day every product of a book without `date:` claims (`check` says so: M006)

# What a full, read-only or otherwise unwritable output folder raises: the user's to fix, not a bug.
_UNWRITABLE = {
    errno.ENOSPC: "free some disk space, or give --out a folder on another disk",
    errno.EDQUOT: "free some disk space, or give --out a folder on another disk",
    errno.EFBIG: "free some disk space, or give --out a folder on another disk",
    errno.EROFS: "give --out a writable folder",
    errno.EACCES: "make the folder writable for this user, or give --out another folder",
    errno.EPERM: "make the folder writable for this user, or give --out another folder",
    errno.ENAMETOOLONG: "shorten the book's title (file names come from it) or the output folder's path",
    errno.EEXIST: "a file stands where the output folder goes: move it, or give --out another folder",
    errno.ENOTDIR: "a file stands where the output folder goes: move it, or give --out another folder",
}


@contextmanager
def writing_into(folder: Path) -> Iterator[None]:
    """Turn a failed write into `folder` (disk full, read-only, name too long) into a one-line
    error naming the folder; failures on other paths (reading the book) pass through unchanged."""
    try:
        yield
    except OSError as exc:
        hint = _UNWRITABLE.get(exc.errno or 0)
        if hint is None or not _on_the_way_to(exc.filename, folder):
            raise
        raise PressworkError(f"cannot write here: {exc.strerror}", Location(folder), hint) from None


def _on_the_way_to(name: object, folder: Path) -> bool:
    """Whether a failing path is `folder`, inside it, or one of the folders made to reach it."""
    if name is None:  # a failed write() names no file: it was the one being written
        return True
    if not isinstance(name, (str, os.PathLike)):
        return False
    failed, target = Path(os.path.abspath(name)), Path(os.path.abspath(folder))
    return failed.is_relative_to(target) or target.is_relative_to(failed)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see all of it or none of it."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A private temporary file beside `path` (same disk, so one rename is atomic) for the block to
    fill, or a tool such as calibre to write; renamed over `path` when the block ends without an
    error, and removed whatever happens. The one way presswork puts a file where a reader finds it.
    The name ends in `path`'s suffix, for tools that choose the format by it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def build_time(meta: Metadata) -> dt.datetime:
    """The moment a product claims to be made: SOURCE_DATE_EPOCH, else the book's date, so builds repeat.
    A malformed or out-of-range SOURCE_DATE_EPOCH stops the build (reproducible-builds.org asks so)."""
    epoch = (os.environ.get("SOURCE_DATE_EPOCH") or "").strip()
    if epoch:
        latest = dt.datetime(LATEST_YEAR + 1, 1, 1, tzinfo=dt.timezone.utc)
        if not (epoch.isascii() and epoch.isdigit() and len(epoch) <= 12 and int(epoch) < latest.timestamp()):
            raise PressworkError(f"SOURCE_DATE_EPOCH={epoch!r} is not a time between 1970 and {LATEST_YEAR}", None,
                                 "set it to seconds since 1970-01-01 UTC, e.g. $(git log -1 --format=%ct), or unset it")  # fmt: skip
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    day = meta.date or UNDATED
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def pdf_bytes(document: Any, meta: Metadata, variant: str | None = None, finisher: Callable | None = None) -> bytes:
    """Write a WeasyPrint document the same way every time: fixed identifier, no producer
    version, and font subsets stamped with the build time instead of the clock."""

    def finish(doc: Any, pdf: Any) -> None:
        pdf.info.pop("Producer", None)
        if finisher:
            finisher(doc, pdf)

    identifier = hashlib.md5(str(meta).encode()).hexdigest().encode()
    with _environment(SOURCE_DATE_EPOCH=str(int(build_time(meta).timestamp()))):
        return document.write_pdf(pdf_variant=variant, pdf_identifier=identifier, finisher=finish)


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def replaceable(target: Path) -> None:
    """A product may take the place of nothing, a file or a symlink (replaced, never followed); a
    folder or anything else there is the user's, and os.replace would fail on it half-way."""
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        kind = "a folder" if stat.S_ISDIR(mode) else "something other than a file"
        raise PressworkError(f"{kind} stands where the product {target.name} goes, so no product was written",
                             Location(target), "move it away, or give --out another folder")  # fmt: skip
