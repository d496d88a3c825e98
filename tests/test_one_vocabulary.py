"""One name for each thing the stages share (note placement, contributor roles, bleed, atomic
writing), a model that does not parse, modules that set nothing up on import, and every
run-time import declared as a dependency."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BOOK_YAML, ROOT, build
from lxml import etree

from presswork.cli import main
from presswork.distribution.onix import OnixFacts, onix_record
from presswork.errors import Diagnostics, PressworkError
from presswork.files.output import atomic_path
from presswork.load.book import load_book
from presswork.load.chapters import Anchors
from presswork.load.marks import IndexConfig, _Resolver
from presswork.model import ROLES, NotePlacement
from presswork.package.a11y import book_claims
from presswork.render.xhtml import Links, XhtmlRenderer

ONIX = {"o": "http://ns.editeur.org/onix/3.0/reference"}


def test_print_notes_are_read_as_note_placements(small_book):
    book = load_book(small_book({"manuscript/book.yaml": BOOK_YAML + "print:\n  notes: endnotes\n"}))
    assert book.print.notes is NotePlacement.ENDNOTES
    assert load_book(small_book()).print.notes is NotePlacement.FOOTNOTES


def test_print_refuses_pop_up_notes_naming_the_two_it_takes(small_book):
    with pytest.raises(PressworkError) as caught:
        load_book(small_book({"manuscript/book.yaml": BOOK_YAML + "print:\n  notes: popups\n"}))
    assert "not one of footnotes, endnotes" in str(caught.value) and caught.value.where.line == 11


def test_every_role_reaches_the_title_page_the_opf_and_onix(small_book, tmp_path: Path):
    people = "".join(f"  - name: Given {role.title()}\n    role: {role}\n" for role in ROLES)
    yaml = re.sub(r"contributors:\n(  .*\n)+", "contributors:\n" + people, BOOK_YAML).replace("language: en", "language: ru")
    root = small_book({"manuscript/book.yaml": yaml})
    assert build(root, "--out", str(tmp_path)).exit_code == 0
    with zipfile.ZipFile(tmp_path / "a-small-book.epub") as epub:
        [opf] = [epub.read(n).decode() for n in epub.namelist() if n.endswith(".opf")]
        title_page = next(t for n in epub.namelist() if n.endswith(".xhtml") and 'class="titlepage"' in (t := epub.read(n).decode()))
    book = load_book(root)
    onix = etree.fromstring(onix_record(book, OnixFacts(10, 8, book_claims(book, page_list=False))))
    codes = {p.findtext("o:PersonName", namespaces=ONIX): p.findtext("o:ContributorRole", namespaces=ONIX)
             for p in onix.iterfind(".//o:Contributor", ONIX)}  # fmt: skip
    for name, role in ((f"Given {r.title()}", r) for r in ROLES):
        assert codes[name] == ROLES[role].onix
        assert f'scheme="marc:relators">{ROLES[role].marc}</meta>' in opf
        if role != "author":
            assert f'{ROLES[role].labels["ru"]} {name}</p>' in title_page, role


def test_dist_manifest_states_the_books_own_bleed(small_book, tmp_path: Path):
    root = small_book({"manuscript/book.yaml": BOOK_YAML + "print:\n  bleed: 3mm\n"})
    result = CliRunner().invoke(main, ["dist", str(root), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    files = {e["file"]: e for e in json.loads((tmp_path / "9780000000002" / "manifest.json").read_text())["files"]}
    assert "bleed 0.1181 in" in json.dumps(files["a-small-book_interior.pdf"], ensure_ascii=False)
    assert "2 × 0.125 in bleed" in json.dumps(files["a-small-book_cover.pdf"], ensure_ascii=False)


def test_atomic_path_replaces_the_file_only_when_the_block_succeeds(tmp_path: Path):
    target = tmp_path / "book.azw3"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("the tool failed")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["book.azw3"]
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".azw3"  # a tool that picks its format by suffix sees it
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["book.azw3"]


def _python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_the_model_imports_no_parser():
    loaded = _python("import sys, presswork.model; print(sorted(m for m in sys.modules if 'printopts' in m or 'ImageCms' in m))")
    assert loaded == "[]"


def test_importing_the_print_stages_leaves_logging_alone_and_the_command_quietens_it(tmp_path: Path):
    levels = "print([logging.getLogger(n).level for n in ('weasyprint', 'fontTools')])"
    imported = _python("import logging, presswork.backends.pdf, presswork.layout, presswork.distribution.covers; " + levels)
    assert imported == "[0, 0]"
    ran = _python("import logging; from click.testing import CliRunner; from presswork.cli import main; "
                  f"assert CliRunner().invoke(main, ['init', {str(tmp_path / 'b')!r}]).exit_code == 0; " + levels)  # fmt: skip
    assert ran == "[40, 40]"


def test_renderer_and_mark_resolver_declare_every_attribute_in_init():
    book = load_book(ROOT)
    renderer = XhtmlRenderer(Links(target=str, image=Path.as_posix), book.metadata.scripts)
    declared = set(vars(renderer))
    for chapter in book.chapters():
        renderer.chapter(chapter.tokens, chapter.id, "en", {n.number: n.tokens for n in chapter.notes})
    assert set(vars(renderer)) == declared
    resolver = _Resolver(book, IndexConfig(), Anchors(), Diagnostics(), frozenset())
    declared = set(vars(resolver))
    for chapter in book.chapters():
        resolver.chapter(chapter)
    assert set(vars(resolver)) == declared


def _imported_modules(folder: Path) -> set[str]:
    names = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"presswork"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_module_presswork_imports_is_a_runtime_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_normal(re.match(r"[A-Za-z0-9._-]+", d).group()) for d in project["dependencies"]}
    distributions = packages_distributions()
    needed = {module: {_normal(d) for d in distributions.get(module, [module])} for module in _imported_modules(ROOT / "src/presswork")}
    assert {module for module, dists in needed.items() if not dists & declared} == set()
