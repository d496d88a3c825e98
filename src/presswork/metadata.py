"""book.yaml → Metadata, with every problem reported at its line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from .errors import Diagnostics, Location, PressworkError
from .isbn import IsbnError, normalise_isbn
from .model import ROLES, Contributor, Metadata
from .sources import BOOK_YAML, require_image, resolve_inside, slugify
from .yamlfile import LineDict, line_of

KNOWN_KEYS = {
    "title", "subtitle", "slug", "series", "language", "contributors", "publisher", "date",
    "isbn", "rights", "description", "subjects", "cover", "scripts", "contents", "print", "index", "prices",
    "original_title", "check",
}  # fmt: skip
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
DEFAULT_SCRIPTS = {"Cyrl": "ru", "Grek": "el", "Hebr": "he"}


def parse_metadata(data: LineDict, root: Path, diagnostics: Diagnostics) -> Metadata:
    def where(key: str, value: Any = None) -> Location:
        return Location(BOOK_YAML, line_of(value, data.line_of(key)))

    for key in data:
        if key not in KNOWN_KEYS:
            diagnostics.warn(f"unknown key {key!r} ignored", where(key), "check its spelling against the README")
    title = _required_text(data, "title", where)
    language = _required_text(data, "language", where)
    if not _LANGUAGE.match(language):
        raise PressworkError(f"language {language!r} is not a language tag", where("language"), "write e.g. en, en-GB or ru")
    contributors = _contributors(data.get("contributors"), where)
    meta = Metadata(title=title, language=language, contributors=contributors)
    meta.subtitle = _text(data.get("subtitle"))
    meta.original_title = _text(data.get("original_title"))
    meta.slug = slugify(str(data.get("slug") or title), "book")
    meta.series, meta.series_number = _named(data.get("series"), "name", "number")
    meta.publisher, meta.place = _named(data.get("publisher"), "name", "place")
    meta.date = _date(data.get("date"), where("date"))
    meta.rights = _text(data.get("rights"))
    meta.description = _text(data.get("description"))
    meta.subjects = [str(s) for s in _list(data.get("subjects"), "subjects", where("subjects"))]
    meta.isbn_ebook, meta.isbn_paperback = _isbns(data.get("isbn"), where)
    meta.prices = _prices(data.get("prices"), where("prices"))
    scripts = data.get("scripts") or {}
    if not isinstance(scripts, dict):
        raise PressworkError("'scripts' must map script names to languages", where("scripts"), "write `scripts: {Cyrl: uk}`")
    meta.scripts = {**DEFAULT_SCRIPTS, **{str(k): str(v) for k, v in scripts.items()}}
    bad = [v for v in meta.scripts.values() if not _LANGUAGE.match(v)]
    if bad:
        raise PressworkError(f"scripts: {bad[0]!r} is not a language tag", where("scripts"), "write e.g. {Cyrl: uk}")
    if data.get("cover"):
        loc = where("cover", data["cover"])
        meta.cover = resolve_inside(root, data["cover"], loc)
        if meta.cover.suffix.lower() not in (".jpg", ".jpeg", ".png"):
            raise PressworkError("the cover must be a JPEG or PNG image", loc)
        require_image(root, meta.cover, loc, "cover image")
    return meta


def _required_text(data: LineDict, key: str, where: Any) -> str:
    value = _text(data.get(key))
    if not value:
        raise PressworkError(f"required field {key!r} is missing", where(key), f"add `{key}: …` to book.yaml")
    return value


def _text(value: Any) -> str | None:
    return " ".join(str(value).split()) if value not in (None, "") else None


def _named(value: Any, name_key: str, extra_key: str) -> tuple[str | None, str | None]:
    if isinstance(value, dict):
        return _text(value.get(name_key)), _text(value.get(extra_key))
    return _text(value), None


def _list(value: Any, key: str, where: Location) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PressworkError(f"{key!r} must be a list", where, f"write `{key}: [a, b]` or one `- item` a line")
    return value


def _contributors(value: Any, where: Any) -> list[Contributor]:
    if not value:
        raise PressworkError(
            "required field 'contributors' is missing", where("contributors"),
            "add `contributors:` with at least one `- name: …` and `role: author`",
        )  # fmt: skip
    result = []
    for item in _list(value, "contributors", where("contributors")):
        loc = Location(BOOK_YAML, line_of(item))
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict) or not _text(item.get("name")):
            raise PressworkError("each contributor needs a name", loc, "write `- name: Given Surname`")
        role = str(item.get("role", "author"))
        if role not in ROLES:
            raise PressworkError(f"unknown contributor role {role!r}", loc, "use one of " + ", ".join(ROLES))
        name = _text(item["name"]) or ""
        parts = name.rsplit(" ", 1)
        file_as = _text(item.get("file_as")) or (f"{parts[1]}, {parts[0]}" if len(parts) == 2 else name)
        result.append(Contributor(name=name, role=role, file_as=file_as))
    if not any(c.role == "author" for c in result):
        raise PressworkError("no contributor has the role 'author'", where("contributors"), "add `role: author`")
    return result


def _date(value: Any, where: Location) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    try:
        return dt.date(int(text), 1, 1) if text.isdigit() and len(text) == 4 else dt.date.fromisoformat(text)
    except ValueError:
        raise PressworkError(f"date {text!r} is not a date", where, "write YYYY-MM-DD or YYYY") from None


def _isbns(value: Any, where: Any) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise PressworkError("'isbn' must map formats to ISBNs", where("isbn"), "write `isbn: {ebook: …, paperback: …}`")
    found: dict[str, str | None] = {"ebook": None, "paperback": None}
    for fmt, raw in value.items():
        loc = Location(BOOK_YAML, line_of(raw, value.line_of(fmt)))
        if fmt not in found:
            raise PressworkError(f"unknown ISBN format {fmt!r}", loc, "use ebook or paperback")
        try:
            found[fmt] = normalise_isbn(str(raw))
        except IsbnError as exc:
            raise PressworkError(str(exc), loc, "copy the ISBN again from the agency's record") from None
    return found["ebook"], found["paperback"]


def _prices(value: Any, where: Location) -> dict[str, list[tuple[str, str]]]:
    """prices: {ebook: ["9.99 GBP"], paperback: ["14.99 GBP", "19.99 USD"]}"""
    if value is None:
        return {}
    hint = 'write `prices: {ebook: ["9.99 GBP"], paperback: ["14.99 GBP"]}`'
    if not isinstance(value, dict):
        raise PressworkError("'prices' must map ebook and paperback to lists of prices", where, hint)
    prices: dict[str, list[tuple[str, str]]] = {}
    for form, items in value.items():
        if form not in ("ebook", "paperback") or not isinstance(items, list):
            raise PressworkError(f"prices for {form!r}: use ebook or paperback with a list", where, hint)
        for item in items:
            match = re.fullmatch(r"\s*(\d+(?:\.\d{1,2})?)\s+([A-Z]{3})\s*", str(item))
            if not match:
                raise PressworkError(f"price {item!r} is not an amount and a currency code", where, hint)
            prices.setdefault(form, []).append((match.group(1), match.group(2)))
    return prices
