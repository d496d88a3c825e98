"""`presswork check` on real prose: grammatical doubled words, quotations running over paragraphs
and numbered lists are no problems; the slips they resemble still are."""

from __future__ import annotations

from conftest import BOOK_YAML

from presswork.check.book import check_book


def codes(small_book, text: str) -> list[tuple[str, int | None]]:
    root = small_book({"manuscript/chapters/one.md": "# One\n\n" + text, "manuscript/book.yaml": BOOK_YAML})
    return [(p.code, p.line) for p in check_book(root) if p.code in ("T005", "T006")]


def test_grammatical_doubled_words_are_no_repeated_words(small_book):
    text = "She had had enough.\n\n“There there,” said Anna.\n\nGet her her pipe.\n\nThe the press stood still.\n"
    assert codes(small_book, text) == [("T006", 9)]


def test_a_quotation_over_several_paragraphs_is_balanced(small_book):
    speech = "“The press was old, he said.\n\n“It groaned at every pull.\n\n“And yet it printed,” he ended.\n"
    assert codes(small_book, speech) == []
    assert codes(small_book, "“The press was old, he said.\n\nIt groaned at every pull.\n") == [("T005", 3)]


def test_a_list_numbered_in_the_text_is_balanced(small_book):
    assert codes(small_book, "Three steps: 1) cut the punch, 2) strike the matrix, a) and b) cast.\n") == []
    assert codes(small_book, "Three steps (cut the punch, strike the matrix.\n") == [("T005", 3)]


def test_a_number_closing_a_bracket_it_opened_still_counts(small_book):
    assert codes(small_book, "A citation (Greaves, p. 67) and a list: 1) cut, 2) cast.\n") == []
    assert codes(small_book, "A citation (Greaves, p. 67 and more words.\n") == [("T005", 3)]
