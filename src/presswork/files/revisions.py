"""A book's files as they were at a git revision, for `presswork diff OLD NEW`. A repository from
someone else configures commands git would run (smudge filters, fsmonitor, hooks, transports), so
the files are read with plumbing that applies no filter, under an environment that ignores the
system's and the user's git configuration, and within bounds on how many files and bytes."""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import Location, PressworkError
from ..text.labels import shortened

FOLDERS = ("manuscript", "images", "styles")  # what a build reads from the book folder
MAX_FILES = 10_000  # a long book has a few hundred
MAX_FILE_BYTES = 256 * 2**20  # more than the biggest image a book may hold
MAX_TOTAL_BYTES = 2**30
MAX_LINK = 4096  # bytes of a symlink's target: the longest path a system takes
# git keeps a branch or tag as a file, so no part of a name between slashes is longer than a file name may be.
MAX_REVISION_PART = 255  # bytes
MAX_REVISION = 4096  # bytes in all: the longest path a system takes
# Settings that override the repository's own: nothing it names may run.
_SETTINGS = ("core.fsmonitor=false", "core.hooksPath=/dev/null", "protocol.allow=never")
_MODES = {b"100644": "file", b"100755": "file", b"120000": "link"}  # submodules (160000) are not the book's


@dataclass(frozen=True)
class _Entry:
    kind: str  # "file" or "link"
    oid: str
    size: int
    parts: tuple[str, ...]  # the path inside the book folder


def check_revision(rev: str) -> None:
    """Refuse what no git revision can be (an empty one, an option, a control character, text the
    system cannot pass as an argument, a name longer than git can store) before git runs or the name
    is printed."""
    shown = repr(shortened(rev))
    try:
        data = os.fsencode(rev)
    except UnicodeEncodeError:
        data = b""
    if not data or rev.startswith("-") or any(ord(c) < 0x20 or c == "\x7f" for c in rev):
        raise PressworkError(f"{shown} is not a revision", None, "name a commit, branch or tag, e.g. HEAD~1")
    if len(data) > MAX_REVISION or any(len(part) > MAX_REVISION_PART for part in data.split(b"/")):
        raise PressworkError(f"{shown} is longer than a git revision can be ({MAX_REVISION_PART} bytes between slashes, "
                             f"{MAX_REVISION:,} in all)", None, "name a commit, branch or tag, e.g. HEAD~1")  # fmt: skip


def extract_revision(root: Path, rev: str, folder: Path) -> None:
    """Write the book's manuscript/, images/ and styles/ as they are at `rev` into the empty `folder`."""
    check_revision(rev)
    with tempfile.TemporaryDirectory() as home:
        git = _Git(root, Path(home))
        prefix = git.output("rev-parse", "--show-prefix").decode().strip()  # the book folder within the repository
        commit = git.output("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}",
                            failure=f"git knows no commit {rev!r}").decode().strip()  # fmt: skip
        entries = _bounded(list(git.tree(f"{commit}:{prefix}" if prefix else f"{commit}^{{tree}}", rev)), rev)
        git.write_blobs(entries, folder, rev)


def _bounded(entries: list[_Entry], rev: str) -> list[_Entry]:
    """Refuse a tree too big to be a book's, or one whose paths could lead out of `folder`."""
    total = sum(entry.size for entry in entries)
    if total > MAX_TOTAL_BYTES:
        raise PressworkError(f"the book at {rev!r} holds {total / 2**20:,.0f} MB, more than {MAX_TOTAL_BYTES // 2**20:,} MB",
                             None, "compare the built EPUBs instead")  # fmt: skip
    paths = {entry.parts for entry in entries}
    for entry in entries:
        if entry.size > MAX_FILE_BYTES:
            raise PressworkError(f"{'/'.join(entry.parts)} at {rev!r} is bigger than {MAX_FILE_BYTES // 2**20} MB",
                                 None, "compare the built EPUBs instead")  # fmt: skip
        unsafe = any(part in ("", ".", "..") for part in entry.parts) or (entry.kind == "link" and entry.size > MAX_LINK)
        if unsafe or any(entry.parts[:n] in paths for n in range(1, len(entry.parts))):
            raise PressworkError(f"the tree of {rev!r} has a malformed path {'/'.join(entry.parts)!r}", None,
                                 "compare the built EPUBs instead")  # fmt: skip
    if len(paths) != len(entries):
        raise PressworkError(f"the tree of {rev!r} names a file twice", None, "compare the built EPUBs instead")
    return entries


class _Git:
    """git run on the book's repository with no configuration but the repository's own, and the
    settings that make that harmless."""

    def __init__(self, root: Path, home: Path):
        self.root = root
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
        self.env.update(HOME=str(home), XDG_CONFIG_HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
                        GIT_ATTR_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0", GIT_LITERAL_PATHSPECS="1",
                        GIT_OPTIONAL_LOCKS="0")  # fmt: skip

    def command(self, *args: str) -> list[str]:
        settings = [item for setting in _SETTINGS for item in ("-c", setting)]
        return ["git", "--no-pager", *settings, "-C", str(self.root), *args]

    def output(self, *args: str, failure: str | None = None) -> bytes:
        try:
            done = subprocess.run(self.command(*args), capture_output=True, env=self.env, stdin=subprocess.DEVNULL, check=False)
        except FileNotFoundError:
            raise PressworkError("git is not installed, so revisions cannot be compared", None,
                                 "install git, or compare two built EPUBs") from None  # fmt: skip
        if done.returncode:
            raise PressworkError(failure or f"git: {done.stderr.decode(errors='replace').strip()}", Location(self.root))
        return done.stdout

    def tree(self, treeish: str, rev: str) -> Iterator[_Entry]:
        """The files under FOLDERS in `treeish`, read as git lists them and stopped at MAX_FILES."""
        args = self.command("ls-tree", "-r", "-z", "--long", "--full-tree", treeish, "--", *FOLDERS)
        with tempfile.TemporaryFile() as errors, subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors,
                                                                  stdin=subprocess.DEVNULL, env=self.env) as proc:  # fmt: skip
            count = 0
            for record in _records(proc.stdout):
                meta, _, path = record.partition(b"\t")
                mode, _, oid, size = meta.split()
                if mode not in _MODES:
                    continue
                count += 1
                if count > MAX_FILES:
                    proc.kill()
                    raise PressworkError(f"the book at {rev!r} has more than {MAX_FILES:,} files", None,
                                         "compare the built EPUBs instead")  # fmt: skip
                yield _Entry(_MODES[mode], oid.decode(), int(size), tuple(os.fsdecode(path).split("/")))
            if proc.wait():
                errors.seek(0)
                raise PressworkError(f"the book folder is not in revision {rev!r}: {errors.read().decode(errors='replace').strip()}",
                                     Location(self.root))  # fmt: skip

    def write_blobs(self, entries: list[_Entry], folder: Path, rev: str) -> None:
        """Each entry's content, as stored (no filter applies), into `folder`: regular files first,
        then symlinks, so that nothing is ever written through a link."""
        args = self.command("cat-file", "--batch")
        with subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=self.env) as proc:
            try:
                for entry in sorted(entries, key=lambda e: e.kind != "file"):
                    target = folder.joinpath(*entry.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    if entry.kind == "link":
                        link = io.BytesIO()
                        _blob(proc, entry, rev, link)
                        os.symlink(link.getvalue(), target)
                        continue
                    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
                    with os.fdopen(fd, "wb") as out:
                        _blob(proc, entry, rev, out)
            except OSError as exc:
                raise PressworkError(f"cannot unpack the book at {rev!r}: {exc}", None) from None
            finally:
                proc.stdin.close()
                proc.kill()


def _blob(proc: subprocess.Popen, entry: _Entry, rev: str, out: IO[bytes]) -> None:
    """One object from `git cat-file --batch` into `out`: the blob of the size ls-tree gave, no more."""
    proc.stdin.write(entry.oid.encode() + b"\n")
    proc.stdin.flush()
    if proc.stdout.readline().split() != [entry.oid.encode(), b"blob", str(entry.size).encode()]:
        raise PressworkError(f"git cannot give {'/'.join(entry.parts)} at {rev!r}", None)
    left = entry.size
    while left:
        chunk = proc.stdout.read(min(left, 2**20))
        if not chunk:
            raise PressworkError(f"git stopped while giving {'/'.join(entry.parts)} at {rev!r}", None)
        out.write(chunk)
        left -= len(chunk)
    proc.stdout.read(1)  # the newline after the content


def _records(stream: IO[bytes]) -> Iterator[bytes]:
    """NUL-terminated records from a stream, read a piece at a time."""
    pending = b""
    while chunk := stream.read(65536):
        *records, pending = (pending + chunk).split(b"\0")
        yield from records
