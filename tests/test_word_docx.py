"""Issue 30: Word files in and out, with LibreOffice as the real word processor and EPUBCheck on the result."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import ROOT, problems, run_epubcheck
from presswork.cli import main

pytestmark = [pytest.mark.skipif(shutil.which("soffice") is None,
                                 reason="LibreOffice is needed: apt-get install libreoffice-writer-nogui (make system-deps)"),
              pytest.mark.slow]  # LibreOffice and Pandoc runs: many seconds


def _png() -> str:
    data = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 90, 160)).save(data, "PNG")
    return base64.b64encode(data.getvalue()).decode()


def _fodt(img: str) -> str:
    """A three-chapter document in LibreOffice's flat ODF: footnotes (one of two paragraphs), an
    epigraph, Greek and Russian runs, a block quotation, a comment, a tracked insertion and deletion,
    a scene break, poetry line breaks, a table with a header row, a figure with alt text, a list."""
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>The Lamp Makers</dc:title><meta:initial-creator>Mira Holt</meta:initial-creator><dc:creator>Mira Holt</dc:creator>
<dc:description>A short history of lamp workshops.</dc:description><meta:keyword>Lamps</meta:keyword></office:meta>
<office:styles>
 <style:default-style style:family="paragraph"><style:text-properties fo:language="en" fo:country="GB"/></style:default-style>
 <style:style style:name="Standard" style:family="paragraph"/>
 <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:default-outline-level="1"><style:text-properties fo:font-size="18pt" fo:font-weight="bold"/></style:style>
 <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:default-outline-level="2"><style:text-properties fo:font-size="14pt" fo:font-weight="bold"/></style:style>
 <style:style style:name="Quotations" style:family="paragraph"><style:paragraph-properties fo:margin-left="1cm" fo:margin-right="1cm"/></style:style>
 <style:style style:name="Epigraph" style:family="paragraph"><style:paragraph-properties fo:margin-left="6cm"/></style:style>
 <style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph"/>
</office:styles>
<office:automatic-styles>
 <style:style style:name="T1" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
 <style:style style:name="T2" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
 <style:style style:name="T3" style:family="text"><style:text-properties fo:font-variant="small-caps"/></style:style>
 <style:style style:name="T4" style:family="text"><style:text-properties style:text-position="super 58%"/></style:style>
 <style:style style:name="RU" style:family="text"><style:text-properties fo:language="ru" fo:country="RU"/></style:style>
 <style:style style:name="EL" style:family="text"><style:text-properties fo:language="el" fo:country="GR"/></style:style>
 <style:style style:name="QRU" style:family="paragraph" style:parent-style-name="Quotations"><style:text-properties fo:language="ru" fo:country="RU"/></style:style>
</office:automatic-styles>
<office:body><office:text>
<text:tracked-changes>
 <text:changed-region text:id="ct1"><text:insertion><office:change-info><dc:creator>Copy Editor</dc:creator><dc:date>2026-01-05T10:00:00</dc:date></office:change-info></text:insertion></text:changed-region>
 <text:changed-region text:id="ct2"><text:deletion><office:change-info><dc:creator>Copy Editor</dc:creator><dc:date>2026-01-05T10:01:00</dc:date></office:change-info><text:p>very </text:p></text:deletion></text:changed-region>
</text:tracked-changes>
<text:h text:style-name="Heading_20_1" text:outline-level="1">Introduction</text:h>
<text:p text:style-name="Standard">This book began in a workshop<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>The workshop stood in Leeds.</text:p></text:note-body></text:note> that made oil lamps.</text:p>
<text:h text:style-name="Heading_20_1" text:outline-level="1">The First Lamps</text:h>
<text:p text:style-name="Epigraph">Let there be light, and let it be cheap.</text:p>
<text:p text:style-name="Epigraph">— A lamp seller</text:p>
<text:p text:style-name="Standard">The <text:span text:style-name="T1">earliest</text:span> lamps were <text:span text:style-name="T2">clay</text:span> bowls, dated to <text:span text:style-name="T3">bc</text:span> 7000 and the 4<text:span text:style-name="T4">th</text:span> millennium.<text:note text:id="n2" text:note-class="footnote"><text:note-citation>2</text:note-citation><text:note-body><text:p>See the survey of finds in the first paragraph of this note.</text:p><text:p>A second paragraph of the same note, which must stay with it.</text:p></text:note-body></text:note> The Greek word was <text:span text:style-name="EL">λύχνος</text:span>.<office:annotation><dc:creator>Mira Holt</dc:creator><dc:date>2026-01-04T09:00:00</dc:date><text:p>Check this date against the museum catalogue.</text:p></office:annotation></text:p>
<text:p text:style-name="Standard">A Russian traveller wrote:</text:p>
<text:p text:style-name="QRU">Лампа горела всю ночь, и никто не спал.</text:p>
<text:p text:style-name="Quotations">The light of a single lamp is enough to read by, if one is patient.</text:p>
<text:p text:style-name="Standard">The trade grew <text:change-start text:change-id="ct2"/><text:change-end text:change-id="ct2"/>quickly<text:change-start text:change-id="ct1"/> after 1800<text:change-end text:change-id="ct1"/>.</text:p>
<text:p text:style-name="Standard">***</text:p>
<text:p text:style-name="Standard">In the evening the shop<text:line-break/>went dark<text:line-break/>and the lamps were lit.</text:p>
<table:table table:name="Prices"><table:table-column table:number-columns-repeated="2"/>
 <table:table-header-rows><table:table-row><table:table-cell><text:p text:style-name="Table_20_Heading">Year</text:p></table:table-cell><table:table-cell><text:p text:style-name="Table_20_Heading">Price</text:p></table:table-cell></table:table-row></table:table-header-rows>
 <table:table-row><table:table-cell><text:p>1780</text:p></table:table-cell><table:table-cell><text:p>4 pence</text:p></table:table-cell></table:table-row>
 <table:table-row><table:table-cell><text:p>1820</text:p></table:table-cell><table:table-cell><text:p>2 pence</text:p></table:table-cell></table:table-row>
</table:table>
<text:h text:style-name="Heading_20_1" text:outline-level="1">Gas and After</text:h>
<text:p text:style-name="Standard">Gas came to the street in 1812.<text:note text:id="n3" text:note-class="footnote"><text:note-citation>3</text:note-citation><text:note-body><text:p>Pall Mall, London.</text:p></text:note-body></text:note></text:p>
<text:p text:style-name="Standard"><draw:frame draw:name="Lamp" text:anchor-type="as-char" svg:width="4cm" svg:height="2.67cm"><draw:image><office:binary-data>{img}</office:binary-data></draw:image><svg:title>A street lamp</svg:title><svg:desc>A blue rectangle standing for a gas street lamp</svg:desc></draw:frame></text:p>
<text:list><text:list-item><text:p>Oil</text:p></text:list-item><text:list-item><text:p>Gas</text:p></text:list-item><text:list-item><text:p>Electric light</text:p></text:list-item></text:list>
</office:text></office:body></office:document>'''


def _soffice(source: Path, fmt: str, out: Path) -> Path:
    subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", str(out), str(source)],
                   capture_output=True, check=True, timeout=180)
    return out / f"{source.stem}.{fmt.split(':')[0]}"


@pytest.fixture(scope="module")
def lamps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lamps")
    (folder / "lamps.fodt").write_text(_fodt(_png()), encoding="utf-8")
    return _soffice(folder / "lamps.fodt", "docx", folder)


@pytest.fixture(scope="module")
def imported(lamps: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("imported") / "book"
    result = CliRunner().invoke(main, ["import", "docx", str(lamps), "--out", str(out), "--accept-changes", "-q"])
    assert result.exit_code == 0, result.output
    return out


def test_libreoffice_document_imports_with_every_note_language_and_figure(imported: Path):
    chapter = (imported / "manuscript/chapters/01-the-first-lamps.md").read_text()
    assert "[^1]: See the survey of finds in the first paragraph of this note.\n\n    A second paragraph of the same note" in chapter
    assert "[λύχνος]{lang=el}" in chapter and "[Лампа горела всю ночь, и никто не спал.]{lang=ru}" in chapter
    assert "{.epigraph}\n> Let there be light" in chapter and "> The light of a single lamp" in chapter
    assert "*earliest*" in chapter and "**clay**" in chapter and "[bc]{.sc}" in chapter and "4[th]{.sup}" in chapter
    assert "| Year | Price |\n|---|---|\n| 1780 | 4 pence |" in chapter
    assert "shop\\\nwent dark" in chapter and "\n* * *\n" in chapter
    assert "The trade grew quickly after 1800." in chapter  # the insertion taken, the deletion gone
    second = (imported / "manuscript/chapters/02-gas-and-after.md").read_text()
    assert '![A blue rectangle standing for a gas street lamp](images/figure-1.png "A street lamp")' in second
    assert Image.open(imported / "images/figure-1.png").size == (120, 80)
    assert "kind: introduction" in (imported / "manuscript/front/introduction.md").read_text()
    report = (imported / "import-report.md").read_text()
    assert "3 notes, 1 figure, 1 table" in report
    assert "- manuscript/chapters/01-the-first-lamps.md:11: Mira Holt: Check this date against the museum catalogue." in report
    assert "01-the-first-lamps.md:11: el" in report and "01-the-first-lamps.md:15: ru" in report
    book = (imported / "manuscript/book.yaml").read_text()
    assert "title: The Lamp Makers" in book and "name: Mira Holt" in book and "- Lamps" in book


def test_imported_book_builds_an_epub_epubcheck_passes(imported: Path, tmp_path: Path):
    result = CliRunner().invoke(main, ["build", "epub", str(imported), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    epub = tmp_path / "the-lamp-makers.epub"
    assert problems(run_epubcheck(epub, tmp_path)) == []
    with zipfile.ZipFile(epub) as archive:
        text = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml"))
    assert 'lang="ru"' in text and 'lang="el"' in text and text.count("epub:type=\"endnote\"") == 3


def test_tracked_changes_are_refused_without_a_choice(lamps: Path, tmp_path: Path):
    result = CliRunner().invoke(main, ["import", "docx", str(lamps), "--out", str(tmp_path / "book")])
    assert result.exit_code == 1
    assert "1 tracked insertion and 1 tracked deletion not yet accepted or rejected" in result.output
    assert not (tmp_path / "book").exists()


def test_rejected_changes_keep_the_deleted_words(lamps: Path, tmp_path: Path):
    result = CliRunner().invoke(main, ["import", "docx", str(lamps), "--out", str(tmp_path / "book"), "--reject-changes", "-q"])
    assert result.exit_code == 0, result.output
    assert "The trade grew very quickly." in (tmp_path / "book/manuscript/chapters/01-the-first-lamps.md").read_text()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = tmp_path_factory.mktemp("sample") / "book"
    for name in ("manuscript", "images", "styles"):
        shutil.copytree(ROOT / name, book / name)
    return book


def test_export_opens_in_libreoffice_with_every_footnote(sample: Path, tmp_path: Path):
    out = tmp_path / "edit.docx"
    result = CliRunner().invoke(main, ["export", "docx", str(sample), "--out", str(out)])
    assert result.exit_code == 0, result.output
    notes = sum(len(re.findall(r"^\[\^[^\]]+\]:", p.read_text(), re.M)) for p in (sample / "manuscript").rglob("*.md"))
    odt = _soffice(out, "odt", tmp_path)
    with zipfile.ZipFile(odt) as archive:
        content = archive.read("content.xml").decode()
    assert content.count("<text:note ") == notes > 40
    assert "Печатный двор" in content and "The Workshop in Mainz" in content
    with zipfile.ZipFile(out) as archive:
        styles = archive.read("word/styles.xml").decode()
    assert all(f'w:styleId="{s}"' in styles for s in ("Heading1", "Quote", "Person", "GlossaryTerm", "IndexMark"))


def _edit(fodt: Path) -> None:
    """Two tracked changes as LibreOffice records them: a deletion and an insertion."""
    info = "<office:change-info><dc:creator>Copy Editor</dc:creator><dc:date>2026-02-01T10:00:00</dc:date></office:change-info>"
    regions = ('<text:tracked-changes text:track-changes="true">'
               f'<text:changed-region text:id="d1"><text:deletion>{info}<text:p>great </text:p></text:deletion></text:changed-region>'
               f'<text:changed-region text:id="i1"><text:insertion>{info}</text:insertion></text:changed-region></text:tracked-changes>')
    text = fodt.read_text()
    text = re.sub(r"(<office:text[^>]*>)", lambda m: m.group(1) + regions, text, count=1)
    assert text.count("to the great relic display") == 1 and text.count("back in Mainz, borrowing") == 1
    text = text.replace("to the great relic display", 'to the <text:change text:change-id="d1"/>relic display')
    text = text.replace("back in Mainz, borrowing", 'back in Mainz<text:change-start text:change-id="i1"/> again<text:change-end text:change-id="i1"/>, borrowing')
    fodt.write_text(text)


def test_editors_two_tracked_changes_come_back_as_a_patch_of_exactly_those(sample: Path, tmp_path: Path):
    exported = tmp_path / "edit.docx"
    assert CliRunner().invoke(main, ["export", "docx", str(sample), "--out", str(exported)]).exit_code == 0
    fodt = _soffice(exported, "fodt", tmp_path / "lo")
    _edit(fodt)
    edited = _soffice(fodt, "docx", tmp_path / "edited")
    before = (sample / "manuscript/chapters/02-mainz.md").read_text()
    result = CliRunner().invoke(main, ["import", "docx", str(edited), "--into", str(sample)])
    assert result.exit_code == 0, result.output
    assert "2 tracked changes placed" in result.output and "0 not placed" in result.output
    patch = (sample / "build/docx-changes.patch").read_text()
    removed = [l for l in patch.splitlines() if l.startswith("-") and not l.startswith("---")]
    added = [l for l in patch.splitlines() if l.startswith("+") and not l.startswith("+++")]
    assert patch.count("+++ ") == 1 and "+++ b/manuscript/chapters/02-mainz.md" in patch
    assert len(removed) == len(added) == 2
    assert [a[1:].replace("to the relic", "to the great relic").replace("Mainz again,", "Mainz,") for a in added] == [r[1:] for r in removed]
    assert (sample / "manuscript/chapters/02-mainz.md").read_text() == before  # a patch for review, nothing applied
    result = CliRunner().invoke(main, ["import", "docx", str(edited), "--into", str(sample), "--apply"])
    assert result.exit_code == 0, result.output
    after = (sample / "manuscript/chapters/02-mainz.md").read_text()
    assert "back in Mainz again, borrowing" in after and "to the relic display" in after
    (sample / "manuscript/chapters/02-mainz.md").write_text(before)
