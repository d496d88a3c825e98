"""The WeasyPrint boundary: every use of WeasyPrint (and of pydyf, cffi and Pango through it) that
is not its public, documented API lives in this package, one function a hook, each saying what it
touches, why, and the WeasyPrint versions it was checked with. `layout.py` holds the hooks used
while a piece is laid out, `relayout.py` the one that lays a piece out again with page rules added
(from the first page they reach), `notearea.py` the one that lays a page's notes out once each,
`marginboxes.py` the one that lays margin boxes out once for each way they look, `output.py` those
that read or rebuild the PDF WeasyPrint wrote.

The public API (`HTML`, `CSS`, `FontConfiguration`, `URLFetcher`, `Document.write_pdf` and its
finisher, a page's `anchors`, `links` and `bookmarks`) is used where it is needed, not here.
tests/test_weasyprint_boundary.py asserts each private name still has the shape relied on, so an
upgrade fails as one red test naming the hook; tests/test_weasyprint_floor.py builds the sample
book with the lowest WeasyPrint allowed. This module imports no WeasyPrint: the command line checks
the installed version (`check_version`) before anything loads it.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
from collections.abc import Callable
from importlib import metadata

from ..errors import PressworkError

# The WeasyPrint major versions the hooks were checked with: pyproject.toml's range, >=68,<71
# (URLFetcherResponse and URLFetcher as a class to subclass arrived in 68.0).
FLOOR, CEILING = 68, 70


def check_version() -> None:
    """Refuse, in one line, a WeasyPrint missing or outside the range the hooks were checked with."""
    try:
        installed = metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        installed = None
    major = installed.split(".", 1)[0] if installed else ""
    if not major.isdigit() or not FLOOR <= int(major) <= CEILING:
        raise PressworkError(f"presswork needs WeasyPrint {FLOOR} to {CEILING}; "
                             + (f"{installed} is installed" if installed else "none is installed"), None,
                             f"pip install 'weasyprint>={FLOOR},<{CEILING + 1}'")  # fmt: skip


LDCONFIG = "/sbin/ldconfig"
_ABIS = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
         "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}  # ldconfig's name of each 64-bit ABI (as ctypes has it)


def find_libraries_once() -> None:
    """Let WeasyPrint find its C libraries (Pango, HarfBuzz, fontconfig...) with one `ldconfig -p`.
    Its loader asks cffi for each under Windows-style names first, and cffi asks
    `ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then `gcc`, then `ld` for every
    name it cannot find: 22 look-ups, about 0.2 s of CPU at each start of a command that lays
    pages out. Here the listing is read once (when WeasyPrint first loads) and a name it lacks is
    not found: WeasyPrint then tries the library's file name (`libpango-1.0.so.0`), which the
    dynamic loader finds without `find_library`. Elsewhere (macOS, Windows, no ldconfig) nothing
    changes. Checked with WeasyPrint 68 (`weasyprint/text/ffi.py`, `_dlopen`)."""
    import ctypes.util

    if sys.platform != "linux" or not os.access(LDCONFIG, os.X_OK) or ctypes.util.find_library is _find_library:
        return
    _standard.append(ctypes.util.find_library)
    ctypes.util.find_library = _find_library


_standard: list[Callable[[str], str | None]] = []  # ctypes' own find_library, once replaced
_listing: list[str] = []  # `ldconfig -p`, once read ("" when it could not be)


def _find_library(name: str) -> str | None:
    """`find_library` answered from one `ldconfig -p` listing (`find_libraries_once`)."""
    if not _listing:
        run = subprocess.run([LDCONFIG, "-p"], stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, env={"LC_ALL": "C", "LANG": "C"}, check=False)  # fmt: skip
        _listing.append(os.fsdecode(run.stdout) if run.returncode == 0 else "")
    if not _listing[0]:
        return _standard[0](name)  # no listing: the standard search
    abi = _ABIS.get(f"{os.uname().machine}-{struct.calcsize('l') * 8}", "libc6")
    match = re.search(r"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(name), abi), _listing[0])
    return match.group(1) if match else None
