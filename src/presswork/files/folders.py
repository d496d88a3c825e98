"""Where outputs go: a default folder inside the book must stay inside it (an explicit --out may
point anywhere), and a run killed half-way leaves staging folders the next run clears at once."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

from ..errors import Location, PressworkError

STALE_AFTER = 600  # seconds: a torn temporary file this old in the build cache is a killed run's
# The file presswork writes into each staging folder it makes, holding its process id: the proof
# that a folder is presswork's to clear, which a name alone (users name folders too) is not. The
# run holds a lock on it while it lives; the kernel releases that lock when the run ends, however
# it ends, which proves the run gone where a process id (reused, or from another pid namespace) cannot.
STAGING_MARKER = ".presswork-staging"
_held: dict[Path, int] = {}  # this process's staging folders -> the descriptor holding their marker's lock


def resolved(path: Path, where: Location | None = None, name: str | None = None) -> Path:
    """`path` with every symlink followed. A link loop (Path.resolve raises RuntimeError for it, or
    OSError ELOOP from Python 3.13) or another failure to follow it is a one-line error at `where`
    naming `name` (default: the path), not a crash."""
    try:
        return path.resolve()
    except RuntimeError:
        reason = "a symlink loop"
    except OSError as exc:
        reason = "a symlink loop" if exc.errno == errno.ELOOP else (exc.strerror or str(exc)).lower()
    raise PressworkError(f"cannot follow {name or path}: {reason}", where or Location(path), "remove or fix the link")


def inside_book(root: Path, path: Path) -> bool:
    """Whether `path` (existing or not) resolves inside the book folder, symlinks followed."""
    return resolved(path).is_relative_to(resolved(root))


def default_out(root: Path, relative: str) -> Path:
    """The default output `root/relative`, refused when a symlink carries it out of the book:
    a book from someone else must not make presswork write into a folder it names."""
    path = root / relative
    if not inside_book(root, path):
        raise PressworkError(f"the default output {relative} leads outside the book folder (a symlink?)",
                             Location(path), "remove the link, or name the output folder with --out")  # fmt: skip
    return path


def staging_folder(parent: Path, prefix: str) -> Path:
    """A fresh private folder in `parent` for products in progress, named with this process's id
    and marked as presswork's (STAGING_MARKER), so that a later run can tell a killed run's
    leftovers from a running one's and from the user's own folders. A caller that turns the folder
    itself into a product removes the marker first (`unmark`); one that removes the folder calls
    `discard`. Either releases the marker's lock."""
    clear_stale(parent, prefix)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    try:
        fd = os.open(folder / STAGING_MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        _held[folder] = fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # before the pid is written: a marker naming its run is locked while the run lives
        except OSError:  # a disk without locks: its later runs keep the folder (see `_abandoned`)
            pass
        os.write(fd, str(os.getpid()).encode("ascii"))
    except BaseException:  # a full disk: no unmarked folder left behind, which no later run could clear
        discard(folder)
        raise
    return folder


def unmark(folder: Path) -> None:
    """Take the staging marker out of a folder about to become a product."""
    (folder / STAGING_MARKER).unlink()
    _release(folder)


def discard(folder: Path) -> None:
    """Remove a staging folder this process made, once its products are in place or given up."""
    shutil.rmtree(folder, ignore_errors=True)
    _release(folder)


def _release(folder: Path) -> None:
    fd = _held.pop(folder, None)
    if fd is not None:
        os.close(fd)


def clear_stale(parent: Path, prefix: str) -> None:
    """Remove staging folders that only a killed run can have left: named as `staging_folder`
    names them, real folders owned by this user, holding the marker with the process id of their
    name, whose lock no run holds, and made by a process that is gone (a check that can only keep
    a folder: it covers runs of older versions, which held no lock; a reused id keeps one longer)."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)-[a-z0-9_]{8}")
    for entry in parent.iterdir():
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            info = entry.lstat()
        except FileNotFoundError:  # another run starting now cleared it first
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            continue
        if _abandoned(entry, match.group(1)) and not _running(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


def _abandoned(folder: Path, pid: str) -> bool:
    """Whether a folder holds a staging marker naming `pid` that is a regular file (opened without
    following a link or waiting on a FIFO) and that no live run holds locked. A disk that cannot
    lock gives no such proof: the folder stays."""
    try:
        fd = os.open(folder / STAGING_MARKER, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode) or handle.read(32).decode("ascii", "replace").strip() != pid:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # released when the file closes
        except OSError:  # BlockingIOError: a live run holds it
            return False
        return True


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process, or no pid at all: leave it be
        pass
    return True
