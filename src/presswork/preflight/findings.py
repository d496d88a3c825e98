"""One preflight failure: a stable code, the page it is on (1-based; None for the whole file) and
what is wrong, printed one a line as a printer's report would list it. A `note` is no failure: what
the preflight left unchecked and why (placeholder figures), said once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    code: str
    page: int | None
    message: str
    note: bool = False

    def text(self) -> str:
        where = f"page {self.page}" if self.page else "file"
        return f"{self.code} {where}: {self.message}"
