"""The build cache: work that costs seconds to minutes (the print layout's page map and laid-out pieces), kept between runs and shared by every output folder, so `build epub --out B` after
`build pdf --out A` does not lay the book out again.

It lives in the user's cache folder, never in the book, so a read-only book builds. It trusts
nothing it finds there: the folder must be the user's own, private and not a link; an entry is
named by a digest of everything it depends on, so a stale one is never picked; an entry carries
the digest of its own bytes, so one that is torn, empty or garbled reads as missing and is
rebuilt; entries are written atomically and only the newest few of each kind are kept.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..errors import Diagnostics, Location
from .folders import STALE_AFTER, inside_book, resolved
from .output import write_atomic
from .revisions import MAX_FILE_BYTES

PACKAGE = Path(__file__).resolve().parent.parent
KEEP = {"piece": 1000}  # entries kept per kind: a few books' pieces, in a few versions
KEEP_OTHERS = 32  # of any other kind: a few books, or a few versions of one
MAX_ENTRY = 64_000_000  # bytes read from one entry; a 1,000-page book's page map is well under 1 MB
_ENTRY = re.compile(r"([a-z]+)-([0-9a-f]{32})")
_HEADER = b"presswork cache entry, sha256 "  # then the hex digest of the data, a newline, the data
_TORN = re.compile(r"\.([a-z]+)-[0-9a-f]{32}\.[A-Za-z0-9_]+\.tmp")  # write_atomic's leftovers from a killed run
CHUNK = 2**20  # bytes hashed at a time: a file's digest never holds more of it in memory


def default_folder() -> Path | None:
    """$PRESSWORK_CACHE, else $XDG_CACHE_HOME/presswork, else ~/.cache/presswork (None without a home)."""
    named = os.environ.get("PRESSWORK_CACHE")
    if named:
        return Path(named)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():  # the XDG spec says to ignore a relative one
        return Path(xdg) / "presswork"
    try:
        return Path.home() / ".cache" / "presswork"
    except RuntimeError:
        return None


class Cache:
    """Entries `KIND-DIGEST` in one private folder, made and checked on first use; a folder that
    cannot be used safely turns the cache off with one warning instead of failing the build."""

    def __init__(self, folder: Path | None, diagnostics: Diagnostics):
        self.folder = folder
        self.diagnostics = diagnostics
        self._checked = folder is None

    def load(self, kind: str, key: str) -> bytes | None:
        """The entry's bytes, or None when there is none or it cannot be read as a regular file."""
        folder = self._usable()
        if folder is None:
            return None
        try:
            fd = os.open(folder / _name(kind, key), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY:
                return None
            with os.fdopen(os.dup(fd), "rb") as handle:
                data = handle.read(MAX_ENTRY + 1)
            os.utime(fd)  # recently used: pruning keeps it
        except OSError:
            return None
        finally:
            os.close(fd)
        head, _, body = data.partition(b"\n")
        return body if head == _HEADER + hashlib.sha256(body).hexdigest().encode() else None

    def store(self, kind: str, key: str, data: bytes) -> None:
        """Write the entry atomically and drop the oldest of its kind; a failed write is a warning."""
        folder = self._usable()
        if folder is None:
            return
        try:
            write_atomic(folder / _name(kind, key), _HEADER + hashlib.sha256(data).hexdigest().encode() + b"\n" + data)
            self._prune(folder, kind)
        except OSError as exc:
            self.diagnostics.warn(f"could not write the build cache: {exc.strerror}", Location(folder),
                                  "free some disk space, or name another cache folder with --cache")  # fmt: skip

    def _usable(self) -> Path | None:
        if not self._checked:
            self._checked = True
            problem = _unsafe(self.folder)
            if problem:
                self.diagnostics.warn(f"build cache not used: {problem}", Location(self.folder),
                                      "name a private folder of your own with --cache or PRESSWORK_CACHE")  # fmt: skip
                self.folder = None
        return self.folder

    def _prune(self, folder: Path, kind: str) -> None:
        """Keep the KEEP newest entries of `kind`; remove torn temporary files a killed run left.
        Only regular files named as this cache names them are ever removed."""
        entries, now = [], time.time()
        for entry in os.scandir(folder):
            match = _ENTRY.fullmatch(entry.name)
            if match and match.group(1) == kind and entry.is_file(follow_symlinks=False):
                entries.append((entry.stat(follow_symlinks=False).st_mtime, entry.name))
            elif (_TORN.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)
                  and now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER):  # fmt: skip
                (folder / entry.name).unlink(missing_ok=True)
        for _, name in sorted(entries, reverse=True)[KEEP.get(kind, KEEP_OTHERS):]:
            (folder / name).unlink(missing_ok=True)


def _name(kind: str, key: str) -> str:
    name = f"{kind}-{key}"
    if not _ENTRY.fullmatch(name):
        raise ValueError(f"not a cache entry name: {name!r}")
    return name


def _unsafe(folder: Path) -> str | None:
    """Why `folder` must not hold the cache (made private when missing), or None when it may:
    another user's folder, or one others can write to, could feed us a page map or swap an entry
    for a link."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError as exc:
        return f"cannot make the folder: {exc.strerror}"
    if stat.S_ISLNK(info.st_mode):
        return "the folder is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return "not a folder"
    if info.st_uid != os.geteuid():
        return "the folder belongs to another user"
    if info.st_mode & 0o022:
        return "others can write to the folder"
    return None


def book_key(root: Path, *settings: object, folders: tuple[str, ...] = ("manuscript", "styles", "images")) -> str:
    """A digest of every input an artifact of the book in `root` can depend on: its `folders` (each file
    as `content_digest` tells it), presswork itself (`code_key`), and `settings`.
    Only files inside the book count: a symlink out of it is neither followed nor read."""
    digest = hashlib.sha256(f"{code_key(*settings)}\n".encode())
    for name in folders:
        for path in files_inside(root / name, root):
            # name first: no two sets of files hash alike
            digest.update(f"{(Path('book') / path.relative_to(root)).as_posix()}\0{content_digest(path)}\0".encode())
    return digest.hexdigest()[:32]


def content_digest(path: Path) -> str:
    """What a regular file holds: the hex SHA-256 of its bytes, read CHUNK at a time. A file bigger
    than MAX_FILE_BYTES (the most `diff` takes from a book: far more than a chapter, stylesheet or
    figure has reason to be, and the loader refuses text a tenth that size) is not read at all — a
    6 GB file left in manuscript/ would take a minute — and counts by its size and modification
    time instead."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO put in its place is not waited on
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        if info.st_size > MAX_FILE_BYTES:
            return f"size {info.st_size}, modified {info.st_mtime_ns}"
        digest, remaining = hashlib.sha256(), info.st_size
        while remaining > 0 and (chunk := handle.read(min(CHUNK, remaining))):
            digest.update(chunk)
            remaining -= len(chunk)
    return digest.hexdigest()


def code_key(*settings: object) -> str:
    """A digest of presswork's version, code (every subpackage), styles and fonts, and `settings`."""
    return hashlib.sha256(f"{_presswork_digest()}\n{settings!r}\n".encode()).hexdigest()[:32]


@lru_cache(maxsize=1)
def _presswork_digest() -> str:
    """Read once a run: presswork's files do not change under a running build."""
    digest = hashlib.sha256(f"{__version__}\n".encode())
    for path in [*files_inside(PACKAGE / "styles", None), *files_inside(PACKAGE / "fonts", None), *sorted(PACKAGE.rglob("*.py"))]:
        digest.update(f"{path.relative_to(PACKAGE).as_posix()}\0{content_digest(path)}\0".encode())
    return digest.hexdigest()


def files_inside(base: Path, root: Path | None) -> list[Path]:
    """Every regular file under `base`, sorted; with `root`, only what resolves inside it (a
    symlink out is neither entered nor read), and a folder reached twice (a link loop) once."""
    found, seen = [], set()
    for folder, dirs, names in os.walk(base, followlinks=True):
        real = resolved(Path(folder))
        if real in seen or (root and not inside_book(root, real)):
            dirs[:] = []
            continue
        seen.add(real)
        found += [Path(folder) / name for name in names]
    return sorted(p for p in found if p.is_file() and (root is None or inside_book(root, p)))
