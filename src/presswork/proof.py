"""`presswork proof`: a review copy for proofreaders — the print PDF marked PROOF with its date,
a PNG of every page and contact sheets of spreads."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw

from .errors import Diagnostics, PressworkError
from .model import Book
from .output import write_atomic
from .pdf import PdfBuilder

SPREADS_PER_SHEET = 8  # four rows of two spreads


def proof_mark(when: dt.datetime) -> str:
    stamp = when.strftime("%Y-%m-%d %H:%M")
    mark = f'content: "PROOF · {stamp}"; font-size: 7pt; color: #b00; letter-spacing: 0.08em; white-space: nowrap;'
    return (f"@page :left {{ @bottom-left {{ {mark} }} }}\n"
            f"@page :right {{ @bottom-right {{ {mark} }} }}")  # fmt: skip


def make_proof(book: Book, out: Path, diagnostics: Diagnostics, say, resolution: int = 50) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        raise PressworkError("pdftoppm is not installed, so no page previews can be made",
                             None, "install poppler-utils (apt-get install poppler-utils, or make system-deps)")  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    say("Laying out the proof …")
    builder = PdfBuilder(book, diagnostics, extra_css=proof_mark(dt.datetime.now()))
    pdf = out / f"{book.metadata.slug}-proof.pdf"
    write_atomic(pdf, builder.build())
    for old in out.glob("page-*.png"):
        old.unlink()
    say("Rendering page previews …")
    _render_pages(pdf, out, resolution)
    pages = sorted(out.glob("page-*.png"))
    for page in pages:  # page-001.png whatever the page count, so files sort in page order
        page.rename(out / f"page-{int(page.stem.split('-')[-1]):03d}.png")
    pages = sorted(out.glob("page-*.png"))
    sheets = contact_sheets(pages, out)
    return [pdf, *pages, *sheets]


def _render_pages(pdf: Path, out: Path, resolution: int) -> None:
    """pdftoppm over page ranges, one process per core."""
    from pypdf import PdfReader

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
    for old in out.glob("contact-sheet-*.png"):
        old.unlink()
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
