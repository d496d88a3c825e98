"""Back matter in the export → presswork's data files: glossary, table of dates, biographical notes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..load.sources import slugify
from ..text.dates import MONTHS, DateError, parse_life_date
from .blocks import Block
from .convert import NOTE, SUPERSCRIPT

_CYRILLIC = re.compile("[\u0400-\u04ff]")
_TERM = re.compile(r"^(?P<term>[^\[\]:]{1,80}?)\s*(?:\[(?P<original>[^\]]*)\])?\s*[:.]\s+(?P<definition>\S.*)$")
_PERSON = re.compile(
    r"^(?P<surname>[A-ZÀ-ÞА-ЯЁ][A-ZÀ-ÞА-ЯЁ'’\- ]+),\s+(?P<names>[^\[(]+?)\s*(?:\[(?P<alias>[^\]]+)\])?\s*"
    r"\((?P<dates>[^)]*)\)\.?\s*(?P<text>.*)$"
)


@dataclass
class BackData:
    terms: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    source_note: str | None = None
    unparsed: list[tuple[int, str]] = field(default_factory=list)  # (line, text) kept as they were
    joins: int = 0
    ids: set[str] = field(default_factory=set)
    disambiguated: list[tuple[int, str, str, str]] = field(default_factory=list)  # (line, name, id, why)

    def entry_id(self, entry: dict, default: str, line: int, name: str, why: str | None = None) -> None:
        """Give `entry` the id the build would make from its name (backmatter.py's rule), or, when an
        earlier entry took it (names differing only in case or punctuation), the next free one."""
        ident, number = default, 1
        while ident in self.ids:
            number += 1
            ident = f"{default}-{number}"
        self.ids.add(ident)
        if ident != default:
            entry["id"] = ident
            why = why or f"its name gives the same id as another entry ({default})"
        if why:
            self.disambiguated.append((line, name, ident, why))


def glossary(blocks: list[Block], data: BackData) -> None:
    seen: dict[str, int] = {}
    for block in blocks:
        m = _TERM.match(block.text)
        if not m:
            if data.terms:  # a definition broken by a page
                data.terms[-1]["definition"] += " " + block.text
                data.joins += 1
            else:
                data.unparsed.append((block.line, block.text))
            continue
        term, why = m.group("term").strip(), None
        if term in seen:
            seen[term] += 1
            term, why = f"{term} ({seen[term]})", f"the term {term!r} is defined again: renamed"
        seen.setdefault(term, 1)
        entry = {"term": term}
        data.entry_id(entry, f"term-{slugify(term, 'x')}", block.line, term, why)
        entry["definition"] = m.group("definition").strip()
        if m.group("original"):
            entry["original"] = m.group("original").strip()
            entry["original_lang"] = "ru" if _CYRILLIC.search(m.group("original")) else "en"
        data.terms.append(entry)


def chronology(blocks: list[Block], data: BackData) -> None:
    """Group titles are lines with no colon; rows are 'event: dates'."""
    for block in blocks:
        text = block.text
        if ":" not in text:
            data.groups.append({"title": text, "rows": []})
            continue
        event, _, dates = text.rpartition(": ")
        if not data.groups:
            data.groups.append({"title": None, "rows": []})
        data.groups[-1]["rows"].append([dates.strip(), event.strip()])


def biographies(blocks: list[Block], data: BackData) -> None:
    for block in blocks:
        text = block.text
        if (m := NOTE.match(block.lines[0])) and data.people:  # the source note that closes the section
            data.source_note = m.group(3) + (" " + " ".join(block.lines[1:]) if len(block.lines) > 1 else "")
            continue
        m = _PERSON.match(text)
        if not m:
            if data.source_note is not None:
                data.source_note += "\n\n" + text
            elif data.people:  # an entry split by a page break
                data.people[-1]["text"] += " " + text
                data.joins += 1
            else:
                data.unparsed.append((block.line, text))
            continue
        names = m.group("names").strip().rstrip(",")
        given, _, patronymic = names.partition(" ")
        person = {"surname": _title_case(m.group("surname").strip()), "given": given}
        data.entry_id(person, "person-" + slugify(f"{person['surname']} {given}", "x"), block.line, f"{person['surname']}, {given}")
        if patronymic:
            person["patronymic"] = patronymic
        if m.group("alias"):
            person["aliases"] = [a.strip() for a in m.group("alias").split(",")]
        born, died, raw = _life(m.group("dates"))
        if born:
            person["born"] = born
        if died:
            person["died"] = died
        person["text"] = (f"({raw}). " if raw else "") + m.group("text").strip()
        data.people.append(person)


def _title_case(surname: str) -> str:
    return "-".join(part.capitalize() for part in surname.split("-"))


def _life(text: str) -> tuple[str | None, str | None, str | None]:
    """'9 [21] March 1883–10 February 1938' → ('1883-03-09 [1883-03-21]', '1938-02-10', None);
    dates presswork cannot read come back as raw text, to be kept in the note."""
    parts = [p.strip() for p in re.split(r"\s*[–—]\s*", text.strip())]
    if len(parts) != 2:
        return None, None, text.strip() or None
    converted = [_date(p) for p in parts]
    if None in converted:
        return None, None, text.strip()
    return converted[0], converted[1], None


def _date(text: str) -> str | None:
    months = "|".join(MONTHS)
    candidates = []
    if m := re.fullmatch(rf"(\d{{1,2}}) \[(\d{{1,2}})\] ({months}) (\d{{4}})", text):
        candidates.append(f"{m[4]}-{_month(m[3])}-{int(m[1]):02d} [{m[4]}-{_month(m[3])}-{int(m[2]):02d}]")
    if m := re.fullmatch(rf"(\d{{1,2}}) ({months}) \[(\d{{1,2}}) ({months})\] (\d{{4}})", text):
        candidates.append(f"{m[5]}-{_month(m[2])}-{int(m[1]):02d} [{m[5]}-{_month(m[4])}-{int(m[3]):02d}]")
    if m := re.fullmatch(rf"(\d{{1,2}}) ({months}) (\d{{4}})", text):
        candidates.append(f"{m[3]}-{_month(m[2])}-{int(m[1]):02d}")
    if re.fullmatch(r"(c\. ?)?\d{4}", text):
        candidates.append(text)
    for candidate in candidates:
        try:
            parse_life_date(candidate)
            return candidate
        except DateError:
            continue
    return None


def _month(name: str) -> str:
    return f"{MONTHS.index(name) + 1:02d}"


def strip_heading_call(heading: str) -> str:
    return SUPERSCRIPT.sub("", heading).strip()

