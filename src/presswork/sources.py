"""Reading the book folder's files safely: UTF-8 only, and no path may leave the folder."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import Diagnostics, Location, PressworkError

BOOK_YAML = Path("manuscript/book.yaml")

# Characters XML 1.0 forbids; a stray one would make every product invalid.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def resolve_inside(root: Path, relative: str, where: Location, base: Path | None = None) -> Path:
    """The path `relative` (to `base`, default `root`) as a path relative to `root`, refusing escapes."""
    text = str(relative).strip()
    if not text:
        raise PressworkError("empty path", where, "give a file name relative to the book folder")
    if Path(text).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", text):
        raise PressworkError(f"absolute path {text!r} is not allowed", where, "use a path relative to the book folder")
    root = root.resolve()
    full = ((base or root) / text).resolve()
    if not full.is_relative_to(root):
        raise PressworkError(
            f"path {text!r} leaves the book folder", where, "keep every file inside the book folder"
        )
    return full.relative_to(root)


def require_file(root: Path, relative: Path, where: Location, what: str) -> None:
    if not (root / relative).is_file():
        raise PressworkError(f"{what} {relative} does not exist", where, "check the file name and folder")


def read_text(root: Path, relative: Path, diagnostics: Diagnostics) -> str:
    """A file's text, with a clear error when it is not UTF-8 and illegal control characters dropped."""
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
    for match in _XML_ILLEGAL.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        diagnostics.warn(f"control character U+{ord(match.group()):04X} removed", Location(relative, line))
    return _XML_ILLEGAL.sub("", text)


def slugify(text: str, fallback: str = "") -> str:
    """Lower-case ASCII words joined by hyphens, for file names and ids; `fallback` when none are left."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or fallback


_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}


def require_image(root: Path, relative: Path, where: Location, what: str) -> None:
    """The file exists and is the kind of image its name says (readers trust the name)."""
    require_file(root, relative, where, what)
    expected = _FORMATS.get(relative.suffix.lower())
    if expected is None:
        return
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(root / relative) as image:
            found = image.format
    except (UnidentifiedImageError, OSError):
        raise PressworkError(f"{what} {relative} is not an image", where, "export it again as PNG or JPEG") from None
    if found != expected:
        raise PressworkError(f"{what} {relative} is a {found} file named as {expected}", where,
                             f"rename it to .{found.lower().replace('jpeg', 'jpg')} or convert it")  # fmt: skip
