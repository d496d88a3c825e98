"""The outside tools preflight reads a PDF through (poppler's pdftotext, Ghostscript), run in a
private temporary folder; a missing tool is the user's error in one line with the package to install."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..errors import Location, PressworkError

PACKAGES = {"pdftotext": "poppler-utils", "gs": "ghostscript"}


def run(tool: str, args: list[str], path: Path) -> str:
    """`tool args` 's standard output; its failure names the file."""
    if shutil.which(tool) is None:
        raise PressworkError(f"preflight needs {tool}", Location(path), f"apt-get install {PACKAGES[tool]}")
    done = subprocess.run([tool, *args], capture_output=True, text=True, check=False)
    if done.returncode:
        raise PressworkError(f"{tool} cannot read this PDF: {done.stderr.strip()[:200]}", Location(path))
    return done.stdout
