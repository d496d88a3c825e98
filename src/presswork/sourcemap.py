"""The print PDF's source map: for every page, the lines of the manuscript its text was written on,
and the build it belongs to, so that `presswork marks` finds a proofreader's mark at its file, line
and column by where the page's text came from, and tells a PDF of another version of the book apart.

Plain data beside the model. The build id is a digest of the map and of the text of every file it
names, so the same manuscript laid out the same way gives the same id (no clock), and a book whose
files changed since has another. The PDF carries the map as a private catalog entry (`CATALOG_KEY`):
no embedded file, which PDF/X-1a, PDF/X-3 and PDF/A-1 forbid, and kept by a viewer's incremental
save, since the catalog's objects are left as they are.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

CATALOG_KEY = "/PressworkSourceMap"
FORMAT = 1
MAX_BYTES = 20_000_000  # a map's JSON; a thousand-page book's is a few hundred kilobytes

Span = tuple[str, int, int | None]  # (file in the book, first line, past-last line or None: to its end; 0-based)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class SourceMap:
    files: dict[str, str]  # every file the pages name (POSIX path in the book) -> digest of its text
    pages: list[list[Span]]  # for each physical page of the PDF, the source lines of its text

    @classmethod
    def made(cls, pages: list[list[tuple[Path, int, int | None]]], digests: dict[Path, str]) -> SourceMap:
        """The map of `pages`, with the digests of the texts the build read (`text_digest`)."""
        named = sorted({path for page in pages for path, *_ in page if path in digests})
        posix = {path: PurePosixPath(path).as_posix() for path in named}  # once a file, not once a page
        files = {posix[path]: digests[path] for path in named}
        return cls(files, [[(posix[p], a, b) for p, a, b in page if p in digests] for page in pages])

    def _data(self) -> dict:
        index = {name: number for number, name in enumerate(self.files)}
        return {"format": FORMAT, "files": [[name, digest] for name, digest in self.files.items()],
                "pages": [[[index[name], first, last] for name, first, last in page] for page in self.pages]}  # fmt: skip

    @property
    def build(self) -> str:
        """The build's id: a digest of the map and its files' texts, never of a date."""
        return hashlib.sha256(json.dumps(self._data(), separators=(",", ":")).encode()).hexdigest()[:32]

    def to_bytes(self) -> bytes:
        return json.dumps({"build": self.build, **self._data()}, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> SourceMap | None:
        """The map `to_bytes` wrote, or None for anything else (a damaged or hand-edited map, whose
        id no longer matches its content)."""
        if len(data) > MAX_BYTES:
            return None
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                return None
            names = [str(name) for name, _ in raw["files"]]
            found = cls({str(name): str(digest) for name, digest in raw["files"]},
                        [[(names[i], int(a), None if b is None else int(b)) for i, a, b in page] for page in raw["pages"]])  # fmt: skip
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None
        return found if found.build == raw.get("build") else None

    def changed(self, texts: dict[Path, str]) -> list[str]:
        """The files named in the map whose text is no longer what the build read (or that are gone)."""
        now = {PurePosixPath(path).as_posix(): text for path, text in texts.items()}
        return [name for name, digest in self.files.items() if name not in now or text_digest(now[name]) != digest]
