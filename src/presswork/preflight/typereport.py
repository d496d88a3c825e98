"""The typesetting report as a proofreader reads it: the totals, then the worst pages with their
thumbnails (the proof's own page images) and the lines that made them bad."""

from __future__ import annotations

from html import escape

from .typesetting import PageReport, Report

WORST = 8  # pages shown with a thumbnail


def worst_pages(report: Report, count: int = WORST) -> list[PageReport]:
    """The pages with the most faults, worst first (page order among equals)."""
    bad = [page for page in report.pages if page.badness]
    return sorted(bad, key=lambda page: (-page.badness, page.number))[:count]


def totals_text(report: Report) -> list[str]:
    """The totals one a line, as the terminal and `make bench` print them."""
    return [f"{name:28s} {value}" for name, value in report.totals().items()]


def html(report: Report, title: str, thumbnail: dict[int, str]) -> str:
    """A self-contained page: totals, the worst pages with thumbnails, then every page with a fault."""
    rows = "".join(f"<tr><th>{escape(name)}</th><td>{value}</td></tr>" for name, value in report.totals().items())
    worst = "".join(_page(page, thumbnail.get(page.number)) for page in worst_pages(report))
    listed = "".join(f"<li>page {page.number}: {escape(_summary(page))}</li>" for page in report.pages if page.badness)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Typesetting report: {escape(title)}</title>'
            "<style>body{font:14px/1.4 sans-serif;margin:2em}td,th{text-align:left;padding:0 1em 0 0}"
            "section{display:flex;gap:1.5em;margin:1.5em 0}img{border:1px solid #999;max-width:260px}"
            "li{margin:.2em 0}</style></head><body>"
            f"<h1>Typesetting report: {escape(title)}</h1><p>Body {report.body_size} pt on {report.leading} pt; word spaces "
            "against the face's natural space, measured from the PDF.</p>"
            f"<table>{rows}</table><h2>Worst pages</h2>{worst}<h2>Every page with a fault</h2><ul>{listed}</ul></body></html>\n")  # fmt: skip


def _summary(page: PageReport) -> str:
    parts = [(len(page.loose), "loose"), (len(page.very_loose), "over 2x"), (len(page.tight), "tight"),
             (len(page.overfull), "overfull"), (len(page.ladders), "hyphen ladder"), (page.short_lines, "lines short")]  # fmt: skip
    said = [f"{count} {name}" for count, name in parts if count]
    said += ["widow"] * bool(page.widow) + ["orphan"] * bool(page.orphan) + ["running head shortened"] * bool(page.shortened_head)
    return ", ".join(said)


def _page(page: PageReport, image: str | None) -> str:
    lines = page.very_loose or page.loose
    detail = "".join(f"<li>{escape(text)}</li>" for text in [*lines[:6], *page.overfull[:3]])
    picture = f'<img src="{escape(image)}" alt="page {page.number}">' if image else ""
    return f"<section>{picture}<div><h3>Page {page.number}</h3><p>{escape(_summary(page))}</p><ul>{detail}</ul></div></section>"
