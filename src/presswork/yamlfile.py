"""YAML that remembers line numbers, so errors in book.yaml can point at the offending line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Location, PressworkError


class LineStr(str):
    """A string that knows the line it was read from."""

    line: int | None = None


class LineDict(dict):
    """A mapping that knows the line of each key and of itself."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    pass


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> LineStr:
    value = LineStr(loader.construct_scalar(node))
    value.line = node.start_mark.line + 1
    return value


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def parse_yaml(text: str, path: Path, first_line: int = 1) -> Any:
    """Parse YAML text read from `path`; `first_line` offsets lines for front matter blocks."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else None
        problem = exc.problem or exc.context or "cannot be read"
        raise PressworkError(
            f"YAML syntax error: {problem}", Location(path, line), "check indentation, colons and quotes"
        ) from None
    except yaml.YAMLError as exc:
        raise PressworkError(f"YAML error: {exc}", Location(path)) from None
    except ValueError as exc:  # e.g. a date such as 2026-13-01, which YAML reads as a timestamp
        raise PressworkError(f"a value cannot be read: {exc}", Location(path), "check the dates (YYYY-MM-DD)") from None
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


def _shift_lines(data: Any, offset: int) -> None:
    if isinstance(data, LineDict):
        data.line = (data.line or 0) + offset
        data.key_lines = {k: v + offset for k, v in data.key_lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, list):
        for value in data:
            _shift_lines(value, offset)
    elif isinstance(data, LineStr) and data.line:
        data.line += offset


def line_of(value: Any, default: int | None = None) -> int | None:
    return getattr(value, "line", None) or default
