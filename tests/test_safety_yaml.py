"""Hostile YAML, metadata and print options (issue 11, items 6, 7, 12, 13, 15): every case ends in
one `error:` line with file:line, exit 1, no traceback and no product."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BOOK_YAML
from hostile import assert_clean_failure, products, run

BOOK = "manuscript/book.yaml"
GLOSSARY_ENTRY = "  back:\n    - back/glossary.yaml\n"


def book_with(small_book, extra: str = "", replace: dict[str, str] | None = None, files: dict[str, str] | None = None) -> Path:
    """The small book with `extra` lines added to book.yaml and `replace` {old line: new line} applied."""
    text = BOOK_YAML
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    return small_book({"manuscript/book.yaml": text + extra, **(files or {})})


def fails(root: Path, *expected: str) -> str:
    out = root.parent / "out"
    line = assert_clean_failure(run(["build", "epub", root, "--out", out]), *expected)
    assert products(out) == []
    return line


def line_of(root: Path, relative: str, text: str) -> int:
    """The 1-based line of `relative` that holds `text`."""
    lines = (root / relative).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


# -- item 6: aliases, size, depth ----------------------------------------------------------


def test_yaml_alias_in_book_yaml_is_refused_at_its_line(small_book):
    root = book_with(small_book, "subtitle: &laugh ha\ndescription: *laugh\n")
    fails(root, f"{BOOK}:{line_of(root, BOOK, '*laugh')}", "alias")


def test_billion_laughs_in_back_matter_is_refused_at_once(small_book):
    bomb = 'order: alphabetical\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    bomb += "".join(f"{x}: &{x} [{', '.join([f'*{p}'] * 9)}]\n" for p, x in zip("abcdefgh", "bcdefghi"))
    bomb += "terms: [{term: x, definition: *i}]\n"
    root = book_with(small_book, GLOSSARY_ENTRY, files={"manuscript/back/glossary.yaml": bomb})
    fails(root, "manuscript/back/glossary.yaml:3", "alias")


def test_yaml_merge_key_is_refused(small_book):
    root = book_with(small_book, "print:\n  <<: {notes: endnotes}\n")
    fails(root, f"{BOOK}:{line_of(root, BOOK, '<<')}", "<<")


def test_alias_in_chapter_front_matter_is_refused(small_book):
    chapter = "---\ntitle: &t One\nshort_title: *t\n---\n\nText.\n"
    root = book_with(small_book, files={"manuscript/chapters/one.md": chapter})
    fails(root, "manuscript/chapters/one.md:3", "alias")


def test_deep_yaml_nesting_is_a_user_error(small_book):
    root = book_with(small_book, "description: " + "[" * 5000 + "]" * 5000 + "\n")
    fails(root, f"{BOOK}:{line_of(root, BOOK, 'description')}", "deep")


def test_yaml_with_too_many_values_is_refused(small_book):
    root = book_with(small_book, "subjects: [" + "a, " * 150_000 + "]\n")
    fails(root, f"{BOOK}:{line_of(root, BOOK, 'subjects')}", "values")


def test_oversized_yaml_file_is_refused(small_book):
    root = book_with(small_book, "description: >\n" + ("  " + "word " * 20 + "\n") * 60_000)
    fails(root, f"{BOOK}:1", "MB")


# -- item 12: duplicate keys, keys that are not plain values, wrong types ----------------


def test_duplicate_key_in_book_yaml_is_an_error(small_book):
    root = book_with(small_book, "title: Another Title\n")
    fails(root, f"{BOOK}:{line_of(root, BOOK, 'Another Title')}", "'title'", "line 1")


def test_duplicate_key_in_a_glossary_entry_is_an_error(small_book):
    glossary = "terms:\n  - term: press\n    definition: A machine.\n    term: type\n"
    root = book_with(small_book, GLOSSARY_ENTRY, files={"manuscript/back/glossary.yaml": glossary})
    fails(root, "manuscript/back/glossary.yaml:4", "'term'")


def test_list_used_as_a_key_is_a_user_error(small_book):
    root = book_with(small_book, "[1, 2]: x\n")
    fails(root, f"{BOOK}:{line_of(root, BOOK, '[1, 2]')}", "key")


@pytest.mark.parametrize(
    ("line", "key", "kind"),
    [
        ("title: [a, b]", "title", "a list"),
        ("title: {a: b}", "title", "a mapping"),
        ("title: yes", "title", "true"),
        ("language: [en]", "language", "a list"),
        ("subtitle: [a, b]", "subtitle", "a list"),
        ("rights: {year: 2020}", "rights", "a mapping"),
        ("slug: [a]", "slug", "a list"),
        ("date: [2020]", "date", "a list"),
        ("subjects: [[a, b]]", "subjects", "a list"),
        ("subjects: [a, {b: c}]", "subjects", "a mapping"),
        ("publisher: {name: [a, b]}", "publisher", "a list"),
        ("series: {name: S, number: [1]}", "series", "a list"),
        ("isbn: {ebook: [9780000000002]}", "isbn", "a list"),
        ("prices: {ebook: [[9.99 GBP]]}", "prices", "a list"),
        ("scripts: {Cyrl: [ru]}", "scripts", "a list"),
        ("cover: [images/cover.jpg]", "cover", "a list"),
        ("print: {notes: [endnotes]}", "notes", "a list"),
        ("print: {marks: 'no'}", "marks", "true or false"),
        ("print: {trim: [6, 9]}", "trim", "a list"),
    ],
)
def test_wrong_yaml_type_in_book_yaml_is_an_error(small_book, line, key, kind):
    key_line = next((old for old in BOOK_YAML.splitlines() if old.startswith(line.split(":")[0] + ":")), None)
    root = book_with(small_book, replace={key_line: line}) if key_line else book_with(small_book, line + "\n")
    fails(root, f"{BOOK}:{line_of(root, BOOK, line.split(':')[0] + ':')}", key, kind)


def test_wrong_type_of_contributor_name_and_role_is_an_error(small_book):
    root = book_with(small_book, replace={"role: author": "role: [author]"})
    fails(root, f"{BOOK}:{line_of(root, BOOK, 'role:')}", "role", "a list")


def test_binary_value_is_refused(small_book):
    root = book_with(small_book, replace={"title: A Small Book": "title: !!binary aGVsbG8="})
    fails(root, f"{BOOK}:1", "binary")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("glossary", "terms:\n  - term: [a, b]\n    definition: x\n", ("glossary.yaml:2", "term", "a list")),
        ("glossary", "terms:\n  - term: a\n    definition: x\n    id: [x]\n", ("glossary.yaml:4", "id", "a list")),
        ("glossary", "order: [alphabetical]\nterms:\n  - term: a\n    definition: x\n", ("glossary.yaml:1", "order", "a list")),
        ("glossary", "terms:\n  - term: a\n    definition: x\n    forms: [[a]]\n", ("glossary.yaml:4", "forms", "a list")),
        ("chronology", "columns: [Date, Event]\nrows:\n  - [[1900], x]\n", ("chronology.yaml:3", "cell", "a list")),
        ("chronology", "columns: [Date, {a: b}]\nrows:\n  - [1900, x]\n", ("chronology.yaml:1", "columns", "a mapping")),
        ("biographies", "people:\n  - surname: A\n    born: [1900]\n    text: x\n", ("biographies.yaml:3", "born", "a list")),
        ("biographies", "note: [a]\npeople:\n  - surname: A\n    text: x\n", ("biographies.yaml:1", "note", "a list")),
    ],
)
def test_wrong_yaml_type_in_back_matter_is_an_error(small_book, name, text, expected):
    root = book_with(small_book, f"  back:\n    - back/{name}.yaml\n", files={f"manuscript/back/{name}.yaml": text})
    fails(root, *expected)


# -- item 13: internal errors that are user errors ---------------------------------------


def test_fifty_word_title_builds_with_a_short_file_name(small_book):
    title = " ".join(f"word{i}" for i in range(50))
    root = book_with(small_book, replace={"title: A Small Book": f"title: {title}"})
    out = root.parent / "out"
    result = run(["build", "epub", root, "--out", out])
    assert result.exit_code == 0, result.output
    (name,) = products(out)
    assert name.startswith("word0-word1-") and len(name) <= 85 and not name.startswith("-") and "--" not in name


@pytest.mark.parametrize("field", ['cover: "images/a\\0b.jpg"', 'print: {output_profile: "a\\0b.icc"}'])
def test_nul_in_a_path_is_a_user_error(small_book, field):
    root = book_with(small_book, field + "\n")
    fails(root, f"{BOOK}:{line_of(root, BOOK, field[:8])}", "control character")


def test_nul_in_a_contents_entry_is_a_user_error(small_book):
    root = book_with(small_book, replace={"- chapters/one.md": '- "chapters/one\\0.md"'})
    fails(root, f"{BOOK}:{line_of(root, BOOK, 'one')}", "control character")


@pytest.mark.parametrize("date", ["9999-12-31", "2500-01-01", "0999-01-01"])
def test_date_out_of_range_is_a_user_error(small_book, date):
    root = book_with(small_book, f"date: {date}\n")
    fails(root, f"{BOOK}:{line_of(root, BOOK, 'date:')}", "date", "between")


def test_impossible_yaml_date_names_its_line(small_book):
    root = book_with(small_book, "date: 2026-02-30\n")
    fails(root, f"{BOOK}:{line_of(root, BOOK, 'date:')}", "day")


@pytest.mark.parametrize("epoch", ["999999999999", "-5", "soon"])
def test_source_date_epoch_out_of_range_is_a_one_line_error(small_book, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    line = fails(book_with(small_book), "SOURCE_DATE_EPOCH")
    assert epoch in line


# -- item 7: print sizes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("trim: 9999x9999", ("trim", "2–20 in")),
        ("trim: 30x9", ("trim", "2–20 in")),
        ("trim: 6x0.5", ("trim", "2–20 in")),
        ("margins: {top: 20in}", ("margins", "at least 1 in")),
        ("margins: {inside: 3in, outside: 2.5in}", ("margins", "at least 1 in")),
        ("bleed: 2in", ("bleed", "0–0.5 in")),
        ("bleed: 13mm", ("bleed", "0–0.5 in")),
    ],
)
def test_absurd_print_sizes_are_refused(small_book, options, expected):
    root = book_with(small_book, f"print:\n  {options}\n")
    key = options.split(":")[0]
    fails(root, f"{BOOK}:{line_of(root, BOOK, key + ':')}", *expected)


def test_sane_print_sizes_are_kept(small_book):
    from presswork.load.book import load_book

    root = book_with(small_book, "print:\n  trim: 5x8\n  bleed: 0.125in\n  margins: {top: 1in, inside: 0.8in}\n")
    options = load_book(root).print
    assert (options.width, options.height, options.bleed, options.top, options.inside) == (5, 8, 0.125, 1, 0.8)


# -- item 15: init refuses what would not build --------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [("--language", "xx-!!", "language"), ("--title", "", "title"), ("--title", "   ", "title"), ("--author", " ", "author")],
)
def test_init_refuses_options_that_would_not_build(tmp_path, option, value, expected):
    target = tmp_path / "new"
    result = run(["init", target, option, value])
    assert_clean_failure(result, expected)
    assert not target.exists()


def test_init_book_with_odd_title_builds(tmp_path):
    target = tmp_path / "new"
    assert run(["init", target, "--title", "Yes", "--language", "uk"]).exit_code == 0
    result = run(["build", "epub", target, "--out", tmp_path / "out"])
    assert result.exit_code == 0, result.output


def test_check_reads_its_ignore_list_with_the_bounded_loader(small_book):
    from presswork.check.settings import ignore_rules

    root = book_with(small_book, "x: &codes [T002, T003]\ncheck: {ignore: *codes}\n")
    assert ignore_rules(root) == []
    assert ignore_rules(book_with(small_book, "check: {ignore: [T002]}\n")) == [{"code": "T002"}]
