"""Kindle backend: a KDP-ready EPUB through the Kindle profile, and an AZW3 through calibre.

Notes become `aside epub:type="footnote"` elements at the end of each chapter, each opening
with its back-link, called by `epub:type="noteref"` links with the `sup` outside: that is the
markup Kindle's Enhanced Typesetting shows as pop-up notes, while readers without pop-ups
still find the notes at the chapter's end with a way back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import Diagnostics, PressworkError
from ..files.output import atomic_path, write_atomic
from ..model import Book, Contributor, NotePlacement
from ..package.epub import EpubBuilder, Profile
from ..render.cover import generated_cover
from .options import Artifacts

KINDLE = Profile(suffix="-kindle.epub", layers=("base", "kindle"), notes=NotePlacement.POPUPS, jpeg_cover=True)
INSTALL_HINT = "install calibre (apt-get install calibre, or `make system-deps`) to get the AZW3 too"
CONVERT_TIMEOUT = 600  # seconds; a 700-page book converts in well under a minute


def write_kindle(book: Book, out_dir: Path, diagnostics: Diagnostics, artifacts: Artifacts) -> list[Path]:
    converter = shutil.which("ebook-convert")
    if converter is None and artifacts.options.require_azw3:
        raise PressworkError("calibre's ebook-convert is not installed, so no AZW3 can be made", None, INSTALL_HINT)
    epub = out_dir / f"{book.metadata.slug}{KINDLE.suffix}"
    write_atomic(epub, EpubBuilder(book, diagnostics, KINDLE, pages=artifacts.pages).build())
    if converter is None:
        diagnostics.warn("calibre's ebook-convert is not installed: wrote the Kindle EPUB but no AZW3", None, INSTALL_HINT)
        return [epub]
    azw3 = out_dir / f"{book.metadata.slug}.azw3"
    convert_to_azw3(converter, epub, azw3, book)
    return [epub, azw3]


def convert_to_azw3(converter: str, epub: Path, azw3: Path, book: Book) -> None:
    """Run calibre's converter into a temporary file beside the product, give it the metadata the
    converter cannot pass (see `_AZW3_METADATA`), then rename it into place.

    An AZW3 keeps its metadata in MOBI header records, which hold a title, creators, subjects and
    the like but no subtitle, roles or series: the subtitle joins the title, and translators are
    listed among the creators, after the authors. The series stays in the Kindle EPUB only."""
    meta = book.metadata
    people = [c for c in meta.contributors if c.role == "author"] + [c for c in meta.contributors if c.role == "translator"]
    title = f"{meta.title}: {meta.subtitle}" if meta.subtitle else meta.title
    args = [converter, str(epub), "", "--title", title, "--language", meta.language, "--no-inline-toc"]
    if meta.publisher:
        args += ["--publisher", meta.publisher]
    if meta.isbn_ebook:
        args += ["--isbn", meta.isbn_ebook]
    if meta.date:  # noon UTC, so that no time zone moves the day
        args += ["--pubdate", f"{meta.date.isoformat()}T12:00:00+00:00"]
    # calibre loads plug-ins from its config folder: a private one per run (mkdtemp makes it 0700),
    # never a fixed name in the shared temp folder, where another user could plant one first
    config = tempfile.mkdtemp(prefix="presswork-calibre-")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CALIBRE_CONFIG_DIRECTORY": config}
    wanted = Path(config) / "metadata.json"
    wanted.write_text(json.dumps({"authors": [_sort_form(p) for p in people], "subjects": meta.subjects}), encoding="utf-8")
    if not meta.cover:  # else calibre may take a figure for the cover: give it the one the Kindle EPUB carries
        (Path(config) / "cover.jpg").write_bytes(generated_cover(book))
        args += ["--cover", str(Path(config) / "cover.jpg")]
    try:
        with atomic_path(azw3) as tmp:
            args[2] = str(tmp)
            _calibre(args, env, "ebook-convert")
            _calibre([str(Path(converter).with_name("calibre-debug")), "-c", _AZW3_METADATA, str(wanted), str(tmp)], env, "calibre-debug")
    except subprocess.TimeoutExpired:
        raise PressworkError(f"calibre took longer than {CONVERT_TIMEOUT} s to make the AZW3") from None
    finally:
        shutil.rmtree(config, ignore_errors=True)


# Run inside calibre with its own MOBI metadata writer, the one `ebook-meta` uses, for what the
# converter cannot pass: subjects whole (its --tags and calibre's OPF reader split a subject such as
# "Trotsky, Leon, 1879-1940" at the commas; the MOBI record keeps them, separated by semicolons),
# and creators in their sort form, from which calibre's and Kindle's readers take name and file-as.
_AZW3_METADATA = """
import json, sys
from calibre.ebooks.metadata.meta import get_metadata
from calibre.ebooks.metadata.mobi import MetadataUpdater
with open(sys.argv[1], encoding="utf-8") as source:
    wanted = json.load(source)
with open(sys.argv[2], "r+b") as book:
    mi = get_metadata(book, "azw3")
    mi.authors, mi.author_sort, mi.tags = wanted["authors"], None, wanted["subjects"]
    book.seek(0)
    MetadataUpdater(book).update(mi)
"""


def _sort_form(person: Contributor) -> str:
    """A creator as MOBI records it. The record holds one form, and readers take "Surname, Given
    names" as the sort form and turn it round for the name: so the file-as when turning it round
    gives the name back (a compound surname then sorts right), else the name, which must not be lost."""
    surname, comma, given = person.file_as.partition(", ")
    return person.file_as if comma and "," not in given and f"{given} {surname}" == person.name else person.name


def _calibre(args: list[str], env: dict[str, str], tool: str) -> None:
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=CONVERT_TIMEOUT, check=False)
    if result.returncode != 0:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise PressworkError(f"calibre could not make the AZW3: {last[0]}", None, f"run {tool} by hand to see why")
