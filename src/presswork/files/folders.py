"""Where outputs go: a default folder inside the book must stay inside it (an explicit --out may
point anywhere), and a run killed half-way leaves staging folders the next run clears."""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

from ..errors import Location, PressworkError

STALE_AFTER = 600  # seconds: a staging folder this old whose process is gone is a killed run's
# The file presswork writes into each staging folder it makes, holding its process id: the proof
# that a folder is presswork's to clear, which a name alone (users name folders too) is not.
STAGING_MARKER = ".presswork-staging"


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
    itself into a product removes the marker first (`unmark`)."""
    clear_stale(parent, prefix)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    (folder / STAGING_MARKER).write_text(str(os.getpid()), encoding="ascii")
    return folder


def unmark(folder: Path) -> None:
    """Take the staging marker out of a folder about to become a product."""
    (folder / STAGING_MARKER).unlink()


def clear_stale(parent: Path, prefix: str) -> None:
    """Remove staging folders that only a killed run can have left: named as `staging_folder`
    names them, real folders owned by this user, holding the marker with the process id of their
    name, untouched for STALE_AFTER seconds, and made by a process that is gone."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)-[a-z0-9_]{8}")
    now = time.time()
    for entry in parent.iterdir():
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        info = entry.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or now - info.st_mtime < STALE_AFTER:
            continue
        if _marker(entry) != match.group(1) or _running(int(match.group(1))):
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _marker(folder: Path) -> str | None:
    """The process id in a folder's staging marker, when it has one that is a regular file (opened
    without following a link or waiting on a FIFO)."""
    try:
        fd = os.open(folder / STAGING_MARKER, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return handle.read(32).decode("ascii", "replace").strip()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process, or no pid at all: leave it be
        pass
    return True
