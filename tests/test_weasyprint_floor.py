"""The floor of pyproject.toml's WeasyPrint range, proved: a scratch venv (no system site packages)
with presswork and the lowest WeasyPrint allowed builds the sample book's print PDF. Skipped, with
the reason, only when no package index can be reached."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import pypdf
import pytest
from conftest import ROOT

from presswork import weasy

FLOOR = f"weasyprint=={weasy.FLOOR}.0"


@pytest.mark.slow
def test_the_lowest_weasyprint_allowed_builds_the_sample_pdf(tmp_path: Path):
    venv.create(tmp_path / "venv", with_pip=True)
    python = tmp_path / "venv" / "bin" / "python"
    reach = subprocess.run([python, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp_path / "probe", FLOOR],
                           capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    if reach.returncode:
        pytest.skip(f"no package index reachable for {FLOOR}: {reach.stderr.strip().splitlines()[-1:]}")
    install = subprocess.run([python, "-m", "pip", "install", "-q", "-e", ROOT, FLOOR],
                             capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    assert install.returncode == 0, install.stderr
    found = subprocess.run([python, "-c", "import weasyprint; print(weasyprint.__version__)"],
                           capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    assert found == f"{weasy.FLOOR}.0"
    out = tmp_path / "out"
    built = subprocess.run([tmp_path / "venv" / "bin" / "presswork", "build", "pdf", ROOT, "--out", out, "--jobs", "2"],
                           capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert len(pypdf.PdfReader(out / "pressmans-craft.pdf").pages) > 50
