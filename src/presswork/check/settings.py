"""C: the book's own `check` settings in book.yaml — the codes it ignores, everywhere or in one file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import Location, PressworkError
from ..load.sources import BOOK_YAML
from ..load.yamlfile import LineDict, line_of, text
from .codes import CODES
from .metadata import book_yaml


def ignore_rules(root: Path) -> list[dict[str, Any]]:
    """book.yaml `check: {ignore: [T002, {code: S001, file: manuscript/chapters/05.md}]}`, read with the
    loader's bounded, line-aware YAML; a rule that cannot be read is a PressworkError at its line (C001)."""
    data = book_yaml(root)
    if not isinstance(data, LineDict) or data.get("check") is None:
        return []
    settings, where = data["check"], Location(BOOK_YAML, data.line_of("check"))
    if not isinstance(settings, LineDict) or set(settings) - {"ignore"}:
        raise PressworkError("`check` takes one setting, `ignore`", where, "write `check: {ignore: [T002]}`")
    rules = settings.get("ignore") or []
    where = Location(BOOK_YAML, settings.line_of("ignore"))
    if not isinstance(rules, list):
        rules = [rules]
    return [_ignore_rule(rule, Location(BOOK_YAML, line_of(rule, where.line))) for rule in rules]


def _ignore_rule(rule: Any, where: Location) -> dict[str, Any]:
    if isinstance(rule, LineDict):
        if set(rule) - {"code", "file"}:
            raise PressworkError(f"an ignore rule takes `code` and `file`, not {sorted(set(rule) - {'code', 'file'})}", where,
                                 "write `{code: S001, file: manuscript/chapters/05.md}`")  # fmt: skip
        code, file = text(rule.get("code"), "code", where), text(rule.get("file"), "file", where)
    else:
        code, file = text(rule, "an ignored code", where, "write a code such as T002"), None
    if code not in CODES:
        raise PressworkError(f"{code!r} is not a check code", where, "use a code from the README's table, e.g. T002")
    return {"code": code} if file is None else {"code": code, "file": file}
