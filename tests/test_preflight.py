"""`presswork preflight` reads a finished PDF as a printer's preflight would: a plain WeasyPrint PDF
fails PDF/X-1a with named reasons, one line a failure with its page, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from presswork.cli import main
from presswork.preflight import STANDARDS, preflight

PLAIN_HTML = '<html><body><h1 style="color:#336">Hello</h1><p><a href="https://example.org">a link</a></p></body></html>'


@pytest.fixture(scope="module")
def plain_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a plain `weasyprint` run makes: RGB, links, no output intent."""
    from weasyprint import HTML

    path = tmp_path_factory.mktemp("plain") / "plain.pdf"
    HTML(string=PLAIN_HTML).write_pdf(path)
    return path


def test_a_plain_weasyprint_pdf_fails_pdfx1a_with_named_reasons(plain_pdf: Path):
    codes = {f.code for f in preflight(plain_pdf, "pdf/x-1a")}
    assert {"X001", "X003", "X004", "X020"} <= codes


def test_the_command_prints_a_line_a_failure_and_exits_1(plain_pdf: Path):
    result = CliRunner().invoke(main, ["preflight", str(plain_pdf), "--standard", "pdf/x-1a"])
    assert result.exit_code == 1
    assert "pdf/x-1a: X020 page 1: 1 annotation(s) inside the trim box (Link)" in result.output.splitlines()


def test_json_lists_findings_per_standard(plain_pdf: Path):
    result = CliRunner().invoke(main, ["preflight", str(plain_pdf), "--standard", "pdf/x-1a", "--json"])
    found = json.loads(result.output)["pdf/x-1a"]
    assert {"code": "X020", "page": 1, "message": "1 annotation(s) inside the trim box (Link)"} in found


def test_a_file_declaring_nothing_needs_a_standard_named(plain_pdf: Path):
    result = CliRunner().invoke(main, ["preflight", str(plain_pdf)])
    assert result.exit_code == 1
    assert "declares no standard" in result.output and "--standard" in result.output


def test_a_file_that_is_no_pdf_is_one_line(tmp_path: Path):
    bogus = tmp_path / "bogus.pdf"
    bogus.write_text("not a pdf")
    result = CliRunner().invoke(main, ["preflight", str(bogus), "--standard", "pdf/x-1a"])
    assert result.exit_code == 1 and "cannot read this PDF" in result.output and "Traceback" not in result.output


def test_every_standard_is_a_checker():
    assert "pdf/x-1a" in STANDARDS and all(callable(c) for c in STANDARDS.values())
