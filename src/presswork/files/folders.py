"""Where outputs go: a default folder inside the book must stay inside it (an explicit --out may
point anywhere), and a run killed half-way leaves staging folders the next run clears."""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

from ..errors import Location, PressworkError

STALE_AFTER = 600  # seconds: a staging folder this old whose process is gone is a killed run's


def inside_book(root: Path, path: Path) -> bool:
    """Whether `path` (existing or not) resolves inside the book folder, symlinks followed."""
    return path.resolve().is_relative_to(root.resolve())


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
    so that a later run can tell a killed run's leftovers from a running one's."""
    clear_stale(parent, prefix)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))


def clear_stale(parent: Path, prefix: str) -> None:
    """Remove staging folders that only a killed run can have left: named as `staging_folder`
    names them (or as mkdtemp did before the process id was in the name), real folders owned by
    this user, untouched for STALE_AFTER seconds, and made by a process that is gone."""
    pattern = re.compile(re.escape(prefix) + r"(?:(\d+)-)?[a-z0-9_]{8}")
    now = time.time()
    for entry in parent.iterdir():
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        info = entry.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or now - info.st_mtime < STALE_AFTER:
            continue
        if match.group(1) and _running(int(match.group(1))):
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process, or no pid at all: leave it be
        pass
    return True
