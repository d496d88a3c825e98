"""`presswork proof`: a review copy for proofreaders — the print PDF marked PROOF with its date,
a PNG of every page and contact sheets of spreads, and with --report the typesetting report read
off that PDF."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfReader

from ..backends.options import BuildOptions
from ..errors import Diagnostics, Location, PressworkError
from ..files import jsonfile
from ..files.cache import Cache, content_digest
from ..files.folders import discard, staging_folder
from ..files.output import write_atomic, writing_into
from ..model import Book
from ..pipeline import Pipeline
from ..preflight import typereport
from ..preflight.typesetting import Report, measure

SPREADS_PER_SHEET = 8  # four rows of two spreads
REPORT = "typesetting.html"
MADE = ".presswork-proof.json"  # the files the last proof wrote in its folder, the only ones a proof replaces


def proof_mark(when: dt.datetime) -> str:
    stamp = when.strftime("%Y-%m-%d %H:%M")
    mark = f'content: "PROOF · {stamp}"; font-size: 7pt; color: #b00; letter-spacing: 0.08em; white-space: nowrap;'
    return (f"@page :left {{ @bottom-left {{ {mark} }} }}\n"
            f"@page :right {{ @bottom-right {{ {mark} }} }}")  # fmt: skip


def make_proof(book: Book, out: Path, diagnostics: Diagnostics, say, resolution: int = 50,
               options: BuildOptions | None = None, cache: Cache | None = None,
               report: bool = False) -> tuple[list[Path], Report | None]:  # fmt: skip
    """Render the proof in a staging folder, then put its files in `out`, replacing only files an
    earlier proof put there (listed in MADE) so that a user's own PNGs in `out` are never touched.
    With `report`, the typesetting report measured on the proof's PDF is among them (REPORT)."""
    if shutil.which("pdftoppm") is None:
        raise PressworkError("pdftoppm is not installed, so no page previews can be made",
                             None, "install poppler-utils (apt-get install poppler-utils, or make system-deps)")  # fmt: skip
    with writing_into(out):
        out.mkdir(parents=True, exist_ok=True)
        stage = staging_folder(out, ".proof-")
        try:
            say("Laying out the proof …")
            mark = proof_mark(dt.datetime.now())
            pipeline = Pipeline(book, diagnostics, options or BuildOptions(), cache, say, margin_css=mark)
            pdf = stage / f"{book.metadata.slug}-proof.pdf"
            [made] = pipeline.write("pdf", stage)
            made.rename(pdf)
            say("Rendering page previews …")
            _render_pages(pdf, stage, resolution)
            for page in stage.glob("page-*.png"):  # page-001.png whatever the page count, so files sort in page order
                page.rename(stage / f"page-{int(page.stem.split('-')[-1]):03d}.png")
            pages = sorted(stage.glob("page-*.png"))
            sheets = contact_sheets(pages, stage)
            measured = None
            extra = []
            if report:
                say("Measuring the typesetting …")
                measured = measure(pdf)
                images = {number: f"page-{number:03d}.png" for number in range(1, len(pages) + 1)}
                extra = [stage / REPORT]
                write_atomic(extra[0], typereport.html(measured, book.metadata.title, images).encode())
            return _place([pdf, *pages, *sheets, *extra], out), measured
        finally:
            discard(stage)


def _place(files: list[Path], out: Path) -> list[Path]:
    """Move `files` into `out`: refuse when one would replace a file no proof made, remove the
    previous proof's files that this one does not have, and record what is now there."""
    before = _made(out)
    for file in files:
        target = out / file.name
        if (target.exists() or target.is_symlink()) and not _unchanged(target, before):
            raise PressworkError(f"{file.name} is not a file an earlier proof made, so proof will not replace it",
                                 Location(target), "move it away, or give --out another folder")  # fmt: skip
    names = {file.name for file in files}
    for name in before.keys() - names:
        if _unchanged(out / name, before):
            (out / name).unlink()
    made = {file.name: content_digest(file) for file in files}
    for file in files:
        os.replace(file, out / file.name)
    write_atomic(out / MADE, (json.dumps(made, indent=1, sort_keys=True) + "\n").encode())
    return [out / file.name for file in files]


def _made(out: Path) -> dict[str, str]:
    """The files the last proof put in `out`, by name with their digest ({} when unknown)."""
    record = out / MADE
    try:
        made = jsonfile.read(record)  # a missing file, a link or a non-file: OSError or DamagedJson
    except (OSError, ValueError):
        return {}
    ok = isinstance(made, dict) and all(isinstance(k, str) and "/" not in k and isinstance(v, str) for k, v in made.items())
    return made if ok else {}


def _unchanged(path: Path, made: dict[str, str]) -> bool:
    """A regular file a proof made and nobody has changed since."""
    return path.name in made and not path.is_symlink() and path.is_file() and content_digest(path) == made[path.name]


def _render_pages(pdf: Path, out: Path, resolution: int) -> None:
    """pdftoppm over page ranges, one process per core."""
    count = len(PdfReader(pdf).pages)
    workers = max(1, min(os.cpu_count() or 1, 4, count))
    step = -(-count // workers)
    processes = [
        subprocess.Popen(["pdftoppm", "-r", str(resolution), "-png", "-f", str(first), "-l", str(min(count, first + step - 1)),
                          str(pdf), str(out / "page")])  # fmt: skip
        for first in range(1, count + 1, step)
    ]
    if any(p.wait() for p in processes):
        raise PressworkError("pdftoppm could not render the proof's pages")


def contact_sheets(pages: list[Path], out: Path) -> list[Path]:
    """Spreads as a reader sees them: page 1 alone on the right, then verso beside recto."""
    if not pages:
        return []
    with Image.open(pages[0]) as first:
        width, height = first.size
    spreads = [[None, pages[0]]] + [pages[i : i + 2] for i in range(1, len(pages), 2)]
    sheets = []
    gap = 12
    for number in range(0, len(spreads), SPREADS_PER_SHEET):
        batch = spreads[number : number + SPREADS_PER_SHEET]
        rows = (len(batch) + 1) // 2
        sheet = Image.new("RGB", (2 * (2 * width) + 3 * gap, rows * (height + gap) + gap), (120, 120, 120))
        draw = ImageDraw.Draw(sheet)
        for index, spread in enumerate(batch):
            x0 = gap + (index % 2) * (2 * width + gap)
            y0 = gap + (index // 2) * (height + gap)
            for side, page in enumerate(spread):
                if page is None:
                    continue
                with Image.open(page) as image:
                    sheet.paste(image.convert("RGB"), (x0 + side * width, y0))
            draw.line((x0 + width, y0, x0 + width, y0 + height), fill=(90, 90, 90), width=2)
        path = out / f"contact-sheet-{number // SPREADS_PER_SHEET + 1:02d}.png"
        sheet.save(path, "PNG")
        sheets.append(path)
    return sheets
