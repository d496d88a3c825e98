from presswork.files.kept import KeptParses
from presswork.text import markdown
from presswork.text.markdown import parse, parse_attrs


def types(tokens):
    return [t.type for t in tokens]


def test_image_alone_in_a_paragraph_becomes_a_figure_with_the_id():
    tokens, _ = parse('![A press](images/p.png "The caption"){#fig-p}\n', "en")
    assert types(tokens) == ["figure_open", "inline", "figure_close"]
    assert tokens[0].attrGet("id") == "fig-p"
    assert tokens[1].children[0].attrGet("title") == "The caption"


def test_image_inside_text_stays_inline():
    tokens, _ = parse("Text ![x](images/p.png) more\n", "en")
    assert tokens[0].type == "paragraph_open"


def test_last_paragraph_starting_with_em_dash_is_the_attribution():
    tokens, _ = parse("> Quoted.\n>\n> --- Somebody\n", "en")
    paragraphs = [t for t in tokens if t.type == "paragraph_open"]
    assert [bool(p.meta.get("attribution")) for p in paragraphs] == [False, True]


def test_single_dash_paragraph_quote_is_not_an_attribution():
    tokens, _ = parse("> — Only a line of dialogue\n", "en")
    assert not any(t.meta.get("attribution") for t in tokens)


def test_table_caption_paragraph_moves_into_the_table():
    tokens, _ = parse("Table: Early towns\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", "en")
    assert tokens[0].type == "table_open"
    assert tokens[0].meta["caption"].children[0].content == "Early towns"


def test_a_table_caption_gets_the_typography_of_the_text():
    tokens, _ = parse('Table: "Hours" -- a table\n\n| a |\n|---|\n| 1 |\n\n"Hours" -- a paragraph\n', "en")
    caption = tokens[0].meta["caption"].children[0].content
    paragraph = next(t for t in tokens if t.type == "inline" and "paragraph" in t.content).children[0].content
    assert caption == paragraph.replace("paragraph", "table") and "“Hours”" in caption and "--" not in caption


def test_heading_attributes_are_taken_off_the_text():
    tokens, _ = parse("## The press {#sec-press .wide}\n", "en")
    assert tokens[0].attrGet("id") == "sec-press"
    assert tokens[0].attrGet("class") == "wide"
    assert tokens[1].children[-1].content == "The press"


def test_typography_follows_the_language_of_spans_and_blocks():
    tokens, _ = parse('"Yes" and ["да"]{lang=ru}\n\n{lang=ru}\n"нет"\n', "en")
    first = "".join(c.content for c in tokens[1].children)
    assert first.startswith("“Yes”") and "«да»" in first
    assert tokens[4].children[0].content == "«нет»"


def test_code_is_not_touched_by_typography():
    tokens, _ = parse('`"x" -- y`\n', "en")
    assert tokens[1].children[0].content == '"x" -- y'


def test_attribute_syntax():
    assert parse_attrs('#a .b .c lang=ru title="x"') == {"id": "a", "class": "b c", "lang": "ru", "title": "x"}


def test_a_text_parsed_again_gives_tokens_of_its_own():
    """The loader reshapes the tokens it is given: a text parsed again in the same process (as
    `watch` does for the files that did not change) gets the same tokens, as new objects."""
    text = "A call.[^1]\n\n[^1]: A note with *emphasis*.\n"
    first, env = parse(text, "en")
    first[1].children[0].content = "changed"
    env["footnotes"]["list"].clear()
    again, env_again = parse(text, "en")
    assert again[1].children[0].content == "A call."
    assert env_again["footnotes"]["list"] and [t.type for t in again] == [t.type for t in first]


def test_the_kept_parses_stay_within_their_byte_bound(monkeypatch):
    """A long-lived process keeps parses up to a bound in bytes, not only in texts."""
    monkeypatch.setattr(markdown, "KEPT", KeptParses(bytes_at_most=200_000))
    for number in range(40):
        parse(f"Text {number}: " + "word " * 2_000, "en")
    assert 0 < markdown.KEPT.kept_bytes() <= 200_000
