"""The web edition's search index: passages of the text and the words in them, built once with the
site so that a browser searches without a server. It is a script assigning the JSON index to
`window.PressworkSearch`, not a .json file to fetch(): browsers refuse fetch() from file://, but
run a script beside the page, so search works from a server and from a folder opened on disk."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

SCRIPT_NAME = "js/search-index.js"


@dataclass(frozen=True)
class Passage:
    """A block of text a search can lead to: the page, the id of the place to land, its text."""

    page: str
    anchor: str
    text: str


def words(text: str) -> list[str]:
    """The words of `text` as search compares them: accents and other marks dropped, lower case, and
    runs of letters and digits only. js/search.js folds a query the same way (NFKD, \\p{M} dropped,
    toLowerCase, runs of \\p{L}\\p{N})."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.category(c).startswith("M")).lower()
    out, run = [], []
    for char in folded:
        if unicodedata.category(char)[0] in "LN":
            run.append(char)
        elif run:
            out.append("".join(run))
            run = []
    if run:
        out.append("".join(run))
    return out


def search_script(titles: dict[str, str], passages: list[Passage]) -> bytes:
    """The index as a script: pages [file, title], passages [page number, anchor, text] in reading
    order, and every word with the numbers of the passages holding it (sorted, so the same book
    gives the same bytes)."""
    numbers = {page: number for number, page in enumerate(titles)}
    postings: dict[str, list[int]] = {}
    for number, passage in enumerate(passages):
        for word in dict.fromkeys(words(passage.text)):
            postings.setdefault(word, []).append(number)
    data = {
        "pages": [[page, title] for page, title in titles.items()],
        "passages": [[numbers[p.page], p.anchor, p.text] for p in passages],
        "words": dict(sorted(postings.items())),
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"window.PressworkSearch = {text};\n".encode()
