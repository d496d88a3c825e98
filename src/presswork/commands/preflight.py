"""`presswork preflight`: the preflight stage's findings (presswork/preflight/) as lines or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

from ..preflight import Finding
from ..text.labels import counted


def failed(results: dict[str, list[Finding]]) -> bool:
    """Whether any standard has a finding that is no note."""
    return any(not f.note for found in results.values() for f in found)


def render(results: dict[str, list[Finding]], as_json: bool) -> str:
    """Per standard, one line a failure with its page, then a tally; the notes once, after them;
    or JSON keyed by standard (a note carries `"note": true`)."""
    if as_json:
        return json.dumps({s: [_plain(f) for f in found] for s, found in results.items()}, ensure_ascii=False, indent=2)
    lines = []
    for standard, found in results.items():
        failures = [f for f in found if not f.note]
        lines += [f"{standard}: {f.text()}" for f in failures]
        lines.append(f"{standard}: {counted(len(failures), 'failure')}" if failures else f"{standard}: passes")
    notes = dict.fromkeys(f"note: {f.message} ({f.code})" for found in results.values() for f in found if f.note)
    return "\n".join(lines + list(notes))


def _plain(finding: Finding) -> dict:
    found = asdict(finding)
    if not finding.note:
        del found["note"]
    return found
