"""Writing products: atomically (never a half-written file) and reproducibly (fixed dates)."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ..errors import Location, PressworkError
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


def build_time(day: dt.date | None) -> dt.datetime:
    """The moment a product claims to be made: SOURCE_DATE_EPOCH, else the book's date, so builds repeat.
    A malformed or out-of-range SOURCE_DATE_EPOCH stops the build (reproducible-builds.org asks so)."""
    epoch = (os.environ.get("SOURCE_DATE_EPOCH") or "").strip()
    if epoch:
        latest = dt.datetime(LATEST_YEAR + 1, 1, 1, tzinfo=dt.timezone.utc)
        if not (epoch.isascii() and epoch.isdigit() and len(epoch) <= 12 and int(epoch) < latest.timestamp()):
            raise PressworkError(f"SOURCE_DATE_EPOCH={epoch!r} is not a time between 1970 and {LATEST_YEAR}", None,
                                 "set it to seconds since 1970-01-01 UTC, e.g. $(git log -1 --format=%ct), or unset it")  # fmt: skip
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    day = day or UNDATED
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def pdf_bytes(document: Any, seed: str, day: dt.date | None, variant: str | None = None,
              finisher: Callable | None = None) -> bytes:  # fmt: skip
    """Write a WeasyPrint document the same way every time: an identifier made from `seed` (the
    book's metadata as text), no producer version, and font subsets stamped with the build time
    (`build_time(day)`) instead of the clock."""

    def finish(doc: Any, pdf: Any) -> None:
        pdf.info.pop("Producer", None)
        if finisher:
            finisher(doc, pdf)

    identifier = hashlib.md5(seed.encode()).hexdigest().encode()
    with _environment(SOURCE_DATE_EPOCH=str(int(build_time(day).timestamp()))):
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


def replaceable(target: Path, folder: bool = False) -> None:
    """A product may take the place of nothing, a file or a symlink (replaced, never followed); a
    folder or anything else there is the user's, and os.replace would fail on it half-way. A folder
    product (`folder`) takes the place of nothing or of a folder presswork made (`product_files`)."""
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    if folder:
        if product_files(target) is None:
            raise PressworkError(f"{target.name} is not a folder presswork made (no {FOLDER_MANIFEST} listing exactly its "
                                 "files), so no product was written", Location(target),
                                 "move it away, or give --out another folder")  # fmt: skip
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        kind = "a folder" if stat.S_ISDIR(mode) else "something other than a file"
        raise PressworkError(f"{kind} stands where the product {target.name} goes, so no product was written",
                             Location(target), "move it away, or give --out another folder")  # fmt: skip


# The manifest inside a folder product (the web edition): every file presswork wrote there, one
# relative path a line. A later build replaces the folder only when it holds exactly those files.
FOLDER_MANIFEST = ".presswork-files"
_MANIFEST_HEAD = "# Made by presswork, which replaces this folder on the next build while it holds exactly these files.\n"


def seal_folder(folder: Path) -> None:
    """Write the manifest of a folder product, once every other file of it is written."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    (folder / FOLDER_MANIFEST).write_text(_MANIFEST_HEAD + "".join(f"{name}\n" for name in files), encoding="utf-8")


def product_files(folder: Path) -> set[str] | None:
    """The files of a folder product presswork made, or None when `folder` is not one: a real
    folder of regular files and folders (no link anywhere) holding exactly the files its manifest
    lists, and the manifest. A subfolder that cannot be listed (os.walk would pass over it, and its
    files would go with the folder) or a file that cannot be looked at makes it not one."""
    if folder.is_symlink() or not folder.is_dir():
        return None
    found = set()
    try:
        for top, dirs, files in os.walk(folder, onerror=_raise):
            for name in dirs + files:
                path = Path(top) / name
                mode = path.lstat().st_mode
                if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                    return None
                if stat.S_ISREG(mode):
                    found.add(path.relative_to(folder).as_posix())
    except OSError:
        return None
    try:
        fd = os.open(folder / FOLDER_MANIFEST, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            text = handle.read(1 << 24).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith(_MANIFEST_HEAD):
        return None
    listed = set(text[len(_MANIFEST_HEAD) :].splitlines())
    return found if found == listed | {FOLDER_MANIFEST} else None


def _raise(error: OSError) -> None:
    raise error


def put_in_place(product: Path, target: Path) -> None:
    """Move a finished product from its staging folder to `target`, checked by `replaceable`. A
    folder product's predecessor is first moved into the staging folder (which the build removes),
    checked again there, where no one else can add to it, and put back if the new one cannot go or
    the build is interrupted (an interrupt during the first move surfaces once it is done, so
    whether the old one was moved aside is read from the disk).
    Something else put at `target` since the check (another build into the same folder) stays."""
    try:
        if not (product.is_dir() and target.is_dir() and not target.is_symlink()):
            os.replace(product, target)
            return
        old = product.with_name(f".old-{product.name}")
        try:
            os.replace(target, old)
            replaceable(old, folder=True)
        except BaseException:
            if os.path.lexists(old):
                os.replace(old, target)
            raise
        try:
            os.replace(product, target)
        except BaseException:
            with suppress(OSError):  # the place taken meanwhile: the old product goes with the staging folder
                os.replace(old, target)
            raise
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.EISDIR, errno.ENOTDIR):
            raise
        raise PressworkError(f"{target.name} was put in place by someone else meanwhile (another build into this "
                             "folder?), so it was left as it is", Location(target), "run one build at a time into a folder") from None  # fmt: skip


def product_bytes(product: Path) -> int:
    """The size of a product: a file's, or the sum of a folder product's files."""
    if product.is_dir():
        return sum(p.stat().st_size for p in product.rglob("*") if p.is_file())
    return product.stat().st_size
