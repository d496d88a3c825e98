"""Back matter in the export → presswork's data files: glossary, table of dates, biographical notes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..load.backmatter import plain
from ..load.sources import slugify
from ..text.dates import MONTHS, DateError, parse_life_date
from .blocks import Block
from .convert import unfinished
from .notemarks import SUPERSCRIPT, note_line

KINDS = ("glossary", "chronology", "biographies")  # the sections read as data, not as Markdown
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_TERM = re.compile(r"^(?P<term>[^\[\]:]{1,80}?)\s*(?:\[(?P<original>[^\]]*)\])?\s*[:.]\s+(?P<definition>\S.*)$")
# An entry heading: SURNAME, Given Names (dates), with other names (aliases, nicknames) in square or round
# brackets anywhere among the names; names are capitalised words (or particles), and the dates hold a year
# (a round bracket without a digit is a name, not the dates).
_OTHER = r"(?:\[[^\]]+\]|\([^()\d]+\))"
_NAME = rf"(?:[A-ZÀ-ÞА-ЯЁ][\w'’.\-]*|(?:de|da|di|von|van|der|ibn|al|la|le)\b|{_OTHER})"
_PERSON = re.compile(
    rf"^(?P<surname>[A-ZÀ-ÞА-ЯЁ][A-ZÀ-ÞА-ЯЁ'’\- ]*[A-ZÀ-ÞА-ЯЁ])(?P<other>(?:\s*{_OTHER})*),\s+"
    rf"(?P<names>{_NAME}(?:[\s,]+{_NAME})*)\s*\((?P<dates>[^)]*\d{{3}}[^)]*)\)\.?\s*(?P<text>.*)$"
)
_BRACKETS = re.compile(r"\[([^\]]+)\]|\(([^()\d]+)\)")


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
    repairs: list[tuple[int, str]] = field(default_factory=list)  # (line, what was changed and why)

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
        previous = data.terms[-1] if data.terms else None
        # a definition broken by a page: the next block is no entry, or one set off by a full stop, not the
        # colon entries have, after a definition that stops mid-sentence
        if previous and (not m or (unfinished(previous["definition"]) and _separator(m) == ".")):
            previous["definition"] += " " + block.text
            data.joins += 1
            data.repairs.append((block.line, f"continues the definition of {previous['term']!r} across a page break: joined to it"))
            continue
        if not m:
            data.unparsed.append((block.line, block.text))
            continue
        term, why = plain(m.group("term").strip()), None
        if term in seen:
            seen[term] += 1
            term, why = f"{term} ({seen[term]})", f"the term {term!r} is defined again: renamed"
        seen.setdefault(term, 1)
        entry = {"term": term}
        data.entry_id(entry, f"term-{slugify(term, 'x')}", block.line, term, why)
        entry["definition"] = m.group("definition").strip()
        if m.group("original"):
            entry["original"] = plain(m.group("original").strip())
            if entry["original"] != m.group("original").strip():
                data.repairs.append((block.line, f"the original of {term!r} loses the export's emphasis marks"))
            entry["original_lang"] = "ru" if _CYRILLIC.search(m.group("original")) else "en"
        data.terms.append(entry)


def _separator(match: re.Match[str]) -> str:
    """The mark that ends a glossary entry's term: ':' in an entry, '.' in a sentence that looks like one."""
    return match.string[match.end("term") : match.start("definition")].strip()[-1:]


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
        if (read := note_line(block.lines[0])) and data.people:  # the source note that closes the section
            data.source_note = read[1] + (" " + " ".join(block.lines[1:]) if len(block.lines) > 1 else "")
            continue
        m = _PERSON.match(text)
        if not m:
            if data.source_note is not None:
                data.source_note += "\n\n" + text
            elif data.people:  # an entry split by a page break
                data.people[-1]["text"] += " " + text
                data.joins += 1
                data.repairs.append((block.line, f"no entry heading: continues the entry of {data.people[-1]['surname']} "
                                                 "across a page break"))  # fmt: skip
            else:
                data.unparsed.append((block.line, text))
            continue
        names = " ".join(_BRACKETS.sub(" ", m.group("names")).replace(",", " ").split())
        given, _, patronymic = names.partition(" ")
        person = {"surname": _title_case(m.group("surname").strip()), "given": given}
        data.entry_id(person, "person-" + slugify(f"{person['surname']} {given}", "x"), block.line, f"{person['surname']}, {given}")
        if patronymic:
            person["patronymic"] = patronymic
        aliases = [a.strip() for groups in _BRACKETS.findall(m.group("other") + m.group("names")) for a in "".join(groups).split(",")]
        if aliases:
            person["aliases"] = [_title_case(a) if a.isupper() else a for a in aliases if a]
        born, died, raw = _life(m.group("dates"))
        if born:
            person["born"] = born
        if died:
            person["died"] = died
        person["text"] = (f"({raw}). " if raw else "") + m.group("text").strip()
        data.people.append(person)


def _title_case(name: str) -> str:
    return re.sub(r"[^\s\-]+", lambda m: m.group().capitalize(), name)


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

