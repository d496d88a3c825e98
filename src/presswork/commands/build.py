"""`presswork build`: the book loaded and the products asked for written, by the pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..backends import Backend
from ..backends.options import BuildOptions
from ..errors import Diagnostics
from ..files.cache import Cache
from ..pipeline import Pipeline, Reporter, load, write_products

if TYPE_CHECKING:
    from ..layout.typeset import KeptTypesetters


def build(
    root: Path,
    backends: list[Backend],
    out_dir: Path,
    diagnostics: Diagnostics,
    report: Reporter,
    options: BuildOptions | None = None,
    cache: Cache | None = None,
    kept: KeptTypesetters | None = None,
) -> list[Path]:
    """Every product of `backends` in `out_dir`: all of them or none. `kept`: the print layout's
    typesetters and pieces, kept from the last build for the next (watch)."""
    pipeline = Pipeline(load(root, diagnostics, report), diagnostics, options or BuildOptions(), cache, report.info, kept=kept)
    return write_products(pipeline, backends, out_dir, report)

