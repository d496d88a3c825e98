from presswork.text.typography import NBSP, WORD_JOINER, QuoteState, smarten, smarten_string


def test_english_quotes_and_apostrophes_curl():
    assert smarten_string("\"It's 'fine',\" she said.", "en") == "“It’s ‘fine’,” she said."


def test_russian_quotes_are_guillemets_with_inner_low_quotes():
    assert smarten_string('Он сказал: "Это "книга"".', "ru") == "Он сказал: «Это „книга“»."


def test_dashes_and_ellipsis():
    assert smarten_string("1450--1500 --- and so... on", "en") == f"1450–1500{NBSP}— and so… on"


def test_spaced_hyphen_becomes_en_dash_in_english_and_em_dash_in_russian():
    assert smarten_string("this - that", "en") == f"this{NBSP}– that"
    assert smarten_string("Москва - город", "ru") == f"Москва{NBSP}— город"


def test_non_breaking_spaces_after_page_abbreviations_and_between_initials():
    assert smarten_string("see p. 12 and pp. 4--5", "en") == f"see p.{NBSP}12 and pp.{NBSP}4–5"
    assert smarten_string("J. S. Mill", "en") == f"J.{NBSP}S.{NBSP}Mill"


def test_web_addresses_are_left_alone():
    assert smarten_string('see https://example.org/a--b...c "here"', "en") == "see https://example.org/a--b...c “here”"


def test_quote_state_carries_across_pieces_of_one_paragraph():
    state = QuoteState()
    first = smarten('He said "', "en", state, after="x")
    second = smarten('word" then', "en", state)
    assert first + second == "He said “word” then"


def test_elided_year_gets_an_apostrophe_not_an_opening_quote():
    assert smarten_string("the '90s", "en") == "the ’90s"


def test_a_close_em_dash_is_joined_to_the_word_before_so_no_line_starts_with_it():
    assert smarten_string("the press---and its ink", "en") == f"the press{WORD_JOINER}—and its ink"
    state = QuoteState()  # a dash after emphasis opens the next text piece
    assert smarten("Gorodets", "en", state) + smarten("—who", "en", state) == f"Gorodets{WORD_JOINER}—who"


def test_a_spaced_dash_keeps_the_word_before_it_but_an_opening_one_stands_free():
    assert smarten_string("ink --- and paper", "en") == f"ink{NBSP}— and paper"
    assert smarten_string("Да, - сказал он", "ru") == f"Да,{NBSP}— сказал он"
    assert smarten_string("--- after Moxon", "en") == "— after Moxon"
