"""What the orchestrator hands every backend: the choices made on the command line for one build
(as opposed to those kept in book.yaml) and the artifacts of earlier stages the backend needs."""

from __future__ import annotations

from dataclasses import dataclass

from ..layout.pieces import Layout
from ..pagemap import PageMap
from ..progress import Progress, silent


@dataclass(frozen=True)
class BuildOptions:
    require_azw3: bool = False  # Kindle: fail, rather than warn, when calibre cannot make the AZW3
    marks: bool = False  # print: crop marks, whatever book.yaml says
    page_map: bool = True  # EPUBs: carry the print edition's page numbers when the book has one
    jobs: int | None = None  # print: worker processes laying pieces out (None: one a core; 1: in this process)


@dataclass(frozen=True)
class Artifacts:
    """One backend's inputs besides the book: only those it declared it needs are filled in."""

    options: BuildOptions = BuildOptions()
    layout: Layout | None = None  # the laid-out print book
    pages: PageMap | None = None  # the print edition's page map; None when there is no print edition
    progress: Progress = silent  # where a backend with long work of its own says how far it is
