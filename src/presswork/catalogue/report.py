"""report.json and report.html in the output root: per book its status, products and sizes,
times, warnings, error and EPUBCheck verdicts, and the catalogue's totals. The JSON is for
machines (CI, a distributor's upload script); the HTML for the people who sign the list off."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from .. import __version__
from ..files.output import replaceable, write_atomic
from ..text.labels import counted

STATUSES = ("built", "skipped", "failed", "left out")  # skipped: up to date; left out: not named by --only


def totals(rows: list[dict[str, Any]], wall_seconds: float) -> dict[str, Any]:
    products = [p for row in rows for p in row.get("products", [])]
    checks = [c for row in rows for c in row.get("epubcheck", [])]
    return {
        "books": len(rows),
        **{status.replace(" ", "_"): sum(row["status"] == status for row in rows) for status in STATUSES},
        "products": len(products),
        "bytes": sum(p["bytes"] for p in products),
        "build_seconds": round(sum(row.get("seconds", 0) for row in rows if row["status"] == "built"), 2),
        "wall_seconds": round(wall_seconds, 2),
        "epubcheck": {
            "passed": sum(_passed(c) for c in checks),
            "failed": sum(c["ran"] and not _passed(c) for c in checks),
            "not_run": sum(not c["ran"] for c in checks),
        },
    }


def failing(rows: list[dict[str, Any]]) -> list[str]:
    """What makes the run fail, a line each: books that failed, and EPUBs EPUBCheck did not pass."""
    lines = [row["error"] for row in rows if row["status"] == "failed"]
    lines += [f"{row['folder']}: EPUBCheck on {c['file']}: {_verdict(c)}" for row in rows if row["status"] != "left out"
              for c in row.get("epubcheck", []) if c["ran"] and not _passed(c)]  # fmt: skip
    return lines


def write_report(root: Path, catalogue: Path, cluster: str, rows: list[dict[str, Any]], wall_seconds: float) -> Path:
    """Write both reports (atomically, replacing only files) and return the HTML one's path."""
    summary = totals(rows, wall_seconds)
    data = {"catalogue": str(catalogue), "presswork": __version__, "cluster": cluster, "totals": summary, "books": rows}
    for name, content in (("report.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n"),
                          ("report.html", _html(data))):  # fmt: skip
        replaceable(root / name)
        write_atomic(root / name, content.encode())
    return root / "report.html"


def _passed(check: dict[str, Any]) -> bool:
    return check["ran"] and not (check["fatal"] or check["errors"] or check["warnings"])


def _verdict(check: dict[str, Any]) -> str:
    if not check["ran"]:
        return f"not run: {check['note']}"
    if _passed(check):
        return "passed"
    return f"{counted(check['fatal'], 'fatal error')}, {counted(check['errors'], 'error')}, {counted(check['warnings'], 'warning')}"


def _html(data: dict[str, Any]) -> str:
    t = data["totals"]
    e = html.escape
    rows = []
    for row in data["books"]:
        products = "<br>".join(f"{e(p['file'])} ({p['bytes'] / 1e6:.2f} MB)" for p in row.get("products", []))
        checks = "<br>".join(f"{e(c['file'])}: {e(_verdict(c))}" + "".join(f"<br><small>{e(m)}</small>" for m in c["messages"])
                             for c in row.get("epubcheck", []))  # fmt: skip
        notes = [f"<li class='error'>{e(row['error'])}</li>"] if row.get("error") else []
        notes += [f"<li>{e(w)}</li>" for w in row.get("warnings", [])]
        seconds = f"{row['seconds']:.1f} s" + (f" + {row['check_seconds']:.1f} s" if row.get("check_seconds") else "") \
            if "seconds" in row else ""  # fmt: skip
        rows.append(f"<tr class='{e(row['status'].replace(' ', '-'))}'><td>{e(row['slug'])}<br><small>{e(row['folder'])}</small></td>"
                    f"<td>{e(row['status'])}</td><td>{products}</td><td>{seconds}<br><small>{e(row.get('worker', ''))}</small></td>"
                    f"<td>{checks}</td><td><ul>{''.join(notes)}</ul></td></tr>")  # fmt: skip
    checks = t["epubcheck"]
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>presswork catalogue</title><style>"
            "body{font-family:sans-serif}td,th{padding:.3em .6em;border-bottom:1px solid #ccc;text-align:left;vertical-align:top}"
            ".failed td:nth-child(2),.error{color:#b00;font-weight:bold}.skipped td:nth-child(2){color:#666}"
            "ul{margin:0;padding-left:1em}</style></head><body>"
            f"<h1>{e(data['catalogue'])}</h1><p>{counted(t['books'], 'book')}: {t['built']} built, {t['skipped']} up to date, "
            f"{t['failed']} failed, {t['left_out']} left out · {counted(t['products'], 'product')}, {t['bytes'] / 1e6:.1f} MB · "
            f"built in {t['wall_seconds']:.1f} s on {e(data['cluster'])} · EPUBCheck: {checks['passed']} passed, "
            f"{checks['failed']} failed, {checks['not_run']} not run · presswork {e(data['presswork'])}</p>"
            "<table><tr><th>Book</th><th>Status</th><th>Products</th><th>Time (build + EPUBCheck)</th><th>EPUBCheck</th>"
            f"<th>Errors and warnings</th></tr>{''.join(rows)}</table></body></html>\n")  # fmt: skip
