"""Metadata from the title and copyright pages (including Library of Congress cataloguing data)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text.isbn import IsbnError, normalise_isbn
from .blocks import Block, norm


@dataclass
class FoundMetadata:
    title: str = "Untitled"
    subtitle: str | None = None
    original_title: str | None = None
    series: str | None = None
    series_number: str | None = None
    authors: list[str] = field(default_factory=list)
    translators: list[str] = field(default_factory=list)
    publisher: str | None = None
    place: str | None = None
    year: str | None = None
    rights: str | None = None
    isbn: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    subjects: list[str] = field(default_factory=list)
    language: str = "en"
    problems: list[str] = field(default_factory=list)


def read_metadata(blocks: list[Block]) -> FoundMetadata:
    """Everything before the contents list is the title and copyright pages."""
    found = FoundMetadata()
    texts = [b.text for b in blocks]
    joined = "\n".join(texts)
    if texts:
        found.title = texts[0]
    bold = next((m.group(1).strip() for t in texts if (m := re.search(r"\*\*(.+?)\*\*", t))), None)
    if bold:  # a display title set in capitals: take its spelling from the title page if it repeats there
        found.subtitle = next((t for t in texts if norm(t) == norm(bold) and t != texts[0] and not t.startswith("**")), bold)
        found.subtitle = re.sub(r"^" + re.escape(found.title) + r"[:.]?\s*", "", found.subtitle)
    if m := re.search(r"^/ by (.+?)(?: ; translated by (.+?))?\.?$", joined, re.M):
        found.authors = [a.strip() for a in re.split(r",| and ", m.group(1)) if a.strip()]
        if m.group(2):
            found.translators = [m.group(2).strip()]
    if not found.translators and (m := re.search(r"^Translated by (.+?)\.?$", joined, re.M)):
        found.translators = [m.group(1).strip()]
    if not found.authors:  # the title page names them after the title, in the display title's block or the next
        found.authors = [name for t in texts[1:] if (name := re.sub(r"\*\*.+?\*\*", "", t).strip())][:1]
    if m := re.search(r"^Translation of (.+?)\.?$", joined, re.M):
        found.original_title = m.group(1).strip()
    if m := re.search(r"Description: ([^:|]+?) : ([^,|]+), \[?(\d{4})", joined):
        found.place, found.publisher, found.year = m.group(1).strip(), m.group(2).strip(), m.group(3)
    if not found.publisher and (m := re.search(r"^Published by (.+)$", joined, re.M)):
        found.publisher = m.group(1).strip()
    if m := re.search(r"Series: ([^;|]+?)\s*;\s*volume (\w+)", joined):
        found.series, found.series_number = m.group(1).strip(), m.group(2)
    if m := re.search(r"^(©.+)$", joined, re.M):
        found.rights = m.group(1).strip()
        if re.search(r"^All rights reserved\.?$", joined, re.M):
            found.rights = found.rights.rstrip(".") + ". All rights reserved."
    for raw, kind in re.findall(r"ISBN[:\s]*([\d\-Xx]{10,17})\s*\((paperback|hardcover|ebook|e-book|pdf|epub)\)", joined):
        form = "ebook" if kind in ("ebook", "e-book", "epub", "pdf") else "paperback"
        try:
            found.isbn.setdefault(form, normalise_isbn(raw))
        except IsbnError as exc:
            found.problems.append(str(exc))
    if m := re.search(r'Summary: "(.+?)"?\s*--\s*Provided by publisher', joined, re.S):
        found.description = " ".join(m.group(1).replace("\n", " ").split()).strip('"')
    if m := re.search(r"^Subjects: (.+)$", joined, re.M):
        for subject in m.group(1).split("|"):
            subject = re.sub(r"^\s*LCSH:\s*", "", subject).strip().rstrip(".")
            if subject:
                found.subjects.append(subject.replace("--", " — "))
    return found
