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
