"""Writing products: atomically (never a half-written file) and reproducibly (fixed dates)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .model import Metadata


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over: readers see all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_time(meta: Metadata) -> dt.datetime:
    """The moment a product claims to be made: SOURCE_DATE_EPOCH, else the book's date, so builds repeat."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    day = meta.date or dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def pdf_bytes(document: Any, meta: Metadata, variant: str | None = None, finisher: Callable | None = None) -> bytes:
    """Write a WeasyPrint document the same way every time: fixed identifier, no producer
    version, and font subsets stamped with the build time instead of the clock."""

    def finish(doc: Any, pdf: Any) -> None:
        pdf.info.pop("Producer", None)
        if finisher:
            finisher(doc, pdf)

    identifier = hashlib.md5(str(meta).encode()).hexdigest().encode()
    with _environment(SOURCE_DATE_EPOCH=str(int(build_time(meta).timestamp()))):
        return document.write_pdf(pdf_variant=variant, pdf_identifier=identifier, finisher=finish)


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
