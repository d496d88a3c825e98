import pytest

from presswork.text.isbn import IsbnError, hyphenate_isbn, isbn13_check, normalise_isbn


def test_valid_isbn13_with_hyphens_is_normalised():
    assert normalise_isbn("978-0-00-000000-2") == "9780000000002"


def test_isbn10_is_converted_to_isbn13():
    assert normalise_isbn("0-306-40615-2") == "9780306406157"


@pytest.mark.parametrize("bad", ["9780000000003", "978000000000", "1234567890123", "0-306-40615-3"])
def test_bad_isbns_are_refused(bad):
    with pytest.raises(IsbnError):
        normalise_isbn(bad)


def test_check_digit_follows_the_1_3_weighting():
    assert isbn13_check("978030640615") == "7"


@pytest.mark.parametrize(
    ("isbn", "printed"),
    [("9781893638976", "978-1-893638-97-6"), ("9780306406157", "978-0-306-40615-7"), ("9780000000002", "978-0-00-000000-2")],
)
def test_isbns_are_hyphenated_by_the_agencys_ranges(isbn, printed):
    assert hyphenate_isbn(isbn) == printed


def test_the_copyright_page_prints_hyphenated_isbns(sample_files):
    page = sample_files["EPUB/text/copyright.xhtml"].decode()
    assert "ISBN 978-0-00-000000-2 (ebook)" in page
