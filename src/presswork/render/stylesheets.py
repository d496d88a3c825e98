"""The stylesheet family: presswork's own styles, overridden or extended by the book's styles/ folder."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import Location, PressworkError
from ..text.css import LOADS, NO_LOADS, STYLES, first_load

SHIPPED = Path(__file__).parent.parent / "styles"


@lru_cache(maxsize=8)
def _loads_something(css: str) -> bool:
    """Whether `css` loads anything (parsed once for each text a process sees)."""
    return first_load(css) is not None


def stylesheet(styles: dict[str, str], layers: tuple[str, ...]) -> str:
    """Concatenate the named layers (e.g. base, epub); the book's file of the same name (`styles`,
    as the loader read them) replaces ours, and the book's other CSS files follow in name order."""
    texts = []
    for layer in layers:
        name = f"{layer}.css"
        texts.append(styles[name] if name in styles else (SHIPPED / name).read_text(encoding="utf-8"))
    shipped_names = {p.name for p in SHIPPED.glob("*.css")}
    texts += [styles[name] for name in sorted(styles) if name not in shipped_names]
    joined = "\n".join(texts)
    if _loads_something(joined):  # each file passed on its own; joined, they must pass too
        raise PressworkError(f"the book's stylesheets joined {LOADS}", Location(STYLES), NO_LOADS)
    return joined
