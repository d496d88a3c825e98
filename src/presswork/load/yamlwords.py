"""PyYAML's syntax errors in an author's words: "expected <block end>, but found '?'" names the
parser's state, not what the author typed, and often the line after the slip. Each common slip
(a tab, an unclosed quote or bracket, a colon inside a value, a line out of step with its block, a
line without its colon) is told as what was done, at the line where it was done."""

from __future__ import annotations

import re

import yaml

def explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, yaml.Mark | None, str]:
    """(what the author did, the mark of the line where it was done, how to mend it)."""
    problem, context = exc.problem or "", exc.context or ""
    found, opened = exc.problem_mark, exc.context_mark or exc.problem_mark
    lines = text.split("\n")

    def line(mark: yaml.Mark | None) -> str:
        return lines[mark.line] if mark is not None and mark.line < len(lines) else ""

    if "'\\t'" in problem:
        return "a tab in the indentation", found, "indent with spaces: YAML does not take tabs there"
    if "quoted scalar" in context and "end of stream" in problem:
        quote = line(opened)[opened.column : opened.column + 1] if opened else '"'
        return (f"the quote {quote} opened on this line is never closed", opened,
                f"end the value with {quote} on the line where it ends")  # fmt: skip
    if "unknown escape character" in problem:
        return ("a backslash inside double quotes", found,
                "write it twice (\\\\), or put the value in single quotes")  # fmt: skip
    if "flow sequence" in context or "flow mapping" in context:
        bracket = "[" if "sequence" in context else "{"
        return (f"the {bracket} opened on this line is not closed where it should be", opened,
                f"close it with {']' if bracket == '[' else '}'} and put any value holding a comma, colon or bracket in quotes")  # fmt: skip
    if problem == "mapping values are not allowed here":
        return _colon(line(found), found)
    if "could not find expected ':'" in problem:
        return (f"{line(opened).strip()!r} has no colon after a name", opened,
                "write `key: value`; a text running over lines is indented under its key, or put in quotes")  # fmt: skip
    if problem.startswith("expected <block end>"):
        return _out_of_step(line(found), lines[: found.line] if found else [], found)
    if starter := re.search(r"found character '(.)' that cannot start any token", problem):
        return (f"a value starts with {starter.group(1)}, which YAML keeps for itself", found,
                "put the value in quotes")  # fmt: skip
    if "alias" in context or "anchor" in context or "tag" in context:
        return ("a value starts with *, & or !, which YAML reads as a reference or a type", opened,
                "put the value in quotes")  # fmt: skip
    return problem or context or "the file cannot be read", found or opened, "check indentation, colons and quotes"


def _colon(text: str, mark: yaml.Mark | None) -> tuple[str, yaml.Mark | None, str]:
    """`title: Foo: bar` (a colon and space inside a value) or a `key:` indented under a value."""
    colon = re.search(r":(\s|$)", text)
    if colon and mark is not None and colon.start() < mark.column:
        key = text[: colon.start()].strip().lstrip("- ")
        return (f"a colon and a space inside the value of {key!r}", mark,
                f'put the value in quotes: {key}: "{text[colon.end():].strip()}"')  # fmt: skip
    return ("this line is indented under the line above, as if it went on with its value", mark,
            "line its key up with the keys above it, or indent the value above under its key")  # fmt: skip


def _out_of_step(text: str, before: list[str], mark: yaml.Mark | None) -> tuple[str, yaml.Mark | None, str]:
    """A line the parser did not expect where it stands: text after a closing quote, a `key:` among
    a list's `- ` items, or a line indented unlike the block it belongs to."""
    closed = text[: mark.column].rstrip()[-1:] if mark is not None else ""
    if closed and closed in "\"']}":
        what = "quote" if closed in "\"'" else "bracket"
        return (f"text after the closing {what} of a value", mark,
                "put the whole value in quotes, or nothing after them" if what == "quote" else f"end the line with {closed}")  # fmt: skip
    indent = len(text) - len(text.lstrip())
    above = next((b for b in reversed(before) if b.strip() and not b.lstrip().startswith("#")), "")
    if not text.lstrip().startswith("- ") and above.lstrip().startswith("- ") and len(above) - len(above.lstrip()) == indent:
        return ("a `key: value` line among the `- ` items of a list", mark,
                "indent it under the item it belongs to, or start it with `- ` if it is an item of its own")  # fmt: skip
    return ("this line is indented differently from the lines of its block", mark,
            "line it up with the keys (or `- ` items) of its block: YAML reads the structure from the indentation")  # fmt: skip
