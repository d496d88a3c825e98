"""The AZW3 carries the book's metadata as far as its MOBI records can: checked with calibre's ebook-meta."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import build
from lxml import etree

needs_calibre = pytest.mark.skipif(shutil.which("ebook-convert") is None, reason="calibre is not installed (make system-deps)")
DC = {"dc": "http://purl.org/dc/elements/1.1/"}
OPF = "{http://www.idpf.org/2007/opf}"

BOOK_YAML = """\
title: Was There an Alternative?
subtitle: A Look Back
series: {name: The Opposition, number: 2}
language: en
contributors:
  - name: María Pérez García
    file_as: Pérez García, María
    role: author
  - name: V. Z. Rogovin
    file_as: Rogovin, Vadim Z.
    role: author
  - name: Frederick Choate
    role: translator
subjects:
  - Soviet Union — Politics and government — 1917-1936
  - Trotsky, Leon, 1879-1940
isbn: {ebook: "9781893638976"}
contents:
  body:
    - chapters/one.md
"""


@needs_calibre
def test_azw3_keeps_subtitle_translator_file_as_and_subjects_with_commas(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": BOOK_YAML})
    result = build(root, "--out", str(tmp_path), fmt="kindle")
    assert result.exit_code == 0, result.output
    opf = tmp_path / "read.opf"
    subprocess.run(["ebook-meta", str(tmp_path / "was-there-an-alternative.azw3"), f"--to-opf={opf}"], capture_output=True,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=True)  # fmt: skip
    meta = etree.parse(str(opf)).getroot()
    assert meta.findtext(".//dc:title", namespaces=DC) == "Was There an Alternative?: A Look Back"
    creators = meta.findall(".//dc:creator", DC)
    assert [c.text for c in creators] == ["María Pérez García", "V. Z. Rogovin", "Frederick Choate"]
    # calibre joins the sort forms it finds (its own guess would be "García, María Pérez"); a file-as
    # that is not the name turned round cannot be carried without losing the name, so the name stays
    assert creators[0].get(f"{OPF}file-as") == "Pérez García, María & Choate, Frederick"
    subjects = [s.text for s in meta.findall(".//dc:subject", DC)]
    assert subjects == ["Soviet Union — Politics and government — 1917-1936", "Trotsky, Leon, 1879-1940"]
