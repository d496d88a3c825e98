"""Pages that end where they should: glossary and biography entries break across pages with a
term kept with two lines of its entry and two lines carried over, and a page that would end two
lines short runs a line long instead (layout/pagelength.py); read from the built PDF with
pdfplumber, and the sample's short pages counted by the typesetting report."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from conftest import BOOK_YAML, CHAPTER, build

from presswork.preflight.typesetting import _lines, measure

SENTENCES = [
    "The word was used in the printing houses of the north for a tool the compositor kept beside the case.",
    "Its shape changed little between the first presses and the steam age, though its name moved from town to town.",
    "Apprentices learned it in their first month and were fined a penny each time they set it down in the wrong place.",
    "Some shops made their own of pear wood, others bought them of brass from the founders at the spring fair.",
    "A careful workman could tell by the sound alone whether it had been struck true or needed filing again.",
]
BACK_YAML = BOOK_YAML.replace("    - chapters/one.md\n", "    - chapters/one.md\n  back:\n    - back/glossary.yaml\n    - back/biographies.yaml\n")


def _text(number: int) -> str:
    """An entry of two to five sentences (three to eight lines), the lengths varying as a real list's do."""
    count = 2 + (number * 7) % 4
    return " ".join(SENTENCES[(number + k) % len(SENTENCES)] for k in range(count))


@pytest.fixture(scope="module")
def back_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book whose glossary and biographies run to several pages each, built as a print PDF."""
    root = tmp_path_factory.mktemp("entries")
    terms = "".join(f"  - term: tool {number:02d}\n    definition: >-\n      {_text(number)}\n" for number in range(40))
    people = "".join(f"  - surname: Printer{number:02d}\n    given: Anna\n    born: \"{1450 + number}\"\n"
                     f"    died: \"{1500 + number}\"\n    text: >-\n      {_text(number + 3)}\n" for number in range(40))  # fmt: skip
    files = {"book.yaml": BACK_YAML, "chapters/one.md": CHAPTER, "back/glossary.yaml": f"terms:\n{terms}",
             "back/biographies.yaml": f"title: Biographical Notes\npeople:\n{people}"}  # fmt: skip
    for name, text in files.items():
        (root / "manuscript" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "manuscript" / name).write_text(text, encoding="utf-8")
    result = build(root, "--out", str(root / "out"), fmt="pdf")
    assert result.exit_code == 0, result.output
    return next((root / "out").glob("*.pdf"))


def _entries(pdf: Path, title: str) -> list[list[tuple[str, str]]]:
    """The pages of the list under `title` (up to the next list's title page), each as its lines,
    a line as ("term", text) when it stands at the left (a term or a name heads its entry, whose
    lines are indented) else ("text", text); running heads and folios left out."""
    pages: list[list[tuple[str, str]]] = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            lines = [line for line in _lines(page.chars) if line.size > 9]  # not the 8.5 pt heads and folios
            texts = [line.text for line in lines]
            if title in texts:
                pages = [[]]
            elif pages and any(t in ("Glossary", "Biographical Notes", "Index") for t in texts):
                break
            elif not pages:
                continue
            else:
                pages.append([])
            left = min((line.x0 for line in lines), default=0.0)
            pages[-1] += [("term" if line.x0 < left + 1 else "text", line.text) for line in lines if line.text != title]
    return pages


@pytest.mark.parametrize("title", ["Glossary", "Biographical Notes"])
def test_an_entry_splits_across_pages_with_its_term_kept_with_two_lines(back_pdf: Path, title: str) -> None:
    pages = [page for page in _entries(back_pdf, title) if page]  # a blank verso before the next list aside
    assert len(pages) >= 4, pages
    split = 0
    for page, following in zip(pages, pages[1:]):
        kinds = [kind for kind, _ in page]
        assert "term" not in kinds[-2:], f"a term without two lines of its entry at the foot: {page[-3:]}"
        carried = next((n for n, (kind, _) in enumerate(following) if kind == "term"), len(following))
        if carried:  # the page opens inside an entry: two of its lines at least, two left behind
            split += 1
            assert carried >= 2, f"one line carried over: {following[:2]}"
            assert kinds[-2:] == ["text", "text"]
    assert split >= 1, "no entry broke across pages"


def test_a_lists_page_ends_short_only_before_a_term_kept_with_its_lines(back_pdf: Path) -> None:
    """A page of the book that ends two lines or more short (the report's count) is one a long page
    could not mend: the next opens with a term whose entry's first two lines came with it."""
    short = [page.number for page in measure(back_pdf).pages if page.short_lines >= 2]
    with pdfplumber.open(back_pdf) as document:
        for number in short:
            lines = [line for line in _lines(document.pages[number].chars) if line.size > 9]
            assert lines[0].x0 < lines[1].x0 - 1, f"page {number} ends short before {lines[0].text!r}"


def test_the_sample_has_at_most_two_short_pages(sample_pdf: Path) -> None:
    """The report's short pages in the sample: 9 before pages could run long and lists begin a
    page; the two left end before a list item of three lines and a line whose note needs more
    room than a long page gives (a note would have to split)."""
    assert measure(sample_pdf).totals()["short pages (> 1 line)"] <= 2


def test_a_documents_leading_and_short_pages_are_measured_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tries ask a document's short pages and leading again and again (each candidate page,
    each comparison): its lines are read once for each, and the answers stay what they were."""
    from weasyprint import HTML

    from presswork.layout import pagelength
    from presswork.weasy import layout as weasy

    page = "@page { size: 300px 300px; margin: 20px } body { line-height: 20px } div { break-inside: avoid }"
    blocks = "".join(f"<div>{'<br>'.join(['line'] * (4 + n % 3))}</div>" for n in range(12))
    document = HTML(string=f"<style>{page}</style>{blocks}").render()
    reads: list[object] = []
    page_lines = weasy.page_lines
    monkeypatch.setattr(weasy, "page_lines", lambda box: reads.append(box) or page_lines(box))
    short = pagelength.short_pages(document)
    first = len(reads)
    assert first and short  # blocks kept whole leave holes at the foot of some pages
    assert pagelength.short_pages(document) == short
    assert pagelength.short_pages(document) is not pagelength.short_pages(document)  # each caller its own list
    assert pagelength._leading(document) == 20.0
    assert len(reads) == first
