"""What a book's task is given: the files a build reads (manuscript/, images/, styles/, with the
house styles under the book's own), as bytes, and the digest that says whether it changed.

Bytes rather than paths: a worker needs no shared disk, reads nothing but what it is sent, and
writes nothing anyone else sees; the command alone writes, and only under the output root."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .. import __version__
from ..errors import Location, PressworkError
from ..files.cache import code_key, files_inside
from ..files.folders import resolved
from ..files.revisions import FOLDERS, MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES
from .spec import Entry
from .task import BookInputs

CHUNK = 2**20


def book_files(entry: Entry, house: Path | None) -> dict[str, Path]:
    """Each file a build of the book reads, by its name inside the book, with the house styles'
    CSS put in its styles/ unless the book has a file of that name. Only files that resolve
    inside their folder count (a symlink out is neither followed nor read); bounded in number."""
    return {name: path for name, (path, _) in _sources(entry, house).items()}


def _sources(entry: Entry, house: Path | None) -> dict[str, tuple[Path, Path]]:
    """book_files, each with the folder it must resolve inside when it is read (the book's, or the
    house styles')."""
    files: dict[str, tuple[Path, Path]] = {}
    if house is not None:
        files |= {f"styles/{p.name}": (p, house) for p in files_inside(house, house) if p.parent == house and p.suffix == ".css"}
    for folder in FOLDERS:
        files |= {p.relative_to(entry.folder).as_posix(): (p, entry.folder)
                  for p in files_inside(entry.folder / folder, entry.folder)}  # fmt: skip
    if len(files) > MAX_FILES:
        raise PressworkError(f"the book has more than {MAX_FILES:,} files", Location(entry.folder),
                             "keep only the book's own files in manuscript/, images/ and styles/")  # fmt: skip
    return files


def settings(entry: Entry, epubcheck: bool) -> tuple[object, ...]:
    """Everything besides the files that changes what a book's task gives back."""
    return (entry.products, epubcheck, os.environ.get("SOURCE_DATE_EPOCH"))


def inputs_key(digests: dict[str, str], settings: tuple[object, ...]) -> str:
    """The digest of a task's inputs: the files (by name and content), the settings, and presswork
    itself (version, code, styles, fonts). Equal keys, equal products."""
    digest = hashlib.sha256(f"{code_key(*settings)}\n".encode())
    for name in sorted(digests):
        digest.update(f"{name}\0{digests[name]}\0".encode())
    return digest.hexdigest()[:32]


def current_key(entry: Entry, house: Path | None, epubcheck: bool) -> str:
    """The key of the book as it is on disk, read a piece at a time: what deciding to skip costs."""
    digests = {}
    for name, (path, top) in _sources(entry, house).items():
        digest = hashlib.sha256()
        for chunk in _chunks(path, top):
            digest.update(chunk)
        digests[name] = digest.hexdigest()
    return inputs_key(digests, settings(entry, epubcheck))


def read_inputs(entry: Entry, house: Path | None, epubcheck: bool) -> BookInputs:
    """The book's task inputs, read now (only when it is sent: a list of hundreds is never in
    memory at once), with the key of exactly these bytes."""
    files, total = [], 0
    for name, (path, top) in sorted(_sources(entry, house).items()):
        data = b"".join(_chunks(path, top))
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise PressworkError(f"the book's files hold more than {MAX_TOTAL_BYTES // 2**20:,} MB", Location(entry.folder),
                                 "remove what the book does not use")  # fmt: skip
        files.append((name, data))
    key = inputs_key({name: hashlib.sha256(data).hexdigest() for name, data in files}, settings(entry, epubcheck))
    return BookInputs(entry.slug, tuple(files), entry.products, epubcheck, os.environ.get("SOURCE_DATE_EPOCH"),
                      __version__, key)  # fmt: skip


def _chunks(path: Path, top: Path) -> Iterator[bytes]:
    """A book file's bytes, a chunk at a time: it must resolve inside `top` (a link swapped in
    since the book was listed is refused, never followed), be a regular file (a FIFO is not waited
    on), and hold at most MAX_FILE_BYTES, counted as it is read, not as stat said a moment before."""
    real = resolved(path)
    if not real.is_relative_to(resolved(top)):
        raise PressworkError(f"{path.name} leads outside {top}", Location(path), "remove the link")
    fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PressworkError("not a regular file", Location(path), "keep only files in the book's folders")
        if info.st_size > MAX_FILE_BYTES:  # refused before any of it is read
            raise _too_big(path)
        left = MAX_FILE_BYTES + 1
        while left > 0 and (chunk := handle.read(min(CHUNK, left))):
            left -= len(chunk)
            if left == 0:  # it grew since
                raise _too_big(path)
            yield chunk


def _too_big(path: Path) -> PressworkError:
    return PressworkError(f"a file of more than the {MAX_FILE_BYTES // 2**20:,} MB a book's file may hold", Location(path),
                          "remove what the book does not use")  # fmt: skip
