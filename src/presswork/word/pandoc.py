"""Pandoc, the reader and writer of Word files: the copy bundled by pypandoc-binary, so that every
machine reads a .docx with the same version, else the one on PATH."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from ..errors import Location, PressworkError

TIMEOUT = 300  # seconds; a 600-page manuscript takes a few


def pandoc_path() -> str:
    """The bundled pandoc, else the system's; a one-line error naming both ways to get one."""
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        found = shutil.which("pandoc")
        if found:
            return found
    raise PressworkError("Pandoc is not installed", None, "pip install pypandoc-binary (or apt-get install pandoc)")


def run(args: list[str], source: Path | None = None, stdin: bytes | None = None) -> bytes:
    """Pandoc's standard output for `args`; its complaint as a one-line error at `source`."""
    try:
        done = subprocess.run([pandoc_path(), *args], input=stdin, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise PressworkError(f"Pandoc took more than {TIMEOUT} s", Location(source), "is this a Word document?") from None
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PressworkError(f"Pandoc could not read it: {message[-1] if message else done.returncode}", Location(source),
                             "open it in Word or LibreOffice and save it again as .docx")  # fmt: skip
    return done.stdout


def read_docx(path: Path, media: Path) -> dict:
    """The document as Pandoc's JSON AST: styles kept (`+styles`), every tracked change and comment
    kept as a span (`--track-changes=all`) for the caller to take or leave, images written to `media`."""
    return json.loads(run(["-f", "docx+styles", "-t", "json", "--track-changes=all", f"--extract-media={media}", str(path)], path))
