"""Python's cyclic garbage collector run once after a burst of allocation, not all along it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collected_after() -> Iterator[None]:
    """Run the block with the collector off, then collect once the young objects it left.

    Loading a book and laying a piece out each make millions of objects, many in reference cycles
    (WeasyPrint's boxes); the collector, run as they come, scans the same young objects again and
    again: 8 % of a full-size book's layout, a sixth of its loading. Collected once at the block's
    end, that garbage goes all the same, and never piles up past one block's worth."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect(0)  # every object the block made is still in the youngest generation
        if enabled:
            gc.enable()
