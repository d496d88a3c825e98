from pathlib import Path

import pytest
import yaml
from conftest import BOOK_YAML

from presswork.errors import Diagnostics, PressworkError
from presswork.load.book import load_book
from presswork.load.yamlfile import parse_yaml
from presswork.model import Part

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample():
    return load_book(ROOT)


def test_sample_book_metadata(sample):
    meta = sample.metadata
    assert meta.title == "The Pressman's Craft"
    assert meta.language == "en"
    assert [c.role for c in meta.contributors][:2] == ["author", "translator"]
    assert meta.isbn_ebook == "9780000000002" and meta.isbn_paperback == "9780000000019"
    assert meta.slug == "pressmans-craft"


def test_sample_book_structure_has_front_two_parts_and_numbered_chapters(sample):
    parts = [e for e in sample.body if isinstance(e, Part)]
    assert len(parts) == 2 and len(sample.front) >= 2
    numbers = [c.number for p in parts for c in p.chapters]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 6
    assert all(c.number is None for c in sample.front)


def test_sample_book_meets_the_size_the_issue_asks_for(sample):
    chapters = list(sample.chapters())
    assert sum(c.words for c in chapters) >= 8000
    assert sum(len(c.notes) for c in chapters) >= 40
    assert len(list(sample.figures())) >= 3


def test_notes_are_numbered_per_chapter_in_order_of_first_reference(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\nB[^b] then A[^a].\n\n[^a]: First defined.\n[^b]: Second defined.\n"})
    chapter = next(load_book(root).chapters())
    assert [(n.number, n.label) for n in chapter.notes] == [(1, "b"), (2, "a")]


def test_every_id_maps_to_the_document_holding_it(sample):
    assert sample.targets["fig-hand-press"] == "ch-mainz"
    assert sample.targets["part-metal"] == "part-metal"


def test_unreferenced_note_is_a_warning_with_its_line(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\nText.[^a]\n\n[^a]: Used.\n\n[^b]: Unused.\n"})
    diagnostics = Diagnostics()
    load_book(root, diagnostics)
    [warning] = diagnostics.warnings
    assert "[^b] is defined but never referenced" in warning.message and warning.where.line == 7


def test_strict_turns_a_warning_into_an_error(small_book):
    root = small_book({"manuscript/chapters/one.md": "# One\n\n[^b]: Unused.\n\nText.\n"})
    with pytest.raises(PressworkError, match="never referenced"):
        load_book(root, Diagnostics(strict=True))


def test_front_matter_keeps_line_numbers_of_the_body(small_book):
    root = small_book({"manuscript/chapters/one.md": "---\ntitle: One\n---\n\nText [x](#nowhere).\n"})
    with pytest.raises(PressworkError) as info:
        load_book(root)
    assert info.value.where.line == 5


def test_chapter_without_title_is_an_error(small_book):
    root = small_book({"manuscript/chapters/one.md": "Just text.\n"})
    with pytest.raises(PressworkError, match="no title"):
        load_book(root)


BAD_VALUES = [None, 0, 3.5, True, "", "text", [], ["a"], [1], {}, {"a": 1}, {"name": [1]}, "2020-13-45", "../x",
              {"body": "x"}, {"body": [{"part": "P"}]}, {"body": [{"part": "P", "chapters": [1]}]}, [[1]]]  # fmt: skip
KEYS = ["title", "subtitle", "slug", "series", "language", "contributors", "publisher", "date", "isbn", "rights",
        "description", "subjects", "cover", "scripts", "contents"]  # fmt: skip


@pytest.mark.parametrize("key", KEYS)
def test_any_value_of_any_book_yaml_key_loads_or_gives_a_clear_error(small_book, key):
    for value in BAD_VALUES:
        data = yaml.safe_load(BOOK_YAML)
        data[key] = value
        root = small_book({"manuscript/book.yaml": yaml.safe_dump(data)})
        try:
            load_book(root)
        except PressworkError as exc:
            file = exc.where.file
            assert file is not None and (file.name == "book.yaml" or file.suffix == ".md"), (value, str(exc))


def test_empty_file_is_an_empty_chapter_titled_from_its_name(small_book):
    root = small_book({"manuscript/chapters/one.md": "", "manuscript/book.yaml": book_yaml_with("chapters/03-the-last_word.md"),
                       "manuscript/chapters/03-the-last_word.md": "  \n"})  # fmt: skip
    diagnostics = Diagnostics()
    [chapter] = load_book(root, diagnostics).chapters()
    assert chapter.title == "The last word" and "empty" in diagnostics.warnings[0].message


def test_file_names_without_ascii_letters_get_distinct_ids(small_book):
    root = small_book({"manuscript/book.yaml": book_yaml_with("chapters/глава.md", "chapters/часть.md"),
                       "manuscript/chapters/глава.md": "# Глава\n\nТекст.\n", "manuscript/chapters/часть.md": "# Часть\n\nТекст.\n"})  # fmt: skip
    ids = [c.id for c in load_book(root).chapters()]
    assert len(set(ids)) == 2 and all(i.startswith("file-") for i in ids)


def book_yaml_with(*files: str) -> str:
    return BOOK_YAML.replace("    - chapters/one.md\n", "".join(f"    - {f}\n" for f in files))


def test_a_yaml_text_parsed_again_is_a_value_of_its_own_with_its_lines():
    """A long-lived process (watch) keeps the parses of files that did not change: the loader gets
    an equal value it may reshape, every line number kept."""
    text = "title: One\nitems:\n  - a\n  - b\n"
    first = parse_yaml(text, Path("x.yaml"))
    first["items"].append("added")
    again = parse_yaml(text, Path("x.yaml"))
    assert again == {"title": "One", "items": ["a", "b"]} and again is not first
    assert (again.line_of("items"), again["items"].line, again["items"][1].line) == (2, 3, 4)
