"""`presswork preflight`: the preflight stage's findings (presswork/preflight/) as lines or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

from ..preflight import Finding
from ..text.labels import counted


def render(results: dict[str, list[Finding]], as_json: bool) -> str:
    """Per standard, one line a failure with its page, then a tally; or JSON keyed by standard."""
    if as_json:
        return json.dumps({s: [asdict(f) for f in found] for s, found in results.items()}, ensure_ascii=False, indent=2)
    lines = []
    for standard, found in results.items():
        lines += [f"{standard}: {f.text()}" for f in found]
        lines.append(f"{standard}: {counted(len(found), 'failure')}" if found else f"{standard}: passes")
    return "\n".join(lines)
