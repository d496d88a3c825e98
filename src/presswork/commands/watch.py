"""`presswork watch`: build one product, serve it on 127.0.0.1, and build it again after every save
in the book's sources, so that an author sees the page as they write.

Each rebuild is an ordinary `build` of the one product (same staging, same atomic move, same
build cache, so a PDF after a one-word edit lays out again only the piece that changed), the same
bytes as `build` makes; a print product's typesetters stay warm between builds, with the pieces
last laid out (`KeptTypesetters`). A failed rebuild writes nothing: the last good product stays in
place and on the page, under its error.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import watchfiles

from ..backends import BACKENDS, Backend
from ..backends.options import BuildOptions
from ..errors import Diagnostics, Location, PressworkError, internal_error_line
from ..files.cache import Cache
from ..files.folders import inside_book
from ..pipeline import Reporter
from ..preview.server import Preview, PreviewServer
from .build import build

if TYPE_CHECKING:
    from ..layout.typeset import KeptTypesetters

SOURCES = ("manuscript", "images", "styles")  # the book's folders a build reads
# ms without a new change before a rebuild starts: an editor's save is several writes within a few
# ms. watchfiles looks every QUIET_FOR ms, so a save is built 1 to 2 QUIET_FOR after it; a save
# caught half-written is built again at once, as its last write is a change of its own
QUIET_FOR = 50
GATHER_AT_MOST = 1600  # ms: changes that keep coming are built in batches this long
# ms: how long the watcher waits for a save before it tells the loop it is listening; the first
# time, the loop looks for saves made before (while the first build ran), which it cannot report
LISTENING_AFTER = 500


class WatchReporter(Reporter, Protocol):
    def warnings(self, diagnostics: Diagnostics) -> None: ...


class BookChanges(watchfiles.DefaultFilter):
    """The saves worth a rebuild: the book's own files, not presswork's output, the build cache
    (when either lives among the sources) or the temporary files editors write beside a file."""

    ignore_entity_patterns = (
        *watchfiles.DefaultFilter.ignore_entity_patterns,
        r"^4913$",  # vim's probe that a folder is writable
        r"^#.*#$",  # Emacs' autosave
        r"^\.goutputstream-",  # GNOME's editors' save in progress
        r"\.(tmp|bak|orig|kate-swp)$",
        r"\.tmp\.[^.]+$",  # presswork's own atomic writes: .NAME.RANDOM.tmp.SUFFIX
    )

    def __init__(self, ignored: list[Path]):
        super().__init__()
        self.ignored = [path.resolve() for path in ignored]

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        where = Path(path)
        return super().__call__(change, path) and not any(where.is_relative_to(i) for i in self.ignored)


@dataclass
class Rebuilder:
    """One build of the previewed product, its outcome told to the terminal and to the page."""

    root: Path
    backend: Backend
    out_dir: Path
    options: BuildOptions
    strict: bool
    cache_folder: Path | None  # None: no build cache
    report: WatchReporter  # the build's stages (quiet unless -v) and its warnings
    say: Callable[[str], None]  # a line in the terminal
    preview: Preview
    kept: KeptTypesetters | None = None  # for a product laid out in print pieces

    def __call__(self, verb: str) -> None:
        self.preview.started()
        diagnostics = Diagnostics(strict=self.strict)
        started = time.perf_counter()
        try:
            products = build(self.root, [self.backend], self.out_dir, diagnostics, self.report, self.options,
                             Cache(self.cache_folder, diagnostics), self.kept)  # fmt: skip
        except PressworkError as exc:
            self._failed(diagnostics, f"error: {exc}")
        except Exception as exc:  # a bug should not end the session: the next save may avoid it
            if os.environ.get("PRESSWORK_DEBUG"):
                raise
            self._failed(diagnostics, internal_error_line(exc))
        else:
            self.report.warnings(diagnostics)
            self.preview.succeeded(products[0])
            self.say(f"{verb} {self.backend.name} in {time.perf_counter() - started:.1f} s")

    def _failed(self, diagnostics: Diagnostics, line: str) -> None:
        self.report.warnings(diagnostics)
        self.say(line)
        self.preview.failed(line)


def watch(root: Path, product: str, out_dir: Path, options: BuildOptions, strict: bool, port: int,
          cache_folder: Path | None, report: WatchReporter, say: Callable[[str], None]) -> None:  # fmt: skip
    """Serve `product` and rebuild it on every change until Ctrl-C (KeyboardInterrupt, which the
    caller turns into a clean stop)."""
    if not (root / "manuscript").is_dir():
        raise PressworkError("no manuscript/ folder here: not a book folder", Location(root),
                             "give the folder that holds manuscript/book.yaml")  # fmt: skip
    folders = [(root / name).resolve() for name in SOURCES if (root / name).is_dir() and inside_book(root, root / name)]
    ignored = [out_dir] + ([cache_folder] if cache_folder else [])
    # Saves in the ignored folders (lest each build start the next) include any source folder inside them.
    for folder, option in ((out_dir, "--out"), (cache_folder, "--cache")):
        covered = [f"{s.name}/" for s in folders if folder and s.is_relative_to(folder.resolve())]
        if covered:
            raise PressworkError(f"the {option[2:]} folder holds the book's sources ({', '.join(covered)}), so no save "
                                 "would be noticed", Location(folder), f"give {option} a folder beside them")  # fmt: skip
    preview = Preview(product)
    kept = None
    server = PreviewServer(preview, port)  # listening before the first build: a taken port fails at once
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    try:
        say(f"Previewing {product} at {server.url} (Ctrl-C stops)")
        if "layout" in BACKENDS[product].needs:  # WeasyPrint loads only for a print product
            from ..layout.typeset import KeptTypesetters

            kept = KeptTypesetters()
        rebuild = Rebuilder(root, BACKENDS[product], out_dir, options, strict, cache_folder, report, say, preview, kept)
        changes = BookChanges(ignored)
        before = sources(folders, changes)
        rebuild("Built")
        listening = False  # the watcher started after the first build: a save made during it is not in its batches
        for batch in watchfiles.watch(*folders, watch_filter=changes, step=QUIET_FOR, debounce=GATHER_AT_MOST,
                                      rust_timeout=LISTENING_AFTER, yield_on_timeout=True):  # fmt: skip
            if not batch and (listening or sources(folders, changes) == before):
                listening = True
                continue
            listening = True
            rebuild("Rebuilt")
    finally:
        if kept is not None:
            kept.close()
        server.shutdown()
        server.server_close()


def sources(folders: list[Path], changes: BookChanges) -> dict[str, tuple[int, int, int]]:
    """Each file in `folders` whose saves `changes` lets through: its inode, modification time and size."""
    found = {}
    for folder in folders:
        for base, dirs, names in os.walk(folder):
            dirs[:] = [name for name in dirs if changes(watchfiles.Change.modified, os.path.join(base, name))]
            for name in names:
                path = os.path.join(base, name)
                if changes(watchfiles.Change.modified, path):
                    try:
                        info = os.stat(path)
                    except OSError:  # gone since it was listed
                        continue
                    found[path] = (info.st_ino, info.st_mtime_ns, info.st_size)
    return found
