"""PDF/X-1a black is black ink alone: RGB black rules become grey (K only) before Ghostscript, other
RGB colours are converted into the output intent's own CMYK profile, and the preflight flags text
and thin rules in four-colour black (C002) — checked on the file with pikepdf and Ghostscript's inkcov."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from presswork.pdf.conform import conform
from presswork.preflight import preflight

PROFILES = Path("/usr/share/color/icc/ghostscript")
needs_gs = pytest.mark.skipif(shutil.which("gs") is None or not PROFILES.is_dir(),
                              reason="Ghostscript and its profiles (ghostscript, libgs-common) are not installed")  # fmt: skip
FONT_TEXT = b"BT /F1 12 Tf 72 500 Td (Black words) Tj ET "


def _page(content: bytes, profile: Path | None = None) -> bytes:
    """A one-page PDF painting `content` with Helvetica as F1, with an output intent of `profile`."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(432, 648))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))  # fmt: skip
    page.obj.Contents = pdf.make_stream(content)
    if profile:
        icc = pdf.make_stream(profile.read_bytes(), N=4)
        pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX, OutputConditionIdentifier="test", DestOutputProfile=icc)])  # fmt: skip
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _colours(data: bytes) -> list[tuple[str, tuple[float, ...]]]:
    """Every colour operator of every page, with its operands: read from the file, not trusted."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for operands, op in pikepdf.parse_content_stream(page.obj):
                if str(op) in ("k", "K", "g", "G", "rg", "RG", "sc", "scn", "SC", "SCN"):
                    found.append((str(op), tuple(round(float(v), 3) for v in operands)))
    return found


@needs_gs
def test_rgb_black_rules_become_black_ink_only(tmp_path: Path):
    rules = b"0 0 0 RG 2 w 72 400 m 360 400 l S 0 0 0 rg 72 300 288 0.5 re f 0.5 0.5 0.5 rg 72 200 288 1 re f "
    raw = _page(FONT_TEXT + rules, PROFILES / "default_cmyk.icc")
    done = conform(raw, "pdf/x-1a")
    assert not [c for c in _colours(done) if c[0] in ("rg", "RG")]
    assert {("G", (0.0,)), ("g", (0.0,)), ("g", (0.5,))} <= set(_colours(done))
    path = tmp_path / "done.pdf"
    path.write_bytes(done)
    inks = subprocess.run(["gs", "-q", "-o", "-", "-sDEVICE=inkcov", str(path)], capture_output=True, text=True, check=True)
    cyan, magenta, yellow, black = (float(v) for v in inks.stdout.split()[:4])
    assert (cyan, magenta, yellow) == (0, 0, 0) and black > 0


@needs_gs
def test_colour_is_converted_with_the_output_intents_own_profile():
    red = FONT_TEXT + b"0.8 0.1 0.1 rg 72 72 100 100 re f"
    by_default = [c for c in _colours(conform(_page(red, PROFILES / "default_cmyk.icc"), "pdf/x-1a")) if c[0] == "k"]
    by_ps = [c for c in _colours(conform(_page(red, PROFILES / "ps_cmyk.icc"), "pdf/x-1a")) if c[0] == "k"]
    assert by_default and by_ps and by_default != by_ps


def test_rich_black_text_and_thin_rules_fail_x1a(tmp_path: Path):
    rich = b"0.7 0.67 0.67 0.88 k " + FONT_TEXT + b"72 300 288 0.4 re f 72 100 288 100 re 72.4 100.4 287.2 99.2 re f* 72 400 288 144 re f"
    path = tmp_path / "rich.pdf"
    path.write_bytes(_page(rich))
    found = [f.message for f in preflight(path, "pdf/x-1a") if f.code == "C002"]
    assert found == ["four-colour black on 1 text run(s), 2 thin rule(s): black text and rules take black ink (K) only"]
    path.write_bytes(_page(rich.replace(b"0.7 0.67 0.67 0.88 k", b"0 0 0 1 k")))
    assert not [f for f in preflight(path, "pdf/x-1a") if f.code == "C002"]


def _word_from_trim(data: bytes, tmp_path: Path) -> tuple[float, float]:
    """The first word's left and top edges measured from the trim box, as poppler reads the file."""
    path = tmp_path / "measured.pdf"
    path.write_bytes(data)
    words = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    x, y = (float(v) for v in words.split('<word xMin="')[1].split('" xMax')[0].split('" yMin="'))
    with pikepdf.open(path) as pdf:
        media, trim = ([float(v) for v in pdf.pages[0].obj[box]] for box in ("/MediaBox", "/TrimBox"))
    return round(x - (trim[0] - media[0]), 2), round(y - (media[3] - trim[3]), 2)


@needs_gs
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_the_page_content_stays_where_it_was_on_the_trim(tmp_path: Path):
    raw = pikepdf.open(io.BytesIO(_page(FONT_TEXT, PROFILES / "default_cmyk.icc")))
    page = raw.pages[0].obj
    page.MediaBox, page.BleedBox, page.TrimBox = ([-9, -9, 441, 657], [-9, -9, 441, 657], [0, 0, 432, 648])
    buffer = io.BytesIO()
    raw.save(buffer)
    before = buffer.getvalue()
    assert _word_from_trim(conform(before, "pdf/x-1a"), tmp_path) == _word_from_trim(before, tmp_path)
