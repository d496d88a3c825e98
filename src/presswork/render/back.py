"""Back matter kept as data, rendered: glossary, chronology, biographical notes and the index."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from ..model import Biographies, Book, Chronology, Glossary, IndexEntry, LifeEvent
from ..text.collation import initial, sort_key
from ..text.typography import smarten_string
from .xhtml import XhtmlRenderer, escape


def _section(ident: str, kind: str, role: str, title: str, body: str, markers: str) -> str:
    """The section around back matter; `markers` are its own block's, recorded before its entries'
    so that the page map sees the blocks in reading order."""
    return (
        f'<section id="{ident}" class="{ident}" epub:type="{kind}" role="{role}" aria-labelledby="{ident}-title" '
        f'data-running-head="{escape(title)}">\n{markers}'
        f'<h1 id="{ident}-title">{escape(title)}</h1>\n{body}\n</section>'
    )


def entry_lines(starts: list[int | None]) -> list[tuple[int, int | None] | None]:
    """The source lines (first, past-last, 0-based; past-last None: to the file's end) of the
    entries of a data file that begin at the lines `starts` (1-based, None where unknown): each runs
    to the next one's start."""
    known = sorted(line for line in starts if line)
    return [(line - 1, next((n - 1 for n in known if n > line), None)) if line else None for line in starts]


def glossary_html(glossary: Glossary, book: Book, renderer: XhtmlRenderer) -> str:
    markers = renderer.block("glossary")
    entries = []
    for term, lines in zip(glossary.terms, entry_lines([t.where.line for t in glossary.terms])):
        original = ""
        if term.original:
            lang = term.original_lang
            original = f' <span class="original" lang="{lang}" xml:lang="{lang}">{escape(term.original)}</span>'
        definition = renderer.html(term.definition)
        entries.append(
            f'<dt id="{term.id}">{renderer.block(term.id, lines=lines)}<dfn epub:type="glossterm">'
            f'{renderer.text_html(smarten_string(term.term, book.metadata.language))}</dfn>{original}</dt>\n'
            f'<dd id="{term.id}-def" epub:type="glossdef">{renderer.block(f"{term.id}-def", inside=True, lines=lines)}'
            f"{renderer.place_inside(definition)}</dd>"
        )
    body = '<dl class="glossary">\n' + "\n".join(entries) + "\n</dl>"
    return _section("glossary", "glossary", "doc-glossary", glossary.title, body, markers)


def chronology_html(chronology: Chronology, book: Book, renderer: XhtmlRenderer) -> str:
    opening = renderer.block("chronology")
    heads = "".join(f'<th scope="col">{escape(c)}</th>' for c in chronology.columns)
    groups = []
    rows_lines = [[*g.row_lines, *[None] * (len(g.rows) - len(g.row_lines))] for g in chronology.groups]
    spans = iter(entry_lines([line for lines in rows_lines for line in lines]))  # each row to the next, groups across
    for number, group in enumerate(chronology.groups, 1):
        ident = f"chronology-{number}"
        markers = renderer.block(ident)  # page breaks sit in the group's first cell
        rows = []
        if group.title:
            rows.append(f'<tr class="group"><th colspan="{len(chronology.columns)}" scope="rowgroup">{markers}'
                        f"{renderer.text_html(smarten_string(group.title, book.metadata.language))}</th></tr>")  # fmt: skip
            markers = ""
        for row_number, (row, lines) in enumerate(zip(group.rows, spans), 1):
            row_id = f"{ident}-{row_number}"  # a page can begin at any row
            markers += renderer.block(row_id, lines=lines)
            cells = "".join(f"<td>{markers if i == 0 else ''}{renderer.inline_html(cell)}</td>" for i, cell in enumerate(row))
            rows.append(f'<tr id="{row_id}">{cells}</tr>')
            markers = ""
        groups.append(f'<tbody id="{ident}">\n' + "\n".join(rows) + "\n</tbody>")
    body = f'<table class="chronology">\n<thead><tr>{heads}</tr></thead>\n' + "\n".join(groups) + "\n</table>"
    return _section("chronology", "appendix", "doc-appendix", chronology.title, body, opening)


def biographies_html(biographies: Biographies, book: Book, renderer: XhtmlRenderer) -> str:
    markers = renderer.block("biographies")
    entries = []
    for person, lines in zip(biographies.people, entry_lines([p.where.line for p in biographies.people])):
        names = " ".join(p for p in (person.given, person.patronymic) if p)
        head = f'<span class="surname">{renderer.text_html(person.surname)}</span>' + (f", {renderer.text_html(names)}" if names else "")
        if person.aliases:
            head += f' <span class="aliases">({renderer.text_html(", ".join(person.aliases))})</span>'
        life = _life(person.born, person.died)
        if life:
            head += f' <span class="life">({escape(life)})</span>'
        text = renderer.html(person.text)
        entries.append(f'<dt id="{person.id}">{renderer.block(person.id, lines=lines)}{head}</dt>\n'
                       f'<dd id="{person.id}-text">{renderer.block(f"{person.id}-text", inside=True, lines=lines)}'
                       f"{renderer.place_inside(text)}</dd>")
    body = '<dl class="biographies">\n' + "\n".join(entries) + "\n</dl>"
    if biographies.note:
        body += f'\n<div class="source-note">{renderer.html(biographies.note)}</div>'
    return _section("biographies", "appendix", "doc-appendix", biographies.title, body, markers)


def _life(born: LifeEvent, died: LifeEvent) -> str:
    def part(event: LifeEvent) -> str:
        return ", ".join(x for x in (event.date, event.place) if x) or "?"

    if not (born.date or born.place or died.date or died.place):
        return ""
    return f"{part(born)} – {part(died)}"


LOCATOR_SEPARATOR = ", "


def index_html(
    book: Book, title: str, renderer: XhtmlRenderer, href: Callable[[str], str], labels: dict[str, str] | None,
    plain_locators: bool = False,
) -> str:
    """Entries grouped by letter; locators are printed page numbers (ranges collapsed) linking to
    the marked place, or, with no print layout, the numbers of the chapters holding them.
    `plain_locators`: an entry's locators are one run of text, their links' targets listed in its
    `data-targets`, for a typesetter that links them after layout (an inline box per locator costs
    WeasyPrint seven times the layout of the plain text)."""
    markers = renderer.block("index")
    groups = []
    entries = sorted(book.index.values(), key=lambda e: sort_key(e.heading))
    for letter, members in groupby(entries, key=lambda e: initial(e.heading)):
        items = "\n".join(_entry(e, book, renderer, href, labels, plain_locators) for e in members)
        groups.append(
            f'<section class="index-group" aria-labelledby="index-{letter}">\n'
            f'<h2 id="index-{letter}">{escape(letter)}</h2>\n<ul class="index-entries">\n{items}\n</ul>\n</section>'
        )
    body = '<div class="index-body">\n' + "\n".join(groups) + "\n</div>"
    return _section("index", "index", "doc-index", title, body, markers)


def _entry(entry: IndexEntry, book: Book, renderer: XhtmlRenderer, href: Callable[[str], str], labels: dict[str, str] | None,
           plain: bool) -> str:  # fmt: skip
    lang = book.metadata.language
    parts = [renderer.text_html(smarten_string(entry.heading, lang))]
    locators = _locators(entry, book, href, labels, plain)
    if locators:
        parts.append(", " + locators)
    for kind, names in (("see", entry.see), ("see also", entry.see_also)):
        if names:
            parts.append(f'. <i>{"See" if kind == "see" else "See also"}</i> ' + "; ".join(renderer.text_html(n) for n in sorted(names, key=sort_key)))
    subs = ""
    if entry.subentries:
        subs = '\n<ul class="index-subentries">\n' + "\n".join(
            _entry(sub, book, renderer, href, labels, plain) for sub in sorted(entry.subentries.values(), key=lambda e: sort_key(e.heading))
        ) + "\n</ul>"
    return f'<li class="index-entry">{"".join(parts)}{subs}</li>'


def _locators(entry: IndexEntry, book: Book, href: Callable[[str], str], labels: dict[str, str] | None, plain: bool) -> str:
    """Page numbers with duplicates removed and consecutive pages joined: 12, 15–17."""
    first_anchor: dict[str, str] = {}
    for locator in entry.locators:
        label = labels.get(locator.anchor) if labels else _chapter_label(book, locator.chapter)
        if label is not None:
            first_anchor.setdefault(label, locator.anchor)
    runs: list[list[str]] = []
    for label in sorted(first_anchor, key=_label_order):
        if runs and label.isdigit() and runs[-1][-1].isdigit() and int(label) == int(runs[-1][-1]) + 1:
            runs[-1].append(label)
        else:
            runs.append([label])
    texts = [run[0] if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs]
    targets = [escape(href(first_anchor[run[0]])) for run in runs]
    if plain and texts:
        return f'<span class="index-locators" data-targets="{" ".join(targets)}">{LOCATOR_SEPARATOR.join(texts)}</span>'
    return LOCATOR_SEPARATOR.join(f'<a href="{t}" epub:type="index-locator">{text}</a>' for t, text in zip(targets, texts))


def _label_order(label: str) -> tuple[int, int, str]:
    return (1, int(label), "") if label.isdigit() else (0, 0, label)


def _chapter_label(book: Book, chapter_id: str) -> str:
    chapter = next(c for c in book.chapters() if c.id == chapter_id)
    return f"ch. {chapter.number}" if chapter.number else chapter.short_title
