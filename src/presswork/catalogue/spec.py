"""catalogue.yaml: the books of a list, the products each gets, the house styles and the output
root, read with the same bounded YAML loader as book.yaml, so every mistake names its line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..backends import BACKENDS
from ..errors import Diagnostics, Location, PressworkError
from ..files.folders import resolved
from ..files.revisions import FOLDERS
from ..load.sources import BOOK_YAML, read_text
from ..load.yamlfile import LineDict, line_of, parse_yaml, text, texts

# A catalogue's products: files, each sent back by its worker as bytes (a folder product, the web
# edition, is built with `presswork build web`); `every` is every one of them.
PRODUCTS = (*(name for name, backend in BACKENDS.items() if not backend.folder), "all", "every", "dist")
DEFAULT_OUT = "build/catalogue"
MAX_BOOKS = 10_000  # a publisher's whole backlist is a few hundred; a glob matching more is a mistake
MAX_GLOB_MATCHES = 10 * MAX_BOOKS  # paths a glob may yield, books or not, before it is stopped
SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
RESERVED = {"report.json", "report.html"}  # the output root's own files: no book folder may take their names
_KEYS = ("books", "products", "styles", "out", "epubcheck")
_BOOK_KEYS = ("path", "slug", "products")
_GLOB = re.compile(r"[*?[]")


@dataclass(frozen=True)
class Entry:
    """One book of the list: its folder (as the catalogue names it), the name of its folder in the
    output root, its products, and the catalogue line that named it."""

    slug: str
    folder: Path
    products: tuple[str, ...]
    where: Location


@dataclass(frozen=True)
class Catalogue:
    path: Path
    books: tuple[Entry, ...]
    styles: Path | None  # CSS every book gets, under its own (a book's file of the same name wins)
    out: Path
    epubcheck: bool


def read_catalogue(path: Path) -> Catalogue:
    """The catalogue at `path`. Book folders, the house styles and the output root are named
    relative to the catalogue's folder and must stay inside it, symlinks followed: a catalogue
    from someone else cannot make presswork read or write elsewhere."""
    try:
        data = parse_yaml(read_text(path.parent, Path(path.name), Diagnostics()), path)
    except PressworkError as exc:  # read_text names the file relative to its folder; say it as the user did
        raise PressworkError(exc.message, Location(path, exc.where.line), exc.hint) from None
    if not isinstance(data, LineDict):
        raise PressworkError("a catalogue is a mapping with `books:`", Location(path, line_of(data, 1)),
                             "start with `books: [path/to/book, books/*]`")  # fmt: skip
    _known_keys(data, _KEYS, path)
    if "books" not in data:
        raise PressworkError("the catalogue lists no books", Location(path, data.line), "add `books: [path/to/book, books/*]`")
    base = path.parent
    products = _products(data.get("products"), Location(path, data.line_of("products")), ("all",))
    styles = None
    if data.get("styles") is not None:
        where = Location(path, data.line_of("styles"))
        styles = _inside(base, text(data["styles"], "styles", where), where, "the house styles folder")
        if not styles.is_dir():
            raise PressworkError(f"the house styles folder {styles} does not exist", where, "name a folder of CSS files")
    out_where = Location(path, data.line_of("out"))
    out = _inside(base, text(data.get("out"), "out", out_where) or DEFAULT_OUT, out_where, "the output root")
    epubcheck = data.get("epubcheck", True)
    if not isinstance(epubcheck, bool):
        raise PressworkError("epubcheck must be true or false", Location(path, data.line_of("epubcheck")),
                             "write `epubcheck: false` to skip EPUBCheck")  # fmt: skip
    books = _books(data["books"], Location(path, data.line_of("books")), base, products)
    catalogue = Catalogue(path, books, styles, out, epubcheck)
    check_out(catalogue, out, out_where, repr(text(data.get("out"), "out", out_where) or DEFAULT_OUT))
    return catalogue


def check_out(catalogue: Catalogue, out: Path, where: Location, named: str | None = None) -> None:
    """Refuse an output root that is a book folder, holds one, or lies in a book's sources
    (manuscript/, images/, styles/) or in the house styles folder, or holds that folder: presswork
    writes products, reports and its record there, and removes its stale products. A root inside a
    book folder but outside its sources (the sample's `build/catalogue`) is the book's own build
    output, and allowed. Paths are compared resolved, symlinks followed."""
    real = resolved(out, where)
    named = named or str(out)
    for entry in catalogue.books:
        book = resolved(entry.folder, where)
        sources = [resolved(book / folder, where) for folder in FOLDERS]
        if real == book or book.is_relative_to(real) or any(real.is_relative_to(s) for s in sources):
            raise PressworkError(f"the output root {named} overlaps the book folder {entry.folder}", where,
                                 "give the output root a folder of its own, such as build/catalogue")  # fmt: skip
    if catalogue.styles is not None:
        styles = resolved(catalogue.styles, where)
        if real.is_relative_to(styles) or styles.is_relative_to(real):
            raise PressworkError(f"the output root {named} overlaps the house styles folder {catalogue.styles}", where,
                                 "give the output root a folder of its own, such as build/catalogue")  # fmt: skip


def _books(value: Any, where: Location, base: Path, products: tuple[str, ...]) -> tuple[Entry, ...]:
    if not isinstance(value, list) or not value:
        raise PressworkError("books must be a list of book folders", where, "write `books: [path/to/book, books/*]`")
    entries: list[Entry] = []
    seen: dict[Path, Entry] = {}
    slugs: dict[str, Entry] = {}  # by casefolded slug: Novel/ and novel/ are one folder on some disks
    for item in value:
        at = Location(where.file, line_of(item, where.line))
        for entry in _entries(item, at, base, products, MAX_BOOKS - len(entries)):
            real = resolved(entry.folder, at)
            if real in seen:
                raise PressworkError(f"the book folder {entry.folder} is listed twice (first at line {seen[real].where.line})",
                                     at, "list each book once")  # fmt: skip
            folded = entry.slug.casefold()
            if folded in slugs:
                first = slugs[folded]
                raise PressworkError(f"two books are named {entry.slug!r} (first, {first.slug!r}, at line {first.where.line})",
                                     at, "give one of them `slug:`, the name of its folder in the output root")  # fmt: skip
            seen[real] = slugs[folded] = entry
            entries.append(entry)
            if len(entries) > MAX_BOOKS:
                raise PressworkError(f"more than {MAX_BOOKS:,} books", at, "split the catalogue")
    return tuple(entries)


def _entries(item: Any, where: Location, base: Path, products: tuple[str, ...], room: int) -> list[Entry]:
    """The books one item of `books:` names: a folder, a glob of folders, or `{path, slug, products}`.
    A glob is followed lazily and stopped once it finds more than `room` books."""
    if isinstance(item, LineDict):
        _known_keys(item, _BOOK_KEYS, where.file)
        named = text(item.get("path"), "path", where, "write `- path: books/a-book`")
        if named is None:
            raise PressworkError("a book needs its `path:`", where, "write `- path: books/a-book`")
        folder = _inside(base, named, where, "the book folder")
        slug = text(item.get("slug"), "slug", Location(where.file, item.line_of("slug")))
        own = _products(item.get("products"), Location(where.file, item.line_of("products")), products)
        return [_entry(folder, slug, own, where)]
    named = text(item, "a book", where, "write a folder, a glob such as books/*, or `- path: …`")
    if named is None:
        raise PressworkError("an empty book entry", where, "remove it, or name a book folder")
    if not _GLOB.search(named):
        return [_entry(_inside(base, named, where, "the book folder"), None, products, where)]
    if Path(named).is_absolute() or ".." in Path(named).parts:
        raise PressworkError(f"the glob {named!r} leads outside the catalogue's folder", where,
                             "write a glob relative to the catalogue's folder, such as books/*")  # fmt: skip
    found: list[Path] = []
    for count, folder in enumerate(base.glob(named), 1):
        if count > MAX_GLOB_MATCHES:
            raise PressworkError(f"the glob {named!r} matches more than {MAX_GLOB_MATCHES:,} paths", where,
                                 "narrow the pattern")  # fmt: skip
        if (folder / BOOK_YAML).is_file():
            found.append(folder)
            if len(found) > room:
                raise PressworkError(f"more than {MAX_BOOKS:,} books", where, "split the catalogue")
    found.sort()
    if not found:
        raise PressworkError(f"the glob {named!r} matches no book folder (one holding {BOOK_YAML})", where,
                             "check the pattern")  # fmt: skip
    return [_entry(_inside(base, str(folder.relative_to(base)), where, "the book folder"), None, products, where)
            for folder in found]  # fmt: skip


def _entry(folder: Path, slug: str | None, products: tuple[str, ...], where: Location) -> Entry:
    name = slug or resolved(folder, where).name
    if not SLUG.fullmatch(name) or name.casefold() in RESERVED:
        raise PressworkError(f"{name!r} cannot name the book's folder in the output root", where,
                             "give the book `slug:` of letters, digits, '.', '_' and '-'")  # fmt: skip
    if not folder.is_dir():
        raise PressworkError(f"the book folder {folder} does not exist", where, "check the path")
    return Entry(name, folder, products, where)


def _products(value: Any, where: Location, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return default
    names = texts(value, "products", where, "write `products: [epub, pdf]`")
    for item, name in zip(value if isinstance(value, list) else [value], names):  # texts() keeps no lines
        if name in BACKENDS and name not in PRODUCTS:
            raise PressworkError(f"the {name} product is a folder, which a catalogue does not build",
                                 Location(where.file, line_of(item, where.line)),
                                 f"build it book by book with `presswork build {name}`")  # fmt: skip
        if name not in PRODUCTS:
            raise PressworkError(f"unknown product {name!r}", Location(where.file, line_of(item, where.line)),
                                 f"products are {', '.join(PRODUCTS)}")  # fmt: skip
    if not names:
        raise PressworkError("no products", where, f"name at least one of {', '.join(PRODUCTS)}")
    return tuple(dict.fromkeys(names))


def _inside(base: Path, named: str | None, where: Location, what: str) -> Path:
    """`base / named`, refused when absolute or when it resolves outside `base` (symlinks followed)."""
    if not named:
        raise PressworkError(f"{what} has no path", where, "write a path relative to the catalogue's folder")
    path = base / named
    if Path(named).is_absolute() or not resolved(path, where, named).is_relative_to(resolved(base)):
        raise PressworkError(f"{what} {named!r} leads outside the catalogue's folder", where,
                             "keep books, house styles and the output root inside the folder holding the catalogue")  # fmt: skip
    return path


def _known_keys(data: LineDict, known: tuple[str, ...], path: Path | None) -> None:
    for key in data:
        if key not in known:
            raise PressworkError(f"unknown key {key!r} in the catalogue", Location(path, data.line_of(str(key))),
                                 f"the keys are {', '.join(known)}")  # fmt: skip
