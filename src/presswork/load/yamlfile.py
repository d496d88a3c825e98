"""YAML that remembers line numbers, so errors in book.yaml can point at the offending line, and
that refuses what presswork's files never need but a hostile file would use: aliases (billion
laughs), merge keys, duplicate or composite keys, binary and set values, deep nesting, huge files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ..errors import Location, PressworkError
from ..files.kept import KeptParses
from .sources import XML_ILLEGAL
from .yamlwords import explain

MAX_BYTES = 4 * 1024 * 1024  # far above any real book.yaml or back-matter file; parsing it takes seconds
MAX_NODES = 100_000  # values and keys in one file: a 5,000-term glossary has about 60,000
MAX_DEPTH = 32  # presswork's deepest structure (contents → part → chapters) is 4 levels
KEPT = KeptParses()  # the parses of this process, by text, file and first line


class LineStr(str):
    """A string that knows the line it was read from."""

    line: int | None = None


class LineList(list):
    """A list that knows the line it starts on."""

    line: int | None = None


class LineDict(dict):
    """A mapping that knows the line of each key and of itself."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    """SafeLoader bounded in work and strict about keys; errors carry the file and line."""

    def __init__(self, text: str, path: Path, first_line: int):
        super().__init__(text)
        self.path, self.first_line = path, first_line
        self.depth = self.nodes = 0

    def refuse(self, message: str, mark: yaml.Mark | None, hint: str) -> PressworkError:
        return PressworkError(message, Location(self.path, mark.line + self.first_line if mark else None), hint)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise self.refuse(f"YAML alias *{event.anchor} is not allowed", event.start_mark,
                              "write the value out in full where it is needed")  # fmt: skip
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.refuse(f"more than {MAX_NODES:,} YAML values in one file", event.start_mark,
                              "split the file or shorten its lists")  # fmt: skip
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise self.refuse(f"YAML nested more than {MAX_DEPTH} levels deep", event.start_mark,
                                  "presswork's files need only a few levels; check the brackets and indentation")  # fmt: skip
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except ValueError as exc:  # e.g. 2026-02-30, which YAML reads as a timestamp
            raise self.refuse(f"a value cannot be read: {exc}", node.start_mark, "check the dates (YYYY-MM-DD)") from None


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> LineStr:
    value = LineStr(loader.construct_scalar(node))
    value.line = node.start_mark.line + loader.first_line
    if match := XML_ILLEGAL.search(value):
        raise loader.refuse(f"control character U+{ord(match.group()):04X} in a text", node.start_mark,
                            "remove the \\0, \\x.. or \\u.. escape from the quoted text")  # fmt: skip
    return value


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Iterator[LineList]:
    result = LineList()
    result.line = node.start_mark.line + loader.first_line
    yield result
    result.extend(loader.construct_sequence(node))


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + loader.first_line
    result.key_lines = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + loader.first_line
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise loader.refuse("YAML merge keys (<<) are not allowed", key_node.start_mark, "write the keys out in full")
        if not isinstance(key_node, yaml.ScalarNode):
            raise loader.refuse("a key must be a plain name, not a list or mapping", key_node.start_mark,
                                "write `name: value`")  # fmt: skip
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise loader.refuse(f"key {key!r} is given twice (first at line {result.key_lines[str(key)]})",
                                key_node.start_mark, "keep one of them")  # fmt: skip
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = line
    return result


def _refuse_tag(kind: str):
    def construct(loader: _Loader, node: yaml.Node) -> Any:
        raise loader.refuse(f"{kind} values ({node.tag.rsplit(':', 1)[-1]}) are not allowed", node.start_mark,
                            "write text, numbers, lists and `key: value` mappings only")  # fmt: skip

    return construct


_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:binary", _refuse_tag("binary"))
for _tag in ("set", "omap", "pairs"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag("YAML " + _tag))


def parse_yaml(text: str, path: Path, first_line: int = 1) -> Any:
    """Parse YAML text read from `path`; `first_line` offsets lines for front matter blocks. A value
    of its own each time: a copy of the last parse of the same text, where this process made one
    (`KEPT`: watch parses only the files that changed)."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise PressworkError(f"more than {MAX_BYTES // 2**20} MB of YAML", Location(path, first_line),
                             "split the file; presswork's data files are far smaller")  # fmt: skip
    key = (text, path, first_line)
    if (kept := KEPT.get(key)) is not None:
        return kept
    loader = _Loader(text, path, first_line)
    try:
        data = loader.get_single_data()
        KEPT.put(key, data)
        return data
    except yaml.MarkedYAMLError as exc:
        slip, mark, hint = explain(exc, text)
        raise loader.refuse(f"YAML syntax error: {slip}", mark, hint) from None
    except yaml.YAMLError as exc:
        raise PressworkError(f"YAML error: {exc}", Location(path)) from None
    finally:
        loader.dispose()


def line_of(value: Any, default: int | None = None) -> int | None:
    return getattr(value, "line", None) or default


def text(value: Any, what: str, where: Location, hint: str | None = None) -> str | None:
    """A YAML value read as text (numbers and dates as written); None when absent or empty.
    A list, mapping or yes/no there is an error: its Python spelling must never become text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise PressworkError(f"{what} is read as {str(value).lower()}, not as text", where,
                             hint or "put the text in quotes")  # fmt: skip
    if isinstance(value, (str, int, float, dt.date)):
        return str(value)
    kind = "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else type(value).__name__
    raise PressworkError(f"{what} must be text, not {kind}", where, hint or f"write `{what}: text`")


def texts(value: Any, what: str, where: Location, hint: str | None = None) -> list[str]:
    """A YAML list of texts (one text alone counts as a list of one); [] when absent."""
    items = [value] if isinstance(value, str) else value if value is not None else []
    if not isinstance(items, list):
        raise PressworkError(f"{what} must be a list", where, hint or f"write `{what}: [a, b]` or one `- item` a line")
    result = []
    for item in items:
        found = text(item, what, Location(where.file, line_of(item, where.line)), hint or f"write `{what}: [a, b]`")
        if found is None:
            raise PressworkError(f"{what} has an empty item", where, "remove it or write its text")
        result.append(found)
    return result
