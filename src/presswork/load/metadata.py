"""book.yaml → Metadata, with every problem reported at its line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ..errors import Diagnostics, Location, PressworkError
from ..model import ROLES, Contributor, Metadata
from ..text.dates import EARLIEST_YEAR, LATEST_YEAR
from ..text.isbn import IsbnError, normalise_isbn
from .retail import parse_prices, parse_retail
from .sources import BOOK_YAML, require_image, resolve_inside, slugify
from .yamlfile import LineDict, line_of, text, texts

KNOWN_KEYS = {
    "title", "subtitle", "slug", "series", "language", "contributors", "publisher", "date",
    "isbn", "rights", "description", "subjects", "cover", "scripts", "contents", "print", "index", "prices",
    "original_title", "check", "retail", "chapter_numbers",
}  # fmt: skip
CHAPTER_NUMBERS = ("arabic", "roman", "words", "none")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
DEFAULT_SCRIPTS = {"Cyrl": "ru", "Grek": "el", "Hebr": "he"}
MAX_SLUG = 80  # the slug names files and folders: keep it well inside any file system's 255


def parse_metadata(data: LineDict, root: Path, diagnostics: Diagnostics) -> Metadata:
    def where(key: str, value: Any = None) -> Location:
        return Location(BOOK_YAML, line_of(value, data.line_of(key)))

    for key in data:
        if key not in KNOWN_KEYS:
            diagnostics.warn(f"unknown key {key!r} ignored", where(key), "check its spelling against the README", "L005")
    title = _required_text(data, "title", where)
    language = _required_text(data, "language", where)
    if not LANGUAGE_TAG.match(language):
        raise PressworkError(f"language {language!r} is not a language tag", where("language"), "write e.g. en, en-GB or ru")
    contributors = _contributors(data.get("contributors"), where)
    meta = Metadata(title=title, language=language, contributors=contributors)
    meta.subtitle = _text(data, "subtitle", where)
    meta.original_title = _text(data, "original_title", where)
    meta.slug = _slug(_text(data, "slug", where) or title)
    meta.series, meta.series_number = _named(data, "series", "name", "number", where)
    meta.publisher, meta.place = _named(data, "publisher", "name", "place", where)
    meta.date = _date(data.get("date"), where("date"))
    meta.rights = _text(data, "rights", where)
    meta.description = _text(data, "description", where)
    meta.subjects = texts(data.get("subjects"), "subjects", where("subjects"))
    meta.isbn_ebook, meta.isbn_paperback = _isbns(data.get("isbn"), where)
    meta.prices = parse_prices(data.get("prices"), where("prices"))
    meta.retail = parse_retail(data.get("retail"), where("retail"))
    numbers = _text(data, "chapter_numbers", where) or "arabic"
    if numbers not in CHAPTER_NUMBERS:
        raise PressworkError(f"chapter_numbers: {numbers!r} is not a numbering style", where("chapter_numbers"),
                             "use one of " + ", ".join(CHAPTER_NUMBERS))  # fmt: skip
    meta.chapter_numbers = numbers
    scripts = data.get("scripts") or {}
    if not isinstance(scripts, dict):
        raise PressworkError("'scripts' must map script names to languages", where("scripts"), "write `scripts: {Cyrl: uk}`")
    meta.scripts = {**DEFAULT_SCRIPTS, **{str(k): text(v, "scripts", where("scripts"), "write e.g. {Cyrl: uk}") or ""
                                          for k, v in scripts.items()}}  # fmt: skip
    bad = [v for v in meta.scripts.values() if not LANGUAGE_TAG.match(v)]
    if bad:
        raise PressworkError(f"scripts: {bad[0]!r} is not a language tag", where("scripts"), "write e.g. {Cyrl: uk}")
    if cover := text(data.get("cover"), "cover", where("cover", data.get("cover"))):
        loc = where("cover", data["cover"])
        meta.cover = resolve_inside(root, cover, loc)
        if meta.cover.suffix.lower() not in (".jpg", ".jpeg", ".png"):
            raise PressworkError("the cover must be a JPEG or PNG image", loc)
        require_image(root, meta.cover, loc, "cover image")
    return meta


def _required_text(data: LineDict, key: str, where: Any) -> str:
    value = _text(data, key, where)
    if not value:
        raise PressworkError(f"required field {key!r} is missing", where(key), f"add `{key}: …` to book.yaml")
    return value


def _text(data: LineDict, key: str, where: Any, label: str | None = None) -> str | None:
    """`data[key]` as one line of text; `where(key, value)` places an error at the value's line."""
    value = data.get(key)
    found = text(value, label or key, where(key, value))
    return " ".join(found.split()) if found and not found.isspace() else None


def _named(data: LineDict, key: str, name_key: str, extra_key: str, where: Any) -> tuple[str | None, str | None]:
    """`series: Name` or `series: {name: Name, number: 2}`."""
    value = data.get(key)
    if not isinstance(value, LineDict):
        return _text(data, key, where), None

    def inner(sub: str, item: Any = None) -> Location:
        return Location(BOOK_YAML, line_of(item, value.line_of(sub)))

    return _text(value, name_key, inner, key), _text(value, extra_key, inner, key)


def _slug(title: str) -> str:
    """The file-name form of the title, cut at a word when the title is long."""
    slug = slugify(title, "book")
    if len(slug) <= MAX_SLUG:
        return slug
    cut = slug[: MAX_SLUG + 1]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut[:MAX_SLUG]


def _contributors(value: Any, where: Any) -> list[Contributor]:
    if not value:
        raise PressworkError(
            "required field 'contributors' is missing", where("contributors"),
            "add `contributors:` with at least one `- name: …` and `role: author`",
        )  # fmt: skip
    result = []
    if not isinstance(value, list):
        raise PressworkError("'contributors' must be a list", where("contributors"), "write one `- name: …` a line")
    for item in value:
        loc = Location(BOOK_YAML, line_of(item, where("contributors").line))
        if isinstance(item, str):
            item = LineDict(name=item)
            item.line, item.key_lines = loc.line, {}
        if not isinstance(item, LineDict):
            raise PressworkError("each contributor needs a name", loc, "write `- name: Given Surname`")

        def at(key: str, found: Any = None, item: LineDict = item) -> Location:
            return Location(BOOK_YAML, line_of(found, item.line_of(key)))

        name = _text(item, "name", at)
        if not name:
            raise PressworkError("each contributor needs a name", loc, "write `- name: Given Surname`")
        role = _text(item, "role", at) or "author"
        if role not in ROLES:
            raise PressworkError(f"unknown contributor role {role!r}", at("role"), "use one of " + ", ".join(ROLES))
        parts = name.rsplit(" ", 1)
        file_as = _text(item, "file_as", at) or (f"{parts[1]}, {parts[0]}" if len(parts) == 2 else name)
        result.append(Contributor(name=name, role=role, file_as=file_as, bio=_text(item, "bio", at)))
    if not any(c.role == "author" for c in result):
        raise PressworkError("no contributor has the role 'author'", where("contributors"), "add `role: author`")
    return result


def _date(value: Any, where: Location) -> dt.date | None:
    """The publication date, within years every product format can record."""
    hint = "write YYYY-MM-DD or YYYY"
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif (found := text(value, "date", where, hint)) is None:
        return None
    else:
        try:
            day = dt.date(int(found), 1, 1) if found.isdigit() and len(found) == 4 else dt.date.fromisoformat(found)
        except ValueError:
            raise PressworkError(f"date {found!r} is not a date", where, hint) from None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise PressworkError(f"date {day.isoformat()} is not between {EARLIEST_YEAR} and {LATEST_YEAR}", where,
                             "give the date this edition is published")  # fmt: skip
    return day


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
            found[fmt] = normalise_isbn(text(raw, "isbn", loc) or "")
        except IsbnError as exc:
            raise PressworkError(str(exc), loc, "copy the ISBN again from the agency's record") from None
    return found["ebook"], found["paperback"]
