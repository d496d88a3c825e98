"""Places to mark in a built book, worked out from its manuscript and its PDF alone (no page number
written down, so that a new line or page breaking moves nothing here): runs of printed words whose
letters stand once in the whole manuscript and once in the PDF, each with the file and offset its
first and last word were written at, and what kind of text it is — body, footnote, glossary,
biography, block quotation, or a word hyphenated across two lines."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

WORD = re.compile(r"[^\W\d_]+")
# What a manuscript holds that never prints as words: attribute blocks, note labels, link targets, YAML keys
UNPRINTED = re.compile(r"\{[^{}\n]*\}|\[\^[^\]\s]*\]|\]\([^)\s]*\)|^[ \t]*-?[ \t]*[a-z_]+:(?=\s)", re.M)
MAX_WORDS = 6  # the longest run tried: the synthetic book's text is drawn from short word lists
PER_PAGE = 8  # places of one category taken on a page
BAND = 0.07  # the head and foot bands of the trim (running heads, folios), never marked
HYPHEN = "\u2010"  # WeasyPrint's hyphen at a line's end


@dataclass
class Place:
    category: str
    page: int  # 0-based
    words: list[dict]  # pdfplumber's words, as a PDF viewer shows them
    file: str
    first: int  # offset in the file of the first marked word's first letter
    last: int  # and of the last word's
    key: str = ""  # the marked words' letters
    manuscript: str = ""  # the letters of the whole manuscript

    @property
    def alone(self) -> bool:
        """Whether the marked letters stand once in the manuscript, not also inside longer words."""
        return self.manuscript.count(self.key) == 1

    @property
    def one_line(self) -> bool:
        return len({round(w["top"]) for w in self.words}) == 1

    def text(self, words: list[dict] | None = None) -> str:
        """Printed words as `presswork marks` reports them: NFKC, a word broken across lines whole."""
        out = ""
        for word in words or self.words:
            text = unicodedata.normalize("NFKC", word["text"])
            out = out[:-1] + text if out.endswith(HYPHEN) else f"{out} {text}" if out else text
        return out


def where(root: Path, file: str, offset: int) -> str:
    text = (root / file).read_text(encoding="utf-8")
    return f"{file}:{text.count(chr(10), 0, offset) + 1}:{offset - text.rfind(chr(10), 0, offset)}"


def places(root: Path, pdf: Path) -> dict[str, list[Place]]:
    """Every place found, by category, in page order."""
    sources, letters = _source_runs(root)
    pages = _printed(pdf)
    printed = Counter(" ".join(t[0] for t in tokens[i : i + n]) for _, tokens in pages for n in range(1, MAX_WORDS + 1)
                      for i in range(len(tokens) - n + 1))  # fmt: skip
    found: dict[str, list[Place]] = {}
    for number, (words, tokens) in enumerate(pages):
        taken = Counter[str]()
        for i, (_, word, starts, _ends, broken) in enumerate(tokens):
            if not starts:
                continue
            for n in range(1, MAX_WORDS + 1):
                run = tokens[i : i + n]
                key = " ".join(t[0] for t in run)
                if len(run) < n or key not in sources:
                    break
                count, file, offsets = sources[key]
                if count > 1 or printed[key] > 1 or not run[-1][3]:
                    continue
                first, last = offsets[0], offsets[max(k for k, t in enumerate(run) if t[2])]  # the last word's first letter
                category = "hyphenated" if broken else _category(root, file, first, last)
                if category and taken[category] < PER_PAGE:
                    marked = words[word : run[-1][1] + 1 + (1 if run[-1][4] else 0)]
                    found.setdefault(category, []).append(Place(category, number, marked, file, first, last, key.replace(" ", ""), letters))
                    taken[category] += 1
                break
    return found


def spread(candidates: list[Place], fits: list) -> list[Place]:
    """A place for each of `fits` (a test a place must pass) that stands alone, on pages as far
    apart as the candidates allow."""
    chosen: list[Place] = []
    for k, fit in enumerate(fits):
        ahead = candidates[(k * len(candidates)) // len(fits) :] + candidates
        for p in [p for p in ahead if all(c.page != p.page for c in chosen)] + ahead:
            if fit(p) and p.alone and not any(w in c.words for c in chosen for w in p.words):
                chosen.append(p)
                break
    assert len(chosen) == len(fits), f"only {len(chosen)} of {len(fits)} places"
    return chosen


def _source_runs(root: Path) -> tuple[dict[str, tuple[int, str, tuple[int, ...]]], str]:
    """Runs of up to MAX_WORDS words of every manuscript file -> (how many times the run stands in
    the whole manuscript, the file, offsets of its words); and the manuscript's letters."""
    runs: dict[str, tuple[int, str, tuple[int, ...]]] = {}
    letters = []
    for path in sorted((root / "manuscript").rglob("*")):
        if path.suffix not in (".md", ".yaml"):
            continue
        text = path.read_text(encoding="utf-8")
        masked = UNPRINTED.sub(lambda m: " " * len(m.group()), text)
        letters.append("".join(c for c in unicodedata.normalize("NFKC", masked).casefold() if c.isalpha()))
        tokens = [(m.group().casefold(), m.start()) for m in WORD.finditer(masked)]  # NFKC would move offsets
        name = path.relative_to(root).as_posix()
        for n in range(1, MAX_WORDS + 1):
            for i in range(len(tokens) - n + 1):
                key = " ".join(t[0] for t in tokens[i : i + n])
                count = runs[key][0] + 1 if key in runs else 1
                runs[key] = (count, name, tuple(t[1] for t in tokens[i : i + n])) if count == 1 else (count, *runs[key][1:])
    return runs, "\n".join(letters)


def _words(page) -> list[dict]:
    """The page's words a reader marks: not in the head and foot bands, and without note calls (digits
    set smaller than the words beside them), which the manuscript writes as labels."""
    height = float(page.height)
    words = [w for w in page.extract_words(extra_attrs=["size"]) if BAND * height < w["top"] and w["bottom"] < (1 - BAND) * height]
    return [w for i, w in enumerate(words) if not (w["text"].isdigit() and any(
        n["size"] * 0.8 > w["size"] and abs(n["top"] - w["top"]) < 2 * w["size"] for n in words[max(0, i - 1) : i + 2]))]


def _printed(pdf: Path) -> list[tuple[list[dict], list[tuple[str, int, bool, bool, bool]]]]:
    """Each page's printed words, and the same as letter tokens: (letters, index of its word, begins
    its word, ends its word, a word broken across lines joined)."""
    pages = []
    with pdfplumber.open(pdf) as plumber:
        for page in plumber.pages:
            words = _words(page)
            page.close()  # its characters, kept by pdfplumber: a full-size book's would fill gigabytes
            tokens = []
            for index, word in enumerate(words):
                cores = WORD.findall(unicodedata.normalize("NFKC", word["text"]).casefold())
                if tokens and tokens[-1][4] == "open" and cores:  # the second half of a broken word
                    letters, at, begins, _, _ = tokens.pop()
                    tokens.append((letters + cores[0], at, begins, len(cores) == 1, True))
                    cores = cores[1:]
                    if not cores:
                        continue
                broken = word["text"].endswith(HYPHEN) and index + 1 < len(words) and words[index + 1]["top"] > word["bottom"]
                for k, core in enumerate(cores):
                    last = k == len(cores) - 1
                    tokens.append((core, index, k == 0, last and not broken, "open" if last and broken else False))
            pages.append((words, [(a, b, c, d, e is True) for a, b, c, d, e in tokens]))
    return pages


def _category(root: Path, file: str, first: int, last: int) -> str | None:
    """What kind of text the words written at first..last are: a YAML entry's words only when they
    stand in its text (a glossary definition, a biography's text), not in the head put together
    from its fields."""
    text = (root / file).read_text(encoding="utf-8")
    line = text[text.rfind("\n", 0, first) + 1 :].split("\n", 1)[0]
    if "\n" in text[first:last]:
        return None
    name = Path(file).name
    if name in ("glossary.yaml", "biographies.yaml"):  # the field the line belongs to: its own, or a block scalar's above it
        fields = re.findall(r"^\s*(?:- )?(\w+):", text[: text.find("\n", first)], re.M)
        return {"definition": "glossary", "text": "biography"}.get(fields[-1] if fields else "", None)
    if "/chapters/" not in file:
        return None
    if re.match(r"\[\^[^\]]+\]:", line):
        return "footnote"
    if line.startswith(">"):
        return "block quotation"
    return "body" if line[:1].isalpha() else None
