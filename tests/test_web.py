"""The web edition (`presswork build web`): a static site of the book that the Nu HTML Checker
passes, axe-core finds no serious problem in, whose links all land, whose notes link both ways,
whose search index holds the text's words, that rebuilds to the same bytes and replaces only a
site presswork made."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT, build, build_sample, nu_errors
from lxml import html as lxml_html

from presswork.errors import PressworkError
from presswork.files.output import FOLDER_MANIFEST, put_in_place, seal_folder
from presswork.text.labels import word
from presswork.web.search import words

SITE = "pressmans-craft-web"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory, "web") / SITE


def pages(site: Path) -> dict[str, lxml_html.HtmlElement]:
    return {p.name: lxml_html.parse(str(p)).getroot() for p in sorted(site.glob("*.html"))}


def search_data(site: Path) -> dict:
    text = (site / "js/search-index.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix("window.PressworkSearch = ").removesuffix(";\n"))


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- the site's parts ------------------------------------------------------------------------
def test_the_site_has_a_home_page_a_page_a_chapter_and_the_back_matter(site: Path):
    names = set(pages(site))
    assert {"index.html", "search.html", "foreword.html", "part-metal.html", "ch-mainz.html", "glossary.html",
            "biographies.html", "chronology.html", "book-index.html"} <= names  # fmt: skip
    home = pages(site)["index.html"]
    assert home.xpath("//h1")[0].text_content() == "The Pressman’s Craft"
    contents = [a.get("href") for a in home.xpath('//nav[@id="contents"]//a')]
    assert contents[:3] == ["foreword.html", "note-transliteration.html", "part-metal.html"]
    assert "copyright" in home.xpath("//section/@id")


def test_every_internal_link_and_file_reference_resolves(site: Path):
    """Every href and src (pages, ids in them, styles, scripts, images) and every url() in the
    stylesheet names something that is in the site."""
    parsed = pages(site)
    ids = {name: set(root.xpath("//@id")) for name, root in parsed.items()}
    broken = []
    for name, root in parsed.items():
        for element, attribute, link, _ in root.iterlinks():
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            target = unquote(parts.path) or name
            if not (site / target).is_file():
                broken.append(f"{name}: {link} (no file)")
            elif parts.fragment and unquote(parts.fragment) not in ids.get(target, set()):
                broken.append(f"{name}: {link} (no id)")
    css = (site / "css/book.css").read_text(encoding="utf-8")
    for url in re.findall(r'url\("([^"]+)"\)', css):
        if not (site / "css" / url).resolve().is_file():
            broken.append(f"book.css: {url}")
    assert broken == []
    assert "../fonts/LinLibertine_R.woff" in css


def test_index_locators_link_to_the_marked_places_in_the_chapters(site: Path):
    index = pages(site)["book-index.html"]
    locators = index.xpath('//div[@class="index-body"]//a/@href')
    assert len(locators) > 50
    assert all(urlsplit(href).fragment for href in locators)
    assert {urlsplit(href).path for href in locators} >= {"ch-mainz.html", "ch-muscovy.html", "afterword.html"}


def test_notes_link_from_the_call_to_the_note_and_back(site: Path):
    parsed = pages(site)
    calls = 0
    for name, root in parsed.items():
        for call in root.xpath('//a[@role="doc-noteref"]'):
            note = root.get_element_by_id(call.get("href").removeprefix("#"))
            [back] = note.xpath('.//a[@role="doc-backlink"]')
            assert back.get("href") == f"#{call.get('id')}", name
            calls += 1
        if root.xpath('//a[@role="doc-noteref"]'):  # only pages with calls load the pop-over script
            assert root.xpath('//script[@src="js/notes.js"]'), name
    assert calls == 53  # every note of the sample book
    assert pages(site)["ch-mainz.html"].xpath('//section[@class="notes"]/ol/li')  # listed at the end, without JS


def test_the_search_index_holds_every_word_of_the_text(site: Path):
    data = search_data(site)
    parsed = pages(site)
    for name in ("ch-mainz.html", "ch-muscovy.html", "glossary.html", "biographies.html", "chronology.html"):
        [main] = parsed[name].xpath("//main")
        for call in main.xpath('//sup[@class="noteref"]'):
            call.drop_tree()
        assert set(words(main.text_content())) - set(data["words"]) == set(), name
    assert {"gutenberg", "федоров", "mainz"} <= set(data["words"])  # Фёдоров, folded
    ids = {name: set(root.xpath("//@id")) for name, root in parsed.items()}
    files = [page for page, _ in data["pages"]]
    assert all(anchor in ids[files[page]] for page, anchor, _ in data["passages"])


def test_search_folds_case_and_accents_as_the_script_does():
    assert words("Fëdorov’s PRESS, 1564") == ["fedorov", "s", "press", "1564"]
    assert words("Иван Фёдоров") == ["иван", "федоров"]


def test_pages_declare_their_language_and_offer_a_skip_link(site: Path):
    for name, root in pages(site).items():
        assert root.get("lang") == "en", name
        [skip] = root.xpath('//a[@class="skip-link"]')
        assert skip.get("href") == "#main" and root.xpath('//main[@id="main"]'), name
    muscovy = pages(site)["ch-muscovy.html"]
    assert muscovy.xpath('//*[@lang="ru"]')  # Cyrillic runs keep their language


def test_chapters_link_to_the_previous_and_next_page(site: Path):
    mainz = pages(site)["ch-mainz.html"]
    assert mainz.xpath('//nav[@class="pager"]/a[@rel="prev"]/@href') == ["ch-before-press.html"]
    assert mainz.xpath('//nav[@class="pager"]/a[@rel="next"]/@href') == ["ch-spread.html"]
    assert pages(site)["index.html"].xpath('//nav[@class="pager"]/a/@rel') == ["next"]


def test_without_javascript_the_search_page_says_search_needs_it(site: Path):
    status = pages(site)["search.html"].get_element_by_id("search-status")
    assert status.text_content() == word("en", "search-off")


def test_the_book_face_and_its_licence_and_the_images_are_in_the_site(site: Path):
    assert sorted(p.name for p in (site / "fonts").iterdir()) == [
        "LinLibertine_R.woff", "LinLibertine_RB.woff", "LinLibertine_RBI.woff", "LinLibertine_RI.woff", "OFL.txt"]  # fmt: skip
    assert (site / "fonts/LinLibertine_R.woff").read_bytes()[:4] == b"wOFF"
    assert (site / "images/hand-press.png").read_bytes() == (ROOT / "images/hand-press.png").read_bytes()
    css = (site / "css/book.css").read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css


def test_the_site_carries_its_manifest_listing_every_file(site: Path):
    listed = (site / FOLDER_MANIFEST).read_text(encoding="utf-8").splitlines()[1:]
    assert sorted(listed) == sorted(set(files_of(site)) - {FOLDER_MANIFEST})


# -- builds ------------------------------------------------------------------------------------
def test_a_rebuild_is_byte_identical(site: Path, tmp_path: Path):
    assert build(ROOT, "--out", str(tmp_path), "-q", fmt="web").exit_code == 0
    assert files_of(tmp_path / SITE) == files_of(site)


def test_a_rebuild_replaces_the_site_presswork_made(small_book, tmp_path: Path):
    root = small_book()
    out = tmp_path / "out"
    assert build(root, "--out", str(out), "-q", fmt="web").exit_code == 0
    [folder] = out.glob("*-web")
    (folder / "index.html").write_text("stale", encoding="utf-8")
    result = build(root, "--out", str(out), "-q", fmt="web")
    assert result.exit_code == 0, result.output
    assert (folder / "index.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in out.iterdir()) == [folder.name]  # nothing left beside it


@pytest.mark.parametrize("intruder", ["notes.txt", "images/mine.png"])
def test_a_site_holding_files_presswork_did_not_make_is_not_replaced(small_book, tmp_path: Path, intruder: str):
    root = small_book()
    out = tmp_path / "out"
    assert build(root, "--out", str(out), "-q", fmt="web").exit_code == 0
    [folder] = out.glob("*-web")
    (folder / intruder).parent.mkdir(exist_ok=True)
    (folder / intruder).write_text("mine", encoding="utf-8")
    result = build(root, "--out", str(out), "-q", fmt="web")
    assert result.exit_code != 0
    assert "not a folder presswork made" in result.output and "Traceback" not in result.output
    assert (folder / intruder).read_text(encoding="utf-8") == "mine"
    assert (folder / "index.html").is_file()


def test_a_folder_of_the_users_where_the_site_goes_is_left_alone(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": "title: A Small Book\nslug: small\nlanguage: en\ncontributors:\n"
                       "  - {name: Test Writer, role: author}\ncontents:\n  body: [chapters/one.md]\n"})  # fmt: skip
    out = tmp_path / "out"
    (out / "small-web").mkdir(parents=True)
    (out / "small-web" / "index.html").write_text("my own site", encoding="utf-8")
    result = build(root, "--out", str(out), fmt="web")
    assert result.exit_code != 0
    [line] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert "small-web is not a folder presswork made" in line
    assert (out / "small-web" / "index.html").read_text(encoding="utf-8") == "my own site"
    assert sorted(p.name for p in out.iterdir()) == ["small-web"]


def test_a_failed_build_leaves_the_earlier_site_whole(small_book, tmp_path: Path):
    root = small_book()
    out = tmp_path / "out"
    assert build(root, "--out", str(out), "-q", fmt="web").exit_code == 0
    [folder] = out.glob("*-web")
    before = files_of(folder)
    broken = small_book({"manuscript/chapters/one.md": "# One\n\n![A figure](images/missing.png)\n"})
    result = build(broken, "--out", str(out), fmt="web")
    assert result.exit_code != 0
    [error] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert "missing.png" in error and "Traceback" not in result.output
    assert files_of(folder) == before


def test_images_the_manuscript_names_land_inside_the_site(small_book, tmp_path: Path):
    png = (ROOT / "images/hand-press.png").read_bytes()
    root = small_book({"manuscript/chapters/one.md": "# One\n\n![A press](images/Press+Type.png)\n",
                       "images/Press+Type.png": png})  # fmt: skip
    result = build(root, "--out", str(tmp_path), "-q", fmt="web")
    assert result.exit_code == 0, result.output
    [folder] = tmp_path.glob("*-web")
    assert files_of(folder)["images/Press-Type.png"] == png
    assert all(p.resolve().is_relative_to(folder.resolve()) for p in folder.rglob("*"))


# -- real consumers ------------------------------------------------------------------------------
def test_every_page_passes_the_nu_html_checker(site: Path, tmp_path: Path):
    assert nu_errors(sorted(site.glob("*.html")), tmp_path) == []


def _axe_script() -> Path | None:
    npm = shutil.which("npm")
    if npm is None:
        return None
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False).stdout.strip()
    path = Path(root) / "axe-core" / "axe.min.js"
    return path if path.is_file() else None


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_problem_on_the_main_kinds_of_page(site: Path, browser, scheme: str):
    axe = _axe_script()
    if axe is None:
        pytest.skip("npm install -g axe-core@4 (make system-deps) for the accessibility check")
    page = browser.new_page(color_scheme=scheme)
    found = {}
    for name in ("index.html", "ch-mainz.html", "glossary.html", "book-index.html", "search.html"):
        page.goto((site / name).as_uri())
        page.add_script_tag(path=str(axe))
        result = page.evaluate("axe.run().then(r => ({violations: r.violations.map(v => [v.id, v.impact]), passes: r.passes.length}))")
        assert result["passes"] > 10  # axe ran its rules on the page
        found[name] = [v for v in result["violations"] if v[1] in ("serious", "critical")]
    page.close()
    assert found == {name: [] for name in found}


@pytest.mark.parametrize("name", ["index.html", "ch-mainz.html", "chronology.html", "book-index.html"])
def test_pages_fit_a_phone_screen(site: Path, browser, name: str):
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto((site / name).as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()


def test_dark_and_light_schemes_differ(site: Path, browser):
    colours = []
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme)
        page.goto((site / "ch-mainz.html").as_uri())
        colours.append(page.evaluate("[getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.body).color]"))
        page.close()
    assert colours[0] != colours[1]


def test_a_note_call_opens_the_note_in_a_pop_over_and_escape_returns_to_the_call(site: Path, browser):
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto((site / "ch-mainz.html").as_uri())
    call = page.locator('a[role="doc-noteref"]').nth(1)
    call.click()
    popover = page.locator("#note-popover")
    assert page.evaluate("document.getElementById('note-popover').matches(':popover-open')")
    assert "eight hundred guilders" in popover.inner_text()
    assert page.url.endswith("ch-mainz.html")  # no jump to the end of the chapter
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "ch-mainz-nref2"
    page.close()


def test_search_lists_passages_holding_every_word_and_links_to_them(site: Path, browser):
    page = browser.new_page()
    page.goto((site / "search.html").as_uri() + "?q=Gutenb%20Mainz")
    results = page.locator("#search-results li")
    assert results.count() > 3
    assert page.locator("#search-status").inner_text() == word("en", "search-found").format(n=results.count())
    first = results.first.locator("a").get_attribute("href")
    assert first.split("#")[0].endswith(".html") and "#" in first
    page.fill("#search-q", "zzzznothing")
    page.press("#search-q", "Enter")
    assert page.locator("#search-status").inner_text() == word("en", "search-none")
    page.close()


def test_an_image_linked_from_outside_the_book_stops_the_build_in_one_line(small_book, tmp_path: Path):
    outside = tmp_path / "secret.png"
    outside.write_bytes((ROOT / "images/hand-press.png").read_bytes())
    root = small_book({"manuscript/chapters/one.md": "# One\n\n![A press](images/press.png)\n"})
    (root / "images").mkdir()
    (root / "images/press.png").symlink_to(outside)
    result = build(root, "--out", str(tmp_path / "out"), fmt="web")
    assert result.exit_code != 0
    [error] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert "leaves the book folder" in error and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_site_changed_after_the_check_is_put_back_whole_not_replaced(tmp_path: Path):
    """put_in_place checks the old site again once moved aside, where no one can add to it: a file
    added since the build's first check puts the old site back, with the file, and stops."""
    old, new = tmp_path / "out" / "book-web", tmp_path / "stage" / "book-web"
    for folder, text in ((old, "old"), (new, "new")):
        (folder / "css").mkdir(parents=True)
        (folder / "index.html").write_text(text, encoding="utf-8")
        (folder / "css" / "book.css").write_text(text, encoding="utf-8")
        seal_folder(folder)
    (old / "added-since.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(PressworkError, match="not a folder presswork made"):
        put_in_place(new, old)
    assert (old / "index.html").read_text(encoding="utf-8") == "old" and (old / "added-since.txt").is_file()
    assert (new / "index.html").read_text(encoding="utf-8") == "new"
