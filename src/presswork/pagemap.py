"""Where the print edition's pages begin, for the EPUB's page list and the index's locators.

The layout stage records, for every printed page, roman ones included, the block (paragraph,
heading, figure, glossary entry, table row …) in which that page begins, and for every index anchor the page it
falls on. Laying out costs seconds to minutes, so the build cache keeps the map as JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from ..files import jsonfile

CONTENTS = "contents"  # the block of the printed contents, which an EPUB's navigation document stands for


@dataclass
class PageMap:
    labels: dict[str, str] = field(default_factory=dict)  # index anchor id -> page label
    breaks: dict[str, list[str]] = field(default_factory=dict)  # block id -> labels of pages beginning in it
    pages: list[str] = field(default_factory=list)  # every page label, in order

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> PageMap | None:
        """The map `to_json` wrote, or None for anything else (a torn, empty or hand-edited entry)."""
        try:
            value = jsonfile.loads(data)
        except ValueError:
            return None
        if not isinstance(value, dict) or set(value) != {"labels", "breaks", "pages"}:
            return None
        labels, breaks, pages = value["labels"], value["breaks"], value["pages"]
        shaped = (
            isinstance(labels, dict) and all(isinstance(v, str) for v in labels.values())
            and isinstance(breaks, dict) and all(_strings(v) for v in breaks.values())
            and _strings(pages)
        )  # fmt: skip
        return cls(labels, breaks, pages) if shaped else None


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)
