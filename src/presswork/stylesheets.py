"""The stylesheet family: presswork's own styles, overridden or extended by the book's styles/ folder."""

from __future__ import annotations

from pathlib import Path

from .errors import Location, PressworkError

SHIPPED = Path(__file__).parent / "styles"


def stylesheet(root: Path, layers: tuple[str, ...]) -> str:
    """Concatenate the named layers (e.g. base, epub); a book's file of the same name replaces ours,
    and the book's other CSS files follow in name order."""
    own = root / "styles"
    texts = []
    for layer in layers:
        book_file = own / f"{layer}.css"
        texts.append(_read(book_file if book_file.is_file() else SHIPPED / f"{layer}.css", root))
    shipped_names = {p.name for p in SHIPPED.glob("*.css")}
    if own.is_dir():
        texts += [_read(p, root) for p in sorted(own.glob("*.css")) if p.name not in shipped_names]
    return "\n".join(texts)


def _read(path: Path, root: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PressworkError("not UTF-8 text", Location(path.relative_to(root) if path.is_relative_to(root) else path), "save the file as UTF-8") from None
