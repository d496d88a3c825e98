"""`presswork check`: the check stage's problems (presswork/check/) as text, JSON or an HTML table."""

from __future__ import annotations

import html
import json
from dataclasses import asdict

from ..check.codes import Problem
from ..text.labels import counted


def tally(problems: list[Problem]) -> str:
    """How many errors and warnings, in words ("1 error, 2 warnings")."""
    errors, warnings = (sum(p.severity == severity for p in problems) for severity in ("error", "warning"))
    return f"{counted(errors, 'error')}, {counted(warnings, 'warning')}"


def render(problems: list[Problem], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2)
    if fmt == "html":
        rows = "\n".join(
            f"<tr class='{p.severity}'><td>{p.code}</td><td>{p.severity}</td><td>{html.escape(p.file)}</td>"
            f"<td>{p.line or ''}</td><td>{html.escape(p.message)}</td><td>{html.escape(p.fix)}</td></tr>"
            for p in problems
        )
        return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>presswork check</title><style>"
                "body{font-family:sans-serif}td,th{padding:.2em .6em;border-bottom:1px solid #ccc;text-align:left}"
                ".error td:nth-child(2){color:#b00;font-weight:bold}</style></head><body>"
                f"<h1>presswork check: {tally(problems)}</h1><table><tr><th>Code</th><th>Severity</th>"
                f"<th>File</th><th>Line</th><th>Problem</th><th>Fix</th></tr>{rows}</table></body></html>")  # fmt: skip
    lines = [p.text() for p in problems]
    lines.append(tally(problems))
    return "\n".join(lines)
