"""Parses kept in memory for the next build in this process: a long-lived process (`presswork
watch`) parses again only the texts that changed. Each is kept pickled, so that every caller gets
a copy of its own to reshape (unpickling takes a fraction of the time parsing does), bounded in
texts and in bytes (the texts counted too), so that a catalogue of big books does not keep them all."""

from __future__ import annotations

import pickle
from typing import Any


class KeptParses:
    """Parses by what they depend on: a key whose first item is the text parsed."""

    def __init__(self, at_most: int = 2_000, bytes_at_most: int = 64 * 2**20):
        self.at_most = at_most
        self.bytes_at_most = bytes_at_most
        self._kept: dict[tuple, bytes] = {}

    def get(self, key: tuple) -> Any | None:
        """A copy of the parse kept under `key`, or None."""
        kept = self._kept.get(key)
        return None if kept is None else pickle.loads(kept)  # noqa: S301 - bytes this process pickled

    def put(self, key: tuple, parsed: Any) -> None:
        """Keep `parsed` (a copy: the caller may reshape its own); when the bound would be passed, the
        parses kept so far are dropped first."""
        kept = pickle.dumps(parsed, pickle.HIGHEST_PROTOCOL)
        size = len(kept) + len(key[0])
        if len(self._kept) >= self.at_most or self.kept_bytes() + size > self.bytes_at_most:
            self._kept.clear()
        if size <= self.bytes_at_most:
            self._kept[key] = kept

    def kept_bytes(self) -> int:
        """What the kept parses hold, their texts counted too."""
        return sum(len(kept) + len(key[0]) for key, kept in self._kept.items())

    def clear(self) -> None:
        self._kept.clear()
