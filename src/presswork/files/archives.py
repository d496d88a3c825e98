"""Reading zip archives (EPUBs) with bounds on what they unpack to, so that a zip bomb is a one-line
error naming the file and the entry instead of gigabytes of memory."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from types import TracebackType

from ..errors import Location, PressworkError

MIB = 1024 * 1024
MAX_ENTRIES = 10_000  # a long EPUB has a few hundred
MAX_ENTRY_BYTES = 128 * MIB  # one document or image, unpacked
MAX_TOTAL_BYTES = 512 * MIB  # everything read from one archive
MAX_RATIO = 100  # XHTML and CSS deflate 3–20 times; a bomb a thousand times
RATIO_FREE_BYTES = MIB  # below this an entry may compress as well as it likes
CHUNK = MIB
HINT = "presswork unpacks only archives of ordinary size; is this the right file?"


class BoundedZip:
    """A zip archive opened for reading whose every read is bounded: the number of entries, each
    entry's size (declared, and counted while unpacking, as the declared size can lie), its
    compression ratio and the total read from the archive."""

    def __init__(self, path: Path):
        self.path = path
        self.total = 0
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise PressworkError(f"not a zip archive ({exc})", Location(path)) from None
        count = len(self.archive.infolist())
        if count > MAX_ENTRIES:
            self.archive.close()
            raise PressworkError(f"the archive has {count} entries, more than {MAX_ENTRIES}", Location(path), HINT)

    def __enter__(self) -> BoundedZip:
        return self

    def __exit__(self, kind: type | None, value: BaseException | None, traceback: TracebackType | None) -> None:
        self.archive.close()

    def names(self) -> list[str]:
        return self.archive.namelist()

    def read(self, name: str) -> bytes:
        """The entry `name`, unpacked in chunks and given up as soon as a bound is passed."""
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            raise PressworkError(f"the archive has no entry {name}", Location(self.path)) from None
        self._check(name, info.file_size, info.compress_size)
        chunks, size = [], 0
        try:
            with self.archive.open(info) as entry:
                while chunk := entry.read(CHUNK):
                    size += len(chunk)
                    self._check(name, size, info.compress_size)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
            raise PressworkError(f"{name} cannot be unpacked ({exc})", Location(self.path), HINT) from None
        self.total += size
        return b"".join(chunks)

    def _check(self, name: str, size: int, compressed: int) -> None:
        if size > MAX_ENTRY_BYTES:
            problem = f"{name} unpacks to more than {_amount(MAX_ENTRY_BYTES)}"
        elif size > RATIO_FREE_BYTES and size > MAX_RATIO * max(compressed, 1):
            problem = f"{name} is compressed more than {MAX_RATIO}:1 (a zip bomb?)"
        elif self.total + size > MAX_TOTAL_BYTES:
            problem = f"{name}: the archive unpacks to more than {_amount(MAX_TOTAL_BYTES)} in all"
        else:
            return
        raise PressworkError(problem, Location(self.path), HINT)


def _amount(size: int) -> str:
    return f"{size // MIB} MiB" if size % MIB == 0 else f"{size:,} bytes"
