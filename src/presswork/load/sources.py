"""Reading the book folder's files safely: UTF-8 only, and no path may leave the folder."""

from __future__ import annotations

import re
import unicodedata
import warnings
from bisect import bisect_right
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageFile, UnidentifiedImageError

from ..errors import Diagnostics, Location, PressworkError
from ..files.folders import resolved
from .svg import require_svg

BOOK_YAML = Path("manuscript/book.yaml")
# No real chapter comes near this; a bigger file is a mistake or an attack, and would take minutes.
MAX_TEXT_BYTES = 20 * 2**20

# Pixels an image may have: a full page at 600 ppi has a tenth of this; decoding more is a bomb.
MAX_IMAGE_PIXELS = 100_000_000

# Characters XML 1.0 forbids; a stray one would make every product invalid.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def resolve_inside(root: Path, relative: str, where: Location, base: Path | None = None) -> Path:
    """The path `relative` (to `base`, default `root`) as a path relative to `root`, refusing escapes."""
    text = str(relative).strip()
    if not text:
        raise PressworkError("empty path", where, "give a file name relative to the book folder")
    if Path(text).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", text):
        raise PressworkError(f"absolute path {text!r} is not allowed", where, "use a path relative to the book folder")
    root = resolved(root)
    full = resolved((base or root) / text, where, text)
    if not full.is_relative_to(root):
        raise PressworkError(
            f"path {text!r} leaves the book folder", where, "keep every file inside the book folder"
        )
    return full.relative_to(root)


def require_file(root: Path, relative: Path, where: Location, what: str) -> None:
    if not (root / relative).is_file():
        raise PressworkError(f"{what} {relative} does not exist", where, "check the file name and folder")


def read_text(root: Path, relative: Path, diagnostics: Diagnostics) -> str:
    """A file's text, with a clear error when it is not UTF-8 and illegal control characters dropped.
    A file bigger than any real chapter is refused before it is read, so the work it causes stays bounded."""
    if not resolved(root / relative, Location(relative), str(relative)).is_relative_to(resolved(root)):
        raise PressworkError("the file leads outside the book folder", Location(relative), "keep every file inside the book folder")
    size = (root / relative).stat().st_size
    if size > MAX_TEXT_BYTES:
        raise PressworkError(f"the file is {size / 2**20:.1f} MB, more than the {MAX_TEXT_BYTES // 2**20} MB a source file may hold",
                             Location(relative, 1), "split it into several files")  # fmt: skip
    data = (root / relative).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PressworkError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
            Location(relative, line),
            "save the file as UTF-8",
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    line_at = line_finder(text)
    for match in XML_ILLEGAL.finditer(text):
        diagnostics.warn(f"control character U+{ord(match.group()):04X} removed", Location(relative, line_at(match.start())),
                         code="L004")  # fmt: skip
    return XML_ILLEGAL.sub("", text)


def line_finder(text: str) -> Callable[[int], int]:
    """The 1-based line of an offset in `text`. Counting newlines from the start for each of many
    offsets would be quadratic in the file's length; this bisects the newlines' positions."""
    starts = [match.end() for match in re.finditer("\n", text)]
    return lambda offset: bisect_right(starts, offset) + 1


def slugify(text: str, fallback: str = "") -> str:
    """Lower-case ASCII words joined by hyphens, for file names and ids; `fallback` when none are left.
    The text is taken as NFC first: the same name stored decomposed (as macOS may) gives the same slug."""
    return re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFC", text).lower()).strip("-") or fallback


_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
# The raster images this process found whole, each as (path, device, inode, size, modification time):
# a long-lived process (`presswork watch`) decodes an image again only once it has changed
_FOUND_WHOLE: set[tuple[str, int, int, int, int]] = set()
_FOUND_WHOLE_AT_MOST = 100_000


def require_image(root: Path, relative: Path, where: Location, what: str) -> None:
    """The file exists, is the kind of image its name says (readers trust the name), has a sane
    number of pixels and decodes to the end: a truncated file would print as a half-black figure.
    An SVG has no pixels: it must be well-formed, run nothing, fetch nothing and draw a bounded
    amount (`svg.require_svg`)."""
    require_file(root, relative, where, what)
    if relative.suffix.lower() == ".svg":
        require_svg(root / relative, relative, where, what, MAX_IMAGE_PIXELS)
        return
    expected = _FORMATS.get(relative.suffix.lower())
    if expected is None:
        return
    info = (root / relative).stat()
    stamp = (str(root / relative), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    if stamp in _FOUND_WHOLE:
        return
    too_big = PressworkError(f"{what} {relative} has more than {MAX_IMAGE_PIXELS // 10**6} million pixels", where,
                             "scale it down: 300 ppi at the printed size is enough")  # fmt: skip
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False  # WeasyPrint sets it for the process
    try:
        with warnings.catch_warnings():  # our own bound below replaces Pillow's bomb warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(root / relative) as image:
                found = image.format
                if found != expected:
                    raise PressworkError(f"{what} {relative} is a {found} file named as {expected}", where,
                                         f"rename it to .{found.lower().replace('jpeg', 'jpg')} or convert it")  # fmt: skip
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise too_big
                image.load()
        if len(_FOUND_WHOLE) >= _FOUND_WHOLE_AT_MOST:
            _FOUND_WHOLE.clear()
        _FOUND_WHOLE.add(stamp)
    except Image.DecompressionBombError:  # over twice Pillow's own bound: refused before we see its size
        raise too_big from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise PressworkError(f"{what} {relative} is not an image, or is damaged", where, "export it again as PNG or JPEG") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
